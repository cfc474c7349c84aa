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

With --scenario it starts its own PostgreSQL and Redis, two app servers, and injects
one fault at a time (scripts/fault_scenarios.py):

    .venv/bin/python scripts/load_test.py --scenario all   # or postgres-restart, redis-restart,
                                                           # kill-worker, slow-db, backup
"""

import argparse
import http.client
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import servers

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-test password 7 rabbits"
READ_PAGES = ["/", "/papers/", "/models/", "/datasets/", "/glossary/", "/lists/", "/notes/"]
# The JSON API beside the pages (the member's session authenticates it).
READ_PAGES += ["/api/v1/papers?page_size=25", "/api/v1/notes?page_size=25", "/api/v1/sync?since=0"]
SCENARIOS = ["postgres-restart", "redis-restart", "kill-worker", "slow-db", "backup"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=180, help="seconds (default 180)")
    parser.add_argument("--members", type=int, default=30, help="simulated members (30)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument("--save-share", type=float, default=0.2, help="share of saves (0.2)")
    parser.add_argument("--no-demo", action="store_true", help="skip loading the demo data")
    parser.add_argument("--allow-sqlite", action="store_true", help="run without PostgreSQL")
    parser.add_argument(
        "--scenario",
        choices=[*SCENARIOS, "all"],
        help="inject a fault on its own PostgreSQL, Redis and two app servers "
        "(--members defaults to 24 and --workers to 2 per server then)",
    )
    return parser.parse_args()


class FormDefaults(HTMLParser):
    """What a browser sends for a form (by its id) as the page gives it, before any typing."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.values = form_id, False, defaultdict(list)
        self.select, self.options, self.textarea = None, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        name = attrs.get("name") or ""
        if not self.inside or "__prefix__" in name:  # the admin's template of a new inline
            return
        kind = attrs.get("type", "text")
        if tag == "input" and name and kind not in ("submit", "button", "file", "image", "reset"):
            if kind not in ("checkbox", "radio"):
                self.values[name].append(attrs.get("value") or "")
            elif "checked" in attrs:
                self.values[name].append(attrs.get("value") or "on")
        elif tag == "select" and name:
            self.select, self.options = (name, "multiple" in attrs), []
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            (name, multiple), options = self.select, self.options
            chosen = [value for value, selected in options if selected]
            if not chosen and not multiple and options:
                chosen = [options[0][0]]
            self.values[name] += chosen
            self.select = None
        elif tag == "textarea" and self.textarea:
            name, text = self.textarea
            self.values[name].append(text.removeprefix("\n"))
            self.textarea = None


def form_defaults(page, form_id):
    parser = FormDefaults(form_id)
    parser.feed(page.decode("utf-8", "replace"))
    return dict(parser.values)


class Member:
    """One simulated member: a keep-alive connection per app server and a cookie jar.

    Every request goes to one of the servers at random, as behind a load balancer. The
    member remembers every text it sent to each of its notes, in order, and whether the
    server acknowledged it (a redirect to the note); a page of its note must show the
    last acknowledged text or one sent after it, else it is stale.
    """

    def __init__(self, ports, username, stats, organiser=None):
        self.ports = ports if isinstance(ports, list) else [ports]
        self.username, self.stats, self.organiser = username, stats, organiser
        self.cookies = {}
        self.conns = {}
        self.notes = {}  # slug -> [[marker, body, acknowledged], …] in the order sent
        self.meetings = 0

    def request(self, kind, method, path, form=None):
        port = random.choice(self.ports)
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        at = time.monotonic()
        for attempt in (1, 2):
            conn = self.conns.get(port)
            if conn is None:
                conn = self.conns[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, OSError):
                conn.close()
                self.conns.pop(port, None)
                if attempt == 2:
                    self.stats.record(kind, "connection error", time.perf_counter() - started, at)
                    return None, b""
        self.stats.record(kind, response.status, time.perf_counter() - started, at)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        if response.status == 503 and not response.getheader("Retry-After"):
            self.stats.problem(f"503 without Retry-After on {path}")
        location = response.getheader("Location", "")
        if kind != "login" and response.status == 302 and "/accounts/login/" in location:
            self.stats.problem(f"logged out ({self.username}, {path})")
            self.login()
        return response, content

    def login(self, attempts=20):
        for _ in range(attempts):
            self.request("login", "GET", "/accounts/login/")
            response, _ = self.request(
                "login",
                "POST",
                "/accounts/login/",
                {"username": self.username, "password": PASSWORD, "next": "/"},
            )
            if response is not None and response.status == 302:
                return True
            time.sleep(0.5)
        return False

    def read(self, paths):
        self.request("read", "GET", random.choice(paths))

    def read_note(self, slug, kind="read note"):
        """Read one of the member's notes; count it stale if it shows an older text."""
        response, page = self.request(kind, "GET", f"/notes/{slug}/")
        if response is None or response.status != 200:
            return
        saves = self.notes[slug]
        last = max(i for i, save in enumerate(saves) if save[2])
        if not any(marker.encode() in page for marker, _, _ in saves[last:]):
            self.stats.problem(f"stale page /notes/{slug}/ ({kind})")
            self.stats.stale += 1

    def save(self):
        marker = uuid.uuid4().hex
        body = f"# Load test\n\nSaved by {self.username}: {marker}\n\n$x^{{{len(self.notes)}}}$"
        acknowledged = [slug for slug, saves in self.notes.items() if any(s[2] for s in saves)]
        if acknowledged and random.random() < 0.7:
            slug = random.choice(acknowledged)
            response, page = self.request("edit form", "GET", f"/notes/{slug}/edit/")
            if response is None or response.status != 200:
                return
            found = re.search(rb'name="revision" value="(\d+)"', page)
            revision = found.group(1).decode() if found else ""
            path, kind = f"/notes/{slug}/edit/", "save (edit)"
            self.notes[slug].append([marker, body, False])
        else:
            slug, revision, path, kind = None, "", "/notes/new/", "save (new)"
        form = {
            "title_en": f"Load note of {self.username}",
            "body_en": body,
            "visibility": "private",
            "revision": revision,
        }
        with self.stats.writing():
            response, page = self.request(kind, "POST", path, form)
        if response is None:
            return
        if response.status == 302:
            location = urlsplit(response.getheader("Location", "")).path
            found = re.fullmatch(r"/notes/([\w-]+)/", location)
            if not found or (slug and found.group(1) != slug):
                self.stats.problem(f"save answered with a redirect to {location}")
                return
            slug = found.group(1)
            saves = self.notes.setdefault(slug, [])
            if saves and saves[-1][0] == marker:
                saves[-1][2] = True
            else:
                saves.append([marker, body, True])
            self.stats.acknowledged()
            self.read_note(slug, "read after save")
        elif marker.encode() in page:
            # Refused with a message (503, a conflict): the text is given back.
            self.stats.text_kept[response.status] += 1
        else:
            self.stats.problem(f"save answered {response.status} without the text ({path})")

    def save_meeting(self):
        """An organiser adds a meeting with three papers in the admin."""
        response, page = self.request("meeting form", "GET", "/admin/notes/meeting/add/")
        if response is None or response.status != 200:
            return
        # The form as the admin gives it (defaults of fields the load test knows nothing
        # of, the inlines' management forms), then what an organiser fills in.
        form = form_defaults(page, "meeting_form")
        prefixes = [name[: -len("-TOTAL_FORMS")] for name in form if name.endswith("-TOTAL_FORMS")]
        papers = random.sample(self.organiser["papers"], 3)
        self.meetings += 1
        title = f"Load meeting {uuid.uuid4().hex}"
        form |= {
            "group": self.organiser["group"],
            "number": self.organiser["first_number"] + self.meetings,
            "date": "2026-01-15",
            "title_en": title,
            "presenter_name": self.username,
            "body_en": f"# {title}\n\nThree papers.",
            "revision": "",
        }
        papers_prefix = next(p for p in prefixes if "paper" in p.lower())
        form[f"{papers_prefix}-TOTAL_FORMS"] = len(papers)
        for i, paper in enumerate(papers):
            form[f"{papers_prefix}-{i}-paper"] = paper
        self.stats.meeting_sent(title, papers)
        with self.stats.writing():
            response, page = self.request("save meeting", "POST", "/admin/notes/meeting/add/", form)
        if response is not None and response.status == 302:
            self.stats.meeting_acknowledged(title)
        elif response is not None and response.status == 200:
            errors = re.findall(r'class="errorlist[^"]*"[^>]*><li>([^<]*)', page.decode())
            fields = re.findall(r'<div class="form-row errors field-(\w+)', page.decode())
            self.stats.problem(f"meeting refused: {fields[:3]} {errors[:2]}")


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = Counter()
        self.latency = defaultdict(list)
        self.events = []  # (started, seconds, kind, status)
        self.saves = 0
        self.text_kept = Counter()
        self.problems = Counter()
        self.stale = 0
        self.meetings = {}  # title -> paper ids sent
        self.meetings_acknowledged = []
        self.saves_in_flight = 0

    @contextmanager
    def writing(self):
        with self.lock:
            self.saves_in_flight += 1
        try:
            yield
        finally:
            with self.lock:
                self.saves_in_flight -= 1

    def record(self, kind, status, seconds, at=None):
        with self.lock:
            self.statuses[(kind, status)] += 1
            self.latency[kind].append(seconds)
            self.events.append((at or time.monotonic(), seconds, kind, status))

    def acknowledged(self):
        with self.lock:
            self.saves += 1

    def problem(self, text):
        with self.lock:
            self.problems[text] += 1

    def meeting_sent(self, title, papers):
        with self.lock:
            self.meetings[title] = papers

    def meeting_acknowledged(self, title):
        with self.lock:
            self.meetings_acknowledged.append(title)

    def server_errors(self):
        return {k: v for k, v in self.statuses.items() if isinstance(k[1], int) and k[1] >= 500}


def sent(members, stats):
    """What the members sent, for fault_check.py."""
    return {
        "notes": {
            slug: [[body, ack] for _, body, ack in saves]
            for member in members
            for slug, saves in member.notes.items()
        },
        "meetings": stats.meetings,
        "acknowledged_meetings": stats.meetings_acknowledged,
        "authors": [member.username for member in members],
    }


def fault_check(env, action, request):
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/fault_check.py"), action],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    if result.returncode:
        sys.exit(f"fault_check.py {action} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))] if values else 0.0


def prepare(args, env, organisers=0):
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
    user.is_staff = user.is_superuser = i < {organisers}
    user.save()
    role = "organiser" if i < {organisers} else "member"
    Membership.objects.update_or_create(group=group, user=user, defaults={{"role": role}})
"""
    manage("shell", "-v0", "-c", code)


def start_gunicorn(args, env, port, extra=(), log=None):
    """Start gunicorn with --workers and --threads on the port; exit when it does not start."""
    access_log = "-" if os.environ.get("LOAD_TEST_ACCESS_LOG") else "/dev/null"
    options = ["--workers", str(args.workers), "--threads", str(args.threads),
               "--access-logfile", access_log, *extra]  # fmt: skip
    try:
        return servers.start_gunicorn(port, options, env, stderr=log)
    except RuntimeError as error:
        sys.exit(str(error))


def print_statuses(stats, elapsed):
    total = sum(stats.statuses.values())
    print(f"Requests: {total} in {elapsed:.0f} s ({total / elapsed:.1f}/s)")
    print("By kind and status:")
    for (kind, status), count in sorted(stats.statuses.items(), key=str):
        print(f"  {kind:<16} {status!s:<18} {count}")


def print_latency(stats):
    print("Latency (seconds):      median    p95     p99     max")
    for kind, values in sorted(stats.latency.items()):
        print(
            f"  {kind:<20} {statistics.median(values):7.3f} {percentile(values, 0.95):7.3f}"
            f" {percentile(values, 0.99):7.3f} {max(values):7.3f}"
        )


def main():
    args = parse_args()
    if args.scenario:
        import fault_scenarios

        return fault_scenarios.main(args)
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
    port = servers.free_port()
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
            elif member.notes and random.random() < 0.3:
                slug = random.choice(list(member.notes))
                if any(save[2] for save in member.notes[slug]):
                    member.read_note(slug)
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

    check = fault_check(env, "check", sent(members, stats))
    errors = stats.server_errors()
    print()
    print_statuses(stats, elapsed)
    print_latency(stats)
    print(f"Saves refused with a message, text kept: {sum(stats.text_kept.values())}")
    print(f"Server errors: {sum(errors.values())}  {errors or ''}")
    print(f"Saves acknowledged: {stats.saves}; found in the database: {check['found']}")
    print(f"Lost saves: {len(check['lost'])}  {check['lost'][:10] or ''}")
    print(f"Half-written records: {len(check['half_written'])}  {check['half_written'][:10] or ''}")
    print(f"Problems: {sum(stats.problems.values())}  {dict(stats.problems.most_common(10)) or ''}")
    return 1 if errors or check["lost"] or check["half_written"] or stats.problems else 0


if __name__ == "__main__":
    sys.exit(main())
