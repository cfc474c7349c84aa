"""Reading pages with the group's reading: status controls on every paper row, filters by
who has read a paper, the drawings marking what the group has read."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from notes.models import Membership, ReadingStatus
from tests.factories import (
    LanguageModelFactory,
    MembershipFactory,
    PaperFactory,
    ReadingStatusFactory,
)

pytestmark = pytest.mark.django_db

Status = ReadingStatus.Status


@pytest.fixture
def reading(world):
    """Papers read by the member, by the organiser (same group), by a member of another
    group, and by nobody."""
    papers = {
        name: PaperFactory(title_en=f"Paper {name}") for name in ("mine", "ours", "theirs", "none")
    }
    ReadingStatusFactory(user=world.member, paper=papers["mine"])
    ReadingStatusFactory(user=world.organiser, paper=papers["ours"])
    ReadingStatusFactory(user=world.other, paper=papers["theirs"])
    ReadingStatusFactory(user=world.member, paper=papers["none"], status=Status.TO_READ)
    return papers


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("me", {"mine"}),
        ("group", {"mine", "ours"}),
        ("nobody", {"theirs", "none"}),
        ("anything", {"mine", "ours", "theirs", "none"}),
    ],
)
def test_paper_list_filters_by_who_has_read(client, world, reading, who, expected):
    client.force_login(world.member)
    response = client.get(reverse("reading:paper_list"), {"read": who})
    found = {p.title_en.removeprefix("Paper ") for p in response.context["page_obj"]}
    assert found == expected


def test_a_member_who_does_not_share_counts_for_no_one_else(client, world, reading):
    Membership.objects.filter(user=world.organiser).update(shares_reading=False)
    client.force_login(world.member)
    response = client.get(reverse("reading:paper_list"), {"read": "group"})
    assert {p.title_en for p in response.context["page_obj"]} == {"Paper mine"}


def test_paper_rows_show_the_members_own_status(client, world, reading):
    client.force_login(world.member)
    response = client.get(reverse("reading:paper_list"))
    statuses = {p.title_en: p.my_status for p in response.context["page_obj"]}
    assert statuses == {
        "Paper mine": "read",
        "Paper ours": "",
        "Paper theirs": "",
        "Paper none": "to_read",
    }
    assertContains(response, 'class="status-control"', count=4)


@pytest.mark.parametrize("count", [1, 3])
def test_paper_list_with_statuses_queries_do_not_grow(
    member_client, member, django_assert_num_queries, count
):
    for _ in range(count):
        ReadingStatusFactory(user=member, paper=PaperFactory())
        ReadingStatusFactory(user=MembershipFactory().user, paper=PaperFactory())
    # + the member's audience, for keeping the rows' note counts for it; the filters'
    # choices (topics, organisations, sources, years: kept until the library changes)
    with django_assert_num_queries(10):
        response = member_client.get(reverse("reading:paper_list"), {"read": "group"})
    assertContains(response, 'data-status="read"', count=count)


@pytest.mark.parametrize("count", [1, 3])
def test_search_results_carry_status_controls_in_constant_queries(
    member_client, member, django_assert_num_queries, count
):
    for _ in range(count):
        ReadingStatusFactory(user=member, paper=PaperFactory(summary_en="About tools."))
    # user, audience, ranking, documents, the member's statuses (slots in the shared results)
    with django_assert_num_queries(5):
        response = member_client.get(reverse("search:results"), {"q": "tools"})
    assertContains(response, 'data-status="read"', count=count)


def test_charts_mark_models_whose_papers_the_group_has_read(client, world):
    read, unread = LanguageModelFactory(name="ReadNet"), LanguageModelFactory(name="FreshNet")
    for model, who in ((read, world.organiser), (unread, world.other)):
        paper = PaperFactory()
        model.papers.add(paper)
        ReadingStatusFactory(user=who, paper=paper)
    read.released = unread.released = "2023-01-01"
    read.parameters_b = unread.parameters_b = 7
    read.save()
    unread.save()
    client.force_login(world.member)
    timeline = client.get(reverse("reading:model_timeline_read")).content.decode()
    assert timeline.count('class="point') == 2
    assert timeline.count("read-mark") == 1
    assert "ReadNet" in timeline.split("read-mark")[0].rsplit("<a ", 1)[-1]
    plain = client.get(reverse("papers:model_timeline"))
    assertNotContains(plain, "read-mark")
    assertContains(plain, reverse("reading:model_timeline_read"))
    assert "chart-none-read" not in timeline


@pytest.mark.parametrize("name", ["reading:model_timeline_read", "reading:model_family_read"])
def test_charts_say_so_when_the_group_has_read_nothing(member_client, name):
    response = member_client.get(reverse(name))
    assertContains(response, "No one in your groups has marked a paper of these models as read")
    assertContains(response, 'aria-pressed="true"')
