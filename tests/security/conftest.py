from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission

from notes.models import Note
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    ReadingGroupFactory,
    ReadingListFactory,
    UserFactory,
)


@pytest.fixture
def world(db):
    """Two groups and one of each role.

    Group A: an organiser, a member (author of three notes), a presenter of meeting
    A's #1. Group B: a member, and a staff member who organises B only. Plus a
    superuser who belongs to neither.
    """
    group_a, group_b = ReadingGroupFactory(slug="group-a"), ReadingGroupFactory(slug="group-b")
    organiser = MembershipFactory(group=group_a, role="organiser").user
    member = MembershipFactory(group=group_a).user
    presenter = MembershipFactory(group=group_a).user
    other = MembershipFactory(group=group_b).user
    staff = UserFactory(is_staff=True)
    MembershipFactory(group=group_b, user=staff, role="organiser")
    superuser = UserFactory(is_staff=True, is_superuser=True)
    meeting = MeetingFactory(group=group_a, number=1)
    meeting.presenters.add(presenter)
    meeting_b = MeetingFactory(group=group_b, number=1)
    visibility = Note.Visibility
    private = NoteFactory(author=member, group=group_a, visibility=visibility.PRIVATE)
    shared = NoteFactory(author=member, group=group_a, visibility=visibility.GROUP)
    public = NoteFactory(author=member, group=group_a, visibility=visibility.EVERYONE)
    note_b = NoteFactory(author=other, group=group_b, visibility=visibility.GROUP)
    return SimpleNamespace(
        group_a=group_a,
        group_b=group_b,
        organiser=organiser,
        member=member,
        presenter=presenter,
        other=other,
        staff=staff,
        superuser=superuser,
        meeting=meeting,
        meeting_b=meeting_b,
        private=private,
        shared=shared,
        public=public,
        note_b=note_b,
        list_a=ReadingListFactory(group=group_a),
        list_b=ReadingListFactory(group=group_b),
        users={
            "member": member,
            "other": other,
            "organiser": organiser,
            "presenter": presenter,
            "staff": staff,
            "superuser": superuser,
        },
    )


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
