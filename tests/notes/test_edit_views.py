"""Writing on the site (notes/edit_views.py): notes, meeting write-ups, the preview."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from notes.models import Note
from tests.factories import NoteFactory, PaperFactory

pytestmark = pytest.mark.django_db


def test_new_note_ignores_a_meeting_in_non_ascii_digits(member_client):
    response = member_client.get(reverse("notes:note_create") + "?meeting=%C2%B2")
    assertContains(response, 'name="title_zh"')
    assert response.context["form"].initial == {}


def test_member_writes_a_bilingual_note_on_a_paper(member_client, member, group):
    paper = PaperFactory()
    url = reverse("notes:note_create") + f"?paper={paper.slug}"
    form = member_client.get(url).context["form"]
    assert form.initial["paper"] == paper
    response = member_client.post(
        url,
        {
            "title_zh": "读后感",
            "title_en": "Thoughts",
            "body_zh": "**思维链** $a^2$",
            "body_en": "**Chain of thought**",
            "paper": paper.pk,
            "group": group.pk,
            "visibility": "group",
            "translation": "",
            "tags": "Prompting",
        },
    )
    note = Note.objects.get(author=member)
    assertRedirects(response, note.get_absolute_url())
    assert note.paper == paper
    assert "<strong>思维链</strong>" in note.body_zh_html
    assert list(note.tags.names()) == ["Prompting"]


def test_member_cannot_edit_someone_elses_note(member_client):
    note = NoteFactory()
    assert member_client.get(reverse("notes:note_edit", args=[note.slug])).status_code == 404


def test_note_delete_needs_post(member_client, member):
    note = NoteFactory(author=member)
    url = reverse("notes:note_delete", args=[note.slug])
    assert member_client.get(url).status_code == 405
    member_client.post(url)
    assert not Note.objects.filter(pk=note.pk).exists()


def test_markdown_preview_is_sanitised(member_client):
    response = member_client.post(
        reverse("notes:markdown_preview"), {"text": "**ok** <script>alert(1)</script>"}
    )
    assert response.json()["html"] == "<p><strong>ok</strong> </p>"


def test_markdown_preview_heads_callouts_in_the_fields_language(member_client):
    url = reverse("notes:markdown_preview")
    chinese = member_client.post(url, {"text": "> [!warning]\n> 小心", "field": "body_zh"})
    english = member_client.post(url, {"text": "> [!warning]\n> Careful", "field": "body_en"})
    assert '<p class="callout-title">警告</p>' in chinese.json()["html"]
    assert '<p class="callout-title">Warning</p>' in english.json()["html"]


@pytest.mark.parametrize("name", ["notes:note_create", "notes:member_settings", "password_change"])
def test_a_fields_help_is_the_text_its_description_names(member_client, name):
    """Django points a field with help at "<id>_helptext" (aria-describedby): the help
    the page shows bears that id, for a screen reader to read it with the field."""
    html = member_client.get(reverse(name)).content.decode()
    described = re.findall(r'aria-describedby="([^"]+)"', html)
    assert described
    for ids in described:
        for id_ in ids.split():
            assert f'id="{id_}"' in html
