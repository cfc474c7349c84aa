"""Keys of kept fragments and pages name the active time zone, and tell a member's own
choice from the site's zone of the same name (core.timezones)."""

import zoneinfo

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.utils import timezone

from core.fragments import fragment_key
from core.timezones import own_zone_active, zone_key
from notes.auth import OwnTimeZoneMiddleware
from notes.models import MemberSettings
from tests.factories import MembershipFactory

SITE = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def test_a_chosen_zone_is_told_from_the_sites_of_the_same_name():
    """A member who chose the site's zone reads a meeting in another zone in their own, one
    who chose none in the meeting's (notes.times.meeting_when): the same zone is active for
    both, and a key holding only its name would give one the other's page."""
    site = zone_key()
    with own_zone_active(SITE):
        assert timezone.get_current_timezone_name() == settings.TIME_ZONE
        assert zone_key() != site
        chosen = fragment_key("meeting-times", [], [])
    assert zone_key() == site
    assert fragment_key("meeting-times", [], []) != chosen


def test_another_zone_is_named_in_the_key():
    with own_zone_active(zoneinfo.ZoneInfo("Europe/London")):
        assert "Europe/London" in zone_key()
    assert "Europe/London" not in zone_key()


@pytest.mark.django_db
def test_the_middleware_marks_the_members_own_zone_even_when_it_is_the_sites(group):
    chose, none = (MembershipFactory(group=group).user for _ in range(2))
    MemberSettings.objects.create(user=chose, time_zone=settings.TIME_ZONE)
    seen = {}
    for user in (chose, none):
        request = RequestFactory().get("/papers/")
        request.COOKIES[settings.SESSION_COOKIE_NAME] = "a session"
        request.user = user
        middleware = OwnTimeZoneMiddleware(
            lambda request: seen.setdefault(request.user, zone_key())
        )
        middleware(request)
    assert seen[chose] != seen[none]
    assert seen[none] == settings.TIME_ZONE
