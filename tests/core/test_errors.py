"""Error pages in the site's design, and the 503 page when the database is lost before
any view runs (core/errors.py; 403 and 404 use Django's views with the site's templates)."""

import pytest
from django.db import OperationalError
from django.urls import reverse
from pytest_django.asserts import assertContains, assertTemplateUsed

from notes.models import Note
from tests.factories import NoteFactory

pytestmark = pytest.mark.django_db


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


def test_opening_an_address_that_takes_a_buttons_post_gives_the_405_page(member_client, member):
    """A bookmarked or pasted delete link: require_POST's empty answer left the browser's
    own "HTTP ERROR 405" page (a browser walk). The site's page says what the address is
    for, in both languages under the site's header; the note is untouched."""
    note = NoteFactory(author=member)
    member_client.cookies["django_language"] = "zh-hans"
    address = reverse("notes:note_delete", args=[note.slug])
    response = member_client.get(address, HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert response.status_code == 405
    assert response["Allow"] == "POST" and "Accept" in response["Vary"]
    assertTemplateUsed(response, "405.html")
    page = response.content.decode()
    assert 'class="site-header"' in page and "<title>不是用来打开的页面" in page
    assert "这个地址不是用来打开的" in page and "Not a page to open" in page
    assert Note.objects.filter(pk=note.pk).exists()
    # A program (no HTML asked for) gets the bare answer.
    bare = member_client.get(address, HTTP_ACCEPT="application/json")
    assert (bare.status_code, bare.content) == (405, b"")


def test_500_page_needs_no_database(rf, django_assert_num_queries):
    from core.errors import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def boom(*args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def test_database_down_before_any_view_gives_the_503_page(member_client, monkeypatch):
    monkeypatch.setattr("django.contrib.sessions.backends.cached_db.SessionStore.load", boom)
    member_client.raise_request_exception = False
    response = member_client.get("/")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()
