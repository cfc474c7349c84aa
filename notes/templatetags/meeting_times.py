"""A meeting's time as the reader reads it: ``{% meeting_when meeting as when %}`` (see
notes/times.py). Its ``start`` and ``end`` are in their zone already: print them with
``{% localtime off %}``, or the date filter turns them into the site's zone again.

``{% meeting_slot meeting %}`` names a meeting and its time in a line of an e-mail (in
the active time zone, which notes.mail sets to the member's).

``{{ start|day_from_today }}``: "today", "tomorrow", "in 3 days", in the active time zone.

``{{ when|recent_time }}``: a moment of what changed, with its year when it is not this
year's ("01-01 08:00" alone read as this January)."""

from django import template
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from notes import scheduling, times

register = template.Library()


@register.simple_tag(takes_context=True)
def meeting_when(context, meeting):
    request = context.get("request")
    user = getattr(request, "user", None) or AnonymousUser()
    return times.meeting_when(user, meeting)


@register.simple_tag
def meeting_slot(meeting):
    """ "meeting #5, 2031-01-08 Wed 14:00 (Europe/London)", or its date alone when it has
    no time."""
    if meeting.starts_at is None:
        return _("meeting #%(number)s, %(day)s") % {
            "number": meeting.number,
            "day": date_format(meeting.date, "Y-m-d D"),
        }
    return _("meeting #%(number)s, %(start)s (%(zone)s)") % {
        "number": meeting.number,
        "start": date_format(timezone.localtime(meeting.starts_at), "Y-m-d D H:i"),
        "zone": timezone.get_current_timezone_name(),
    }


@register.filter
def recent_time(moment):
    """The moment in the active time zone: month, day and time, the year too when it
    is not this year's; nothing for no moment."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    same_year = local.year == timezone.localdate().year
    return date_format(local, "m-d H:i" if same_year else "Y-m-d H:i")


@register.filter
def day_from_today(moment):
    """The moment's day as far from today as the active time zone counts it (notes.mail
    sets the member's): "today", "tomorrow", "in 3 days". A reminder's subject said
    "Tomorrow" of a meeting later the same day."""
    return scheduling.relative_day(timezone.localtime(moment).date(), timezone.localdate())
