"""One masked CSRF token per request (core.csrf): Django's middleware takes it as its
own, every form of a response carries the same one, every response a new one, and a
login's new secret gets a new token."""

import re
from collections import Counter

import pytest
from django.conf import settings
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    _unmask_cipher_token,
    rotate_token,
)
from django.test import Client, RequestFactory
from django.urls import reverse

from core.csrf import mask, token
from notes.models import ReadingStatus
from tests.factories import PaperFactory, UserFactory

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECRET = "a" * 16 + "Z9" * 8


def test_a_masked_secret_is_unmasked_by_django():
    for _ in range(200):
        masked = mask(SECRET)
        assert len(masked) == 2 * CSRF_SECRET_LENGTH
        assert set(masked) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(masked) == SECRET


def test_masks_differ_and_use_every_character():
    masks = [mask(SECRET)[:CSRF_SECRET_LENGTH] for _ in range(300)]
    assert len(set(masks)) == len(masks)
    seen = Counter("".join(masks))
    # 9 600 characters drawn from 62: each one some 155 times, none missing.
    assert set(seen) == set(CSRF_ALLOWED_CHARS)
    assert min(seen.values()) > 80


def test_one_token_per_request_a_new_one_for_a_new_secret():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = SECRET
    first = token(request)
    assert token(request) == first
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"]  # the cookie is sent again, as Django does
    rotate_token(request)  # as a login does
    rotated = token(request)
    assert rotated != first
    assert _unmask_cipher_token(rotated) == request.META["CSRF_COOKIE"] != SECRET
    other = RequestFactory().get("/")
    other.META["CSRF_COOKIE"] = SECRET
    assert token(other) != first  # every response a mask of its own
    assert _unmask_cipher_token(token(other)) == SECRET


def test_a_first_visit_gets_a_secret_and_its_cookie():
    request = RequestFactory().get("/")
    masked = token(request)
    assert _unmask_cipher_token(masked) == request.META["CSRF_COOKIE"]
    assert token(request) == masked


@pytest.mark.django_db
def test_every_form_of_a_page_carries_the_same_token_and_it_is_accepted():
    """The paper list's forms (the header's log-out, each row's reading status) share one
    token; posted back with the CSRF checks on, it is taken; a page later, another."""
    user = UserFactory()
    paper = PaperFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    url = reverse("reading:paper_list")
    page = browser.get(url)
    tokens = TOKEN.findall(page.content.decode())
    assert len(tokens) >= 2 and len(set(tokens)) == 1
    assert _unmask_cipher_token(tokens[0]) == browser.cookies[settings.CSRF_COOKIE_NAME].value
    answer = browser.post(
        reverse("notes:status_set", args=[paper.pk]),
        {"status": ReadingStatus.Status.READ, "next": url, "csrfmiddlewaretoken": tokens[0]},
    )
    assert answer.status_code == 302
    assert ReadingStatus.objects.get(user=user, paper=paper).status == ReadingStatus.Status.READ
    again = TOKEN.findall(browser.get(url).content.decode())
    assert again[0] != tokens[0]
    assert _unmask_cipher_token(again[0]) == _unmask_cipher_token(tokens[0])


@pytest.mark.django_db
def test_a_forged_token_is_refused():
    user = UserFactory()
    paper = PaperFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get(reverse("reading:paper_list"))
    answer = browser.post(
        reverse("notes:status_set", args=[paper.pk]),
        {"status": ReadingStatus.Status.READ, "csrfmiddlewaretoken": mask("b" * 32)},
    )
    assert answer.status_code == 403
    assert not ReadingStatus.objects.filter(user=user, paper=paper).exists()


def test_every_call_asks_for_the_cookie_again():
    """As Django's get_token(): the flag may be answered (the admin's views send their
    response's cookie before the page is done) and a later form asks again."""
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = SECRET
    first = token(request)
    del request.META["CSRF_COOKIE_NEEDS_UPDATE"]
    assert token(request) == first
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"]


def test_random_bytes_that_would_favour_some_characters_are_left_out(monkeypatch):
    """Bytes from 248 up (248 = 4 × 62) would make the first eight characters likelier:
    they are dropped, and the mask is made of the bytes below."""
    reads = iter([bytes([248, 255, 250] * 13 + [249]), bytes(range(40)), bytes(range(40))])
    monkeypatch.setattr("core.csrf.secrets.token_bytes", lambda n: next(reads))
    masked = mask(SECRET)
    assert masked[:CSRF_SECRET_LENGTH] == CSRF_ALLOWED_CHARS[:CSRF_SECRET_LENGTH]
    assert _unmask_cipher_token(masked) == SECRET
