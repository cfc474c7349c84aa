"""arXiv's client: metadata of papers through the API's Atom feed (many IDs in one call),
and whole categories through the OAI-PMH interface (resumption tokens).

Base URLs and timeout are settings (ARXIV_API_URL, ARXIV_OAI_URL, OUTSIDE_TIMEOUT); every
request takes the "arxiv" turn of ``ratelimit`` (ARXIV_MIN_INTERVAL apart, one at a time).
The feed is read with ElementTree rather than feedparser: feedparser keeps one
``arxiv:affiliation`` per entry, where arXiv gives them per author.
"""

import logging
import re
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from ..identifiers import normalize_doi, split_version
from . import ratelimit
from .records import VENUE_PREPRINT, Record, ServiceError, whole_number

logger = logging.getLogger(__name__)

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
OAI_ARXIV = "{http://arxiv.org/OAI/arXiv/}"
BATCH = 100  # IDs per API call
USER_AGENT = "llm-reading-group (library import; one request at a time)"
# How arXiv's withdrawal notices read, in the comment or at the abstract's start: "This
# paper has been withdrawn by the author…", "This submission has been withdrawn by arXiv
# administrators…", or a comment that is "Withdrawn". Any "was withdrawn" or "withdrawn
# by" was taken for one: "Meta's Galactica demo was withdrawn after three days." refused
# the paper that said it.
WITHDRAWN = re.compile(
    r"\bthis (?:paper|submission|article|manuscript|preprint|version) (?:has been|is) withdrawn\b"
    r"|\bwithdrawn by (?:the |its )?(?:authors?|arxiv(?: admin(?:istrator)?s?)?)(?:\W|$)"
    r"|^\W*withdrawn\W*$",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def withdrawal(comment, abstract):
    """Return the sentence of arXiv's withdrawal notice in a paper's comment or the start
    of its abstract, as written (a member is told it), or "" when there is none."""
    for text in (comment, abstract[:200]):
        if found := WITHDRAWN.search(text):
            ends = [m.end() for m in SENTENCE_END.finditer(text, 0, found.start())]
            start = ends[-1] if ends else 0
            end = SENTENCE_END.search(text, found.end())
            return text[start : end.end() if end else len(text)].strip()
    return ""


@dataclass
class Answer:
    """Records found by ID (the ID without version), and the seconds spent waiting."""

    records: dict = field(default_factory=dict)
    waited: float = 0.0


def _text(element, path):
    found = element.find(path)
    return " ".join((found.text or "").split()) if found is not None else ""


def first_doi(text):
    """arXiv gives several DOIs space apart now and then; the first is the paper's."""
    return normalize_doi((text.split() or [""])[0])


def get(url, params):
    """GET from arXiv in the site's turn; return (response, seconds waited for the turn)."""
    with ratelimit.turn("arxiv") as turn:
        try:
            response = httpx.get(
                url,
                params=params,
                timeout=settings.OUTSIDE_TIMEOUT,
                headers={"User-Agent": USER_AGENT},
                follow_redirects=True,
            )
        except httpx.TimeoutException as error:
            raise ServiceError(
                _("arXiv did not answer within %(seconds)s seconds; try again later.")
                % {"seconds": f"{settings.OUTSIDE_TIMEOUT:g}"},
                kind="timeout",
            ) from error
        except httpx.HTTPError as error:
            logger.warning("arXiv could not be reached: %r", error)
            raise ServiceError(
                _("arXiv could not be reached from this server; try again later."),
                kind="unreachable",
            ) from error
    return response, turn.waited


def malformed(what):
    return ServiceError(
        _("arXiv answered something that is not %(what)s; try again later.") % {"what": what},
        kind="malformed",
    )


def fetch(ids, progress=None):
    """Return an Answer with the records arXiv has for the IDs (without versions); IDs it
    does not know are missing from it. Raise ServiceError when arXiv fails."""
    answer = Answer()
    ids = list(dict.fromkeys(ids))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        response, waited = get(
            settings.ARXIV_API_URL,
            {"id_list": ",".join(batch), "start": 0, "max_results": len(batch)},
        )
        answer.waited += waited
        records = parse_feed(response)
        answer.records.update({key: value for key, value in records.items() if key in batch})
        if progress:
            progress(len(batch))
    return answer


def parse_feed(response):
    """Return {arXiv ID: Record} from an API answer (an Atom feed)."""
    if response.status_code >= 500:
        raise ServiceError(
            _("arXiv is unavailable (HTTP %(status)s); try again later.")
            % {"status": response.status_code},
            kind="unreachable",
        )
    try:
        root = ET.fromstring(response.content)
    except ET.ParseError as error:
        raise malformed(_("an Atom feed")) from error
    if root.tag != f"{ATOM}feed":
        raise malformed(_("an Atom feed"))
    records = {}
    for entry in root.iter(f"{ATOM}entry"):
        entry_id = _text(entry, f"{ATOM}id")
        if _text(entry, f"{ATOM}title") == "Error" or "/api/errors" in entry_id:
            raise ServiceError(
                _("arXiv refused the request: %(reason)s")
                % {"reason": _text(entry, f"{ATOM}summary")},
                kind="refused",
            )
        record = parse_entry(entry)
        if record is not None:
            records[record.arxiv_id] = record
    return records


def parse_entry(entry):
    entry_id = _text(entry, f"{ATOM}id")
    if "/abs/" not in entry_id or not _text(entry, f"{ATOM}title"):
        return None  # arXiv's answer for an ID it does not have
    arxiv_id, version = split_version(entry_id.split("/abs/", 1)[1])
    published = _text(entry, f"{ATOM}published")
    authors, affiliations = [], []
    for author in entry.findall(f"{ATOM}author"):
        authors.append(_text(author, f"{ATOM}name"))
        affiliations.append(
            [
                " ".join((aff.text or "").split())
                for aff in author.findall(f"{ARXIV}affiliation")
                if (aff.text or "").strip()
            ]
        )
    primary = entry.find(f"{ARXIV}primary_category")
    categories = [c.get("term") for c in entry.findall(f"{ATOM}category") if c.get("term")]
    comment = _text(entry, f"{ARXIV}comment")
    journal_ref = _text(entry, f"{ARXIV}journal_ref")
    abstract = _text(entry, f"{ATOM}summary")
    pdf = next(
        (
            link.get("href", "")
            for link in entry.findall(f"{ATOM}link")
            if link.get("title") == "pdf"
        ),
        "",
    )
    return Record(
        title=_text(entry, f"{ATOM}title"),
        authors=authors,
        affiliations=affiliations if any(affiliations) else [],
        abstract=abstract,
        year=whole_number(published[:4]),
        month=whole_number(published[5:7]),
        arxiv_id=arxiv_id,
        arxiv_version=version,
        doi=first_doi(_text(entry, f"{ARXIV}doi")),
        primary_category=primary.get("term", "") if primary is not None else "",
        categories=categories,
        comment=comment,
        journal_ref=journal_ref,
        venue=journal_ref or VENUE_PREPRINT,
        pdf_url=pdf,
        provenance="arxiv",
        withdrawn=withdrawal(comment, abstract),
    )


# OAI-PMH ------------------------------------------------------------------------------


PHYSICS_ARCHIVES = {"astro-ph", "cond-mat", "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th"}
PHYSICS_ARCHIVES |= {"math-ph", "nlin", "nucl-ex", "nucl-th", "physics", "quant-ph"}


def set_spec(category):
    """Return the OAI set to ask for a category: cs.CL → cs:cs:CL, math → math; physics
    archives by archive (hep-th, cond-mat.str-el → physics:hep-th, physics:cond-mat), the
    category then picked from the records."""
    archive, dot, subject = category.partition(".")
    if archive in PHYSICS_ARCHIVES:
        return f"physics:{archive}"
    if dot:
        return f"{archive}:{archive}:{subject}"
    return category


@dataclass
class Page:
    records: list
    token: str  # empty on the last page
    last_datestamp: str = ""
    complete_size: int | None = None
    waited: float = 0.0


def list_records(category="", since=None, token=""):
    """Return one Page of ListRecords: the first (category from since) or the one a token
    names. A busy answer (503 with Retry-After) is waited out a few times."""
    if token:
        params = {"verb": "ListRecords", "resumptionToken": token}
    else:
        params = {"verb": "ListRecords", "metadataPrefix": "arXiv", "set": set_spec(category)}
        if since:
            params["from"] = since.isoformat()
    waited = 0.0
    for _attempt in range(4):
        response, turn_wait = get(settings.ARXIV_OAI_URL, params)
        waited += turn_wait
        retry_after = whole_number(response.headers.get("Retry-After", ""))
        if response.status_code == 503 and retry_after is not None:
            pause = min(retry_after, 60)
            time.sleep(pause)
            waited += pause
            continue
        break
    page = parse_list_records(response, category)
    page.waited = waited
    return page


def parse_list_records(response, category=""):
    if response.status_code != 200:
        raise ServiceError(
            _("arXiv's OAI-PMH interface answered HTTP %(status)s; try again later.")
            % {"status": response.status_code},
            kind="unreachable",
        )
    try:
        root = ET.fromstring(response.content)
    except ET.ParseError as error:
        raise malformed(_("an OAI-PMH answer")) from error
    if root.tag != f"{OAI}OAI-PMH":
        raise malformed(_("an OAI-PMH answer"))
    error = root.find(f"{OAI}error")
    if error is not None:
        if error.get("code") == "noRecordsMatch":
            return Page(records=[], token="")
        raise ServiceError(
            _("arXiv's OAI-PMH interface refused the request: %(code)s %(reason)s")
            % {"code": error.get("code", ""), "reason": (error.text or "").strip()},
            kind="refused",
        )
    listing = root.find(f"{OAI}ListRecords")
    if listing is None:
        raise malformed(_("an OAI-PMH answer"))
    records, last = [], ""
    for item in listing.findall(f"{OAI}record"):
        header = item.find(f"{OAI}header")
        last = max(last, _text(header, f"{OAI}datestamp")) if header is not None else last
        if header is None or header.get("status") == "deleted":
            continue
        metadata = item.find(f"{OAI}metadata/{OAI_ARXIV}arXiv")
        if metadata is None:
            raise malformed(_("an OAI-PMH answer"))
        record = parse_oai_record(metadata)
        if not category or category in record.categories:
            records.append(record)
    token_element = listing.find(f"{OAI}resumptionToken")
    token = (token_element.text or "").strip() if token_element is not None else ""
    size = token_element.get("completeListSize") if token_element is not None else None
    return Page(
        records=records,
        token=token,
        last_datestamp=last,
        complete_size=whole_number(size) if size else None,
    )


def parse_oai_record(metadata):
    authors, affiliations = [], []
    for author in metadata.findall(f"{OAI_ARXIV}authors/{OAI_ARXIV}author"):
        name = " ".join(
            part
            for part in (
                _text(author, f"{OAI_ARXIV}forenames"),
                _text(author, f"{OAI_ARXIV}keyname"),
                _text(author, f"{OAI_ARXIV}suffix"),
            )
            if part
        )
        authors.append(name)
        affiliations.append([_text(aff, ".") for aff in author.findall(f"{OAI_ARXIV}affiliation")])
    created = _text(metadata, f"{OAI_ARXIV}created")
    categories = _text(metadata, f"{OAI_ARXIV}categories").split()
    comment = _text(metadata, f"{OAI_ARXIV}comments")
    journal_ref = _text(metadata, f"{OAI_ARXIV}journal-ref")
    abstract = _text(metadata, f"{OAI_ARXIV}abstract")
    return Record(
        title=_text(metadata, f"{OAI_ARXIV}title"),
        authors=authors,
        affiliations=affiliations if any(affiliations) else [],
        abstract=abstract,
        year=whole_number(created[:4]),
        month=whole_number(created[5:7]),
        arxiv_id=split_version(_text(metadata, f"{OAI_ARXIV}id"))[0],
        doi=first_doi(_text(metadata, f"{OAI_ARXIV}doi")),
        primary_category=categories[0] if categories else "",
        categories=categories,
        comment=comment,
        journal_ref=journal_ref,
        venue=journal_ref or VENUE_PREPRINT,
        provenance="arxiv",
        withdrawn=withdrawal(comment, abstract),
    )
