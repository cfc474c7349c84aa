#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL server.

Starts a private server from the installed PostgreSQL binaries in a temporary
folder on a free loopback port, exports DATABASE_URL for the command, then
stops the server and deletes the folder, whatever the command's outcome. No
system cluster is touched. Exits with the command's exit code, or 3 when no
PostgreSQL server binaries are installed.

    python scripts/throwaway_postgres.py -- pytest -q
"""

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time

from servers import command, free_port

NO_SERVER = 3


def find_bindir():
    override = os.environ.get("PG_BINDIR")
    candidates = [override] if override else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(os.path.dirname(os.path.realpath(initdb)))
    for bindir in candidates:
        if bindir and all(
            os.access(os.path.join(bindir, b), os.X_OK) for b in ("initdb", "pg_ctl")
        ):
            return bindir
    return None


def as_server_user(argv, workdir):
    """initdb refuses to run as root: run the server as the 'postgres' user then."""
    if os.geteuid() != 0:
        return argv
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        sys.exit("throwaway_postgres: running as root needs a 'postgres' system user")
    os.chown(workdir, user.pw_uid, user.pw_gid)
    return ["runuser", "-u", "postgres", "--", *argv]


def main(argv):
    argv = command(argv, __doc__)
    bindir = find_bindir()
    if bindir is None:
        print("throwaway_postgres: no PostgreSQL server binaries found", file=sys.stderr)
        return NO_SERVER

    workdir = tempfile.mkdtemp(prefix="pg-throwaway-")
    os.chmod(workdir, 0o755)
    datadir = os.path.join(workdir, "data")
    port = free_port()
    run = lambda args, **kw: subprocess.run(as_server_user(args, workdir), check=True, **kw)  # noqa: E731
    started = False
    try:
        run(
            [
                f"{bindir}/initdb",
                "-D",
                datadir,
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            stdout=subprocess.DEVNULL,
        )
        options = (
            f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        run(
            [
                f"{bindir}/pg_ctl",
                "-D",
                datadir,
                "-o",
                options,
                "-l",
                f"{workdir}/server.log",
                "-w",
                "start",
            ],
            stdout=subprocess.DEVNULL,
        )
        started = True
        url = f"postgres://postgres@127.0.0.1:{port}/reading_group"
        subprocess.run(
            [
                f"{bindir}/psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "postgres",
                "-q",
                "-c",
                "CREATE DATABASE reading_group",
            ],
            check=True,
        )
        print(f"throwaway_postgres: PostgreSQL from {bindir} on 127.0.0.1:{port}", flush=True)
        env = {**os.environ, "DATABASE_URL": url}
        return subprocess.run(argv, env=env).returncode
    finally:
        if started:
            subprocess.run(
                as_server_user(
                    [f"{bindir}/pg_ctl", "-D", datadir, "-m", "fast", "-w", "stop"], workdir
                ),
                stdout=subprocess.DEVNULL,
            )
            time.sleep(0.2)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
