"""Sync: the change log behind ?since=, and the conditional answers of every GET."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import http_date

from api.models import Change, LibraryVersion
from notes.models import Note
from tests.factories import NoteFactory, OrganizationFactory, PaperFactory

pytestmark = pytest.mark.django_db


def test_saves_and_deletes_move_the_version_on(world):
    start = LibraryVersion.current()
    paper = PaperFactory()
    after_save = LibraryVersion.current()
    paper.tags.add("agents")
    after_tag = LibraryVersion.current()
    pk = paper.pk
    paper.delete()
    assert start < after_save < after_tag < LibraryVersion.current()
    change = Change.objects.get(kind="papers", object_id=pk)
    assert (change.deleted, change.key) == (True, paper.slug)


def test_since_lists_what_changed_and_what_was_deleted(api_as, world):
    caller = api_as(world.member)
    kept, dropped = PaperFactory(), PaperFactory()
    version = caller.get("/papers").json()["version"]
    assert caller.get(f"/sync?since={version}").json() == {
        "version": version,
        "since": version,
        "changed": {},
        "deleted": {},
    }
    kept.title_en = "Renamed"
    kept.save()
    dropped.delete()
    world.public.body_en = "changed"
    world.public.save()
    answer = caller.get(f"/sync?since={version}").json()
    assert answer["version"] > version
    assert answer["changed"] == {"papers": [kept.slug], "notes": [world.public.slug]}
    assert answer["deleted"] == {"papers": [dropped.slug]}
    papers = caller.get(f"/papers?since={version}").json()
    assert [p["title_en"] for p in papers["items"]] == ["Renamed"]
    again = caller.get(f"/sync?since={answer['version']}").json()
    assert (again["changed"], again["deleted"]) == ({}, {})


def test_since_hides_what_the_caller_may_not_read(api_as, world):
    version = LibraryVersion.current()
    world.private.body_en = "secret edit"
    world.private.save()
    NoteFactory(author=world.other, group=world.group_b, visibility=Note.Visibility.GROUP)
    answer = api_as(world.other).get(f"/sync?since={version}").json()
    assert world.private.slug not in answer["changed"].get("notes", [])
    assert world.private.slug in answer["deleted"]["notes"]
    own = api_as(world.member).get(f"/sync?since={version}").json()
    assert world.private.slug in own["changed"]["notes"]


def test_a_note_that_becomes_private_counts_as_deleted_for_others(api_as, world):
    version = LibraryVersion.current()
    world.public.visibility = Note.Visibility.PRIVATE
    world.public.save()
    answer = api_as(world.other).get(f"/sync?since={version}").json()
    assert answer["deleted"] == {"notes": [world.public.slug]}


def test_membership_changes_are_changes_of_the_group(api_as, world):
    from tests.factories import MembershipFactory

    version = LibraryVersion.current()
    MembershipFactory(group=world.group_a)
    answer = api_as(world.member).get(f"/sync?since={version}").json()
    assert answer["changed"]["groups"] == [world.group_a.slug]


def test_every_get_has_etag_and_last_modified_and_a_conditional_get_is_304(api_as, world):
    caller = api_as(world.member)
    PaperFactory()
    first = caller.get("/papers")
    assert first.status_code == 200
    assert first["ETag"] and first["Library-Version"]
    assert "Authorization" in first["Vary"]
    again = caller.get("/papers", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    # A change this very second might be followed by another in the same second: the
    # date is given, and trusted, once the last change has settled.
    assert not first.has_header("Last-Modified")
    fresh = http_date(int(Change.objects.order_by("-version").first().at.timestamp()))
    assert caller.get("/papers", HTTP_IF_MODIFIED_SINCE=fresh).status_code == 200
    Change.objects.update(at=timezone.now() - timedelta(minutes=5))
    settled = caller.get("/papers")
    since = caller.get("/papers", HTTP_IF_MODIFIED_SINCE=settled["Last-Modified"])
    assert since.status_code == 304
    OrganizationFactory()  # any change to the library
    changed = caller.get("/papers", HTTP_IF_MODIFIED_SINCE=settled["Last-Modified"])
    assert changed.status_code == 200
    note = caller.get(f"/notes/{world.public.slug}")
    assert (
        caller.get(f"/notes/{world.public.slug}", HTTP_IF_NONE_MATCH=note["ETag"]).status_code
        == 304
    )


def test_etag_differs_per_caller_where_the_answer_does(api_as, world):
    mine = api_as(world.member).get("/notes")
    theirs = api_as(world.other).get("/notes")
    assert mine["ETag"] != theirs["ETag"]
    assert api_as(world.other).get("/notes", HTTP_IF_NONE_MATCH=mine["ETag"]).status_code == 200


def test_a_later_change_to_a_record_moves_last_modified_on(api_as, world):
    """A record changed again kept the time of its first change in the log, so the
    library's Last-Modified went back in time and a client's If-Modified-Since of a
    later date was answered 304 over the change."""
    caller = api_as(world.member)
    first, second = OrganizationFactory(), OrganizationFactory()
    for organization, minutes in ((first, 10), (second, 5)):
        Change.objects.filter(object_id=organization.pk, kind="organizations").update(
            at=timezone.now() - timedelta(minutes=minutes)
        )
    Change.objects.exclude(kind="organizations").update(at=timezone.now() - timedelta(hours=1))
    held = caller.get("/organizations")["Last-Modified"]
    first.name = "Renamed"
    first.save()
    again = caller.get("/organizations", HTTP_IF_MODIFIED_SINCE=held)
    assert again.status_code == 200
    assert "Renamed" in again.content.decode()
    change = Change.objects.get(kind="organizations", object_id=first.pk)
    assert timezone.now() - change.at < timedelta(minutes=1)


def test_a_change_is_recorded_in_two_statements(world, django_assert_num_queries):
    """The counter's UPDATE … RETURNING and the record's row, written in one upsert
    (inside the caller's transaction, no savepoint of its own)."""
    from api.sync import record

    paper = PaperFactory()
    with django_assert_num_queries(2):
        record(paper)
    assert Change.objects.get(kind="papers", object_id=paper.pk).version == (
        LibraryVersion.current()
    )


@pytest.mark.parametrize("returning", [True, False], ids=["returning", "update-then-read"])
def test_the_counter_moves_on_with_or_without_returning(world, monkeypatch, returning):
    """UPDATE … RETURNING where the database has it (PostgreSQL, SQLite from 3.35), else
    the update and a read; the row is made again where a flushed database lost it."""
    from django.db import connection

    if not returning and connection.vendor != "sqlite":
        pytest.skip("every PostgreSQL returns what it updated; an old SQLite may not")
    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", returning)
    start = LibraryVersion.current()
    assert LibraryVersion.next() == start + 1 == LibraryVersion.current()
    LibraryVersion.objects.all().delete()
    assert LibraryVersion.next() == 1 == LibraryVersion.current()
