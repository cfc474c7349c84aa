"""Serve the site as in production and measure each key page with wrk.

gunicorn (no debug, collected static files, a few workers) on 127.0.0.1; a member
logs in through the login form; wrk loads each page for a few seconds with that
session; the database queries of each page are counted in-process with Django's
test client. The floor is /healthz/auth/ (login and every middleware, no work)
and a static file.
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
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse

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


@dataclass
class Page:
    name: str
    url: str | None
    admin: bool = False
    note: str = ""
    floor: bool = False
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    queries: int | None = None
    errors: int = 0


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
        Page("floor: /healthz/auth/ (login + middleware)", reverse("bench:health"), floor=True),
        Page("floor: static file", settings.STATIC_URL.rstrip("/") + "/css/site.css"),
        Page("paper list", reverse("papers:paper_list")),
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


@override_settings(STORAGES=PLAIN_STATIC)  # no collected manifest in-process
def count_queries(pages, member, admin):
    """Count each page's database queries with the test client, after one warm-up."""
    clients = {False: Client(), True: Client()}
    clients[False].force_login(member)
    clients[True].force_login(admin)
    for page in pages:
        if not page.url or page.url.startswith(settings.STATIC_URL):
            page.queries = 0 if page.url else None
            continue
        client = clients[page.admin]
        client.get(page.url, HTTP_HOST="127.0.0.1")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page.url, HTTP_HOST="127.0.0.1")
        if response.status_code != 200:
            page.note = f"status {response.status_code} in-process"
        page.queries = len(ctx.captured_queries)


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


def run(pages, member, admin, password, workers, seconds, connections, threads, log):
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk (Debian/Ubuntu)")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        env = {
            **os.environ,
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
        bind = f"127.0.0.1:{port}"
        gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", bind,
                    "--workers", str(workers), "--log-level", "warning"]  # fmt: skip
        log(f"gunicorn with {workers} workers on {base} …")
        server = subprocess.Popen(gunicorn, env=env, cwd=settings.BASE_DIR)
        try:
            wait_for(port)
            cookies = {
                False: login(base, member.get_username(), password),
                True: login(base, admin.get_username(), password),
            }
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
                page.rps = result["requests"] / (result["duration_us"] / 1e6)
                page.p50_ms = result["p50_us"] / 1000
                page.p95_ms = result["p95_us"] / 1000
                page.errors = result["errors"] + result["non2xx"]
                log(f"{page.name:45} {page.rps:8.1f} req/s  p50 {page.p50_ms:7.1f} ms  "
                    f"p95 {page.p95_ms:7.1f} ms  queries {page.queries}")  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=30)
