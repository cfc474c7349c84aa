"""Fault scenarios of the load test (scripts/load_test.py --scenario NAME|all).

Everything runs on loopback and is thrown away afterwards: a PostgreSQL cluster of its
own (which a scenario stops and starts), a Redis per scenario, and two gunicorn app
servers sharing them, as two machines behind a load balancer would. Members read and
save notes on both servers at random; three of them are organisers who add meetings
with three papers each in the admin. One fault per scenario:

- postgres-restart: PostgreSQL stopped (fast shutdown) for 15 s, then started again;
- redis-restart: Redis stopped for 10 s and started again from the snapshot it wrote
  when stopped (the hard case: entries from before the outage come back);
- kill-worker: SIGKILL to a random gunicorn worker every 2.5 s while members save;
- slow-db: a transaction holds an exclusive lock on the notes for 2.5 statement
  timeouts; the site's requests must give up at the timeout (5 s here), not wait;
- backup: manage.py backup while members save, restored into another database.

Each prints requests by status, acknowledged saves and those found, recovery time and
problems, then checks the database (scripts/fault_check.py): no acknowledged save lost,
nothing half-written (a note without its history row, a meeting without its papers).
The run fails (exit 1) on any 5xx other than a 503 with Retry-After where the fault
allows one, a lost acknowledged save, a half-written record or a stale page.
"""

import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import load_test as lt
import servers
import throwaway_postgres
import throwaway_redis

STATEMENT_TIMEOUT = 5  # seconds, for the app servers of every scenario
GUNICORN = ["--timeout", "30", "--max-requests", "400", "--max-requests-jitter", "50"]


class Postgres:
    """A throwaway PostgreSQL cluster that can be stopped and started again."""

    def __init__(self):
        self.bindir = throwaway_postgres.find_bindir()
        if self.bindir is None:
            sys.exit("No PostgreSQL server binaries found (apt-get install postgresql).")
        self.workdir = tempfile.mkdtemp(prefix="pg-faults-")
        os.chmod(self.workdir, 0o755)
        self.datadir = os.path.join(self.workdir, "data")
        self.port = servers.free_port()

    def run(self, *argv):
        argv = throwaway_postgres.as_server_user(
            [f"{self.bindir}/{argv[0]}", *argv[1:]], self.workdir
        )
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)

    def url(self, database="reading_group"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create(self):
        self.run("initdb", "-D", self.datadir, "-U", "postgres", "--auth=trust",
                 "--encoding=UTF8", "--locale=C.UTF-8")  # fmt: skip
        self.start()
        self.psql("CREATE DATABASE reading_group")
        return self

    def start(self):
        options = (
            f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self.run("pg_ctl", "-D", self.datadir, "-o", options, "-l",
                 f"{self.workdir}/server.log", "-w", "start")  # fmt: skip

    def stop(self, mode="fast"):
        self.run("pg_ctl", "-D", self.datadir, "-m", mode, "-w", "stop")

    def psql(self, sql, database="postgres"):
        subprocess.run([f"{self.bindir}/psql", "-h", "127.0.0.1", "-p", str(self.port),
                        "-U", "postgres", "-q", "-d", database, "-c", sql], check=True)  # fmt: skip

    def remove(self):
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.workdir, ignore_errors=True)


class Probe(threading.Thread):
    """A logged-in member asking one server for a page every quarter second."""

    def __init__(self, port, username, path):
        super().__init__(daemon=True)
        self.stats = lt.Stats()
        self.member = lt.Member(port, username, self.stats)
        self.path, self.answers, self.done = path, [], threading.Event()

    def run(self):
        self.member.login()
        while not self.done.is_set():
            at = time.monotonic()
            response, _ = self.member.request("probe", "GET", self.path)
            self.answers.append((at, response.status if response else "connection error"))
            time.sleep(0.25)

    def back_after(self, moment):
        """Seconds from the moment until this server answered 200 and went on doing so."""
        since = None
        for at, status in self.answers:
            if at < moment:
                continue
            if status == 200:
                since = at if since is None else since
            else:
                since = None
        return None if since is None else max(0.0, since - moment)


class Run:
    """One scenario: Redis, two app servers, the members and the probes."""

    def __init__(self, ctx, name, persist_redis=False, save_share=0.2, probe="/healthz/auth/"):
        self.ctx, self.name, self.save_share = ctx, name, save_share
        self.redis_home = tempfile.mkdtemp(prefix="redis-faults-")
        self.redis = throwaway_redis.RedisServer(
            throwaway_redis.find_binary(), self.redis_home, persist=persist_redis
        ).start()
        self.env = {**ctx.env, "REDIS_URL": self.redis.url}
        self.log = open(ctx.workdir / f"{name}.log", "wb")  # noqa: SIM115
        self.ports = [servers.free_port(), servers.free_port()]
        # The access log records each request's time inside the server (%(L)s seconds).
        self.access_logs = [ctx.workdir / f"{name}-{port}-access.log" for port in self.ports]
        self.servers = [
            lt.start_gunicorn(
                ctx.args,
                self.env,
                port,
                [
                    *GUNICORN,
                    "--access-logfile",
                    str(log),
                    "--access-logformat",
                    "%(L)s %(s)s %(r)s",
                ],
                self.log,
            )
            for port, log in zip(self.ports, self.access_logs, strict=True)
        ]
        self.stats = lt.Stats()
        self.members = [
            lt.Member(self.ports, f"load-member-{i}", self.stats, ctx.organiser(i))
            for i in range(ctx.args.members)
        ]
        self.probes = [Probe(port, "load-member-0", probe) for port in self.ports]
        self.done, self.lock, self.logged_in = threading.Event(), threading.Lock(), 0
        self.saving = threading.Event()  # cleared: members only read (their notes mostly)
        self.saving.set()
        self.threads = [threading.Thread(target=self.member_loop, args=(m,)) for m in self.members]

    def member_loop(self, member):
        logged_in = member.login()
        with self.lock:
            self.logged_in += 1
        if not logged_in:
            member.stats.problem("could not log in")
            return
        while not self.done.is_set():
            if not self.saving.is_set() and member.notes and random.random() < 0.7:
                slug = random.choice(list(member.notes))
                if any(save[2] for save in member.notes[slug]):
                    member.read_note(slug)
            elif self.saving.is_set() and random.random() < self.save_share:
                if member.organiser and random.random() < 0.5:
                    member.save_meeting()
                else:
                    member.save()
            elif member.notes and random.random() < 0.4:
                slug = random.choice(list(member.notes))
                if any(save[2] for save in member.notes[slug]):
                    member.read_note(slug)
            else:
                member.read(lt.READ_PAGES)
            time.sleep(random.uniform(0, 0.2))

    def __enter__(self):
        for thread in [*self.threads, *self.probes]:
            thread.start()
        while self.logged_in < len(self.members):  # the scenario's clock starts after
            time.sleep(0.2)
        self.started = time.monotonic()
        for path in self.access_logs:  # 24 logins at once on 2 cores are slow: not counted
            os.truncate(path, 0)
        return self

    def __exit__(self, *exc):
        self.done.set()
        for probe in self.probes:
            probe.done.set()
        for thread in [*self.threads, *self.probes]:
            thread.join()
        self.elapsed = time.monotonic() - self.started
        for server in self.servers:
            server.send_signal(signal.SIGTERM)
        for server in self.servers:
            server.wait(timeout=30)
        self.redis.stop()
        shutil.rmtree(self.redis_home, ignore_errors=True)
        self.log.close()

    def workers(self, server):
        path = Path(f"/proc/{server.pid}/task/{server.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def wait_for_saves(self, limit=30):
        """Wait until no save is on its way (members stopped saving)."""
        until = time.monotonic() + limit
        while self.stats.saves_in_flight and time.monotonic() < until:
            time.sleep(0.1)

    def longest_in_server(self):
        """Return the longest time a request took inside a server, and the request."""
        longest = (0.0, "")
        for path in self.access_logs:
            for line in path.read_text(errors="replace").splitlines():
                seconds, _, request = line.partition(" ")
                try:
                    longest = max(longest, (float(seconds), request))
                except ValueError:
                    continue
        return longest

    def during(self, start, end, kinds=None):
        return [
            e for e in self.stats.events if start <= e[0] < end and (not kinds or e[2] in kinds)
        ]


def report(run, check, allowed, figures, failures):
    """Print the scenario's figures; return the reasons it failed."""
    stats = run.stats
    print(f"\n=== {run.name} ===")
    lt.print_statuses(stats, run.elapsed)
    lt.print_latency(stats)
    for label, value in figures.items():
        print(f"{label}: {value}")
    seconds, request = run.longest_in_server()
    print(f"Longest request inside a server: {seconds:.1f} s ({request})")
    print(f"Saves refused with the text given back: {dict(stats.text_kept) or 0}")
    print(
        f"Saves acknowledged: {stats.saves} notes, {len(stats.meetings_acknowledged)} meetings; "
        f"found in the database: {check['found']}"
    )
    print(f"Lost acknowledged saves: {len(check['lost'])}  {check['lost'][:5] or ''}")
    print(f"Half-written records: {len(check['half_written'])}  {check['half_written'][:5] or ''}")
    print(f"Stale pages: {stats.stale}")
    print(f"Problems: {sum(stats.problems.values())}  {dict(stats.problems.most_common(6)) or ''}")
    failures = list(failures)
    bad = {
        k: v for k, v in stats.statuses.items() if k[1] not in allowed and k[1] not in (200, 302)
    }
    if bad:
        failures.append(f"answers the fault does not allow: {bad}")
    if check["lost"]:
        failures.append("lost acknowledged saves")
    if check["half_written"]:
        failures.append("half-written records")
    if stats.problems:
        failures.append("problems (stale pages, logged out, text not given back …)")
    print("Result:", "FAILED: " + "; ".join(failures) if failures else "passed")
    return failures


def finish(run, allowed, figures, failures=()):
    """Check the database, print the report; return the reasons the scenario failed."""
    check = lt.fault_check(run.ctx.env, "check", lt.sent(run.members, run.stats))
    run.ctx.everything.append(lt.sent(run.members, run.stats))
    return report(run, check, allowed, figures, failures)


def postgres_restart(ctx):
    with Run(ctx, "postgres-restart") as run:
        time.sleep(8)
        stopped = time.monotonic()
        ctx.postgres.stop("fast")
        time.sleep(15)
        ctx.postgres.start()
        started = time.monotonic()
        time.sleep(20)
    back = [probe.back_after(started) for probe in run.probes]
    outage = run.during(stopped, started)
    figures = {
        "Outage": f"{started - stopped:.1f} s; answers meanwhile: "
        f"{sorted({str(e[3]) for e in outage})}",
        "Recovery after PostgreSQL started (per server)": ", ".join(
            "never" if b is None else f"{b:.1f} s" for b in back
        ),
    }
    slow = ["no recovery within 10 s"] if any(b is None or b > 10 for b in back) else []
    return finish(run, {503}, figures, slow)


def redis_restart(ctx):
    with Run(ctx, "redis-restart", persist_redis=True) as run:
        time.sleep(6)
        # Members read their notes for 3 s without saving: those pages are cached under
        # the last generation when Redis stops.
        run.saving.clear()
        time.sleep(3)
        stopped = time.monotonic()
        run.redis.stop()  # writes its snapshot, as a reboot of a Debian cache machine does
        run.saving.set()  # saves meanwhile move the generation on, in a Redis that is away
        time.sleep(10)
        # For a few seconds after Redis returns nobody saves: a save would move the
        # content generation on and hide any page that came back stale with the snapshot.
        run.saving.clear()
        run.wait_for_saves()
        run.redis.start()  # and loads it: pages and the generation from before the outage
        started = time.monotonic()
        time.sleep(5)
        run.saving.set()
        time.sleep(10)
    medians = {
        label: statistics.median([e[1] for e in run.during(a, b, {"read"})] or [0])
        for label, (a, b) in {
            "before": (run.started, stopped),
            "Redis down": (stopped, started),
            "after": (started, time.monotonic()),
        }.items()
    }
    figures = {
        "Redis down": f"{started - stopped:.1f} s",
        "Median page read (s)": ", ".join(f"{k} {v:.3f}" for k, v in medians.items()),
        "Reads of a member's own note in the 5 s after Redis returned (no saves)": len(
            run.during(started, started + 5, {"read note"})
        ),
        "Recovery": "the site served throughout",
    }
    return finish(run, set(), figures)


def kill_worker(ctx):
    kills = 0
    with Run(ctx, "kill-worker", save_share=0.6) as run:
        time.sleep(3)
        until = time.monotonic() + 25
        while time.monotonic() < until:
            server = random.choice(run.servers)
            workers = run.workers(server)
            if workers:
                os.kill(random.choice(workers), signal.SIGKILL)
                kills += 1
            time.sleep(2.5)
        last_kill = time.monotonic()
        time.sleep(8)
        respawned = [len(run.workers(server)) for server in run.servers]
    back = [probe.back_after(last_kill) for probe in run.probes]
    figures = {
        "Workers killed (SIGKILL)": kills,
        "Workers alive at the end (per server)": respawned,
        "Recovery after the last kill (per server)": ", ".join(
            "never" if b is None else f"{b:.1f} s" for b in back
        ),
    }
    missing = ["workers not respawned"] if respawned != [ctx.args.workers] * 2 else []
    return finish(run, {"connection error"}, figures, missing)


def slow_db(ctx):
    import psycopg

    hold = 2.5 * STATEMENT_TIMEOUT
    with Run(ctx, "slow-db", probe="/notes/") as run:
        time.sleep(5)
        with psycopg.connect(ctx.postgres.url().replace("postgres://", "postgresql://")) as lock:
            lock.execute("LOCK TABLE notes_note IN ACCESS EXCLUSIVE MODE")
            locked = time.monotonic()
            time.sleep(hold)
            lock.rollback()
        released = time.monotonic()
        time.sleep(10)
    during = run.during(locked, released)
    longest = max((e[1] for e in during), default=0)
    back = [probe.back_after(released) for probe in run.probes]
    figures = {
        "Lock held": f"{released - locked:.1f} s; statement timeout {STATEMENT_TIMEOUT} s",
        "Requests started during the lock": f"{len(during)}, answers "
        f"{dict(sorted(Counter(str(e[3]) for e in during).items()))}",
        "Longest request during the lock, seen by a member": f"{longest:.1f} s "
        "(waiting for a free thread, then at most the timeout)",
        "Recovery after the lock (notes pages, per server)": ", ".join(
            "never" if b is None else f"{b:.1f} s" for b in back
        ),
    }
    # Inside the server no request may outlast the timeout by more than the page's other
    # work on 2 busy cores (5 s), far below the 12.5 s lock; seen from outside, a request
    # also waits in the queue for a free thread.
    held = run.longest_in_server()[0]
    beyond = [f"a request held a worker {held:.1f} s"] if held > STATEMENT_TIMEOUT + 5 else []
    return finish(run, {503}, figures, beyond)


def backup(ctx):
    path = ctx.workdir / "backup.jsonl.gz"
    with Run(ctx, "backup") as run:
        time.sleep(6)
        began = time.monotonic()
        # What was acknowledged before the backup began (copies: members go on saving).
        acknowledged_before = {
            save[0] for m in run.members for saves in dict(m.notes).values()
            for save in list(saves) if save[2]
        }  # fmt: skip
        meetings_before = list(run.stats.meetings_acknowledged)
        result = ctx.manage(ctx.env, "backup", "--output", str(path), capture=True)
        took = time.monotonic() - began
        time.sleep(5)
    # Restore into another database; everything acknowledged before the backup began is
    # there, and nothing in it is half-written.
    ctx.postgres.psql("CREATE DATABASE restore_check")
    env = {**ctx.env, "DATABASE_URL": ctx.postgres.url("restore_check")}
    ctx.manage(env, "migrate", "--noinput", "-v0")
    restored = ctx.manage(env, "restore", str(path), capture=True)
    request = lt.sent(run.members, run.stats)
    request["notes"] = {
        slug: [[body, marker in acknowledged_before] for marker, body, _ in saves]
        for member in run.members
        for slug, saves in member.notes.items()
    }
    request["acknowledged_meetings"] = meetings_before
    check = lt.fault_check(env, "check", request)
    figures = {
        "Backup": f"{took:.1f} s: {result.strip()}",
        "Restore": restored.strip().splitlines()[-1] if restored.strip() else "done",
        "In the restored database": f"{check['notes']} notes of the members, "
        f"{check['meetings']} meetings; acknowledged before the backup began and found: "
        f"{check['found']}; lost {len(check['lost'])}, half-written "
        f"{len(check['half_written'])} {(check['lost'] + check['half_written'])[:5] or ''}",
    }
    torn = (
        ["the backup is not a consistent snapshot"]
        if check["lost"] or check["half_written"]
        else []
    )
    return finish(run, set(), figures, torn)


RUNNERS = {
    "postgres-restart": postgres_restart,
    "redis-restart": redis_restart,
    "kill-worker": kill_worker,
    "slow-db": slow_db,
    "backup": backup,
}


class Context:
    def __init__(self, args):
        self.args = args
        self.workdir = Path(tempfile.mkdtemp(prefix="load-faults-"))
        self.postgres = Postgres().create()
        self.env = {
            **os.environ,
            "DATABASE_URL": self.postgres.url(),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_STATIC_ROOT": str(self.workdir / "static"),
            "DJANGO_DEBUG": "0",
            "DJANGO_DB_STATEMENT_TIMEOUT": str(STATEMENT_TIMEOUT),
            "DJANGO_VAR_DIR": str(self.workdir / "var"),
        }
        self.everything = []
        self.info = None

    def manage(self, env, *argv, capture=False):
        result = subprocess.run(
            [sys.executable, "manage.py", *argv],
            cwd=lt.ROOT,
            env=env,
            check=True,
            capture_output=capture,
            text=True,
        )
        return result.stdout if capture else None

    def organiser(self, i):
        if i >= 3:
            return None
        # Meeting numbers are unique in a group: each organiser and scenario has its own.
        return {**self.info, "first_number": 100_000 * (i + 1) + 1000 * self.round}


def main(args):
    if "--members" not in sys.argv:
        args.members = 24
    if "--workers" not in sys.argv:
        args.workers = 2
    args.no_demo = False
    names = lt.SCENARIOS if args.scenario == "all" else [args.scenario]
    ctx = Context(args)
    failures = {}
    try:
        print(f"PostgreSQL on 127.0.0.1:{ctx.postgres.port}; preparing {args.members} members …")
        lt.prepare(args, ctx.env, organisers=3)
        ctx.info = lt.fault_check(ctx.env, "info", {"group": "load-test"})
        for number, name in enumerate(names):
            ctx.round = number
            print(
                f"\nScenario {name}: {args.members} members on two servers "
                f"({args.workers} workers × {args.threads} threads each) …",
                flush=True,
            )
            failures[name] = RUNNERS[name](ctx)
        # The independent check: every save acknowledged in any scenario is there now.
        merged = {"notes": {}, "meetings": {}, "acknowledged_meetings": [], "authors": []}
        for part in ctx.everything:
            for slug, saves in part["notes"].items():
                merged["notes"].setdefault(slug, []).extend(saves)
            merged["meetings"].update(part["meetings"])
            merged["acknowledged_meetings"] += part["acknowledged_meetings"]
            merged["authors"] = part["authors"]
        final = lt.fault_check(ctx.env, "check", merged)
        print(
            "\n=== Final check over all scenarios ===\n"
            f"Acknowledged saves found: {final['found']}; lost: {len(final['lost'])}; "
            f"half-written: {len(final['half_written'])}"
        )
        if final["lost"] or final["half_written"]:
            failures["final check"] = final["lost"][:5] + final["half_written"][:5]
    finally:
        ctx.postgres.remove()
        shutil.rmtree(ctx.workdir / "static", ignore_errors=True)
        print(f"Server logs: {ctx.workdir}")
    print("\nSummary:")
    for name, reasons in failures.items():
        print(f"  {name:<18} {'FAILED: ' + '; '.join(reasons) if reasons else 'passed'}")
    return 1 if any(failures.values()) else 0
