"""``{% paper_rows papers %}``: the rows of a list of papers (reading.rows)."""

from django import template

from core.templatetags.shared import INSIDE

from ..rows import paper_rows_html

register = template.Library()


@register.simple_tag(takes_context=True)
def paper_rows(context, papers):
    request = context.get("request")
    return paper_rows_html(
        papers,
        slots=context.get(INSIDE, False),
        csrf_token=context.get("csrf_token"),
        next_url=request.get_full_path() if request is not None else "",
    )
