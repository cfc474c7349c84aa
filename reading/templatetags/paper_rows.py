"""``{% paper_rows papers %}``: the rows of a list of papers (reading.rows)."""

from django import template

from core.templatetags.shared import slotted
from notes.templatetags.reading_status import status_controls

from ..rows import note_count_html, paper_rows_html

register = template.Library()


@register.simple_tag(takes_context=True)
def paper_rows(context, papers):
    return paper_rows_html(
        papers,
        count=slotted(context, "note_count", lambda _paper_id, n: note_count_html(n)),
        status=status_controls(context),
    )
