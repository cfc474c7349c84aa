"""Checks that a server runs as it starts (config/wsgi.py), not only ``manage.py check``:
gunicorn runs no system check, so a setting that is none made every request it governs a
500 until someone ran one. Registered with the tag ``SERVING`` by the apps."""

from django.core import checks
from django.core.management.base import SystemCheckError

SERVING = "serving"


def refuse_to_serve_on_error():
    """Raise SystemCheckError, naming each, when a ``SERVING`` check finds an error: the
    worker stops at its start (gunicorn says it failed to boot, with the message)."""
    errors = [found for found in checks.run_checks(tags=[SERVING]) if found.is_serious()]
    if errors:
        raise SystemCheckError("\n".join(str(error) for error in errors))
