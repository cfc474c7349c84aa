"""The database under strain: a statement over the time limit gives the 503 page, and a
backup reads one snapshot while members save (PostgreSQL; SQLite has neither problem)."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from core.backup import consistent_snapshot
from notes.models import Note
from tests.factories import NoteFactory

ROOT = Path(__file__).resolve().parent.parent.parent
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement_timeout and snapshots: PostgreSQL"
)
pytestmark = [pytest.mark.django_db, postgres_only]


def server_setting(name, **env):
    """Return a setting of a connection made as the site's WSGI application makes it."""
    code = (
        "import config.wsgi\nfrom django.db import connection\n"
        f"with connection.cursor() as c:\n    c.execute('SHOW {name}')\n    print(c.fetchone()[0])"
    )
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SERVING"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_site_s_connections_have_the_statement_timeout():
    assert server_setting("statement_timeout") == "20s"
    assert server_setting("statement_timeout", DJANGO_DB_STATEMENT_TIMEOUT="2.5") == "2500ms"
    assert server_setting("statement_timeout", DJANGO_DB_STATEMENT_TIMEOUT="0") == "0"


def test_management_commands_have_no_statement_timeout():
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings');"
        "django.setup(); from django.db import connection; c = connection.cursor();"
        "c.execute('SHOW statement_timeout'); print(c.fetchone()[0])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "0"


def test_a_statement_over_the_timeout_gives_the_503_page(member_client, monkeypatch):
    def slow_queryset(self):
        # A savepoint: the cancelled statement leaves the test's transaction usable.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 100")
            cursor.execute("SELECT pg_sleep(5)")

    monkeypatch.setattr("reading.views.PaperListView.get_queryset", slow_queryset)
    response = member_client.get(reverse("reading:paper_list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "did not answer in time" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_backup_reads_one_snapshot_while_members_save():
    NoteFactory()

    def save_a_note():
        NoteFactory()
        connections.close_all()

    with consistent_snapshot():
        before = Note.objects.count()
        writer = threading.Thread(target=save_a_note)
        writer.start()
        writer.join()
        assert Note.objects.count() == before == Note.history.count()
    assert Note.objects.count() == before + 1
