"""Time zones of meetings and series: IANA names, checked and looked up in one place."""

import datetime
import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@cache
def known_zones():
    """The IANA names this machine knows (a folder such as "Asia" is not one)."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(name):
    """Accept an IANA time zone name (Asia/Shanghai, Europe/London, UTC)."""
    if name not in known_zones():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Asia/Shanghai or Europe/London."),
            params={"value": name[:60]},
            code="time_zone",
        )


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
