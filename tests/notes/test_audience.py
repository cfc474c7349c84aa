"""What is kept for an audience (notes/audience.py): the members who read alike share it,
a member never gets what another may read and they may not, and every change shows at
once to every member."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from notes import audience
from notes.models import Membership, Note, ReadingStatus
from tests.factories import (
    CommentFactory,
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    PaperFactory,
    ReadingStatusFactory,
    UserFactory,
    client_of,
)

pytestmark = pytest.mark.django_db
Status = ReadingStatus.Status


@pytest.fixture
def alike(world):
    """Two members of group A who wrote nothing: they read alike."""
    first = MembershipFactory(group=world.group_a).user
    second = MembershipFactory(group=world.group_a).user
    return first, second


def test_members_of_the_same_groups_read_alike_unless_they_wrote_a_note_not_public(world, alike):
    first, second = alike
    assert audience.audience(first) == audience.audience(second)
    assert audience.audience(world.member) != audience.audience(first)  # a private note
    assert audience.audience(world.other) != audience.audience(first)  # another group
    NoteFactory(author=second, group=world.group_a, visibility=Note.Visibility.GROUP)
    assert audience.audience(second) != audience.audience(first)  # at once


def test_superusers_of_other_groups_get_their_own_groups_discussions(world):
    """A superuser may read everything, but a paper's discussion shows the reader's own
    groups' alone: two superusers of different groups read apart (the second got the
    first's comments, kept for the audience "everything", and a 500)."""
    paper = PaperFactory()
    CommentFactory(paper=paper, group=world.group_a, body="In group A")
    CommentFactory(paper=paper, group=world.group_b, body="In group B")
    first, second = (UserFactory(is_staff=True, is_superuser=True) for _ in range(2))
    MembershipFactory(user=first, group=world.group_a)
    MembershipFactory(user=second, group=world.group_b)
    assert audience.audience(first) != audience.audience(second)
    assertContains(client_of(first).get(paper.get_absolute_url()), "In group A")
    page = client_of(second).get(paper.get_absolute_url())
    assertContains(page, "In group B")
    assertNotContains(page, "In group A")
    # Superusers of the same groups read alike.
    third = UserFactory(is_staff=True, is_superuser=True)
    MembershipFactory(user=third, group=world.group_b)
    assert audience.audience(third) == audience.audience(second)


def test_a_private_note_read_first_by_its_author_stays_theirs(world, alike):
    first, _second = alike
    paper = PaperFactory()
    world.private.paper = paper
    world.private.body_en = "My private thoughts."
    world.private.save()
    assertContains(client_of(world.member).get(paper.get_absolute_url()), "My private thoughts.")
    assertNotContains(client_of(first).get(paper.get_absolute_url()), "My private thoughts.")


def test_a_status_not_shared_is_never_kept_for_the_group(world, alike):
    first, second = alike
    paper = PaperFactory()
    Membership.objects.get(user=first, group=world.group_a).delete()
    MembershipFactory(user=first, group=world.group_a, shares_reading=False)
    ReadingStatusFactory(user=first, paper=paper, status=Status.READ)
    # The member who does not share reads the page first: their own status is theirs.
    page = client_of(first).get(paper.get_absolute_url())
    assertContains(page, 'data-status="read"')
    page = client_of(second).get(paper.get_absolute_url())
    assertNotContains(page, "reader-read")
    assertContains(page, 'data-status=""')


def test_a_status_change_shows_at_once_to_the_other_members(world, alike):
    first, second = alike
    paper = PaperFactory()
    meeting = MeetingFactory(group=world.group_a, paper=paper)
    readers = client_of(second)
    assertNotContains(readers.get(paper.get_absolute_url()), "reader-read")
    assertContains(readers.get(meeting.get_absolute_url()), "0 of")
    client_of(first).post(reverse("notes:status_set", args=[paper.pk]), {"status": "read"})
    assertContains(readers.get(paper.get_absolute_url()), "reader-read")
    assertContains(readers.get(meeting.get_absolute_url()), "1 of")


def test_a_comment_shows_at_once_to_the_other_members(world, alike):
    first, second = alike
    paper = PaperFactory()
    reader = client_of(second)
    assertNotContains(reader.get(paper.get_absolute_url()), "A new thought")
    assertNotContains(reader.get(world.meeting.get_absolute_url()), "On the meeting")
    author = client_of(first)
    author.post(
        reverse("notes:comment_on_paper", args=[paper.slug, world.group_a.slug]),
        {"body": "A new thought"},
    )
    author.post(
        reverse("notes:comment_on_meeting", args=[world.group_a.slug, world.meeting.number]),
        {"body": "On the meeting"},
    )
    assertContains(reader.get(paper.get_absolute_url()), "A new thought")
    assertContains(reader.get(world.meeting.get_absolute_url()), "On the meeting")


def test_only_the_author_and_organisers_may_change_a_kept_comment(world, alike):
    first, second = alike
    paper = PaperFactory()
    comment = CommentFactory(paper=paper, group=world.group_a, author=first, body="Mine")
    edit = reverse("notes:comment_edit", args=[comment.pk])
    assertContains(client_of(first).get(paper.get_absolute_url()), edit)
    assertNotContains(client_of(second).get(paper.get_absolute_url()), edit)
    assertContains(client_of(world.organiser).get(paper.get_absolute_url()), edit)


def test_a_member_who_leaves_the_group_loses_its_pages_at_once(world, alike):
    first, _second = alike
    reader = client_of(first)
    assert reader.get(world.meeting.get_absolute_url()).status_code == 200
    Membership.objects.get(user=first, group=world.group_a).delete()
    assert reader.get(world.meeting.get_absolute_url()).status_code == 404


def test_statuses_of_with_the_page_cache_off_are_the_members_own(settings):
    """With the page cache off, a page's statuses are read by SQL compiled once per number
    of papers: the member's own, of those papers only, as the manager's statuses_of."""
    settings.PAGECACHE_ENABLED = False
    member, someone = UserFactory(), UserFactory()
    papers = [PaperFactory() for _ in range(4)]
    wanted = [Status.READ, Status.READING, "", Status.TO_READ]
    for paper, status in zip(papers, wanted, strict=True):
        if status:
            ReadingStatusFactory(user=member, paper=paper, status=status)
        ReadingStatusFactory(user=someone, paper=paper, status=Status.NOT_FOR_ME)
    ids = [paper.pk for paper in papers[:3]]
    expected = {papers[0].pk: Status.READ, papers[1].pk: Status.READING}
    assert audience.statuses_of(member, ids) == expected
    assert audience.statuses_of(member, ids) == ReadingStatus.objects.statuses_of(member, ids)
    assert audience.statuses_of(member, ids[:1]) == {papers[0].pk: Status.READ}
    assert audience.statuses_of(UserFactory(), ids) == {}
    assert audience.statuses_of(member, []) == {}
