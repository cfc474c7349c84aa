"""The Redis cache the site survives losing (core/cache.py), against a real redis-server."""

import time

import pytest
import redis
from django.core.cache import caches
from django.core.cache.backends.base import CacheKeyWarning

from core.cache import TolerantRedisCache

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(redis_server, settings):
    settings.CACHES = {
        **settings.CACHES,
        "redis": {
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "test",
            # No rest after a failure: the next call tries Redis again at once.
            "OPTIONS": {"RETRY_INTERVAL": 0},
        },
    }
    cache = caches["redis"]
    cache.clear()
    yield cache
    if redis_server.process is None:
        redis_server.start()  # for the next test that needs it
    cache.health.suspect = False


def test_with_redis_up_it_is_django_s_redis_cache(redis_cache):
    assert isinstance(redis_cache, TolerantRedisCache)
    redis_cache.set("paper", {"title": "思维链"})
    assert redis_cache.get("paper") == {"title": "思维链"}
    assert redis_cache.get_or_set("other", lambda: 3) == 3
    assert redis_cache.incr("other") == 4


def test_any_key_is_kept_without_memcached_s_warnings(redis_cache, recwarn):
    key = "空格 and\tcontrol " + "x" * 300  # memcached would refuse it three times over
    redis_cache.set(key, "kept")
    assert redis_cache.get(key) == "kept"
    assert not [w for w in recwarn if issubclass(w.category, CacheKeyWarning)]


def test_with_redis_down_reads_miss_and_writes_do_nothing_quickly(redis_cache, redis_server):
    redis_cache.set("paper", "kept")
    redis_server.stop()
    started = time.monotonic()
    assert redis_cache.get("paper", "default") == "default"
    assert redis_cache.get_many(["paper", "other"]) == {}
    assert redis_cache.add("new", 1) is False
    assert redis_cache.set("new", 1) is None
    assert redis_cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert redis_cache.delete("paper") is False
    assert redis_cache.has_key("paper") is False
    assert redis_cache.get_or_set("made", lambda: "built") == "built"
    with pytest.raises(ValueError):
        redis_cache.incr("paper")
    assert time.monotonic() - started < 2
    assert redis_cache.health.suspect


def test_sessions_and_pages_work_while_redis_is_down(client, member, redis_server, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"RETRY_INTERVAL": 0},
        }
    }
    client.force_login(member)  # the session is in the database and in Redis
    redis_server.stop()
    try:
        assert client.get("/").status_code == 200
        assert client.get("/papers/").status_code == 200
    finally:
        redis_server.start()
        caches["default"].health.suspect = False


def test_entries_that_survived_an_outage_are_dropped_when_redis_returns(redis_cache, redis_server):
    """A write lost during the outage may have made older entries wrong: all go."""
    redis_server.stop()
    redis_cache.set("generation", "new")  # lost
    redis_server.start()
    # What a Redis that kept its data (a snapshot loaded at start) still holds.
    raw = redis.Redis.from_url(redis_server.url)
    raw.set(redis_cache.make_key("generation"), b"old")
    assert redis_cache.get("generation") is None
    assert not redis_cache.health.suspect
    assert raw.dbsize() == 0
    redis_cache.set("generation", "newer")
    assert redis_cache.get("generation") == "newer"


def test_after_a_failure_redis_is_left_alone_for_the_retry_interval(redis_cache, redis_server):
    redis_cache.retry_interval = 60
    redis_server.stop()
    redis_cache.get("x")  # fails: rests for a minute
    redis_server.start()
    assert redis_cache.set("x", 1) is None
    assert redis_cache.get("x") is None  # not even tried
    redis_cache.health.resting_until = 0  # the minute is over
    redis_cache.set("x", 1)
    assert redis_cache.get("x") == 1


def test_a_note_edited_while_redis_was_down_shows_at_once_when_it_returns(client, settings):
    """Redis restarted from its snapshot brings back the pages and the content generation
    of before the outage; the edit made meanwhile must show all the same."""
    from tests.conftest import _scripts_module
    from tests.factories import MembershipFactory, NoteFactory

    member = MembershipFactory().user
    note = NoteFactory(author=member, body_en="Before the outage.")
    with _scripts_module("throwaway_redis").throwaway_redis(persist=True) as server:
        settings.CACHES = {
            "default": {
                "BACKEND": "core.cache.TolerantRedisCache",
                "LOCATION": server.url,
                "OPTIONS": {"RETRY_INTERVAL": 0},
            }
        }
        client.force_login(member)
        assert "Before the outage." in client.get(note.get_absolute_url()).content.decode()
        server.stop()  # writes the snapshot: the page above is in it
        note.body_en = "Written while Redis was down."
        note.save()  # the content generation moves on, in a Redis that is not there
        server.start()  # loads the snapshot
        page = client.get(note.get_absolute_url()).content.decode()
        caches["default"].health.suspect = False
    assert "Written while Redis was down." in page
