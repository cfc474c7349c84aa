"""The site header's parts, made in Python: every page has them, and through the template
engine the navigation, the search box and the language switch cost a twentieth of a
paper page's rendering.

    {% load header %}
    {% main_nav %}  {% search_box %}  {% language_switch %}
"""

import functools

from django import template
from django.conf import settings
from django.template.defaulttags import CsrfTokenNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from core.addresses import address
from core.escaping import esc, safe

register = template.Library()

# (URL name, label) of the main navigation, in its order.
NAVIGATION = [
    ("reading:paper_list", gettext_noop("Papers")),
    ("papers:model_list", gettext_noop("Models")),
    ("papers:dataset_list", gettext_noop("Datasets")),
    ("notes:glossary", gettext_noop("Glossary")),
    ("notes:readinglist_list", gettext_noop("Reading lists")),
    ("notes:my_notes", gettext_noop("My notes")),
    ("notes:my_reading", gettext_noop("My reading")),
]
# Each language's button: what it says and its title, in that language, and its lang.
SWITCH_TO = {
    "en": ("English", "Show the site in English", "en"),
    "zh-hans": ("中文", "以中文显示网站", "zh-Hans"),
}


@register.simple_tag
def main_nav():
    """The main navigation: the same for every member who reads the site in a language."""
    return _main_nav(get_language(), get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=16)
def _main_nav(language, urlconf, script_prefix):
    # The arguments key the cache: the address() and _() calls read them from the request.
    links = "\n".join(
        f'        <a href="{esc(address(name))}">{esc(_(label))}</a>' for name, label in NAVIGATION
    )
    main = esc(_("Main"))
    return safe(f'<nav class="main-nav" aria-label="{main}">\n{links}\n      </nav>')


@register.simple_tag(takes_context=True)
def search_box(context):
    """The search form; none on a page with a search form of its own (the results page:
    two forms, both "Search" to a screen reader and both holding the query, stacked on a
    phone)."""
    if context.get("own_search_form"):
        return ""
    action = esc(address("search:results"))
    placeholder, search = esc(_("Papers, notes …")), esc(_("Search"))
    return safe(
        f'<form class="search-box" role="search" method="get" action="{action}">\n'
        f'  <input type="search" name="q" '
        f'placeholder="{placeholder}" aria-label="{search}">\n'
        f'  <button type="submit" class="button">{search}</button>\n'
        "</form>"
    )


@register.simple_tag(takes_context=True)
def language_switch(context):
    """A button for each other language of the site, back to the same page."""
    current, buttons = get_language(), []
    for code, name in settings.LANGUAGES:
        if code == current:
            continue
        label, title, lang = SWITCH_TO.get(code, (name, name, code))
        buttons.append(
            f'\n    <button type="submit" name="language" value="{esc(code)}" class="chip" '
            f'lang="{esc(lang)}" title="{esc(title)}">{esc(label)}</button>'
        )
    csrf = CsrfTokenNode().render(context)  # the {% csrf_token %} field
    next_path = esc(context["request"].get_full_path())
    return safe(
        '<form class="language-switch inline-form" method="post" '
        f'action="{esc(address("set_language"))}">{csrf}\n'
        f'  <input type="hidden" name="next" value="{next_path}">{"".join(buttons)}\n'
        "</form>"
    )


class PageTitleNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        return page_title(self.nodelist.render(context))


def page_title(title):
    """The page's title, then the site's name, each part once: a group named as the site
    is ("LLM Reading Group", as the demo's is) gave "LLM Reading Group · LLM Reading
    Group", and its schedule "Plan meetings · LLM Reading Group · LLM Reading Group"."""
    site = esc(_("LLM Reading Group"))
    parts = [part for part in title.strip().split(" · ") if part]
    if parts and parts[-1] == site:
        return safe(" · ".join(parts))
    return safe(" · ".join([*parts, site]))


@register.tag("page_title")
def do_page_title(parser, token):
    """{% page_title %}…{% endpage_title %}: what it holds (the page's title block), and
    the site's name after it unless it already ends with it."""
    nodelist = parser.parse(("endpage_title",))
    parser.delete_first_token()
    return PageTitleNode(nodelist)
