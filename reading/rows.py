"""The paper list's rows, made in Python (``{% paper_rows papers %}``).

A list shows 25 papers. Through the template engine (an include per row, a dozen
variable lookups, a translation and two slots each) a row cost ~0.3 ms, a third of the
page; here it is one string joined from the paper's fields, made the same way inside a
shared fragment (core.fragments: the member's note count and reading-status control
become slots, filled for each request) and outside one (filled here).
"""

from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from core.addresses import address, addresser
from core.escaping import esc
from core.language import repeats
from papers.models import in_name_order
from papers.tables import paper_facts


def note_count_html(n):
    """A row's count of the notes the member may read ("" for none)."""
    if not n:
        return ""
    text = ngettext("%(n)s note", "%(n)s notes", n) % {"n": n}
    return f'<span class="count">{esc(text)}</span>'


def paper_rows_html(papers, *, count, status):
    """Return the <li> rows of the papers (queries.PaperRow, or Papers of
    queries.paper_rows: with ``note_count``, ``my_status``, organisations and topics
    read; a topic named in the interface's language). ``count(paper id, n)`` and
    ``status(paper id, status)`` make the member's note count and control, or their
    slots inside a shared fragment (core.templatetags.shared.slotted)."""
    paper_url = addresser("reading:paper_detail", "slug")
    topic_url = address("reading:paper_list") + "?topic="
    rows = []
    for paper in papers:
        meta = paper_facts(paper)
        meta.extend(
            f'<a class="tag" href="{esc(topic_url + topic.slug)}">{esc(topic.shown_name)}</a>'
            for topic in in_name_order(paper.topics)
        )
        notes = count(paper.pk, getattr(paper, "note_count", 0))
        control = status(paper.pk, getattr(paper, "my_status", ""))
        title_zh = ""
        # Without an English title the title is the Chinese one; a Chinese one that only
        # repeats part of the English (its short name) is not written again.
        if paper.title_zh and paper.title_en and not repeats(paper.title_zh, paper.title_en):
            title_zh = (
                f'\n  <span class="paper-title-zh" lang="zh-Hans">{esc(paper.title_zh)}</span>'
            )
        rows.append(
            f'<li class="paper-row">\n'
            f'  <a class="paper-title" href="{esc(paper_url(paper.slug))}"'
            f' lang="{paper.title_lang}">{esc(paper.title)}</a>'
            f"{title_zh}\n"
            f'  <div class="meta">{" ".join(meta)}{notes}</div>\n'
            f"  {control}\n"
            f"</li>"
        )
    return mark_safe("".join(rows))  # noqa: S308  (every value escaped above)
