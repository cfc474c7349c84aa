"""Shared fragments (core/fragments.py) never carry one member's reading status, group
progress or discussion to another member, and a status change shows at once."""

import pytest
from django.urls import reverse

from tests.factories import PaperFactory, ReadingStatusFactory, client_of


@pytest.fixture
def scene(world):
    paper = PaperFactory(title_en="Chain of Thought", summary_en="Reasoning with tools.")
    discussed = PaperFactory(title_en="Scaling Laws", summary_en="Reasoning with tools.")
    world.meeting.paper = paper
    world.meeting.save()
    world.meeting.papers.add(discussed)
    world.list_a.items.create(paper=paper, position=1)
    world.list_a.items.create(paper=discussed, position=2)
    ReadingStatusFactory(user=world.member, paper=paper, status="read")
    ReadingStatusFactory(user=world.member, paper=discussed, status="read")
    ReadingStatusFactory(user=world.organiser, paper=paper, status="to_read")
    ReadingStatusFactory(user=world.organiser, paper=discussed, status="to_read")
    world.paper = paper
    return world


def urls(world):
    return [
        reverse("reading:paper_list"),
        world.paper.get_absolute_url(),
        world.meeting.get_absolute_url(),
        world.list_a.get_absolute_url(),
        reverse("search:results") + "?q=tools",
        reverse("search:results") + "?q=tools&kind=papers",
    ]


def test_each_member_sees_only_their_own_status_on_shared_pages(scene, settings):
    settings.PAGECACHE_ENABLED = True
    member, organiser = client_of(scene.member), client_of(scene.organiser)
    for url in urls(scene):
        # The member first fills the shared fragments; the organiser reads them next,
        # then the member again (from the shared fragments and their own page).
        for _round in range(2):
            mine = member.get(url).content.decode()
            theirs = organiser.get(url).content.decode()
            assert 'data-status="read"' in mine, url
            assert 'data-status="to_read"' not in mine, url
            assert 'data-status="to_read"' in theirs, url
            assert 'data-status="read"' not in theirs, url


def test_a_status_change_shows_at_once_on_shared_pages(scene, settings):
    settings.PAGECACHE_ENABLED = True
    member, organiser = client_of(scene.member), client_of(scene.organiser)
    for url in urls(scene):
        member.get(url)
        organiser.get(url)
    organiser.post(
        reverse("notes:status_set", args=[scene.paper.pk]), {"status": "reading", "next": "/"}
    )
    for url in urls(scene):
        assert 'data-status="reading"' in organiser.get(url).content.decode(), url
        assert 'data-status="reading"' not in member.get(url).content.decode(), url


def test_the_family_tree_marks_are_kept_per_group(scene, settings):
    settings.PAGECACHE_ENABLED = True
    url = reverse("reading:model_family_read")
    assert client_of(scene.member).get(url).status_code == 200
    assert client_of(scene.other).get(url).status_code == 200
