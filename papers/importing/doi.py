"""doi.org's client: a DOI's metadata as CSL-JSON, through content negotiation at
settings.DOI_RESOLVER_URL (timeout OUTSIDE_TIMEOUT)."""

import html
import json
import logging
from urllib.parse import quote

import httpx
from django.conf import settings
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from ..identifiers import is_arxiv_id, normalize_arxiv_id
from .records import Record, ServiceError, whole_number

logger = logging.getLogger(__name__)

ACCEPT = "application/vnd.citationstyles.csl+json"
USER_AGENT = "llm-reading-group (library import)"


def fetch(doi):
    """Return the Record doi.org has for the DOI, or None when it knows no such DOI; raise
    ServiceError when it fails."""
    url = settings.DOI_RESOLVER_URL.rstrip("/") + "/" + quote(doi, safe="/:;()._-")
    try:
        response = httpx.get(
            url,
            headers={"Accept": ACCEPT, "User-Agent": USER_AGENT},
            timeout=settings.OUTSIDE_TIMEOUT,
            follow_redirects=True,
        )
    except httpx.TimeoutException as error:
        raise ServiceError(
            _("doi.org did not answer within %(seconds)s seconds; try again later.")
            % {"seconds": f"{settings.OUTSIDE_TIMEOUT:g}"},
            kind="timeout",
        ) from error
    except httpx.HTTPError as error:
        logger.warning("doi.org could not be reached: %r", error)
        raise ServiceError(
            _("doi.org could not be reached from this server; try again later."),
            kind="unreachable",
        ) from error
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise ServiceError(
            _("doi.org answered HTTP %(status)s; try again later.")
            % {"status": response.status_code},
            kind="unreachable",
        )
    try:
        item = json.loads(response.content)
    except ValueError as error:
        raise not_csl() from error
    if not isinstance(item, dict) or not item.get("title"):
        raise not_csl()
    return parse_csl(item, doi)


def not_csl():
    return ServiceError(_("doi.org answered something that is not CSL-JSON."), kind="malformed")


def _text(value):
    """A text field of CSL-JSON: a string, or the first of a list of them (Crossref gives
    titles so); raise ServiceError for anything else (a number where a DOI should be)."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if not isinstance(value, str | None):
        raise not_csl()
    return value or ""


def _date_parts(date):
    """The [year, month, day] of a CSL-JSON date ({"date-parts": [[2024, 9, 20]]}), or []
    when it has none; raise ServiceError when it is not written so."""
    if not isinstance(date, dict | None):
        raise not_csl()
    parts = (date or {}).get("date-parts") or [[]]
    if not isinstance(parts, list) or not isinstance(parts[0], list):
        raise not_csl()
    return parts[0]


def _plain(value):
    """A CSL-JSON text as plain text: Crossref writes titles and abstracts with markup
    (``<i>in vivo</i>``, ``H<sub>2</sub>O``, JATS) and entities (``&amp;``), which were
    stored as written, and the paper was then no duplicate of the one in the library."""
    return " ".join(html.unescape(strip_tags(_text(value))).split())


def parse_csl(item, doi=""):
    """Return a Record from one CSL-JSON item; raise ServiceError when a field read is not
    of the type CSL-JSON gives it."""
    people = item.get("author") or []
    if not isinstance(people, list) or not all(isinstance(p, dict) for p in people):
        raise not_csl()
    authors = []
    for person in people:
        name = _text(person.get("literal")) or " ".join(
            part for part in (_text(person.get("given")), _text(person.get("family"))) if part
        )
        if name:
            authors.append(" ".join(name.split()))
    parts = []
    for key in ("issued", "published-print", "published-online", "created"):
        parts = _date_parts(item.get(key))
        if parts and parts[0]:
            break
    year = whole_number(parts[0]) if parts else None
    month = whole_number(parts[1]) if len(parts) > 1 else None
    venue = _plain(item.get("container-title"))
    number = str(item.get("number") or "")  # text or a number, in CSL-JSON
    url = _text(item.get("URL"))
    arxiv_id = ""
    if item.get("publisher") == "arXiv" or number.lower().startswith("arxiv:"):
        candidate = normalize_arxiv_id(number or url)
        arxiv_id = candidate if is_arxiv_id(candidate) else ""
    abstract = _plain(item.get("abstract"))
    return Record(
        title=_plain(item.get("title")),
        authors=authors,
        abstract=abstract,
        year=year,
        month=month if month and 1 <= month <= 12 else None,
        arxiv_id=arxiv_id,
        doi=(_text(item.get("DOI")) or doi).lower(),
        venue=venue,
        url=url,
        provenance="doi",
    )
