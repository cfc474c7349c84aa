"""Per-token rate limits, counted in the shared cache."""

import pytest
from django.core.cache import caches

from api.models import ApiToken

# Counted in one fixed window, whenever the test runs.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_window")]


def test_over_the_limit_gets_429_with_retry_after(api_as, user, settings):
    settings.API_RATE_LIMIT = "3/min"
    caller = api_as(user, ApiToken.Scope.READ)
    answers = [caller.get("/glossary").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = caller.get("/glossary")
    assert refused.json() == {"detail": "Too many requests."}
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Another token of the same member counts on its own.
    assert api_as(user, ApiToken.Scope.READ).get("/glossary").status_code == 200


def test_workers_count_together_through_redis(api_as, user, settings, redis_server):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "rate-test",
        }
    }
    caches["default"].clear()
    settings.API_RATE_LIMIT = "5/min"
    caller = api_as(user, ApiToken.Scope.READ)
    first = [caller.get("/glossary").status_code for _ in range(3)]
    # A second worker: a cache connection of its own to the same server.
    del caches["default"]
    later = [caller.get("/glossary").status_code for _ in range(3)]
    assert first + later == [200, 200, 200, 200, 200, 429]
    caches["default"].clear()
