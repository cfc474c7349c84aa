"""The login lockout (django-axes through core/auth.py's LockoutBackend)."""

import pytest
from django.conf import settings
from django.urls import reverse
from pytest_django.asserts import assertContains, assertTemplateUsed

pytestmark = pytest.mark.django_db


def test_repeated_failed_logins_lock_the_account_out(client, member):
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": member.username, "password": "wrong"})
        assertContains(response, "Please try again.")
    response = client.post(url, {"username": member.username, "password": "wrong"})
    assert response.status_code == 429
    assertTemplateUsed(response, "registration/lockout.html")
    assertContains(response, "15 分钟后可以再试", status_code=429)
    assertContains(response, "try again in 15 minutes.", status_code=429)
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
    assertContains(client.get("/"), f'title="{member.username}">Log out</button>')
