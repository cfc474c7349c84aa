"""``{% search_hits hits %}``: a group of search results, made in Python.

A page of results shows some thirty hits; through the template engine (an include
and half a dozen lookups each) they cost a tenth of a new search. Titles, subtitles and
snippets come highlighted and escaped (search.text.highlight).
"""

from django import template
from django.utils.safestring import mark_safe

from core.escaping import esc
from notes.templatetags.reading_status import status_controls

from ..models import Kind

register = template.Library()


@register.simple_tag(takes_context=True)
def search_hits(context, hits):
    status = status_controls(context)
    html = []
    for hit in hits:
        parts = [f'<a class="search-hit-title" href="{esc(hit.url)}">{hit.title}</a>']
        if hit.subtitle:
            parts.append(f'<span class="search-hit-subtitle">{hit.subtitle}</span>')
        if hit.snippet:
            parts.append(f'<p class="search-snippet">{hit.snippet}</p>')
        if hit.kind == Kind.PAPER:
            parts.append(status(hit.object_id, hit.status))
        html.append('<li class="search-hit">\n  ' + "\n  ".join(parts) + "\n</li>")
    return mark_safe("".join(html))  # noqa: S308  (highlighted texts are escaped, the rest here)
