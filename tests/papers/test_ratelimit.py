"""arXiv's turn is shared through the database: callers in other threads (as other
workers or machines would) wait for it, one at a time, the interval apart."""

import threading
import time

import pytest
from django.db import connection

from papers.importing import ratelimit
from papers.models import ServiceSlot


@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_take_turns_spaced_by_the_interval(settings):
    settings.OUTSIDE_TIMEOUT = 5
    interval, hold = 0.3, 0.1
    spans, waits, errors = [], [], []

    def call():
        try:
            with ratelimit.turn("arxiv", interval=interval) as turn:
                start = time.monotonic()
                time.sleep(hold)  # the request
                spans.append((start, time.monotonic()))
                waits.append(turn.waited)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    spans.sort()
    assert len(spans) == 4
    for (_start, end), (next_start, _end) in zip(spans, spans[1:], strict=False):
        assert next_start - end >= interval - 0.02  # one at a time, the interval apart
    assert max(waits) >= interval  # and was told how long it waited
    assert ServiceSlot.objects.get(name="arxiv").requests == 4


@pytest.mark.django_db
def test_a_dead_holder_is_passed_after_its_lease(settings):
    from datetime import timedelta

    from django.utils import timezone

    ServiceSlot.objects.create(
        name="arxiv", holder="crashed", held_until=timezone.now() - timedelta(seconds=1)
    )
    with ratelimit.turn("arxiv", interval=0.01) as turn:
        assert turn.waited < 1
    assert ServiceSlot.objects.get(name="arxiv").holder == ""
