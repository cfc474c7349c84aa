"""Pages of a list, ``?since=`` filtering, and the conditional answers every GET gets."""

import hashlib
import math
import re
import time

from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from ninja import Query, Schema
from pydantic import Field

from .models import Change, LibraryVersion
from .sync import changed_since, check_since

MAX_PAGE_SIZE = 200
SETTLE = 2  # seconds


class PageParams(Schema):
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    since: int | None = Field(
        None, ge=0, le=2**62, description="Only records changed after this library version."
    )


PageQuery = Query[PageParams]


def paginate(request, queryset, params, kind):
    """Return one page of the queryset (ordered, with its joins) as the page schemas
    expect. The library version is read first: whatever changes while the page is read
    comes again with ``since=version``."""
    version = LibraryVersion.current()
    check_since(params.since, version)
    if params.since:
        queryset = queryset.filter(pk__in=changed_since(kind, params.since))
    count = queryset.count()
    first = (params.page - 1) * params.page_size
    items = list(queryset[first : first + params.page_size]) if first < count else []
    pages = max(1, math.ceil(count / params.page_size))
    following = None
    if params.page < pages:
        query = request.GET.copy()
        query["page"] = str(params.page + 1)
        following = f"{request.path}?{query.urlencode()}"
    return {
        "count": count,
        "page": params.page,
        "pages": pages,
        "page_size": params.page_size,
        "next": following,
        "version": version,
        "items": items,
    }


def moves_with_time(request):
    """Say that the answer to the request changes as time passes, the library unchanged
    (the meetings still to come): it gets no Last-Modified, and If-Modified-Since is not
    answered 304 (the ETag, a digest of the answer, still is)."""
    request.api_moves_with_time = True


def last_change():
    """Return (version, time) of the library's last change, (0, None) if none."""
    row = Change.objects.order_by("-version").values_list("version", "at").first()
    return row or (0, None)


# A record's ETag as its view sets it: its kind, id and revision (api.groups._etag).
RECORD_ETAG = re.compile(r'^"([a-z]+-\d+-\d+)"$')


def _digest_record_etag(response):
    """Add to a record's ETag a digest of its answer. The revision, which an edit's
    If-Match names, moves with an edit of the record alone: a meeting's proposals and
    presenters, a note's paper taken away, changed the answer and not the ETag, and a
    conditional GET was answered 304 with the old copy."""
    found = RECORD_ETAG.match(response.get("ETag", ""))
    if found and response.status_code in (200, 201):
        digest = hashlib.sha256(response.content).hexdigest()[:16]
        response["ETag"] = f'"{found[1]}-{digest}"'


def conditional(view):
    """Give every answer to a GET an ETag (a digest of the body, unless the view set one)
    and Last-Modified (the library's last change), answer 304 when the client's copy is
    current, and say that answers differ per caller."""

    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponse):
            _digest_record_etag(response)
        if request.method not in {"GET", "HEAD"} or not isinstance(response, HttpResponse):
            patch_vary_headers(response, ["Authorization", "Cookie"])
            return response
        patch_vary_headers(response, ["Authorization", "Cookie"])
        response.setdefault("Cache-Control", "private, no-cache")
        if response.status_code != 200:
            return response
        if not response.has_header("ETag"):
            body = hashlib.sha256(response.content).hexdigest()[:32]
            response["ETag"] = f'W/"{body}"'
        version, at = last_change()
        response["Library-Version"] = str(version)
        # HTTP dates count whole seconds: a change later in the same second as the date
        # a client holds would look old. The date is given, and If-Modified-Since
        # answered by it, only once the last change is SETTLE seconds old; the ETag is
        # always given, and exact.
        seconds = int(at.timestamp()) if at is not None else None
        settled = seconds is not None and time.time() - at.timestamp() >= SETTLE
        if getattr(request, "api_moves_with_time", False):
            settled = False  # the library's last change does not date the answer
        if settled and not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(seconds)
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=seconds if settled else None,
            response=response,
        )

    for attribute in ("csrf_exempt", "login_required"):
        if hasattr(view, attribute):
            setattr(wrapper, attribute, getattr(view, attribute))
    wrapper.__name__ = getattr(view, "__name__", "api_view")
    wrapper.__wrapped__ = view
    return wrapper
