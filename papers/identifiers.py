"""arXiv identifiers and DOIs: what the library stores, and how a pasted reference becomes one.

A paper is stored under its identifier without a version: new style ``2303.18223``
(four digits, a dot, four or five digits; from 2007) or old style ``hep-th/9901001``
(archive, a slash, seven digits). What members paste is cleaned to that:
``https://arxiv.org/abs/2201.11903``, a PDF or HTML link, ``arXiv:2303.18223``, a
version suffix (``2303.18223v15``) and an old-style subject class (``math.GT/0309136``)
all name the same paper.
"""

import datetime
import re
import unicodedata
from urllib.parse import unquote

from django import forms
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# YYMM.NNNN from April 2007 to 2014, YYMM.NNNNN since 2015; ASCII digits only, and a
# month that exists (1234.5678 is no identifier: there is no 34th month).
MONTH = r"(?:0[1-9]|1[0-2])"
NEW_STYLE = rf"(?:0[7-9]|1[0-4]){MONTH}\.[0-9]{{4}}|(?:1[5-9]|[2-9][0-9]){MONTH}\.[0-9]{{5}}"
# Old style: an archive (math, hep-th, cond-mat, q-bio: no dot), a slash, YYMMNNN. As
# written, it may hold the subject class the paper was filed under (math.GT/0309136,
# cond-mat.str-el/…, physics.ao-ph/…), which is no part of the ID: not stored.
OLD_STYLE = r"[a-z]+(?:-[a-z]+)*/[0-9]{7}"
OLD_STYLE_WRITTEN = r"[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[a-z]+)?)?/[0-9]{7}"
ARXIV_ID_RE = re.compile(rf"^(?:{NEW_STYLE}|{OLD_STYLE})$")
PASTED = re.compile(
    rf"""^(?:https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/|arxiv:)?
    (?P<id>{NEW_STYLE}|{OLD_STYLE_WRITTEN})(?:v[0-9]+)?(?:\.pdf)?/?$""",
    re.IGNORECASE | re.VERBOSE,
)

# Anything written as a new-style ID, valid or not: with arXiv's prefix or link, a version.
SHAPED = re.compile(
    r"""^(?:(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/|arxiv:\s*)?
    (?P<id>[0-9]{4}\.[0-9]{4,5})(?:v[0-9]+)?(?:\.pdf)?/?$""",
    re.IGNORECASE | re.VERBOSE,
)

validate_arxiv_id = RegexValidator(
    ARXIV_ID_RE,
    _(
        "Enter an arXiv identifier such as 2303.18223 or hep-th/9901001, or paste the "
        "paper's arXiv link."
    ),
    code="invalid_arxiv_id",
)


def validate_arxiv_month(value):
    """Refuse an identifier of a month still to come (the form is validate_arxiv_id's)."""
    if ARXIV_ID_RE.match(value or "") and (problem := arxiv_id_problem(value)):
        raise forms.ValidationError(problem, code="future_arxiv_id")


def normalize_arxiv_id(value):
    """Return the stored form of a pasted arXiv reference, or the text as it was (stripped)
    when it is not one, for the validator to refuse with its message. In NFKC form: a
    Chinese input method types ２３０３．１８２２３ for 2303.18223.

    An old-style ID is its archive and number alone, as arXiv's API gives it
    (math/0309136): arXiv numbers those papers within the archive, and the subject
    class some write after it (math.GT/0309136) is no part of what names the paper.
    Kept, it made one paper two identifiers, imported twice and not seen as the same."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    match = PASTED.match(text)
    if not match:
        return text
    found = match.group("id")
    if "/" in found:  # old style: archive/YYMMNNN, archives having no dot (hep-th, q-bio)
        archive, number = found.split("/")
        found = f"{archive.partition('.')[0].lower()}/{number}"
    return found


# An arXiv reference as people write it in running text: "arXiv 2106.09685", "arXiv:
# 2106.09685v2", with the listing's subject class after it ("2106.09685 [cs.CL]", as
# arXiv's own pages and many reference lists print it).
WRITTEN = re.compile(
    rf"""(?<![\w.])(?:arxiv\s*:?\s*)?(?P<id>{NEW_STYLE}|{OLD_STYLE_WRITTEN})(?:v[0-9]+)?
    (?:\s*\[[a-z-]+(?:\.[A-Za-z-]+)?\])?(?![\w.])""",
    re.IGNORECASE | re.VERBOSE,
)


def bare_arxiv_references(text):
    """The text with each arXiv reference written in it (``WRITTEN``) as its bare ID, the
    rest as it was: "LoRA arXiv 2106.09685 [cs.CL]" is "LoRA 2106.09685"."""
    text = unicodedata.normalize("NFKC", text or "")
    return WRITTEN.sub(lambda match: normalize_arxiv_id(match.group("id")), text)


def stored_forms(name):
    """The forms a wiki link's target is stored in, besides itself: an arXiv ID as the
    library keeps it (core.wikilinks)."""
    return [normalize_arxiv_id(name)]


class ArxivIdFormField(forms.CharField):
    """Takes a pasted link or reference (longer than an identifier) and cleans it."""

    def to_python(self, value):
        return normalize_arxiv_id(super().to_python(value))


class ArxivIdField(models.CharField):
    """A CharField that cleans pasted arXiv references to the bare identifier."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_arxiv_id(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ArxivIdFormField, **kwargs, "max_length": 300})


# A DOI: "10.", a registrant code, "/", a suffix of anything printable. Pasted forms:
# https://doi.org/…, http://dx.doi.org/…, doi:…, "DOI 10.…".
DOI_RE = re.compile(r"^10\.[0-9]{4,9}(?:\.[0-9]+)*/\S+$")
PASTED_DOI = re.compile(
    r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|doi\s+)?(?P<doi>10\.\S+?)[.,;]?$", re.IGNORECASE
)

validate_doi = RegexValidator(
    DOI_RE,
    _("Enter a DOI such as 10.18653/v1/2023.acl-long.1, or paste its doi.org link."),
    code="invalid_doi",
)


def normalize_doi(value):
    """Return the stored form of a pasted DOI (bare, lower case: DOIs ignore case), or the
    text as it was (stripped) when it is not one."""
    text = (value or "").strip()
    match = PASTED_DOI.match(text)
    if not match:
        return text
    return unquote(match.group("doi")).lower()


class DoiFormField(forms.CharField):
    """Takes a pasted doi.org link or "doi:…" and cleans it to the bare DOI."""

    def to_python(self, value):
        return normalize_doi(super().to_python(value))


class DoiField(models.CharField):
    """A CharField that stores DOIs bare and in lower case (DOIs ignore case)."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_doi(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": DoiFormField, **kwargs, "max_length": 300})


def is_doi(value):
    return bool(DOI_RE.match(normalize_doi(value)))


def is_arxiv_id(value):
    return bool(ARXIV_ID_RE.match(normalize_arxiv_id(value)))


def arxiv_id_problem(value, today=None):
    """Why a text written as a new-style arXiv ID (bare, with arXiv's prefix or link, with
    a version) names no paper: a month that does not exist, the wrong count of digits for
    its year, or a month still to come; "" for an ID and for any other text."""
    match = SHAPED.match(unicodedata.normalize("NFKC", value or "").strip())
    if not match:
        return ""
    found = match.group("id")
    if not ARXIV_ID_RE.match(found):
        return gettext(
            "%(id)s is not an arXiv ID: its first four digits are the year and month "
            "(2303 is March 2023), with 4 digits after the dot until 2014 and 5 since."
        ) % {"id": found}
    # A day's leeway: arXiv numbers by its own day (US Eastern), which may be ahead.
    month = (today or datetime.date.today() + datetime.timedelta(days=1)).strftime("%y%m")
    if found[:4] > month:  # 07… to 99…: 2007 to 2099
        return gettext(
            "%(id)s is not an arXiv ID yet: its first four digits are the year and month "
            "it was sent to arXiv (2303 is March 2023), and 20%(year)s-%(month)s is still "
            "to come."
        ) % {"id": found, "year": found[:2], "month": found[2:4]}
    return ""


def split_version(value):
    """Return (identifier, version or None) of a pasted arXiv reference: 2303.18223v15 →
    ("2303.18223", 15)."""
    text = (value or "").strip()
    match = re.search(r"v([0-9]+)(?:\.pdf)?/?$", text)
    return normalize_arxiv_id(text), (int(match.group(1)) if match else None)


def pasted_arxiv_id(text):
    """Return the stored form of an arXiv reference as a member pastes it, read as Add
    papers reads one: besides what normalize_arxiv_id() reads, an arXiv link without its
    scheme (arxiv.org/abs/…, www.arxiv.org/pdf/….pdf, as an address bar copies it) or
    with a query (…?context=cs), and arXiv's DOI of a preprint (10.48550/arXiv.2106.09685,
    or its doi.org link). Any other text as normalize_arxiv_id() gives it."""
    link = unicodedata.normalize("NFKC", text or "").strip()
    if re.match(r"^(?:www\.|export\.)?arxiv\.org/", link, re.IGNORECASE):
        link = "https://" + link
    if re.match(r"^https?://(?:www\.|export\.)?arxiv\.org/", link, re.IGNORECASE):
        link = re.split(r"[?#]", link)[0]
    doi = normalize_doi(link)
    if doi.startswith("10.48550/arxiv.") and is_arxiv_id(doi[15:]):
        link = doi[15:]  # arXiv's own DOI names the preprint
    return normalize_arxiv_id(link)


def title_key(title):
    """Return a title reduced for comparison: accents, case, punctuation and spacing gone
    ("GPT-4 Technical Report" and "GPT-4: technical report." give the same key)."""
    folded = unicodedata.normalize("NFKD", title or "")
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    return "".join(char for char in folded.casefold() if char.isalnum())[:200]
