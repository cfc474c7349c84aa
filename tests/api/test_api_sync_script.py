"""scripts/api_sync.py, the API's example client, against the API in the test client (an
httpx transport that hands each request to Django: no server)."""

import httpx
import pytest
from django.core.cache import cache

from notes.models import Note
from tests.conftest import _scripts_module
from tests.factories import NoteFactory, PaperFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_sync():
    return _scripts_module("api_sync")


def connect(client, headers, before=None):
    """An httpx client whose requests the Django test client answers; ``before(request)``
    runs before each is answered."""

    def answer(request):
        if before is not None:
            before(request)
        response = client.generic(
            request.method,
            request.url.raw_path.decode(),
            request.content,
            content_type=request.headers.get("Content-Type", ""),
            **headers,
        )
        return httpx.Response(
            response.status_code, headers=dict(response.items()), content=response.content
        )

    return httpx.Client(base_url="http://testserver/api/v1", transport=httpx.MockTransport(answer))


def test_a_record_deleted_while_a_list_is_read_costs_no_other(
    api_sync, client, token_for, world, monkeypatch
):
    """Page 2 was read after a note of page 1 was deleted: the first note of page 2 had
    moved up to page 1, and was never read (it had not changed: no later sync named it)."""
    monkeypatch.setattr(api_sync, "PAGE_SIZE", 2)
    notes = [NoteFactory(author=world.member, visibility="private") for _ in range(3)]
    pages = []

    def delete_after_the_first_page(request):
        pages.append(request.url.params.get("page"))
        if len(pages) == 2:
            Note.objects.filter(pk=notes[-1].pk).delete()  # the newest: on page 1

    caller = connect(client, token_for(world.member), before=delete_after_the_first_page)
    records, _version = api_sync.fetch_all(caller, "/notes")
    readable = set(Note.objects.visible_to(world.member).values_list("slug", flat=True))
    assert readable <= {record["slug"] for record in records}


def test_a_list_read_while_only_other_kinds_change_is_read_once(
    api_sync, client, token_for, world, monkeypatch
):
    monkeypatch.setattr(api_sync, "PAGE_SIZE", 2)
    for _ in range(3):
        NoteFactory(author=world.member, visibility="private")
    pages = []

    def add_a_paper_after_the_first_page(request):
        pages.append(request.url.path)
        if len(pages) == 2:
            PaperFactory()

    caller = connect(client, token_for(world.member), before=add_a_paper_after_the_first_page)
    records, _version = api_sync.fetch_all(caller, "/notes")
    assert len(records) == Note.objects.visible_to(world.member).count()
    assert pages.count("/api/v1/notes") == 3  # pages 1, 2 and 3, once each


def test_over_the_rate_limit_the_client_waits_as_told(
    api_sync, client, token_for, world, monkeypatch, settings, one_window
):
    """A 429 ended the sync (its state unwritten): a first sync of a large library asks
    for more pages than a minute allows."""
    settings.API_RATE_LIMIT = "2/min"
    waited = []

    def wait(seconds):
        waited.append(seconds)
        cache.clear()  # the window over

    monkeypatch.setattr(api_sync.time, "sleep", wait)
    caller = connect(client, token_for(world.member))
    state = {}
    changed, _deleted = api_sync.sync(caller, state)
    assert waited and all(1 <= seconds <= 60 for seconds in waited)
    assert changed["notes"] == Note.objects.visible_to(world.member).count()


def test_a_version_the_library_does_not_know_starts_the_copy_again(
    api_sync, client, token_for, world
):
    """410 (a library restored from a backup made before the version kept) ended the
    sync with the error, and every later run too, until the copy was removed by hand."""
    caller = connect(client, token_for(world.member))
    state = {"version": 10**6, "records": {"notes": {"gone": {"slug": "gone"}}}}
    api_sync.sync(caller, state)
    assert "gone" not in state["records"]["notes"]
    assert set(state["records"]["notes"]) == set(
        Note.objects.visible_to(world.member).values_list("slug", flat=True)
    )
    assert 0 < state["version"] < 10**6
