"""Bad requests and a lost database get a clear page, not a trace (core/middleware.py)."""

import html
import re

import pytest
from django.db import OperationalError
from django.urls import reverse

from notes.models import Note

pytestmark = pytest.mark.django_db


def boom(*args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def test_database_down_in_a_view_gives_the_503_page(member_client, monkeypatch):
    monkeypatch.setattr("reading.views.PaperListView.get_queryset", boom)
    response = member_client.get(reverse("reading:paper_list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Temporarily unavailable" in response.content.decode()
    assert "Traceback" not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=ab%00cd",
        "/papers/?q=a%00b",
        "/papers/?topic=a%00",
        "/notes/new/?paper=a%00",
        "/papers/a%00b/",
    ],
)
def test_a_nul_byte_in_the_address_is_a_bad_request(member_client, url):
    response = member_client.get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "这个地址里有一个看不见的控制字符（NUL）" in page
    assert "This address contains an invisible control character (NUL)" in page


def test_another_bad_request_gets_the_same_bilingual_page(client, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    response = client.get("/", HTTP_HOST="elsewhere.example")
    assert response.status_code == 400
    page = response.content.decode()
    assert "无法处理的请求" in page and "Bad request" in page
    assert "NUL" not in page


def database_down(monkeypatch):
    """Every query fails from now on, as when PostgreSQL is stopped."""
    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", boom)
    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.executemany", boom)


NOTE_FORM = {
    "title_zh": "思维链",
    "title_en": "Chain of thought",
    "body_zh": "# 笔记\n\n思维链提示可以提升推理能力。",
    "body_en": "# Notes\n\nSteps <b>help</b> & reasoning.",
    "visibility": "private",
    "group": "7",
    "revision": "3",
    "tags": "prompting",
}


@pytest.mark.parametrize("where", ["before the view", "in the view"])
def test_a_save_while_the_database_is_down_gives_the_text_back(client, member, monkeypatch, where):
    client.force_login(member)
    client.raise_request_exception = False
    client.get(reverse("notes:note_create"))  # the CSRF cookie
    token = client.cookies["csrftoken"].value
    if where == "before the view":
        database_down(monkeypatch)
    else:
        monkeypatch.setattr("notes.forms.NoteForm.is_valid", boom)
    client.handler.enforce_csrf_checks = True
    response = client.post(
        reverse("notes:note_create"), {**NOTE_FORM, "csrfmiddlewaretoken": token}
    )
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Your changes were not saved" in page
    assert '<form method="post" action="/notes/new/" class="unsaved-form">' in page
    # The texts to see and edit, escaped; choices, ids and the bookkeeping travel hidden.
    # Grouped by language: the Chinese title under the heading 中文, then its body.
    assert '<label for="unsaved-1">中文</label>' in page
    assert (
        '<textarea id="unsaved-2" name="body_zh" rows="4" lang="zh-Hans" aria-label="中文">' in page
    )
    assert '<label for="unsaved-3">English</label>' in page
    assert "Steps &lt;b&gt;help&lt;/b&gt; &amp; reasoning.</textarea>" in page
    assert 'name="title_en" value="Chain of thought" lang="en">' in page
    for name, value in [("visibility", "private"), ("group", "7"), ("revision", "3")]:
        assert f'<input type="hidden" name="{name}" value="{value}">' in page
    assert f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">' in page
    assert "Traceback" not in page


def test_the_text_sent_again_saves_once_the_database_is_back(client, member, monkeypatch):
    """ "Save again" posts exactly what the member sent: the note is saved."""
    client.force_login(member)
    client.raise_request_exception = False
    with monkeypatch.context() as patch:
        database_down(patch)
        page = client.post(reverse("notes:note_create"), NOTE_FORM).content.decode()
    inputs = r'<input type="(?:hidden|text)"[^>]* name="(\w+)" value="([^"]*)"'
    fields = dict(re.findall(inputs, page))
    fields.update(re.findall(r'<textarea [^>]*name="(\w+)"[^>]*>([^<]*)</textarea>', page))
    fields = {name: html.unescape(value) for name, value in fields.items()}
    fields.pop("group")  # a group the member may choose
    response = client.post(reverse("notes:note_create"), fields)
    note = Note.objects.get(author=member)
    assert response.status_code == 302
    assert (note.title_zh, note.body_en) == (NOTE_FORM["title_zh"], NOTE_FORM["body_en"])


def test_a_login_while_the_database_is_down_never_echoes_the_password(client, monkeypatch):
    client.raise_request_exception = False
    database_down(monkeypatch)
    response = client.post(
        reverse("login"), {"username": "li lei", "password": "secret words 42", "next": "/"}
    )
    page = response.content.decode()
    assert response.status_code == 503
    assert "secret words 42" not in page
    assert "Reload the page in a little while" in page


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/admin/", "/admin/notes/note/"])
def test_every_page_answers_503_while_the_database_is_down(staff_client, monkeypatch, url):
    staff_client.raise_request_exception = False
    database_down(monkeypatch)
    response = staff_client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Temporarily unavailable" in response.content.decode()
