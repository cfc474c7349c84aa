"""The permission matrix of the site: every page × every role.

Status codes: 200 shown, 302 sent to the login page, 403 may read but not change,
404 not shown (not even that it exists).
"""

import datetime

import pytest
from django.urls import reverse

from notes import feeds
from notes.models import Note
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "other", "organiser", "presenter", "staff", "superuser"]


def page_urls(w):
    meeting = [w.meeting.group.slug, w.meeting.number]
    return {
        "group": w.group_a.get_absolute_url(),
        "meeting": w.meeting.get_absolute_url(),
        "meeting_edit": reverse("notes:meeting_edit", args=meeting),
        "private_note": w.private.get_absolute_url(),
        "group_note": w.shared.get_absolute_url(),
        "public_note": w.public.get_absolute_url(),
        "private_note_edit": reverse("notes:note_edit", args=[w.private.slug]),
        "group_note_edit": reverse("notes:note_edit", args=[w.shared.slug]),
        "public_note_edit": reverse("notes:note_edit", args=[w.public.slug]),
        "papers": reverse("reading:paper_list"),
        "glossary": reverse("notes:glossary"),
        "my_notes": reverse("notes:my_notes"),
        "home": reverse("reading:home"),
        "my_reading": reverse("notes:my_reading"),
        "schedule": reverse("notes:schedule", args=[w.group_a.slug]),
        "meeting_move": reverse("notes:meeting_move", args=meeting),
        "meeting_ics": reverse("notes:meeting_ics", args=meeting),
        "member_settings": reverse("notes:member_settings"),
    }


#                      anonymous member other organiser presenter staff superuser
MATRIX = {
    "group":             (302, 200, 404, 200, 200, 404, 200),
    "meeting":           (302, 200, 404, 200, 200, 404, 200),
    "meeting_edit":      (302, 403, 404, 200, 200, 404, 200),
    "private_note":      (302, 200, 404, 404, 404, 404, 200),
    "group_note":        (302, 200, 404, 200, 200, 404, 200),
    "public_note":       (302, 200, 200, 200, 200, 200, 200),
    "private_note_edit": (302, 200, 404, 404, 404, 404, 200),
    "group_note_edit":   (302, 200, 404, 200, 404, 404, 200),
    "public_note_edit":  (302, 200, 404, 200, 404, 404, 200),
    "papers":            (302, 200, 200, 200, 200, 200, 200),
    "glossary":          (302, 200, 200, 200, 200, 200, 200),
    "my_notes":          (302, 200, 200, 200, 200, 200, 200),
    "home":              (302, 200, 200, 200, 200, 200, 200),
    "my_reading":        (302, 200, 200, 200, 200, 200, 200),
    "schedule":          (302, 403, 404, 200, 403, 404, 200),
    "meeting_move":      (302, 403, 404, 200, 403, 404, 200),
    "meeting_ics":       (302, 200, 404, 200, 200, 404, 200),
    "member_settings":   (302, 200, 200, 200, 200, 200, 200),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_site_pages_answer_each_role_as_the_matrix_says(client, world, role):
    if role != "anonymous":
        client.force_login(world.users[role])
    urls = page_urls(world)
    answers = {name: client.get(url).status_code for name, url in urls.items()}
    expected = {name: row[ROLES.index(role)] for name, row in MATRIX.items()}
    assert answers == expected


def test_another_groups_private_page_looks_like_no_page(client, world):
    client.force_login(world.other)
    missing = client.get("/groups/no-such-group/")
    hidden = client.get(world.group_a.get_absolute_url())
    assert hidden.status_code == missing.status_code == 404
    assert world.group_a.name not in hidden.content.decode()


@pytest.mark.parametrize(
    ("role", "expected"),
    # The member is the note's author.
    [("member", 302), ("other", 404), ("presenter", 404), ("organiser", 302), ("superuser", 302)],
)
def test_only_author_and_moderators_delete_a_group_note(client, world, role, expected):
    client.force_login(world.users[role])
    response = client.post(reverse("notes:note_delete", args=[world.shared.slug]))
    assert response.status_code == expected
    assert Note.objects.filter(pk=world.shared.pk).exists() == (expected == 404)


def test_organiser_cannot_delete_a_private_note(client, world):
    client.force_login(world.organiser)
    response = client.post(reverse("notes:note_delete", args=[world.private.slug]))
    assert response.status_code == 404
    assert type(world.private).objects.filter(pk=world.private.pk).exists()


def test_presenter_saves_the_meeting_write_up(client, world):
    client.force_login(world.presenter)
    url = reverse("notes:meeting_edit", args=[world.group_a.slug, 1])
    response = client.post(
        url, {"title_zh": "新标题", "body_zh": "# 新的", "revision": world.meeting.revision}
    )
    assert response.status_code == 302
    world.meeting.refresh_from_db()
    assert (world.meeting.title_zh, world.meeting.revision) == ("新标题", 2)
    assert world.meeting.body_zh_html.startswith('<h1 id="新的">')


def test_member_of_group_cannot_post_to_the_meeting_editor(client, world):
    client.force_login(world.member)
    url = reverse("notes:meeting_edit", args=[world.group_a.slug, 1])
    assert client.post(url, {"title_zh": "x", "revision": 1}).status_code == 403
    world.meeting.refresh_from_db()
    assert world.meeting.title_zh == "组会分享"


def test_meeting_page_offers_the_editor_only_to_editors(client, world):
    url = reverse("notes:meeting_edit", args=[world.group_a.slug, 1])
    client.force_login(world.member)
    assert url not in client.get(world.meeting.get_absolute_url()).content.decode()
    client.force_login(world.presenter)
    assert url in client.get(world.meeting.get_absolute_url()).content.decode()


def test_member_cannot_attach_a_note_to_another_groups_meeting(client, world):
    client.force_login(world.other)
    response = client.get(reverse("notes:note_create") + f"?meeting={world.meeting.pk}")
    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_object_rules_agree_with_the_editable_querysets(world, role):
    """may_change(user, obj) and editable_*(user) are the same rule in two forms."""
    from django.contrib.auth.models import AnonymousUser

    from notes import permissions

    user = AnonymousUser() if role == "anonymous" else world.users[role]
    notes = [world.private, world.shared, world.public, world.note_b]
    meetings = [world.meeting, world.meeting_b]
    by_rule = [permissions.may_change(user, obj) for obj in [*notes, *meetings]]
    by_queryset = [
        *(permissions.editable_notes(user).filter(pk=n.pk).exists() for n in notes),
        *(permissions.editable_meetings(user).filter(pk=m.pk).exists() for m in meetings),
    ]
    assert by_rule == by_queryset


# --- The schedule: calendars and planning actions --------------------------------------

#                 anonymous member other organiser presenter staff superuser
CALENDARS = {
    "group_calendar":  (404, 200, 404, 200, 200, 404, 404),
    "member_calendar": (404, 200, 200, 200, 200, 200, 200),
    "talks_calendar":  (404, 200, 200, 200, 200, 200, 200),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_calendars_answer_only_the_tokens_of_members(client, world, role):
    """A calendar address is reached without logging in: the token names the member.
    Group A's calendar answers its members' tokens only (a superuser outside it too
    gets 404: calendars are for members); a bad token gets 404 like a missing page."""
    token = "0-" + "0" * 40 if role == "anonymous" else feeds.token_for(world.users[role])
    args = {"group_calendar": [token, world.group_a.slug]}
    answers = {
        name: client.get(reverse(f"notes:{name}", args=args.get(name, [token]))).status_code
        for name in CALENDARS
    }
    assert answers == {name: row[ROLES.index(role)] for name, row in CALENDARS.items()}


#              anonymous member other organiser presenter staff superuser
ACTIONS = {
    "sign-up":   (302, 302, 404, 302, 302, 404, 403),
    "propose":   (302, 302, 404, 302, 302, 404, 403),
    "skip":      (302, 403, 404, 302, 403, 404, 302),
    "assign":    (302, 403, 404, 302, 403, 404, 302),
    "unassign":  (302, 403, 404, 302, 403, 404, 302),
    "bogus":     (302, 404, 404, 404, 404, 404, 404),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_planning_actions_answer_each_role_as_the_matrix_says(client, world, role):
    """302: done or refused with a message, back on the page; 403: may read the meeting
    but not do this (a superuser outside the group organises but does not take part);
    404: not a meeting of theirs, or no such action."""
    coming = MeetingFactory(group=world.group_a, number=7, date=datetime.date(2031, 5, 7))
    if role != "anonymous":
        client.force_login(world.users[role])
    answers = {}
    for action in ACTIONS:
        url = reverse("notes:meeting_plan", args=[world.group_a.slug, coming.number, action])
        data = {"user": world.member.pk, "paper": "nothing matches this"}
        answers[action] = client.post(url, data).status_code
    assert answers == {name: row[ROLES.index(role)] for name, row in ACTIONS.items()}


def test_planning_actions_need_post(client, world):
    client.force_login(world.organiser)
    url = reverse("notes:meeting_plan", args=[world.group_a.slug, world.meeting.number, "skip"])
    assert client.get(url).status_code == 405
