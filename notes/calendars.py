"""iCalendar feeds of meetings: a group's, a member's (all their groups), a member's own
talks, and one meeting's "Add to calendar" file.

Calendar programs subscribe without logging in, so the feed addresses carry the same
signed token as the private Atom feeds (notes/feeds.py): renewing or turning off the
member's feed key makes every old address answer 404. A group's calendar answers only
a token of one of its members. Each event's UID is the meeting's id, so an edited or
moved meeting updates the event already in the calendar; times carry their time zone
(TZID with a VTIMEZONE), meetings entered with only a date are all-day events. Links
use the scheme and host of the request the calendar answers (as the Atom feeds do);
settings.SITE_URL is for e-mails, sent outside any request.
"""

import datetime
from functools import wraps

import icalendar
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.language import in_interface_language

from . import feeds
from .models import Meeting, ReadingGroup, display_name
from .scheduling import plan_group

ALARM_BEFORE = datetime.timedelta(minutes=30)
PAST_DAYS = 365  # how far back a subscribed calendar reaches
SEQUENCE_FROM = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def uid(meeting):
    return f"meeting-{meeting.pk}@llm-reading-group"


def sequence(meeting):
    """The event's version (SEQUENCE): it grows with every change of the meeting, its
    time, place, presenters or page (``updated``), so that a calendar importing a file or
    reading a feed afterwards takes the event as the newer. Seconds since SEQUENCE_FROM:
    the write-up's revision did not move when the meeting was moved or its presenters
    swapped."""
    if meeting.updated is None:
        return 0
    return max(0, int((meeting.updated - SEQUENCE_FROM).total_seconds()))


def event(meeting, request):
    """Return the VEVENT of a meeting, its links on the request's scheme and host."""
    ev = icalendar.Event()
    ev.add("uid", uid(meeting))
    ev.add("dtstamp", meeting.updated or timezone.now())
    ev.add("last-modified", meeting.updated or timezone.now())
    ev.add("sequence", sequence(meeting))
    people = meeting.people()
    summary = f"{in_interface_language(meeting.group, 'name')} #{meeting.number}"
    if meeting.title_zh or meeting.title_en:  # in the member's language (in_members_language)
        summary += f" · {in_interface_language(meeting)}"
    if people:
        summary += f" ({', '.join(people)})"
    ev.add("summary", summary)
    if meeting.starts_at is not None:
        zone = meeting.zone
        ev.add("dtstart", timezone.localtime(meeting.starts_at, zone))
        ev.add("dtend", timezone.localtime(meeting.ends_at or meeting.starts_at, zone))
    else:
        ev.add("dtstart", meeting.date)
        ev.add("dtend", meeting.date + datetime.timedelta(days=1))
    if meeting.skipped:
        ev.add("status", "CANCELLED")
    else:
        ev.add("status", "CONFIRMED")
    if meeting.place or meeting.link:
        ev.add("location", ", ".join(filter(None, [meeting.place, meeting.link])))
    url = request.build_absolute_uri(meeting.get_absolute_url())
    ev.add("url", meeting.link or url)
    lines = []
    if people:
        lines.append(_("Presenter: %(names)s") % {"names": ", ".join(people)})
    papers = meeting.papers_to_read()
    if papers:
        lines.append(_("To read before:"))
        lines += [
            f"- {paper.title}" + (f" (arXiv:{paper.arxiv_id})" if paper.arxiv_id else "")
            for paper in papers
        ]
    if meeting.link:
        lines.append(_("Video call: %(link)s") % {"link": meeting.link})
    lines.append(_("Meeting page: %(url)s") % {"url": url})
    ev.add("description", "\n".join(lines))
    if not meeting.skipped:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", -ALARM_BEFORE if meeting.starts_at else datetime.timedelta(hours=-15))
        ev.add_component(alarm)
    return ev


def calendar(request, meetings, name):
    cal = icalendar.Calendar()
    cal.add("prodid", "-//LLM Reading Group//Meetings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    days = []
    for meeting in meetings:
        cal.add_component(event(meeting, request))
        days.append(meeting.date)
    if days:
        # Each zone's changes over the meetings' years, with a year to spare either side:
        # icalendar's default stops at 2038, and a meeting after it (the site takes them
        # up to 2046) was an hour off in summer where the calendar read the zone from the
        # file (Outlook).
        cal.add_missing_timezones(
            first_date=datetime.date(min(days).year - 1, 1, 1),
            last_date=datetime.date(max(days).year + 2, 1, 1),
        )
    return cal


def response(cal, filename):
    answer = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    answer["Content-Disposition"] = f'inline; filename="{filename}"'
    return answer


def _meetings(queryset):
    since = timezone.now() - datetime.timedelta(days=PAST_DAYS)
    return queryset.for_schedule().filter(date__gte=since.date()).order_by("date", "number")


def in_members_language(view):
    """Calendar programs send no language: the text is in the member's e-mail language."""

    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        user = feeds.user_for(token)
        with feeds.members_language(user):
            return view(request, user, *args, **kwargs)

    return wrapper


@in_members_language
def group_calendar(request, user, slug):
    group = get_object_or_404(ReadingGroup.objects.of(user), slug=slug)
    plan_group(group.pk)
    meetings = _meetings(group.meetings.all())
    name = in_interface_language(group, "name")
    return response(calendar(request, meetings, name), f"{group.slug}.ics")


@in_members_language
def member_calendar(request, user):
    groups = list(ReadingGroup.objects.of(user))
    for group in groups:
        plan_group(group.pk)
    meetings = _meetings(Meeting.objects.filter(group__in=groups))
    name = _("Reading-group meetings · %(name)s") % {"name": display_name(user)}
    return response(calendar(request, meetings, name), "meetings.ics")


@in_members_language
def talks_calendar(request, user):
    meetings = _meetings(
        Meeting.objects.filter(presenters=user, group__in=ReadingGroup.objects.of(user))
    )
    name = _("My talks · %(name)s") % {"name": display_name(user)}
    return response(calendar(request, meetings, name), "talks.ics")


def meeting_ics(request, group, number):
    """One meeting as a file to open in a calendar program (the reader is logged in):
    written in their e-mail language, as their subscribed calendars are, the calendar's
    name as the event's."""
    meeting = get_object_or_404(
        Meeting.objects.visible_to(request.user).for_schedule(), group__slug=group, number=number
    )
    with feeds.members_language(request.user):
        cal = calendar(request, [meeting], meeting.heading())
    return response(cal, f"{meeting.group.slug}-{meeting.number}.ics")
