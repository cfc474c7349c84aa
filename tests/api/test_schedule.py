"""Schedules through the API: series, planned meetings with their times and proposals."""

import datetime

import pytest

from api.models import LibraryVersion
from notes.models import Meeting, PaperProposal
from tests.factories import MeetingSeriesFactory, PaperFactory

pytestmark = pytest.mark.django_db


def test_a_groups_series_and_its_planned_meetings(api_as, world):
    version = LibraryVersion.current()
    series = MeetingSeriesFactory(group=world.group_a, first_date=datetime.date(2030, 1, 2))
    series.plan(datetime.date(2030, 1, 1))
    caller = api_as(world.member)
    listed = caller.get(f"/groups/{world.group_a.slug}/series").json()
    assert [(s["id"], s["weekday"], s["place"]) for s in listed] == [(series.pk, 2, "Room 301")]
    planned = caller.get(f"/meetings?group={world.group_a.slug}&when=upcoming").json()["items"]
    assert planned, "the series plans meetings ahead"
    first = min(planned, key=lambda m: m["date"])
    assert (first["series"], first["status"], first["place"]) == (series.pk, "planned", "Room 301")
    assert first["starts_at"].startswith("2030-01-02T06:00")  # 14:00 in Shanghai
    assert api_as(world.other).get(f"/groups/{world.group_a.slug}/series").status_code == 404
    answer = caller.get(f"/sync?since={version}").json()
    assert answer["changed"]["series"] == [str(series.pk)]
    assert "series" not in api_as(world.other).get(f"/sync?since={version}").json()["changed"]


def test_a_meeting_lists_its_proposals_by_votes(api_as, world):
    paper = PaperFactory()
    proposal = PaperProposal.objects.create(
        meeting=world.meeting, paper=paper, proposed_by=world.member
    )
    proposal.ballots.create(user=world.organiser)
    detail = api_as(world.member).get(f"/meetings/{world.meeting.pk}").json()
    assert detail["proposals"] == [
        {
            "paper": {"slug": paper.slug, "name": paper.title},
            "proposed_by": world.member.username,
            "votes": 1,
            "picked": False,
        }
    ]
    skipped = Meeting.objects.filter(pk=world.meeting.pk)
    skipped.update(status=Meeting.Status.SKIPPED)
    statuses = api_as(world.member).get("/meetings?status=skipped").json()["items"]
    assert [m["id"] for m in statuses] == [world.meeting.pk]
