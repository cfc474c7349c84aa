"""Writing notes through the API: the site's form, its stale-save check and its messages."""

import json

import pytest
from taggit.models import Tag

from notes.forms import BODY_LIMIT
from notes.models import Note
from papers.models import TopicName
from tests.factories import NoteFactory, PaperFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(world):
    return world.shared


def test_create_a_note_about_a_paper(api_as, world):
    paper = PaperFactory()
    response = api_as(world.member).post(
        "/notes",
        {
            "title_en": "On scaling",
            "body_zh": "# 规模\n\n$L(N)$",
            "paper": paper.slug,
            "visibility": "group",
            "tags": ["scaling laws", "LoRA"],
        },
    )
    assert response.status_code == 201
    data = response.json()
    note = Note.objects.get(slug=data["slug"])
    assert (note.author, note.group, note.paper) == (world.member, world.group_a, paper)
    assert data["tags"] == ["LoRA", "scaling laws"]
    assert response["ETag"].startswith(f'"note-{note.pk}-1-')
    assert response["Location"] == note.get_absolute_url()
    assert '<span class="arithmatex">' in note.body_zh_html


def test_a_note_sent_without_visibility_is_read_as_the_schema_says(api_as, world):
    """``visibility`` is optional in the published schema, but a note without it got a 422
    ("This field is required."): generated clients failed on every new note."""
    grouped = api_as(world.member).post("/notes", {"title_en": "x", "body_en": "y"})
    assert grouped.status_code == 201, grouped.content
    note = Note.objects.get(slug=grouped.json()["slug"])
    assert (note.group, note.visibility) == (world.group_a, Note.Visibility.GROUP)
    null = api_as(world.member).post("/notes", {"title_en": "null", "visibility": None})
    assert null.status_code == 201, null.content
    assert Note.objects.get(slug=null.json()["slug"]).visibility == Note.Visibility.GROUP
    alone = api_as(world.superuser).post("/notes", {"title_en": "mine"})  # in no group
    assert alone.status_code == 201, alone.content
    note = Note.objects.get(slug=alone.json()["slug"])
    assert (note.group, note.visibility) == (None, Note.Visibility.PRIVATE)
    described = api_as(world.member).get("/openapi.json").json()
    schema = described["components"]["schemas"]["NoteIn"]
    assert "visibility" not in schema.get("required", [])


@pytest.mark.parametrize(
    "field, slug, message",
    [
        ("paper", "no-such-paper", "No paper has the slug “no-such-paper”."),
        ("language_model", "no-such-model", "No model has the slug “no-such-model”."),
        ("group", "group-b", "“group-b” is not one of your groups."),
        ("group", "nowhere", "“nowhere” is not one of your groups."),
    ],
)
def test_a_slug_that_names_nothing_the_caller_may_choose_is_named(
    api_as, world, field, slug, message
):
    """The form said only "Select a valid choice. That choice is not one of the available
    choices." A group the caller is not in reads as one that does not exist."""
    response = api_as(world.member).post(
        "/notes", {"title_en": "x", "visibility": "private", field: slug}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", field], "msg": message, "type": "invalid_choice"}
    ]
    assert not Note.objects.filter(title_en="x").exists()


def test_an_edit_based_on_a_revision_the_note_never_had_says_so(api_as, world, note):
    response = api_as(world.member).patch(
        f"/notes/{note.slug}", {"body_en": "Mine", "revision": note.revision + 98}
    )
    assert response.status_code == 412
    assert response.json()["detail"] == (
        f"This has no revision {note.revision + 98}: it is at revision {note.revision}. "
        f"Nothing was changed: read it again and send your edit based on revision "
        f"{note.revision}."
    )
    note.refresh_from_db()
    assert note.body_en != "Mine"


def test_an_edit_that_changes_nothing_saves_nothing_but_topics_alone_are_saved(api_as, world, note):
    """An edit that sends the note as it is leaves its revision, "updated" and history as
    they were (RevisionForm.unchanged); one that only sets the topics, which the API takes
    as a list beside the form's data, is saved."""
    caller = api_as(world.member)
    note.tags.clear()
    note.refresh_from_db()
    before = (note.revision, note.updated, note.history.count())
    same = caller.patch(
        f"/notes/{note.slug}", {"body_en": note.body_en, "tags": [], "revision": note.revision}
    )
    assert same.status_code == 200
    note.refresh_from_db()
    assert (note.revision, note.updated, note.history.count()) == before
    topics = caller.patch(f"/notes/{note.slug}", {"tags": ["LoRA"], "revision": note.revision})
    assert topics.status_code == 200 and topics.json()["tags"] == ["LoRA"]
    note.refresh_from_db()
    assert note.revision == before[0] + 1
    assert [tag.name for tag in note.tags.all()] == ["LoRA"]


@pytest.mark.parametrize("tags", [None, ["LoRA"], ["LoRA", "LoRA"]])
def test_an_edit_of_a_note_with_topics_that_changes_nothing_saves_nothing(
    api_as, world, note, tags
):
    note.tags.set(["LoRA"])
    note.refresh_from_db()
    before = (note.revision, note.updated, note.history.count())
    sent = {"body_en": note.body_en, "revision": note.revision}
    if tags is not None:
        sent["tags"] = tags
    assert api_as(world.member).patch(f"/notes/{note.slug}", sent).status_code == 200
    note.refresh_from_db()
    assert (note.revision, note.updated, note.history.count()) == before


def test_edit_with_if_match_then_a_stale_edit_gets_412_and_changes_nothing(api_as, world, note):
    caller = api_as(world.member)
    etag = caller.get(f"/notes/{note.slug}")["ETag"]
    assert etag.startswith(f'"note-{note.pk}-{note.revision}-')
    fresh = caller.patch(f"/notes/{note.slug}", {"body_en": "First edit"}, HTTP_IF_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh.json()["revision"] == note.revision + 1
    assert fresh["ETag"] != etag
    stale = caller.patch(f"/notes/{note.slug}", {"body_en": "Second edit"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    # Both edits were the caller's (another client, say): not blamed on someone else.
    assert stale.json()["detail"] == (
        f"You saved this again since revision {note.revision}, from another client or window "
        f"(it is now at revision {note.revision + 1}). Nothing was changed: read it again, "
        f"merge, and send your edit based on revision {note.revision + 1}."
    )
    note.refresh_from_db()
    assert (note.body_en, note.revision) == ("First edit", 2)


def test_a_stale_edit_after_another_members_save_says_someone_else_saved(api_as, world, note):
    etag = api_as(world.member).get(f"/notes/{note.slug}")["ETag"]
    note.body_en, note.revision = "Another edit", note.revision + 1
    note.save()  # no member saving (a script): the history cannot say who
    unknown = api_as(world.member).patch(
        f"/notes/{note.slug}", {"body_en": "Mine"}, HTTP_IF_MATCH=etag
    )
    assert unknown.json()["detail"].startswith("This was saved again since revision 1 ")
    HistoricalNote = type(note).history.model
    HistoricalNote.objects.filter(id=note.pk).update(history_user=world.organiser)
    stale = api_as(world.member).patch(
        f"/notes/{note.slug}", {"body_en": "Mine"}, HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    assert stale.json()["detail"].startswith("Someone else saved this since revision 1 ")


def test_edit_with_a_revision_field(api_as, world, note):
    caller = api_as(world.member)
    ok = caller.patch(f"/notes/{note.slug}", {"title_en": "New", "revision": note.revision})
    stale = caller.patch(f"/notes/{note.slug}", {"title_en": "Old", "revision": note.revision})
    assert (ok.status_code, stale.status_code) == (200, 412)
    note.refresh_from_db()
    assert note.title_en == "New"


def test_edit_without_a_version_gets_428(api_as, world, note):
    response = api_as(world.member).patch(f"/notes/{note.slug}", {"title_en": "Blind"})
    assert response.status_code == 428
    assert "revision" in response.json()["detail"]


def test_if_match_of_another_record_gets_412(api_as, world, note):
    response = api_as(world.member).patch(
        f"/notes/{note.slug}", {"title_en": "x"}, HTTP_IF_MATCH=f'"note-{world.public.pk}-1"'
    )
    assert response.status_code == 412


def test_patch_keeps_what_it_does_not_send(api_as, world, note):
    note.tags.add("kept")
    before = Note.objects.get(pk=note.pk)
    response = api_as(world.member).patch(
        f"/notes/{note.slug}", {"title_zh": "只改标题", "revision": note.revision}
    )
    assert response.status_code == 200
    after = Note.objects.get(pk=note.pk)
    assert after.title_zh == "只改标题"
    assert (after.body_en, after.group, after.visibility) == (
        before.body_en,
        before.group,
        before.visibility,
    )
    assert list(after.tags.names()) == ["kept"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title_en": "x", "visibility": "secret"}, "visibility"),
        ({"title_en": 5}, "title_en"),
        ({"title_en": "x", "meeting": "one"}, "meeting"),
        ({"title_en": "x", "tags": "not a list"}, "tags"),
        ({"title_en": "x", "colour": "red"}, "colour"),
        ({"body_en": "x" * (BODY_LIMIT + 1)}, "body_en"),
    ],
)
def test_bad_fields_get_422_naming_the_field(api_as, world, body, field):
    response = api_as(world.member).post("/notes", body)
    assert response.status_code == 422
    assert field in {str(part) for error in response.json()["detail"] for part in error["loc"]}
    assert Note.objects.count() == 4


def test_form_errors_come_back_per_field(api_as, world):
    caller = api_as(world.member)
    empty = caller.post("/notes", {"visibility": "private"})
    assert empty.status_code == 422
    assert empty.json()["detail"] == [
        {
            "loc": ["body"],
            "msg": "Write a title or a body in at least one language.",
            "type": "invalid",
        }
    ]
    nul = caller.post("/notes", {"title_en": "a\x00b", "visibility": "private"})
    assert nul.status_code == 422
    assert nul.json()["detail"][0]["loc"] == ["body", "title_en"]
    control = caller.post("/notes", {"title_en": "GPT\x02-4", "visibility": "private"})
    assert control.status_code == 422  # the Atom feeds could not have carried it
    assert control.json()["detail"][0]["loc"] == ["body", "title_en"]
    assert "control character (U+0002, line 1)" in control.json()["detail"][0]["msg"]
    unknown = caller.post("/notes", {"title_en": "x", "paper": "no-such-paper"})
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "paper"]


@pytest.mark.parametrize(
    ("body", "line"),
    [("*" * 2000 + "x" + "*" * 2000, 1), ("".join("- " * i + "x\n" for i in range(1, 315)), 33)],
    ids=["emphasis", "list"],
)
def test_a_note_nested_too_deeply_gets_422_with_the_forms_message(api_as, world, body, line):
    """It was a 500 (RecursionError in the renderer) for the emphasis, and seconds of
    rendering for the list."""
    caller = api_as(world.member)
    response = caller.post("/notes", {"title_en": "x", "visibility": "group", "body_en": body})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "body_en"]
    assert "too deeply to be shown (more than 32 levels" in error["msg"]
    assert f"at line {line})" in error["msg"]
    assert Note.objects.count() == 4
    before = world.shared.body_zh
    edit = caller.patch(f"/notes/{world.shared.slug}", {"body_zh": body, "revision": 1})
    assert edit.status_code == 422
    world.shared.refresh_from_db()
    assert (world.shared.body_zh, world.shared.revision) == (before, 1)


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b"", b"[]", b"null", b'"text"', b"\xff\xfe", json.dumps([1, 2]).encode()],
)
def test_broken_bodies_get_4xx_not_500(client, token_for, world, raw):
    response = client.post(
        "/api/v1/notes", raw, content_type="application/json", **token_for(world.member)
    )
    assert response.status_code in {400, 422}
    assert "detail" in response.json()


def test_huge_body_is_refused_unread(client, token_for, world, settings):
    settings.API_MAX_BODY_BYTES = 1000
    body = json.dumps({"title_en": "x", "body_en": "y" * 2000})
    response = client.post(
        "/api/v1/notes", body, content_type="application/json", **token_for(world.member)
    )
    assert response.status_code == 413
    assert "1000 bytes" in response.json()["detail"]


def test_wrong_content_type_is_refused(client, token_for, world):
    response = client.post(
        "/api/v1/notes", "title_en=x", content_type="text/plain", **token_for(world.member)
    )
    assert response.status_code in {400, 415, 422}


def test_delete_a_note(api_as, world):
    note = NoteFactory(author=world.member, visibility="private")
    response = api_as(world.member).delete(f"/notes/{note.slug}")
    assert response.status_code == 204
    assert not Note.objects.filter(pk=note.pk).exists()


def test_a_delete_with_a_stale_if_match_gets_412_and_deletes_nothing(api_as, world):
    """A client that deletes what it read, sending its ETag, is refused when the note has
    changed since (If-Match was ignored: the note was deleted over another's edit)."""
    note = NoteFactory(author=world.member, group=world.group_a, visibility="group")
    member, organiser = api_as(world.member), api_as(world.organiser)
    etag = member.get(f"/notes/{note.slug}")["ETag"]
    edited = organiser.patch(f"/notes/{note.slug}", {"body_en": "Moderated"}, HTTP_IF_MATCH=etag)
    assert edited.status_code == 200
    stale = member.delete(f"/notes/{note.slug}", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale.json()["detail"].startswith("Someone else saved this since revision 1 ")
    other = member.delete(f"/notes/{note.slug}", HTTP_IF_MATCH=f'"note-{world.public.pk}-1"')
    assert other.status_code == 412
    assert Note.objects.filter(pk=note.pk).exists()
    current = member.delete(f"/notes/{note.slug}", HTTP_IF_MATCH=edited["ETag"])
    assert current.status_code == 204
    assert not Note.objects.filter(pk=note.pk).exists()


def test_stale_meeting_edit_gets_412(api_as, world):
    caller = api_as(world.presenter)
    etag = caller.get(f"/meetings/{world.meeting.pk}")["ETag"]
    first = caller.patch(f"/meetings/{world.meeting.pk}", {"minutes": "one"}, HTTP_IF_MATCH=etag)
    second = caller.patch(f"/meetings/{world.meeting.pk}", {"minutes": "two"}, HTTP_IF_MATCH=etag)
    assert (first.status_code, second.status_code) == (200, 412), (etag, first.content)
    world.meeting.refresh_from_db()
    assert world.meeting.minutes == "one"
    assert "one" in world.meeting.minutes_html


@pytest.mark.parametrize(
    "path",
    [
        f"/meetings/{2**70}",
        "/meetings/-1",
        f"/notes?meeting={2**70}",
        f"/sync?since={2**70}",
        f"/papers?since={2**70}",
        "/papers?year=99999999999999999999",
        "/papers/%00",
        "/notes/" + "a" * 5000,
        "/search?q=" + "x" * 5000,
        "/search?q=%F0%9F%98%80%E2%80%AE",
    ],
)
def test_hostile_paths_and_queries_get_4xx(api_as, world, path):
    response = api_as(world.member).get(path)
    assert response.status_code < 500


@pytest.mark.parametrize(
    "body",
    [
        {"title_en": "x", "meeting": 2**70},
        {"title_en": "x", "revision": 2**70},
        {"title_en": "x", "paper": "a" * 5000},
        {"title_en": "x", "tags": ["t" * 200]},
        {"title_en": "x", "tags": [1, 2]},
        {"title_en": "x", "group": ["a"]},
        {"title_en": None, "body_en": None, "visibility": "private"},
    ],
)
def test_hostile_note_bodies_get_422(api_as, world, body):
    response = api_as(world.member).post("/notes", body)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_a_note_from_outside_gives_its_author_name_in_both_languages(api_as, world):
    note = NoteFactory(
        author=None,
        author_name="Obsidian note “LLM”",
        author_name_zh="Obsidian 笔记《LLM》",
        visibility="everyone",
    )
    data = api_as(world.member).get(f"/notes/{note.slug}").json()
    assert (data["author"], data["author_name"], data["author_name_zh"]) == (
        None,
        "Obsidian note “LLM”",
        "Obsidian 笔记《LLM》",
    )


def test_topics_are_set_as_given_commas_too(api_as, world):
    """A list of topics went through taggit's tag string; names with commas stay whole,
    on the API and through the note's next edit on the site."""
    caller = api_as(world.member)
    names = ["scaling, laws", "规模，定律", "RLHF"]
    made = caller.post("/notes", {"title_en": "Commas", "visibility": "group", "tags": names})
    assert made.status_code == 201, made.content
    assert made.json()["tags"] == sorted(names)
    note = Note.objects.get(slug=made.json()["slug"])
    assert sorted(note.tags.names()) == sorted(names)
    # An edit of another field keeps them as they are.
    edited = caller.patch(f"/notes/{note.slug}", {"body_en": "Edited"}, HTTP_IF_MATCH=made["ETag"])
    assert edited.status_code == 200, edited.content
    assert edited.json()["tags"] == sorted(names)


@pytest.mark.parametrize("name", ['x"y', 'He said "hi"'])
def test_a_topic_with_a_double_quote_is_refused_by_name(api_as, world, name):
    """Stored, it was split by the note's next edit on the site (its topics are written
    as taggit's string there): ``x"y`` became ``x`` and ``y``."""
    response = api_as(world.member).post(
        "/notes", {"title_en": "x", "visibility": "group", "tags": ["ok", name]}
    )
    assert response.status_code == 422
    message = response.json()["detail"][0]["msg"]
    assert message == f'A topic cannot hold a double quote ("): “{name}”.'
    assert not Note.objects.filter(title_en="x").exists()


def test_a_topic_given_by_its_chinese_name_is_that_topic(api_as, world):
    """As on the site (papers.topics): 综述 is the topic Surveys, not a second one."""
    surveys = Tag.objects.create(name="Surveys", slug="surveys")
    TopicName.objects.rename(surveys, "综述")
    made = api_as(world.member).post(
        "/notes", {"title_en": "x", "visibility": "group", "tags": ["综述", "新话题"]}
    )
    assert made.status_code == 201, made.content
    assert made.json()["tags"] == ["Surveys", "新话题"]
    assert not Tag.objects.filter(name="综述").exists()


def test_a_topic_of_signs_alone_is_refused_by_name(api_as, world):
    response = api_as(world.member).post(
        "/notes", {"title_en": "x", "visibility": "group", "tags": ["ok", ";;"]}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "tags"],
            "msg": "A topic needs a letter or a digit: “;;”.",
            "type": "invalid",
        }
    ]


def test_an_organiser_who_makes_a_note_private_gets_204_not_a_failure(api_as, world):
    """The edit was saved, then reading the note back for the answer failed: a 500, and a
    retry a 404."""
    note = world.shared
    answer = api_as(world.organiser).patch(
        f"/notes/{note.slug}", {"visibility": "private", "revision": note.revision}
    )
    assert (answer.status_code, answer.content) == (204, b"")
    note.refresh_from_db()
    assert note.visibility == "private"


def test_a_note_of_a_meeting_its_author_no_longer_sees_is_edited_and_keeps_it(api_as, world):
    note = world.shared
    type(note).objects.filter(pk=note.pk).update(meeting=world.meeting)
    world.member.memberships.all().delete()
    note.refresh_from_db()
    answer = api_as(world.member).patch(
        f"/notes/{note.slug}", {"title_en": "Edited", "revision": note.revision}
    )
    assert answer.status_code in (200, 204), answer.content
    note.refresh_from_db()
    assert (note.title_en, note.meeting_id) == ("Edited", world.meeting.pk)


def test_an_unknown_meeting_is_named(api_as, world):
    answer = api_as(world.member).post(
        "/notes", {"title_en": "T", "meeting": 987654}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["msg"] == "No meeting of yours has the id 987654."
