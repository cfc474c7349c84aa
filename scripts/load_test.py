#!/usr/bin/env python3
"""A bounded load test: gunicorn + PostgreSQL on loopback, simulated members for a few minutes.

Run it against a throwaway PostgreSQL server:

    .venv/bin/python scripts/throwaway_postgres.py -- .venv/bin/python scripts/load_test.py

It migrates the database in DATABASE_URL, loads the demo data, makes a reading group
of --members accounts, collects the static files, starts gunicorn on a free loopback
port and lets every member (a thread with its own session) log in, read pages and
write and edit their notes for --duration seconds. At the end it stops gunicorn and
checks in the database that every save the server acknowledged (a redirect to the
note) holds the text that was sent. It reports requests, server errors (goal: none),
latencies and lost saves (goal: none); the exit code is 1 when either goal is missed.
"""

import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-test password 7 rabbits"
READ_PAGES = ["/", "/papers/", "/models/", "/datasets/", "/glossary/", "/lists/", "/notes/"]
# The JSON API beside the pages (the member's session authenticates it).
READ_PAGES += ["/api/v1/papers?page_size=25", "/api/v1/notes?page_size=25", "/api/v1/sync?since=0"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=180, help="seconds (default 180)")
    parser.add_argument("--members", type=int, default=30, help="simulated members (30)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument("--save-share", type=float, default=0.2, help="share of saves (0.2)")
    parser.add_argument("--no-demo", action="store_true", help="skip loading the demo data")
    parser.add_argument("--allow-sqlite", action="store_true", help="run without PostgreSQL")
    return parser.parse_args()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Member:
    """One simulated member: a keep-alive connection and a cookie jar."""

    def __init__(self, port, username, stats):
        self.port, self.username, self.stats = port, username, stats
        self.cookies = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.notes = {}  # slug -> body last acknowledged

    def request(self, kind, method, path, form=None):
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                if attempt == 2:
                    self.stats.record(kind, "connection error", time.perf_counter() - started)
                    return None, b""
        self.stats.record(kind, response.status, time.perf_counter() - started)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response, content

    def login(self):
        self.request("login", "GET", "/accounts/login/")
        response, _ = self.request(
            "login",
            "POST",
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "next": "/"},
        )
        return response is not None and response.status == 302

    def read(self, paths):
        self.request("read", "GET", random.choice(paths))

    def save(self):
        marker = uuid.uuid4().hex
        body = f"# Load test\n\nSaved by {self.username}: {marker}\n\n$x^{{{len(self.notes)}}}$"
        if self.notes and random.random() < 0.7:
            slug = random.choice(list(self.notes))
            _, page = self.request("edit form", "GET", f"/notes/{slug}/edit/")
            found = re.search(rb'name="revision" value="(\d+)"', page)
            revision = found.group(1).decode() if found else ""
            path, kind = f"/notes/{slug}/edit/", "save (edit)"
        else:
            slug, revision, path, kind = None, "", "/notes/new/", "save (new)"
        form = {
            "title_en": f"Load note of {self.username}",
            "body_en": body,
            "visibility": "private",
            "revision": revision,
        }
        response, _ = self.request(kind, "POST", path, form)
        if response is not None and response.status == 302:
            location = urlsplit(response.getheader("Location", "")).path
            found = re.fullmatch(r"/notes/([\w-]+)/", location)
            if found:
                self.notes[found.group(1)] = body
                self.stats.acknowledged(found.group(1), body)
            else:
                self.stats.record(kind, "redirect elsewhere", 0)
        elif response is not None:
            self.stats.refused[kind] += 1


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = Counter()
        self.latency = defaultdict(list)
        self.saved = {}  # slug -> body of the last acknowledged save
        self.every_save = []  # (slug, body) of every acknowledged save
        self.refused = Counter()

    def record(self, kind, status, seconds):
        with self.lock:
            self.statuses[(kind, status)] += 1
            self.latency[kind].append(seconds)

    def acknowledged(self, slug, body):
        with self.lock:
            self.saved[slug] = body
            self.every_save.append((slug, body))


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))] if values else 0.0


def prepare(args, env):
    def manage(*argv):
        subprocess.run([sys.executable, "manage.py", *argv], cwd=ROOT, env=env, check=True)

    manage("migrate", "--noinput", "-v0")
    if not args.no_demo:
        manage("loaddemo")
    manage("collectstatic", "--noinput", "-v0")
    code = f"""
from django.contrib.auth import get_user_model
from notes.models import Membership, ReadingGroup
group, _ = ReadingGroup.objects.get_or_create(slug="load-test", defaults={{"name": "Load test"}})
User = get_user_model()
for i in range({args.members}):
    user, _ = User.objects.get_or_create(username=f"load-member-{{i}}")
    user.set_password({PASSWORD!r})
    user.save()
    Membership.objects.get_or_create(group=group, user=user)
"""
    manage("shell", "-v0", "-c", code)


def start_gunicorn(args, env, port):
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--access-logfile",
        "-" if os.environ.get("LOAD_TEST_ACCESS_LOG") else "/dev/null",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not start")


def verify(env, saved, every_save):
    """Return the acknowledged saves missing from the database.

    The last save of each note must be its text now; every earlier one must be in
    the note's history.
    """
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from notes.models import Note

    stored = dict(Note.objects.filter(slug__in=list(saved)).values_list("slug", "body_en"))
    lost = [(slug, "current") for slug, body in saved.items() if stored.get(slug) != body]
    history = set(Note.history.filter(slug__in=list(saved)).values_list("slug", "body_en"))
    lost += [(slug, "history") for slug, body in every_save if (slug, body) not in history]
    return lost


def main():
    args = parse_args()
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith("postgres") and not args.allow_sqlite:
        sys.exit("Set DATABASE_URL to a PostgreSQL database (or run via throwaway_postgres.py).")
    static_root = tempfile.mkdtemp(prefix="load-static-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": static_root,
        "DJANGO_DEBUG": "0",
    }
    print(f"Preparing the database and {args.members} members …", flush=True)
    prepare(args, env)
    port = free_port()
    server = start_gunicorn(args, env, port)
    stats = Stats()
    members = [Member(port, f"load-member-{i}", stats) for i in range(args.members)]
    stop_at = time.monotonic() + args.duration

    def run(member):
        if not member.login():
            return
        paths = list(READ_PAGES)
        while time.monotonic() < stop_at:
            if random.random() < args.save_share:
                member.save()
            else:
                if member.notes and random.random() < 0.3:
                    member.read([f"/notes/{random.choice(list(member.notes))}/"])
                else:
                    member.read(paths)
            time.sleep(random.uniform(0, 0.2))

    print(f"Running {args.members} members for {args.duration:.0f} s on port {port} …", flush=True)
    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)

    lost = verify(env, stats.saved, stats.every_save)
    checked = len(stats.every_save)
    total = sum(stats.statuses.values())
    errors = {k: v for k, v in stats.statuses.items() if not isinstance(k[1], int) or k[1] >= 500}
    print(f"\nRequests: {total} in {elapsed:.0f} s ({total / elapsed:.1f}/s)")
    print("By kind and status:")
    for (kind, status), count in sorted(stats.statuses.items(), key=str):
        print(f"  {kind:<12} {status!s:<18} {count}")
    print("Latency (seconds):      median    p95     p99     max")
    for kind, values in sorted(stats.latency.items()):
        print(
            f"  {kind:<20} {statistics.median(values):7.3f} {percentile(values, 0.95):7.3f}"
            f" {percentile(values, 0.99):7.3f} {max(values):7.3f}"
        )
    print(f"Saves refused with a message (not lost): {sum(stats.refused.values())}")
    print(f"Server errors: {sum(errors.values())}  {errors or ''}")
    print(
        f"Saves acknowledged: {checked} on {len(stats.saved)} notes; "
        f"found in the database: {checked - len([x for x in lost if x[1] == 'history'])}"
    )
    print(f"Lost saves: {len(lost)}  {lost[:10] or ''}")
    return 1 if errors or lost else 0


if __name__ == "__main__":
    sys.exit(main())
