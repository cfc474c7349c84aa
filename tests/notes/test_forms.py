"""The forms of what the group writes (notes/forms.py).

WritingForm is the one stale-save check: two people editing the same note, meeting page
or comment, on the site or in the admin, and the second save is refused, not lost. It also
refuses NUL characters, texts over BODY_LIMIT and Markdown nested too deeply to be shown
(core.nesting), keeping the text; NoteForm limits the meetings and
groups a note may be attached to and the length of its tags.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from api.models import Change
from notes.forms import BODY_LIMIT
from notes.models import Comment, Meeting, Membership, Note
from papers.models import Paper
from tests.factories import (
    CommentFactory,
    MeetingFactory,
    MembershipFactory,
    NoteFactory,
    PaperFactory,
    ReadingGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REFUSED = "Someone else saved this while you were editing"
SAVED_VERSION = '<a href="" target="_blank" rel="noopener">the saved version</a>'
OWN = "You saved this again in another tab or window since you opened it here"
UNKNOWN = "This was saved again since you opened it"


def form_data(form):
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        if isinstance(value, list | tuple):
            data[form.add_prefix(name)] = [str(v) for v in value]
        elif isinstance(value, datetime.date):
            data[form.add_prefix(name)] = value.isoformat()
        else:
            data[form.add_prefix(name)] = str(value)
    return data


def admin_post_data(response):
    """What the browser would send back from an admin change form, unchanged."""
    data = form_data(response.context["adminform"].form)
    # The history's form of an older version has no inlines.
    inlines = (
        response.context["inline_admin_formsets"]
        if "inline_admin_formsets" in response.context
        else []
    )
    for inline in inlines:
        formset = inline.formset
        data.update(form_data(formset.management_form))
        for form in formset.forms:
            data.update(form_data(form))
    return data


def test_site_note_second_save_is_refused_and_keeps_the_text(client, world):
    url = reverse("notes:note_edit", args=[world.shared.slug])
    base = {"title_en": "t", "visibility": "group", "group": world.group_a.pk}
    client.force_login(world.organiser)
    opened = client.get(url).context["form"]["revision"].value()
    client.force_login(world.member)
    assert client.post(url, {**base, "body_en": "mine", "revision": opened}).status_code == 302
    client.force_login(world.organiser)
    response = client.post(url, {**base, "body_en": "theirs", "revision": opened})
    assert response.status_code == 200
    assertContains(response, REFUSED)
    assertContains(response, ">\ntheirs</textarea>")
    world.shared.refresh_from_db()
    assert (world.shared.body_en, world.shared.revision) == ("mine", 2)
    # Reloading the refusal would send the form again: a link opens the saved version,
    # the page's own address, in a new tab.
    assertContains(response, SAVED_VERSION, html=True)
    assertNotContains(response, "reload the page to see")
    assertContains(client.get(url), ">\nmine</textarea>")


def test_site_meeting_second_save_is_refused_and_keeps_the_text(client, world):
    url = reverse("notes:meeting_edit", args=[world.group_a.slug, 1])
    client.force_login(world.presenter)
    opened = client.get(url).context["form"]["revision"].value()
    assert client.post(url, {"body_en": "first", "revision": opened}).status_code == 302
    client.force_login(world.organiser)
    response = client.post(url, {"body_en": "second", "revision": opened})
    assertContains(response, REFUSED)
    assertContains(response, ">\nsecond</textarea>")
    world.meeting.refresh_from_db()
    assert (world.meeting.body_en, world.meeting.revision) == ("first", 2)


def admin_record(world, model):
    """A note, meeting or comment, its Markdown field and its admin change page."""
    if model is Comment:
        obj = CommentFactory(paper=PaperFactory(), group=world.group_a, author=world.member)
    else:
        obj = world.shared if model is Note else world.meeting
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return obj, "body" if model is Comment else "body_en", url


@pytest.mark.parametrize("model", [Note, Meeting, Comment], ids=["note", "meeting", "comment"])
def test_admin_second_save_is_refused_and_keeps_the_text(client, world, model):
    """The same superuser in two tabs: their own newer save is not someone else's."""
    obj, text_field, url = admin_record(world, model)
    client.force_login(world.superuser)
    first = admin_post_data(client.get(url))
    second = dict(first)
    assert first["revision"] == "1"
    first[text_field], second[text_field] = "first editor", "second editor"
    assert client.post(url, first).status_code == 302
    response = client.post(url, second)
    assert response.status_code == 200
    assertContains(response, OWN)
    assertNotContains(response, REFUSED)
    assertContains(response, ">\nsecond editor</textarea>")
    obj.refresh_from_db()
    assert (getattr(obj, text_field), obj.revision) == ("first editor", 2)


def test_admin_refuses_a_save_over_a_newer_site_save(client, world):
    url = reverse("admin:notes_note_change", args=[world.shared.pk])
    client.force_login(world.superuser)
    stale = admin_post_data(client.get(url))
    client.force_login(world.member)
    client.post(
        reverse("notes:note_edit", args=[world.shared.slug]),
        {"title_en": "t", "body_en": "site", "visibility": "group", "group": world.group_a.pk,
         "revision": 1},
    )  # fmt: skip
    client.force_login(world.superuser)
    response = client.post(url, {**stale, "body_en": "admin"})
    assertContains(response, REFUSED)
    world.shared.refresh_from_db()
    assert world.shared.body_en == "site"


def test_admin_save_without_changes_needs_no_merge(client, world):
    url = reverse("admin:notes_note_change", args=[world.shared.pk])
    client.force_login(world.superuser)
    data = admin_post_data(client.get(url))
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # same text again: nothing to lose


def as_a_browser_sends(data):
    """Form data as a browser sends it: each line end of a textarea as CR LF."""
    return {
        key: value.replace("\n", "\r\n") if isinstance(value, str) else value
        for key, value in data.items()
    }


def saved_state(obj):
    obj.refresh_from_db()
    history = obj.history.count() if hasattr(obj, "history") else None
    return obj.revision, obj.updated, history


@pytest.mark.parametrize("model", [Note, Meeting, Comment, Paper], ids=lambda m: m.__name__)
def test_an_admin_form_sent_back_unchanged_saves_nothing(client, world, model):
    """A browser sends a textarea's line ends as CR LF: "Save" on a form nobody changed
    read the texts as changed and saved the record again, its revision, "updated" and
    history moved on by nobody's edit, and a paper's notes shown under it with it (the
    home page then listed them as updated)."""
    two_lines = "First line.\nSecond line."
    paper = PaperFactory(summary_en=two_lines)
    note = NoteFactory(paper=paper, author=world.member, group=world.group_a, body_en=two_lines)
    Meeting.objects.filter(pk=world.meeting.pk).update(body_en=two_lines, minutes=two_lines)
    obj = {
        Note: note,
        Meeting: world.meeting,
        Comment: CommentFactory(paper=paper, group=world.group_a, body=two_lines),
        Paper: paper,
    }[model]
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    client.force_login(world.superuser)
    before, note_before = saved_state(obj), saved_state(note)
    data = as_a_browser_sends(admin_post_data(client.get(url)))
    assert any("\r\n" in value for value in data.values() if isinstance(value, str))
    response = client.post(url, data, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors
    assertContains(response, f"Nothing was changed: “{obj}” is as it was.")
    assertNotContains(response, "was changed successfully")
    assert saved_state(obj) == before
    assert saved_state(note) == note_before  # shown under the paper: untouched too
    # A change is saved, its line ends as the library keeps them.
    field = "body" if model is Comment else "remarks" if model is Paper else "body_en"
    data[field] = "Changed.\r\nTwice."
    assert client.post(url, data).status_code == 302
    obj.refresh_from_db()
    assert (getattr(obj, field), obj.revision) == ("Changed.\nTwice.", before[0] + 1)


def test_a_version_restored_from_the_history_is_saved(client, world):
    """The history's "Revert" sends a form filled from the older version: it changes none
    of its own fields, yet the record: saved (an unchanged form saves nothing, 3a8276f,
    and a restore was lost). So is a deleted note restored."""
    note = world.shared
    note.title_en, note.body_en = "Old title", "Old\ntext."
    note.save()
    old = note.history.latest()
    note.title_en, note.body_en = "New title", "New text."
    note.save()
    client.force_login(world.superuser)
    url = reverse("admin:notes_note_simple_history", args=[note.pk, old.history_id])
    data = as_a_browser_sends(admin_post_data(client.get(url)))
    assert client.post(url, data).status_code == 302
    note.refresh_from_db()
    assert (note.title_en, note.body_en) == ("Old title", "Old\ntext.")
    gone = NoteFactory(author=world.member, group=world.group_a, title_en="Gone soon")
    pk, version = gone.pk, gone.history.latest().history_id
    gone.delete()
    url = reverse("admin:notes_note_simple_history", args=[pk, version])
    data = as_a_browser_sends(admin_post_data(client.get(url)))
    assert client.post(url, data).status_code == 302
    assert Note.objects.get(pk=pk).title_en == "Gone soon"


def test_an_unchanged_admin_save_of_a_paper_with_topics_logs_no_change(client, world):
    """The admin sets a record's topics again on every save: as they were, that is no
    change for the sync log either."""
    paper = PaperFactory()
    paper.tags.set(["LoRA"])
    logged = Change.objects.filter(kind="papers", object_id=paper.pk)
    before = logged.values_list("version", flat=True).get()
    client.force_login(world.superuser)
    url = reverse("admin:papers_paper_change", args=[paper.pk])
    assert client.post(url, as_a_browser_sends(admin_post_data(client.get(url)))).status_code == 302
    assert logged.values_list("version", flat=True).get() == before


def test_a_site_form_sent_back_unchanged_saves_nothing(client, world):
    """The note's and the meeting page's edit forms, and a comment's: "Save" without a
    change says so and saves nothing."""
    two_lines = "First line.\nSecond line."
    Note.objects.filter(pk=world.shared.pk).update(body_en=two_lines)
    Meeting.objects.filter(pk=world.meeting.pk).update(body_en=two_lines)
    comment = CommentFactory(
        note=world.shared, paper=None, group=None, author=world.member, body=two_lines
    )
    client.force_login(world.member)
    for obj, url, said in (
        (world.shared, reverse("notes:note_edit", args=[world.shared.slug]),
         "Nothing was changed: the note is as it was."),
        (comment, reverse("notes:comment_edit", args=[comment.pk]),
         "Nothing was changed: the comment is as it was."),
        (world.meeting, reverse("notes:meeting_edit", args=[world.group_a.slug, 1]),
         "Nothing was changed: the meeting page is as it was."),
    ):  # fmt: skip
        if obj is world.meeting:
            client.force_login(world.presenter)
        before = saved_state(obj)
        data = as_a_browser_sends(form_data(client.get(url).context["form"]))
        response = client.post(url, data, follow=True)
        assertContains(response, said)
        assert saved_state(obj) == before


def test_stale_inline_note_on_a_paper_is_refused(client, world):
    paper = PaperFactory()
    note = NoteFactory(paper=paper, author=world.member, group=world.group_a)
    url = reverse("admin:papers_paper_change", args=[paper.pk])
    client.force_login(world.superuser)
    stale = admin_post_data(client.get(url))
    Note.objects.filter(pk=note.pk).update(body_en="newer", revision=2)
    key = next(k for k, v in stale.items() if k.endswith("-id") and v == str(note.pk))
    stale[key.replace("-id", "-body_en")] = "older"
    response = client.post(url, stale)
    assertContains(response, UNKNOWN)  # changed by no one the history knows
    note.refresh_from_db()
    assert note.body_en == "newer"


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


# --- Bad values: a clear message, and nothing changed --------------------------------


def note_post(client, **fields):
    data = {"title_en": "Long", "visibility": "private", **fields}
    return client.post(reverse("notes:note_create"), data)


def test_body_over_the_limit_is_refused_and_kept(member_client):
    response = note_post(member_client, body_en="x" * (BODY_LIMIT + 1))
    assertContains(
        response,
        f"Ensure this value has at most {BODY_LIMIT} characters (it has {BODY_LIMIT + 1}).",
    )
    assert Note.objects.count() == 0
    assert note_post(member_client, body_en="x" * BODY_LIMIT).status_code == 302


def test_meeting_write_up_over_the_limit_is_refused(client, organiser, group):
    meeting = Meeting.objects.create(group=group, number=1, date="2024-01-01")
    client.force_login(organiser)
    response = client.post(
        reverse("notes:meeting_edit", args=[group.slug, 1]),
        {"body_zh": "长" * (BODY_LIMIT + 1), "revision": 1},
    )
    assertContains(response, f"at most {BODY_LIMIT} characters")
    meeting.refresh_from_db()
    assert (meeting.body_zh, meeting.revision) == ("", 1)


@pytest.mark.parametrize("field", ["title_en", "body_en", "body_zh", "tags"])
@pytest.mark.parametrize(
    "language, message",
    [("en", "Null characters are not allowed."), ("zh-hans", "文本中不能含有 NUL 字符，请删除。")],
)
def test_nul_bytes_are_refused_with_one_message(member_client, field, language, message):
    """Once, in words that say so: the form added a message of its own to Django's, and
    Django's Chinese said "empty strings are not allowed" (the site's catalogue puts it
    right)."""
    response = member_client.post(
        reverse("notes:note_create"),
        {"title_en": "Long", "visibility": "private", field: "before\x00after"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    # Not also "Write a title or a body", of a note whose only title held the NUL.
    assert response.context["form"].non_field_errors() == []
    assert Note.objects.count() == 0


def test_an_overlong_tag_gets_a_message(member_client):
    response = member_client.post(
        reverse("notes:note_create"),
        {"title_zh": "笔记", "visibility": "private", "tags": "a" * 150},
    )
    assert response.status_code == 200
    assert "at most 100 characters" in str(response.context["form"].errors["tags"])


# --- What a note may be attached to, and who it belongs to ----------------------------


def test_a_note_cannot_be_attached_to_another_groups_meeting(member_client, member):
    secret = MeetingFactory(title_zh="别组的秘密组会")
    response = member_client.post(
        reverse("notes:note_create"),
        {"title_zh": "笔记", "visibility": "private", "meeting": secret.pk},
    )
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors().as_data()
    assert [error.code for error in errors] == ["subject_gone"]
    assert not Note.objects.filter(meeting=secret).exists()


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


def test_second_of_two_concurrent_edits_is_refused_and_keeps_its_text(member_client, member):
    """The author edits the note in two tabs: the refusal says so, blaming no one else."""
    note = NoteFactory(author=member, body_zh="原文")
    url = reverse("notes:note_edit", args=[note.slug])
    data = {
        "title_zh": note.title_zh,
        "body_zh": "第一人的修改",
        "visibility": "everyone",
        "revision": note.revision,
    }
    assert member_client.post(url, data).status_code == 302
    data["body_zh"] = "第二人的修改"
    response = member_client.post(url, data)
    assert response.status_code == 200
    assertContains(response, OWN)
    assertNotContains(response, REFUSED)
    assertContains(response, "第二人的修改")
    note.refresh_from_db()
    assert note.body_zh == "第一人的修改"
    assert note.revision == 2


# --- The note form keeps a note's group unless the editor chooses another of theirs ---


def edit_note(client, note, **changes):
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
        # What the form's hidden fields send back.
        "paper": note.paper_id or "",
        "language_model": note.language_model_id or "",
        "meeting": note.meeting_id or "",
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

    response = edit_note(client, group_note, title_en="Edited")

    assert response.status_code == 302, response.content.decode()[:2000]
    group_note.refresh_from_db()
    assert (group_note.title_en, group_note.group_id) == ("Edited", group.pk)
    assert group_note.visibility == Note.Visibility.GROUP


@pytest.mark.parametrize("editor", ["moderator", "former member"])
def test_a_note_of_a_meeting_the_editor_cannot_see_is_saved_and_keeps_it(
    client, group, group_note, editor
):
    """The meeting field (hidden) offered only meetings the editor sees: a note of a
    meeting of a group its author left, or that a moderator from elsewhere edits, could
    never be saved again ("Select a valid choice")."""
    meeting = MeetingFactory(group=group)
    Note.objects.filter(pk=group_note.pk).update(meeting=meeting)
    group_note.refresh_from_db()
    if editor == "moderator":
        user = UserFactory(is_superuser=False)
        MembershipFactory(group=group, user=user, role="organiser")
        Meeting.objects.filter(pk=meeting.pk).update(group=ReadingGroupFactory())
    else:
        user = group_note.author
        user.memberships.all().delete()
    client.force_login(user)
    response = edit_note(client, group_note, title_en="Edited")
    assert response.status_code == 302, response.content.decode()[:2000]
    group_note.refresh_from_db()
    assert (group_note.title_en, group_note.meeting_id) == ("Edited", meeting.pk)
    # Another meeting the editor cannot see is still refused.
    response = edit_note(client, group_note, meeting=MeetingFactory().pk)
    assert [error.code for error in response.context["form"].non_field_errors().as_data()] == [
        "subject_gone"
    ]
    group_note.refresh_from_db()
    assert group_note.meeting_id == meeting.pk


def test_a_moderator_who_makes_a_note_private_is_told_and_not_sent_to_a_missing_page(
    client, group, group_note
):
    paper = PaperFactory()
    Note.objects.filter(pk=group_note.pk).update(paper=paper)
    group_note.refresh_from_db()
    client.force_login(MembershipFactory(group=group, role="organiser").user)
    response = edit_note(client, group_note, visibility="private")
    assert response.status_code == 302
    assert response["Location"] == paper.get_absolute_url()
    page = client.get(response["Location"])
    assert "It is private to its author now" in page.content.decode()
    group_note.refresh_from_db()
    assert group_note.visibility == "private"


def test_a_meeting_id_too_long_to_be_one_is_no_meeting(member_client):
    """Python refuses to read a number of more than 4,300 digits: it was a 500."""
    response = member_client.get(reverse("notes:note_create") + "?meeting=" + "9" * 5000)
    assert response.status_code == 200
    assert response.context["form"]["meeting"].value() is None


def test_a_note_cannot_be_moved_to_a_group_the_editor_is_not_in(client, group, group_note):
    client.force_login(group_note.author)
    elsewhere = ReadingGroupFactory()
    response = edit_note(client, group_note, group=elsewhere.pk)
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


def test_the_note_forms_empty_choices_say_what_they_mean(member_client):
    page = member_client.get(reverse("notes:note_create"))
    assertContains(page, '<option value="" selected>Neither: both are originals</option>')
    assertContains(page, ">No group</option>")
    assert "---------" not in page.content.decode()


def test_each_side_of_the_note_form_is_in_its_language(member_client):
    """A screen reader reads what is typed in the Chinese fields with a Chinese voice,
    and the browser checks the spelling of each side in its own language."""
    form = member_client.get(reverse("notes:note_create")).context["form"]
    assert form["title_zh"].field.widget.attrs["lang"] == "zh-Hans"
    assert form["body_zh"].field.widget.attrs["lang"] == "zh-Hans"
    assert form["title_en"].field.widget.attrs["lang"] == "en"
    assert form["body_en"].field.widget.attrs["lang"] == "en"
    assert "lang" not in form["tags"].field.widget.attrs


# --- Markdown nested too deeply (core.nesting) ---------------------------------------------

# What the probe sent: 4,001 characters of emphasis went past Python's recursion limit (a
# 500, the text lost); a list nested 314 deep (99.5 K characters) took seconds to save.
DEEP = {
    "asterisks": "*" * 2000 + "x" + "*" * 2000,
    "underscores": "_" * 2000 + "x" + "_" * 2000,
    "list": "".join("- " * i + "x\n" for i in range(1, 315)),
    "quoted list": "".join("> - " + "- " * i + "x\n" for i in range(1, 300)),
    # Each line 32 deep, within the limit, as long as a note may be: seconds to render.
    "many nested items": (("- " * 32 + "x\n") * 1516)[:100_000],
    # A formula never closed hid the rest from the count; so did \end{aligned}.
    "unclosed formula": "$$\n" + "*" * 2000 + "x" + "*" * 2000,
    "aligned": "\\begin{aligned}\na\n\\end{aligned}\n" + "*" * 2000 + "x" + "*" * 2000,
    "long numbers": "1234567890. " * 60 + "x",
}
TOO_DEEP = {
    "asterisks": "This text nests emphasis (* or _) too deeply to be shown (more than 32 "
    "levels, at line 1): remove some of the asterisks or underscores and save again.",
    "list": "This text nests lists or block quotes too deeply to be shown (more than 32 "
    "levels, at line 33): flatten that part and save again.",
}
TOO_DEEP["underscores"] = TOO_DEEP["asterisks"]
TOO_DEEP["quoted list"] = TOO_DEEP["list"].replace("line 33", "line 31")
TOO_DEEP["many nested items"] = (
    "This text has too many nested list items or quotes to be shown (their levels add up "
    "to more than 25,000 by line 782): flatten some of its lists, or split it, and save again."
)
TOO_DEEP["unclosed formula"] = TOO_DEEP["asterisks"].replace("line 1", "line 2")
TOO_DEEP["aligned"] = TOO_DEEP["asterisks"].replace("line 1", "line 4")
TOO_DEEP["long numbers"] = TOO_DEEP["list"].replace("line 33", "line 1")


def kept_in_the_form(response, text, status_code=200):
    """The refused text is in its textarea, as typed."""
    assertContains(response, f">\n{escape(text)}</textarea>", status_code=status_code)


@pytest.fixture
def no_rendering(monkeypatch):
    """Fail a test that renders Markdown: a refused text is refused before that."""

    def refuse():
        raise AssertionError("rendered Markdown")

    monkeypatch.setattr("core.markdown._markdown", refuse)


@pytest.mark.parametrize("kind", DEEP)
def test_a_note_nested_too_deeply_is_refused_before_rendering_and_kept(
    member_client, group, no_rendering, kind
):
    response = member_client.post(
        reverse("notes:note_create"),
        {"title_en": "x", "visibility": "group", "group": group.pk, "body_en": DEEP[kind]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"body_en": [TOO_DEEP[kind]]}
    kept_in_the_form(response, DEEP[kind])
    assert not Note.objects.exists()


def test_a_note_nested_too_deeply_gets_the_message_in_chinese(member_client, group):
    response = member_client.post(
        reverse("notes:note_create"),
        {"title_zh": "x", "visibility": "group", "group": group.pk, "body_zh": DEEP["list"]},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.context["form"].errors == {
        "body_zh": [
            "这段文字的列表或引用嵌套太深，无法显示（超过 32 层，见第 33 行）："
            "请减少那里的嵌套层级后再保存。"
        ]
    }
    assert not Note.objects.exists()


def test_a_note_nested_as_people_write_is_saved(member_client, group):
    ten = "".join("    " * level + f"- level {level + 1}\n" for level in range(10))
    body = f"{ten}\n**bold *italic***\n\n> > - quoted list"
    response = member_client.post(
        reverse("notes:note_create"),
        {"title_en": "x", "visibility": "group", "group": group.pk, "body_en": body},
    )
    assert response.status_code == 302
    html = Note.objects.get().body_en_html
    assert (html.count("<ul>"), html.count("<blockquote>")) == (11, 2)
    assert "<p><strong>bold <em>italic</em></strong></p>" in html


def test_a_comment_nested_too_deeply_is_refused_and_kept(member_client, group):
    paper = PaperFactory()
    response = member_client.post(
        reverse("notes:comment_on_paper", args=[paper.slug, group.slug]),
        {"body": DEEP["asterisks"]},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"body": [TOO_DEEP["asterisks"]]}
    kept_in_the_form(response, DEEP["asterisks"], status_code=400)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("field", ["body_zh", "body_en", "minutes"])
def test_a_meeting_write_up_nested_too_deeply_is_refused_and_kept(client, organiser, group, field):
    meeting = Meeting.objects.create(group=group, number=1, date="2024-01-01")
    client.force_login(organiser)
    response = client.post(
        reverse("notes:meeting_edit", args=[group.slug, 1]),
        {field: DEEP["underscores"], "revision": 1},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [TOO_DEEP["underscores"]]}
    kept_in_the_form(response, DEEP["underscores"])
    meeting.refresh_from_db()
    assert (getattr(meeting, field), meeting.revision) == ("", 1)


@pytest.mark.parametrize("model", [Note, Meeting, Comment], ids=["note", "meeting", "comment"])
def test_an_admin_form_refuses_markdown_nested_too_deeply_and_keeps_it(client, world, model):
    obj, field, url = admin_record(world, model)
    before = getattr(obj, field)
    client.force_login(world.superuser)
    data = admin_post_data(client.get(url))
    quoted_lists = "Intro\n\n" + "> " * 20 + "- " * 20 + "x"  # a comment is 20,000 at most
    response = client.post(url, {**data, field: quoted_lists})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        field: [TOO_DEEP["list"].replace("line 33", "line 3")]
    }
    kept_in_the_form(response, quoted_lists)
    obj.refresh_from_db()
    assert (getattr(obj, field), obj.revision) == (before, 1)


def test_a_record_saved_without_a_form_keeps_a_text_nested_too_deeply(world):
    """Where no form can say so (loaddata, a script), the text is kept and shown as
    written (core.markdown.render_document), and the save neither fails nor lingers."""
    note = NoteFactory(author=world.member, group=world.group_a, body_en=DEEP["asterisks"])
    note.refresh_from_db()
    assert note.body_en == DEEP["asterisks"]
    assert "This text nests too deeply to be shown formatted" in note.body_en_html
    assert f"<pre><code>{DEEP['asterisks']}</code></pre>" in note.body_en_html


def test_a_time_zone_with_a_nul_gets_one_message():
    """Django's text field says the NUL is not allowed; the zone's own check no longer says
    as well that it is no time zone name."""
    from notes.forms import MeetingTimeForm

    form = MeetingTimeForm(
        {"day": "2030-01-01", "start_time": "10:00", "duration": 90, "time_zone": "Asia/\x00X"}
    )
    assert form.errors["time_zone"] == ["Null characters are not allowed."]


CONTROL = (
    "The text holds an invisible control character (U+%s, line %s), pasted perhaps from a "
    "terminal or a PDF: remove it."
)


@pytest.mark.parametrize(
    ("field", "text", "said"),
    [
        ("title_en", "GPT\x02-4 notes", CONTROL % ("0002", 1)),
        ("body_en", "Loss:\n\n\x1b[0m 2.31", CONTROL % ("001B", 3)),
        ("body_zh", "损失\x0c下降", CONTROL % ("000C", 1)),
        ("tags", "Prompting, R\x1fL", CONTROL % ("001F", 1)),
    ],
)
def test_control_characters_are_refused_with_where_they_are(member_client, field, text, said):
    """Pasted from a terminal or a PDF, they were saved, and every Atom feed that listed
    the note then failed (XML 1.0 has no place for them)."""
    response = member_client.post(
        reverse("notes:note_create"), {"title_en": "Long", "visibility": "private", field: text}
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [said]
    assert Note.objects.count() == 0


def test_tabs_and_line_ends_are_text_not_control_characters(member_client, group):
    body = "| a\t| b |\r\n|---|---|\r\n| 1\t| 2 |\n"
    response = member_client.post(
        reverse("notes:note_create"),
        {"title_en": "Tabs", "visibility": "group", "group": group.pk, "body_en": body},
    )
    assert response.status_code == 302
    paper = PaperFactory()
    url = reverse("notes:comment_on_paper", args=[paper.slug, group.slug])
    assert member_client.post(url, {"body": "a\tb\r\nc"}).status_code == 302


def test_a_comment_or_meeting_text_with_a_control_character_is_refused_and_kept(
    client, organiser, group
):
    client.force_login(organiser)
    paper = PaperFactory()
    response = client.post(
        reverse("notes:comment_on_paper", args=[paper.slug, group.slug]),
        {"body": "ok \x1b[31mred\x1b[0m"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"body": [CONTROL % ("001B", 1)]}
    assert not Comment.objects.exists()
    Meeting.objects.create(group=group, number=1, date="2024-01-01")
    response = client.post(
        reverse("notes:meeting_edit", args=[group.slug, 1]),
        {"title_en": "Week\x081", "minutes": "Fine", "revision": 1},
    )
    assert response.context["form"].errors == {"title_en": [CONTROL % ("0008", 1)]}
    from notes.forms import MeetingTimeForm, OneOffForm

    when = {"day": "2030-01-01", "start_time": "10:00", "duration": 90, "time_zone": "UTC"}
    assert MeetingTimeForm({**when, "place": "Room\x07302"}).errors == {
        "place": [CONTROL % ("0007", 1)]
    }
    one_off = OneOffForm({**when, "presenter_slots": 1, "title_zh": "推理\x01"})
    assert one_off.errors == {"title_zh": [CONTROL % ("0001", 1)]}


def test_the_preview_refuses_a_control_character_as_saving_would(member_client):
    response = member_client.post(reverse("notes:markdown_preview"), {"text": "a\n\x1b[0m"})
    assert response.status_code == 422
    assert response.json() == {"error": CONTROL % ("001B", 2)}
