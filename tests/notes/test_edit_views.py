"""Writing on the site (notes/edit_views.py): notes, meeting write-ups, the preview."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects

from notes.forms import BODY_LIMIT
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
    # A tag the site does not keep is text, shown as written (core.markdown.KnownTagsOnly).
    assert response.json()["html"] == (
        "<p><strong>ok</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )


def test_markdown_preview_heads_callouts_in_the_fields_language(member_client):
    url = reverse("notes:markdown_preview")
    chinese = member_client.post(url, {"text": "> [!warning]\n> 小心", "field": "body_zh"})
    english = member_client.post(url, {"text": "> [!warning]\n> Careful", "field": "body_en"})
    assert '<p class="callout-title">警告</p>' in chinese.json()["html"]
    assert '<p class="callout-title">Warning</p>' in english.json()["html"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("*" * 2000 + "x" + "*" * 2000, "emphasis (* or _) too deeply"),
        ("".join("- " * i + "x\n" for i in range(1, 315)), "lists or block quotes too deeply"),
        ((("- " * 32 + "x\n") * 1516)[:100_000], "too many nested list items or quotes"),
        # Rendering ran out of recursion and showed the text as written.
        ("$$\n" + "*" * 2000 + "x" + "*" * 2000, "emphasis (* or _) too deeply"),
    ],
    ids=["emphasis", "list", "many nested items", "unclosed formula"],
)
def test_markdown_preview_of_a_text_nested_too_deeply_says_what_saving_would(
    member_client, monkeypatch, text, said
):
    """The preview crashed (RecursionError) on the emphasis and took seconds on the list:
    it answers the form's message, without rendering."""
    monkeypatch.setattr("core.markdown._markdown", None)  # not called
    url = reverse("notes:markdown_preview")
    response = member_client.post(url, {"text": text, "field": "body_en"})
    assert response.status_code == 422
    assert said in response.json()["error"]
    assert "html" not in response.json()
    chinese = member_client.post(url, {"text": text}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.json()["error"].startswith("这段文字")


def test_markdown_preview_refuses_a_text_longer_than_a_note_may_be(member_client, monkeypatch):
    """It rendered 200,000 characters, twice what the fields it previews hold (seconds
    of work on a list); now what saving would say, without rendering."""
    url = reverse("notes:markdown_preview")
    fits = member_client.post(url, {"text": "x" * BODY_LIMIT, "field": "body_en"})
    assert fits.json() == {"html": f"<p>{'x' * BODY_LIMIT}</p>"}
    monkeypatch.setattr("core.markdown._markdown", None)  # not called
    response = member_client.post(url, {"text": "- x\n" * 25_001, "field": "minutes"})
    assert response.status_code == 422
    assert response.json() == {
        "error": "Ensure this value has at most 100000 characters (it has 100004)."
    }


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


def _edit_fields(form, **changes):
    """What the edit form posts: its initial values, with ``changes``."""
    fields = {name: form[name].value() for name in form.fields}
    fields = {name: "" if value is None else value for name, value in fields.items()}
    return fields | changes


def test_an_edit_of_a_note_deleted_meanwhile_keeps_the_text(member_client, member, group):
    """Deleted in another tab while the member wrote: the edit was a page not found and
    the text lost. Now the text comes back in a new note's form, which saves it."""
    note = NoteFactory(author=member, group=group, visibility="group", tags=["Prompting"])
    url = reverse("notes:note_edit", args=[note.slug])
    fields = _edit_fields(
        member_client.get(url).context["form"], body_en="My long **rewrite**", tags="Prompting"
    )
    note.delete()
    response = member_client.post(url, fields)
    assert response.status_code == 200
    assertContains(response, "This note was deleted, or you may no longer edit it")
    assertContains(response, "My long **rewrite**")
    assertContains(response, "data-refused")  # not saved: leaving the page asks first
    assertContains(response, f'action="{reverse("notes:note_create")}"')
    form = response.context["form"]
    assert not form.is_bound
    assert "revision" not in form.initial
    saved = member_client.post(reverse("notes:note_create"), _edit_fields(form))
    rewritten = Note.objects.get(author=member)
    assertRedirects(saved, rewritten.get_absolute_url())
    assert rewritten.body_en == "My long **rewrite**"
    assert list(rewritten.tags.names()) == ["Prompting"]


def test_an_edit_of_a_note_its_author_made_private_meanwhile_keeps_the_text(
    client, organiser, group
):
    """The organiser moderates the group's notes; the author made theirs private while
    the organiser wrote: not saved over it, the organiser's text shown again."""
    note = NoteFactory(group=group, visibility="group", body_en="The author's")
    client.force_login(organiser)
    url = reverse("notes:note_edit", args=[note.slug])
    fields = _edit_fields(client.get(url).context["form"], body_en="The organiser's fix")
    Note.objects.filter(pk=note.pk).update(visibility="private")
    response = client.post(url, fields)
    assertContains(response, "The organiser&#x27;s fix")
    assertContains(response, "you may no longer edit it")
    note.refresh_from_db()
    assert note.body_en == "The author's"


def test_a_note_one_may_not_edit_is_still_not_found_to_read_its_form(member_client):
    note = NoteFactory(visibility="private")
    response = member_client.get(reverse("notes:note_edit", args=[note.slug]))
    assert response.status_code == 404


def test_a_new_note_whose_meeting_went_while_it_was_written_keeps_the_text(
    member_client, member, group
):
    """The form posts back to /notes/new/?meeting=<id>: the meeting deleted meanwhile
    made it a page not found, the text lost."""
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(group=group)
    url = reverse("notes:note_create") + f"?meeting={meeting.pk}"
    fields = _edit_fields(
        member_client.get(url).context["form"],
        title_en="Minutes of mine",
        body_en="A long **summary**",
        group=group.pk,
        visibility="group",
    )
    meeting.delete()
    response = member_client.post(url, fields)
    assert response.status_code == 200
    assertContains(response, "A long **summary**")
    assertContains(response, "What this note is about was deleted, or is no longer yours")
    assert not Note.objects.filter(author=member).exists()
    again = _edit_fields(response.context["form"])  # as the page sends it again
    assert again["meeting"] == ""
    saved = member_client.post(url, again)
    note = Note.objects.get(author=member)
    assertRedirects(saved, note.get_absolute_url())
    assert (note.body_en, note.meeting) == ("A long **summary**", None)


def test_a_write_up_sent_by_a_presenter_swapped_out_meanwhile_keeps_the_text(
    member_client, member, group
):
    """A presenter no longer presenting when they saved got a 403, the write-up lost."""
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(group=group, body_en="Before")
    meeting.presenters.add(member)
    url = reverse("notes:meeting_edit", args=[group.slug, meeting.number])
    form = member_client.get(url).context["form"]
    fields = {name: form[name].value() or "" for name in form.fields}
    meeting.presenters.remove(member)
    response = member_client.post(url, {**fields, "body_en": "My **write-up**"})
    assert response.status_code == 403
    assertContains(response, "You may no longer edit this meeting page", status_code=403)
    assertContains(response, "data-refused", status_code=403)  # leaving asks first
    assertContains(response, "My **write-up**", status_code=403)
    meeting.refresh_from_db()
    assert meeting.body_en == "Before"


def test_markdown_preview_refuses_a_nul_as_saving_does(member_client):
    """It showed "ab" for a text that saving refuses."""
    response = member_client.post(reverse("notes:markdown_preview"), {"text": "a\x00b"})
    assert response.status_code == 422
    assert response.json() == {"error": "Null characters are not allowed."}


def test_a_note_of_invisible_signs_alone_is_refused_and_titles_keep_their_direction(
    member_client, member
):
    """A title of a zero-width space saved, and showed as an empty link in every list;
    "\\u202eabc" showed as "cba"."""
    url = reverse("notes:note_create")
    response = member_client.post(
        url, {"title_en": "\u200b", "body_en": " \u200b\u2060 ", "visibility": "private"}
    )
    assertContains(response, "Write a title or a body in at least one language.")
    assert not Note.objects.exists()
    member_client.post(url, {"title_en": "\u202eabc\u200b", "visibility": "private"})
    assert Note.objects.get(author=member).title_en == "abc"
    from core.language import plain_title, shows_something

    england = "Cup \U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    assert plain_title(england) == england  # a subdivision flag keeps its tags
    assert not shows_something("\u3164\u2800 \u115f")  # letters that draw nothing


def test_a_comment_of_a_zero_width_space_alone_is_refused(member_client):
    from notes.forms import CommentForm

    form = CommentForm(data={"body": "\u200b "})
    assert form.errors["body"] == ["Write something first."]
