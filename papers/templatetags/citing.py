"""A paper's citation on its page, made in Python: the ``<meta>`` tags that reference
managers read (``{% citation_meta paper %}``) and the "Cite" box with the paper's
BibTeX (``{% cite_box paper %}``). Through the template engine (a dozen tags and
lookups, a loop, four URL reversals) the two were ~9% of a cold paper page for a few
lines of HTML; here each is one string, the same inside a shared fragment and outside.

``{{ paper.venue|venue }}``: where the paper appeared, as the reader reads it.
"""

from django import template
from django.utils.translation import gettext as _

from core.addresses import address
from core.escaping import esc, safe
from core.language import colon

from .. import citations

register = template.Library()
register.filter("venue", citations.shown_venue)


def _export_urls(paper):
    """The addresses of the paper's BibTeX and CSL-JSON."""
    return (
        esc(address("papers:paper_bibtex", slug=paper.slug)),
        esc(address("papers:paper_csl", slug=paper.slug)),
    )


VENUE_TAGS = {"journal": "journal_title", "conference": "conference_title"}


@register.simple_tag
def citation_meta(paper):
    """The paper's citation as Zotero's connector and Google Scholar read it
    (``citation_*`` meta tags), and the alternate links to its BibTeX and CSL-JSON."""
    authors = "".join(
        f'<meta name="citation_author" content="{esc(name)}">\n  ' for name in paper.author_list
    )
    date = ""
    if paper.year:
        month = f"/{paper.month:02d}" if paper.month else ""
        date = f'<meta name="citation_publication_date" content="{paper.year}{month}">'
    pdf = ""
    if paper.arxiv_id:
        pdf = (
            f'<meta name="citation_arxiv_id" content="{esc(paper.arxiv_id)}">\n'
            f'  <meta name="citation_pdf_url" content="{esc(paper.arxiv_pdf_url)}">'
        )
    elif paper.pdf_url:
        pdf = f'<meta name="citation_pdf_url" content="{esc(paper.pdf_url)}">'
    # The venue by its kind, as the BibTeX beside it has it: a conference paper as one
    # (Zotero's connector saved every paper as a journal article "in NeurIPS 2019"), a
    # preprint with none ("arXiv preprint" was its journal).
    kind = citations.venue_kind(paper)
    venue = (
        f'<meta name="citation_{VENUE_TAGS[kind]}" content="{esc(paper.venue)}">' if kind else ""
    )
    doi = f'<meta name="citation_doi" content="{esc(paper.doi)}">' if paper.doi else ""
    bibtex_url, csl_url = _export_urls(paper)
    return safe(  # every value escaped
        "\n  \n"
        f'  <meta name="citation_title" content="{esc(paper.title)}">\n'
        f"  {authors}{date}\n"
        f"  {pdf}\n"
        f"  {venue}\n"
        f"  {doi}\n"
        f'  <link rel="alternate" type="application/x-bibtex" href="{bibtex_url}"'
        ' title="BibTeX">\n'
        '  <link rel="alternate" type="application/vnd.citationstyles.csl+json"'
        f' href="{csl_url}" title="CSL-JSON">\n'
    )


@register.simple_tag
def cite_box(paper):
    """The "Cite" box: the paper's citation key, its BibTeX and CSL-JSON to download, and
    its BibTeX to copy."""
    bibtex_url, csl_url = _export_urls(paper)
    cite, key_label = esc(_("Cite")), esc(_("Citation key"))
    copied, copy = esc(_("Copied")), esc(_("Copy BibTeX"))
    key = f"{key_label}{esc(colon())}<code>{esc(paper.citation_key)}</code>"
    downloads = (
        f'<a href="{bibtex_url}" download>BibTeX</a> <a href="{csl_url}" download>CSL-JSON</a>'
    )
    return safe(  # every value escaped
        '\n    <details class="cite">\n'
        f'      <summary class="button">{cite}</summary>\n'
        f'      <p class="meta"><span>{key}</span> {downloads}</p>\n'
        '      <pre class="cite-text" id="cite-bibtex">'
        f"{esc(citations.to_bibtex([paper]))}</pre>\n"
        '      <button type="button" class="button" data-copy-target="cite-bibtex"'
        f' data-copied="{copied}">{copy}</button>\n'
        "    </details>\n    "
    )
