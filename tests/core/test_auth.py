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


@pytest.mark.parametrize("page", ["password_change", "admin:password_change", "settings"])
def test_a_logged_in_members_password_checks_count_toward_the_lockout(client, member, page):
    """The current password asked before a new password or e-mail address was checked
    without the lockout: anyone at a laptop left logged in could guess without end, then
    move the account's address and take it over through a reset."""
    member.email = "alice@example.org"
    member.is_staff = page.startswith("admin:")  # an organiser, in the admin
    member.save()
    client.force_login(member)
    if page != "settings":
        url, field = reverse(page), "old_password"
        data = {
            "new_password1": "a new long passphrase 9",
            "new_password2": "a new long passphrase 9",
        }
    else:
        url, field = reverse("notes:member_settings"), "current_password"
        data = {"email": "mallory@example.org", "reminders": "on", "email_language": "en"}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = client.post(url, {**data, field: "wrong"})
        assert wrong.status_code == 200 and field in wrong.context["form"].errors
    locked = client.post(url, {**data, field: "wrong"})
    assertTemplateUsed(locked, "registration/lockout.html")
    assert locked.status_code == 429
    right = client.post(url, {**data, field: "correct horse battery staple"})
    assert right.status_code == 429  # even the right password, until the cool-off
    member.refresh_from_db()
    assert member.email == "alice@example.org"
    assert member.check_password("correct horse battery staple")
    # The login form is locked for them too.
    login = {"username": member.username, "password": "correct horse battery staple"}
    client.logout()
    assert client.post(reverse("login"), login).status_code == 429


def test_the_settings_page_names_no_address_of_another_account_without_the_password(client, member):
    """It said "Another account already uses this e-mail address." to anyone at a
    logged-in laptop, for any address typed, without a password."""
    from tests.factories import UserFactory

    UserFactory(email="bob@example.org")
    client.force_login(member)
    url = reverse("notes:member_settings")
    data = {"email": "BOB@example.org", "reminders": "on", "email_language": "en"}
    page = client.post(url, {**data, "current_password": ""})
    assert "email" not in page.context["form"].errors
    assert "current_password" in page.context["form"].errors
    right = client.post(url, {**data, "current_password": "correct horse battery staple"})
    assert right.context["form"].errors["email"] == [
        "Another account already uses this e-mail address."
    ]


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
