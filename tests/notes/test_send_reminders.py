"""manage.py send_reminders, with Django's in-memory e-mail backend."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from notes.models import Meeting, MemberSettings, Reminder
from tests.factories import (
    MeetingFactory,
    MeetingSeriesFactory,
    MembershipFactory,
    PaperFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
# 09:00 on a Monday in Shanghai, the meetings' zone: a meeting 20 hours on is tomorrow's
# there, one 5 hours on today's.
NOW = datetime.datetime(2030, 3, 11, 1, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def run(*args):
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def meeting_in(group, delta, **fields):
    start = timezone.now() + delta
    return MeetingFactory(
        group=group,
        date=start.date(),
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=90),
        time_zone="Asia/Shanghai",
        place="Room 301",
        **fields,
    )


@pytest.fixture
def people(group):
    presenter = MembershipFactory(group=group, user=UserFactory(email="p@example.org")).user
    reader = MembershipFactory(group=group, user=UserFactory(email="r@example.org")).user
    quiet = MembershipFactory(group=group, user=UserFactory(email="q@example.org")).user
    MemberSettings.objects.create(user=quiet, reminders=False)
    MembershipFactory(group=group, user=UserFactory(email=""))  # no address: nothing sent
    MeetingFactory(number=500, date=datetime.date(2031, 1, 1))  # another group's
    return presenter, reader, quiet


def test_presenter_days_before_and_members_the_day_before_each_once(group, people, settings):
    settings.SITE_URL = "https://reading.example.org"
    presenter, reader, quiet = people
    for person in (presenter, reader):
        MemberSettings.objects.create(user=person, email_language="en")
    meeting = meeting_in(group, datetime.timedelta(hours=20), body_zh="", body_en="")
    meeting.presenters.add(presenter)
    meeting.paper = PaperFactory(title_en="Chain-of-Thought Prompting")
    meeting.save()
    later = meeting_in(group, datetime.timedelta(days=2, hours=12))
    later.presenters.add(reader)
    assert "Sent 4 reminder(s)." in run()
    sent = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert [to for to, _subject in sent] == [
        "p@example.org",
        "p@example.org",
        "r@example.org",
        "r@example.org",
    ]
    talk = next(m for m in mail.outbox if "Your talk" in m.subject)
    assert "The write-up is not written yet" in talk.body
    assert f"https://reading.example.org{meeting.get_absolute_url()}" in talk.body
    day_before = next(
        m for m in mail.outbox if m.to == ["r@example.org"] and "Tomorrow" in m.subject
    )
    assert "Chain-of-Thought Prompting" in day_before.body
    assert "Room 301" in day_before.body
    # Run again: nothing twice.
    assert "Sent 0 reminder(s)." in run()
    assert len(mail.outbox) == 4
    assert Reminder.objects.count() == 4
    assert not Reminder.objects.filter(user=quiet).exists()


def test_each_member_gets_their_own_language(group, people):
    presenter, reader, _quiet = people
    MemberSettings.objects.create(user=reader, email_language="en")
    meeting_in(group, datetime.timedelta(hours=20), title_zh="思维链")
    run()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["r@example.org"].subject.startswith("Tomorrow:")
    assert by_address["p@example.org"].subject.startswith("明天")
    assert (
        "要读的论文" in by_address["p@example.org"].body
        or "会议" in by_address["p@example.org"].body
    )


def test_each_member_reads_the_meetings_title_in_their_language(group, people):
    presenter, reader, _quiet = people
    MemberSettings.objects.create(user=reader, email_language="en")
    meeting = meeting_in(
        group, datetime.timedelta(hours=20), title_zh="思维链提示", title_en="Chain-of-thought"
    )
    meeting.presenters.add(presenter)
    run()
    by_address = {m.to[0]: m.body for m in mail.outbox}
    assert "Chain-of-thought" in by_address["r@example.org"]
    assert "思维链提示" not in by_address["r@example.org"]
    assert "思维链提示" in by_address["p@example.org"]


def test_dry_run_sends_and_records_nothing(group, people):
    meeting_in(group, datetime.timedelta(hours=20))
    series = MeetingSeriesFactory(group=group, active=True)
    planned = Meeting.objects.filter(series=series).count()
    out = run("--dry-run")
    assert "Would send 2 reminder(s)." in out
    assert mail.outbox == [] and not Reminder.objects.exists()
    # Nor does it plan a series' coming weeks (it made their meetings).
    assert Meeting.objects.filter(series=series).count() == planned


def test_past_and_skipped_meetings_get_no_reminder(group, people):
    meeting_in(group, -datetime.timedelta(hours=2))
    meeting_in(group, datetime.timedelta(hours=5), status="skipped")
    assert "Sent 0 reminder(s)." in run()


def test_a_failed_send_is_tried_again_next_time(group, people, monkeypatch):
    meeting_in(group, datetime.timedelta(hours=20))

    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    err = StringIO()
    with monkeypatch.context() as patched:
        patched.setattr("notes.mail.send_mail", refuse)
        call_command("send_reminders", stdout=StringIO(), stderr=err)
    assert "connection refused" in err.getvalue()
    assert not Reminder.objects.exists()
    assert "Sent 2 reminder(s)." in run()


def test_labels_take_the_colon_of_each_members_language(group, people):
    presenter, reader, _quiet = people
    MemberSettings.objects.create(user=reader, email_language="en")
    meeting = meeting_in(group, datetime.timedelta(hours=20), link="https://meet.example.org/x")
    meeting.presenters.add(presenter)
    meeting.papers.add(PaperFactory(title_en="Chain-of-Thought Prompting"))
    run()
    by_address = {m.to[0]: m.body for m in mail.outbox}
    english, chinese = by_address["r@example.org"], by_address["p@example.org"]
    assert "Room: Room 301" in english
    assert "Video call: https://meet.example.org/x" in english
    assert "To read before the meeting:\n" in english  # no space left at a line's end
    # Chinese takes the full-width colon, which carries its own space: "会议室：Room 301".
    assert "：Room 301" in chinese and ": Room 301" not in chinese
    assert "：https://meet.example.org/x" in chinese


def test_a_meeting_later_today_is_today_s_not_tomorrow_s(group, people):
    """Every reader's reminder said "Tomorrow", of a meeting later the same day too (one
    added at short notice, or a run after a pause)."""
    presenter, reader, _quiet = people
    MemberSettings.objects.create(user=reader, email_language="en")
    meeting_in(group, datetime.timedelta(hours=5))
    run()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["r@example.org"].subject.startswith("Today: ")
    assert by_address["p@example.org"].subject.startswith("今天：")


def test_a_presenter_who_left_the_group_is_not_reminded(group, people):
    """The reminder gave a former member the meeting's room and call link, which its page
    no longer shows them."""
    presenter, reader, _quiet = people
    meeting = meeting_in(group, datetime.timedelta(days=2), link="https://meet.example.org/x")
    meeting.presenters.add(presenter, reader)
    presenter.memberships.filter(group=group).delete()
    run()
    assert [m.to for m in mail.outbox if "meet.example.org" in m.body] == [["r@example.org"]]


def test_a_meeting_moved_after_its_reminders_is_reminded_of_at_its_new_time(
    group, people, monkeypatch
):
    """The reminders went out, then the organiser moved the meeting a week on: the
    members had been told a time that no longer held, and heard nothing of the new one
    (one reminder per meeting, member and kind, whatever its time)."""
    presenter, reader, _quiet = people
    MemberSettings.objects.create(user=reader, email_language="en")
    meeting = meeting_in(group, datetime.timedelta(hours=20))
    run()
    first = {m.to[0] for m in mail.outbox}
    assert "r@example.org" in first
    moved = meeting.starts_at + datetime.timedelta(days=7)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=moved, ends_at=moved + datetime.timedelta(minutes=90), date=moved.date()
    )
    assert "Sent 0 reminder(s)." in run()  # a week before: nothing yet
    mail.outbox.clear()
    monkeypatch.setattr(timezone, "now", lambda: NOW + datetime.timedelta(days=7))
    run()
    again = next(m for m in mail.outbox if m.to == ["r@example.org"])
    assert "It has moved: the last reminder said 2030-03-12 Tue 05:00." in again.body
    assert "meets on 2030-03-19 Tue 05:00 (Asia/Shanghai)" in again.body
    assert "Sent 0 reminder(s)." in run()  # and once only
    assert Reminder.objects.filter(user=reader).count() == 2


@pytest.mark.django_db(transaction=True)
def test_reminders_sent_before_keep_the_start_their_meeting_has():
    """notes.0031: a reminder sent before the start was kept gave the meeting's start as
    it is now (or, for a meeting with no time any more, is dated by when it was sent)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("notes", "0030_figure_other_names")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    group = old.get_model("notes", "ReadingGroup").objects.create(slug="g", name="G")
    user = old.get_model("auth", "User").objects.create(username="told")
    Meeting_ = old.get_model("notes", "Meeting")
    timed = Meeting_.objects.create(group=group, number=1, date=NOW.date(), starts_at=NOW)
    untimed = Meeting_.objects.create(group=group, number=2, date=NOW.date())
    Old = old.get_model("notes", "Reminder")
    sent = NOW - datetime.timedelta(days=1)
    for meeting in (timed, untimed):
        Old.objects.create(meeting=meeting, user=user, kind="reader", sent=sent)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    told = dict(Reminder.objects.values_list("meeting__number", "starts_at"))
    assert told == {1: NOW, 2: sent}
