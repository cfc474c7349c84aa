"""Fragments kept once for every member (core/fragments.py, {% shared %}): an edit shows
at once to every member on every page that shows it, a member never sees what another
may read and they may not, and one edit does not make every fragment stale."""

import pytest
from django.core.cache import cache
from django.template import Context, Template
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from core import fragments, pagecache
from notes.models import Note
from tests.factories import (
    LanguageModelFactory,
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    PaperFactory,
    ReadingListFactory,
    client_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def readers(world):
    """Two members of group A (two sessions each way) and one of group B."""
    second = MembershipFactory(group=world.group_a).user
    return client_of(world.member), client_of(second), client_of(world.other)


def test_paper_edit_shows_at_once_to_every_member_on_every_page(world, readers):
    paper = PaperFactory(title_en="Scaling Laws", summary_en="Old summary.")
    NoteFactory(paper=paper, author=world.member, body_en="A note on scaling.")
    pages = [reverse("reading:paper_list"), paper.get_absolute_url()]
    for client in readers:
        for url in pages:
            assertContains(client.get(url), "Scaling Laws")
    paper.title_en = "Scaling Laws for Neural Language Models"
    paper.summary_en = "New summary."
    paper.save()
    for client in readers:
        for url in pages:
            assertContains(client.get(url), "Scaling Laws for Neural Language Models")
        assertContains(client.get(paper.get_absolute_url()), "New summary.")


def test_note_edit_shows_at_once_on_the_paper_and_meeting_pages(world, readers):
    paper = PaperFactory()
    note = NoteFactory(
        paper=paper, meeting=world.meeting, author=world.member, body_en="First thoughts."
    )
    first, second, _other = readers
    for client in (first, second):
        assertContains(client.get(paper.get_absolute_url()), "First thoughts.")
        assertContains(client.get(world.meeting.get_absolute_url()), note.title_zh)
    note.body_en, note.title_zh = "Second thoughts.", "新标题"
    note.save()
    for client in (first, second):
        response = client.get(paper.get_absolute_url())
        assertContains(response, "Second thoughts.")
        assertNotContains(response, "First thoughts.")
        assertContains(client.get(world.meeting.get_absolute_url()), "新标题")


def test_model_edit_shows_at_once_on_the_model_list_tree_and_page(world, readers):
    base = LanguageModelFactory(name="LLaMA")
    child = LanguageModelFactory(name="Alpaca", base_model=base, family_root=base)
    pages = [reverse("papers:model_list"), reverse("papers:model_family")]
    pages.append(child.get_absolute_url())
    for client in readers:
        for url in pages:
            assertContains(client.get(url), "LLaMA")
    base.name = "LLaMA 1"
    base.save()
    for client in readers:
        for url in pages:
            assertContains(client.get(url), "LLaMA 1")


def test_a_member_never_sees_another_members_notes_from_a_shared_fragment(world, readers):
    """Group A's member fills the shared fragments first; group B's member then gets the
    same fragments, but only the notes, counts and meetings they may read."""
    paper = PaperFactory(title_en="Chain of Thought")
    for note in (world.private, world.shared):
        note.paper = paper
        note.body_en = f"Secret of {note.visibility}"
        note.save()
    world.meeting.paper = paper
    world.meeting.title_zh = world.meeting.title_en = "Group A reads CoT"
    world.meeting.save()
    mine, _second, other = readers

    page = mine.get(paper.get_absolute_url())
    assertContains(page, "Secret of private")
    assertContains(page, "Secret of group")
    assertContains(page, "Group A reads CoT")
    assertContains(mine.get(reverse("reading:paper_list")), "2 notes")

    page = other.get(paper.get_absolute_url())
    assertContains(page, "Chain of Thought")
    for secret in ("Secret of private", "Secret of group", "Group A reads CoT"):
        assertNotContains(page, secret)
    listing = other.get(reverse("reading:paper_list"))
    assertContains(listing, "Chain of Thought")
    assertNotContains(listing, "note</span>")
    assertNotContains(listing, "notes</span>")


def test_one_note_edit_leaves_the_other_fragments_in_the_cache(world):
    paper = PaperFactory()
    note = NoteFactory(paper=paper, author=world.member)
    other_note = NoteFactory(author=world.member)
    keys = {
        "head": lambda: fragments.fragment_version("paper-head", [paper], ["papers.organization"]),
        "list": lambda: fragments.fragment_version(
            "models", ["/models/"], ["papers.languagemodel"]
        ),
        "note": lambda: fragments.fragment_version("paper-note", [note], ["auth.user"]),
    }
    before = {name: key() for name, key in keys.items()}
    other_note.body_en = "Edited elsewhere."
    other_note.save()
    assert {name: key() for name, key in keys.items()} == before
    note.body_en = "Edited here."
    note.save()
    after = {name: key() for name, key in keys.items()}
    assert after["note"] != before["note"]
    assert (after["head"], after["list"]) == (before["head"], before["list"])


def test_m2m_change_moves_the_stamps_of_both_sides(world):
    paper = PaperFactory()
    reading_list = ReadingListFactory()
    before = pagecache.stamps([pagecache.stamp_key("papers.paper", paper.pk)])
    paper.tags.add("Surveys")
    assert pagecache.stamps([pagecache.stamp_key("papers.paper", paper.pk)]) != before
    model = LanguageModelFactory()
    before = pagecache.stamps([pagecache.stamp_key("papers.paper", paper.pk)])
    model.papers.add(paper)
    assert pagecache.stamps([pagecache.stamp_key("papers.paper", paper.pk)]) != before
    assert reading_list.pk


def test_a_fragment_with_a_csrf_token_is_never_stored(rf, member):
    template = Template('{% load shared %}{% shared "form" %}{% csrf_token %}{% endshared %}')
    request = rf.get("/")
    request.user = member
    cache.clear()
    html = template.render(Context({"csrf_token": "secret-token", "request": request}))
    assert "secret-token" in html
    assert not [key for key in cache._cache if "fragment:" in key]


def test_slots_are_filled_for_each_request_and_stored_empty():
    template = Template(
        '{% load shared %}{% shared "rows" %}{% for n in rows %}<i>{% slot "count" n %}'
        "fallback{% endslot %}</i>{% endfor %}{% endshared %}"
    )
    first = template.render(
        Context({"rows": [1, 2], "member_slots": {"count": lambda keys: {"1": "one"}}})
    )
    assert first == "<i>one</i><i></i>"
    second = template.render(
        Context({"rows": [1, 2], "member_slots": {"count": lambda keys: {k: k for k in keys}}})
    )
    assert second == "<i>1</i><i>2</i>"
    outside = Template('{% load shared %}{% slot "count" 1 %}fallback{% endslot %}')
    assert outside.render(Context({})) == "fallback"


@pytest.mark.parametrize("count", [1, 3])
def test_key_pages_of_a_new_member_make_few_queries(world, count, django_assert_max_num_queries):
    """Another member's first view (shared fragments kept, no page of their own yet):
    at most 10 queries, the same with 1 and 3 records."""
    paper = PaperFactory()
    meeting = MeetingFactory(group=world.group_a, paper=paper)
    for _ in range(count):
        NoteFactory(paper=paper, meeting=meeting, author=world.member, group=world.group_a)
        PaperFactory()
        LanguageModelFactory()
    reading_list = ReadingListFactory()
    urls = [
        reverse("reading:paper_list"),
        paper.get_absolute_url(),
        reverse("papers:model_list"),
        reverse("papers:model_family"),
        meeting.get_absolute_url(),
        reverse("notes:meeting_present", args=[meeting.group.slug, meeting.number]),
        reverse("notes:glossary"),
        reading_list.get_absolute_url(),
    ]
    # Made first: a new account moves the stamp of auth.user (fragments with bylines).
    newcomer = client_of(MembershipFactory(group=world.group_a).user)
    first = client_of(world.member)
    for url in urls:
        assert first.get(url).status_code == 200
    # The paper page adds the member's and groups' statuses and discussions, the meeting
    # page the plan, statuses, progress and discussion, the reading list its progress.
    # Their own audience (group A's member wrote notes that are not public): the paper
    # page reads what they may read, and their own status apart from the group's.
    limits = {paper.get_absolute_url(): 7, meeting.get_absolute_url(): 8}
    limits[reading_list.get_absolute_url()] = 6
    for url in urls:
        with django_assert_max_num_queries(limits.get(url, 5)):
            response = newcomer.get(url)
        assert response.status_code == 200, url
    assert Note.objects.filter(paper=paper).count() == count


@pytest.mark.parametrize("count", [1, 3])
def test_key_pages_of_a_member_who_reads_alike_make_fewest_queries(
    world, count, django_assert_max_num_queries
):
    """Two members of the same group who wrote nothing that is not public read alike:
    what the first one's views read for their audience (keys of notes, comments, the
    group's progress) serves the second, whose first views read only their own."""
    paper = PaperFactory()
    meeting = MeetingFactory(group=world.group_a, paper=paper)
    for _ in range(count):
        NoteFactory(paper=paper, meeting=meeting, author=world.member, group=world.group_a)
        PaperFactory()
    reading_list = ReadingListFactory(group=world.group_a)
    reading_list.items.create(paper=paper, position=1)
    first_user = MembershipFactory(group=world.group_a).user
    second_user = MembershipFactory(group=world.group_a).user
    first, second = client_of(first_user), client_of(second_user)
    # The session's user and the member's own statuses; once per member (on the first
    # page that asks), their audience, groups and roles; nothing else.
    limits = {
        reverse("reading:paper_list"): 3,  # + the audience
        paper.get_absolute_url(): 3,  # + the member's groups (for the discussions)
        meeting.get_absolute_url(): 3,  # + the member's roles (for "Edit")
        reading_list.get_absolute_url(): 2,
    }
    for url in limits:
        assert first.get(url).status_code == 200
    for url, limit in limits.items():
        with django_assert_max_num_queries(limit):
            response = second.get(url)
        assert response.status_code == 200, url
