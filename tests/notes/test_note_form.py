"""The note form keeps a note's group unless the editor chooses another of theirs."""

import pytest
from django.urls import reverse

from notes.models import Note
from tests.factories import MembershipFactory, NoteFactory, ReadingGroupFactory, UserFactory

pytestmark = pytest.mark.django_db


def edit(client, note, **changes):
    data = {
        "title_zh": note.title_zh,
        "title_en": note.title_en,
        "body_zh": note.body_zh,
        "body_en": note.body_en,
        "translation": note.translation,
        "group": note.group_id or "",
        "visibility": note.visibility,
        "tags": "",
        "revision": note.revision,
        **changes,
    }
    return client.post(reverse("notes:note_edit", args=[note.slug]), data)


@pytest.fixture
def group_note(group):
    author = MembershipFactory(group=group).user
    return NoteFactory(author=author, group=group, visibility=Note.Visibility.GROUP)


@pytest.mark.parametrize("editor", ["superuser", "moderator", "former member"])
def test_an_editor_outside_the_group_saves_without_losing_it(client, group, group_note, editor):
    if editor == "superuser":
        user = UserFactory(is_superuser=True, is_staff=True)
    elif editor == "moderator":
        user = MembershipFactory(group=group, role="organiser").user
        MembershipFactory(group=ReadingGroupFactory(), user=user)  # in another group too
    else:
        user = group_note.author
        user.memberships.all().delete()
    client.force_login(user)

    response = edit(client, group_note, title_en="Edited")

    assert response.status_code == 302, response.content.decode()[:2000]
    group_note.refresh_from_db()
    assert (group_note.title_en, group_note.group_id) == ("Edited", group.pk)
    assert group_note.visibility == Note.Visibility.GROUP


def test_a_note_cannot_be_moved_to_a_group_the_editor_is_not_in(client, group, group_note):
    client.force_login(group_note.author)
    elsewhere = ReadingGroupFactory()
    response = edit(client, group_note, group=elsewhere.pk)
    assert response.status_code == 200
    group_note.refresh_from_db()
    assert group_note.group_id == group.pk


def test_the_form_offers_the_notes_group_and_the_editors_own(client, group, group_note):
    mine = ReadingGroupFactory(name="My other group")
    group_note.author.memberships.all().delete()
    MembershipFactory(group=mine, user=group_note.author)
    client.force_login(group_note.author)
    form = client.get(reverse("notes:note_edit", args=[group_note.slug])).context["form"]
    assert set(form.fields["group"].queryset) == {group, mine}
    assert form.initial["group"] == group.pk
