"""Limits on API use: requests per token (or member, for the browser) in a window,
counted in the shared cache so that every worker on every machine counts together,
and the size of a request's body."""

from django.conf import settings
from ninja.throttling import BaseThrottle

from core.limits import count_in_window


def parse_rate(rate):
    """ "600/min" → (600, 60)."""
    count, _sep, period = rate.partition("/")
    seconds = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400}
    return int(count), seconds[period.strip() or "min"]


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
