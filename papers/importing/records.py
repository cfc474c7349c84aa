"""What a source says about one paper, before it becomes (or updates) a Paper."""

import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.controls import without_controls
from core.numbers import whole


class ServiceError(Exception):
    """An outside service failed: unreachable, too slow, or answered something unusable.
    ``str()`` is a message for the member."""

    def __init__(self, message, kind="error"):
        super().__init__(message)
        self.kind = kind


VENUE_PREPRINT = "arXiv preprint"


def whole_number(text):
    """Return the whole number a text writes in digits, or None. Read in NFKC form (a
    Chinese input method types ２０２３, a superscript ²⁰²³ is the same year), then as
    every number is (core.numbers.whole: ASCII digits only, str.isdigit() takes digits
    that int() refuses)."""
    return whole(unicodedata.normalize("NFKC", str(text)).strip())


CJK = re.compile(r"[\u3400-\u9fff]")
# What parts an author line's names (papers.citations.author_list reads it, a legal form
# after a comma aside).
NAME_APART = re.compile(r",|;|\s+and\s+")


def author_line(names):
    """Return the author line of names, ", " apart, each name that holds what parts
    names in braces, one name to papers.citations.author_list: a braced group of a
    BibTeX entry ("{Meta AI, FAIR} and Hugo Touvron") was one name in the preview, and
    three once saved, cited and exported."""
    return ", ".join(f"{{{name}}}" if NAME_APART.search(name) else name for name in names)


def without_nul(value):
    """Return a text, or a list of texts (lists within it too), without its NUL
    characters; anything else as it is. A NUL is never meaningful text (it comes with
    text copied out of a PDF or a binary file), and PostgreSQL's text cannot hold one."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    return value


def without_control_characters(value):
    """Return a text, or a list of texts (lists within it too), without its control
    characters and NUL (core.controls.without_controls); anything else as it is."""
    if isinstance(value, str):
        return without_controls(value)
    if isinstance(value, list):
        return [without_control_characters(item) for item in value]
    return value


@dataclass
class Record:
    title: str = ""
    authors: list = field(default_factory=list)
    affiliations: list = field(default_factory=list)  # one list per author, when given
    abstract: str = ""
    year: int | None = None
    month: int | None = None
    arxiv_id: str = ""
    arxiv_version: int | None = None
    doi: str = ""
    primary_category: str = ""
    categories: list = field(default_factory=list)
    comment: str = ""
    journal_ref: str = ""
    venue: str = ""
    url: str = ""
    pdf_url: str = ""
    topics: list = field(default_factory=list)
    provenance: str = "admin"
    withdrawn: str = ""  # arXiv's withdrawal notice (arxiv.withdrawal), "" for none

    def __post_init__(self):
        # Whatever the source (a BibTeX value, a doi.org answer, a signed preview), no
        # NUL reaches the database: on PostgreSQL the paper's insert failed (a 500 on
        # confirming), and so did the preview's look-up in the library of a DOI that
        # held one (a 500 on previewing). Nor another control character, which the
        # admin's form refuses (a title copied out of a PDF with a form feed in it).
        for name in (f.name for f in fields(self)):
            setattr(self, name, without_control_characters(getattr(self, name)))

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data):
        names = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})

    def paper_values(self):
        """Return the Paper field values this record gives (empty ones left out)."""
        # A Chinese title (a CNKI or Wanfang DOI, a Chinese BibTeX entry) is the Chinese one.
        title_field = "title_zh" if CJK.search(self.title) else "title_en"
        values = {
            title_field: self.title,
            "authors": author_line(self.authors),
            "summary_en": self.abstract,
            "year": self.year,
            "month": self.month,
            "arxiv_id": self.arxiv_id,
            "arxiv_version": self.arxiv_version,
            "doi": self.doi,
            "primary_category": self.primary_category,
            "categories": " ".join(self.categories),
            "comment": self.comment,
            "journal_ref": self.journal_ref,
            "venue": self.venue,
            "url": self.url if not self.arxiv_id else "",
            "pdf_url": self.pdf_url if not self.arxiv_id else "",
        }
        if any(self.affiliations):
            values["affiliations"] = self.affiliations
        return {key: value for key, value in values.items() if value not in ("", None, [])}


# The fields a preview compares with a paper already in the library, with their labels.
COMPARED = {
    "title_en": _("title"),
    "title_zh": _("Chinese title"),
    "authors": _("authors"),
    "year": _("year"),
    "month": _("month"),
    "arxiv_id": _("arXiv ID"),
    "arxiv_version": _("arXiv version"),
    "doi": _("DOI"),
    "journal_ref": _("journal reference"),
    "primary_category": _("primary category"),
    "comment": pgettext_lazy("arXiv", "comment"),
}


def differences(record, paper):
    """Return (label, value in the library, value found) for each compared field the
    record would change."""
    changes = []
    for name, value in record.paper_values().items():
        if name not in COMPARED:
            continue
        current = getattr(paper, name)
        if str(current or "").strip() != str(value).strip():
            changes.append((COMPARED[name], current if current not in (None, "") else "—", value))
    return changes
