"""Limits on "Forgot your password?" (core/passwordreset.py): so many links per address
typed, known or not, and so many requests per client, in each window."""

import re
import time
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.cache import caches
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from core import limits as counters

# Counted in one fixed window, whenever the test runs.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_window")]
ADDRESS_LIMITED = "Links for this address have already been asked for several times"
CLIENT_LIMITED = "Many links have been asked for from your connection"


@pytest.fixture
def limits(settings):
    settings.PASSWORD_RESET_PER_ADDRESS = 3
    settings.PASSWORD_RESET_PER_IP = 10
    settings.PASSWORD_RESET_WINDOW = 3600
    return settings


@pytest.fixture
def alice(member):
    member.email = "alice@example.org"
    member.save()
    return member


def ask(client, address, **extra):
    return client.post(reverse("password_reset"), {"email": address}, **extra)


def test_the_fourth_link_for_an_address_is_not_sent(client, alice, limits):
    for _ in range(3):
        assertRedirects(ask(client, "alice@example.org"), reverse("password_reset_done"))
    assert len(mail.outbox) == 3
    refused = ask(client, "  Alice@Example.ORG ")  # the same address, typed otherwise
    assert refused.status_code == 200
    assertContains(refused, ADDRESS_LIMITED)
    assertContains(refused, 'role="alert"')
    assertContains(refused, 'value="  Alice@Example.ORG "')  # what was typed stays
    assert len(mail.outbox) == 3
    # Other addresses are counted on their own.
    alice.email = "alice.two@example.org"
    alice.save()
    assertRedirects(ask(client, "alice.two@example.org"), reverse("password_reset_done"))
    assert len(mail.outbox) == 4


def _page(response, address):
    """The page with what differs from one answer to the next taken out: the address
    typed and the CSRF token."""
    page = response.content.decode().replace(address, "ADDRESS")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_a_known_and_an_unknown_address_are_refused_alike(client, alice, limits):
    for address in ["alice@example.org", "nobody@example.org"]:
        for _ in range(3):
            assertRedirects(ask(client, address), reverse("password_reset_done"))
    known, unknown = ask(client, "alice@example.org"), ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assertContains(unknown, ADDRESS_LIMITED)
    assert _page(known, "alice@example.org") == _page(unknown, "nobody@example.org")
    assert len(mail.outbox) == 3


def test_too_many_requests_from_one_client_get_429(client, alice, limits):
    limits.PASSWORD_RESET_PER_IP = 2
    assertRedirects(ask(client, "one@example.org"), reverse("password_reset_done"))
    assertRedirects(ask(client, "two@example.org"), reverse("password_reset_done"))
    refused = ask(client, "alice@example.org", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assertContains(refused, "发送链接", status_code=429)  # the form, in the member's language
    assertContains(refused, 'value="alice@example.org"', status_code=429)
    assert mail.outbox == []
    english = ask(client, "alice@example.org")
    assertContains(english, CLIENT_LIMITED, status_code=429)
    # Another client is counted on its own.
    elsewhere = ask(client, "alice@example.org", REMOTE_ADDR="198.51.100.7")
    assertRedirects(elsewhere, reverse("password_reset_done"))
    assert len(mail.outbox) == 1


def test_a_new_window_counts_afresh(client, alice, limits, monkeypatch):
    limits.PASSWORD_RESET_WINDOW = 600
    start = (time.time() // 600 + 1) * 600  # the start of a window
    clock = {"now": start + 10}
    monkeypatch.setattr(counters, "time", SimpleNamespace(time=lambda: clock["now"]))
    for _ in range(3):
        ask(client, "alice@example.org")
    clock["now"] = start + 599  # the same window
    refused = ask(client, "alice@example.org")
    assertContains(refused, ADDRESS_LIMITED)
    assertContains(refused, "You can ask again in 1 minute.")
    clock["now"] = start + 600  # the next one
    assertRedirects(ask(client, "alice@example.org"), reverse("password_reset_done"))
    assert len(mail.outbox) == 4


def test_counts_outlive_the_file_caches_default_timeout(client, alice, limits, tmp_path):
    """Django's file cache writes a raised counter back with its default timeout; the
    counter must last its whole window all the same."""
    limits.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
            "TIMEOUT": 1,  # seconds, a whole number
        }
    }
    for _ in range(3):
        ask(client, "alice@example.org")
    time.sleep(1.1)
    assertContains(ask(client, "alice@example.org"), ADDRESS_LIMITED)
    assert len(mail.outbox) == 3


def test_workers_count_together_through_redis(client, alice, limits, redis_server):
    limits.CACHES = {
        "default": {
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "reset-test",
        }
    }
    caches["default"].clear()
    first = [ask(client, "alice@example.org").status_code for _ in range(2)]
    # A second worker: a cache connection of its own to the same server.
    del caches["default"]
    later = [ask(client, "alice@example.org").status_code for _ in range(2)]
    assert first + later == [302, 302, 302, 200]
    assert len(mail.outbox) == 3
    caches["default"].clear()
