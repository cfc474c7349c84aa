"""setup_demo (what `make run` calls): demo data into an empty database only."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from notes.models import Membership
from papers.models import LanguageModel, Paper

pytestmark = pytest.mark.django_db


def run_setup():
    out = io.StringIO()
    call_command("setup_demo", stdout=out)
    return out.getvalue()


def test_setup_twice_with_an_edit_between_keeps_the_edit():
    first = run_setup()
    assert "Created the admin account" in first
    assert first.rstrip().splitlines()[-1].startswith("Open http://127.0.0.1:8000/")
    admin = get_user_model().objects.get(username="admin")
    assert Membership.objects.filter(user=admin, role="organiser").exists()
    papers = Paper.objects.count()
    vicuna = LanguageModel.objects.get(slug="vicuna")
    vicuna.description_en = "Edited in the admin."
    vicuna.save()

    second = run_setup()

    vicuna.refresh_from_db()
    assert vicuna.description_en == "Edited in the admin."
    assert vicuna.history.count() == 2  # the loaded version, then the edit
    assert Paper.objects.count() == papers
    assert "the demo data is not loaded again" in second
    assert "password printed when the account was made" in second


@pytest.mark.parametrize(
    ("address", "link"),
    [("127.0.0.1:8123", "http://127.0.0.1:8123/"), ("8124", "http://127.0.0.1:8124/")],
)
def test_the_last_line_links_to_the_address_the_server_takes(address, link):
    out = io.StringIO()
    call_command("setup_demo", "--no-demo", address=address, stdout=out)
    assert (
        out.getvalue().rstrip().splitlines()[-1]
        == f"Open {link} once the server below has started."
    )


def test_the_admin_account_takes_djangos_password_and_address_variables(monkeypatch):
    """Documented as createsuperuser reads them, they were ignored: a random password
    was printed instead."""
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a chosen passphrase 7")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "admin@example.org")
    out = io.StringIO()
    call_command("setup_demo", "--no-demo", stdout=out)
    admin = get_user_model().objects.get(username="admin")
    assert admin.check_password("a chosen passphrase 7")
    assert admin.email == "admin@example.org"
    assert "a chosen passphrase 7" not in out.getvalue()
    assert "DJANGO_SUPERUSER_PASSWORD" in out.getvalue()


def test_it_brings_the_database_up_to_date_first(monkeypatch):
    """Run alone on a new database (the README's steps run migrate before it), it stopped
    at "no such table: papers_paper". It migrates first where a migration is not applied;
    on a current database it runs none. (A whole new database takes 24 s: checked by
    hand, not here.)"""
    from core.management.commands import setup_demo

    called = []

    def recording(name, *args, **kwargs):
        called.append(name)
        return call_command(name, *args, **kwargs) if name != "migrate" else None

    monkeypatch.setattr(setup_demo, "call_command", recording)
    run_setup()
    assert "migrate" not in called
    monkeypatch.setattr(setup_demo, "unapplied_migrations", lambda: ["notes.0031"])
    called.clear()
    run_setup()
    assert called[:1] == ["migrate"]
