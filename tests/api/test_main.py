"""The API's answers to bad input and to callers it does not know (api.main), in the
caller's language. The tests named *_in_chinese check messages whose Chinese is added to
the catalogue after the code (locale/zh_Hans): they fail until it is."""

import pytest
from django.utils import translation

from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db


def messages(response):
    """The messages of a 422, checking that the answer keeps django-ninja's shape."""
    assert response.status_code == 422, response.content
    errors = response.json()["detail"]
    for error in errors:
        assert {"type", "loc", "msg"} <= error.keys(), error
    return [error["msg"] for error in errors]


def send(caller, request, language):
    """Send ("GET", path) or (method, path, body) in the language."""
    method, path, *body = request
    return getattr(caller, method.lower())(path, *body, HTTP_ACCEPT_LANGUAGE=language)


# --- A value outside a fixed set (pydantic's literal_error) -----------------------------

CHOICES = {
    "sort": ("GET", "/papers?sort=random"),
    "when": ("GET", "/meetings?when=soon"),
    "translation": ("POST", "/notes", {"title_en": "x", "translation": "fr"}),
    # A status or "" (clearing it): pydantic tells each of the union's two literals.
    "status": ("PUT", "/papers/{paper}/status", {"status": "done"}),
}


def choices(name):
    method, path, *body = CHOICES[name]
    return (method, path.format(paper=PaperFactory().slug), *body)


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("sort", ["sort: enter 'newest', 'oldest', 'title' or 'notes'."]),
        ("when", ["when: enter 'upcoming' or 'past'."]),
        ("translation", ["translation: enter '', 'zh' or 'en'."]),
        ("status", ["status: enter 'to_read', 'reading', 'read' or 'not_for_me'.",
                    "status: enter ''."]),
    ],
)  # fmt: skip
def test_a_value_outside_a_fixed_set_is_told_with_the_values(api_as, world, name, english):
    """Pydantic said "Input should be 'newest', 'oldest', 'title' or 'notes'" in English
    whatever Accept-Language asked; the values are named as pydantic gives them (its
    ctx, kept), the field by its name (not the union's member, as literal['']), the
    rest of the answer as it was."""
    answer = send(api_as(world.member), choices(name), "en")
    assert messages(answer) == english
    for error in answer.json()["detail"]:
        assert error["type"] == "literal_error"
        assert error["loc"][:-1] in (["query"], ["body", "payload"], ["body", "payload", name])
        assert error["ctx"]["expected"] in error["msg"]


@pytest.mark.parametrize(
    ("name", "chinese"),
    [
        ("sort", ["sort：请输入 'newest'、'oldest'、'title' 或 'notes'。"]),
        ("when", ["when：请输入 'upcoming' 或 'past'。"]),
        ("translation", ["translation：请输入 ''、'zh' 或 'en'。"]),
        ("status", ["status：请输入 'to_read'、'reading'、'read' 或 'not_for_me'。",
                    "status：请输入 ''。"]),
    ],
)  # fmt: skip
def test_a_value_outside_a_fixed_set_in_chinese(api_as, world, name, chinese):
    """Awaits "%(field)s: enter %(expected)s." in the catalogue; the values are joined
    with the catalogue's "、" and "或" already."""
    assert messages(send(api_as(world.member), choices(name), "zh-hans")) == chinese


# --- Fields a body may not have, and values of the wrong kind ---------------------------

BODIES = {
    "unknown": ("POST", "/notes", {"title_en": "x", "colour": "red"}),
    "two unknown": ("POST", "/comments", {"body": "x", "colour": "red", "size": 2}),
    "number for text": ("POST", "/notes", {"title_en": 5}),
    "number among tags": ("POST", "/notes", {"tags": ["a", 1]}),
    "null for text": ("POST", "/comments", {"body": None}),
    "half a character": ("POST", "/notes", '{"title_en": "\\ud800"}'),
    "a list for an object": ("POST", "/notes", ["title_en"]),
    "a string for an object": ("POST", "/notes", '"a note"'),
}


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("unknown", ["colour: unknown field; leave it out."]),
        ("two unknown", ["colour: unknown field; leave it out.",
                         "size: unknown field; leave it out."]),
        ("number for text", ["title_en: enter text."]),
        ("number among tags", ["tags: enter text."]),
        ("null for text", ["body: enter text."]),
        ("half a character", ["title_en: enter valid Unicode text."]),
        ("a list for an object", ["payload: send a JSON object."]),
        ("a string for an object", ["payload: send a JSON object."]),
    ],
)  # fmt: skip
def test_unknown_fields_and_values_of_the_wrong_kind_are_told(api_as, world, name, english):
    """Pydantic said "Extra inputs are not permitted", "Input should be a valid string" or
    "Input should be a valid dictionary or object to extract fields from", in English."""
    assert messages(send(api_as(world.member), BODIES[name], "en")) == english


@pytest.mark.parametrize(
    ("name", "chinese"),
    [
        ("unknown", ["colour：未知字段，请去掉。"]),
        ("two unknown", ["colour：未知字段，请去掉。", "size：未知字段，请去掉。"]),
        ("number for text", ["title_en：请输入文本。"]),
        ("number among tags", ["tags：请输入文本。"]),
        ("half a character", ["title_en：请输入有效的 Unicode 文本。"]),
        ("a list for an object", ["payload：请发送一个 JSON 对象。"]),
    ],
)
def test_unknown_fields_and_values_of_the_wrong_kind_in_chinese(api_as, world, name, chinese):
    """Awaits "%(field)s: unknown field; leave it out.", "%(field)s: enter text.",
    "%(field)s: enter valid Unicode text." and "%(field)s: send a JSON object." in the
    catalogue."""
    assert messages(send(api_as(world.member), BODIES[name], "zh-hans")) == chinese


@pytest.mark.parametrize(
    ("body", "kind"),
    [('{"meeting": 1e400}', "finite_number"), ('{"meeting": 1e30}', "int_parsing_size")],
)
def test_a_number_too_large_for_a_whole_number_is_told_as_one(api_as, world, body, kind):
    """An infinite or huge number where a whole number goes: "Input should be a finite
    number", "Unable to parse input string as an integer, exceeded maximum size"."""
    caller = api_as(world.member)
    answer = send(caller, ("POST", "/notes", body), "en")
    assert [error["type"] for error in answer.json()["detail"]] == [kind]
    assert messages(answer) == ["meeting: enter a whole number."]
    assert messages(send(caller, ("POST", "/notes", body), "zh-hans")) == ["meeting：请输入整数。"]


# --- A body that is not JSON ------------------------------------------------------------

UNREADABLE = {
    "cut short": ('{"title_en": "x",', (1, 18)),
    "not json": ("title_en=x", (1, 1)),
    "on line 2": ('{"title_en": "x",\n "tags": [}', (2, 11)),
    "not unicode": (b"\xff\xfe{", None),
    "too deep": ("[" * 100_000, None),  # Python's json gives up: RecursionError
}


@pytest.mark.parametrize("name", UNREADABLE)
def test_a_body_that_is_not_json_is_told_where(api_as, world, name):
    """django-ninja said "Cannot parse request body" in English (400); it is told in the
    caller's language, with the line and column where JSON's reader stopped, when it
    says; never a 500."""
    body, where = UNREADABLE[name]
    english = "The request body could not be read as JSON."
    if where:
        line, column = where
        english = f"The request body could not be read as JSON (line {line}, column {column})."
    for method, path in [("POST", "/notes"), ("PATCH", f"/notes/{world.shared.slug}")]:
        answer = send(api_as(world.member), (method, path, body), "en")
        assert (answer.status_code, answer.json()) == (400, {"detail": english}), method


@pytest.mark.parametrize("name", ["cut short", "not unicode"])
def test_a_body_that_is_not_json_in_chinese(api_as, world, name):
    """Awaits "The request body could not be read as JSON." and "The request body could
    not be read as JSON (line %(line)s, column %(column)s)." in the catalogue."""
    chinese = {
        "cut short": "无法将请求内容读取为 JSON（第 1 行，第 18 列）。",
        "not unicode": "无法将请求内容读取为 JSON。",
    }
    answer = send(api_as(world.member), ("POST", "/notes", UNREADABLE[name][0]), "zh-hans")
    assert (answer.status_code, answer.json()) == (400, {"detail": chinese[name]})


def test_other_http_errors_are_answered_as_before(api_as, world):
    """The 400 of an unreadable body is told by the API's handler of django-ninja's
    HttpError; the others it answers as django-ninja did (403, 412, 428 …)."""
    from api.models import ApiToken

    reader = api_as(world.member, ApiToken.Scope.READ)
    refused = reader.post("/notes", {"title_en": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert (refused.status_code, refused.json()) == (403, {"detail": "This token may only read."})
    stale = api_as(world.member).patch(
        f"/notes/{world.shared.slug}", {"title_en": "y"}, HTTP_IF_MATCH='"note-0-1"'
    )
    assert stale.status_code == 412


# --- Errors raised before the API's own code, or that escape it: JSON, not a page -------


@pytest.mark.parametrize(
    "address", ["search?q=a%00b", "search?topic=a%00b", "search?a%00=1", "papers/a%00b"]
)
def test_a_nul_byte_in_the_address_is_answered_in_json(client, address):
    """The site's middleware refuses a NUL in an address, path or query string, before
    any view (the API checked paths itself): to a program calling the API it answered
    with the site's page, in HTML."""
    response = client.get(f"/api/v1/{address}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The address contains a NUL character."}


def test_an_api_error_before_the_locale_middleware_is_in_the_callers_language(client):
    """The NUL check runs before LocaleMiddleware: it answered in the language the worker's
    thread was left in by its last request."""
    with translation.override("zh-hans"):
        english = client.get("/api/v1/search?q=a%00b", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json() == {"detail": "The address contains a NUL character."}
    with translation.override("en"):
        chinese = client.get("/api/v1/search?q=a%00b", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.json() == {"detail": "地址中含有 NUL 字符。"}


def test_the_token_pages_are_pages_not_the_api(member_client):
    """/api/tokens/ is a member's page of their tokens, in a browser: its errors are pages."""
    response = member_client.get("/api/tokens/?q=a%00b", HTTP_ACCEPT="text/html")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "This address contains an invisible control character (NUL)" in (
        response.content.decode()
    )


def test_the_database_down_is_a_json_503(client, monkeypatch, token_for, member):
    def boom(*args, **kwargs):
        from django.db import OperationalError

        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    headers = token_for(member)
    client.raise_request_exception = False
    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", boom)
    response = client.get("/api/v1/papers", **headers)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "detail": "The database cannot be reached just now; try again in 30 seconds."
    }
    chinese = client.get("/api/v1/papers", HTTP_ACCEPT_LANGUAGE="zh-hans", **headers)
    assert chinese.status_code == 503 and "数据库" in chinese.json()["detail"]


def test_a_server_error_is_a_json_500(client, monkeypatch, token_for, member):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    client.raise_request_exception = False
    monkeypatch.setattr("api.library.check_paper_filters", broken)
    response = client.get("/api/v1/papers", **token_for(member))
    assert response.status_code == 500
    assert response.json() == {"detail": "The server failed to answer; the error has been logged."}


def test_a_method_an_address_does_not_take_is_a_json_405(client, token_for, member):
    """django-ninja answered with the text "Method not allowed": not JSON, as every other
    error of the API is, and not in the caller's language."""
    headers = token_for(member)
    response = client.put("/api/v1/notes", {}, content_type="application/json", **headers)
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == "GET, HEAD, POST"
    message = "This address does not take PUT; it takes GET, HEAD, POST."
    assert response.json() == {"detail": message}
    deleted = client.delete("/api/v1/papers/add", **headers)
    assert (deleted.status_code, deleted["Allow"]) == (405, "POST")
    assert deleted.json() == {"detail": "This address does not take DELETE; it takes POST."}


def test_head_is_answered_as_get(client, token_for, member):
    """A client asking whether its copy is current (HEAD, If-None-Match) got 405."""
    PaperFactory(slug="attention")
    headers = token_for(member)
    got = client.get("/api/v1/papers", **headers)
    head = client.head("/api/v1/papers", **headers)
    assert head.status_code == 200
    assert head.content == b""
    assert (head["ETag"], head["Library-Version"]) == (got["ETag"], got["Library-Version"])
    current = client.head("/api/v1/papers/attention", HTTP_IF_NONE_MATCH=got["ETag"], **headers)
    assert current.status_code == 200  # another answer's ETag
    etag = client.get("/api/v1/papers/attention", **headers)["ETag"]
    same = client.head("/api/v1/papers/attention", HTTP_IF_NONE_MATCH=etag, **headers)
    assert same.status_code == 304
    assert client.head("/api/v1/papers", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_a_body_of_thousands_of_errors_is_answered_with_the_first_and_a_count(api_as, world):
    """Each error was told: a 2 MB body of unknown keys got 17 MB back after seconds."""
    body = {f"key{number}": 1 for number in range(5000)}
    response = api_as(world.member).post("/notes", body, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert len(errors) == 51
    assert errors[0]["msg"] == "key0: unknown field; leave it out."
    assert errors[-1] == {"type": "too_many_errors", "loc": [], "msg": "… and 4950 more errors."}
    assert len(response.content) < 20_000
