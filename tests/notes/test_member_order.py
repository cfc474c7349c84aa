"""Members are listed in the order of the names the pages show them by (full name, else
username; Chinese names by their pinyin), not by their usernames."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from notes.models import Membership, ReadingStatus, display_name
from notes.progress import group_progress_and_own, readers
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    PaperFactory,
    ReadingGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# (username, full name): by username the order would be amy, li, wang, zhang.
PEOPLE = [("zhang", "张", "三"), ("amy", "", ""), ("li", "李", "四"), ("wang", "王", "五")]


@pytest.fixture
def group():
    group = ReadingGroupFactory()
    for username, last, first in PEOPLE:
        user = UserFactory(username=username, last_name=last, first_name=first)
        role = Membership.Role.ORGANISER if username == "wang" else Membership.Role.MEMBER
        MembershipFactory(group=group, user=user, role=role)
    return group


def shown_order(page, names):
    return sorted(names, key=page.index)


def test_a_chinese_name_is_written_family_name_first(group):
    names = {m.user.username: display_name(m.user) for m in group.memberships.all()}
    assert names == {"zhang": "张三", "amy": "amy", "li": "李四", "wang": "王五"}
    assert display_name(UserFactory(first_name="Ada", last_name="Lovelace")) == "Ada Lovelace"


def test_the_group_page_lists_its_organisers_then_its_members_by_name(client, group, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("notes:group_detail", args=[group.slug])).content.decode()
    assert shown_order(page, ["张三", "amy", "李四", "王五"]) == ["王五", "李四", "张三", "amy"]


def test_the_schedule_offers_the_members_by_name(client, group):
    MeetingFactory(group=group, date=timezone.localdate() + datetime.timedelta(days=7))
    client.force_login(group.memberships.get(user__username="wang").user)
    page = client.get(reverse("notes:schedule", args=[group.slug])).content.decode()
    options = page[page.index('name="user"') :]
    assert shown_order(options, [">张三<", ">amy<", ">李四<", ">王五<"]) == [
        ">李四<",
        ">王五<",
        ">张三<",
        ">amy<",
    ]


def test_the_groups_progress_names_its_members_by_name(group):
    progress, _own, _role = group_progress_and_own(group, [], None, names=True)
    assert [m.name for m in progress.members] == ["李四", "王五", "张三", "amy"]


def test_a_papers_readers_in_ones_groups_are_named_in_name_order(group):
    paper = PaperFactory()
    for membership in group.memberships.exclude(user__username="amy"):
        ReadingStatus.set(membership.user, paper, ReadingStatus.Status.READ)
    amy = group.memberships.get(user__username="amy").user
    _mine, others = readers(amy, paper)
    assert [name for name, _label, _status in others] == ["李四", "王五", "张三"]
