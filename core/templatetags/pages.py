"""``{% page_links %}``: a list's links to its previous and next pages and "page 2 of 9",
from the context's ``page_obj`` (a Paginator's page) and ``querystring`` (the list's other
parameters, urlencoded). Made in Python, not an included template: the paper, model and
dataset lists, the family trees and a kind's search results show it on every page.
"""

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from core.escaping import esc, safe

register = template.Library()


@register.simple_tag(takes_context=True)
def page_links(context):
    page = context.get("page_obj")  # None, or a lazy None, where a page has no list
    has_other_pages = getattr(page, "has_other_pages", None)
    if has_other_pages is None or not has_other_pages():
        return ""
    query = context.get("querystring") or ""
    link = f"?{esc(query)}&amp;page=" if query else "?page="
    previous = next_ = ""
    if page.has_previous():
        text = esc(_("previous"))
        previous = f'<a href="{link}{page.previous_page_number()}" rel="prev">← {text}</a>'
    if page.has_next():
        text = esc(_("next"))
        next_ = f'<a href="{link}{page.next_page_number()}" rel="next">{text} →</a>'
    where = _("page %(number)s of %(total)s") % {
        "number": formats.localize(page.number),
        "total": formats.localize(page.paginator.num_pages),
    }
    label = esc(_("Pages"))  # not inside the f-string: xgettext would not find it there
    return safe(
        f'\n<nav class="pagination" aria-label="{label}">\n  {previous}\n'
        f"  <span>{esc(where)}</span>\n  {next_}\n</nav>\n"
    )
