"""``{% glossary_toc terms %}`` and ``{% glossary_entries terms %}``: the glossary's two
hundred terms, made in Python (through the template engine, ~50 µs a term, two thirds of
the page). Terms come from notes.views.glossary_entries (values, ``listed_papers`` read)."""

from django import template
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext as _

from core.addresses import addresser
from core.escaping import esc, joined
from core.language import colon, items_separator, sort_key
from core.templatetags.bilingual import bilingual, bilingual_title

register = template.Library()


@register.simple_tag
def glossary_toc(terms):
    """A link to each term, by its abbreviation or title, in the order of what it shows
    ("CoT" among the C's as it reads, not where "Chain-of-Thought Prompting" stands; a
    title in Chinese alone by its pinyin)."""
    labelled = sorted(((term.abbreviation or term.title, term) for term in terms), key=_label)
    return joined([f'<a href="#{esc(term.slug)}">{esc(label)}</a>' for label, term in labelled])


def _label(pair):
    return sort_key(pair[0])


@register.simple_tag
def glossary_entries(terms):
    """Each term's <dt> (title, abbreviation) and <dd> (definition side by side, papers)."""
    papers_label = esc(_("Papers")) + esc(colon())
    url = addresser("reading:paper_detail", "slug")
    html = []
    for term in terms:
        abbreviation = f" ({esc(term.abbreviation)})" if term.abbreviation else ""
        papers = ""
        if term.listed_papers:
            links = esc(items_separator()).join(
                f'<a href="{esc(url(paper.slug))}">{esc(truncatechars(paper.title, 60))}</a>'
                for paper in term.listed_papers
            )
            # One line of text that wraps as a sentence does (not the .meta of a row of
            # facts, whose gaps stood each "; " apart, alone at a phone's line start).
            papers = f'\n    <p class="term-papers">{papers_label}{links}</p>'
        html.append(
            f'  <dt id="{esc(term.slug)}">{bilingual_title(term)}{abbreviation}</dt>\n'
            f"  <dd>\n    {bilingual(term)}{papers}\n  </dd>"
        )
    empty = esc(_("The glossary is empty."))
    return joined(html, empty=f'<p class="empty">{empty}</p>')
