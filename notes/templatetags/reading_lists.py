"""``{% reading_list_items items %}``: a reading list's papers, made in Python.

A list shows each paper with its title in both languages, year, arXiv ID, organisations,
the list's comment and the member's reading row; through the template engine that cost
~0.3 ms a paper, most of the page. Items come from notes.views.list_items (values).
"""

from django import template
from django.utils.translation import gettext as _

from core.addresses import addresser
from core.escaping import esc, joined
from core.language import pick_side
from core.templatetags.bilingual import bilingual_title, picked_html, reader_language_in
from core.templatetags.shared import slotted
from papers.tables import paper_facts

from .reading_status import controls, form_context, row_reading_html

register = template.Library()


@register.simple_tag(takes_context=True)
def reading_list_items(context, items):
    """The <li> of each item, a section's heading before its first, or "empty"."""
    control, progress = controls(*form_context(context)), context.get("progress")
    group_id = getattr(context.get("reading_list"), "group_id", None)
    reading = slotted(
        context,
        "reading",
        lambda paper_id, status: row_reading_html(paper_id, status, progress, control, group_id),
    )
    reader = reader_language_in(context)
    url = addresser("reading:paper_detail", "slug")
    html, section = [], None
    # Numbered 1 to n in the list's order, as the deck numbers them: a position is an
    # order, not a number (positions 1, 2, 5 after a deletion; two papers at one).
    for number, item in enumerate(items, 1):
        if item.section != section:  # the first item's too: section starts as None
            # Papers of no section after a section's are headed too: they read as its.
            heading = item.section or (_("Other papers") if section else "")
            section = item.section
            if heading:
                html.append(f'<li class="section-heading"><h2>{esc(heading)}</h2></li>')
        paper = item.paper
        meta = paper_facts(paper, month=False)
        comment = ""
        if item.comment_zh or item.comment_en:
            code, text = pick_side(item, "comment", reader)
            comment = f'\n    <p class="comment">{picked_html(code, text, reader)}</p>'
        html.append(
            f'<li value="{number}">\n'
            f'    <a href="{esc(url(paper.slug))}">{bilingual_title(paper)}</a>\n'
            f'    <div class="meta">{"".join(meta)}</div>{comment}\n'
            f"    {reading(item.paper_id, getattr(item, 'my_status', ''))}\n"
            f"  </li>"
        )
    empty = esc(_("This list is empty."))
    return joined(html, empty=f'<li class="empty">{empty}</li>')
