"""Sync: the change log behind ?since=, and the conditional answers of every GET."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import http_date

from api import sync
from api.models import Change, Departure, LibraryVersion
from notes.models import Membership, Note
from tests.factories import (
    CommentFactory,
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    NoteFactory,
    OrganizationFactory,
    PaperFactory,
    ReadingStatusFactory,
)

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


def test_a_version_past_the_librarys_is_refused_not_answered_with_nothing(api_as, world):
    """After a restore from an older backup the library's version is below the one a
    client holds: answered "nothing changed", it missed every change up to its version."""
    caller = api_as(world.member)
    version = LibraryVersion.current()
    for path in (f"/sync?since={version + 5}", f"/papers?since={version + 5}"):
        answer = caller.get(path)
        assert answer.status_code == 410
        assert answer.json()["detail"] == (
            f"Version {version + 5} is not one of this library's: it was restored from a "
            f"backup. Fetch everything again, then sync from {version}."
        )
    assert caller.get(f"/sync?since={version}").status_code == 200


def test_since_hides_what_the_caller_may_not_read(api_as, world):
    version = LibraryVersion.current()
    world.private.body_en = "secret edit"
    world.private.save()
    NoteFactory(author=world.other, group=world.group_b, visibility=Note.Visibility.GROUP)
    answer = api_as(world.other).get(f"/sync?since={version}").json()
    assert world.private.slug not in answer["changed"]["notes"]
    assert "notes" not in answer["deleted"]  # they never could read it: not named at all
    own = api_as(world.member).get(f"/sync?since={version}").json()
    assert world.private.slug in own["changed"]["notes"]


def _keys(answer):
    """Every key a sync answer names, changed or deleted, as (kind, key)."""
    return {
        (kind, key)
        for part in ("changed", "deleted")
        for kind, keys in answer[part].items()
        for key in keys
    }


def test_sync_never_names_what_the_caller_never_could_read(api_as, world):
    """A member of group B got, from since=0, group A's slug, its meetings' ids and the
    slugs of other members' private notes (a slug carries the title) as "deleted",
    though /groups/<A> answers them 404 as if it did not exist."""
    series = MeetingSeriesFactory(group=world.group_a)
    comment = CommentFactory(note=world.shared, paper=None, group=world.group_a)
    status = ReadingStatusFactory(user=world.member)
    world.private.body_en = "secret edit"
    world.private.save()
    group_a = {
        ("groups", world.group_a.slug),
        ("meetings", str(world.meeting.pk)),
        ("series", str(series.pk)),
        ("notes", world.private.slug),
        ("notes", world.shared.slug),
        ("comments", str(comment.pk)),
        ("reading-status", str(status.pk)),
    }
    for since in (0, 1):
        answer = api_as(world.other).get(f"/sync?since={since}").json()
        assert not _keys(answer) & group_a
        assert ("groups", world.group_b.slug) in _keys(answer)
        assert ("notes", world.public.slug) in _keys(answer)  # everyone reads it
        mate = api_as(world.presenter).get(f"/sync?since={since}").json()
        assert ("notes", world.private.slug) not in _keys(mate)
        assert ("notes", world.shared.slug) in _keys(mate)


def test_a_group_note_made_private_is_deleted_for_its_group_alone(api_as, world):
    version = LibraryVersion.current()
    world.shared.visibility = Note.Visibility.PRIVATE
    world.shared.save()
    mate = api_as(world.presenter).get(f"/sync?since={version}").json()
    assert mate["deleted"] == {"notes": [world.shared.slug]}
    author = api_as(world.member).get(f"/sync?since={version}").json()
    assert (author["changed"], author["deleted"]) == ({"notes": [world.shared.slug]}, {})
    other = api_as(world.other).get(f"/sync?since={version}").json()
    assert (other["changed"], other["deleted"]) == ({}, {})


def test_a_member_who_left_is_told_what_they_read_through_the_group_is_gone(api_as, world):
    """A member who left kept the group's meetings and notes for ever: their next sync
    named the group deleted, but nothing of what they had read through it."""
    status = ReadingStatusFactory(user=world.member)
    version = LibraryVersion.current()
    Membership.objects.get(group=world.group_a, user=world.presenter).delete()
    for since in (version, 0):
        answer = api_as(world.presenter).get(f"/sync?since={since}").json()
        assert answer["deleted"] == {
            "groups": [world.group_a.slug],
            "meetings": [str(world.meeting.pk)],
            "notes": [world.shared.slug],
            "reading-status": [str(status.pk)],
        }
        assert ("notes", world.private.slug) not in _keys(answer)
    other = api_as(world.other).get(f"/sync?since={version}").json()
    assert (other["changed"], other["deleted"]) == ({}, {})
    # Nothing of the group moved on for those who stayed (it rewrote a change row for
    # each of the group's records, a statement PostgreSQL refused past 65,535).
    stayed = api_as(world.organiser).get(f"/sync?since={version}").json()
    assert (stayed["changed"], stayed["deleted"]) == ({"groups": [world.group_a.slug]}, {})
    # One departure from the group, and one of their reading from it (they shared it).
    kinds = sorted(Departure.objects.values_list("kind", flat=True))
    assert kinds == [Departure.Kind.LEFT, Departure.Kind.UNSHARED]


def test_a_meeting_made_after_a_member_left_is_not_named_to_them(api_as, world):
    Membership.objects.get(group=world.group_a, user=world.presenter).delete()
    later = MeetingFactory(group=world.group_a, number=2)
    answer = api_as(world.presenter).get("/sync?since=0").json()
    assert str(world.meeting.pk) in answer["deleted"]["meetings"]
    assert ("meetings", str(later.pk)) not in _keys(answer)


def test_the_members_of_a_group_that_goes_are_told_it_and_its_records_are_gone(api_as, world):
    version = LibraryVersion.current()
    slug, meeting, shared = world.group_a.slug, str(world.meeting.pk), world.shared.slug
    world.group_a.delete()
    answer = api_as(world.presenter).get(f"/sync?since={version}").json()
    assert answer["deleted"]["groups"] == [slug]
    assert answer["deleted"]["meetings"] == [meeting]
    assert shared in answer["deleted"]["notes"]
    assert world.private.slug not in answer["deleted"]["notes"]
    other = api_as(world.other).get(f"/sync?since={version}").json()
    assert not _keys(other) & {("groups", slug), ("meetings", meeting), ("notes", shared)}


def test_what_went_before_a_member_joined_is_not_named_to_them(api_as, world):
    """Their groups' records deleted or made private before they joined, and a note
    public once and deleted before their account was made: never theirs to be told."""
    shared, public = world.shared.slug, world.public.slug
    world.shared.delete()
    world.public.delete()
    now = timezone.now()
    Change.objects.filter(kind="notes", key__in=[shared, public]).update(at=now - timedelta(3))
    long_ago = now - timedelta(days=10)
    type(world.presenter).objects.filter(pk=world.presenter.pk).update(date_joined=long_ago)
    Membership.objects.filter(user=world.presenter).update(joined_at=long_ago)
    newcomer = MembershipFactory(group=world.group_a).user
    answer = api_as(newcomer).get("/sync?since=0").json()
    assert ("notes", shared) not in _keys(answer)
    assert ("notes", public) not in _keys(answer)
    mate = api_as(world.presenter).get("/sync?since=0").json()
    assert {("notes", shared), ("notes", public)} <= _keys(mate)


def test_a_comment_on_a_note_made_private_is_gone_for_the_group_too(api_as, world):
    comment = CommentFactory(note=world.shared, paper=None, group=world.group_a)
    version = LibraryVersion.current()
    world.shared.visibility = Note.Visibility.PRIVATE
    world.shared.save()
    mate = api_as(world.presenter).get(f"/sync?since={version}").json()
    assert mate["deleted"] == {"notes": [world.shared.slug], "comments": [str(comment.pk)]}


def test_a_member_who_stops_sharing_their_reading_is_gone_from_their_group(api_as, world):
    status = ReadingStatusFactory(user=world.member)
    version = LibraryVersion.current()
    membership = Membership.objects.get(group=world.group_a, user=world.member)
    membership.shares_reading = False
    membership.save()
    mate = api_as(world.presenter).get(f"/sync?since={version}").json()
    assert mate["deleted"] == {"reading-status": [str(status.pk)]}
    own = api_as(world.member).get(f"/sync?since={version}").json()
    assert "reading-status" not in own["changed"] and own["deleted"] == {}
    assert api_as(world.other).get(f"/sync?since={version}").json()["deleted"] == {}
    # A save that changes nothing of the sharing is no departure.
    membership.save()
    assert Departure.objects.count() == 1


def test_a_deleted_note_is_named_deleted_to_its_readers_only(api_as, world):
    version = LibraryVersion.current()
    shared, private = world.shared.slug, world.private.slug
    world.shared.delete()
    world.private.delete()
    named = {
        name: api_as(user).get(f"/sync?since={version}").json()["deleted"].get("notes", [])
        for name, user in world.users.items()
    }
    assert named == {
        "member": sorted([shared, private]),
        "organiser": [shared],
        "presenter": [shared],
        "other": [],
        "staff": [],
        "superuser": sorted([shared, private]),
    }


def test_a_change_logged_before_audiences_were_kept_names_nothing(api_as, world):
    """Rows written before the log kept who could read a record say nothing of it:
    a deleted one is named to superusers alone, one out of sight to nobody."""
    version = LibraryVersion.current()
    Change.objects.create(kind="notes", object_id=10**9, key="old-secret", version=version + 1)
    Change.objects.create(
        kind="notes", object_id=10**9 + 1, key="old-gone", version=version + 1, deleted=True
    )
    Change.objects.filter(kind="notes", object_id=world.private.pk).update(
        audience="", version=version + 1
    )
    LibraryVersion.objects.update(value=version + 1)
    for user in (world.other, world.presenter, world.organiser):
        answer = api_as(user).get(f"/sync?since={version}").json()
        assert (answer["changed"], answer["deleted"]) == ({}, {})
    member = api_as(world.member).get(f"/sync?since={version}").json()
    assert (member["changed"], member["deleted"]) == ({"notes": [world.private.slug]}, {})
    superuser = api_as(world.superuser).get(f"/sync?since={version}").json()
    assert superuser["deleted"] == {"notes": ["old-gone", "old-secret"]}


def test_sync_asks_the_same_number_of_queries_however_much_changed(
    api_as, world, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    caller = api_as(world.other)
    version = LibraryVersion.current()

    def change_each_kind():
        NoteFactory(author=world.member, group=world.group_a).delete()
        NoteFactory(author=world.other, group=world.group_b)
        MeetingSeriesFactory(group=world.group_b)
        CommentFactory(group=world.group_b)

    change_each_kind()
    caller.get("/sync")  # the token's first use is stamped
    with CaptureQueriesContext(connection) as few:
        caller.get(f"/sync?since={version}")
    for _n in range(5):
        change_each_kind()
    with django_assert_num_queries(len(few.captured_queries)):
        caller.get(f"/sync?since={version}")


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


def test_meetings_to_come_are_not_dated_by_the_librarys_last_change(api_as, world, monkeypatch):
    """A meeting that ends leaves /meetings?when=upcoming with no change to the library:
    the list was dated by its last change, and If-Modified-Since answered 304 with the
    meeting over still listed as to come."""
    from django.utils import timezone as clock

    now = timezone.now()
    coming = MeetingFactory(
        group=world.group_a, number=5, date=now.date() + timedelta(days=1), ends_at=None
    )
    Change.objects.update(at=now - timedelta(minutes=5))
    caller = api_as(world.member)
    upcoming = caller.get("/meetings?when=upcoming")
    assert [m["id"] for m in upcoming.json()["items"]] == [coming.pk]
    assert not upcoming.has_header("Last-Modified")
    dated = caller.get("/meetings")["Last-Modified"]  # the whole list is the library's
    monkeypatch.setattr(clock, "now", lambda: now + timedelta(days=3))
    later = caller.get("/meetings?when=upcoming", HTTP_IF_MODIFIED_SINCE=dated)
    assert (later.status_code, later.json()["items"]) == (200, [])
    again = caller.get("/meetings?when=upcoming", HTTP_IF_NONE_MATCH=later["ETag"])
    assert again.status_code == 304


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


def test_an_upgrade_fills_in_who_may_read_each_record_still_there(world):
    """Rows logged before audiences were kept named a record's going to superusers
    alone; the migration gives each record still there its readers now."""
    from importlib import import_module

    from django.apps import apps

    backfill = import_module("api.migrations.0004_change_audience_backfill").backfill
    comment = CommentFactory(note=world.shared, paper=None, group=world.group_a)
    status = ReadingStatusFactory(user=world.member)
    Change.objects.update(audience="")
    backfill(apps, None)
    audience = dict(Change.objects.exclude(key="").values_list("key", "audience"))
    a, member = f"g{world.group_a.pk}", f"u{world.member.pk}"
    assert audience[world.shared.slug] == f"{a} {member}"
    assert audience[world.private.slug] == member
    assert audience[world.public.slug] == "everyone"
    assert audience[world.group_a.slug] == a
    rows = Change.objects.filter(kind__in=["meetings", "comments", "reading-status"])
    by_record = {(c.kind, c.object_id): c.audience for c in rows}
    assert by_record["meetings", world.meeting.pk] == a
    assert by_record["comments", comment.pk] == f"{a} {member}"
    assert by_record["reading-status", status.pk] == " ".join(sorted({member, a}))


def test_a_group_that_goes_after_a_member_left_names_them_nothing_made_since(api_as, world):
    """Its records went after they had left: those made since were never theirs (a group
    that went gave every former member an open end)."""
    version = LibraryVersion.current()
    Membership.objects.get(group=world.group_a, user=world.presenter).delete()
    later = MeetingFactory(group=world.group_a, number=2)
    later_note = NoteFactory(group=world.group_a, visibility=Note.Visibility.GROUP)
    world.group_a.delete()
    answer = api_as(world.presenter).get(f"/sync?since={version}").json()
    assert str(world.meeting.pk) in answer["deleted"]["meetings"]
    assert ("meetings", str(later.pk)) not in _keys(answer)
    assert ("notes", later_note.slug) not in _keys(answer)


def test_a_member_who_leaves_takes_their_shared_reading_out_of_the_groups_sight(api_as, world):
    status = ReadingStatusFactory(user=world.presenter)
    version = LibraryVersion.current()
    Membership.objects.get(group=world.group_a, user=world.presenter).delete()
    mate = api_as(world.member).get(f"/sync?since={version}").json()
    assert mate["deleted"] == {"reading-status": [str(status.pk)]}


def test_reading_unshared_before_a_member_joined_is_not_named_to_them(api_as, world):
    status = ReadingStatusFactory(user=world.member)
    membership = Membership.objects.get(group=world.group_a, user=world.member)
    membership.shares_reading = False
    membership.save()
    newcomer = MembershipFactory(group=world.group_a).user  # the same day, a moment later
    assert ("reading-status", str(status.pk)) not in _keys(
        api_as(newcomer).get("/sync?since=0").json()
    )
    assert ("reading-status", str(status.pk)) in _keys(
        api_as(world.presenter).get("/sync?since=0").json()
    )


def test_a_note_hidden_before_a_member_joined_is_not_named_when_they_leave(api_as, world):
    hidden = NoteFactory(author=world.member, group=world.group_a, visibility="group")
    hidden.visibility = Note.Visibility.PRIVATE
    hidden.save()
    Change.objects.filter(kind="notes", key=hidden.slug).update(
        at=timezone.now() - timedelta(days=1)
    )
    newcomer = MembershipFactory(group=world.group_a).user
    Membership.objects.get(group=world.group_a, user=newcomer).delete()
    answer = api_as(newcomer).get("/sync?since=0").json()
    assert ("notes", hidden.slug) not in _keys(answer)
    assert ("notes", world.shared.slug) in _keys(answer)  # theirs while they were there


def test_a_member_who_leaves_after_a_mate_left_is_told_the_mates_reading_went(api_as, world):
    """The mate's reading went out of their sight while they were there; told when they
    sync after leaving too (a departure of a group they were no longer in was skipped)."""
    status = ReadingStatusFactory(user=world.presenter)
    version = LibraryVersion.current()
    Membership.objects.get(group=world.group_a, user=world.presenter).delete()
    Membership.objects.get(group=world.group_a, user=world.organiser).delete()
    answer = api_as(world.organiser).get(f"/sync?since={version}").json()
    assert str(status.pk) in answer["deleted"]["reading-status"]


def test_a_member_who_left_first_is_told_the_reading_of_one_who_left_after(api_as, world):
    """The reading they saw while there went with their own leaving, whoever has left
    the group since (the statuses read were those of the group's members now)."""
    status = ReadingStatusFactory(user=world.member)
    version = LibraryVersion.current()
    Membership.objects.get(group=world.group_a, user=world.presenter).delete()
    Membership.objects.get(group=world.group_a, user=world.member).delete()
    answer = api_as(world.presenter).get(f"/sync?since={version}").json()
    assert str(status.pk) in answer["deleted"]["reading-status"]


# --- Who could read a record, and when (Change.audience keeps each token's spans) --------


def test_a_private_note_made_group_visible_after_a_member_left_is_not_named_to_them(api_as, world):
    """The note came into the group's sight after they left: they never could read it.
    Its audience named the group (at any time) and they were told its key."""
    version = LibraryVersion.current()
    Membership.objects.get(group=world.group_a, user=world.presenter).delete()
    world.private.visibility = Note.Visibility.GROUP
    world.private.save()
    answer = api_as(world.presenter).get(f"/sync?since={version}").json()
    assert ("notes", world.private.slug) not in _keys(answer)
    assert ("notes", world.shared.slug) in _keys(answer)  # theirs while they were there


def test_a_meeting_moved_into_a_group_after_a_member_left_is_not_named_to_them(api_as, world):
    version = LibraryVersion.current()
    Membership.objects.get(group=world.group_a, user=world.presenter).delete()
    world.meeting_b.group, world.meeting_b.number = world.group_a, 9
    world.meeting_b.save()
    answer = api_as(world.presenter).get(f"/sync?since={version}").json()
    assert ("meetings", str(world.meeting_b.pk)) not in _keys(answer)
    assert ("meetings", str(world.meeting.pk)) in _keys(answer)


def test_a_note_moved_to_another_group_after_a_member_left_is_named_to_them(api_as, world):
    """They read it while they were in the group: gone from their sight, whichever group
    holds it now. It was missed (the change came after they left), and their copy stayed."""
    version = LibraryVersion.current()
    Membership.objects.get(group=world.group_a, user=world.presenter).delete()
    world.shared.group = world.group_b
    world.shared.save()
    answer = api_as(world.presenter).get(f"/sync?since={version}").json()
    assert ("notes", world.shared.slug) in _keys(answer)


def test_a_note_deleted_while_a_member_was_away_is_named_when_they_come_back(api_as, world):
    version = LibraryVersion.current()
    slug = world.shared.slug
    Membership.objects.get(group=world.group_a, user=world.presenter).delete()
    world.shared.delete()
    MembershipFactory(group=world.group_a, user=world.presenter)
    answer = api_as(world.presenter).get(f"/sync?since={version}").json()
    assert slug in answer["deleted"]["notes"]


def test_a_private_note_changed_after_a_member_joined_is_not_named_to_them(api_as, world):
    """The note was made private before they joined; each later edit of it named it
    deleted to them, since its audience had named their group."""
    note = NoteFactory(author=world.member, group=world.group_a, visibility="group")
    note.visibility = Note.Visibility.PRIVATE
    note.save()
    newcomer = MembershipFactory(group=world.group_a).user
    note.title_en = "Edited since"
    note.save()
    answer = api_as(newcomer).get("/sync?since=0").json()
    assert ("notes", note.slug) not in _keys(answer)
    assert ("notes", note.slug) in _keys(api_as(world.presenter).get("/sync?since=0").json())


def test_an_audience_keeps_when_each_token_named_the_records_readers():
    t = [timezone.now() + timedelta(seconds=i) for i in range(3)]
    us = [sync._micros(moment) for moment in t]
    made = sync._renamed({}, None, {"g1", "u2"}, t[0])
    assert sync._audience(made) == f"g1@{us[0]}~ u2@{us[0]}~"
    private = sync._renamed(made, {"g1", "u2"}, {"u2"}, t[1])
    assert sync._audience(private) == f"g1@{us[0]}~{us[1]} u2@{us[0]}~"
    shared_again = sync._renamed(private, {"u2"}, {"g1", "u2"}, t[2])
    assert sync._named(sync._audience(shared_again)) == {
        "g1": [(us[0], us[1]), (us[2], None)],
        "u2": [(us[0], None)],
    }
    # A token written before spans were kept stays as it was while it names the readers.
    assert sync._audience(sync._renamed({"g1": None}, None, {"g1"}, t[1])) == "g1"
    assert sync._audience(sync._renamed({"g1": None}, None, set(), t[1])) == f"g1@~{us[1]}"
    # Times before 1970 are negative: read back as written.
    assert sync._named("g1@-5~-2@7~") == {"g1": [(-5, -2), (7, None)]}


def test_a_record_made_before_changes_were_logged_was_read_since_always(api_as, world):
    """A record with no change row yet (made before the API's log; its first change a
    membership's, a topic's or its deletion) was taken to be read from that change on:
    a member who had just left was not told the group went, nor the group that its note
    was deleted."""
    Change.objects.filter(kind__in=["groups", "notes"]).delete()  # logged nothing yet
    version = LibraryVersion.current()
    Membership.objects.get(group=world.group_a, user=world.presenter).delete()
    Note.objects.get(pk=world.public.pk).tags.add("agents")  # logged with no readers before
    slug = world.shared.slug
    Note.objects.get(pk=world.shared.pk).delete()
    gone = api_as(world.presenter).get(f"/sync?since={version}").json()["deleted"]
    assert world.group_a.slug in gone["groups"] and slug in gone["notes"]
    assert slug in api_as(world.organiser).get(f"/sync?since={version}").json()["deleted"]["notes"]
    assert slug not in api_as(world.other).get(f"/sync?since={version}").json()["deleted"].get(
        "notes", []
    )


@pytest.mark.parametrize("audience", ["g{}@abc~", "g{}@1-2", "g{}@5~7~9", "g{}@~@"])
def test_an_audience_that_cannot_be_read_does_not_break_sync(api_as, world, audience):
    version = LibraryVersion.current()
    LibraryVersion.objects.update(value=version + 1)
    Change.objects.filter(kind="notes", object_id=world.shared.pk).update(
        audience=audience.format(world.group_a.pk), version=version + 1
    )
    assert api_as(world.other).get(f"/sync?since={version}").status_code == 200


def test_a_record_made_with_an_id_used_before_starts_its_row_anew(api_as, world):
    """A note made with the id of a deleted one (fixtures, explicit ids) kept the old
    one's readers: the old note's group was told the new private note's key."""
    old = NoteFactory(author=world.member, group=world.group_a, visibility="group")
    pk = old.pk
    old.delete()
    secret = NoteFactory(pk=pk, author=world.other, group=world.group_b, visibility="private")
    assert ("notes", secret.slug) not in _keys(api_as(world.presenter).get("/sync?since=0").json())
    assert Change.objects.get(kind="notes", object_id=pk).born >= secret.created


# --- Records made before the change log (api.0006) -------------------------------------


def _upgrade():
    """The migration that writes a row for each guarded record without one."""
    from importlib import import_module

    from django.apps import apps

    import_module("api.migrations.0006_change_rows_for_older_records").backfill(apps, None)


def test_a_member_who_leaves_is_told_of_records_made_before_the_log(api_as, world):
    """A group's notes, meetings, series, comments and shared reading made before the
    API's change log had no change row, and sync read who could read a record from its
    row alone: a member who left was told the group went, but their client kept all it
    had read through it for ever."""
    series = MeetingSeriesFactory(group=world.group_a)
    comment = CommentFactory(note=world.shared, paper=None, group=world.group_a)
    status = ReadingStatusFactory(user=world.member)
    Change.objects.all().delete()  # made before the log: no rows
    _upgrade()
    version = LibraryVersion.current()
    Membership.objects.get(group=world.group_a, user=world.presenter).delete()
    answer = api_as(world.presenter).get(f"/sync?since={version}").json()
    assert answer["deleted"] == {
        "groups": [world.group_a.slug],
        "meetings": [str(world.meeting.pk)],
        "series": [str(series.pk)],
        "notes": [world.shared.slug],
        "comments": [str(comment.pk)],
        "reading-status": [str(status.pk)],
    }
    # Never theirs: a private note of the group's, and group B's records.
    assert not _keys(answer) & {
        ("notes", world.private.slug),
        ("notes", world.note_b.slug),
        ("meetings", str(world.meeting_b.pk)),
    }
    other = api_as(world.other).get(f"/sync?since={version}").json()
    assert (other["changed"], other["deleted"]) == ({}, {})


def test_the_upgrade_writes_the_row_a_records_first_change_would(api_as, world):
    """Read by who reads it now, since always (as record() reads a record without a row),
    at version 0: no client is told anything changed, and the version stays."""
    series = MeetingSeriesFactory(group=world.group_a)
    comments = [
        CommentFactory(note=world.shared, paper=None, group=world.group_a),
        CommentFactory(meeting=world.meeting, paper=None, group=world.group_a),
        CommentFactory(group=world.group_b),
    ]
    status = ReadingStatusFactory(user=world.member)
    guarded = list(sync.READERS)
    kept = Change.objects.filter(kind="notes", object_id=world.private.pk).values().get()
    Change.objects.filter(kind__in=guarded).exclude(pk=kept["id"]).delete()
    version = LibraryVersion.current()
    before = {user: api_as(user).get("/sync?since=0").json() for user in world.users.values()}
    _upgrade()
    assert LibraryVersion.current() == version
    assert Change.objects.filter(pk=kept["id"]).values().get() == kept  # kept as it was
    for user, answer in before.items():
        assert api_as(user).get("/sync?since=0").json() == answer
    records = [
        world.group_a,
        world.group_b,
        world.meeting,
        world.meeting_b,
        series,
        world.shared,
        world.public,
        world.note_b,
        *comments,
        status,
    ]
    written = {(c.kind, c.object_id): c for c in Change.objects.filter(kind__in=guarded)}
    assert len(written) == len(records) + 1
    a, b, member = f"g{world.group_a.pk}@~", f"g{world.group_b.pk}@~", f"u{world.member.pk}@~"
    assert written["notes", world.shared.pk].audience == f"{a} {member}"
    assert written["comments", comments[1].pk].audience == a
    assert written["comments", comments[2].pk].audience == b
    shared_with = f"g{world.group_a.pk} u{world.member.pk}"  # a status's tokens keep no spans
    assert written["reading-status", status.pk].audience == shared_with
    for record in records:
        row = written[sync.KIND_OF[type(record)], record.pk]
        assert (row.version, row.deleted, row.born) == (0, False, getattr(record, "created", None))
        assert row.key == getattr(record, "slug", "")
        # The row the record's first change would write, had it none.
        audience = row.audience
        row.delete()
        sync.record(type(record)._base_manager.get(pk=record.pk))
        assert Change.objects.get(kind=row.kind, object_id=record.pk).audience == audience


def test_the_upgrade_reads_in_pages_and_asks_no_query_per_record(world, monkeypatch):
    from importlib import import_module

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    migration = import_module("api.migrations.0006_change_rows_for_older_records")

    def upgrade(notes):
        for _n in range(notes):
            NoteFactory(author=world.member, group=world.group_a, visibility="group")
        Change.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            _upgrade()
        assert Change.objects.filter(kind="notes").count() == Note.objects.count()
        return len(queries.captured_queries)

    assert upgrade(1) == upgrade(20)
    monkeypatch.setattr(migration, "BATCH", 2)
    upgrade(1)
    notes = Change.objects.filter(kind="notes").values_list("object_id", flat=True)
    assert sorted(notes) == sorted(Note.objects.values_list("pk", flat=True))


def test_a_record_written_by_the_upgrade_changes_as_any(api_as, world):
    Change.objects.filter(kind="notes").delete()
    _upgrade()
    version = LibraryVersion.current()
    world.shared.visibility = Note.Visibility.PRIVATE
    world.shared.save()
    mate = api_as(world.presenter).get(f"/sync?since={version}").json()
    assert mate["deleted"] == {"notes": [world.shared.slug]}
    assert api_as(world.other).get(f"/sync?since={version}").json()["deleted"] == {}


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_runs_on_the_models_as_the_migrations_leave_them():
    """Run by migrate (the models as the migrations before it leave them), not as the
    tests above call it; and again, where it writes only the rows still missing."""
    from django.core.management import call_command

    call_command("migrate", "api", "0005", verbosity=0)
    group = MembershipFactory().group
    note = NoteFactory(group=group, visibility=Note.Visibility.GROUP)
    comment = CommentFactory(note=note, paper=None, group=group)
    Change.objects.all().delete()
    call_command("migrate", "api", verbosity=0)
    token, author = f"g{group.pk}@~", f"u{note.author_id}@~"
    expected = {"groups": token, "notes": f"{token} {author}", "comments": f"{token} {author}"}
    assert dict(Change.objects.values_list("kind", "audience")) == expected
    assert Change.objects.get(kind="comments").object_id == comment.pk
    kept = set(Change.objects.exclude(kind="notes").values_list("pk", flat=True))
    Change.objects.filter(kind="notes").delete()
    call_command("migrate", "api", "0005", verbosity=0)
    call_command("migrate", "api", verbosity=0)
    assert dict(Change.objects.values_list("kind", "audience")) == expected
    assert set(Change.objects.exclude(kind="notes").values_list("pk", flat=True)) == kept


def test_a_meetings_proposals_and_votes_change_it_and_its_etag(api_as, world):
    """A proposal or a vote changed neither the meeting's ETag (a conditional GET got 304
    with the old proposals) nor the library version (sync never named the meeting)."""
    from notes.models import PaperProposal, Vote

    caller = api_as(world.member)
    path = f"/meetings/{world.meeting.pk}"
    first = caller.get(path)
    version = first["Library-Version"]
    proposal = PaperProposal.objects.create(
        meeting=world.meeting, paper=PaperFactory(), proposed_by=world.member
    )
    proposed = caller.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert proposed.status_code == 200
    assert len(proposed.json()["proposals"]) == 1
    synced = caller.get(f"/sync?since={version}").json()
    assert synced["changed"].get("meetings")
    Vote.objects.create(proposal=proposal, user=world.presenter)
    voted = caller.get(path, HTTP_IF_NONE_MATCH=proposed["ETag"])
    assert voted.status_code == 200
    assert (
        caller.get(f"/sync?since={proposed['Library-Version']}").json()["changed"].get("meetings")
    )
    # Nothing changed since: 304, and the ETag still names the revision an edit sends.
    assert caller.get(path, HTTP_IF_NONE_MATCH=voted["ETag"]).status_code == 304
    presenter = api_as(world.presenter)
    etag = presenter.get(path)["ETag"]
    edit = presenter.patch(path, {"title_en": "Renamed"}, HTTP_IF_MATCH=etag)
    assert edit.status_code == 200
    assert presenter.patch(path, {"title_en": "Again"}, HTTP_IF_MATCH=etag).status_code == 412


def test_a_notes_paper_taken_away_changes_its_etag(api_as, world):
    paper = PaperFactory()
    Note.objects.filter(pk=world.public.pk).update(paper=paper)
    caller = api_as(world.member)
    path = f"/notes/{world.public.slug}"
    before = caller.get(path)
    paper.delete()
    after = caller.get(path, HTTP_IF_NONE_MATCH=before["ETag"])
    assert (after.status_code, after.json()["paper"]) == (200, None)


def test_picking_the_meetings_own_paper_is_a_change_of_the_meeting(api_as, world):
    """The pick was an update that no signal saw: with the meeting's paper already the
    proposal's, nothing else changed, and sync never named the meeting."""
    from notes import scheduling
    from notes.models import Meeting, PaperProposal

    paper = PaperFactory()
    world.meeting.paper = paper
    world.meeting.save()
    proposal = PaperProposal.objects.create(
        meeting=world.meeting, paper=paper, proposed_by=world.member
    )
    caller = api_as(world.member)
    version = caller.get(f"/meetings/{world.meeting.pk}")["Library-Version"]
    Meeting.objects.filter(pk=world.meeting.pk).update(  # a coming one, without a signal
        date=timezone.now().date() + timedelta(days=7), starts_at=None, ends_at=None
    )
    scheduling.pick(proposal)
    assert caller.get(f"/sync?since={version}").json()["changed"].get("meetings")
    proposals = caller.get(f"/meetings/{world.meeting.pk}").json()["proposals"]
    assert [p["picked"] for p in proposals] == [True]


def test_a_note_moved_to_another_group_names_its_comments_changed(api_as, world):
    """Its comments take its new group by an update no signal saw: a note read by
    everyone keeps its readers, and sync never named the comments."""
    from api.models import LibraryVersion
    from notes.models import Comment, Membership

    Membership.objects.create(user=world.member, group=world.group_b)
    comment = Comment.objects.create(
        note=world.public, author=world.other, body="Hi", group=world.group_a
    )
    version = LibraryVersion.current()
    world.public.group = world.group_b
    world.public.save()
    changed = api_as(world.other).get(f"/sync?since={version}").json()["changed"]
    assert changed.get("comments") == [str(comment.pk)]
