"""The iCalendar feeds, parsed back with icalendar."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.db.models import F
from django.urls import reverse

from notes import scheduling
from notes.feeds import token_for
from notes.models import Meeting, MemberSettings
from tests.factories import MeetingFactory, MeetingSeriesFactory, MembershipFactory, PaperFactory

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
HOUR = datetime.timedelta(hours=1)


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(cal):
    return list(cal.walk("VEVENT"))


@pytest.fixture
def planned(group, member):
    series = MeetingSeriesFactory(group=group, first_date=datetime.date(2031, 1, 1))
    meetings = series.plan(datetime.date(2030, 12, 31))
    meetings[0].presenters.add(member)
    meetings[0].paper = PaperFactory(title_en="Chain-of-Thought Prompting", arxiv_id="2201.11903")
    meetings[0].title_en = "Reasoning"
    meetings[0].save()
    return meetings


def test_group_calendar_has_every_meeting_with_zone_alarm_and_details(
    client, group, member, planned
):
    url = reverse("notes:group_calendar", args=[token_for(member), group.slug])
    cal = parse(client.get(url))
    found = events(cal)
    assert len(found) == 8
    first = next(e for e in found if str(e["uid"]) == f"meeting-{planned[0].pk}@llm-reading-group")
    start = first.decoded("dtstart")
    assert start == datetime.datetime(2031, 1, 1, 14, 0, tzinfo=SHANGHAI)
    assert first["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert first.decoded("dtend") - start == datetime.timedelta(minutes=90)
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    summary = str(first["summary"])
    assert summary.startswith(f"{group.name} #1 · Reasoning")
    assert member.get_full_name() in summary
    description = str(first["description"])
    assert "Chain-of-Thought Prompting (arXiv:2201.11903)" in description
    assert "https://meet.example.org/llm" in description
    assert str(first["location"]) == "Room 301, https://meet.example.org/llm"
    (alarm,) = first.walk("VALARM")
    assert alarm.decoded("trigger") == -datetime.timedelta(minutes=30)
    assert str(alarm["action"]) == "DISPLAY"


def test_uids_stay_the_same_when_a_meeting_moves(client, group, member, planned):
    url = reverse("notes:group_calendar", args=[token_for(member), group.slug])
    before = {str(e["uid"]) for e in events(parse(client.get(url)))}
    planned[0].starts_at += datetime.timedelta(hours=2)
    planned[0].ends_at += datetime.timedelta(hours=2)
    planned[0].save()
    after = events(parse(client.get(url)))
    assert {str(e["uid"]) for e in after} == before
    moved = next(e for e in after if str(e["uid"]) == f"meeting-{planned[0].pk}@llm-reading-group")
    assert moved.decoded("dtstart").hour == 16


def test_skipped_week_is_cancelled_and_past_date_only_meetings_are_all_day(
    client, group, member, planned
):
    planned[1].status = "skipped"
    planned[1].save()
    MeetingFactory(group=group, number=99, date=datetime.date.today() - datetime.timedelta(days=3))
    cal = parse(client.get(reverse("notes:member_calendar", args=[token_for(member)])))
    by_uid = {str(e["uid"]): e for e in events(cal)}
    assert str(by_uid[f"meeting-{planned[1].pk}@llm-reading-group"]["status"]) == "CANCELLED"
    all_day = [
        e
        for e in events(cal)
        if isinstance(e.decoded("dtstart"), datetime.date)
        and not isinstance(e.decoded("dtstart"), datetime.datetime)
    ]
    assert len(all_day) == 1


def test_talks_calendar_has_only_the_members_talks(client, member, planned):
    cal = parse(client.get(reverse("notes:talks_calendar", args=[token_for(member)])))
    assert [str(e["uid"]) for e in events(cal)] == [f"meeting-{planned[0].pk}@llm-reading-group"]


def test_member_calendar_covers_all_their_groups_only(client, member, planned):
    other_group = MembershipFactory(user=member).group
    MeetingFactory(group=other_group, number=1, date=datetime.date(2031, 2, 2))
    not_mine = MeetingFactory(number=1, date=datetime.date(2031, 2, 3))
    cal = parse(client.get(reverse("notes:member_calendar", args=[token_for(member)])))
    summaries = [str(e["summary"]) for e in events(cal)]
    assert len(summaries) == 9
    assert any(s.startswith(f"{other_group.name} #1") for s in summaries)
    assert not any(not_mine.group.name in s for s in summaries)


def test_revoked_or_renewed_keys_give_404(client, member_client, member, group, planned):
    old = token_for(member)
    urls = [
        reverse("notes:group_calendar", args=[old, group.slug]),
        reverse("notes:member_calendar", args=[old]),
        reverse("notes:talks_calendar", args=[old]),
    ]
    member_client.post(reverse("notes:feed_renew"))
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    member_client.post(reverse("notes:feed_revoke"))
    new = reverse("notes:member_calendar", args=[token_for(member) or "none"])
    assert client.get(new).status_code == 404


def test_add_to_calendar_file(member_client, planned):
    meeting = planned[0]
    url = reverse("notes:meeting_ics", args=[meeting.group.slug, meeting.number])
    response = member_client.get(url)
    (event,) = events(parse(response))
    assert str(event["uid"]) == f"meeting-{meeting.pk}@llm-reading-group"
    assert 'filename="' in response["Content-Disposition"]


def test_calendar_text_is_in_the_members_language(client, group, member, planned):
    planned[0].title_zh = "推理"
    planned[0].save()
    url = reverse("notes:talks_calendar", args=[token_for(member)])
    (event,) = events(parse(client.get(url)))
    assert "主讲人" in str(event["description"])  # Chinese unless the member chose English
    assert "推理" in str(event["summary"])  # the meeting's Chinese title, for a Chinese reader
    MemberSettings.objects.create(user=member, email_language="en")
    (event,) = events(parse(client.get(url)))
    assert "Presenter:" in str(event["description"])
    assert "Reasoning" in str(event["summary"]) and "推理" not in str(event["summary"])


def test_a_swap_or_a_move_makes_the_event_newer(client, group, member, planned):
    """A calendar takes an event read again as an update when its SEQUENCE and
    LAST-MODIFIED grew: a swap of presenters (the meeting itself was not saved) and a
    move (the write-up's revision, the SEQUENCE before, stays) left both as they were."""
    other = MembershipFactory(group=group).user
    planned[1].presenters.add(other)
    url = reverse("notes:group_calendar", args=[token_for(member), group.slug])

    def versions():
        by_uid = {str(e["uid"]): e for e in events(parse(client.get(url)))}
        return [
            (int(by_uid[uid(m)]["sequence"]), by_uid[uid(m)].decoded("last-modified"))
            for m in planned[:2]
        ]

    def uid(meeting):
        return f"meeting-{meeting.pk}@llm-reading-group"

    def made_an_hour_ago():  # SEQUENCE counts seconds: the series was planned earlier
        ids = [m.pk for m in planned[:2]]
        Meeting.objects.filter(pk__in=ids).update(updated=F("updated") - HOUR)

    now = datetime.datetime(2030, 12, 20, tzinfo=datetime.UTC)
    made_an_hour_ago()
    before = versions()
    scheduling.swap(planned[0], member, planned[1], other, now=now)
    swapped = versions()
    assert all(new > old for (new, _), (old, _) in zip(swapped, before, strict=True))
    assert all(new > old for (_, new), (_, old) in zip(swapped, before, strict=True))
    made_an_hour_ago()
    swapped = versions()
    start = planned[0].starts_at + datetime.timedelta(hours=2)
    scheduling.move(planned[0], start, 90, "Room 302", "", now=now)
    assert versions()[0][0] > swapped[0][0]


def test_a_meeting_after_2038_is_at_its_hour_where_the_file_gives_the_zone(client, group, member):
    """The VTIMEZONE stopped at 2038 (icalendar's default): a calendar that reads the
    zone from the file (Outlook) put a London meeting of July 2040 an hour late."""
    london = zoneinfo.ZoneInfo("Europe/London")
    start = datetime.datetime(2040, 7, 4, 14, 0, tzinfo=london)
    MeetingFactory(
        group=group,
        number=7,
        date=start.date(),
        starts_at=start,
        ends_at=start + HOUR,
        time_zone="Europe/London",
    )
    url = reverse("notes:group_calendar", args=[token_for(member), group.slug])
    content = client.get(url).content
    # Named so that no reader knows the zone by its name: only the file's definition.
    cal = icalendar.Calendar.from_ical(content.replace(b"Europe/London", b"X-Group-Zone"))
    (found,) = events(cal)
    assert found.decoded("dtstart").utcoffset() == HOUR  # British Summer Time
    assert found.decoded("dtstart").replace(tzinfo=None) == datetime.datetime(2040, 7, 4, 14, 0)
