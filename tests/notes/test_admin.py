"""The admin of what the groups write (notes/admin/): a staff member who is not a superuser
sees and edits only their groups'; bad values get a message and change nothing."""

import datetime
import zoneinfo

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from notes.models import Meeting, Note
from tests.factories import (
    GlossaryTermFactory,
    MeetingFactory,
    NoteFactory,
    PaperFactory,
    ReadingGroupFactory,
    ReadingListFactory,
    SourceFactory,
    UserFactory,
    meeting_at,
)

pytestmark = pytest.mark.django_db

MEETING_INLINES = {
    "Meeting_papers-TOTAL_FORMS": 0,
    "Meeting_papers-INITIAL_FORMS": 0,
    "notes-TOTAL_FORMS": 0,
    "notes-INITIAL_FORMS": 0,
}
ROLES = ["anonymous", "member", "other", "organiser", "staff", "superuser"]


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))


def change(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def admin_urls(w):
    return {
        "index": reverse("admin:index"),
        "notes": reverse("admin:notes_note_changelist"),
        "note_a": change(w.shared),
        "note_b": change(w.note_b),
        "note_a_history": reverse("admin:notes_note_history", args=[w.shared.pk]),
        "meeting_a": change(w.meeting),
        "meeting_b": change(w.meeting_b),
        "group_a": change(w.group_a),
        "group_b": change(w.group_b),
        "list_a": change(w.list_a),
        "list_b": change(w.list_b),
        "add_group": reverse("admin:notes_readinggroup_add"),
        "papers": reverse("admin:papers_paper_changelist"),
    }


# 302 from the admin itself: the login page, or "does not exist" back to the index.
#                 anonymous member other organiser staff superuser
MATRIX = {
    "index":          (302, 302, 302, 302, 200, 200),
    "notes":          (302, 302, 302, 302, 200, 200),
    "note_a":         (302, 302, 302, 302, 302, 200),
    "note_b":         (302, 302, 302, 302, 200, 200),
    "note_a_history": (302, 302, 302, 302, 403, 200),
    "meeting_a":      (302, 302, 302, 302, 302, 200),
    "meeting_b":      (302, 302, 302, 302, 200, 200),
    "group_a":        (302, 302, 302, 302, 302, 200),
    "group_b":        (302, 302, 302, 302, 200, 200),
    "list_a":         (302, 302, 302, 302, 302, 200),
    "list_b":         (302, 302, 302, 302, 200, 200),
    "add_group":      (302, 302, 302, 302, 403, 200),
    "papers":         (302, 302, 302, 302, 403, 200),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_admin_answers_each_role_as_the_matrix_says(client, world, role):
    if role != "anonymous":
        client.force_login(world.users[role])
    answers = {name: client.get(url).status_code for name, url in admin_urls(world).items()}
    expected = {name: row[ROLES.index(role)] for name, row in MATRIX.items()}
    assert answers == expected


def test_staff_lists_show_only_their_groups_records(client, world):
    own = NoteFactory(author=world.staff, visibility=Note.Visibility.PRIVATE)
    client.force_login(world.staff)
    notes = client.get(reverse("admin:notes_note_changelist")).context["cl"].result_list
    meetings = client.get(reverse("admin:notes_meeting_changelist")).context["cl"].result_list
    groups = client.get(reverse("admin:notes_readinggroup_changelist")).context["cl"].result_list
    assert sorted(n.pk for n in notes) == sorted([world.note_b.pk, own.pk])
    assert list(meetings) == [world.meeting_b]
    assert list(groups) == [world.group_b]


def test_staff_cannot_move_a_meeting_into_a_group_they_do_not_organise(client, world):
    client.force_login(world.staff)
    response = client.post(
        change(world.meeting_b),
        {
            "group": world.group_a.pk,
            "number": 7,
            "date": "2024-03-01",
            "revision": world.meeting_b.revision,
            "Meeting_papers-TOTAL_FORMS": 0,
            "Meeting_papers-INITIAL_FORMS": 0,
            "notes-TOTAL_FORMS": 0,
            "notes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "group" in response.context["adminform"].form.errors
    world.meeting_b.refresh_from_db()
    assert world.meeting_b.group == world.group_b


def test_shared_records_follow_model_permissions(client, world):
    paper = PaperFactory()
    NoteFactory(paper=paper, author=world.member, group=world.group_a)
    visible = NoteFactory(paper=paper, author=world.other, group=world.group_b)
    grant(world.staff, "view_paper", "change_paper")
    client.force_login(world.staff)
    response = client.get(change(paper))
    assert response.status_code == 200
    inline = next(f for f in response.context["inline_admin_formsets"] if f.opts.model is Note)
    assert [form.instance for form in inline.formset.forms if form.instance.pk] == [visible]
    assert client.get(reverse("admin:papers_paper_add")).status_code == 403


def test_history_shows_who_changed_what_and_restores(client, world):
    meeting = world.meeting_b
    client.force_login(world.staff)
    meeting.title_en = "Renamed"
    meeting._history_user = world.other
    meeting.save()
    history = client.get(reverse("admin:notes_meeting_history", args=[meeting.pk]))
    assert history.status_code == 200
    content = history.content.decode()
    assert world.other.username in content
    first = meeting.history.earliest()
    url = reverse("admin:notes_meeting_simple_history", args=[meeting.pk, first.history_id])
    form = client.get(url).context["adminform"].form
    data = {
        **{name: form[name].value() for name in ("group", "number", "date", "title_zh")},
        **{name: form[name].value() for name in ("status", "presenter_slots")},
        "title_en": form["title_en"].value(),
        "revision": form["revision"].value(),
        "body_zh": form["body_zh"].value(),
        "Meeting_papers-TOTAL_FORMS": 0,
        "Meeting_papers-INITIAL_FORMS": 0,
        "notes-TOTAL_FORMS": 0,
        "notes-INITIAL_FORMS": 0,
    }
    assert data["title_en"] == "Group meeting"
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.title_en == "Group meeting"
    assert meeting.revision == first.revision + 1  # a restore is a new revision
    assert meeting.history.latest().history_user == world.staff


def test_history_shows_choices_by_label_and_times_in_the_readers_zone(client, world):
    """It read 状态: planned → moved and 开始: 2026-12-09 11:00:00+00:00."""
    meeting = world.meeting_b
    client.force_login(world.staff)
    meeting.status = Meeting.Status.MOVED
    meeting.starts_at = datetime.datetime(2026, 12, 9, 11, 0, tzinfo=datetime.UTC)
    meeting.save()
    url = reverse("admin:notes_meeting_history", args=[meeting.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    changes = page.split('id="change-history"')[1]
    assert "已改期" in changes and ">moved<" not in changes and " moved" not in changes
    assert "+00:00" not in changes
    assert "2026年12月9日 19:00" in changes  # Asia/Shanghai, as the admin writes times


def test_staff_cannot_restore_another_groups_meeting(client, world):
    client.force_login(world.staff)
    version = world.meeting.history.earliest()
    url = reverse("admin:notes_meeting_simple_history", args=[world.meeting.pk, version.pk])
    assert client.get(url).status_code == 404
    assert Meeting.objects.get(pk=world.meeting.pk).revision == 1


@pytest.mark.parametrize("date", ["2023-02-30", "2023-13-01", "2023-04-31"])
def test_date_that_does_not_exist_is_refused(staff_client, group, date):
    response = staff_client.post(
        reverse("admin:notes_meeting_add"),
        {"group": group.pk, "number": 1, "date": date, **MEETING_INLINES},
    )
    assertContains(response, "Enter a valid date, such as 2024-03-15.")
    assert Meeting.objects.count() == 0


def test_a_new_series_says_which_week_it_skips_and_why(staff_client, group):
    """A week of the series on a slot another of the group's meetings holds is made a
    skipped week: the organiser is told, where the admin said only that it was added."""
    start = datetime.datetime(2030, 1, 9, 14, 30)
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    meeting_at(group, start, shanghai, 1, minutes=60, status=Meeting.Status.ONE_OFF)
    response = staff_client.post(
        reverse("admin:notes_meetingseries_add"),
        {
            "group": group.pk,
            "weekday": 2,
            "start_time": "14:00:00",
            "duration": 90,
            "time_zone": "Asia/Shanghai",
            "first_date": "2030-01-02",
            "presenter_slots": 1,
            "handback_days": 2,
            "active": "on",
        },
        follow=True,
    )
    skipped = (
        "1 week of the series is skipped, as the group already meets at that time: "
        "2030-01-09 (clashes with meeting #1, 2030-01-09 14:30 Asia/Shanghai). To hold it, "
        "move the other meeting first, then hold the week on “Plan meetings”."
    )
    assert [(m.level_tag, str(m)) for m in response.context["messages"]][0] == (
        "warning",
        skipped,
    )
    assert Meeting.objects.get(series_date=start.date()).status == Meeting.Status.SKIPPED


def test_a_new_series_says_which_week_the_clocks_skip_its_time(staff_client, group):
    response = staff_client.post(
        reverse("admin:notes_meetingseries_add"),
        {
            "group": group.pk,
            "weekday": 6,
            "start_time": "01:30:00",
            "duration": 60,
            "time_zone": "Europe/London",
            "first_date": "2030-01-06",
            "presenter_slots": 1,
            "handback_days": 2,
            "active": "on",
        },
        follow=True,
    )
    assert (
        "warning",
        "01:30 does not exist in Europe/London on 2030-03-31: the clocks go "
        "forward then, and that week's meeting starts at 02:30. To meet at another time, "
        "move it.",
    ) in [(m.level_tag, str(m)) for m in response.context["messages"]]


def test_only_a_superuser_sees_the_list_of_mentions(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:notes_mention_changelist")).status_code == 403


# --- Every model of the app has working admin pages ------------------------------------

# Per-model tag links are edited through each record's tags field.
THROUGH_TAG_MODELS = {"taggednote"}
# Kept by saving the text that links, or made by members using the site: listed, never
# added by hand.
DERIVED_MODELS = {
    *("mention", "feedkey", "visit", "membersettings", "reminder", "readingstatus"),
    "figurename",
}
# Written by members on the site beside what they discuss; moderated in the admin.
SITE_WRITTEN_MODELS = {"comment"}


def notes_models():
    # Historical records (django-simple-history) are shown on each record's history page.
    return [
        model
        for model in apps.get_app_config("notes").get_models()
        if model._meta.model_name not in THROUGH_TAG_MODELS
        and not model._meta.model_name.startswith("historical")
    ]


def test_every_notes_model_is_in_the_admin():
    missing = [m._meta.label for m in notes_models() if not admin.site.is_registered(m)]
    assert missing == []


@pytest.mark.parametrize("model", notes_models(), ids=lambda m: m._meta.label)
def test_admin_changelist_and_add_pages_answer(staff_client, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    if opts.model_name in DERIVED_MODELS:
        assertContains(staff_client.get(changelist), f"Select {opts.verbose_name} to view")
        assert staff_client.get(add).status_code == 403
    elif opts.model_name in SITE_WRITTEN_MODELS:
        assertContains(staff_client.get(changelist), f"Select {opts.verbose_name} to change")
        assert staff_client.get(add).status_code == 403
    else:
        assertContains(staff_client.get(changelist), f"Select {opts.verbose_name} to change")
        assertContains(staff_client.get(add), f"Add {opts.verbose_name}")


def test_admin_change_pages_answer(staff_client):
    for obj in [MeetingFactory(), NoteFactory(), GlossaryTermFactory(), ReadingListFactory()]:
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        response = staff_client.get(url)
        assertContains(response, f"Change {opts.verbose_name}", msg_prefix=url)
        assertContains(response, escape(str(obj)), msg_prefix=url)


def test_the_meeting_form_names_each_discussed_paper_by_its_title(admin_client):
    from notes.models import Meeting
    from tests.factories import MeetingFactory, PaperFactory

    meeting = MeetingFactory()
    meeting.papers.add(PaperFactory(title_en="Discussed <Paper>"))
    response = admin_client.get(reverse("admin:notes_meeting_change", args=[meeting.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Meeting_papers object" not in content
    assert "Discussed &lt;Paper&gt;" in content
    assert str(Meeting.papers.through.objects.get()) == "Discussed <Paper>"


def test_a_reading_list_needs_a_title(admin_client):
    """Untitled, a list's page had no heading, its deck one slide, its tab " · site"."""
    from notes.models import ReadingList
    from tests.notes.test_forms import admin_post_data

    url = reverse("admin:notes_readinglist_add")
    data = {**admin_post_data(admin_client.get(url)), "slug": "untitled", "title_en": " "}
    response = admin_client.post(url, data)
    assertContains(response, "Give the list a title, in English or Chinese or both.")
    assert not ReadingList.objects.exists()
    assert admin_client.post(url, {**data, "title_zh": "必读"}).status_code == 302
    assert ReadingList.objects.get().title == "必读"


def test_a_new_groups_form_asks_its_name_before_the_address_made_from_it(admin_client):
    form = admin_client.get(reverse("admin:notes_readinggroup_add")).content.decode()
    assert form.index('name="name"') < form.index('name="name_zh"') < form.index('name="slug"')


def test_the_admin_names_groups_and_sources_in_the_interfaces_language(staff_client):
    """The admin in Chinese named a note's group and source in English alone (its column,
    its filters), where the site's pages name them in Chinese."""
    group = ReadingGroupFactory(name="LLM Reading Group", name_zh="大模型论文读书会")
    source = SourceFactory(title_en="Obsidian note “LLM”", title_zh="Obsidian 笔记《LLM》")
    NoteFactory(group=group).sources.add(source)
    url = reverse("admin:notes_note_changelist")
    chinese = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    for name in ("大模型论文读书会", "Obsidian 笔记《LLM》"):
        assertContains(chinese, name)
    assertNotContains(chinese, "LLM Reading Group")
    english = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assertContains(english, "LLM Reading Group")
    assertContains(english, "Obsidian note “LLM”")
    assertNotContains(english, "大模型论文读书会")


def test_a_stale_save_of_a_reading_lists_papers_alone_is_refused(client, world):
    """Two organisers on one list's page: the second, changing only a paper's comment,
    put the first one's comment back unseen, and the list's revision stayed put."""
    from notes.models import ReadingListItem
    from tests.notes.test_forms import UNKNOWN, admin_post_data

    reading_list = ReadingListFactory(group=world.group_b)
    for position in (1, 2):
        ReadingListItem.objects.create(
            reading_list=reading_list, paper=PaperFactory(), position=position
        )
    url = reverse("admin:notes_readinglist_change", args=[reading_list.pk])
    client.force_login(world.staff)
    theirs = admin_post_data(client.get(url))
    client.force_login(world.superuser)
    mine = admin_post_data(client.get(url))
    mine["items-0-comment_en"] = "Read §3 first"
    assert client.post(url, mine).status_code == 302
    reading_list.refresh_from_db()
    assert reading_list.revision == 2  # the papers' edit is an edit of the list
    client.force_login(world.staff)
    theirs["items-1-comment_en"] = "Skip the appendix"
    response = client.post(url, theirs)
    assertContains(response, UNKNOWN)  # a list keeps no history of who saved it
    assertContains(response, "Skip the appendix")  # kept, to be made again

    def comments():
        return list(reading_list.items.values_list("comment_en", flat=True))

    assert comments() == ["Read §3 first", ""]
    # Opened again, the edit is saved beside the other.
    again = admin_post_data(client.get(url))
    again["items-1-comment_en"] = "Skip the appendix"
    assert client.post(url, again).status_code == 302
    assert comments() == ["Read §3 first", "Skip the appendix"]


def test_an_organiser_gives_a_new_reading_list_one_of_their_groups(client, world):
    """A list of no group, made by an organiser, was shown to every member and was
    theirs neither to edit nor to delete."""
    from notes.models import ReadingList
    from tests.notes.test_forms import admin_post_data

    client.force_login(world.staff)
    url = reverse("admin:notes_readinglist_add")
    data = {**admin_post_data(client.get(url)), "slug": "orphan", "title_en": "Orphan"}
    response = client.post(url, {**data, "group": ""})
    assertContains(response, "This field is required.")
    assert not ReadingList.objects.filter(slug="orphan").exists()
    assert client.post(url, {**data, "group": world.group_b.pk}).status_code == 302
    assert ReadingList.objects.get(slug="orphan").group == world.group_b


def test_a_paper_added_to_a_list_in_the_admin_goes_last(admin_client):
    from notes.models import ReadingListItem
    from tests.notes.test_forms import admin_post_data

    reading_list = ReadingListFactory()
    ReadingListItem.objects.create(reading_list=reading_list, paper=PaperFactory(), position=3)
    url = reverse("admin:notes_readinglist_change", args=[reading_list.pk])
    page = admin_client.get(url)
    assertContains(page, 'name="items-__prefix__-position"')
    assertNotContains(page, 'name="items-__prefix__-position" value="0"')
    data = admin_post_data(page)
    data.update({"items-TOTAL_FORMS": "2", "items-1-paper": PaperFactory().pk})
    data["items-1-position"] = ""
    assert admin_client.post(url, data).status_code == 302
    positions = reading_list.items.order_by("position").values_list("position", flat=True)
    assert list(positions) == [3, 4]


@pytest.mark.parametrize(("model", "field"), [("membership", "user"), ("meeting", "presenters")])
def test_an_organiser_picks_members_from_the_autocomplete_and_sees_no_user_pages(
    client, world, model, field
):
    """The autocomplete answered 403 to organisers (no permission on accounts): their
    membership and presenter choices stayed empty."""
    UserFactory(username="grace", email="grace@example.org")
    client.force_login(world.staff)
    url = reverse("admin:autocomplete")
    query = {"app_label": "notes", "model_name": model, "field_name": field}
    found = client.get(url, {**query, "term": "grac"})
    assert found.status_code == 200
    assert [r["text"] for r in found.json()["results"]] == ["grace"]
    # Names, not addresses: which address has an account is not found out here.
    assert client.get(url, {**query, "term": "grace@example"}).json()["results"] == []
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    grace = get_user_model().objects.get(username="grace")
    assert client.get(reverse("admin:auth_user_change", args=[grace.pk])).status_code == 403
    # A member who organises nothing gets nothing.
    client.force_login(world.member)
    assert client.get(url, {**query, "term": "grac"}).status_code in (302, 403)


def test_a_note_edited_under_its_paper_does_not_save_the_paper(staff_client):
    """A note is a record of its own, with its own revision: only an inline that is a
    part of the record (a list's papers) moves the record on. A note's edit saved its
    paper again, for every API client to fetch, and refused another organiser's edit of
    the paper opened before."""
    from tests.notes.test_forms import admin_post_data

    paper = PaperFactory()
    note = NoteFactory(paper=paper, body_en="Before")
    url = reverse("admin:papers_paper_change", args=[paper.pk])
    data = admin_post_data(staff_client.get(url))
    (body,) = [name for name, value in data.items() if value == "Before"]
    data[body] = "After"
    assert staff_client.post(url, data).status_code == 302
    note.refresh_from_db()
    revision = paper.revision
    paper.refresh_from_db()
    assert (note.body_en, paper.revision) == ("After", revision)


def test_a_stale_save_of_a_groups_memberships_alone_is_refused(client, world):
    """A membership's role changed by one organiser was put back, unseen, by another's
    save of the group's page opened before."""
    from tests.notes.test_forms import OWN, REFUSED, UNKNOWN, admin_post_data

    url = reverse("admin:notes_readinggroup_change", args=[world.group_b.pk])
    client.force_login(world.superuser)
    first = admin_post_data(client.get(url))
    second = dict(first)
    role = next(
        name for name in first if name.startswith("memberships-") and name.endswith("-role")
    )
    first[role] = "organiser" if first[role] != "organiser" else "member"
    assert client.post(url, first).status_code == 302
    response = client.post(url, second)
    assert response.status_code == 200
    assert any(words in response.content.decode() for words in (UNKNOWN, OWN, REFUSED))


def test_a_papers_title_in_the_admin_keeps_its_direction(staff_client):
    from tests.notes.test_forms import admin_post_data

    paper = PaperFactory(title_en="Before")
    url = reverse("admin:papers_paper_change", args=[paper.pk])
    data = admin_post_data(staff_client.get(url))
    data["title_en"] = "\u202eabc\u200b"
    assert staff_client.post(url, data).status_code == 302
    paper.refresh_from_db()
    assert paper.title_en == "abc"


def add_url(model):
    return reverse(f"admin:notes_{model._meta.model_name}_add")


def test_an_organiser_cannot_vote_or_swap_in_another_groups_meetings(client, world):
    """The staff member organises group B. A vote on group A's proposal and a swap offered
    for group A's meeting were saved (picked by autocomplete, checked against the whole
    table), and group A's members saw them."""
    from notes.models import PaperProposal, SwapRequest, Vote

    proposal_a = PaperProposal.objects.create(meeting=world.meeting, paper=PaperFactory())
    client.force_login(world.staff)
    refused = client.post(add_url(Vote), {"proposal": proposal_a.pk, "user": world.other.pk})
    assert "proposal" in refused.context["adminform"].form.errors
    swap = {
        "meeting": world.meeting_b.pk,
        "requester": world.staff.pk,
        "other_meeting": world.meeting.pk,
        "other": world.presenter.pk,
        "status": "pending",
    }
    refused = client.post(add_url(SwapRequest), swap)
    assert "other_meeting" in refused.context["adminform"].form.errors
    assert not Vote.objects.exists() and not SwapRequest.objects.exists()
    proposal_b = PaperProposal.objects.create(meeting=world.meeting_b, paper=PaperFactory())
    added = client.post(add_url(Vote), {"proposal": proposal_b.pk, "user": world.other.pk})
    assert added.status_code == 302
    assert Vote.objects.get().proposal == proposal_b


def test_an_organiser_who_is_only_a_member_elsewhere_cannot_add_there(client, world):
    """A meeting the staff member may read (a member of group A, organiser of B) is not
    theirs to plan: a proposal on it is refused with a message, and nothing is saved."""
    from notes.models import Membership, PaperProposal

    Membership.objects.create(group=world.group_a, user=world.staff)
    client.force_login(world.staff)
    response = client.post(
        add_url(PaperProposal),
        {
            "meeting": world.meeting.pk,
            "paper": PaperFactory().pk,
            "proposed_by": world.staff.pk,
            "ballots-TOTAL_FORMS": 0,
            "ballots-INITIAL_FORMS": 0,
        },
    )
    assert response.context["adminform"].form.errors["meeting"] == [
        "Choose one of a group you organise."
    ]
    assert not PaperProposal.objects.exists()


def test_votes_swaps_and_proposals_are_members(admin_client, world):
    """Even a superuser's: a vote, a swap or a proposal by someone outside the meeting's
    group, or a swap for another group's meeting, is refused with a message."""
    from notes.models import PaperProposal, SwapRequest, Vote

    proposal = PaperProposal.objects.create(meeting=world.meeting, paper=PaperFactory())
    refused = admin_client.post(add_url(Vote), {"proposal": proposal.pk, "user": world.other.pk})
    errors = refused.context["adminform"].form.errors
    assert errors["user"] == [
        f"{world.other.get_username()} is not a member of {world.group_a.name}."
    ]
    swap = {
        "meeting": world.meeting.pk,
        "requester": world.presenter.pk,
        "other_meeting": world.meeting_b.pk,
        "other": world.other.pk,
        "status": "pending",
    }
    errors = admin_client.post(add_url(SwapRequest), swap).context["adminform"].form.errors
    assert set(errors) == {"other", "other_meeting"}
    assert not Vote.objects.exists() and not SwapRequest.objects.exists()


def test_an_admin_page_refused_says_what_organisers_manage(client, world):
    """The 403 explained that a meeting page is edited by its organisers and presenters,
    on an admin page (the papers) the organiser may not open at all."""
    client.force_login(world.staff)
    response = client.get(reverse("admin:papers_paper_changelist"))
    assert response.status_code == 403
    assertContains(response, "may not open this part of the admin", status_code=403)
    assertNotContains(response, "A meeting page is edited by", status_code=403)


def test_a_vote_added_with_its_new_proposal_is_a_members_too(admin_client, world):
    """The proposal not saved yet, the vote's check of membership was passed over: a
    vote by another group's member was saved with it."""
    from notes.models import PaperProposal, Vote

    response = admin_client.post(
        add_url(PaperProposal),
        {
            "meeting": world.meeting.pk,
            "paper": PaperFactory().pk,
            "proposed_by": world.member.pk,
            "ballots-TOTAL_FORMS": 1,
            "ballots-INITIAL_FORMS": 0,
            "ballots-0-user": world.other.pk,
        },
    )
    assert response.status_code == 200
    assert not PaperProposal.objects.exists() and not Vote.objects.exists()


def test_an_organiser_sees_and_changes_the_votes_of_their_groups_proposals(client, world):
    """By Django's model permissions alone (organisers have none) the votes inline was
    missing for them, and a vote sent with the form was not saved."""
    from notes.models import PaperProposal, Vote

    proposal = PaperProposal.objects.create(meeting=world.meeting_b, paper=PaperFactory())
    client.force_login(world.staff)
    url = reverse("admin:notes_paperproposal_change", args=[proposal.pk])
    assert client.get(url).context["inline_admin_formsets"]
    response = client.post(
        url,
        {
            "meeting": world.meeting_b.pk,
            "paper": proposal.paper.pk,
            "proposed_by": world.other.pk,
            "ballots-TOTAL_FORMS": 1,
            "ballots-INITIAL_FORMS": 0,
            "ballots-0-user": world.other.pk,
        },
    )
    assert response.status_code == 302
    assert list(Vote.objects.values_list("user", flat=True)) == [world.other.pk]
