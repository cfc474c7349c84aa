"""Time zones of meetings, series and members: IANA names, checked and looked up in one
place. A name is taken in any case and with spaces around it, and stored as IANA spells
it ("asia/shanghai " is Asia/Shanghai): ``TimeZoneField`` in models, its form field in
forms. And the days a meeting may be on (``validate_meeting_day``)."""

import datetime
import zoneinfo
from functools import cache

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@cache
def known_zones():
    """The IANA names this machine knows (a folder such as "Asia" is not one)."""
    return frozenset(zoneinfo.available_timezones())


@cache
def _by_lower_case():
    return {name.lower(): name for name in known_zones()}


def canonical_zone(name):
    """Return a time zone name as IANA spells it, whatever the case it was typed in and
    without the spaces around it; a name of no zone as typed (stripped), for
    validate_time_zone to refuse."""
    text = (name or "").strip()
    return _by_lower_case().get(text.lower(), text)


def validate_time_zone(name):
    """Accept an IANA time zone name (Asia/Shanghai, Europe/London, UTC)."""
    if name not in known_zones():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Asia/Shanghai or Europe/London."),
            params={"value": name[:60]},
            code="time_zone",
        )


class TimeZoneFormField(forms.CharField):
    """Takes a time zone name in any case and cleans it to the IANA spelling."""

    default_validators = [validate_time_zone]

    def to_python(self, value):
        return canonical_zone(super().to_python(value))

    def run_validators(self, value):
        if "\x00" in value:
            # Django's own message says what is wrong: not also that it is no zone name.
            ProhibitNullCharactersValidator()(value)
        super().run_validators(value)


class TimeZoneField(models.CharField):
    """A CharField of an IANA time zone name, stored as IANA spells it."""

    default_validators = [validate_time_zone]

    def to_python(self, value):
        value = super().to_python(value)
        return canonical_zone(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": TimeZoneFormField, **kwargs})


def zone_of(name):
    """Return the ZoneInfo of a stored name, the site's own zone when it is empty."""
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (ValueError, OSError, zoneinfo.ZoneInfoNotFoundError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def aware(day, time, zone):
    """Return the moment a wall-clock time on a day is in a zone (a gap or fold of a
    daylight-saving change resolves as Python's zoneinfo does)."""
    return datetime.datetime.combine(day, time, tzinfo=zone)


def in_gap(day, time, zone):
    """Whether a wall-clock time on a day is none in the zone: skipped when the clocks go
    forward (01:30 in London on the last Sunday of March). ``aware`` gives it the hour
    after, which nobody typed."""
    moment = aware(day, time, zone)
    back = moment.astimezone(datetime.UTC).astimezone(zone)
    return back.replace(tzinfo=None) != moment.replace(tzinfo=None)


def gap_message(day, time, zone_name):
    """What an organiser is told of a start time the clocks skip on a day; "" when it is
    one (the one-off and move forms refuse it, the admin's date change too)."""
    if not in_gap(day, time, zone_of(zone_name)):
        return ""
    return _(
        "%(time)s does not exist in %(zone)s on %(day)s: the clocks go forward then. "
        "Choose another time."
    ) % {"time": f"{time:%H:%M}", "zone": zone_name, "day": f"{day:%Y-%m-%d}"}


# The years a meeting's day may be in: from FIRST_YEAR to YEARS_AHEAD years after this one.
# A day outside is a slip of the keyboard (9999 for 2026), and at the calendar's ends the
# day after a meeting, a series' weeks ahead or a meeting's end in UTC are no dates at
# all: an organiser who planned a meeting on 9999-12-31 got a 500 and lost the form.
FIRST_YEAR = 1900
YEARS_AHEAD = 20


def validate_meeting_day(day):
    """A meeting's day (a meeting's, a series' first or last, a one-off's, a move's)."""
    last = timezone.localdate().year + YEARS_AHEAD
    if day is not None and not FIRST_YEAR <= day.year <= last:
        raise ValidationError(
            _("Enter a date between the years %(first)s and %(last)s."),
            code="out_of_range",
            params={"first": FIRST_YEAR, "last": last},
        )
