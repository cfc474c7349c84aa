"""A Redis cache that the site survives losing: Redis down means slower pages, never errors.

Django's RedisCache raises whenever Redis cannot be reached, which would turn a cache
machine's reboot into a 500 on every page. ``TolerantRedisCache`` logs the failure and
answers as a cache that holds nothing: a read is a miss, a write does nothing. Short
socket timeouts (0.5 s to connect, 1 s per command, changeable in OPTIONS) keep a
request from hanging on an unreachable host, and after a failure the process leaves
Redis alone for RETRY_INTERVAL seconds (1) instead of paying the timeout on every call.

Nothing stale after Redis returns. A write that failed while Redis was away may have
been one that makes older entries wrong: a moved-on content generation, a session
that was logged out. If Redis kept its data (a snapshot written at shutdown and loaded
at start, or a network cut rather than a restart), those older entries would be served
again. So any failure marks the cache *suspect*, and the first call that reaches Redis
again empties it (FLUSHDB, Django's ``clear()``) before it reads or writes anything.
The rule knows nothing of what is cached, and costs one cold cache per outage. Give
the site a Redis database of its own (``redis://host:6379/1``): it is emptied.

The suspect mark lives in the process (shared by its threads); an outage reaches every
busy worker, and each one that saw it empties the cache once when Redis is back. A
worker that made no cache call during the outage cannot know of it: it may read an
old entry in the moments before a worker that did see the outage empties the cache.
Sessions do not depend on any of this: the session engine is ``cached_db``, so a
session is always in the database and Redis only spares a query.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("core.cache")

# BusyLoadingError (Redis loading its snapshot after a start) is a ConnectionError.
REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


class _Health:
    """What one process knows of one Redis location: shared by its threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.suspect = False
        self.resting_until = 0.0


_health = {}
_health_lock = threading.Lock()


def _health_of(location):
    with _health_lock:
        return _health.setdefault(location, _Health())


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one ``redis.Redis`` per connection pool.

    Django makes a new ``redis.Redis`` for every cache call, and making one (its table
    of some two hundred response callbacks) costs more than the round trip itself: a
    page of a dozen cache calls spent milliseconds on it. A ``redis.Redis`` is safe to
    share between threads (each command takes a connection from the pool), and its
    pool makes new connections in a forked process."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class TolerantRedisCache(RedisCache):
    """Django's Redis cache that degrades to a miss or a no-op when Redis is away."""

    def __init__(self, server, params):
        options = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}
        options.update(params.get("OPTIONS", {}))
        self.retry_interval = float(options.pop("RETRY_INTERVAL", 1.0))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusedClientRedisCacheClient
        self.health = _health_of(str(server))

    def validate_key(self, key):
        """Nothing to check. Django warns of keys that memcached would refuse (over 250
        characters, spaces, control characters) by reading every key's characters in
        Python on every call, and a page makes a dozen; Redis takes any key."""

    def _call(self, failed, method, *args, **kwargs):
        health = self.health
        if time.monotonic() < health.resting_until:
            return failed
        try:
            if health.suspect:
                self._empty_after_outage()
            return method(*args, **kwargs)
        except REDIS_ERRORS as error:
            with health.lock:
                first = not health.suspect
                health.suspect = True
                health.resting_until = time.monotonic() + self.retry_interval
            if first:
                logger.warning("Redis unreachable, serving without the cache: %s", error)
            return failed

    def _empty_after_outage(self):
        with self.health.lock:
            if self.health.suspect:
                super().clear()
                self.health.suspect = False
                logger.warning("Redis reachable again: emptied the cache after the outage")

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._call(missing, super().incr, key, delta, version)
        if value is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(None, super().delete_many, keys, version)

    def clear(self):
        return self._call(False, super().clear)
