"""Limits on API use: requests per token (or member, for the browser) in a window,
counted in the shared cache so that every worker on every machine counts together,
and the size of a request's body."""

import math
import time

from django.conf import settings
from django.core.cache import cache
from ninja.throttling import BaseThrottle


def parse_rate(rate):
    """ "600/min" → (600, 60)."""
    count, _sep, period = rate.partition("/")
    seconds = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400}
    return int(count), seconds[period.strip() or "min"]


class TokenRateThrottle(BaseThrottle):
    """A fixed window per token: the first request of a window creates its counter
    (cache.add), each request increments it (cache.incr, atomic on Redis and
    memcached); over the limit the request gets 429 with Retry-After, the seconds
    until the window ends."""

    def __init__(self, rate=None):
        self.rate = rate

    def allow_request(self, request):
        limit, window = parse_rate(self.rate or settings.API_RATE_LIMIT)
        token = getattr(request, "api_token", None)
        ident = f"t{token.pk}" if token is not None else f"u{request.user.pk}"
        now = time.time()
        start = int(now // window) * window
        self.retry_after = max(1, math.ceil(start + window - now))
        key = f"api:rate:{ident}:{window}:{start}"
        cache.add(key, 0, timeout=window + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: a new window
            cache.add(key, 1, timeout=window + 5)
            count = 1
        return count <= limit

    def wait(self):
        return self.retry_after
