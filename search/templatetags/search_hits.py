"""``{% search_hits hits %}``: a group of search results, made in Python; and
``{% search_kinds results query %}``, ``{% search_groups results query %}``: the chips of
the kinds and the groups of hits, as the template's loops wrote them.

A page of results shows some thirty hits; through the template engine (an include
and half a dozen lookups each) they cost a tenth of a new search, and the seven kinds'
chips and groups (lookups through the lazy results, a filter and a translation each)
as much again. Titles, subtitles and snippets come highlighted and escaped
(search.text.highlight).
"""

from urllib.parse import quote

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.escaping import esc
from core.language import LANG_ATTRIBUTE, interface_language, quick_language
from notes.templatetags.reading_status import status_controls

from ..models import Kind

register = template.Library()


def lang_of(html, interface):
    """The ``lang`` attribute of a hit's text (highlighted HTML) where it is in the other
    language than the page: a screen reader then reads it in that language's voice."""
    code = quick_language(html)
    return f' lang="{LANG_ATTRIBUTE[code]}"' if code and code != interface else ""


@register.simple_tag(takes_context=True)
def search_hits(context, hits):
    status = status_controls(context)
    interface = interface_language()
    html = []
    for hit in hits:
        title = f'<a class="search-hit-title" href="{esc(hit.url)}"{lang_of(hit.title, interface)}>'
        parts = [f"{title}{hit.title}</a>"]
        if hit.subtitle:
            lang = lang_of(hit.subtitle, interface)
            parts.append(f'<span class="search-hit-subtitle"{lang}>{hit.subtitle}</span>')
        if hit.snippet:
            parts.append(
                f'<p class="search-snippet"{lang_of(hit.snippet, interface)}>{hit.snippet}</p>'
            )
        if hit.kind == Kind.PAPER:
            parts.append(status(hit.object_id, hit.status))
        html.append('<li class="search-hit">\n  ' + "\n  ".join(parts) + "\n</li>")
    return mark_safe("".join(html))  # noqa: S308  (highlighted texts are escaped, the rest here)


def _count(group):
    return f'<span class="count">{group.count}{"+" if group.capped else ""}</span>'


@register.simple_tag
def search_kinds(results, query):
    """The chip of each kind (after "All"), linking to its results."""
    q = esc(quote(query))
    html = []
    for group in results.groups:
        classes, current = "chip", ""
        if results.kind == group.kind:
            classes += " active"
            current = ' aria-current="page"'
        if not group.count:
            classes += " search-kind-empty"
        html.append(
            f'\n  <a class="{classes}" href="?q={q}&amp;kind={esc(group.kind)}"{current}>'
            f"{esc(group.label)} {_count(group)}</a>\n  "
        )
    return mark_safe("".join(html))  # noqa: S308  (every text escaped here)


@register.simple_tag(takes_context=True)
def search_groups(context, results, query):
    """Each kind's group of hits, with a link to all of them on the page of every kind."""
    q = esc(quote(query))
    html = []
    for group in results.groups:
        if not group.hits:
            continue
        kind, label = esc(group.kind), esc(group.label)
        more = ""
        if not results.kind and group.more:
            text = _("All %(n)s in %(label)s →") % {"n": esc(group.count_text), "label": label}
            more = f'<p class="search-more"><a href="?q={q}&amp;kind={kind}">{text}</a></p>'
        html.append(
            f'\n  <section class="search-group" aria-labelledby="search-{kind}">\n'
            f'    <h2 id="search-{kind}">{label} {_count(group)}</h2>\n'
            f'    <ul class="plain search-hits">{search_hits(context, group.hits)}</ul>\n'
            f"    {more}\n  </section>\n  "
        )
    if results.kind and not html:
        # One kind's tab with none of it, where other kinds have matches (the search box
        # keeps the tab): say so, rather than a page empty under the tabs.
        shown = next((g.label for g in results.groups if g.kind == results.kind), "")
        # The words searched: the correction's, where the page shows its results.
        text = _("Nothing in %(label)s matches “%(query)s”; the other kinds above do.") % {
            "label": esc(shown),
            "query": esc(results.corrected or query),
        }
        every = _("Show all results")
        html.append(f'<p class="empty">{text} <a href="?q={q}">{every}</a></p>')
    return mark_safe("".join(html))  # noqa: S308  (every text escaped here)
