"""Serve the site as in production and measure each key page with wrk.

gunicorn (no debug, collected static files, a few workers) on 127.0.0.1; a member
logs in through the login form; wrk loads each page for a few seconds with that
session; the database queries of each page are counted in-process with Django's
test client. The floor is /healthz/auth/ (login and every middleware, no work)
and a static file.

Every page is measured twice, each time by its own gunicorn: *warm*, with the page
cache on (core/pagecache.py: a member re-visiting a page gets it from the cache), and
*cold*, with DJANGO_PAGECACHE=0 (every request renders the page, as the first visit
after any change does). The workers share one cache: the file cache in a temporary
folder, unless DJANGO_CACHE_BACKEND / DJANGO_CACHE_LOCATION name another one.
"""

import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, resolve, reverse

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


# Page cache on (what a member re-visiting a page gets) and off (every request renders).
MODES = {"warm": "1", "cold": "0"}
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@dataclass
class Measure:
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    errors: int = 0
    queries: int | None = None


@dataclass
class Page:
    name: str
    url: str | None
    admin: bool = False
    note: str = ""
    floor: bool = False
    page_cached: bool = False
    warm: Measure = field(default_factory=Measure)
    cold: Measure = field(default_factory=Measure)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def try_reverse(name, **kwargs):
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def key_pages(zh_query, en_query):
    """Return the pages to measure, with URLs from the benchmark data."""
    from notes.models import Meeting
    from papers.models import Paper

    paper = Paper.objects.filter(notes__isnull=False).order_by("pk").first()
    meeting = Meeting.objects.order_by("pk").first()
    search = reverse("search:results")
    meeting_kw = {"group": meeting.group.slug, "number": meeting.number} if meeting else {}
    present = try_reverse("notes:meeting_present", **meeting_kw) if meeting else None
    return [
        Page("floor: /healthz/auth/ (login + middleware)", reverse("health"), floor=True),
        Page("floor: static file", settings.STATIC_URL.rstrip("/") + "/css/site.css"),
        Page("paper list", reverse("reading:paper_list")),
        Page("paper detail with notes", paper.get_absolute_url() if paper else None),
        Page("model list", reverse("papers:model_list")),
        Page("model family tree", reverse("papers:model_family")),
        Page("meeting page", meeting.get_absolute_url() if meeting else None),
        Page(
            "presentation deck",
            present,
            note="" if present else "route notes:meeting_present does not exist: skipped",
        ),
        Page(f"search (Chinese: {zh_query})", f"{search}?q={urllib.parse.quote(zh_query)}"),
        Page(f"search (English: {en_query})", f"{search}?q={urllib.parse.quote(en_query)}"),
        Page("admin paper changelist", reverse("admin:papers_paper_changelist"), admin=True),
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


def count_queries(pages, member, admin):
    """Count each page's database queries with the test client, after one warm-up,
    with the page cache on (warm) and off (cold), in a private in-memory cache."""
    for mode, enabled in MODES.items():
        # No collected manifest in-process; a private cache, not the project's var/cache.
        with override_settings(
            STORAGES=PLAIN_STATIC, CACHES=LOCMEM, PAGECACHE_ENABLED=enabled == "1"
        ):
            clients = {False: Client(), True: Client()}
            clients[False].force_login(member)
            clients[True].force_login(admin)
            for page in pages:
                measure = getattr(page, mode)
                if not page.url or page.url.startswith(settings.STATIC_URL):
                    measure.queries = 0 if page.url else None
                    continue
                path = urllib.parse.urlsplit(page.url).path
                page.page_cached = is_page_cached(resolve(path).func)
                client = clients[page.admin]
                client.get(page.url, HTTP_HOST="127.0.0.1")
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(page.url, HTTP_HOST="127.0.0.1")
                if response.status_code != 200:
                    page.note = f"status {response.status_code} in-process"
                measure.queries = len(ctx.captured_queries)


def login(base, username, password):
    """Log in through the form; return the Cookie header of the session."""
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


def wait_for(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def wrk(url, cookie, seconds, connections, threads, script):
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
    ).stdout
    return json.loads(out.split("WRKJSON ", 1)[1])


def cache_in_use(tmp):
    """Return the environment for a cache all workers share, and its description."""
    backend = os.environ.get("DJANGO_CACHE_BACKEND")
    location = os.environ.get("DJANGO_CACHE_LOCATION")
    if backend or location:
        return {}, f"{backend or 'file cache'} at {location or 'the default location'}"
    return (
        {"DJANGO_CACHE_LOCATION": f"{tmp}/cache"},
        "file cache in a temporary folder, shared by the workers, emptied for each mode",
    )


def measure(pages, mode, env, workers, seconds, connections, threads, script, password, users, log):
    """Serve the site with gunicorn in one mode and load every page with wrk."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
                "--workers", str(workers), "--log-level", "warning"]  # fmt: skip
    log(f"{mode}: gunicorn with {workers} workers on {base}, DJANGO_PAGECACHE={MODES[mode]} …")
    server = subprocess.Popen(gunicorn, env=env, cwd=settings.BASE_DIR)
    try:
        wait_for(port)
        cookies = {admin: login(base, user.get_username(), password) for admin, user in users}
        for page in pages:
            if not page.url:
                continue
            url = base + page.url
            with urllib.request.urlopen(
                urllib.request.Request(url, headers={"Cookie": cookies[page.admin]})
            ) as response:
                if response.status != 200 or response.url != url:
                    raise RuntimeError(f"{page.name}: {url} answered {response.url}")
            wrk(url, cookies[page.admin], 1, connections, threads, script)  # warm-up
            result = wrk(url, cookies[page.admin], seconds, connections, threads, script)
            m = getattr(page, mode)
            m.rps = result["requests"] / (result["duration_us"] / 1e6)
            m.p50_ms = result["p50_us"] / 1000
            m.p95_ms = result["p95_us"] / 1000
            m.errors = result["errors"] + result["non2xx"]
            log(f"{mode} {page.name:45} {m.rps:8.1f} req/s  p50 {m.p50_ms:7.1f} ms  "
                f"p95 {m.p95_ms:7.1f} ms  queries {m.queries}")  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)


def run(pages, member, admin, password, workers, seconds, connections, threads, log):
    """Measure every page warm and cold; return a description of the cache used."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk (Debian/Ubuntu)")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        cache_env, cache_description = cache_in_use(tmp)
        env = {
            **os.environ,
            **cache_env,
            "DJANGO_DEBUG": "0",
            "DJANGO_STATIC_ROOT": f"{tmp}/static",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_LOG_LEVEL": "ERROR",
        }
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        log("collectstatic …")
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, check=True)
        script = f"{tmp}/report.lua"
        with open(script, "w") as f:
            f.write(WRK_SCRIPT)
        for mode, enabled in MODES.items():
            if cache_env:
                shutil.rmtree(cache_env["DJANGO_CACHE_LOCATION"], ignore_errors=True)
            mode_env = {**env, "DJANGO_PAGECACHE": enabled}
            measure(pages, mode, mode_env, workers, seconds, connections, threads, script,
                    password, [(False, member), (True, admin)], log)  # fmt: skip
    return cache_description
