"""Serve the site as in production and measure each key page with wrk.

gunicorn (no debug, collected static files, a few workers) on 127.0.0.1; a member
logs in through the login form; wrk loads each page for a few seconds; the database
queries of each page are counted in-process with Django's test client. The floor is
/healthz/auth/ (login and every middleware, no work) and a static file.

Each page is measured in rounds (ROUNDS of a few seconds), each round after a round of
the floor, and its ratios are to the floor of its own rounds (``Measure.floor``): the
machine's speed moves by as much as a third within a minute (a loop of fixed work took
0.26 s to 0.75 s of CPU, other tenants of the host), so a floor measured at the start and
the end of a mode, minutes away from most pages, put pages off by as much; the floor's
row is all of its rounds of the mode.

Every page is measured in three modes, each by its own gunicorn with an empty cache:

- *members*: MEMBERS members' sessions take turns (wrk sends each request with the next
  member's cookie), with the fragments every member shares (core/fragments.py) and the
  pages kept per audience (core/audiencepage.py), without each session's whole pages
  (DJANGO_SESSION_PAGES=0): every view is a member's first view of a page the others
  have seen;
- *cold*: DJANGO_PAGECACHE=0, nothing cached (the first view after a change);
- *repeat*: one member's session, the page cache on (a member re-reading a page).

The workers share one cache: the file cache in a temporary folder, Redis when REDIS_URL
is set (scripts/throwaway_redis.py -- … starts one), or what DJANGO_CACHE_BACKEND /
DJANGO_CACHE_LOCATION name.
"""

import http.cookiejar
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, resolve, reverse

from scripts.servers import free_port, start_gunicorn, stop

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRKJSON {\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, \\"p95_us\\": %d, "
    .. "\\"errors\\": %d, \\"non2xx\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


# The environment of each mode's server (see the module's docstring).
MODES = {
    "members": {"DJANGO_PAGECACHE": "1", "DJANGO_SESSION_PAGES": "0"},
    "cold": {"DJANGO_PAGECACHE": "0"},
    "repeat": {"DJANGO_PAGECACHE": "1"},
}
MEMBERS = 200

# wrk: each request carries the next session's cookie, each thread from its own start.
ROTATE_SCRIPT = """
local cookies = {}
for line in io.lines(os.getenv("BENCH_COOKIES")) do cookies[#cookies + 1] = line end
local i = 0
init = function(args) i = math.random(#cookies) end
request = function()
  i = i % #cookies + 1
  return wrk.format(nil, nil, {Cookie = cookies[i]})
end
"""
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


# A page is loaded in this many rounds, each after a round of the floor (measure()).
ROUNDS = 3


@dataclass
class Measure:
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    errors: int = 0
    queries: int | None = None
    floor: "Measure | None" = None  # the floor in the rounds between the page's own


def measure_of(results, queries=None):
    """One Measure of several of wrk's runs (rounds) of one page: its requests over their
    seconds, the mean of their p50s and p95s, all their errors."""
    seconds = sum(r["duration_us"] for r in results) / 1e6
    return Measure(
        rps=sum(r["requests"] for r in results) / seconds,
        p50_ms=statistics.mean(r["p50_us"] for r in results) / 1000,
        p95_ms=statistics.mean(r["p95_us"] for r in results) / 1000,
        errors=sum(r["errors"] + r["non2xx"] for r in results),
        queries=queries,
    )


@dataclass
class Page:
    name: str
    url: str | None
    admin: bool = False
    note: str = ""
    floor: bool = False
    page_cached: bool = False
    key: bool = True  # a key page of the targets
    measures: dict = field(default_factory=lambda: {mode: Measure() for mode in MODES})

    def __getattr__(self, mode):
        if mode in MODES:
            return self.measures[mode]
        raise AttributeError(mode)


def try_reverse(name, **kwargs):
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def key_pages(zh_query, en_query):
    """Return the pages to measure, with URLs from the benchmark data."""
    from notes.models import Meeting, ReadingList
    from papers.models import LanguageModel, Paper

    paper = Paper.objects.filter(notes__isnull=False).order_by("pk").first()
    # A model of a family: its page draws the family's tree.
    model = LanguageModel.objects.exclude(family_root=None).order_by("pk").first()
    meeting = Meeting.objects.order_by("pk").first()
    reading_list = ReadingList.objects.order_by("pk").first()
    search = reverse("search:results")
    meeting_kw = {"group": meeting.group.slug, "number": meeting.number} if meeting else {}
    present = try_reverse("notes:meeting_present", **meeting_kw) if meeting else None
    return [
        Page("floor: /healthz/auth/ (login + middleware)", reverse("health"), floor=True),
        Page("floor: static file", settings.STATIC_URL.rstrip("/") + "/css/site.css", key=False),
        Page("paper list", reverse("reading:paper_list")),
        Page("paper detail with notes", paper.get_absolute_url() if paper else None),
        Page("model list", reverse("papers:model_list")),
        Page("model page", model.get_absolute_url() if model else None),
        Page("model family tree", reverse("papers:model_family")),
        Page("meeting page", meeting.get_absolute_url() if meeting else None),
        Page(
            "presentation deck",
            present,
            note="" if present else "route notes:meeting_present does not exist: skipped",
        ),
        Page("glossary", reverse("notes:glossary")),
        Page("reading list", reading_list.get_absolute_url() if reading_list else None),
        Page(f"search (Chinese: {zh_query})", f"{search}?q={urllib.parse.quote(zh_query)}"),
        Page(f"search (English: {en_query})", f"{search}?q={urllib.parse.quote(en_query)}"),
        Page("admin paper changelist", reverse("admin:papers_paper_changelist"), admin=True),
        Page(
            "plain ModelAdmin paper changelist (same rows)",
            "/bench-admin/papers/paper/",
            admin=True,
            key=False,
        ),
    ]


PLAIN_STATIC = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def is_page_cached(view):
    """True for a view behind core.pagecache: a reading page, or an admin change list."""
    from core.pagecache import CachedChangelist

    model_admin = getattr(view, "model_admin", None)
    return getattr(view, "page_cached", False) or (
        isinstance(model_admin, CachedChangelist) and view.__name__ == "changelist_view"
    )


def count_queries(pages, member, admin, others):
    """Count each page's database queries with the test client in each mode, in a
    private in-memory cache: cold (nothing cached), members (another member's first
    view of a page one member has seen) and repeat (the same session again)."""
    settings_of = {
        "members": {"PAGECACHE_ENABLED": True, "PAGECACHE_SESSION_PAGES": False},
        "cold": {"PAGECACHE_ENABLED": False},
        "repeat": {"PAGECACHE_ENABLED": True},
    }
    for mode in MODES:
        # No collected manifest in-process; a private cache, not the project's var/cache.
        with override_settings(
            STORAGES=PLAIN_STATIC, CACHES=LOCMEM, ROOT_URLCONF="bench.urls", **settings_of[mode]
        ):
            for page in pages:
                measure = getattr(page, mode)
                if not page.url or page.url.startswith(settings.STATIC_URL):
                    measure.queries = 0 if page.url else None
                    continue
                path = urllib.parse.urlsplit(page.url).path
                page.page_cached = is_page_cached(resolve(path).func)
                first, second = Client(), Client()
                # members: another member of the same groups filled the shared fragments
                first.force_login(
                    admin if page.admin else others[1] if mode == "members" else member
                )
                second.force_login(admin if page.admin else others[0])
                first.get(page.url, HTTP_HOST="127.0.0.1")
                client = second if mode == "members" else first
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(page.url, HTTP_HOST="127.0.0.1")
                if response.status_code != 200:
                    page.note = f"status {response.status_code} in-process"
                measure.queries = len(ctx.captured_queries)


def login(base, user, password):
    """Return the Cookie header of a new session of the user: made directly (base None),
    or by logging in through the form of the server at base."""
    if base is None:
        return make_sessions([user])[0]
    username = user.get_username()
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = base + reverse("login")
    form = opener.open(login_url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    opener.open(urllib.request.Request(login_url, data, headers={"Referer": login_url}))
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise RuntimeError(f"Logging in as {username} failed")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def wrk(url, cookie, seconds, connections, threads, script, env=None):
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            script,
            "-H",
            f"Cookie: {cookie}",
            url,
        ],  # fmt: skip
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    return json.loads(out.split("WRKJSON ", 1)[1])


def _workers(master):
    """Yield (the /proc folder, the fields of its stat after the name) of each of
    gunicorn's workers."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == master:
                yield stat.parent, fields
        except (OSError, IndexError, ValueError):
            continue


def worker_memory(master):
    """Return the resident memory of each of gunicorn's workers, in MB."""
    sizes = []
    for folder, _fields in _workers(master):
        try:
            found = re.search(r"VmRSS:\s+(\d+) kB", (folder / "status").read_text())
        except OSError:
            continue
        if found:
            sizes.append(int(found.group(1)) / 1024)
    return sorted(sizes)


def wait_for_workers(master, workers, timeout=60):
    """Return once gunicorn has all its workers and they have stopped working (their
    start-up done): gunicorn listens before its workers have loaded the site, and a page
    measured while they still load (the floor, first) came out a fifth to a third slow."""
    deadline, last, still = time.monotonic() + timeout, None, 0
    while time.monotonic() < deadline and still < 3:
        time.sleep(0.25)
        found = list(_workers(master))
        ticks = sum(int(fields[11]) + int(fields[12]) for _folder, fields in found)
        still = still + 1 if len(found) == workers and ticks == last else 0
        last = ticks


def cache_in_use(tmp):
    """Return the environment for a cache all workers share, and its description."""
    if os.environ.get("REDIS_URL"):
        return {}, "Redis at REDIS_URL (Django's Redis backend), emptied for each mode"
    backend = os.environ.get("DJANGO_CACHE_BACKEND")
    location = os.environ.get("DJANGO_CACHE_LOCATION")
    if backend or location or os.environ.get("REDIS_URL"):
        where = os.environ.get("REDIS_URL") or location or "the default location"
        return {}, f"{backend or 'the configured cache'} at {where}"
    return (
        {"DJANGO_CACHE_LOCATION": f"{tmp}/cache"},
        "file cache in a temporary folder, shared by the workers, emptied for each mode",
    )


def empty_cache(env):
    """Empty the shared cache between modes (a fresh folder, or FLUSHDB on Redis)."""
    if env.get("DJANGO_CACHE_LOCATION"):
        shutil.rmtree(env["DJANGO_CACHE_LOCATION"], ignore_errors=True)
    elif env.get("REDIS_URL"):
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).flushdb()


def make_sessions(users):
    """Return the Cookie header of a new session of each user (written to the database,
    as a login writes it; the cached_db backend reads it from there)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    cookies = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "notes.auth.MemberBackend"  # as a login writes it
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    return cookies


def measure(pages, mode, env, workers, seconds, rounds, load_options, log):
    """Serve the site with gunicorn in one mode and load every page with wrk, each in
    ``rounds`` rounds of ``seconds`` after as many of the floor; return the resident
    memory of the workers at the end (MB)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log(f"{mode}: gunicorn with {workers} workers on {base}, {MODES[mode]} …")
    server = start_gunicorn(port, ["--workers", str(workers), "--log-level", "warning"], env)
    wait_for_workers(server.pid, workers)
    floor = next(page for page in pages if page.floor and page.url)
    floor_rounds = []
    try:
        load = Loader(base, mode, **load_options)
        load(floor, 1)  # warm-up
        for page in pages:
            if not page.url or page is floor:
                continue
            load(page, 1)  # warm-up
            page_rounds, paired = [], []
            for _round in range(rounds):
                paired.append(load(floor, seconds))
                page_rounds.append(load(page, seconds))
            m = measure_of(page_rounds, getattr(page, mode).queries)
            m.floor = measure_of(paired)
            page.measures[mode] = m
            floor_rounds += paired
            log(f"{mode:7} {page.name:45} {m.rps:8.1f} req/s  p50 {m.p50_ms:7.1f} ms  "
                f"p95 {m.p95_ms:7.1f} ms  ÷ floor {m.rps / m.floor.rps:5.2f} (its rounds' "
                f"{m.floor.rps:.0f} req/s)  queries {m.queries}")  # fmt: skip
        page = floor
        page.measures[mode] = m = measure_of(floor_rounds, getattr(floor, mode).queries)
        log(f"{mode:7} {page.name:45} {m.rps:8.1f} req/s  p50 {m.p50_ms:7.1f} ms  "
            f"p95 {m.p95_ms:7.1f} ms  (all {len(floor_rounds)} rounds)")  # fmt: skip
        return worker_memory(server.pid)
    finally:
        stop(server)


@dataclass
class Loader:
    """Load one page with wrk for some seconds; return wrk's figures."""

    base: str
    mode: str
    connections: int
    threads: int
    scripts: dict
    sessions: dict

    def __call__(self, page, seconds):
        url = self.base + page.url
        cookie = self.sessions[page.admin][0]
        request = urllib.request.Request(url, headers={"Cookie": cookie})
        with urllib.request.urlopen(request) as response:
            if response.status != 200 or response.url != url:
                raise RuntimeError(f"{page.name}: {url} answered {response.url}")
        if self.mode == "members":
            script = self.scripts[("rotate", page.admin)]
            env = {**os.environ, "BENCH_COOKIES": self.scripts[("cookies", page.admin)]}
        else:
            script, env = self.scripts["report"], None
        return wrk(url, cookie, seconds, self.connections, self.threads, script, env)


def run(pages, member, admin, others, password, options, log):
    """Measure every page in every mode; return a description of the cache used and the
    workers' resident memory (MB) after each mode."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk (Debian/Ubuntu)")
    workers, seconds, rounds = options["workers"], options["seconds"], options["rounds"]
    memory = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        cache_env, cache_description = cache_in_use(tmp)
        env = {
            **os.environ,
            **cache_env,
            "DJANGO_SETTINGS_MODULE": "bench.settings",  # adds the plain ModelAdmin
            "DJANGO_DEBUG": "0",
            "DJANGO_STATIC_ROOT": f"{tmp}/static",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_LOG_LEVEL": "ERROR",
        }
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        log("collectstatic …")
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)
        scripts = {"report": f"{tmp}/report.lua"}
        Path(scripts["report"]).write_text(WRK_SCRIPT)
        one = {False: [login(None, member, password)], True: [login(None, admin, password)]}
        many = {False: make_sessions(others), True: make_sessions([admin] * len(others))}
        for is_admin, cookies in many.items():
            scripts[("cookies", is_admin)] = f"{tmp}/cookies-{is_admin}.txt"
            Path(scripts[("cookies", is_admin)]).write_text("\n".join(cookies) + "\n")
            scripts[("rotate", is_admin)] = f"{tmp}/rotate-{is_admin}.lua"
            Path(scripts[("rotate", is_admin)]).write_text(ROTATE_SCRIPT + WRK_SCRIPT)
        for mode in options.get("modes") or MODES:
            mode_env = MODES[mode]
            empty_cache(env)
            sessions = many if mode == "members" else one
            load_options = {
                "connections": options["connections"],
                "threads": options["threads"],
                "scripts": scripts,
                "sessions": sessions,
            }
            memory[mode] = measure(pages, mode, {**env, **mode_env}, workers, seconds, rounds,
                                   load_options, log)  # fmt: skip
    return cache_description, memory
