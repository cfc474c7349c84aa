"""A meeting's time as a member reads it on the meeting page, lists and cards: in their
own time zone when they set one (their settings), else in the meeting's; its date,
weekday and time all in that one zone."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from core.fragments import Ref, kept, remembered

from . import scheduling
from .models import MemberSettings
from .models.zones import zone_of


def own_zone(user):
    """The zone the member chose in their settings, or None. The request's user comes
    with it (``notes.auth.MemberBackend``); another user's is read once per request, and
    kept per member until member settings change."""
    if not user.is_authenticated:
        return None
    if hasattr(user, "own_time_zone"):  # read with the user (notes.auth.MemberBackend)
        return zone_of(user.own_time_zone) if user.own_time_zone else None
    name = remembered(
        ("own-zone", user.pk),
        lambda: kept(
            "own-zone",
            [Ref(user._meta.label_lower, user.pk)],
            ["notes.membersettings"],
            lambda: MemberSettings.of(user).time_zone,
        ),
    )
    return zone_of(name) if name else None


def usual_zone(user):
    """The zone the member reads times in when nothing says otherwise: their own, else
    the site's (where the site counts its days)."""
    return own_zone(user) or timezone.get_default_timezone()


def reader_today(request):
    """Today in the member's own zone (the site's when they set none): what a page that
    says "today" or "in 2 days" is kept under besides the site's date (``vary`` of the
    home page's cached_page)."""
    return timezone.localtime(timezone.now(), usual_zone(request.user)).date().isoformat()


@dataclass(frozen=True)
class When:
    """A meeting's time for one reader. ``start``/``end`` are in ``zone`` (None for a
    meeting with a date only: ``day`` is then its date, in no zone); ``named`` says the
    zone is not the reader's usual one, to be named next to the time; ``days`` from the
    reader's today to ``day``, and ``relative`` in words, as the meeting page says it.
    ``group_start`` is the start in the meeting's own zone ``group_zone``, when the reader
    reads it in another (the meeting page names both)."""

    day: datetime.date
    start: datetime.datetime | None
    end: datetime.datetime | None
    zone: str
    named: bool
    days: int
    relative: str
    group_start: datetime.datetime | None = None
    group_zone: str = ""


def meeting_when(user, meeting, now=None):
    """Return the meeting's When for the user (see When)."""
    now = now or timezone.now()
    if meeting.starts_at is None:
        today = timezone.localdate(now)
        return When(
            meeting.date,
            None,
            None,
            "",
            False,
            (meeting.date - today).days,
            scheduling.relative_day(meeting.date, today),
        )
    own = own_zone(user)
    zone = own or meeting.zone
    start = timezone.localtime(meeting.starts_at, zone)
    end = timezone.localtime(meeting.ends_at, zone) if meeting.ends_at else None
    today = timezone.localtime(now, zone).date()
    elsewhere = zone.key != meeting.zone.key
    return When(
        start.date(),
        start,
        end,
        zone.key,
        zone.key != (own or timezone.get_default_timezone()).key,
        (start.date() - today).days,
        scheduling.relative_day(start.date(), today),
        timezone.localtime(meeting.starts_at, meeting.zone) if elsewhere else None,
        meeting.zone.key if elsewhere else "",
    )
