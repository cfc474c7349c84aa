"""Holes found in review: each test pins the fix."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from notes.models import Membership, Mention, Note
from tests.factories import (
    LanguageModelFactory,
    MeetingFactory,
    NoteFactory,
    PaperFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_note_cannot_be_attached_to_another_groups_meeting(member_client, member):
    secret = MeetingFactory(title_zh="别组的秘密组会")
    response = member_client.post(
        reverse("notes:note_create"),
        {"title_zh": "笔记", "visibility": "private", "meeting": secret.pk},
    )
    assert response.status_code == 200
    assert "meeting" in response.context["form"].errors
    assert not Note.objects.filter(meeting=secret).exists()


def test_a_note_does_not_show_a_meeting_its_reader_cannot_see(member_client):
    meeting = MeetingFactory(title_zh="别组的秘密组会")
    note = NoteFactory(meeting=meeting, visibility="everyone")
    response = member_client.get(note.get_absolute_url())
    assert response.status_code == 200
    assert "别组的秘密组会" not in response.content.decode()


def test_moderating_a_documents_note_keeps_it_authorless(client, group):
    organiser = UserFactory()
    Membership.objects.create(group=group, user=organiser, role="organiser")
    note = NoteFactory(author=None, author_name="shuyhere/all-about-llm", group=group)
    client.force_login(organiser)
    response = client.post(
        reverse("notes:note_edit", args=[note.slug]),
        {
            "title_zh": "改过",
            "visibility": note.visibility,
            "group": group.pk,
            "revision": note.revision,
        },
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.author, note.author_name, note.title_zh) == (
        None,
        "shuyhere/all-about-llm",
        "改过",
    )


def test_an_edit_that_does_not_say_its_revision_is_refused(member_client, member):
    note = NoteFactory(author=member, body_zh="原文")
    response = member_client.post(
        reverse("notes:note_edit", args=[note.slug]),
        {"title_zh": note.title_zh, "body_zh": "新文", "visibility": "everyone"},
    )
    assert response.status_code == 200
    assertContains(response, "reload the page")
    note.refresh_from_db()
    assert note.body_zh == "原文"


def test_an_overlong_tag_gets_a_message(member_client):
    response = member_client.post(
        reverse("notes:note_create"),
        {"title_zh": "笔记", "visibility": "private", "tags": "a" * 150},
    )
    assert response.status_code == 200
    assert "at most 100 characters" in str(response.context["form"].errors["tags"])


@pytest.mark.parametrize(
    "url",
    ["/search/?q=ab%00cd", "/papers/?q=a%00b", "/papers/?topic=a%00", "/notes/new/?paper=a%00"],
)
def test_a_nul_byte_in_the_address_is_a_bad_request(member_client, url):
    assert member_client.get(url).status_code == 400


@pytest.mark.parametrize("url", ["/papers/?year=%C2%B2", "/notes/new/?meeting=%C2%B2"])
def test_non_ascii_digits_in_the_address_are_ignored(member_client, url):
    assert member_client.get(url).status_code == 200


def test_only_a_superuser_sees_the_list_of_mentions(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:notes_mention_changelist")).status_code == 403


def test_deleting_a_record_drops_its_mentions():
    paper = PaperFactory(slug="toolformer")
    NoteFactory(body_zh="[[toolformer]]")
    assert Mention.objects.of(paper).count() == 1
    paper.delete()
    assert Mention.objects.count() == 0


def test_many_wiki_links_resolve_in_a_constant_number_of_queries(
    member_client, django_assert_max_num_queries
):
    LanguageModelFactory(name="LLaMA")
    text = "[[LLaMA]]\n\n"
    text += "\n\n".join(" ".join(f"[[t{i}-{j}]]" for j in range(12)) for i in range(100))
    with django_assert_max_num_queries(8):
        response = member_client.post(reverse("notes:markdown_preview"), {"text": text})
    assert 'class="wikilink" href="/models/' in response.json()["html"]


def test_search_never_suggests_a_word_from_someone_elses_private_note(member_client):
    NoteFactory(visibility="private", body_en="zanzibarqux appears only here")
    response = member_client.get("/search/?q=zanzibarqix")
    assert "zanzibarqux" not in response.content.decode()
