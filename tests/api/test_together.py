"""Reading status, comments and adding papers through the API, under the pages' rules."""

import pytest

from api.models import ApiToken
from notes.models import Comment, Membership, ReadingStatus
from papers.models import Paper
from tests.factories import PaperFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_set_and_clear_my_reading_status(api_as, world):
    paper = PaperFactory()
    caller = api_as(world.member)
    response = caller.put(f"/papers/{paper.slug}/status", {"status": "read"})
    assert (response.status_code, response.json()) == (200, {"status": "read"})
    assert ReadingStatus.objects.get(user=world.member, paper=paper).status == "read"
    mine = caller.get("/reading-status?mine=true").json()["items"]
    assert [(s["paper"], s["status"]) for s in mine] == [(paper.slug, "read")]
    # A member of the same group sees it (reading is shared by default); another group not.
    shared = api_as(world.organiser).get(f"/reading-status?paper={paper.slug}").json()
    assert [s["member"] for s in shared["items"]] == [world.member.username]
    assert api_as(world.other).get(f"/reading-status?paper={paper.slug}").json()["items"] == []
    assert caller.put(f"/papers/{paper.slug}/status", {"status": ""}).status_code == 200
    assert not ReadingStatus.objects.filter(user=world.member).exists()


def test_bad_status_and_read_only_token(api_as, world):
    paper = PaperFactory()
    bad = api_as(world.member).put(f"/papers/{paper.slug}/status", {"status": "skimmed"})
    assert bad.status_code == 422
    reader = api_as(world.member, ApiToken.Scope.READ)
    assert reader.put(f"/papers/{paper.slug}/status", {"status": "read"}).status_code == 403
    assert api_as(world.member).put("/papers/nope/status", {"status": "read"}).status_code == 404


def test_a_member_who_does_not_share_is_not_seen(api_as, world):
    paper = PaperFactory()
    Membership.objects.filter(user=world.member).update(shares_reading=False)
    api_as(world.member).put(f"/papers/{paper.slug}/status", {"status": "reading"})
    assert api_as(world.organiser).get("/reading-status").json()["items"] == []


def test_not_for_me_is_its_members_alone(api_as, world):
    """Every page leaves "not for me" out for others; the API listed it to every
    group-mate (and ?status=not_for_me listed them all)."""
    from api.models import LibraryVersion

    dismissed, read = PaperFactory(), PaperFactory()
    caller = api_as(world.member)
    caller.put(f"/papers/{read.slug}/status", {"status": "read"})
    version = LibraryVersion.current()
    caller.put(f"/papers/{dismissed.slug}/status", {"status": "not_for_me"})
    mate = api_as(world.organiser)
    assert [s["paper"] for s in mate.get("/reading-status").json()["items"]] == [read.slug]
    assert mate.get("/reading-status?status=not_for_me").json()["items"] == []
    assert "reading-status" not in mate.get(f"/sync?since={version}").json()["changed"]
    mine = caller.get("/reading-status?status=not_for_me").json()["items"]
    assert [s["paper"] for s in mine] == [dismissed.slug]
    # A status the group saw and then made "not for me" is gone from its sight.
    version = LibraryVersion.current()
    caller.put(f"/papers/{read.slug}/status", {"status": "not_for_me"})
    answer = mate.get(f"/sync?since={version}").json()
    assert len(answer["deleted"]["reading-status"]) == 1
    assert "reading-status" not in answer["changed"]


def test_comment_on_a_paper_in_my_group_and_reply(api_as, world):
    paper = PaperFactory()
    caller = api_as(world.member)
    made = caller.post("/comments", {"paper": paper.slug, "body": "Worth a *meeting*?"})
    assert made.status_code == 201
    comment = made.json()
    assert (comment["group"], comment["paper"], comment["author"]) == (
        world.group_a.slug,
        paper.slug,
        world.member.username,
    )
    reply = api_as(world.organiser).post(
        "/comments",
        {"paper": paper.slug, "group": world.group_a.slug, "body": "Yes", "parent": comment["id"]},
    )
    assert reply.status_code == 201 and reply.json()["parent"] == comment["id"]
    # Another group's member sees neither, and cannot answer into that discussion.
    assert api_as(world.other).get(f"/comments?paper={paper.slug}").json()["items"] == []
    sneaky = api_as(world.other).post(
        "/comments", {"paper": paper.slug, "body": "Hi", "parent": comment["id"]}
    )
    assert sneaky.status_code == 422
    listed = caller.get(f"/comments?paper={paper.slug}").json()["items"]
    assert [c["body"] for c in listed] == ["Worth a *meeting*?", "Yes"]


def test_a_paper_comments_group_missing_or_not_the_callers_is_named(api_as, world):
    """A paper's comment with no group from a member of several, or another group's, got
    404 "Not Found", as if the paper did not exist; a note names its group field."""
    paper = PaperFactory()
    Membership.objects.create(group=world.group_b, user=world.member)
    caller = api_as(world.member)
    unsaid = caller.post("/comments", {"paper": paper.slug, "body": "Which?"})
    assert unsaid.status_code == 422
    assert unsaid.json()["detail"] == [
        {
            "loc": ["body", "group"],
            "msg": "Say in which of your groups' discussions: group-a, group-b.",
            "type": "required",
        }
    ]
    foreign = api_as(world.organiser).post(
        "/comments", {"paper": paper.slug, "group": world.group_b.slug, "body": "In"}
    )
    assert foreign.status_code == 422
    assert foreign.json()["detail"][0]["loc"] == ["body", "group"]
    assert foreign.json()["detail"][0]["msg"] == "“group-b” is not one of your groups."
    outsider = UserFactory()
    alone = api_as(outsider).post("/comments", {"paper": paper.slug, "body": "Hi"})
    assert alone.status_code == 422
    assert alone.json()["detail"][0]["msg"] == (
        "A paper is discussed in a group, and you are in none."
    )
    assert not Comment.objects.exists()
    chosen = caller.post("/comments", {"paper": paper.slug, "group": "group-b", "body": "B"})
    assert (chosen.status_code, chosen.json()["group"]) == (201, "group-b")
    missing = caller.post("/comments", {"paper": "no-such-paper", "body": "x", "group": "group-a"})
    assert missing.status_code == 404


def test_comment_rules_follow_the_site(api_as, world):
    on_private = api_as(world.organiser).post(
        "/comments", {"note": world.private.slug, "body": "Peek"}
    )
    assert on_private.status_code == 404
    on_meeting = api_as(world.other).post("/comments", {"meeting": world.meeting.pk, "body": "x"})
    assert on_meeting.status_code == 404
    two_things = api_as(world.member).post(
        "/comments", {"note": world.shared.slug, "meeting": world.meeting.pk, "body": "x"}
    )
    assert two_things.status_code == 422
    empty = api_as(world.member).post("/comments", {"note": world.shared.slug, "body": "  "})
    assert empty.status_code == 422
    assert empty.json()["detail"][0]["loc"] == ["body", "body"]
    assert not Comment.objects.exists()


def test_a_comment_nested_too_deeply_gets_422_with_the_forms_message(api_as, world):
    """It was a 500: RecursionError in the renderer."""
    deep = "_" * 2000 + "x" + "_" * 2000
    response = api_as(world.member).post("/comments", {"note": world.shared.slug, "body": deep})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "body"],
            "msg": "This text nests emphasis (* or _) too deeply to be shown (more than 32 "
            "levels, at line 1): remove some of the asterisks or underscores and save again.",
            "type": "too_deep",
        }
    ]
    assert not Comment.objects.exists()


def test_edit_and_delete_a_comment(api_as, world):
    made = api_as(world.member).post("/comments", {"note": world.shared.slug, "body": "First"})
    pk, revision = made.json()["id"], made.json()["revision"]
    assert (revision, made.json()["edited"]) == (1, None)
    taken = api_as(world.presenter).patch(f"/comments/{pk}", {"body": "Mine", "revision": revision})
    assert taken.status_code == 404
    edited = api_as(world.organiser).patch(
        f"/comments/{pk}", {"body": "Moderated", "revision": revision}
    )
    assert (edited.status_code, edited.json()["body"]) == (200, "Moderated")
    assert edited.json()["revision"] == 2
    assert edited["ETag"].startswith(f'"comment-{pk}-2-')
    assert edited.json()["edited"] is not None  # as the site marks it
    unversioned = api_as(world.member).patch(f"/comments/{pk}", {"body": "Mine"})
    assert unversioned.status_code == 428
    fresh = api_as(world.member).patch(
        f"/comments/{pk}", {"body": "Mine again"}, HTTP_IF_MATCH=edited["ETag"]
    )
    assert (fresh.status_code, fresh.json()["body"]) == (200, "Mine again")
    assert api_as(world.member).delete(f"/comments/{pk}").status_code == 204
    assert Comment.objects.get(pk=pk).deleted is not None
    assert api_as(world.member).get("/comments").json()["items"] == []


@pytest.mark.parametrize("how", ["revision", "If-Match"])
def test_a_colliding_comment_edit_gets_412_and_changes_nothing(api_as, world, how):
    """Two edits based on the same revision: the second is refused as a note's is."""
    made = api_as(world.member).post("/comments", {"note": world.shared.slug, "body": "First"})
    pk = made.json()["id"]

    def based_on_1(caller, body):
        if how == "revision":
            return caller.patch(f"/comments/{pk}", {"body": body, "revision": 1})
        return caller.patch(f"/comments/{pk}", {"body": body}, HTTP_IF_MATCH=f'"comment-{pk}-1"')

    assert based_on_1(api_as(world.organiser), "Moderated").status_code == 200
    stale = based_on_1(api_as(world.member), "My second thoughts")
    assert stale.status_code == 412
    assert stale.json()["detail"] == (
        "Someone else saved this since revision 1 (it is now at revision 2). Nothing was "
        "changed: read it again, merge, and send your edit based on revision 2."
    )
    comment = Comment.objects.get(pk=pk)
    assert (comment.body, comment.revision) == ("Moderated", 2)


def test_a_new_comment_comes_with_its_etag_as_a_new_note_does(api_as, world):
    """A new note's answer gave its ETag and Location, a new comment's neither."""
    made = api_as(world.member).post("/comments", {"note": world.shared.slug, "body": "First"})
    pk = made.json()["id"]
    assert made["ETag"].startswith(f'"comment-{pk}-1-')
    assert made["Location"] == made.json()["page"]
    edited = api_as(world.member).patch(
        f"/comments/{pk}", {"body": "x"}, HTTP_IF_MATCH=made["ETag"]
    )
    assert edited.status_code == 200


def test_a_comment_is_read_with_its_etag_as_a_note_is(api_as, world):
    """There was no GET of one comment: its ETag, which the README says every GET of one
    gives, came only with an edit."""
    made = api_as(world.member).post("/comments", {"note": world.shared.slug, "body": "First"})
    pk = made.json()["id"]
    read = api_as(world.organiser).get(f"/comments/{pk}")
    assert (read.status_code, read.json()) == (200, made.json())
    assert read["ETag"] == made["ETag"]
    assert (
        api_as(world.organiser).get(f"/comments/{pk}", HTTP_IF_NONE_MATCH=read["ETag"]).status_code
        == 304
    )
    assert api_as(world.other).get(f"/comments/{pk}").status_code == 404
    api_as(world.member).delete(f"/comments/{pk}")
    assert api_as(world.member).get(f"/comments/{pk}").status_code == 404


def test_a_comment_deleted_with_a_stale_if_match_gets_412_and_stays(api_as, world):
    """If-Match on a delete was ignored: a comment edited since it was read was deleted."""
    made = api_as(world.member).post("/comments", {"note": world.shared.slug, "body": "First"})
    pk = made.json()["id"]
    read = api_as(world.member).get(f"/comments?note={world.shared.slug}")
    assert read.json()["items"][0]["revision"] == 1
    edited = api_as(world.member).patch(f"/comments/{pk}", {"body": "Second", "revision": 1})
    assert edited.status_code == 200
    stale = api_as(world.organiser).delete(f"/comments/{pk}", HTTP_IF_MATCH=f'"comment-{pk}-1"')
    assert stale.status_code == 412
    assert "now at revision 2" in stale.json()["detail"]
    assert Comment.objects.get(pk=pk).deleted is None
    current = api_as(world.organiser).delete(f"/comments/{pk}", HTTP_IF_MATCH=edited["ETag"])
    assert current.status_code == 204
    assert Comment.objects.get(pk=pk).deleted is not None


def test_a_comment_edit_based_on_another_record_gets_412(api_as, world):
    made = api_as(world.member).post("/comments", {"note": world.shared.slug, "body": "First"})
    pk = made.json()["id"]
    response = api_as(world.member).patch(
        f"/comments/{pk}", {"body": "x"}, HTTP_IF_MATCH=f'"note-{world.shared.pk}-1"'
    )
    assert response.status_code == 412
    assert Comment.objects.get(pk=pk).body == "First"


def test_sync_reports_comments_and_statuses(api_as, world):
    from api.models import LibraryVersion

    version = LibraryVersion.current()
    paper = PaperFactory()
    caller = api_as(world.member)
    caller.put(f"/papers/{paper.slug}/status", {"status": "to_read"})
    made = caller.post("/comments", {"note": world.shared.slug, "body": "Hello"}).json()
    answer = caller.get(f"/sync?since={version}").json()
    assert answer["changed"]["comments"] == [str(made["id"])]
    assert len(answer["changed"]["reading-status"]) == 1
    other = api_as(world.other).get(f"/sync?since={version}").json()
    assert "comments" not in other["changed"] and "reading-status" not in other["changed"]


def test_add_papers_with_a_dry_run_first(api_as, world, recorded_services):
    existing = PaperFactory(arxiv_id="1706.03762", title_en="Attention Is All You Need")
    caller = api_as(world.member)
    entries = "2303.18223v15\n1706.03762\nnonsense"
    preview = caller.post("/papers/add", {"entries": entries, "dry_run": True})
    assert preview.status_code == 200
    rows = preview.json()["candidates"]
    assert [(r["entry"], r["status"]) for r in rows] == [
        ("2303.18223v15", "new"),
        ("1706.03762", "existing"),
        ("nonsense", "invalid"),
    ]
    assert rows[0]["title"] == "A Survey of Large Language Models"
    assert rows[1]["existing"] == existing.slug
    assert not Paper.objects.filter(arxiv_id="2303.18223").exists()
    added = caller.post("/papers/add", {"entries": entries})
    assert added.status_code == 201
    assert [p["arxiv_id"] for p in added.json()["added"]] == ["2303.18223"]
    assert Paper.objects.get(arxiv_id="2303.18223").added_by == world.member
    again = caller.post("/papers/add", {"entries": "2303.18223"})
    assert (again.status_code, again.json()["added"]) == (200, [])
    assert again.json()["candidates"][0]["status"] == "existing"


def test_add_papers_refuses_bad_input_and_read_only_tokens(api_as, world, recorded_services):
    caller = api_as(world.member)
    assert caller.post("/papers/add", {"entries": "   "}).status_code == 422
    assert caller.post("/papers/add", {"entries": 5}).status_code == 422
    reader = api_as(world.member, ApiToken.Scope.READ)
    assert reader.post("/papers/add", {"entries": "2303.18223"}).status_code == 403
    bibtex = (
        "@article{vaswani2017, title={Attention Is All You Need}, "
        "author={Vaswani, A.}, year={2017}}"
    )
    made = caller.post("/papers/add", {"entries": bibtex})
    assert made.status_code == 201
    assert made.json()["added"][0]["title_en"] == "Attention Is All You Need"


def test_a_paper_group_or_note_filter_naming_none_the_caller_may_read_gets_400(api_as, world):
    """A paper no paper is called, a group that is none of the caller's, a note they may
    not read: 400 naming the parameter, where the lists were empty with no word of why.
    Another group's and a private note are answered as ones that do not exist; a group
    of the caller's named alike is offered."""
    paper = PaperFactory(slug="attention")
    caller = api_as(world.member)
    answers = {
        "/meetings?paper=atention": ("paper", "No paper is called “atention”.", []),
        "/notes?paper=atention": ("paper", "No paper is called “atention”.", []),
        "/comments?paper=atention": ("paper", "No paper is called “atention”.", []),
        "/reading-status?paper=atention": ("paper", "No paper is called “atention”.", []),
        "/meetings?group=group-b": (
            "group",
            "None of your groups is called “group-b”. Did you mean group-a?",
            ["group-a"],
        ),
        "/notes?group=nope": (
            "group",
            "No group of yours or with notes you may read is called “nope”.",
            [],
        ),
        "/comments?group=nope": (
            "group",
            "No group of yours or with notes you may read is called “nope”.",
            [],
        ),
        f"/comments?note={world.note_b.slug}": (
            "note",
            f"No note you may read is called “{world.note_b.slug}”.",
            [],
        ),
        "/comments?note=no-such-note": (
            "note",
            "No note you may read is called “no-such-note”.",
            [],
        ),
    }
    for path, (parameter, detail, alike) in answers.items():
        response = caller.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, path
        assert response.json() == {
            "detail": detail,
            "parameter": parameter,
            "value": path.partition("=")[2],
            "alike": alike,
        }, path
    chinese = caller.get("/meetings?group=nope", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert chinese["detail"] == "你的读书会里没有叫“nope”的。"
    # Known values with nothing to list, and the caller's own: 200.
    for path in [
        f"/meetings?paper={paper.slug}",
        f"/notes?paper={paper.slug}&group=group-a",
        f"/comments?group=group-a&note={world.shared.slug}",
        f"/reading-status?paper={paper.slug}",
    ]:
        assert caller.get(path).status_code == 200, path
    # Another group's notes for everyone are listed by their group.
    world.note_b.visibility = "everyone"
    world.note_b.save()
    listed = caller.get("/notes?group=group-b").json()["items"]
    assert [note["slug"] for note in listed] == [world.note_b.slug]
    assert caller.get("/comments?group=group-b").status_code == 200
    # Every group is the superuser's.
    assert api_as(world.superuser).get("/meetings?group=group-b").status_code == 200


def test_a_group_is_described_in_each_language(api_as, world):
    world.group_a.description_zh, world.group_a.description_en = "成员轮流分享论文。", "Papers."
    world.group_a.save()
    group = api_as(world.member).get(f"/groups/{world.group_a.slug}").json()
    assert (group["description_zh"], group["description_en"]) == ("成员轮流分享论文。", "Papers.")
    assert "description" not in group


def test_add_papers_reads_a_year_in_superscript_digits(api_as, world):
    """str.isdigit() takes ²⁰²³ where int() refuses it: even a dry run was a 500."""
    entries = "@misc{sup, title = {Superscript}, year = {²⁰²³}}"
    preview = api_as(world.member).post("/papers/add", {"entries": entries, "dry_run": True})
    assert preview.status_code == 200
    assert preview.json()["candidates"][0]["year"] == 2023


def test_add_papers_drops_nul_characters(api_as, world):
    """A NUL in an entry got a 422 ("Null characters are not allowed") for the whole
    list; PostgreSQL's text cannot hold one, and it is never meaningful text."""
    entries = "@misc{nul, title = {Null\x00 Title}, author = {Love\x00lace, Ada}}"
    added = api_as(world.member).post("/papers/add", {"entries": entries})
    assert added.status_code == 201
    assert [(p["title_en"], p["authors"]) for p in added.json()["added"]] == [
        ("Null Title", ["Ada Lovelace"])
    ]


def test_add_papers_names_the_values_left_out(api_as, world):
    entries = "@misc{late, title = {Year Nine}, year = {9999}}"
    preview = api_as(world.member).post("/papers/add", {"entries": entries, "dry_run": True})
    (row,) = preview.json()["candidates"]
    assert (row["year"], len(row["notes"])) == (None, 1)
    assert row["notes"][0].startswith("The year “9999” is left out")
