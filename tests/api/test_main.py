"""The API's answers to bad input and to callers it does not know (api.main), in the
caller's language. The tests named *_in_chinese check messages whose Chinese is added to
the catalogue after the code (locale/zh_Hans): they fail until it is."""

import pytest

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
