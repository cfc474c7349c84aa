"""The site's PostgreSQL connections run with the settings config/settings.py gives them."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="server settings: PostgreSQL"),
]


def setting(name):
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_no_jit_compiling_for_a_pages_queries():
    assert setting("jit") == "off"


def test_every_scan_starts_at_the_tables_start():
    # A search that reads a kind in table order up to the cap then finds the same
    # matches on every view, whatever other scans of the table are running.
    assert setting("synchronize_seqscans") == "off"
