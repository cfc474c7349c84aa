"""Two app servers, as two machines would run the site: one database, one Redis.

Two gunicorn servers on two free ports share a throwaway redis-server (the
``redis_server`` fixture: skipped only where redis-server is not installed, never in
CI) and one database: on the PostgreSQL run a database of its own on the suite's
server (DATABASE_URL), dropped afterwards; on the SQLite run a migrated SQLite file in a
temporary folder, which both servers open (SQLite's own locking serialises their
writes, as it does for one server's workers). The test edits through one server and
reads through the other: never a stale page; a login, a logout and the login lockout
hold on both.
"""

import html
import http.client
import os
import re
import shutil
import subprocess
import sys
import uuid
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest

from scripts.servers import gunicorn

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "two-servers-pw"
SETUP = f"""
from django.contrib.auth import get_user_model
from notes.models import Membership, Note, ReadingGroup
from papers.models import Paper
User = get_user_model()
group = ReadingGroup.objects.create(slug="two", name="Two servers")
for name in ("alice", "bob", "carol"):
    user = User.objects.create_user(name, password={PASSWORD!r})
    Membership.objects.create(group=group, user=user)
paper = Paper.objects.create(slug="scaling", title_en="Scaling laws", year=2020)
Note.objects.create(
    slug="alice-note", author=User.objects.get(username="alice"), group=group, paper=paper,
    title_en="Alice on scaling", body_en="Version 0 of the note.", visibility="group",
)
"""

pytestmark = pytest.mark.two_servers


@contextmanager
def database(tmp_path):
    """Yield the DATABASE_URL of a new, migrated database, dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'two-servers.sqlite3'}"
        return
    import psycopg

    name = f"two_servers_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class FormFields(HTMLParser):
    """The fields a browser would send from the page's note form, as it stands."""

    def __init__(self):
        super().__init__()
        self.fields, self._textarea, self._select = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "checkbox"):
            self.fields[name] = attrs.get("value") or ""
        elif tag == "input" and name and "checked" in attrs:
            self.fields[name] = attrs.get("value") or "on"
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def form_fields(page):
    form = re.search(r'<form method="post" class="note-form".*?</form>', page, re.S)
    parser = FormFields()
    parser.feed(form.group(0))
    fields = {k: html.unescape(v) for k, v in parser.fields.items()}
    fields.pop("csrfmiddlewaretoken", None)
    return fields


class Browser:
    """A member's browser: one cookie jar, sent to whichever server it asks."""

    def __init__(self):
        self.cookies = {}

    def request(self, port, method, path, form=None):
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{port}{path}"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode()
        finally:
            conn.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                value = rest.split(";", 1)[0]
                if value in ('""', ""):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
        return response, content

    def get(self, port, path):
        return self.request(port, "GET", path)

    def login(self, port, username, password=PASSWORD):
        self.get(port, "/accounts/login/")
        return self.request(
            port, "POST", "/accounts/login/", {"username": username, "password": password}
        )


def test_two_servers_share_pages_sessions_and_the_lockout(redis_server, tmp_path):
    with database(tmp_path) as database_url:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_server.url,
            "DJANGO_CACHE_PREFIX": f"two-{uuid.uuid4().hex[:8]}",
            "DJANGO_SECRET_KEY": "two-servers-share-this-secret-key-" + uuid.uuid4().hex,
            "DJANGO_DEBUG": "0",
            "DJANGO_MANIFEST_STATIC": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_LOGIN_FAILURE_LIMIT": "3",
            "DJANGO_LOG_LEVEL": "ERROR",
            "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        }
        (tmp_path / "static").mkdir()
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([*manage, "shell", "-v0", "-c", SETUP], cwd=ROOT, env=env, check=True)
        options = ["--workers", "2", "--log-level", "warning"]
        with gunicorn(options, env, timeout=60) as one, gunicorn(options, env, timeout=60) as two:
            check_sessions(one, two)
            check_never_stale(one, two)
            check_lockout(one, two)
        shutil.rmtree(tmp_path / "static", ignore_errors=True)


def check_sessions(one, two):
    """A login on one server holds on the other; a logout on the other ends it on both."""
    alice = Browser()
    response, _ = alice.login(one, "alice")
    assert response.status == 302, "login on server one"
    for port in (one, two):
        response, page = alice.get(port, "/papers/scaling/")
        assert response.status == 200, port
        assert "Alice on scaling" in page
    response, _ = alice.request(two, "POST", "/accounts/logout/", {})
    assert response.status in (200, 302)
    for port in (one, two):
        response, _ = alice.get(port, "/papers/scaling/")
        assert response.status == 302 and "/accounts/login/" in response.getheader("Location")


def check_never_stale(one, two):
    """Edit through one server, read through the other, both ways, several times: every
    reader (the author and another member, each with pages of their own in the cache)
    sees each version at once, on the paper page and the note page."""
    alice, bob = Browser(), Browser()
    assert alice.login(one, "alice")[0].status == 302
    assert bob.login(two, "bob")[0].status == 302
    pages = ["/papers/scaling/", "/notes/alice-note/", "/papers/"]
    for reader in (alice, bob):
        for port in (one, two):
            for path in pages:
                assert reader.get(port, path)[0].status == 200
    for version in range(1, 5):
        write, read = (one, two) if version % 2 else (two, one)
        _, form = alice.get(write, "/notes/alice-note/edit/")
        fields = form_fields(form)
        fields["title_en"] = f"Alice on scaling v{version}"
        fields["body_en"] = f"Version {version} of the note."
        response, answer = alice.request(write, "POST", "/notes/alice-note/edit/", fields)
        errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', answer)
        assert response.status == 302, f"save {version} through port {write}: {errors}"
        for reader in (bob, alice):
            for port in (read, write):
                for path in pages[:2]:
                    _, page = reader.get(port, path)
                    assert f"Alice on scaling v{version}" in page, (version, port, path)
                    assert f"Version {version} of the note." in page
                    assert f"Version {version - 1} of the note." not in page
                assert "Scaling laws" in reader.get(port, "/papers/")[1]


def check_lockout(one, two):
    """Wrong passwords on one server lock the account out on the other too."""
    intruder = Browser()
    for _ in range(3):
        response, _ = intruder.login(one, "carol", "wrong password")
        assert response.status != 302
    carol = Browser()
    response, page = carol.login(two, "carol")
    assert response.status in (403, 429), "locked out on server two"
    assert "sessionid" not in carol.cookies
    other = Browser()
    assert other.login(two, "bob")[0].status == 302, "another account is not locked"
