"""The shared cache and e-mail are configured from the environment, as DESIGN.md says."""

import importlib

import pytest
from django.core.cache import caches


def reload_settings(monkeypatch, **env):
    for name in ("REDIS_URL", "EMAIL_URL", "EMAIL_HOST"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import config.settings

    return importlib.reload(config.settings)


@pytest.fixture
def restore_settings():
    yield
    import config.settings

    importlib.reload(config.settings)


def test_redis_url_selects_djangos_redis_backend(monkeypatch, restore_settings):
    """Django's Redis backend, in the subclass that survives Redis going away (core/cache.py)."""
    settings = reload_settings(monkeypatch, REDIS_URL="redis://cache-host:6379/1")
    assert settings.CACHES["default"]["BACKEND"] == "core.cache.TolerantRedisCache"
    assert settings.CACHES["default"]["LOCATION"] == "redis://cache-host:6379/1"


def test_email_url_and_console_default(monkeypatch, restore_settings):
    settings = reload_settings(monkeypatch)
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
    settings = reload_settings(
        monkeypatch, EMAIL_URL="submission://bot:s3cret@mail.example.org:587"
    )
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert (settings.EMAIL_HOST, settings.EMAIL_PORT) == ("mail.example.org", 587)
    assert settings.EMAIL_USE_TLS and settings.EMAIL_HOST_PASSWORD == "s3cret"


def test_the_throwaway_redis_serves_the_cache(redis_server, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
        }
    }
    cache = caches["default"]
    cache.set("greeting", "你好", 30)
    assert cache.get("greeting") == "你好"
    assert cache.add("counter", 0)
    assert cache.incr("counter") == 1
