"""The member behind each request, read with their settings; the time zone pages show
times in for them."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from .times import own_zone


class MemberBackend(ModelBackend):
    """Django's ModelBackend whose ``get_user``, run on every request, reads the member's
    settings in the same query (a LEFT JOIN): the time zone of the member's pages
    (``notes.times.own_zone``) costs no round trip more."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("member_settings")
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class OwnTimeZoneMiddleware:
    """Show a member every time in the time zone they chose in their settings: comments,
    what changed, when a note was updated, as meetings already were (``meeting_when``).
    Without a choice, times stay in the site's zone (TIME_ZONE). Shared fragments and
    kept pages are keyed by the active zone (core.fragments, core.audiencepage,
    core.pagecache), so members in different zones never get each other's times.

    A request without a session cookie has no member: its user is not even looked up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = None
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            zone = own_zone(request.user)
        if zone is None:
            return self.get_response(request)
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
