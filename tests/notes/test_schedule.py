"""The series and its planned meetings (notes/models/schedule.py)."""

import datetime
import threading
import zoneinfo
from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from notes import scheduling
from notes.models import PLAN_WEEKS, Meeting, MeetingSeries, PaperProposal, validate_time_zone
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    PaperFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2030, 1, 1)  # a Tuesday


def test_plan_creates_the_next_eight_weeks_with_aware_times():
    series = MeetingSeriesFactory()
    created = series.plan(TODAY)
    assert len(created) == PLAN_WEEKS
    first = Meeting.objects.get(series=series, series_date=datetime.date(2030, 1, 2))
    assert first.starts_at == datetime.datetime(2030, 1, 2, 14, 0, tzinfo=SHANGHAI)
    assert first.ends_at - first.starts_at == datetime.timedelta(minutes=90)
    assert first.starts_at.astimezone(datetime.UTC).hour == 6
    assert (first.date, first.time_zone, first.place) == (
        datetime.date(2030, 1, 2),
        "Asia/Shanghai",
        "Room 301",
    )
    assert [m.number for m in Meeting.objects.order_by("number")] == list(range(1, 9))


def test_plan_is_idempotent_and_numbers_follow_the_groups_meetings():
    series = MeetingSeriesFactory()
    MeetingFactory(group=series.group, number=41, date=datetime.date(2029, 12, 1))
    series.plan(TODAY)
    assert series.plan(TODAY) == []
    assert series.meetings.count() == PLAN_WEEKS
    assert min(series.meetings.values_list("number", flat=True)) == 42
    series.plan(TODAY + datetime.timedelta(days=7))  # a week later: one more
    assert series.meetings.count() == PLAN_WEEKS + 1


def test_a_skipped_or_moved_week_is_not_planned_again():
    series = MeetingSeriesFactory()
    series.plan(TODAY)
    week = series.meetings.get(series_date=datetime.date(2030, 1, 9))
    week.status = Meeting.Status.SKIPPED
    week.save()
    week.delete()  # even deleted rows come back only as a fresh plan
    assert len(series.plan(TODAY)) == 1
    assert series.meetings.count() == PLAN_WEEKS


def test_last_date_and_inactive_series_stop_planning():
    series = MeetingSeriesFactory(last_date=datetime.date(2030, 1, 16))
    assert len(series.plan(TODAY)) == 3
    assert MeetingSeriesFactory(active=False).plan(TODAY) == []


def test_a_slot_that_clashes_with_a_one_off_is_planned_as_skipped():
    series = MeetingSeriesFactory()
    start = datetime.datetime(2030, 1, 2, 15, 0, tzinfo=SHANGHAI)
    MeetingFactory(
        group=series.group,
        number=1,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        status=Meeting.Status.ONE_OFF,
        date=start.date(),
    )
    series.plan(TODAY)
    assert series.meetings.get(series_date=datetime.date(2030, 1, 2)).skipped


def test_replan_follows_a_new_time_and_drops_empty_weeks_of_an_old_weekday(member):
    series = MeetingSeriesFactory()
    series.plan(TODAY)
    kept = series.meetings.get(series_date=datetime.date(2030, 1, 9))
    kept.presenters.add(member)
    series.weekday, series.start_time = 3, datetime.time(10, 0)  # Thursdays at ten
    series.save()
    now = datetime.datetime(2030, 1, 1, 9, 0, tzinfo=SHANGHAI)
    series.replan(now)
    weekdays = {m.date.weekday() for m in series.meetings.exclude(pk=kept.pk)}
    assert weekdays == {3}
    assert series.meetings.filter(pk=kept.pk).exists()  # someone signed up: kept


def test_daylight_saving_keeps_the_wall_clock_time():
    series = MeetingSeriesFactory(time_zone="Europe/London", first_date=datetime.date(2030, 3, 20))
    series.plan(datetime.date(2030, 3, 19))
    before, _same, after = series.meetings.order_by("date")[:3]  # 20 March, 3 April
    assert before.starts_at.astimezone(datetime.UTC).hour == 14  # GMT
    assert after.starts_at.astimezone(datetime.UTC).hour == 13  # BST from 31 March


@pytest.mark.parametrize(
    "name", ["Mars/Olympus", "Asia", "x" * 300, "", " Asia/Shanghai", "../etc/passwd", "a\x00b"]
)
def test_time_zone_names_are_checked(name):
    with pytest.raises(ValidationError):
        validate_time_zone(name)


def test_series_full_clean_refuses_a_bad_zone_and_dates(group):
    series = MeetingSeriesFactory.build(
        group=group, time_zone="Nowhere/Land", last_date=datetime.date(2029, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        series.full_clean()
    assert set(error.value.message_dict) == {"time_zone", "last_date"}


@pytest.mark.django_db(transaction=True)
def test_two_workers_planning_at_once_make_each_meeting_once():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is PostgreSQL's")
    series = MeetingSeriesFactory()
    MembershipFactory(group=series.group)
    errors = []

    def plan():
        try:
            MeetingSeries.objects.get(pk=series.pk).plan(TODAY)
        except Exception as error:  # noqa: BLE001  (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=plan) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert series.meetings.count() == PLAN_WEEKS
    numbers = list(series.meetings.values_list("number", flat=True))
    assert sorted(numbers) == list(range(1, PLAN_WEEKS + 1))


def test_a_proposal_links_to_where_its_meetings_page_shows_it(client, group):
    """A proposal's address (the admin's "View on site") was its meeting's "#proposals",
    a part only a coming meeting's page has: for a past meeting the link led to the top
    of the page. It leads to the plan, which lists the papers the meeting read (a picked
    one among them), or to the page when the paper is not on it."""
    coming = MeetingFactory(group=group, date=datetime.date(2031, 1, 1))
    past = MeetingFactory(group=group, date=datetime.date(2023, 10, 25))
    before = datetime.datetime(2023, 10, 1, tzinfo=SHANGHAI)  # the past meeting was coming
    picked = past.proposals.create(paper=PaperFactory(title_en="Picked and presented"))
    scheduling.pick(picked, now=before)
    discussed = past.proposals.create(paper=PaperFactory(title_en="Picked and discussed"))
    scheduling.pick(discussed, now=before)
    passed_over = past.proposals.create(paper=PaperFactory(title_en="Never picked"))
    proposed = coming.proposals.create(paper=PaperFactory(title_en="Proposed for later"))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    content_type = ContentType.objects.get_for_model(PaperProposal)

    def shown_at(proposal):
        """The page the admin's "View on site" leads to, the part of it linked and its
        HTML."""
        response = client.get(reverse("admin:view_on_site", args=[content_type.pk, proposal.pk]))
        linked = urlsplit(response.url)
        assert linked.path == proposal.meeting.get_absolute_url()
        page = client.get(linked.path).content.decode()
        if not linked.fragment:
            return page, None, None
        assert page.count(f'id="{linked.fragment}"') == 1, linked.fragment
        start = page.index(f'id="{linked.fragment}"')
        return page, linked.fragment, page[start : page.index("</section>", start)]

    for proposal, part in [(picked, "plan"), (discussed, "plan"), (proposed, "proposals")]:
        _, linked, html = shown_at(proposal)
        assert linked == part
        assert proposal.paper.title in html, proposal
    page, linked, _ = shown_at(passed_over)
    assert linked is None and passed_over.paper.title not in page
