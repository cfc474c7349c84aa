"""Answer bad requests and a lost database with a clear page, not a trace."""

import logging
import re

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.template import loader
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from .compiled import reads_scope
from .fragments import request_scope

logger = logging.getLogger("core.database")

# Connection refused or lost, and a statement cancelled by PostgreSQL's statement_timeout
# (psycopg's QueryCanceled is an OperationalError): the site cannot answer now, later it can.
DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30

# Sent back as they came, never shown: the form's own bookkeeping.
BOOKKEEPING = {"csrfmiddlewaretoken", "revision", "next"}
LANGUAGE_SUFFIXES = {"_zh": ("zh-Hans", "中文"), "_en": ("en", "English")}


def _unsaved_text(request):
    """Return what a failed POST sent: the fields to send again, and the texts to show.

    A member whose save fails must not lose their text: the 503 page shows it back in
    a form that sends everything again to the same address (with the same CSRF token
    and revision, so the stale-save check still applies). Shown are the fields a person
    typed (titles and bodies in either language, anything with a space or beyond
    ASCII); choices and ids travel hidden. A form with a password (logging in, changing
    it) is not given back: nothing long was typed, and a password is never echoed.
    """
    try:
        items = list(request.POST.lists())
    except Exception:  # a body too large or malformed: nothing to give back
        return None
    if any("password" in name.lower() for name, _ in items):
        return None
    hidden, shown = [], []
    for name, values in items:
        suffix = LANGUAGE_SUFFIXES.get(name[-3:])
        typed = (
            name not in BOOKKEEPING
            and len(values) == 1
            and (suffix or re.search(r"\s|[^\x00-\x7f]", values[0]))
        )
        if typed and values[0].strip():
            lang, language = suffix or ("", "")
            shown.append(
                {
                    "name": name,
                    "value": values[0],
                    "lang": lang,
                    "language": language,
                    "multiline": "\n" in values[0] or len(values[0]) > 80,
                    "rows": min(20, max(3, values[0].count("\n") + 2)),
                }
            )
        else:
            hidden.extend((name, value) for value in values)
    if not shown:
        return None
    # Each language's texts together, under one heading (a title line, then its body).
    order = {"zh-Hans": 0, "en": 1, "": 2}
    shown.sort(key=lambda field: order[field["lang"]])
    for previous, field in zip([None, *shown], shown, strict=False):
        field["heading"] = (
            field["language"] if not previous or previous["lang"] != field["lang"] else ""
        )
    return {"action": request.get_full_path(), "hidden": hidden, "shown": shown}


def for_programs(request):
    """Whether the request is to an address that programs call (settings.JSON_ERROR_PATHS:
    the API), whose errors are answered in JSON, as its own are, not with a page."""
    return request is not None and request.path_info.startswith(tuple(settings.JSON_ERROR_PATHS))


def json_error(request, message, status, **params):
    """The JSON answer of an error (``message``, lazy, with ``params``), in the caller's
    language: read from the request, as this may answer before LocaleMiddleware has run
    (the thread's language is then the last request's)."""
    with translation.override(translation.get_language_from_request(request)):
        text = str(message) % params if params else str(message)
    return JsonResponse({"detail": text}, status=status)


def database_unavailable(request=None):
    """Render 503.html without the database (no context processors, no user); to a
    program, the same in JSON.

    For a POST the page carries the member's text back (see _unsaved_text).
    """
    if for_programs(request):
        response = json_error(
            request,
            _("The database cannot be reached just now; try again in %(seconds)s seconds."),
            503,
            seconds=RETRY_AFTER_SECONDS,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    context = {}
    if request is not None and request.method == "POST":
        context["unsaved"] = _unsaved_text(request)
    response = HttpResponse(loader.render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection raised in a view into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        logger.error("Database unavailable: %s", exception, exc_info=exception)
        return database_unavailable(request)


class MethodNotAllowedPageMiddleware:
    """Opening an address that only takes a button's POST (a bookmarked or pasted delete
    link) is answered with the site's 405 page, where require_POST's empty answer left
    the browser's own error page, without the site or its language. Only for a browser
    (one that asks for HTML): a program calling the address gets the bare 405."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not response.content
            and request.method == "GET"
            and "text/html" in request.headers.get("Accept", "")
        ):
            page = loader.render_to_string("405.html", request=request)
            allowed = [method for method in response.get("Allow", "").split(", ") if method]
            response = HttpResponseNotAllowed(allowed, page)
            patch_vary_headers(response, ["Accept"])  # a program asking gets the bare 405
        return response


class RejectNulBytesMiddleware:
    """Refuse an address (its path or query string) with a NUL character: no database
    stores one in text (a slug in an API path reached it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or any("\x00" in value for values in request.GET.lists() for value in values[1])
            or any("\x00" in key for key in request.GET)
        ):
            # Before the session and the database: the page needs neither.
            if for_programs(request):
                return json_error(request, _("The address contains a NUL character."), 400)
            return HttpResponseBadRequest(loader.render_to_string("400.html", {"nul": True}))
        return self.get_response(request)


class RequestMemoMiddleware:
    """Let a request remember what it has read of the cache (core.fragments.remembered)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope(), reads_scope():
            return self.get_response(request)
