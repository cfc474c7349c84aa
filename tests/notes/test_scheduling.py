"""The workflows of notes/scheduling.py and their messages for bad input."""

import datetime
import threading
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from notes import scheduling
from notes.models import Meeting, SwapRequest, Vote
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    PaperFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def planned(group):
    series = MeetingSeriesFactory(group=group)
    series.plan(datetime.date(2030, 1, 1))
    return list(series.meetings.order_by("date"))


def names(meeting):
    return sorted(u.username for u in meeting.presenters.all())


def test_sign_up_fills_a_slot_and_refuses_a_second_presenter(planned, member, group):
    other = MembershipFactory(group=group, user=UserFactory(first_name="Bo", last_name="")).user
    scheduling.sign_up(planned[0], member)
    with pytest.raises(ValidationError) as error:
        scheduling.sign_up(planned[0], other)
    assert error.value.messages == [
        f"Meeting #{planned[0].number} takes 1 presenter and has it already: "
        f"{member.get_full_name() or member.username}."
    ]
    with pytest.raises(ValidationError, match="already presents"):
        scheduling.sign_up(planned[0], member)
    assert names(planned[0]) == [member.username]


def test_a_slot_in_the_past_or_a_skipped_week_takes_nobody(planned, member):
    past = MeetingFactory(group=planned[0].group, number=100, date=datetime.date(2020, 1, 1))
    with pytest.raises(ValidationError, match="has already taken place"):
        scheduling.sign_up(past, member)
    scheduling.set_skipped(planned[1], True)
    with pytest.raises(ValidationError, match="is skipped"):
        scheduling.sign_up(planned[1], member)


def test_only_members_sign_up_or_are_assigned(planned):
    outsider = UserFactory(first_name="Zed", last_name="Outside")
    with pytest.raises(ValidationError) as error:
        scheduling.sign_up(planned[0], outsider)
    assert error.value.messages == [f"Zed Outside is not a member of {planned[0].group.name}."]


def test_hand_back_before_the_deadline_only(planned, member):
    scheduling.sign_up(planned[0], member)
    late = planned[0].starts_at - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="could be handed back until 2029-12-31 14:00"):
        scheduling.hand_back(planned[0], member, now=late)
    scheduling.hand_back(planned[0], member, by_organiser=True, now=late)
    assert names(planned[0]) == []
    scheduling.sign_up(planned[0], member)
    scheduling.hand_back(planned[0], member, now=late - datetime.timedelta(days=2))
    assert names(planned[0]) == []


def test_a_swap_asked_and_accepted_exchanges_the_slots(planned, member, group):
    other = MembershipFactory(group=group).user
    scheduling.sign_up(planned[0], member)
    scheduling.sign_up(planned[1], other)
    request = scheduling.ask_swap(planned[0], member, planned[1], other)
    assert names(planned[0]) == [member.username]  # nothing changes before the answer
    with pytest.raises(ValidationError, match="asked for this swap already"):
        scheduling.ask_swap(planned[0], member, planned[1], other)
    with pytest.raises(ValidationError, match="no longer open"):
        scheduling.answer_swap(request, member, accept=True)  # only the asked one answers
    scheduling.answer_swap(request, other, accept=True)
    assert names(planned[0]) == [other.username]
    assert names(planned[1]) == [member.username]
    request.refresh_from_db()
    assert request.status == SwapRequest.Status.ACCEPTED
    with pytest.raises(ValidationError, match="no longer open"):
        scheduling.answer_swap(request, other, accept=True)


def test_a_declined_swap_changes_nothing(planned, member, group):
    other = MembershipFactory(group=group).user
    scheduling.sign_up(planned[0], member)
    scheduling.sign_up(planned[1], other)
    request = scheduling.ask_swap(planned[0], member, planned[1], other)
    scheduling.answer_swap(request, other, accept=False)
    assert names(planned[0]) == [member.username]


@pytest.fixture
def asked(planned, member, group):
    """Bob (the member) presents the first meeting and asks Ann, at the second, to swap."""
    ann = MembershipFactory(group=group, user=UserFactory(first_name="Ann", last_name="")).user
    scheduling.sign_up(planned[0], member)
    scheduling.sign_up(planned[1], ann)
    return scheduling.ask_swap(planned[0], member, planned[1], ann), ann


def pending():
    return list(SwapRequest.objects.filter(status=SwapRequest.Status.PENDING))


def test_the_asked_member_answers_and_may_not_ask_for_the_same_swap(asked, planned, member):
    request, ann = asked
    with pytest.raises(ValidationError) as error:
        scheduling.ask_swap(planned[1], ann, planned[0], member)
    assert error.value.messages == [
        f"{member.username} already asked you for this swap: accept or decline their request."
    ]
    assert pending() == [request]


@pytest.mark.parametrize("accept", [True, False])
def test_an_answer_leaves_no_request_between_the_two_slots(asked, planned, member, accept):
    request, ann = asked
    # A request the other way, asked before they were refused.
    mirror = SwapRequest.objects.create(
        meeting=planned[1], requester=ann, other_meeting=planned[0], other=member
    )
    presents = scheduling.answer_swap(request, ann, accept=accept)
    assert pending() == []
    mirror.refresh_from_db()
    assert mirror.status == SwapRequest.Status.WITHDRAWN
    assert presents == planned[0 if accept else 1]
    assert names(presents) == [ann.username]


def test_the_requester_withdraws_a_request_the_other_cannot_answer_then(asked, member):
    request, ann = asked
    with pytest.raises(ValidationError, match="no longer open"):
        scheduling.withdraw_swap(request, ann)  # only the one who asked
    scheduling.withdraw_swap(request, member)
    assert pending() == []
    with pytest.raises(ValidationError, match="no longer open"):
        scheduling.answer_swap(request, ann, accept=True)
    with pytest.raises(ValidationError, match="no longer open"):
        scheduling.withdraw_swap(request, member)


def test_a_request_whose_slots_changed_is_not_carried_out(asked, planned, member, group):
    request, ann = asked
    carl = MembershipFactory(group=group).user
    planned[0].presenters.set([carl])  # the organiser gave Bob's slot to Carl in the admin
    with pytest.raises(ValidationError, match=f"{member.username} does not present at"):
        scheduling.answer_swap(request, ann, accept=True)
    assert names(planned[0]) == [carl.username] and names(planned[1]) == [ann.username]
    planned[0].presenters.set([member])
    scheduling.set_skipped(planned[0], True)
    with pytest.raises(ValidationError, match="is skipped"):
        scheduling.answer_swap(request, ann, accept=True)
    scheduling.set_skipped(planned[0], False)
    member.memberships.all().delete()  # Bob left the group
    with pytest.raises(ValidationError, match="is not a member"):
        scheduling.answer_swap(request, ann, accept=True)
    assert names(planned[1]) == [ann.username]
    assert pending() == [request]  # still there to decline


def test_a_request_is_withdrawn_when_a_slot_is_handed_back_or_swapped(
    asked, planned, member, group
):
    request, ann = asked
    scheduling.hand_back(planned[0], member, by_organiser=True)
    assert pending() == []
    scheduling.sign_up(planned[0], member)
    scheduling.ask_swap(planned[0], member, planned[1], ann)
    carl = MembershipFactory(group=group).user
    scheduling.sign_up(planned[2], carl)
    scheduling.swap(planned[1], ann, planned[2], carl)  # an organiser, directly
    assert pending() == []


def test_a_moved_meeting_keeps_its_request(asked, planned, member):
    request, ann = asked
    start = planned[0].starts_at.astimezone(SHANGHAI) + datetime.timedelta(days=1)
    scheduling.move(planned[0], start, 60, "", "")
    scheduling.answer_swap(request, ann, accept=True)
    assert names(planned[0]) == [ann.username] and names(planned[1]) == [member.username]


def test_a_swap_with_someone_outside_the_group_is_refused(planned, member):
    outsider = UserFactory(first_name="Zed", last_name="Outside")
    scheduling.sign_up(planned[0], member)
    planned[1].presenters.add(outsider)  # entered in the admin, say
    with pytest.raises(ValidationError) as error:
        scheduling.ask_swap(planned[0], member, planned[1], outsider)
    assert error.value.messages == [f"Zed Outside is not a member of {planned[0].group.name}."]
    with pytest.raises(ValidationError, match="not a member"):
        scheduling.swap(planned[0], member, planned[1], outsider)


def test_a_swap_needs_both_to_present(planned, member, group):
    other = MembershipFactory(group=group).user
    scheduling.sign_up(planned[0], member)
    with pytest.raises(ValidationError, match="does not present at meeting"):
        scheduling.ask_swap(planned[0], member, planned[1], other)


def test_organiser_swaps_directly(planned, member, group):
    other = MembershipFactory(group=group).user
    scheduling.sign_up(planned[0], member)
    scheduling.sign_up(planned[2], other)
    scheduling.swap(planned[0], member, planned[2], other)
    assert names(planned[2]) == [member.username]


def test_moving_into_the_past_or_onto_another_meeting_is_refused(planned):
    now = datetime.datetime(2030, 1, 1, 8, 0, tzinfo=SHANGHAI)
    with pytest.raises(ValidationError, match="in the past"):
        scheduling.move(planned[0], now - datetime.timedelta(hours=1), 90, "", "", now=now)
    clash = planned[1].starts_at + datetime.timedelta(minutes=30)
    with pytest.raises(ValidationError) as error:
        scheduling.move(planned[0], clash, 90, "", "", now=now)
    assert error.value.messages == [
        f"This clashes with meeting #{planned[1].number} (2030-01-09 14:00 Asia/Shanghai)."
    ]
    thursday = datetime.datetime(2030, 1, 3, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    moved = scheduling.move(planned[0], thursday, 60, "Room 9", "", now=now)
    assert (moved.status, moved.date, moved.time_zone, moved.place) == (
        Meeting.Status.MOVED,
        datetime.date(2030, 1, 3),
        "Europe/London",
        "Room 9",
    )
    assert moved.series_date == datetime.date(2030, 1, 2)


def test_one_off_meetings_are_numbered_after_the_rest_and_checked(planned, group):
    start = datetime.datetime(2030, 1, 4, 10, 0, tzinfo=SHANGHAI)
    one_off = scheduling.add_one_off(group, start, 60, title_en="Guest talk")
    assert one_off.number == max(m.number for m in planned) + 1
    assert one_off.status == Meeting.Status.ONE_OFF
    with pytest.raises(ValidationError, match="clashes with meeting"):
        scheduling.add_one_off(group, start + datetime.timedelta(minutes=30), 60)
    with pytest.raises(ValidationError, match="in the past"):
        scheduling.add_one_off(group, datetime.datetime(2020, 1, 1, tzinfo=SHANGHAI), 60)


def test_skip_and_hold_again(planned):
    scheduling.set_skipped(planned[0], True)
    planned[0].refresh_from_db()
    assert planned[0].skipped
    scheduling.set_skipped(planned[0], False)
    planned[0].refresh_from_db()
    assert planned[0].status == Meeting.Status.PLANNED


def test_propose_vote_and_pick(planned, member, group):
    paper, second = PaperFactory(), PaperFactory()
    proposal = scheduling.propose(planned[0], member, paper)
    with pytest.raises(ValidationError, match="is proposed for this meeting already"):
        scheduling.propose(planned[0], member, paper)
    scheduling.vote(proposal, member)
    scheduling.vote(proposal, member)  # once only
    other = MembershipFactory(group=group).user
    scheduling.vote(proposal, other)
    assert planned[0].proposals.with_votes(member).get().votes == 2
    scheduling.vote(proposal, other, on=False)
    assert planned[0].proposals.with_votes(member).get().votes == 1
    scheduling.pick(proposal)
    scheduling.pick(scheduling.propose(planned[0], member, second))
    planned[0].refresh_from_db()
    assert planned[0].paper == paper
    assert planned[0].papers_to_read() == [paper, second]
    with pytest.raises(ValidationError, match="not a member"):
        scheduling.vote(proposal, UserFactory())


def test_a_proposal_is_withdrawn_by_its_proposer_or_an_organiser(planned, member, group):
    paper, second = PaperFactory(title_en="Scaling Laws"), PaperFactory()
    proposal = scheduling.propose(planned[0], member, paper)
    other = MembershipFactory(group=group).user
    scheduling.vote(proposal, other)
    with pytest.raises(ValidationError, match="Only the member who proposed a paper"):
        scheduling.withdraw_proposal(proposal, other)
    scheduling.withdraw_proposal(proposal, member)
    assert not planned[0].proposals.exists()
    assert not Vote.objects.exists()  # the votes went with it
    with pytest.raises(ValidationError, match="not on this meeting any more"):
        scheduling.withdraw_proposal(proposal, member)
    # An organiser may withdraw any member's, not a picked one.
    proposal = scheduling.propose(planned[0], member, second)
    scheduling.withdraw_proposal(proposal, other, by_organiser=True)
    picked = scheduling.propose(planned[0], member, paper)
    scheduling.pick(picked)
    with pytest.raises(ValidationError, match="“Scaling Laws” is picked: it is on the reading"):
        scheduling.withdraw_proposal(picked, member)
    assert planned[0].proposals.get() == picked


def test_a_proposal_of_a_past_meeting_stays(planned, member):
    proposal = scheduling.propose(planned[0], member, PaperFactory())
    later = planned[0].starts_at + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="has already taken place"):
        scheduling.withdraw_proposal(proposal, member, now=later)
    assert planned[0].proposals.exists()


def _one_waits_for_the_other(first, second):
    """Run first() in a transaction held open until second() has started and waits for
    the meeting's lock; return what second() raised (None if nothing)."""
    started, release, raised = threading.Event(), threading.Event(), []

    def hold():
        try:
            with transaction.atomic():
                first()
                started.set()
                release.wait(10)
        finally:
            connection.close()

    def follow():
        started.wait(10)
        try:
            second()
        except ValidationError as error:
            raised.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=hold), threading.Thread(target=follow)]
    for thread in threads:
        thread.start()
    started.wait(10)
    threading.Event().wait(0.5)  # the second is blocked on the lock by now
    release.set()
    for thread in threads:
        thread.join(20)
    return raised[0] if raised else None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("order", ["pick first", "withdraw first"])
def test_a_pick_and_a_withdrawal_at_once_leave_one_story(order):
    """Each read the proposal before taking the meeting's lock: a withdrawal waiting on
    a pick then deleted the picked proposal (the paper on the reading, no proposal), and
    a pick waiting on a withdrawal put the withdrawn paper on the reading (a review)."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is PostgreSQL's")
    meeting = MeetingFactory(date=datetime.date(2031, 1, 1))
    member = MembershipFactory(group=meeting.group).user
    proposal = scheduling.propose(meeting, member, PaperFactory(title_en="Mixtral"))

    def pick():
        scheduling.pick(proposal)

    def withdraw():
        scheduling.withdraw_proposal(proposal, member)

    if order == "pick first":
        said = _one_waits_for_the_other(pick, withdraw)
        number = meeting.number
        assert said == f"“Mixtral” is picked: it is on the reading of meeting #{number} already."
        assert meeting.proposals.get().picked
    else:
        said = _one_waits_for_the_other(withdraw, pick)
        assert said == "That proposal is not on this meeting any more."
        assert not meeting.proposals.exists()
    meeting.refresh_from_db()
    assert (meeting.paper is not None) == (order == "pick first")


def test_suggestions_skip_the_recent_presenter(planned, group):
    ann = MembershipFactory(group=group, user=UserFactory(first_name="Ann", last_name="A")).user
    bo = MembershipFactory(group=group, user=UserFactory(first_name="Bo", last_name="B")).user
    scheduling.sign_up(planned[0], ann)
    found = scheduling.suggestions_for(planned[1])
    assert [s.name for s in found] == ["Bo B"]
    many = scheduling.suggestions_for_many(group, planned[:3])
    assert planned[0].pk not in many  # full
    assert [s.user_id for s in many[planned[1].pk]] == [bo.pk]
    # Two weeks on, Ann may present again, after Bo who never did.
    assert [s.user_id for s in many[planned[2].pk]] == [bo.pk, ann.pk]
    # Her talk is still to come: planned, not "last presented".
    planned_talk = "will present on 2030-01-02, 14 days before; "
    assert many[planned[2].pk][1].reason.startswith(planned_talk)
    assert scheduling.suggestions_for(planned[2])[1].reason.startswith(planned_talk)


def test_relative_days():
    today = datetime.date(2030, 1, 1)
    said = [
        scheduling.relative_day(today + datetime.timedelta(days=n), today)
        for n in (3, 1, 0, -1, -2)
    ]
    assert said == ["in 3 days", "tomorrow", "today", "yesterday", "2 days ago"]


def one_off(group, number, day, hour):
    start = datetime.datetime(2030, 1, day, hour, 0, tzinfo=SHANGHAI)
    return MeetingFactory(
        group=group,
        number=number,
        date=start.date(),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        time_zone="Asia/Shanghai",
        status=Meeting.Status.ONE_OFF,
    )


def test_the_weeks_a_new_series_skips_for_a_booked_slot_are_named_with_the_reason(group):
    one_off(group, 1, 2, 10)  # the morning of the series' first Wednesday: no clash
    series = MeetingSeriesFactory(group=group)
    assert scheduling.skipped_weeks(series.plan(datetime.date(2030, 1, 1))) == ""
    one_off(group, 50, 11, 14)
    one_off(group, 51, 25, 15)
    fridays = MeetingSeriesFactory(group=group, weekday=4, first_date=datetime.date(2030, 1, 4))
    message = scheduling.skipped_weeks(fridays.plan(datetime.date(2030, 1, 1)))
    assert message == (
        "2 weeks of the series are skipped, as the group already meets at those times: "
        "2030-01-11 (clashes with meeting #50, 2030-01-11 14:00 Asia/Shanghai), "
        "2030-01-25 (clashes with meeting #51, 2030-01-25 15:00 Asia/Shanghai). To hold "
        "one, move the other meeting first, then hold the week on “Plan meetings”."
    )
    assert fridays.meetings.filter(status=Meeting.Status.SKIPPED).count() == 2
