"""The member behind each request, read with their settings; the time zone pages show
times in for them."""

import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.urls import reverse
from django.utils.functional import cached_property

from core.timezones import own_zone_active

from .models import MemberSettings
from .times import own_zone


class MemberBackend(ModelBackend):
    """Django's ModelBackend whose ``get_user``, run on every request, reads the member's
    time zone (their settings') in the same query, as ``user.own_time_zone`` (None when
    they saved no settings): the zone of the member's pages (``notes.times.own_zone``)
    costs no round trip more.

    The statement is written once per process: the ORM's ``select_related`` of a
    reverse one-to-one compiled on every request cost more than the query itself (it
    walks every relation of the user model)."""

    def get_user(self, user_id):
        users = get_user_model()
        user = next(iter(users._default_manager.raw(_user_with_zone(), [user_id])), None)
        return user if user is not None and self.user_can_authenticate(user) else None


@functools.cache
def _user_with_zone():
    users, quote = get_user_model(), connection.ops.quote_name
    key = quote(users._meta.pk.column)
    columns = ", ".join(f"u.{quote(field.column)}" for field in users._meta.concrete_fields)
    zone = MemberSettings._meta.get_field("time_zone").column
    member = MemberSettings._meta.get_field("user").column
    return (
        f"SELECT {columns}, s.{quote(zone)} AS own_time_zone"
        f" FROM {quote(users._meta.db_table)} u"
        f" LEFT JOIN {quote(MemberSettings._meta.db_table)} s ON s.{quote(member)} = u.{key}"
        f" WHERE u.{key} = %s"
    )


class OwnTimeZoneMiddleware:
    """Show a member every time in the time zone they chose in their settings: comments,
    what changed, when a note was updated, as meetings already were (``meeting_when``).
    Without a choice, times stay in the site's zone (TIME_ZONE). Shared fragments and
    kept pages are keyed by the active zone (core.fragments, core.audiencepage,
    core.pagecache), so members in different zones never get each other's times.

    Not in the admin: its date-time inputs are read in the active zone, and a meeting's
    start typed there would be read in the organiser's zone, beside the meeting's own
    zone field. A request without a session cookie has no member: its user is not even
    looked up."""

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def admin(self):
        return reverse("admin:index")  # once per process

    def __call__(self, request):
        zone = None
        if settings.SESSION_COOKIE_NAME in request.COOKIES and not request.path_info.startswith(
            self.admin
        ):
            zone = own_zone(request.user)
        if zone is None:
            return self.get_response(request)
        with own_zone_active(zone):
            return self.get_response(request)
