"""{% page_links %} writes what the included template it replaced wrote (white space
aside), in both languages: the links to the previous and next pages, with the list's
other parameters, and "page 2 of 9"."""

import re

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template
from django.utils import translation

# The included template {% page_links %} replaced (templates/includes/_pagination.html).
INCLUDED = Template(
    """{% load i18n %}{% if page_obj.has_other_pages %}
<nav class="pagination" aria-label="{% translate 'Pages' %}">
  {% if page_obj.has_previous %}<a href="?{% if querystring %}{{ querystring }}&amp;{% endif %}page={{ page_obj.previous_page_number }}" rel="prev">← {% translate "previous" %}</a>{% endif %}
  <span>{% blocktranslate with number=page_obj.number total=page_obj.paginator.num_pages %}page {{ number }} of {{ total }}{% endblocktranslate %}</span>
  {% if page_obj.has_next %}<a href="?{% if querystring %}{{ querystring }}&amp;{% endif %}page={{ page_obj.next_page_number }}" rel="next">{% translate "next" %} →</a>{% endif %}
</nav>
{% endif %}"""  # noqa: E501
)
TAG = Template("{% load pages %}{% page_links %}")


def squeezed(html):
    return re.sub(r"\s+", " ", html).strip()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("number", [1, 2, 5])
@pytest.mark.parametrize("querystring", ["", "q=prompt&kind=notes", "topic=a<b>&year=2024"])
def test_page_links_write_what_the_template_wrote(language, number, querystring):
    page = Paginator(range(100), 20).page(number)
    context = {"page_obj": page, "querystring": querystring}
    with translation.override(language):
        made = TAG.render(Context(context))
        assert squeezed(made) == squeezed(INCLUDED.render(Context(context)))
    assert ('rel="prev"' in made) == (number > 1)
    assert ('rel="next"' in made) == (number < 5)
    assert "<b>" not in made


@pytest.mark.parametrize(
    "context", [{}, {"page_obj": None}, {"page_obj": Paginator([1], 20).page(1)}]
)
def test_no_links_for_one_page_or_none(context):
    assert TAG.render(Context(context)) == INCLUDED.render(Context(context)).strip() == ""
