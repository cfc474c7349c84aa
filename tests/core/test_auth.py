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


# --- The client address (core.auth.client_address) ------------------------------------


def _address(rf, remote="10.0.0.9", forwarded=None):
    from core.auth import client_address

    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(rf.get("/", **meta))


def test_reached_directly_the_client_is_remote_addr_whatever_it_forwards(rf, settings):
    settings.PROXY_COUNT = 0
    assert _address(rf, forwarded="203.0.113.7") == "10.0.0.9"


@pytest.mark.parametrize(
    ("count", "forwarded", "client"),
    [
        (1, "203.0.113.7", "203.0.113.7"),  # README's proxy: one address, overwritten
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # what a client sent is not taken
        (2, "203.0.113.7, 192.0.2.5", "203.0.113.7"),  # two proxies, the outer one first
        (1, " 2001:db8::1 ", "2001:db8::1"),
        (2, "203.0.113.7", "10.0.0.9"),  # fewer addresses than proxies: none trusted
        (1, "", "10.0.0.9"),
        (1, "unknown", "10.0.0.9"),
        (1, None, "10.0.0.9"),
    ],
)
def test_behind_proxies_the_client_is_the_one_the_nearest_proxy_was_reached_from(
    rf, settings, count, forwarded, client
):
    settings.PROXY_COUNT = count
    assert _address(rf, forwarded=forwarded) == client


def test_behind_a_proxy_one_client_locked_out_leaves_another_free(client, member, settings):
    """Every request comes from the proxy's address; the lockout counts the clients."""
    settings.PROXY_COUNT = 1
    url = reverse("login")
    wrong = {"username": member.username, "password": "wrong"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            url, wrong, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7"
        )
    assert response.status_code == 429
    good = {"username": member.username, "password": "correct horse battery staple"}
    response = client.post(url, good, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert response.status_code == 302
