"""Limits on API use: requests per token (or member, for the browser) in a window,
counted in the shared cache so that every worker on every machine counts together,
and the size of a request's body."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from ninja.throttling import BaseThrottle

from core.limits import count_in_window

# A period by its first letter, as Django REST framework and django-ninja read it: "s",
# "sec", "second"; "m", "min", "minute"; "h", "hour"; "d", "day".
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate):
    """ "600/min" → (600, 60); "5000/day" → (5000, 86400). ImproperlyConfigured for a
    rate that is none (every request was a 500 for "5000/day")."""
    count, _sep, period = str(rate).partition("/")
    period = period.strip().lower() or "min"
    try:
        number, seconds = int(count), PERIODS[period[0]]
    except (ValueError, KeyError):
        number, seconds = -1, 0
    if number < 1:
        raise ImproperlyConfigured(
            f"API_RATE_LIMIT (DJANGO_API_RATE_LIMIT) is {rate!r}: write requests per "
            "second, minute, hour or day, such as 600/min or 5000/day."
        )
    return number, seconds


def check_rate(app_configs=None, **kwargs):
    """A system check (api.apps): a rate that is none stops the site at its start, not
    each API request."""
    try:
        parse_rate(settings.API_RATE_LIMIT)
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="api.E001")]
    return []


class TokenRateThrottle(BaseThrottle):
    """A fixed window per token (core.limits); over the limit the request gets 429 with
    Retry-After, the seconds until the window ends."""

    def __init__(self, rate=None):
        self.rate = rate

    def allow_request(self, request):
        limit, window = parse_rate(self.rate or settings.API_RATE_LIMIT)
        token = getattr(request, "api_token", None)
        ident = f"t{token.pk}" if token is not None else f"u{request.user.pk}"
        count, self.retry_after = count_in_window(f"api:{ident}", window)
        return count <= limit

    def wait(self):
        return self.retry_after
