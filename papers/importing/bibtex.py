"""BibTeX files through bibtexparser 2: @string macros resolved, braces removed, LaTeX
decoded ({\\"u} → ü, \\& → &), authors split; arXiv recognised from eprint/archivePrefix,
the URL, or ``journal = {arXiv preprint arXiv:…}``; a broken block reported with its key
and line without stopping the others."""

import re
from dataclasses import dataclass

import bibtexparser
from bibtexparser import middlewares
from django.utils.translation import gettext as _
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from ..identifiers import is_arxiv_id, is_doi, normalize_arxiv_id, normalize_doi, split_version
from .records import VENUE_PREPRINT, Record

MONTHS = {name: number for number, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
)}  # fmt: skip
ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv(?:\.org/(?:abs|pdf)/|:\s*|\s+preprint\s+(?:arxiv:)?\s*|\s+)|corr\s+abs/)"
    r"(?P<id>[0-9]{4}\.[0-9]{4,5}(?:v[0-9]+)?|[a-z-]+(?:\.[A-Z]{2})?/[0-9]{7}(?:v[0-9]+)?)",
    re.IGNORECASE,
)
KEY_RE = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s]+)")


def _decoder():
    """pylatexenc's LaTeX-to-text as bibtexparser sets it up, knowing the TeX logos too."""
    context = get_default_latex_context_db()
    logos = {"TeX": "TeX", "LaTeX": "LaTeX", "BibTeX": "BibTeX", "LaTeXe": "LaTeX2e"}
    context.add_context_category(
        "library-import",
        prepend=True,
        macros=[MacroTextSpec("url", simplify_repl="%s")]
        + [MacroTextSpec(name, simplify_repl=text) for name, text in logos.items()],
    )
    return LatexNodes2Text(latex_context=context, keep_braced_groups=False, math_mode="verbatim")


DECODER = _decoder()


@dataclass
class Entry:
    """One block of the file: its key and line, and a Record or why there is none."""

    key: str
    line: int
    record: Record | None = None
    error: str = ""


def parse(text):
    """Return the Entries of a BibTeX text, in file order."""
    library = bibtexparser.parse_string(
        text,
        append_middleware=[
            middlewares.LatexDecodingMiddleware(decoder=DECODER),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
        ],
    )
    entries = []
    for entry in library.entries:
        fields = {field.key.lower(): field.value for field in entry.fields}
        record, error = to_record(fields)
        entries.append(Entry(key=entry.key, line=entry.start_line + 1, record=record, error=error))
    for block in library.failed_blocks:
        raw = getattr(block, "raw", "") or ""
        found = KEY_RE.match(raw.lstrip())
        error = getattr(block, "error", None)  # bibtexparser's words: not translated
        entries.append(
            Entry(
                key=found.group(1) if found else "",
                line=block.start_line + 1,
                error=_("This entry cannot be read: %(reason)s")
                % {"reason": _broken_reason(error)},
            )
        )
    return sorted(entries, key=lambda entry: entry.line)


def _broken_reason(error):
    if error is not None and error.__class__.__name__ == "DuplicateBlockKeyError":
        return _("its key appears twice in the file")
    said = f"{error} {getattr(error, 'abort_reason', '')}"
    if "closing" in said or "Unexpected block start" in said:
        return _("a brace or quote is not closed before the next entry")
    return _("the BibTeX syntax is broken")


def _name(parts):
    if isinstance(parts, str):
        return " ".join(parts.split())
    words = [*parts.first, *parts.von, *parts.last]
    name = " ".join(" ".join(words).split())
    if name.lower() == "others":
        return "et al."
    return f"{name} {' '.join(parts.jr)}" if parts.jr else name


def _clean(value):
    return " ".join(str(value or "").replace("{", "").replace("}", "").split())


def find_arxiv(fields):
    """Return (arXiv ID, version) that an entry names, or ("", None)."""
    eprint = _clean(fields.get("eprint"))
    prefix = _clean(fields.get("archiveprefix") or fields.get("eprinttype")).lower()
    if eprint and (prefix == "arxiv" or not prefix) and is_arxiv_id(eprint):
        return split_version(eprint)
    for name in ("url", "journal", "booktitle", "note", "howpublished", "volume"):
        found = ARXIV_IN_TEXT.search(_clean(fields.get(name)))
        if found:
            return split_version(found.group("id"))
    doi = normalize_doi(_clean(fields.get("doi")))
    if doi.startswith("10.48550/arxiv."):
        candidate = normalize_arxiv_id(doi.removeprefix("10.48550/arxiv."))
        if is_arxiv_id(candidate):
            return candidate, None
    return "", None


def to_record(fields):
    """Return (Record, "") for an entry's fields, or (None, why) when it cannot be one."""
    title = _clean(fields.get("title"))
    if not title:
        return None, _("The entry has no title.")
    authors = fields.get("author") or []
    if isinstance(authors, str):
        authors = [authors]
    year_text = _clean(fields.get("year"))[:4]
    year = int(year_text) if year_text.isdigit() else None
    month_text = _clean(fields.get("month")).lower()[:3]
    month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text)
    arxiv_id, version = find_arxiv(fields)
    doi = normalize_doi(_clean(fields.get("doi")))
    doi = doi if is_doi(doi) and not doi.startswith("10.48550/") else ""
    venue = _clean(fields.get("journal") or fields.get("booktitle"))
    if arxiv_id and (not venue or "arxiv" in venue.lower() or venue.lower().startswith("corr")):
        venue = VENUE_PREPRINT
    keywords = [
        " ".join(word.split()) for word in re.split(r"[;,]", _clean(fields.get("keywords")))
    ]
    url = _clean(fields.get("url"))
    return Record(
        title=title,
        authors=[name for name in (_name(author) for author in authors) if name],
        abstract=" ".join(str(fields.get("abstract") or "").split()),
        year=year,
        month=month if month and 1 <= month <= 12 else None,
        arxiv_id=arxiv_id,
        arxiv_version=version,
        doi=doi,
        venue=venue[:200],
        url=url if url.startswith(("http://", "https://")) else "",
        topics=[word for word in dict.fromkeys(keywords) if word][:20],
        provenance="bibtex",
    ), ""
