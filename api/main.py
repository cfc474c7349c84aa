"""The JSON API at /api/v1/: django-ninja, its OpenAPI document at /api/v1/openapi.json
and interactive docs at /api/v1/docs (for members who are logged in)."""

import json
import re

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as BadInput
from ninja.parser import Parser

from core.language import names_separator
from core.middleware import json_error

from . import filters, groups, library, together
from .auth import AUTH, TokenAuth
from .limits import TokenRateThrottle
from .paging import conditional


def members_only(view):
    """The docs for a logged-in member; the OpenAPI document also for a token."""

    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if request.path.endswith("/docs"):
                return redirect_to_login(request.get_full_path())
            try:
                if not TokenAuth()(request):
                    return json_error(request, _unauthorized_message(), 401)
            except AuthenticationError:
                return json_error(request, _unauthorized_message(), 401)
        return view(request, *args, **kwargs)

    return wrapper


ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
COMMON_ANSWERS = {
    "401": {"description": "No token or session, or a bad or revoked token.", "content": ERROR},
    "429": {
        "description": "Too many requests from this token: wait Retry-After seconds.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        "content": ERROR,
    },
}
NOT_MODIFIED = {"304": {"description": "Not modified: the If-None-Match ETag is current."}}
NOT_JSON = {"400": {"description": "The request body could not be read as JSON.", "content": ERROR}}
NOT_FOUND = {"404": {"description": "Nothing the caller may read has this key.", "content": ERROR}}
BAD_INPUT_ANSWER = {
    "422": {
        "description": "Bad input: a parameter or field of the wrong kind, outside its "
        "range or set of values, or missing; each error names it (loc).",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ValidationErrors"}}
        },
    }
}
GONE = {
    "410": {
        "description": "since is not a version of this library's (it was restored from a "
        "backup made before it): fetch everything again.",
        "content": ERROR,
    }
}


UNREADABLE = gettext_lazy("The request body could not be read as JSON.")
UNREADABLE_AT = gettext_lazy(
    "The request body could not be read as JSON (line %(line)s, column %(column)s)."
)


class UnreadableBody(Exception):
    """A request body that JSON's reader gave up on (not JSON, not Unicode, or nested too
    deep for it); django-ninja answers it with 400, and api.main tells it (_http_error)."""

    def message(self):
        problem = self.__cause__
        if isinstance(problem, json.JSONDecodeError):
            return UNREADABLE_AT % {"line": problem.lineno, "column": problem.colno}
        return str(UNREADABLE)


class JsonParser(Parser):
    """django-ninja's parser, its failures marked as the body's (UnreadableBody)."""

    def parse_body(self, request):
        try:
            return super().parse_body(request)
        except Exception as problem:  # as django-ninja, which answers any with 400
            raise UnreadableBody() from problem


def _may_be_bad(parameter):
    """Whether a parameter's value may be refused as bad input (422): any in the query,
    and a key in the path that is not text (a meeting's id)."""
    return parameter["in"] != "path" or parameter.get("schema", {}).get("type") != "string"


class ReadingGroupAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """The generated document, with the answers every operation may give: 401, 429,
        for reads 304, for those with a body 400 (not JSON), for those with parameters or
        a body 422 (bad input), with a key in the path 404, and with ``since`` 410."""
        schema = super().get_openapi_schema(**kwargs)
        for methods in schema["paths"].values():
            for method, operation in methods.items():
                # django-ninja keys an operation's own answers by number (400), these by
                # text ("400"): both were written, and the docs' reader refused a document
                # with a key twice (YAMLException). One key each, the operation's first.
                answers = {
                    str(code): answer for code, answer in operation.get("responses", {}).items()
                }
                extra = {**COMMON_ANSWERS, **(NOT_MODIFIED if method == "get" else {})}
                if "requestBody" in operation:
                    extra.update(NOT_JSON)
                parameters = operation.get("parameters", [])
                if "requestBody" in operation or any(map(_may_be_bad, parameters)):
                    extra.update(BAD_INPUT_ANSWER)
                if any(parameter["in"] == "path" for parameter in parameters):
                    extra.update(NOT_FOUND)
                if any(parameter["name"] == "since" for parameter in parameters):
                    extra.update(GONE)
                for code, answer in extra.items():
                    answers.setdefault(code, answer)
                operation["responses"] = answers
        return schema


api = ReadingGroupAPI(
    title="LLM Reading Group API",
    version="1",
    description=(
        "The reading group's library and notes, under the same rules as the site. "
        "Authenticate with a personal token (`Authorization: Bearer <token>`, made on "
        "the site's API tokens page) or the browser's session (writes then need the "
        "CSRF token). Lists take `page`, `page_size` and `since=<library version>` (410 "
        "for a version that is not the library's, as after a restore from a backup "
        "made before it: fetch everything again); a "
        "filter naming a topic, organisation or model that none is called gets 400 with "
        "the values most like it; "
        "every GET answers with an ETag (and Last-Modified once the last change is two "
        "seconds old) and honours If-None-Match and If-Modified-Since; "
        "edits of a note, meeting or comment send If-Match (its ETag) or its revision and "
        "get 412 when it is stale."
    ),
    urls_namespace="api-v1",
    auth=AUTH,
    throttle=[TokenRateThrottle()],
    docs_decorator=members_only,
    parser=JsonParser(),
)
api.add_router("", library.adding)
api.add_router("", library.router)
api.add_router("", groups.router)
api.add_router("", together.router)


@api.exception_handler(groups.ValidationFailed)
def _invalid(request, exc):
    return api.create_response(request, {"detail": exc.errors}, status=422)


# Bad input's messages by pydantic's kind of error, in the caller's language (pydantic's
# own are English alone); with the field and pydantic's context (its limits). A kind not
# here keeps pydantic's message: those here are the kinds the API's inputs can give (none
# is a date, URL, enum or pydantic Json; a body that is not JSON is ninja's 400).
WHOLE_NUMBER = gettext_lazy("%(field)s: enter a whole number.")
TRUE_OR_FALSE = gettext_lazy("%(field)s: enter true or false.")
BAD_INPUT = {
    "int_parsing": WHOLE_NUMBER,
    "int_type": WHOLE_NUMBER,
    "int_from_float": WHOLE_NUMBER,
    "int_parsing_size": WHOLE_NUMBER,  # 1e30 in JSON
    "finite_number": WHOLE_NUMBER,  # 1e400 in JSON: infinity
    "missing": gettext_lazy("%(field)s: this is required."),
    "greater_than_equal": gettext_lazy("%(field)s: enter a number no less than %(ge)s."),
    "less_than_equal": gettext_lazy("%(field)s: enter a number no greater than %(le)s."),
    "string_too_long": ngettext_lazy(
        "%(field)s: enter at most %(max_length)s character.",
        "%(field)s: enter at most %(max_length)s characters.",
        "max_length",
    ),
    "too_long": ngettext_lazy(
        "%(field)s: give at most %(max_length)s item.",
        "%(field)s: give at most %(max_length)s items.",
        "max_length",
    ),
    "bool_parsing": TRUE_OR_FALSE,
    "bool_type": TRUE_OR_FALSE,
    "list_type": gettext_lazy("%(field)s: give a list."),
    "literal_error": gettext_lazy("%(field)s: enter %(expected)s."),
    "extra_forbidden": gettext_lazy("%(field)s: unknown field; leave it out."),
    "string_type": gettext_lazy("%(field)s: enter text."),
    "string_unicode": gettext_lazy("%(field)s: enter valid Unicode text."),  # "\ud800"
    "model_attributes_type": gettext_lazy("%(field)s: send a JSON object."),  # a body of []
}

# pydantic's list of a literal's values, as its ctx gives them: their reprs, "'a', 'b' or
# 'c'" (its "or" is English). A value is a quoted string or a bare word (a number).
CHOICE = r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s,'"]+"""
CHOICES = re.compile(rf"(?:{CHOICE})(?:, (?:{CHOICE}))*(?: or (?:{CHOICE}))?")
CHOICES_ONE_BY_ONE = re.compile(rf"(?:^|, | or )({CHOICE})")


def _choices(expected):
    """pydantic's list of the values allowed, joined in the caller's language; as it is
    if it is not such a list."""
    if not isinstance(expected, str) or not CHOICES.fullmatch(expected):
        return expected
    *values, last = CHOICES_ONE_BY_ONE.findall(expected)
    if not values:
        return last
    word = _("or")
    return f"{names_separator().join(values)} {word} {last}"


def _field(loc):
    """The field an error's loc names: its last name (not an item's index, nor a union's
    member, which pydantic names by its type, as literal[''])."""
    names = (part for part in reversed(loc) if isinstance(part, str) and part.isidentifier())
    return next(names, "")


def _in_language(error):
    """One of pydantic's errors with its message in the caller's language."""
    message = BAD_INPUT.get(error.get("type"))
    if message is None:
        return error
    context = {**error.get("ctx", {}), "field": _field(error.get("loc", []))}
    if "expected" in context:
        context["expected"] = _choices(context["expected"])
    try:
        return {**error, "msg": message % context}
    except (KeyError, TypeError, ValueError):  # a context unlike the message's
        return error


# The most errors a 422 tells one by one. A body of thousands of unknown keys (within the
# size allowed) was answered with each: 2 MB sent, 17 MB and seconds of work answered.
MAX_ERRORS = 50
MORE_ERRORS = ngettext_lazy("… and %(count)s more error.", "… and %(count)s more errors.", "count")


@api.exception_handler(BadInput)
def _bad_input(request, exc):
    """422 as django-ninja answers it (type, loc, msg, ctx), the messages translated; past
    MAX_ERRORS, the others counted in a last error (type too_many_errors)."""
    errors = [_in_language(error) for error in exc.errors[:MAX_ERRORS]]
    if (more := len(exc.errors) - MAX_ERRORS) > 0:
        message = MORE_ERRORS % {"count": more}
        errors.append({"type": "too_many_errors", "loc": [], "msg": message})
    return api.create_response(request, {"detail": errors}, status=422)


def _not_found_message():
    return _("Not Found")


@api.exception_handler(Http404)
def _not_found(request, exc):
    """404 as django-ninja answers it, in the caller's language; never what was not
    found (Django's "No Paper matches the given query." is English, and in DEBUG only)."""
    return api.create_response(request, {"detail": _not_found_message()}, status=404)


@api.exception_handler(filters.UnknownValue)
def _unknown_value(request, exc):
    return api.create_response(request, exc.body(), status=400)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    """An HttpError as django-ninja answers it; a body it could not read (its "Cannot
    parse request body", English) told in the caller's language."""
    detail = str(exc)
    if isinstance(exc.__cause__, UnreadableBody):
        detail = exc.__cause__.message()
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


def _unauthorized_message():
    """A 401's words, whatever the reason (no token or session, a token unknown, revoked
    or of an inactive member): a caller is told nothing of which."""
    return _("Log in, or send a valid API token.")


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    response = api.create_response(request, {"detail": _unauthorized_message()}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(Throttled)
def _throttled(request, exc):
    """429 as django-ninja answers it (its "Too many requests.", English), in the caller's
    language; django-ninja adds Retry-After."""
    return api.create_response(request, {"detail": _("Too many requests.")}, status=429)


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return api.create_response(request, {"detail": _too_big_message()}, status=413)


def _too_big_message():
    return _("The request body is larger than %(limit)s bytes.") % {
        "limit": settings.API_MAX_BODY_BYTES
    }


def bounded(view):
    """Refuse a request whose body is larger than API_MAX_BODY_BYTES (413), unread. (An
    address with a NUL character core.middleware refuses, in JSON here.)"""

    def wrapper(request, *args, **kwargs):
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not (length.isascii() and length.isdigit()) or int(length) > settings.API_MAX_BODY_BYTES:
            return json_error(request, _too_big_message(), 413)
        return view(request, *args, **kwargs)

    return wrapper


NOT_ALLOWED = gettext_lazy("This address does not take %(method)s; it takes %(allowed)s.")


def methods(view):
    """HEAD answered as GET is (its headers: ETag, Library-Version …), as Django's own
    views answer it; a method the address does not take, 405 in JSON naming those it
    takes. django-ninja answered HEAD with 405, and its 405 was the text "Method not
    allowed", where every other error of the API is JSON."""

    def wrapper(request, *args, **kwargs):
        method = request.method
        if method == "HEAD":
            request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        finally:
            request.method = method
        if response.status_code == 405 and response.get("Content-Type") != "application/json":
            allowed = {name for name in response.get("Allow", "").split(", ") if name}
            if "GET" in allowed:
                allowed.add("HEAD")
            allowed = ", ".join(sorted(allowed))
            response = json_error(request, NOT_ALLOWED, 405, method=method, allowed=allowed)
            response["Allow"] = allowed
        return response

    return wrapper


def _open(patterns):
    """Wrap every API view: body bound, conditional GET, HEAD and 405 (methods), and no
    site login needed."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _open(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view = conditional(bounded(methods(pattern.callback)))
            view.csrf_exempt = True  # ninja checks CSRF itself, for session writes
            view.login_required = False
            pattern.callback = view
    return patterns


def not_found(request, rest=""):
    """Any other address under /api/v1/: 404 in JSON, as the API's own 404s."""
    return json_error(request, _not_found_message(), 404)


def urls():
    """The API's URL patterns, each view wrapped (see _open), for config/urls.py; last,
    a JSON 404 for any other address."""
    patterns, app_name, namespace = api.urls
    fallback = re_path(r"^(?P<rest>.*)$", not_found, name="not-found")
    return _open([*patterns, fallback]), app_name, namespace
