"""Citing papers: stable citation keys, BibTeX and CSL-JSON.

Keys are made the way Better BibTeX makes them by default: the first author's
surname in lower case, the first three significant words of the title, the year
(``zhaoSurveyLargeLanguage2023``), in ASCII, with a letter added on a clash.
"""

import json
import re
import unicodedata
from typing import NamedTuple

from django.http import HttpResponse
from django.utils.translation import pgettext

from .importing.records import VENUE_PREPRINT

STOP_WORDS = {
    "a", "an", "the", "of", "on", "in", "for", "and", "or", "to", "with", "from", "by",
    "at", "as", "is", "are", "be", "via", "into", "its", "how", "what", "when", "do", "does",
}  # fmt: skip
BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&"}
BIBTEX_SPECIAL |= {"_": r"\_", "#": r"\#", "$": r"\$", "~": r"\textasciitilde{}"}
BIBTEX_SPECIAL |= {"^": r"\textasciicircum{}"}


def ascii_words(text):
    """Return the words of a text in ASCII letters and digits (accents dropped)."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.findall(r"[A-Za-z0-9]+", folded)


# "et al." closing an author line, after a name or on its own ("Hugo Touvron et al.").
ET_AL = re.compile(r"[\s,]*\bet\.?\s*al\.?$", re.IGNORECASE)


# A company's legal form after a comma: part of its name, not another author
# ("Huawei Technologies Co., Ltd." was two authors, the first with the surname "Co.").
LEGAL_FORM = r"(?:Co|Ltd|Inc|LLC|L\.L\.C|Corp|Corporation|Limited|GmbH|PLC|AG|S\.A|SA)\b\.?"
AUTHORS_APART = re.compile(rf",(?!\s*{LEGAL_FORM}(?=\s*(?:$|[,;]|and\s)))\s*|\s+and\s+|;\s*")
# A name that ends in a legal form after a comma, or in one no surname is ("… Co.",
# "… Inc.", "… GmbH"; a person may be called Li Co).
ORGANISATION = re.compile(
    rf"(?:,\s*{LEGAL_FORM}|\s(?:Co\.|Ltd\.|Inc\.|Corp\.|LLC|Corporation|Limited|GmbH|PLC))\s*$"
)


# A name in braces in an author line: one name, whatever it holds ("{Meta AI, FAIR}"),
# as BibTeX reads a braced group.
GROUP = re.compile(r"\{([^{}]*)\}")


def is_organisation(name):
    """Whether an author's name is a company's or a group's (it ends in its legal form, or
    holds a comma, as only a braced group of the author line can: "Meta AI, FAIR"): cited
    as it is written, not as a person's given names and surname."""
    return bool(ORGANISATION.search(name)) or "," in name


def shown_authors(authors):
    """The author line as a page shows it: a group's braces left out."""
    return GROUP.sub(r"\1", authors or "")


def author_list(authors):
    """Return (names, more) of a paper's author line ("A, B and C"): the authors it
    names, in order, and whether it ends in "et al." (others it does not name). A name
    in braces is one name ("{Meta AI, FAIR}, Hugo Touvron"), shown without them."""
    authors = (authors or "").strip()
    names, more = [], False
    groups = [found.span() for found in GROUP.finditer(authors)]
    apart = [
        found
        for found in AUTHORS_APART.finditer(authors)
        if not any(begin < found.start() < end for begin, end in groups)
    ]
    parts = [authors[start:end] for start, end in _between(apart, len(authors))]
    for part in parts:
        name = ET_AL.sub("", part.strip())
        more = more or name != part.strip()
        name = shown_authors(name)
        if name:
            names.append(name)
    return names, more


def _between(separators, length):
    """The (start, end) of the text between the separators (matches), in order."""
    start = 0
    for separator in separators:
        yield start, separator.start()
        start = separator.end()
    yield start, length


def split_authors(authors):
    """Return the authors a paper's author line names, in order."""
    return author_list(authors)[0]


def surname(name):
    """A person's surname (their name's last word); a company's first word."""
    words = name.split()
    if not words:
        return ""
    return words[0] if is_organisation(name) else words[-1]


def base_key(paper):
    """Return the citation key a paper would get before any clash is settled."""
    authors = split_authors(paper.authors)
    author = "".join(ascii_words(surname(authors[0]))).lower() if authors else ""
    words = [w for w in ascii_words(paper.title_en or paper.title) if w.lower() not in STOP_WORDS]
    title = "".join(word[:1].upper() + word[1:] for word in words[:3])
    key = f"{author or 'anon'}{title}{paper.year or ''}"
    return key[:80]


def unique_key(paper, taken):
    """Return base_key(paper), or it with a, b, c … added, that is not in taken."""
    key = base_key(paper)
    if key not in taken:
        return key
    for n in range(26 * 27):
        first, second = divmod(n, 26)
        suffix = (chr(97 + first - 1) if first else "") + chr(97 + second)
        if key + suffix not in taken:
            return key + suffix
    raise ValueError(f"No free citation key for {key}")


def bibtex_escape(text):
    return "".join(BIBTEX_SPECIAL.get(char, char) for char in text or "")


JOURNAL = re.compile(r"\b(journal|transactions|letters|review|magazine|tmlr|jmlr)\b", re.IGNORECASE)
CONFERENCE = re.compile(
    r"\b(conference|proceedings|workshop|symposium|neurips|nips|icml|iclr|acl|emnlp|naacl|"
    r"coling|eacl|aacl|colm|aaai|ijcai|cvpr|iccv|eccv|kdd|sigir|www|wsdm|interspeech)\b",
    re.IGNORECASE,
)


def shown_venue(venue):
    """A paper's venue as a reader reads it: the importers' mark of a preprint in the
    reader's language ("arXiv 预印本"), any other venue as it is written (citations keep
    the mark as arXiv writes it)."""
    return pgettext("a paper's venue", "arXiv preprint") if venue == VENUE_PREPRINT else venue


def venue_kind(paper):
    """Where a paper was published: "conference", "journal", or "" for a preprint (no
    venue, or arXiv's). One answer for BibTeX and CSL-JSON, which disagreed (a journal
    paper was @article and "paper-conference")."""
    venue = paper.venue or ""
    if not venue or "arxiv" in venue.lower():
        return ""
    if JOURNAL.search(venue):  # "Transactions of the ACL" is a journal
        return "journal"
    return "conference" if CONFERENCE.search(venue) else "journal"


def to_bibtex(papers):
    """Return BibTeX entries for the papers (an arXiv preprint as @misc with eprint)."""
    entries = []
    for paper in papers:
        fields = {
            "title": "{" + bibtex_escape(paper.title) + "}",
            "author": " and ".join(_bibtex_authors(paper.authors)),
            "year": str(paper.year or ""),
            "month": str(paper.month or ""),
        }
        if paper.arxiv_id:
            fields |= {
                "eprint": paper.arxiv_id,
                "archiveprefix": "arXiv",
                "url": paper.arxiv_abs_url,
            }
        elif paper.url:
            fields["url"] = paper.url
        if getattr(paper, "doi", None):
            # As written: biblatex reads a DOI verbatim and links it ("\\_" was kept in
            # the link); only a brace would end the field.
            fields["doi"] = paper.doi.replace("{", "").replace("}", "")
        published = venue_kind(paper)
        if published:
            where = "booktitle" if published == "conference" else "journal"
            fields[where] = bibtex_escape(paper.venue)
        kind = {"journal": "article", "conference": "inproceedings"}.get(published, "misc")
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items() if value)
        entries.append(f"@{kind}{{{paper.citation_key},\n{body}\n}}\n")
    return "\n".join(entries)


def _bibtex_authors(authors):
    """The authors as BibTeX lists them, escaped: "others" for those an "et al." stands
    for, a company's name in braces (BibTeX would read "Co., Ltd." as surname and given
    names)."""
    names, more = author_list(authors)
    shown = [
        f"{{{bibtex_escape(name)}}}" if is_organisation(name) else bibtex_escape(name)
        for name in names
    ]
    return [*shown, "others"] if more and names else shown


CSL_TYPES = {"journal": "article-journal", "conference": "paper-conference", "": "article"}


def to_csl_json(papers):
    """Return CSL-JSON items (a list of dicts) for the papers."""
    items = []
    for paper in papers:
        item = {
            "id": paper.citation_key,
            "type": CSL_TYPES[venue_kind(paper)],
            "title": paper.title,
            "author": [_csl_name(name) for name in split_authors(paper.authors)],
        }
        if paper.year:
            item["issued"] = {"date-parts": [[paper.year, *([paper.month] if paper.month else [])]]}
        if paper.venue:
            item["container-title"] = paper.venue
        if paper.arxiv_id:
            item |= {"number": f"arXiv:{paper.arxiv_id}", "URL": paper.arxiv_abs_url}
        elif paper.url:
            item["URL"] = paper.url
        if getattr(paper, "doi", None):
            item["DOI"] = paper.doi
        if paper.summary_en:
            item["abstract"] = paper.summary_en
        items.append(item)
    return items


def _csl_name(name):
    given, _sep, family = name.rpartition(" ")
    if not given or is_organisation(name):
        return {"literal": name}
    return {"family": family, "given": given}


class ExportType(NamedTuple):
    label: str  # the format's name, as a list's links and notices name it
    content_type: str
    extension: str


# The formats a list's ``?format=`` exports its papers in (papers.filters.EXPORT_FORMAT
# offers them in place of one that is not among them).
EXPORT_TYPES = {
    "bibtex": ExportType("BibTeX", "application/x-bibtex; charset=utf-8", "bib"),
    "csl-json": ExportType(
        "CSL-JSON", "application/vnd.citationstyles.csl+json; charset=utf-8", "json"
    ),
}


def citation_response(papers, export_format, filename):
    """Answer the papers as BibTeX or CSL-JSON (export_format "bibtex" or "csl-json"),
    for download; None for any other format."""
    if export_format not in EXPORT_TYPES:
        return None
    _label, content_type, extension = EXPORT_TYPES[export_format]
    papers = list(papers)
    if export_format == "bibtex":
        body = to_bibtex(papers)
    else:
        body = json.dumps(to_csl_json(papers), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}.{extension}"'
    return response
