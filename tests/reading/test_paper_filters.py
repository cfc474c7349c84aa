"""The paper list's filter options (reading/templatetags/paper_filters.py): the same HTML
as the template loop they replace, escaped, the query string's option selected."""

from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext_lazy

from reading.templatetags.paper_filters import options

LOOP = Template(
    '{% for value, label in choices %}<option value="{{ value }}"'
    "{% if selected == value|stringformat:'s' %} selected{% endif %}>{{ label }}</option>"
    "{% endfor %}"
)


def test_options_are_the_template_loops_html():
    choices = [("surveys", "Surveys"), ("a&b", "A & <b>"), (2023, 2023), ('"q"', "'q'")]
    for selected in ["", "surveys", "a&b", "2023", '"q"', "nothing"]:
        expected = LOOP.render(Context({"choices": choices, "selected": selected}))
        assert options(choices, selected) == expected, selected


def test_options_escape_values_and_labels():
    html = options([('x"><script>', "<script>alert(1)</script>")], "")
    assert html == (
        '<option value="x&quot;&gt;&lt;script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</option>'
    )


def test_the_selected_option_is_the_query_strings():
    html = options([(2024, 2024), (2023, 2023)], "2023")
    assert html == '<option value="2024">2024</option><option value="2023" selected>2023</option>'


def test_labels_speak_the_readers_language():
    sorts = [("title", gettext_lazy("title"))]
    with translation.override("zh-hans"):
        html = Template("{% load paper_filters %}{% options sorts 'title' %}").render(
            Context({"sorts": sorts})
        )
        label = translation.gettext("title")
    assert label != "title"
    assert html == f'<option value="title" selected>{label}</option>'
