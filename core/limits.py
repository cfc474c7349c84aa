"""Counting requests in fixed windows, in the shared cache, so that every worker on every
machine counts together: the API's rate limit (api/limits.py) and the limits on asking
for a new password (core/passwordreset.py)."""

import math
import time

from django.core.cache import cache


def count_in_window(name, seconds):
    """Add one to the counter ``name`` of the current window of ``seconds`` and return
    (its count, the seconds left in the window).

    The window's start is part of the key: a new window, a new counter. cache.add creates
    the counter and cache.incr raises it (atomic on Redis and memcached), so no
    concurrent request loses a count. Other caches' incr (the file cache's) writes the
    value back with the cache's default timeout: a window longer than that gets its end
    back (touch), or its counts would be forgotten early.
    """
    now = time.time()
    start = int(now // seconds) * seconds
    left = max(1, math.ceil(start + seconds - now))
    key = f"limits:{name}:{seconds}:{start}"
    cache.add(key, 0, timeout=left + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # gone since the add: expired, or the cache unreachable
        cache.add(key, 1, timeout=left + 5)
        count = 1
    if cache.default_timeout is not None and left + 5 > cache.default_timeout:
        cache.touch(key, left + 5)
    return count, left
