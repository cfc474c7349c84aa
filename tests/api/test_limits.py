"""Per-token rate limits, counted in the shared cache."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.management.base import SystemCheckError

from api.limits import check_rate, parse_rate
from api.models import ApiToken
from core.checks import refuse_to_serve_on_error

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


def test_over_the_limit_is_told_in_the_callers_language(api_as, user, settings):
    """The 429 said django-ninja's "Too many requests." in English whatever
    Accept-Language asked, where the API's other answers speak the caller's language."""
    settings.API_RATE_LIMIT = "1/min"
    caller = api_as(user, ApiToken.Scope.READ)
    assert caller.get("/glossary").status_code == 200
    english = caller.get("/glossary", HTTP_ACCEPT_LANGUAGE="en")
    assert (english.status_code, english.json()) == (429, {"detail": "Too many requests."})
    chinese = caller.get("/glossary", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert (chinese.status_code, chinese.json()) == (429, {"detail": "请求过于频繁。"})
    assert 1 <= int(chinese["Retry-After"]) <= 60


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


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("600/min", (600, 60)),
        ("600/minute", (600, 60)),
        ("5000/day", (5000, 86400)),
        ("10/second", (10, 1)),
        ("100/Hour", (100, 3600)),
        ("30", (30, 60)),
    ],
)
def test_a_rate_reads_its_period_by_its_first_letter(rate, expected):
    """As Django REST framework and django-ninja read it: "5000/day" made every API
    request a 500."""
    assert parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["5000/fortnight", "lots/min", "0/min", "", "-5/min"])
def test_a_rate_that_is_none_stops_the_site_at_its_start(rate, settings):
    settings.API_RATE_LIMIT = rate
    errors = check_rate()
    assert [error.id for error in errors] == ["api.E001"]
    assert "such as 600/min or 5000/day" in errors[0].msg
    settings.API_RATE_LIMIT = "600/min"
    assert check_rate() == []


def test_a_server_refuses_to_start_on_a_rate_that_is_none(settings):
    """gunicorn runs no system check: a worker started with "5000/fortnight" served every
    API request as a 500. It now stops at its start, saying why (core.checks)."""
    settings.API_RATE_LIMIT = "5000/fortnight"
    with pytest.raises(SystemCheckError, match="such as 600/min or 5000/day"):
        refuse_to_serve_on_error()
    settings.API_RATE_LIMIT = "600/min"
    refuse_to_serve_on_error()


def test_the_wsgi_module_runs_the_serving_checks():
    """What gunicorn imports (config.wsgi) stops on the error, before serving."""
    env = {**os.environ, "DJANGO_API_RATE_LIMIT": "lots/min", "DATABASE_URL": ""}
    started = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert started.returncode != 0
    assert "api.E001" in started.stderr
