"""A meeting's time as the reader reads it: ``{% meeting_when meeting as when %}`` (see
notes/times.py). Its ``start`` and ``end`` are in their zone already: print them with
``{% localtime off %}``, or the date filter turns them into the site's zone again."""

from django import template
from django.contrib.auth.models import AnonymousUser

from notes import times

register = template.Library()


@register.simple_tag(takes_context=True)
def meeting_when(context, meeting):
    request = context.get("request")
    user = getattr(request, "user", None) or AnonymousUser()
    return times.meeting_when(user, meeting)
