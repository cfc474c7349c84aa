"""One request at a time, and a pause between requests, for all of a site's servers.

arXiv asks for at most one request every 3 seconds and one connection at a time from a
site. The turn is a row of ``ServiceSlot`` in the database that every worker, command and
machine shares: taking it is one conditional UPDATE (free, and the pause since the last
request over), so no lock is held while the request runs, on PostgreSQL and SQLite alike.
The holder leaves it with the next allowed start. A holder that died leaves it after its
lease (the request timeout and a margin), so nobody waits for ever.

Requests must not be made inside a transaction (the row would stay invisible to the
others): fetch first, then save in ``transaction.atomic()``.
"""

import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, OperationalError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ServiceSlot
from .records import ServiceError

POLL = 0.05  # seconds between looks at a held slot


class Turn:
    """A request's turn; ``waited`` is how long it waited for it, in seconds."""

    def __init__(self, waited):
        self.waited = waited


def _update(queryset, **values):
    # SQLite answers "database is locked" to a writer racing another; try again.
    for attempt in range(50):
        try:
            return queryset.update(**values)
        except OperationalError:
            if attempt == 49:
                raise
            time.sleep(POLL)


def _ensure(name):
    try:
        if not ServiceSlot.objects.filter(name=name).exists():
            ServiceSlot.objects.create(name=name)
    except (IntegrityError, OperationalError):
        pass  # another worker made it meanwhile (or is making it)


@contextmanager
def turn(name, interval=None, max_wait=None):
    """Wait for the service's turn, hold it while the block runs, then leave the next
    request ``interval`` seconds (settings.ARXIV_MIN_INTERVAL) after this one ends."""
    interval = settings.ARXIV_MIN_INTERVAL if interval is None else interval
    lease = timedelta(seconds=settings.OUTSIDE_TIMEOUT * 2 + interval + 5)
    max_wait = max_wait if max_wait is not None else settings.OUTSIDE_TIMEOUT * 4 + 60
    token = uuid.uuid4().hex
    started = time.monotonic()
    _ensure(name)
    slot = ServiceSlot.objects.filter(name=name)
    while True:
        now = timezone.now()
        free = Q(holder="") | Q(held_until__lt=now)
        due = Q(next_at=None) | Q(next_at__lte=now)
        if _update(
            slot.filter(free, due), holder=token, held_until=now + lease, requests=F("requests") + 1
        ):
            break
        if time.monotonic() - started > max_wait:
            raise ServiceError(
                _("The site waited too long for its turn to ask %(service)s; try again later.")
                % {"service": name},
                kind="busy",
            )
        try:
            state = slot.values("holder", "held_until", "next_at").first() or {}
        except OperationalError:  # SQLite, busy with another writer
            state = {}
        pause = POLL
        if not state.get("holder") and state.get("next_at"):
            pause = max(POLL, min(1.0, (state["next_at"] - now).total_seconds()))
        time.sleep(pause)
    try:
        yield Turn(time.monotonic() - started)
    finally:
        _update(
            slot.filter(holder=token),
            holder="",
            held_until=None,
            next_at=timezone.now() + timedelta(seconds=interval),
        )
