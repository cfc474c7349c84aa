"""The time zone a request reads times in, as the keys of kept fragments and pages name
it."""

import contextlib
import contextvars

from django.utils import timezone

_own = contextvars.ContextVar("own_zone_active", default=False)


@contextlib.contextmanager
def own_zone_active(zone):
    """Show times in a member's own zone (their settings') for what runs inside.

    ``zone_key`` then tells it from the site's zone of the same name: a member who chose
    the site's zone reads a meeting in another zone in their own, and one who chose none
    reads it in the meeting's (notes.times.meeting_when), with the same zone active."""
    token = _own.set(True)
    try:
        with timezone.override(zone):
            yield
    finally:
        _own.reset(token)


def zone_key():
    """The active zone as a part of a cache key: its name, marked when it is a member's
    own choice (``own_zone_active``)."""
    name = timezone.get_current_timezone_name()
    return f"own:{name}" if _own.get() else name
