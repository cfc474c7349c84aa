"""The site's permission matrix (tests/notes/test_permissions.py) run again through the
API, with a token of each role: the API answers what the pages answer, with 401 where
the site sends an anonymous visitor to the login page."""

import pytest

from api.models import ApiToken

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "other", "organiser", "presenter", "staff", "superuser"]


def calls(w):
    """name → (method, path, body): the API's counterpart of each page of the site's matrix."""

    def edit(note):
        return ("patch", f"/notes/{note.slug}", {"title_en": "Edited", "revision": note.revision})

    meeting_edit = {"minutes": "Edited", "revision": w.meeting.revision}
    return {
        "group": ("get", f"/groups/{w.group_a.slug}", None),
        "meeting": ("get", f"/meetings/{w.meeting.pk}", None),
        "meeting_edit": ("patch", f"/meetings/{w.meeting.pk}", meeting_edit),
        "private_note": ("get", f"/notes/{w.private.slug}", None),
        "group_note": ("get", f"/notes/{w.shared.slug}", None),
        "public_note": ("get", f"/notes/{w.public.slug}", None),
        "private_note_edit": edit(w.private),
        "group_note_edit": edit(w.shared),
        "public_note_edit": edit(w.public),
        "papers": ("get", "/papers", None),
        "glossary": ("get", "/glossary", None),
        "my_notes": ("get", "/notes?mine=true", None),
        "search": ("get", "/search?q=note", None),
    }


#                      anonymous member other organiser presenter staff superuser
MATRIX = {
    "group":             (401, 200, 404, 200, 200, 404, 200),
    "meeting":           (401, 200, 404, 200, 200, 404, 200),
    "meeting_edit":      (401, 403, 404, 200, 200, 404, 200),
    "private_note":      (401, 200, 404, 404, 404, 404, 200),
    "group_note":        (401, 200, 404, 200, 200, 404, 200),
    "public_note":       (401, 200, 200, 200, 200, 200, 200),
    "private_note_edit": (401, 200, 404, 404, 404, 404, 200),
    "group_note_edit":   (401, 200, 404, 200, 404, 404, 200),
    "public_note_edit":  (401, 200, 404, 200, 404, 404, 200),
    "papers":            (401, 200, 200, 200, 200, 200, 200),
    "glossary":          (401, 200, 200, 200, 200, 200, 200),
    "my_notes":          (401, 200, 200, 200, 200, 200, 200),
    "search":            (401, 200, 200, 200, 200, 200, 200),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_api_answers_each_role_as_the_site_matrix_says(client, world, role):
    headers = {}
    if role != "anonymous":
        _token, secret = ApiToken.issue(world.users[role], "matrix", ApiToken.Scope.WRITE)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    answers = {}
    for name, (method, path, body) in calls(world).items():
        send = getattr(client, method)
        if body is None:
            response = send(f"/api/v1{path}", **headers)
        else:
            response = send(f"/api/v1{path}", body, content_type="application/json", **headers)
        answers[name] = response.status_code
    expected = {name: row[ROLES.index(role)] for name, row in MATRIX.items()}
    assert answers == expected


@pytest.mark.parametrize("role", ROLES[1:])
def test_lists_hold_exactly_what_visible_to_gives(api_as, world, role):
    from notes.models import Meeting, Note, ReadingGroup

    user = world.users[role]
    caller = api_as(user, ApiToken.Scope.READ)
    notes = {n["slug"] for n in caller.get("/notes").json()["items"]}
    meetings = {m["id"] for m in caller.get("/meetings").json()["items"]}
    groups = {g["slug"] for g in caller.get("/groups").json()}
    assert notes == set(Note.objects.visible_to(user).values_list("slug", flat=True))
    assert meetings == set(Meeting.objects.visible_to(user).values_list("pk", flat=True))
    assert groups == set(ReadingGroup.objects.of(user).values_list("slug", flat=True))


def test_another_groups_note_looks_like_no_note(api_as, world):
    caller = api_as(world.other)
    hidden = caller.get(f"/notes/{world.shared.slug}")
    missing = caller.get("/notes/no-such-note")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


@pytest.mark.parametrize(
    ("role", "expected"),
    [("member", 204), ("other", 404), ("presenter", 404), ("organiser", 204), ("superuser", 204)],
)
def test_only_author_and_moderators_delete_a_group_note(api_as, world, role, expected):
    from notes.models import Note

    response = api_as(world.users[role]).delete(f"/notes/{world.shared.slug}")
    assert response.status_code == expected
    assert Note.objects.filter(pk=world.shared.pk).exists() == (expected == 404)


def test_member_cannot_attach_a_note_to_another_groups_meeting(api_as, world):
    response = api_as(world.other).post(
        "/notes", {"title_en": "Sneaky", "meeting": world.meeting.pk, "visibility": "private"}
    )
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [["body", "meeting"]]


def test_member_cannot_move_a_note_to_a_group_of_others(api_as, world):
    response = api_as(world.member).post(
        "/notes", {"title_en": "Moved", "group": world.group_b.slug, "visibility": "group"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "group"]


def test_an_organiser_moves_no_members_note_out_of_the_group(api_as, world):
    """An organiser of group A who is a member of group C moved a member's note of A into
    C (which they do not organise, and the author is not in), or out of any group: a
    moderator edits the group's notes, not where they go."""
    from notes.models import Note
    from tests.factories import MembershipFactory, ReadingGroupFactory

    MembershipFactory(group=ReadingGroupFactory(slug="group-c"), user=world.organiser)
    organiser = api_as(world.organiser)
    for group in ("group-c", None):
        response = organiser.patch(
            f"/notes/{world.public.slug}", {"group": group, "revision": world.public.revision}
        )
        assert response.status_code == 422
        assert response.json()["detail"] == [
            {
                "loc": ["body", "group"],
                "msg": "Only its author may move a note to another group, or out of its group.",
                "type": "not_author",
            }
        ]
    assert Note.objects.get(pk=world.public.pk).group == world.group_a
    edited = organiser.patch(
        f"/notes/{world.public.slug}", {"title_en": "Moderated", "revision": world.public.revision}
    )
    assert edited.status_code == 200
    # Its author moves it; so does a superuser.
    MembershipFactory(group=world.group_b, user=world.member)
    moved = api_as(world.member).patch(
        f"/notes/{world.public.slug}", {"group": "group-b", "revision": edited.json()["revision"]}
    )
    assert (moved.status_code, moved.json()["group"]) == (200, "group-b")
    back = api_as(world.superuser).patch(
        f"/notes/{world.public.slug}", {"group": "group-a", "revision": moved.json()["revision"]}
    )
    assert (back.status_code, back.json()["group"]) == (200, "group-a")


def test_an_organiser_shows_no_members_note_to_more_readers(api_as, world):
    """An organiser set a member's note for the group to "everyone": every member of the
    site read it. A moderator may show it to fewer (take a note off the public list)."""
    from notes.models import Note

    organiser = api_as(world.organiser)
    shared = world.shared
    widened = organiser.patch(
        f"/notes/{shared.slug}", {"visibility": "everyone", "revision": shared.revision}
    )
    assert widened.status_code == 422
    assert widened.json()["detail"] == [
        {
            "loc": ["body", "visibility"],
            "msg": "Only its author may show a note to more readers than it has.",
            "type": "not_author",
        }
    ]
    assert Note.objects.get(pk=shared.pk).visibility == "group"
    public = world.public
    narrowed = organiser.patch(
        f"/notes/{public.slug}", {"visibility": "group", "revision": public.revision}
    )
    assert (narrowed.status_code, narrowed.json()["visibility"]) == (200, "group")
    # Its author widens it again.
    again = api_as(world.member).patch(
        f"/notes/{public.slug}", {"visibility": "everyone", "revision": narrowed.json()["revision"]}
    )
    assert (again.status_code, again.json()["visibility"]) == (200, "everyone")


def test_a_note_for_a_group_on_a_meeting_is_the_meetings_groups(api_as, world):
    """A note of group A on a meeting of group B was listed on B's meeting page, for A's
    members, where B's organisers could not moderate it."""
    from tests.factories import MembershipFactory

    MembershipFactory(group=world.group_b, user=world.member)
    member = api_as(world.member)
    sent = {"title_en": "On B's meeting", "visibility": "group", "meeting": world.meeting_b.pk}
    refused = member.post("/notes", {**sent, "group": "group-a"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "group"]
    assert "is for that group to read" in refused.json()["detail"][0]["msg"]
    assert member.post("/notes", {**sent, "group": "group-b"}).status_code == 201
    assert (
        member.post("/notes", {**sent, "group": "group-a", "visibility": "private"}).status_code
        == 201
    )
