"""Search finds comments as it finds notes: exactly who may read what a comment is about
may find it (search.query.readable held to Comment.objects.visible_to)."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser

from notes import discussion
from notes.models import Comment, Note
from search.models import Kind, SearchDocument
from search.query import PER_PAGE, search
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    PaperFactory,
    ReadingGroupFactory,
    UserFactory,
)
from tests.search.test_visibility import readable_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussions():
    """Comments on a paper in two groups, on notes of every visibility, on meetings."""
    first, second = ReadingGroupFactory(), ReadingGroupFactory()
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    MembershipFactory(user=alice, group=first)
    MembershipFactory(user=bob, group=first)
    MembershipFactory(user=bob, group=second)
    paper = PaperFactory()
    for group in (first, second):
        discussion.add_comment(alice, paper, "tokenizer thoughts", group=group)
        discussion.add_comment(alice, MeetingFactory(group=group), "tokenizer thoughts")
    for author, group, visibility in itertools.product(
        [alice, bob, carol], [first, second, None], Note.Visibility.values
    ):
        note = NoteFactory(author=author, group=group, visibility=visibility)
        discussion.add_comment(author, note, "tokenizer thoughts")
    return [alice, bob, carol, UserFactory(is_superuser=True), AnonymousUser()]


def test_the_index_rule_finds_exactly_the_comments_visible_to_allows(discussions):
    for user in discussions:
        expected = set(Comment.objects.visible_to(user).values_list("pk", flat=True))
        assert readable_ids(user, Kind.COMMENT) == expected, user
        found = search(user, "tokenizer", kind=Kind.COMMENT)
        count = found.groups[6].count if found.groups else 0
        assert count == len(expected), user
        shown = found.page.object_list if found.page else []
        assert len(shown) == min(count, PER_PAGE), user  # what is counted is shown


def test_another_groups_paper_discussion_is_never_found_nor_counted(discussions):
    carol = discussions[2]
    results = search(carol, "tokenizer")
    comments = next(g for g in results.groups if g.kind == Kind.COMMENT)
    # Only the comments on the notes carol may read: her own and those visible to everyone.
    assert comments.count == len(
        set(Comment.objects.visible_to(carol).values_list("pk", flat=True))
    )
    assert all("/papers/" not in hit.url for hit in comments.hits)


def test_a_note_made_private_takes_its_comments_out_of_others_search():
    alice, carol = UserFactory(), UserFactory()
    note = NoteFactory(author=alice, visibility=Note.Visibility.EVERYONE)
    comment = discussion.add_comment(alice, note, "quantisation detail")
    assert comment.pk in readable_ids(carol, Kind.COMMENT)
    note.visibility = Note.Visibility.PRIVATE
    note.save()
    assert comment.pk not in readable_ids(carol, Kind.COMMENT)
    assert search(carol, "quantisation").total == 0
    assert search(alice, "quantisation").total == 1


def test_a_deleted_comment_is_found_no_more(member, group):
    comment = discussion.add_comment(member, PaperFactory(), "ephemeral remark", group=group)
    assert search(member, "ephemeral").total == 1
    comment.soft_delete()
    assert not SearchDocument.objects.filter(kind=Kind.COMMENT).exists()
    assert search(member, "ephemeral").total == 0


def test_a_stale_copy_never_shows_a_comment(member):
    group = ReadingGroupFactory()  # the member is not in it
    comment = discussion.add_comment(UserFactory(), PaperFactory(), "secret plan", group=group)
    SearchDocument.objects.filter(kind=Kind.COMMENT, object_id=comment.pk).update(
        visibility=Note.Visibility.EVERYONE
    )
    assert search(member, "secret", kind=Kind.COMMENT).page.object_list == []
