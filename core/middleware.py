"""Answer bad requests and a lost database with a clear page, not a trace."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template import loader

logger = logging.getLogger("core.database")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable():
    """Render 503.html without a request or the database (no context processors)."""
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
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
        return database_unavailable()


class RejectNulBytesMiddleware:
    """Refuse a query string with a NUL character: no database stores one in text."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in value for values in request.GET.lists() for value in values[1]) or any(
            "\x00" in key for key in request.GET
        ):
            return HttpResponseBadRequest(
                "The address contains a NUL character.", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
