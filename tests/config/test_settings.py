"""Production settings, error pages, the login lockout and the database-down page."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import OperationalError
from django.urls import reverse
from pytest_django.asserts import assertContains, assertTemplateUsed

pytestmark = pytest.mark.django_db

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


def test_404_page_is_in_the_site_design(member_client):
    response = member_client.get("/no-such-page/")
    assert response.status_code == 404
    assertTemplateUsed(response, "404.html")
    assertContains(response, "Page not found", status_code=404)
    assertContains(response, 'class="site-header"', status_code=404)


def test_403_page_is_in_the_site_design(client, world):
    client.force_login(world.member)
    response = client.get(reverse("notes:meeting_edit", args=[world.group_a.slug, 1]))
    assertTemplateUsed(response, "403.html")
    assertContains(response, "Not allowed", status_code=403)


def test_500_page_needs_no_database(rf, django_assert_num_queries):
    from core.errors import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def boom(*args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def test_database_down_in_a_view_gives_the_503_page(member_client, monkeypatch):
    monkeypatch.setattr("reading.views.PaperListView.get_queryset", boom)
    response = member_client.get(reverse("reading:paper_list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Temporarily unavailable" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_database_down_before_any_view_gives_the_503_page(member_client, monkeypatch):
    monkeypatch.setattr("django.contrib.sessions.backends.cached_db.SessionStore.load", boom)
    member_client.raise_request_exception = False
    response = member_client.get("/")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()


def test_repeated_failed_logins_lock_the_account_out(client, member):
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": member.username, "password": "wrong"})
        assertContains(response, "Please try again.")
    response = client.post(url, {"username": member.username, "password": "wrong"})
    assert response.status_code == 429
    assertTemplateUsed(response, "registration/lockout.html")
    response = client.post(
        url, {"username": member.username, "password": "correct horse battery staple"}
    )
    assert response.status_code == 429  # even the right password, until the cool-off
    assert "_auth_user_id" not in client.session


def test_a_successful_login_resets_the_failure_count(client, member):
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(url, {"username": member.username, "password": "wrong"})
    good = {"username": member.username, "password": "correct horse battery staple"}
    assert client.post(url, good).status_code == 302
    client.post(reverse("logout"))
    assert client.post(url, {"username": member.username, "password": "wrong"}).status_code == 200


def test_test_client_login_still_works(client, member):
    assert client.login(username=member.username, password="correct horse battery staple")
    assert client.get("/").status_code == 200


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
