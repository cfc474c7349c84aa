"""The schedule on the site: the organisers' page, the meeting page before the meeting,
the planning actions and a member's settings."""

import dataclasses
import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from notes import scheduling
from notes.models import Meeting, MeetingSeries, MemberSettings, SwapRequest, Visit
from notes.models.zones import TimeZoneFormField
from notes.schedule_views import plan_context
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    PaperFactory,
    UserFactory,
    meeting_at,
)

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


def plan_url(meeting, action):
    return reverse("notes:meeting_plan", args=[meeting.group.slug, meeting.number, action])


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


# The series form: a meeting on Wednesdays at 14:00 Shanghai time, from 2 January 2030.
SERIES = {
    "form": "series",
    "weekday": "2",
    "start_time": "14:00",
    "duration": "90",
    "time_zone": "Asia/Shanghai",
    "first_date": "2030-01-02",
    "presenter_slots": "1",
    "handback_days": "2",
    "active": "on",
}


def test_organiser_sets_a_series_and_the_weeks_appear(organiser_client, group):
    url = reverse("notes:schedule", args=[group.slug])
    response = organiser_client.post(
        url,
        {**SERIES, "place": "Room 301", "link": "https://meet.example.org/llm"},
        follow=True,
    )
    assert messages_of(response) == ["The series was saved; 8 coming meetings were added."]
    series = MeetingSeries.objects.get(group=group)
    assert series.meetings.count() == 8
    assertContains(response, "2030-01-02 Wed 14:00")
    group_page = organiser_client.get(group.get_absolute_url())
    assertContains(group_page, "Coming meetings")
    assertContains(group_page, "open slot", count=8)


def test_a_series_week_on_a_booked_slot_is_named_when_the_series_is_saved(organiser_client, group):
    start = datetime.datetime(2030, 1, 16, 13, 0)
    meeting_at(group, start, SHANGHAI, 1, minutes=120, status=Meeting.Status.ONE_OFF)
    url = reverse("notes:schedule", args=[group.slug])
    response = organiser_client.post(url, SERIES, follow=True)
    assert messages_of(response) == [
        "The series was saved; 8 coming meetings were added.",
        "1 week of the series is skipped, as the group already meets at that time: "
        "2030-01-16 (clashes with meeting #1, 2030-01-16 13:00 Asia/Shanghai). To hold it, "
        "move the other meeting first, then hold the week on “Plan meetings”.",
    ]


def test_a_new_series_time_that_falls_on_a_one_off_skips_that_week_and_says_so(
    organiser_client, group
):
    """Changing the series' time moved its coming meetings onto a one-off at the new
    time, unchecked: the group met twice at once."""
    url = reverse("notes:schedule", args=[group.slug])
    first = organiser_client.post(url, SERIES, follow=True)
    assert messages_of(first) == ["The series was saved; 8 coming meetings were added."]
    one_off = meeting_at(
        group, datetime.datetime(2030, 1, 2, 10, 0), SHANGHAI, 99, status=Meeting.Status.ONE_OFF
    )
    revision = MeetingSeries.objects.get(group=group).revision
    response = organiser_client.post(
        url, {**SERIES, "start_time": "10:00", "revision": revision}, follow=True
    )
    assert messages_of(response) == [
        "The series was saved; 0 coming meetings were added.",
        "1 week of the series is skipped, as the group already meets at that time: "
        "2030-01-02 (clashes with meeting #99, 2030-01-02 10:00 Asia/Shanghai). To hold it, "
        "move the other meeting first, then hold the week on “Plan meetings”.",
    ]
    week = MeetingSeries.objects.get(group=group).meetings.get(series_date=one_off.date)
    assert week.status == Meeting.Status.SKIPPED
    held = Meeting.objects.held().filter(group=group, date=one_off.date)
    assert list(held) == [one_off]


def test_a_series_time_the_clocks_skip_one_week_is_named_when_saved(organiser_client, group):
    """Sundays at 01:30 in London: on the night the clocks go forward that week's meeting
    starts at 02:30, which the organiser was not told."""
    url = reverse("notes:schedule", args=[group.slug])
    sundays = {**SERIES, "weekday": "6", "start_time": "01:30", "time_zone": "Europe/London"}
    response = organiser_client.post(url, {**sundays, "first_date": "2030-03-03"}, follow=True)
    assert messages_of(response) == [
        "The series was saved; 8 coming meetings were added.",
        "01:30 does not exist in Europe/London on 2030-03-31: the clocks go forward then, "
        "and that week's meeting starts at 02:30. To meet at another time, move it.",
    ]
    week = MeetingSeries.objects.get(group=group).meetings.get(series_date="2030-03-31")
    assert f"{week.starts_at.astimezone(zoneinfo.ZoneInfo('Europe/London')):%H:%M}" == "02:30"
    # The hour skipped is 01:00 to 02:00; the night the clocks go back (01:30 twice) is
    # no gap.
    series = MeetingSeries.objects.get(group=group)
    series.start_time = datetime.time(1, 0)
    assert scheduling.shifted_weeks(series).startswith("01:00 does not exist")
    series.start_time = datetime.time(2, 0)
    assert scheduling.shifted_weeks(series) == ""


def test_two_organisers_changing_the_series_at_once_the_second_is_refused_and_kept(
    client, organiser, group
):
    """The series form had no stale-save check: an organiser's new room was lost when
    another saved a new time from the page they had opened before, and replan() put the
    old room back on every coming meeting."""
    url = reverse("notes:schedule", args=[group.slug])
    client.force_login(organiser)
    client.post(url, {**SERIES, "place": "Room 301"}, follow=True)
    opened = MeetingSeries.objects.get(group=group).revision
    other = Client()
    other.force_login(MembershipFactory(group=group, role="organiser").user)
    saved = other.post(url, {**SERIES, "place": "Room 512", "revision": opened}, follow=True)
    assert messages_of(saved)[0].startswith("The series was saved")
    stale = client.post(
        url, {**SERIES, "place": "Room 301", "start_time": "15:00", "revision": opened}
    )
    assert stale.status_code == 200
    assertContains(stale, "This was saved again since you opened it (now revision 2")
    assertContains(stale, 'value="15:00"')
    series = MeetingSeries.objects.get(group=group)
    assert (series.place, series.start_time) == ("Room 512", datetime.time(14, 0))
    assert set(series.meetings.values_list("place", flat=True)) == {"Room 512"}


def test_series_form_says_what_is_wrong_and_keeps_the_input(organiser_client, group):
    response = organiser_client.post(
        reverse("notes:schedule", args=[group.slug]),
        {**SERIES, "time_zone": "Mars/Olympus", "place": "Room 301", "active": ""},
    )
    assert response.status_code == 200
    assertContains(response, "“Mars/Olympus” is not a time zone name")
    assertContains(response, 'value="Room 301"')
    assert not MeetingSeries.objects.exists()


def test_one_off_meeting_and_its_clash(organiser_client, group):
    MeetingSeriesFactory(group=group).plan(datetime.date(2030, 1, 1))
    url = reverse("notes:schedule", args=[group.slug])
    data = {
        "form": "one_off",
        "day": "2030-01-02",
        "start_time": "15:00",
        "duration": "60",
        "time_zone": "Asia/Shanghai",
        "title_en": "Guest talk",
        "presenter_slots": "1",
    }
    response = organiser_client.post(url, data)
    assertContains(response, "This clashes with meeting #1 (2030-01-02 14:00 Asia/Shanghai).")
    assertContains(response, 'value="Guest talk"')
    data["day"] = "2030-01-03"
    response = organiser_client.post(url, data, follow=True)
    assert messages_of(response) == ["Meeting #9 was added."]
    assert Meeting.objects.get(number=9).status == Meeting.Status.ONE_OFF


@pytest.mark.parametrize("day", ["9999-12-31", "1066-10-14"])
def test_a_one_off_meeting_on_a_day_out_of_reach_is_refused_and_the_form_kept(
    organiser_client, group, day
):
    """9999-12-31 23:30 at UTC+14 gave a 500 (the meeting's end is no date) and lost the
    form."""
    last = timezone.localdate().year + 20
    data = {
        "form": "one_off",
        "day": day,
        "start_time": "23:30",
        "duration": "60",
        "time_zone": "Pacific/Kiritimati",
        "title_en": "Guest talk",
        "presenter_slots": "1",
    }
    response = organiser_client.post(reverse("notes:schedule", args=[group.slug]), data)
    assertContains(response, f"Enter a date between the years 1900 and {last}.")
    assertContains(response, 'value="Guest talk"')
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("field", ["first_date", "last_date"])
def test_a_series_out_of_reach_is_refused_and_the_form_kept(organiser_client, group, field):
    """A series from 9999-12-01 gave a 500: its first weeks ahead are past the calendar."""
    response = organiser_client.post(
        reverse("notes:schedule", args=[group.slug]),
        {**SERIES, field: "9999-12-01", "place": "Room 301"},
    )
    assertContains(response, "Enter a date between the years 1900 and")
    assertContains(response, 'value="Room 301"')
    assert not MeetingSeries.objects.exists()


def test_a_meeting_day_out_of_reach_is_refused_in_the_admin_too(group):
    meeting = MeetingFactory.build(group=group, number=1, date=datetime.date(9999, 12, 31))
    with pytest.raises(ValidationError) as raised:
        meeting.full_clean()
    assert list(raised.value.message_dict) == ["date"]


def test_member_signs_up_proposes_votes_and_hands_back(member_client, member, group):
    series = MeetingSeriesFactory(group=group)
    series.plan(datetime.date(2030, 1, 1))
    meeting = series.meetings.get(number=1)
    paper = PaperFactory(title_en="Chain-of-Thought Prompting")
    page = member_client.get(meeting.get_absolute_url())
    assertContains(page, "Sign up to present")
    assertContains(page, "Room 301")
    response = member_client.post(plan_url(meeting, "sign-up"), follow=True)
    assert messages_of(response) == ["You present at meeting #1."]
    assertContains(response, "Hand my slot back")
    # It gives the slot up: the button asks first (static/js/site.js), saying so.
    assertContains(
        response,
        f'<form class="inline-form confirm-delete" method="post" '
        f'action="{plan_url(meeting, "hand-back")}" data-confirm="Hand back your slot at '
        "meeting #1? You no longer present there, any member may take the slot, and swap "
        'requests for it are withdrawn.">',
        html=False,
    )
    assertNotContains(response, "Sign up to present")
    response = member_client.post(
        plan_url(meeting, "propose"), {"paper": paper.arxiv_id}, follow=True
    )
    assert messages_of(response) == ["Your proposal was added."]
    proposal = meeting.proposals.get()
    response = member_client.post(plan_url(meeting, "vote"), {"proposal": proposal.pk}, follow=True)
    assertContains(response, "1 vote")
    assertContains(response, "Take my vote back")
    response = member_client.post(plan_url(meeting, "pick"), {"proposal": proposal.pk}, follow=True)
    meeting.refresh_from_db()
    assert meeting.paper == paper
    response = member_client.post(plan_url(meeting, "hand-back"), follow=True)
    assert messages_of(response) == ["You handed meeting #1 back."]


def test_a_member_withdraws_their_own_proposal_and_an_organiser_any(
    client, member, organiser, group
):
    """A member could propose a paper and never take it back (a browser walk)."""
    meeting = MeetingFactory(group=group, date=datetime.date(2031, 1, 1))
    mine = PaperFactory(title_en="Reaching 90% on GSM8K")
    theirs = PaperFactory(title_en="Direct Preference Optimization")
    other = MembershipFactory(group=group).user
    client.force_login(member)
    client.post(plan_url(meeting, "propose"), {"paper": mine.arxiv_id})
    client.force_login(other)
    client.post(plan_url(meeting, "propose"), {"paper": theirs.arxiv_id})
    own, foreign = meeting.proposals.order_by("created")
    client.post(plan_url(meeting, "vote"), {"proposal": own.pk})
    # An organiser may withdraw every proposal not picked; each asks, naming its votes.
    client.force_login(organiser)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert page.count(">Withdraw</button>") == 2
    assert 'data-confirm="Withdraw the proposal of “Direct Preference Optimization”?">' in page
    client.post(plan_url(meeting, "vote"), {"proposal": own.pk})
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert '“Reaching 90% on GSM8K”? Its 2 votes go with it.">' in page
    client.post(plan_url(meeting, "unvote"), {"proposal": own.pk})
    client.force_login(member)
    page = client.get(meeting.get_absolute_url()).content.decode()
    # One Withdraw, on their own proposal, asking first and saying the vote goes with it.
    assert page.count(">Withdraw</button>") == 1
    assert (
        f'action="{plan_url(meeting, "withdraw-proposal")}" data-confirm="Withdraw the proposal '
        'of “Reaching 90% on GSM8K”? Its vote goes with it.">'
    ) in page
    assert f'name="proposal" value="{own.pk}"><button type="submit" class="button danger">' in page
    # Another's is refused with a reason, and stays.
    response = client.post(
        plan_url(meeting, "withdraw-proposal"), {"proposal": foreign.pk}, follow=True
    )
    assert messages_of(response) == ["Only the member who proposed a paper may withdraw it."]
    withdraw = plan_url(meeting, "withdraw-proposal")
    response = client.post(withdraw, {"proposal": own.pk}, follow=True)
    assert messages_of(response) == ["You withdrew your proposal of “Reaching 90% on GSM8K”."]
    assert response.redirect_chain[-1][0].endswith("#proposals")
    assertNotContains(response, "Reaching 90% on GSM8K</a>")
    assert list(meeting.proposals.all()) == [foreign]
    # Sent again (a second tab): it is gone, and said so.
    response = client.post(withdraw, {"proposal": own.pk}, follow=True)
    assert messages_of(response) == ["That proposal is not on this meeting any more."]
    # An organiser withdraws another member's.
    client.force_login(organiser)
    response = client.post(
        plan_url(meeting, "withdraw-proposal"), {"proposal": foreign.pk}, follow=True
    )
    assert messages_of(response) == [
        "The proposal of “Direct Preference Optimization” was withdrawn."
    ]
    assert not meeting.proposals.exists()


def test_a_past_meeting_says_nothing_of_proposals_but_why_an_action_failed(
    member_client, member, group
):
    """A past meeting's plan reads no proposals (its picked papers are among its papers),
    yet its page said "No paper proposed yet." under "Proposed papers", though papers had
    been proposed and the meeting was over; then an empty part for them stayed. A vote that
    comes too late is still told why, where the proposals stood."""
    meeting = MeetingFactory(group=group, date=datetime.date(2023, 10, 25))
    proposal = meeting.proposals.create(paper=PaperFactory(), proposed_by=member)
    page = member_client.get(meeting.get_absolute_url())
    assertNotContains(page, "Proposed papers")
    assertNotContains(page, "No paper proposed yet.")
    # Nor an empty part of the page for them (a link to #proposals had nothing to show).
    assertNotContains(page, 'id="proposals"')
    response = member_client.post(plan_url(meeting, "vote"), {"proposal": proposal.pk}, follow=True)
    assert response.redirect_chain[-1][0].endswith("#proposals")
    html = response.content.decode()
    message = f"Meeting #{meeting.number} has already taken place."
    assert html.count(message) == 1 and html.index('id="proposals"') < html.index(message)
    # Said to the member who acted, once: not on their next view, nor to another reader,
    # even where the plan was first made with the message in it (nobody had read it).
    unread = MeetingFactory(group=group, date=datetime.date(2023, 11, 1))
    late = unread.proposals.create(paper=PaperFactory(), proposed_by=member)
    member_client.post(plan_url(unread, "vote"), {"proposal": late.pk}, follow=True)
    other = Client()
    other.force_login(MembershipFactory(group=group).user)
    for past in (meeting, unread):
        said = f"Meeting #{past.number} has already taken place."
        assertNotContains(member_client.get(past.get_absolute_url()), said)
        assertNotContains(other.get(past.get_absolute_url()), said)


def test_a_picked_proposal_offers_no_withdraw(member_client, member, group):
    meeting = MeetingFactory(group=group, date=datetime.date(2031, 1, 1))
    paper = PaperFactory()
    member_client.post(plan_url(meeting, "propose"), {"paper": paper.arxiv_id})
    member.memberships.update(role="organiser")
    proposal = meeting.proposals.get()
    member_client.post(plan_url(meeting, "pick"), {"proposal": proposal.pk})
    page = member_client.get(meeting.get_absolute_url())
    assertContains(page, "picked</span>")
    assertNotContains(page, ">Withdraw</button>")
    response = member_client.post(
        plan_url(meeting, "withdraw-proposal"), {"proposal": proposal.pk}, follow=True
    )
    assert messages_of(response) == [
        f"“{paper.title}” is picked: it is on the reading of meeting #{meeting.number} already."
    ]
    assert meeting.proposals.exists()


def test_a_proposal_of_no_arxiv_id_says_so(member_client, group):
    """It said to add the paper to the library first, which would then refuse the ID."""
    meeting = MeetingFactory(group=group, date=datetime.date(2031, 1, 1))
    response = member_client.post(
        plan_url(meeting, "propose"), {"paper": "arXiv:2399.99999"}, follow=True
    )
    assert messages_of(response) == [
        "2399.99999 is not an arXiv ID: its first four digits are the year and month "
        "(2303 is March 2023), with 4 digits after the dot until 2014 and 5 since."
    ]


def test_a_proposal_nothing_matches_keeps_the_text(member_client, group):
    meeting = MeetingFactory(group=group, date=datetime.date(2031, 1, 1))
    response = member_client.post(
        plan_url(meeting, "propose"), {"paper": "Attention is all you need"}, follow=True
    )
    said = (
        "No paper on the site matches “Attention is all you need”. Add it to the library "
        "first (“Add papers” on the paper list), then propose it."
    )
    assert messages_of(response) == [said]
    assert response.redirect_chain[-1][0].endswith("#proposals")
    assertContains(response, 'value="Attention is all you need"')
    # In the part it came from, once, not at the top of the page out of sight.
    html = response.content.decode()
    form = html.index('id="proposals"')
    assert html.count(said) == 1 and html.index(said) > form
    assertNotContains(response, '<ul class="messages">')


def test_a_long_title_nothing_matches_is_quoted_cut_with_an_ellipsis(member_client, group):
    """ "… Reasoning in Large Langua”": cut mid-word with no sign of it (a browser walk)."""
    meeting = MeetingFactory(group=group, date=datetime.date(2031, 1, 1))
    title = "Chain-of-Thought Prompting Elicits Reasoning in Large Language Models"
    response = member_client.post(plan_url(meeting, "propose"), {"paper": title}, follow=True)
    assert messages_of(response)[0].startswith(
        "No paper on the site matches “Chain-of-Thought Prompting Elicits Reasoning in Large…”."
    )
    assertContains(response, f'value="{title}"')  # kept whole in the box


def in_part(response, said, part):
    """The message stands once, in the part of the page the member is taken back to."""
    html = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(f"#{part}")
    assert html.count(said) == 1 and html.index(said) > html.index(f'id="{part}"')
    assert '<ul class="messages">' not in html


def test_each_action_says_it_is_done_where_the_member_acted(member_client, group):
    meeting = MeetingFactory(group=group, date=datetime.date(2031, 1, 1))
    paper = PaperFactory(arxiv_id="2302.13971")
    response = member_client.post(plan_url(meeting, "sign-up"), follow=True)
    in_part(response, f"You present at meeting #{meeting.number}.", "plan")
    response = member_client.post(
        plan_url(meeting, "propose"), {"paper": "2302.13971"}, follow=True
    )
    in_part(response, "Your proposal was added.", "proposals")
    proposal = meeting.proposals.get(paper=paper)
    response = member_client.post(plan_url(meeting, "vote"), {"proposal": proposal.pk}, follow=True)
    assert response.redirect_chain[-1][0].endswith("#proposals")
    assert not response.content.decode().count('<ul class="messages">')


def test_a_second_presenter_in_a_one_presenter_slot_gets_a_message(client, group, member):
    meeting = MeetingFactory(group=group, date=datetime.date(2031, 1, 1))
    meeting.presenters.add(member)
    other = MembershipFactory(group=group).user
    client.force_login(other)
    response = client.post(plan_url(meeting, "sign-up"), follow=True)
    assert messages_of(response)[0].startswith(f"Meeting #{meeting.number} takes 1 presenter")
    assert list(meeting.presenters.all()) == [member]


def test_swap_request_shown_to_the_other_and_accepted(client, group):
    ann, bo = MembershipFactory(group=group).user, MembershipFactory(group=group).user
    first = MeetingFactory(group=group, number=1, date=datetime.date(2031, 1, 1))
    second = MeetingFactory(group=group, number=2, date=datetime.date(2031, 1, 8))
    first.presenters.add(ann)
    second.presenters.add(bo)
    client.force_login(ann)
    page = client.get(first.get_absolute_url())
    assertContains(page, f'value="{second.pk}:{bo.pk}"')
    response = client.post(plan_url(first, "swap"), {"slot": f"{second.pk}:{bo.pk}"}, follow=True)
    assert messages_of(response) == [
        "Your swap request was sent; the slots change when it is accepted."
    ]
    client.force_login(bo)
    assertContains(client.get(group.get_absolute_url()), "asks to swap slots")
    page = client.get(second.get_absolute_url())
    assertContains(page, "Accept the swap")
    swap = second.swaps_offered.get()
    client.post(plan_url(second, "swap-accept"), {"swap": swap.pk})
    assert list(first.presenters.all()) == [bo] and list(second.presenters.all()) == [ann]


@pytest.fixture
def swap_asked(client, group):
    """Bob presents meeting #2 and has asked Ann, at #3, to swap (the browser walk's)."""
    bob = MembershipFactory(group=group, user=UserFactory(username="bob")).user
    ann = MembershipFactory(group=group, user=UserFactory(username="ann")).user
    second = MeetingFactory(group=group, number=2, date=datetime.date(2031, 1, 8))
    third = MeetingFactory(group=group, number=3, date=datetime.date(2031, 1, 15))
    second.presenters.add(bob)
    third.presenters.add(ann)
    client.force_login(bob)
    client.post(plan_url(second, "swap"), {"slot": f"{third.pk}:{ann.pk}"}, follow=True)
    return bob, second, ann, third, SwapRequest.objects.get()


def waiting():
    return SwapRequest.objects.filter(status=SwapRequest.Status.PENDING).count()


def test_the_asked_member_is_offered_an_answer_not_the_same_swap(client, swap_asked):
    bob, second, ann, third, swap = swap_asked
    client.force_login(ann)
    page = client.get(third.get_absolute_url())
    assertContains(page, "Accept the swap")
    assertNotContains(page, f'value="{second.pk}:{bob.pk}"')
    response = client.post(plan_url(third, "swap"), {"slot": f"{second.pk}:{bob.pk}"}, follow=True)
    assert messages_of(response) == [
        "bob already asked you for this swap: accept or decline their request."
    ]
    assert waiting() == 1
    client.post(plan_url(third, "swap-decline"), {"swap": swap.pk})
    assert waiting() == 0
    client.force_login(bob)
    page = client.get(second.get_absolute_url())
    assertNotContains(page, "waiting for an answer")
    assertContains(page, f'value="{third.pk}:{ann.pk}"')  # Bob may ask again


def test_the_member_who_asked_sees_it_wait_and_may_withdraw_it(client, swap_asked):
    bob, second, ann, third, swap = swap_asked
    page = client.get(second.get_absolute_url())
    assertContains(page, "You asked ann to swap with meeting #3; waiting for an answer.")
    assertNotContains(page, "Ask to swap")  # the only other slot is the one asked for
    client.force_login(ann)
    response = client.post(plan_url(third, "swap-withdraw"), {"swap": swap.pk}, follow=True)
    assert messages_of(response) == ["This swap request is no longer open."]
    client.force_login(bob)
    response = client.post(plan_url(second, "swap-withdraw"), {"swap": swap.pk}, follow=True)
    assert messages_of(response) == ["You withdrew your swap request."]
    assert waiting() == 0
    assertContains(response, f'value="{third.pk}:{ann.pk}"')
    assertNotContains(response, "Withdraw the request")


def test_a_swap_asked_and_declined_on_the_site_is_e_mailed(
    client, group, django_capture_on_commit_callbacks
):
    bob = MembershipFactory(group=group, user=UserFactory(username="bob")).user
    ann = MembershipFactory(group=group, user=UserFactory(username="ann")).user
    second = MeetingFactory(group=group, number=2, date=datetime.date(2031, 1, 8))
    third = MeetingFactory(group=group, number=3, date=datetime.date(2031, 1, 15))
    second.presenters.add(bob)
    third.presenters.add(ann)
    for person in (bob, ann):
        MemberSettings.objects.create(user=person, email_language="en")
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(plan_url(second, "swap"), {"slot": f"{third.pk}:{ann.pk}"})
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ann@example.org"], f"bob asks to swap slots with you: your {group.name} #3 for their #2")
    ]
    client.force_login(ann)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(plan_url(third, "swap-decline"), {"swap": SwapRequest.objects.get().pk})
    assert [(m.to, m.subject) for m in mail.outbox[1:]] == [
        (["bob@example.org"], f"ann declined your swap: you still present at {group.name} #2")
    ]


def test_accepting_a_swap_goes_to_the_meeting_one_presents_now(client, swap_asked):
    bob, second, ann, third, swap = swap_asked
    client.force_login(ann)
    response = client.post(plan_url(third, "swap-accept"), {"swap": swap.pk}, follow=True)
    assert response.redirect_chain[-1][0] == second.get_absolute_url() + "#plan"
    assert messages_of(response) == ["You swapped slots: you now present at meeting #2."]
    assertContains(response, "Hand my slot back")
    assert list(second.presenters.all()) == [ann] and list(third.presenters.all()) == [bob]


def test_swap_with_someone_not_in_the_group(client, group):
    ann, outsider = MembershipFactory(group=group).user, UserFactory(first_name="Zed")
    first = MeetingFactory(group=group, number=1, date=datetime.date(2031, 1, 1))
    second = MeetingFactory(group=group, number=2, date=datetime.date(2031, 1, 8))
    first.presenters.add(ann)
    second.presenters.add(outsider)
    client.force_login(ann)
    response = client.post(
        plan_url(first, "swap"), {"slot": f"{second.pk}:{outsider.pk}"}, follow=True
    )
    assert messages_of(response) == [f"{outsider.get_full_name()} is not a member of {group.name}."]


@pytest.mark.parametrize("slot", ["", "x:y", "999999:1", "1:999999", "1:"])
def test_bad_swap_input_gets_a_message(client, group, slot):
    ann = MembershipFactory(group=group).user
    first = MeetingFactory(group=group, number=1, date=datetime.date(2031, 1, 1))
    first.presenters.add(ann)
    client.force_login(ann)
    response = client.post(plan_url(first, "swap"), {"slot": slot}, follow=True)
    assert response.status_code == 200
    assert len(messages_of(response)) == 1


def test_organiser_moves_a_week_and_a_clash_is_refused(organiser_client, group):
    series = MeetingSeriesFactory(group=group)
    series.plan(datetime.date(2030, 1, 1))
    first, second = series.meetings.order_by("number")[:2]
    url = reverse("notes:meeting_move", args=[group.slug, first.number])
    page = organiser_client.get(url)
    assertContains(page, 'value="2030-01-02"')
    data = {
        "day": "2030-01-09",
        "start_time": "14:30",
        "duration": "60",
        "time_zone": "Asia/Shanghai",
    }
    assertContains(organiser_client.post(url, data), "This clashes with meeting #2")
    data["day"] = "2019-01-01"
    assertContains(organiser_client.post(url, data), "That time is in the past")
    data["day"] = "2030-01-03"
    response = organiser_client.post(url, data, follow=True)
    assert messages_of(response) == ["Meeting #1 was moved."]
    first.refresh_from_db()
    assert first.starts_at == datetime.datetime(2030, 1, 3, 14, 30, tzinfo=SHANGHAI)


def test_a_move_from_a_page_opened_before_another_move_is_refused_and_kept(organiser_client, group):
    """Two organisers moving one meeting: the second move, from the page opened before
    the first, undid it unseen."""
    series = MeetingSeriesFactory(group=group)
    series.plan(datetime.date(2030, 1, 1))
    meeting = series.meetings.get(number=1)
    url = reverse("notes:meeting_move", args=[group.slug, meeting.number])
    opened = re.search(
        r'name="opened" value="([0-9a-f]+)"', organiser_client.get(url).content.decode()
    )[1]
    other = Client()
    other.force_login(MembershipFactory(group=group, role="organiser").user)
    theirs = {
        "day": "2030-01-03",
        "start_time": "10:00",
        "duration": "90",
        "time_zone": "Asia/Shanghai",
        "place": "Room 512",
    }
    assert other.post(url, {**theirs, "opened": opened}).status_code == 302
    mine = {**theirs, "day": "2030-01-04", "start_time": "16:00", "place": "Room 301"}
    refused = organiser_client.post(url, {**mine, "opened": opened})
    assertContains(
        refused,
        "Meeting #1 was moved, or its room or link changed, while you were choosing: it is "
        "now 2030-01-03 10:00 Asia/Shanghai.",
    )
    assertContains(refused, 'value="2030-01-04"')
    assertContains(refused, 'value="Room 301"')
    meeting.refresh_from_db()
    assert (meeting.starts_at.date(), meeting.place) == (datetime.date(2030, 1, 3), "Room 512")
    # Sent again as it now stands, the move is made.
    again = re.search(r'name="opened" value="([0-9a-f]+)"', refused.content.decode())[1]
    assert again != opened
    assert organiser_client.post(url, {**mine, "opened": again}).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.starts_at.date(), meeting.place) == (datetime.date(2030, 1, 4), "Room 301")


def test_organiser_skips_a_week_and_sees_suggestions(organiser_client, group, member):
    series = MeetingSeriesFactory(group=group)
    series.plan(datetime.date(2030, 1, 1))
    meeting = series.meetings.get(number=2)
    response = organiser_client.post(plan_url(meeting, "skip"), {"back": "schedule"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("notes:schedule", args=[group.slug])
    assertContains(response, "Hold after all")
    assertContains(response, "has not presented yet")
    page = organiser_client.get(series.meetings.get(number=3).get_absolute_url())
    assertContains(page, "Suggested presenters")


def test_the_schedules_suggestions_are_punctuated_as_the_language_writes(
    organiser_client, organiser, group, member
):
    MeetingSeriesFactory(group=group).plan(datetime.date(2030, 1, 1))
    url = reverse("notes:schedule", args=[group.slug])
    names = [organiser.username, member.username]
    zh = organiser_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert re.search(r"</strong>（尚未主讲过）；<strong>", zh)
    assert "(尚未主讲过)" not in zh and "; <strong>" not in zh
    en = organiser_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r"</strong> \(has not presented yet\); <strong>", en)
    assert all(f"<strong>{name}</strong>" in en for name in names)


def test_meeting_page_shows_the_time_in_the_readers_zone(member_client, member, group):
    meeting = MeetingSeriesFactory(group=group).plan(datetime.date(2030, 1, 1))[0]
    page = member_client.get(meeting.get_absolute_url())
    assertContains(page, "2030-01-02 Wed 14:00–15:30")
    MemberSettings.objects.create(user=member, time_zone="Europe/London")
    page = member_client.get(meeting.get_absolute_url())
    assertContains(page, "2030-01-02 Wed 06:00–07:30")
    assertContains(page, "2030-01-02 14:00 in the group's time zone (Asia/Shanghai)")


def test_the_hand_back_deadline_is_in_the_readers_zone_and_named(member_client, member, group):
    """It stood in the group's zone, unnamed, under the meeting's time in the member's own
    (a browser walk: 19:30 read as Berlin time was 12:30)."""
    meeting = MeetingSeriesFactory(group=group, handback_days=2).plan(datetime.date(2030, 1, 1))[0]
    meeting.presenters.add(member)
    MemberSettings.objects.create(user=member, time_zone="Europe/Berlin")
    page = member_client.get(meeting.get_absolute_url())
    assertContains(page, "2030-01-02 Wed 07:00–08:30")
    assertContains(page, "You can hand the slot back until 2029-12-31 07:00 (Europe/Berlin).")


def test_presenters_are_joined_as_the_interfaces_language_joins_names(member_client, group):
    """ "主讲人 alice, bob": an English comma in Chinese (a browser walk)."""
    meeting = MeetingSeriesFactory(group=group).plan(datetime.date(2030, 1, 1))[0]
    meeting.presenters.add(UserFactory(username="alice"), UserFactory(username="bob"))
    zh = member_client.get(meeting.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assertContains(zh, '<span class="presenter">alice</span>、<span class="presenter">bob</span>')
    assertContains(member_client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans"), "alice、bob")
    en = member_client.get(meeting.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assertContains(en, '<span class="presenter">alice</span>, <span class="presenter">bob</span>')


PLAN_TEMPLATE = Path(__file__).resolve().parents[2] / "templates/includes/_meeting_plan.html"


@pytest.mark.parametrize("timed", [True, False], ids=["with a time", "date only"])
def test_a_past_meetings_plan_has_every_key_its_template_reads(rf, member, group, timed):
    """A key missing from the plan is sought three more ways by the template engine
    before it is given up (~10 µs each): a past meeting's plan answers them all."""
    start = datetime.datetime(2020, 1, 2, 14, tzinfo=SHANGHAI) if timed else None
    meeting = MeetingFactory(group=group, date=datetime.date(2020, 1, 2), starts_at=start)
    request = rf.get(meeting.get_absolute_url())
    request.user = member
    plan = plan_context(request, meeting)
    assert plan["coming"] is False
    text = PLAN_TEMPLATE.read_text()
    read = set(re.findall(r"\bplan\.(\w+)", text))
    assert read <= set(plan), read - set(plan)
    fields = {field.name for field in dataclasses.fields(plan["when"])}
    assert set(re.findall(r"\bplan\.when\.(\w+)", text)) <= fields
    html = render_to_string(
        "includes/_meeting_plan.html", {"meeting": meeting, "plan": plan}, request=request
    )
    assert ("2020-01-02 Thu 14:00" in html) is timed


def test_in_three_days(member_client, group, settings):
    start = datetime.datetime.now(SHANGHAI).replace(microsecond=0) + datetime.timedelta(days=3)
    meeting = MeetingFactory(
        group=group,
        number=5,
        date=start.date(),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        time_zone="Asia/Shanghai",
    )
    assertContains(member_client.get(meeting.get_absolute_url()), "in 3 days")


@pytest.mark.parametrize("typed", ["asia/shanghai", "ASIA/SHANGHAI", "  Asia/shanghai "])
def test_member_settings_take_a_time_zone_in_any_case(member_client, member, typed):
    url = reverse("notes:member_settings")
    form = {"email": member.email, "email_language": "en", "time_zone": typed}
    response = member_client.post(url, form)
    assert response.status_code == 302
    assert MemberSettings.objects.get(user=member).time_zone == "Asia/Shanghai"


def test_a_time_zone_in_any_case_is_stored_as_spelled_everywhere():
    """The form field of the schedule's forms and the model field of the admin's."""
    assert TimeZoneFormField().clean(" europe/LONDON") == "Europe/London"
    assert MeetingSeries._meta.get_field("time_zone").clean("utc", None) == "UTC"
    with pytest.raises(ValidationError):
        TimeZoneFormField().clean("asia/nowhere")


def test_member_settings_page(member_client, member):
    url = reverse("notes:member_settings")
    page = member_client.get(url)
    assertContains(page, "Meetings of all my groups")
    form = {"email": member.email, "email_language": "en"}
    response = member_client.post(url, {**form, "time_zone": "Nowhere"})
    assertContains(response, "“Nowhere” is not a time zone name")
    member_client.post(url, {**form, "time_zone": "Europe/London"})
    saved = MemberSettings.objects.get(user=member)
    assert (saved.email_language, saved.reminders, saved.time_zone) == (
        "en",
        False,
        "Europe/London",
    )


# --- The account's e-mail address on the settings page ---------------------------------

PASSWORD = "correct horse battery staple"  # the factory's


def settings_form(member, **changes):
    """What the settings form sends as the page shows it, with ``changes``."""
    return {
        "email": member.email,
        "current_password": "",
        "reminders": "on",
        "email_language": "zh-hans",
        "time_zone": "",
        **changes,
    }


def test_member_settings_show_the_accounts_address(member_client, member):
    page = member_client.get(reverse("notes:member_settings"), HTTP_ACCEPT_LANGUAGE="en")
    assertContains(page, f'type="email" name="email" value="{member.email}"')
    assertContains(page, '<label for="id_current_password">Current password</label>')
    assertContains(page, "the link to set a new password (“Forgot your password?”)")
    assertNotContains(page, 'id="no-address"')


def test_a_member_changes_their_address_with_their_password(member_client, member):
    link_before = default_token_generator.make_token(member)
    form = settings_form(
        member, email="ann@lab.example", current_password=PASSWORD, time_zone="UTC"
    )
    response = member_client.post(reverse("notes:member_settings"), form)
    assert response.status_code == 302
    assert response.wsgi_request.sensitive_post_parameters == ("current_password",)
    member.refresh_from_db()
    assert member.email == "ann@lab.example"
    assert MemberSettings.objects.get(user=member).time_zone == "UTC"  # the same save
    # A link to set a new password sent to the old address no longer works.
    assert not default_token_generator.check_token(member, link_before)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "Give your current password to change your e-mail address."),
        ("not it", "That is not your current password. Enter it again to change your address."),
    ],
)
def test_changing_the_address_needs_the_current_password(member_client, member, password, message):
    before = member.email
    form = settings_form(
        member, email="mallory@evil.example", current_password=password, time_zone="UTC"
    )
    page = member_client.post(reverse("notes:member_settings"), form, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert page.context["form"].errors == {"current_password": [message]}
    member.refresh_from_db()
    assert member.email == before
    assert not MemberSettings.objects.filter(user=member).exists()  # nothing else saved
    # What was typed is kept, but the password.
    assertContains(page, 'value="mallory@evil.example"')
    assertContains(page, 'name="time_zone" value="UTC"')
    if password:
        assertNotContains(page, f'value="{password}"')
    # Said at once above the form, the field linked (static/js/site.js focuses it).
    assertContains(
        page,
        '<div class="error error-summary" role="alert" tabindex="-1"><p>Not saved: what is '
        'wrong is said beside each of these fields.</p><ul><li><a href="#id_current_password">'
        "Current password</a></li></ul></div>",
    )


def test_a_first_address_needs_the_password_too(member_client, member):
    member.email = ""
    member.save()
    url = reverse("notes:member_settings")
    page = member_client.post(url, settings_form(member, email="ann@lab.example"))
    assert list(page.context["form"].errors) == ["current_password"]
    member_client.post(
        url, settings_form(member, email="ann@lab.example", current_password=PASSWORD)
    )
    member.refresh_from_db()
    assert member.email == "ann@lab.example"


@pytest.mark.parametrize("typed", ["Taken@Example.org", "taken@example.org", "TAKEN@EXAMPLE.ORG"])
def test_an_address_another_account_has_is_refused_in_any_case(member_client, member, typed):
    UserFactory(email="taken@example.org")
    before = member.email
    form = settings_form(member, email=typed, current_password=PASSWORD, time_zone="UTC")
    page = member_client.post(reverse("notes:member_settings"), form, HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["form"].errors == {
        "email": ["Another account already uses this e-mail address."]
    }
    member.refresh_from_db()
    assert member.email == before
    assert not MemberSettings.objects.filter(user=member).exists()
    assertContains(page, f'value="{typed}"')
    assertContains(page, 'name="time_zone" value="UTC"')


def test_an_address_that_is_not_one_is_refused_in_the_readers_language(member_client, member):
    form = settings_form(member, email="ann@", current_password=PASSWORD)
    url = reverse("notes:member_settings")
    page = member_client.post(url, form, HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["form"].errors == {
        "email": ["Enter a valid e-mail address, such as name@example.org."]
    }
    page = member_client.post(url, form, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.context["form"].errors == {
        "email": ["请填写有效的电子邮件地址，例如 name@example.org。"]
    }


def test_the_same_address_in_other_capitals_needs_no_password(member_client, member):
    """It reaches the same mailbox: nothing to guard."""
    form = settings_form(member, email=member.email.upper())
    assert member_client.post(reverse("notes:member_settings"), form).status_code == 302
    member.refresh_from_db()
    assert member.email == member.username.upper() + "@EXAMPLE.ORG"


def test_the_address_and_the_settings_are_saved_together_or_not_at_all(
    member_client, member, monkeypatch
):
    before = member.email

    def lost(*args, **kwargs):
        raise OperationalError("the connection was lost")

    monkeypatch.setattr(MemberSettings, "save", lost)
    form = settings_form(member, email="ann@lab.example", current_password=PASSWORD)
    response = member_client.post(reverse("notes:member_settings"), form)
    assert response.status_code == 503
    assertNotContains(response, PASSWORD, status_code=503)  # the 503 page gives nothing back
    member.refresh_from_db()
    assert member.email == before


@pytest.mark.parametrize(
    ("language", "notice"),
    [
        (
            "en",
            "Your account has no e-mail address, so reminders cannot reach you: "
            "add your address above.",
        ),
        ("zh-hans", "你的账号没有电子邮件地址，组会邮件提醒发不到你那里：请在上方填写你的地址。"),
    ],
)
def test_reminders_without_an_address_are_said_to_reach_nobody(
    member_client, member, language, notice
):
    member.email = ""
    member.save()
    url = reverse("notes:member_settings")
    page = member_client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assertContains(page, f'<p class="message" id="no-address">{notice}</p>', html=True)
    MemberSettings.objects.create(user=member, reminders=False)
    assertNotContains(member_client.get(url, HTTP_ACCEPT_LANGUAGE=language), 'id="no-address"')


def test_a_member_who_removes_their_address_is_told_reminders_reach_nobody(member_client, member):
    url = reverse("notes:member_settings")
    member_client.post(url, settings_form(member, email="", current_password=PASSWORD))
    member.refresh_from_db()
    assert member.email == ""
    assertContains(member_client.get(url, HTTP_ACCEPT_LANGUAGE="en"), 'id="no-address"')


def test_the_settings_page_is_never_kept(member_client, member):
    """It shows the member's address: every view reads it afresh (an address changed
    without a signal, which moves no page generation on, shows at once)."""
    url = reverse("notes:member_settings")
    assertContains(member_client.get(url), f'value="{member.email}"')
    type(member).objects.filter(pk=member.pk).update(email="new@lab.example")
    assertContains(member_client.get(url), 'value="new@lab.example"')


@pytest.mark.parametrize(
    ("visited_in", "reading_in"),
    [("en", "zh-hans"), ("zh-hans", "en"), (None, "en"), (None, "zh-hans")],
)
def test_member_settings_preselect_the_language_the_member_reads_the_page_in(
    member_client, member, visited_in, reading_in
):
    """Never saved: the e-mails' language offered is the interface's the member reads the
    settings in, not the one of their last visit to the home page (before they switched)."""
    if visited_in:
        Visit.objects.create(user=member, seen=timezone.now(), language=visited_in)
    url = reverse("notes:member_settings")
    page = member_client.get(url, HTTP_ACCEPT_LANGUAGE=reading_in)
    assert page.context["form"]["email_language"].value() == reading_in
    assertContains(page, f'<option value="{reading_in}" selected>')
    # Chosen once, the choice stands whatever the interface.
    MemberSettings.objects.create(user=member, email_language="en")
    page = member_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.context["form"]["email_language"].value() == "en"


def test_e_mails_without_a_request_go_in_the_language_of_the_last_visit(member):
    """Where no page is read (a reminder sent by the scheduler), the last visit says."""
    Visit.objects.create(user=member, seen=timezone.now(), language="en")
    assert MemberSettings.of(member, guess_language=True).email_language == "en"
    assert MemberSettings.of(member).email_language == "zh-hans"


@pytest.mark.parametrize("count", [1, 3])
def test_group_page_queries_do_not_grow_with_meetings(
    member_client, group, member, count, django_assert_num_queries
):
    for number in range(count):
        meeting = MeetingFactory(group=group, date=datetime.date(2031, 1, 1 + number))
        meeting.presenters.add(member)
    # + what changed (five kinds) and the member's last visit; visible_to() reads the group
    # and the reader's membership in one query (their time zone only for a coming meeting
    # with a time: these have a date only)
    with django_assert_num_queries(16):
        member_client.get(group.get_absolute_url())


@pytest.mark.parametrize("count", [1, 3])
def test_schedule_page_queries_do_not_grow_with_meetings(
    organiser_client, group, count, django_assert_num_queries
):
    series = MeetingSeriesFactory(
        group=group, last_date=datetime.date(2030, 1, 2 + 7 * (count - 1))
    )
    series.plan(datetime.date(2030, 1, 1))
    # (the organiser's time zone comes with them: notes.auth.MemberBackend; the series
    # form reads the series' stored revision, core.revisions.RevisionForm)
    with django_assert_num_queries(15):
        response = organiser_client.get(reverse("notes:schedule", args=[group.slug]))
    assertContains(response, "open slot", count=count)


def test_group_page_shows_times_in_the_readers_zone(member_client, member, group):
    MeetingSeriesFactory(group=group).plan(datetime.date(2030, 1, 1))
    assertContains(member_client.get(group.get_absolute_url()), "Wed 14:00", count=8)
    MemberSettings.objects.create(user=member, time_zone="Europe/London")
    assertContains(member_client.get(group.get_absolute_url()), "Wed 06:00", count=8)


@pytest.mark.parametrize("count", [1, 3])
def test_coming_meeting_page_queries_do_not_grow(client, group, count, django_assert_num_queries):
    """A presenter on a coming meeting with proposals and votes: every list read once."""
    meeting = MeetingSeriesFactory(group=group).plan(datetime.date(2030, 1, 1))[0]
    presenter = MembershipFactory(group=group).user
    meeting.presenters.add(presenter)
    for _ in range(count):
        proposal = meeting.proposals.create(paper=PaperFactory(), proposed_by=presenter)
        proposal.ballots.create(user=presenter)
    client.force_login(presenter)
    # + the group's reading progress (its members) and the meeting's discussion
    # + the notes' keys of the shared notes fragment; the member's role for "Edit" comes
    # with the group's members read for its progress; + the member's audience and roles
    # (one query) and statuses, read once for what is kept for them (notes/audience.py);
    # its models, datasets and sources come in one query (Meeting.linked_records); the
    # member's time zone comes with them (notes.auth.MemberBackend)
    with django_assert_num_queries(18):
        response = client.get(meeting.get_absolute_url())
    assertContains(response, "1 vote", count=count)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"user": "x", "slot": "1:x", "proposal": "-1", "swap": "9" * 30, "paper": "\x00"},
        {"user": "99999999", "presenter": "abc", "slot": ":", "paper": "x" * 5000},
        {"user": "1\x00", "slot": "１:２", "proposal": "１"},
    ],
)
def test_no_action_answers_500_to_bad_input(organiser_client, organiser, group, data):
    meeting = MeetingSeriesFactory(group=group).plan(datetime.date(2030, 1, 1))[0]
    meeting.presenters.add(organiser)
    for action in [
        "sign-up",
        "hand-back",
        "assign",
        "unassign",
        "skip",
        "hold",
        "swap",
        "swap-accept",
        "swap-decline",
        "swap-withdraw",
        "propose",
        "vote",
        "unvote",
        "pick",
    ]:
        response = organiser_client.post(plan_url(meeting, action), data)
        assert response.status_code == 302, action
    move = reverse("notes:meeting_move", args=[group.slug, meeting.number])
    schedule = reverse("notes:schedule", args=[group.slug])
    for url, extra in [(move, {}), (schedule, {"form": "series"}), (schedule, {"form": "one_off"})]:
        bad = {"day": "2030-02-31", "start_time": "25:00", "duration": "-5", "time_zone": "Asia"}
        bad |= {"weekday": "9", "first_date": "x", "link": "javascript:alert(1)"}
        assert organiser_client.post(url, bad | extra).status_code == 200


def test_series_and_proposals_in_the_admin_for_their_organiser_only(client, world):
    series = MeetingSeriesFactory(group=world.group_b)
    MeetingSeriesFactory(group=world.group_a)
    client.force_login(world.staff)  # organises group B only
    response = client.get(reverse("admin:notes_meetingseries_changelist"))
    assert list(response.context["cl"].result_list) == [series]
    for name in ["paperproposal", "swaprequest", "vote", "reminder"]:
        assert client.get(reverse(f"admin:notes_{name}_changelist")).status_code == 200


def test_the_schedule_shows_a_partly_filled_meetings_open_slots(organiser_client, group, member):
    series = MeetingSeriesFactory(group=group, presenter_slots=2)
    meeting = series.plan(datetime.date(2030, 1, 1))[0]
    meeting.presenters.add(member)
    page = organiser_client.get(reverse("notes:schedule", args=[group.slug])).content.decode()
    row = page[page.index(f"<strong>#{meeting.number}</strong>") :]
    row = row[: row.index("</li>")]
    assert '<span class="badge open">1 open slot</span>' in row
    # The one-off form's fields do not take the series form's ids.
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_a_new_series_asks_for_a_day_not_dashes(organiser_client, group):
    page = organiser_client.get(reverse("notes:schedule", args=[group.slug]))
    assertContains(page, '<option value="" selected>Choose a day</option>')
    assert "---------" not in page.content.decode()


@pytest.mark.parametrize(
    ("accept", "said", "absent"),
    [
        ("en", "organisers plan its meetings", "may read this page"),
        ("zh-CN,zh;q=0.9", "只有读书会组织者安排组会", "可以看到这个页面"),
    ],
)
def test_a_member_refused_the_schedule_is_told_why(member_client, group, accept, said, absent):
    """The 403 page said the member could read the page but not change it, and spoke of
    meeting pages and notes: the schedule is the organisers' alone."""
    url = reverse("notes:schedule", args=[group.slug])
    response = member_client.get(url, HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 403
    assertContains(response, said, status_code=403)
    assertNotContains(response, absent, status_code=403)


def test_a_meeting_page_kept_before_it_began_reads_as_made_after(group, settings, monkeypatch):
    """The whole page is kept for the members who read alike by date, not by the hour, and
    its header named the presenters only once the meeting had begun: a member who read it
    after the start got the header made before, without them. The presenters are in the
    plan (the member's own part, made for each request), account and guest alike."""
    from django.core.cache import cache

    settings.PAGECACHE_ENABLED = True
    settings.PAGECACHE_AUDIENCE_PAGES = True
    utc = zoneinfo.ZoneInfo("UTC")
    day = timezone.now().date() + datetime.timedelta(days=3)
    meeting = meeting_at(group, datetime.datetime.combine(day, datetime.time(12)), utc, 9)
    meeting.presenters.add(MembershipFactory(group=group, user__username="ada").user)
    Meeting.objects.filter(pk=meeting.pk).update(presenter_name="Guest")
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(MembershipFactory(group=group).user)
        clients.append(client)

    def header(client):
        html = client.get(meeting.get_absolute_url()).content.decode()
        return re.search(r'<header class="page-header">.*?</header>', html, re.S).group()

    def at(hour):
        moment = datetime.datetime.combine(day, datetime.time(hour), tzinfo=utc)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    at(10)
    header(clients[0])  # kept, before the meeting
    at(14)
    page = clients[1].get(meeting.get_absolute_url()).content.decode()
    kept = re.search(r'<header class="page-header">.*?</header>', page, re.S).group()
    cache.clear()
    assert kept == header(clients[1])
    start = page.index('id="plan"')
    plan = page[start : page.index("</section>", start)]
    assert "ada" in plan and "Guest" in plan


def test_a_time_the_clocks_skip_is_refused_with_a_message(organiser_client, group):
    """01:30 in London on the day the clocks go forward is no time: the meeting was put
    at 02:30 without a word."""
    url = reverse("notes:schedule", args=[group.slug])
    data = {
        "form": "one_off",
        "day": "2030-03-31",
        "start_time": "01:30",
        "duration": "60",
        "time_zone": "Europe/London",
        "presenter_slots": "1",
    }
    response = organiser_client.post(url, data)
    assertContains(
        response,
        "01:30 does not exist in Europe/London on 2030-03-31: the clocks go forward then.",
    )
    assert not Meeting.objects.filter(group=group).exists()
    data["start_time"] = "02:30"
    assert organiser_client.post(url, data).status_code == 302
