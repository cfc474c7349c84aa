"""The settings (config/settings.py): a login for every page but the login page and static
files; in production, check --deploy, the security headers and password validation."""

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from tests.factories import (
    DatasetFactory,
    LanguageModelFactory,
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    PaperFactory,
)

pytestmark = pytest.mark.django_db

# --- A login for every page (LoginRequiredMiddleware, LOGIN_URL, LOGIN_REDIRECT_URL) ---


@pytest.fixture
def pages(member):
    meeting = MeetingFactory()
    MembershipFactory(group=meeting.group, user=member)
    paper = PaperFactory()
    note = NoteFactory(author=member, paper=paper)
    return [
        "/",
        reverse("reading:paper_list"),
        paper.get_absolute_url(),
        reverse("papers:model_list"),
        reverse("papers:model_family"),
        reverse("papers:model_timeline"),
        LanguageModelFactory().get_absolute_url(),
        reverse("papers:dataset_list"),
        reverse("papers:taxonomy"),
        DatasetFactory().get_absolute_url(),
        meeting.group.get_absolute_url(),
        meeting.get_absolute_url(),
        note.get_absolute_url(),
        reverse("notes:my_notes"),
        reverse("notes:note_create"),
        reverse("notes:glossary"),
        reverse("notes:readinglist_list"),
    ]


def test_every_page_requires_login(client, pages):
    for url in pages:
        response = client.get(url)
        assertRedirects(response, f"{reverse('login')}?next={url}", fetch_redirect_response=False)


def test_every_page_answers_a_member(member_client, pages):
    for url in pages:
        response = member_client.get(url)
        assertContains(response, '<main id="main"', msg_prefix=url)
        assert re.search(r"<title>[^<]+ · LLM Reading Group</title>", response.text), url


def test_login_page_is_public(client):
    response = client.get(reverse("login"))
    assertContains(response, 'name="password"')


def test_admin_requires_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert reverse("login") in response["Location"] or "/admin/login/" in response["Location"]


def test_login_then_home(client, member):
    response = client.post(
        reverse("login"),
        {"username": member.username, "password": "correct horse battery staple"},
    )
    assertRedirects(response, reverse("reading:home"))


def test_logout_is_post_only(member_client):
    assert member_client.get(reverse("logout")).status_code == 405
    assertRedirects(member_client.post(reverse("logout")), reverse("login"))


@pytest.mark.parametrize(
    ("language", "said"), [("en", "You are logged out."), ("zh-hans", "你已退出登录。")]
)
def test_the_login_page_says_the_member_logged_out(member_client, language, said):
    response = member_client.post(reverse("logout"), follow=True, HTTP_ACCEPT_LANGUAGE=language)
    assert response.redirect_chain == [(reverse("login"), 302)]
    assertContains(response, f'<li class="message info">{said}</li>', html=True)
    assert "_auth_user_id" not in member_client.session
    page = member_client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=language)
    assertNotContains(page, said)  # said once


def test_static_files_need_no_login(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert b".site-header" in b"".join(response.streaming_content)


# --- Production ----------------------------------------------------------------------

PRODUCTION_ENV = {
    "DJANGO_HTTPS": "1",
    "DJANGO_BEHIND_PROXY": "1",
    "DJANGO_ALLOWED_HOSTS": "reading.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://reading.example.org",
}


def manage(*args, **env):
    # The browser tests' conftest allows async-unsafe calls in this process only.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_the_documented_environment():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert (result.returncode, result.stdout.strip()) == (
        0,
        "System check identified no issues (0 silenced).",
    ), result.stderr


def test_every_response_carries_the_security_headers(member_client):
    response = member_client.get("/")
    csp = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_template_has_inline_script_or_style():
    offenders = []
    for path in (settings.BASE_DIR / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if "<script>" in text or " style=" in text or " onclick=" in text or "<style" in text:
            offenders.append(str(path.relative_to(settings.BASE_DIR)))
    assert offenders == []


def test_password_validators_refuse_a_weak_password(client, member):
    client.force_login(member)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct horse battery staple",
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )
    assert "new_password2" in response.context["form"].errors
