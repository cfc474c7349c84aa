"""Search matches notes and meetings by the index's copies of who may read them
(search.query.readable); these tests hold that rule to visible_to() itself."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from notes.models import Meeting, Note
from search.models import Kind, SearchDocument
from search.query import readable, search
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    ReadingGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def readable_ids(user, kind):
    rule = readable(user, kind)
    sql, params = rule if rule is not None else ("1 = 1", [])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT object_id FROM {SearchDocument._meta.db_table} WHERE kind = %s AND {sql}",
            [kind, *params],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def library():
    """Two groups, members of one, both, none; notes of every visibility in each."""
    first, second = ReadingGroupFactory(), ReadingGroupFactory()
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    MembershipFactory(user=alice, group=first)
    MembershipFactory(user=bob, group=first)
    MembershipFactory(user=bob, group=second)
    for author, group, visibility in itertools.product(
        [alice, bob, carol, None], [first, second, None], Note.Visibility.values
    ):
        NoteFactory(author=author, group=group, visibility=visibility)
    MeetingFactory(group=first)
    MeetingFactory(group=second)
    users = [alice, bob, carol, UserFactory(is_superuser=True), AnonymousUser()]
    return users


@pytest.mark.parametrize("kind, model", [(Kind.NOTE, Note), (Kind.MEETING, Meeting)])
def test_the_index_rule_finds_exactly_what_visible_to_allows(library, kind, model):
    for user in library:
        expected = set(model.objects.visible_to(user).values_list("pk", flat=True))
        assert readable_ids(user, kind) == expected, user


def test_the_index_rule_follows_a_changed_note_and_a_changed_membership(library):
    alice, bob, carol = library[:3]
    note = NoteFactory(author=alice, visibility=Note.Visibility.PRIVATE)
    assert note.pk not in readable_ids(carol, Kind.NOTE)
    note.visibility = Note.Visibility.EVERYONE
    note.save()
    assert note.pk in readable_ids(carol, Kind.NOTE)
    group = ReadingGroupFactory()
    meeting = MeetingFactory(group=group)
    assert meeting.pk not in readable_ids(carol, Kind.MEETING)
    MembershipFactory(user=carol, group=group)
    assert meeting.pk in readable_ids(carol, Kind.MEETING)


def test_a_stale_copy_in_the_index_never_shows_a_note(member):
    outsider = UserFactory()
    note = NoteFactory(
        author=member, visibility=Note.Visibility.PRIVATE, body_en="Tokenizer secrets."
    )
    # As if the copy had been written wrongly (or edited by hand in the database).
    SearchDocument.objects.filter(kind=Kind.NOTE, object_id=note.pk).update(
        visibility=Note.Visibility.EVERYONE
    )
    notes = search(outsider, "tokenizer").groups[4]
    assert notes.hits == []
    assert search(outsider, "tokenizer", kind=Kind.NOTE).page.object_list == []
    assert [h.url for h in search(member, "tokenizer").groups[4].hits] == [note.get_absolute_url()]
