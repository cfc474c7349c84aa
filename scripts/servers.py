"""Servers on loopback for the scripts, the benchmark and the tests: a free port, gunicorn.

Standard library only. The scripts import it as `servers` (a script's own folder comes
first on its path, as `fault_scenarios` imports `load_test`); code run from the project's
root (bench/, tests/) imports it as `scripts.servers`.
"""

import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def command(argv, usage):
    """Return the command a wrapper script runs: its arguments after `--`, or all of them.
    Print the usage and exit 0 for -h or --help; exit with it when there is no command."""
    if argv[:1] in (["-h"], ["--help"]):
        print(usage)
        sys.exit(0)
    if "--" in argv:
        argv = argv[argv.index("--") + 1 :]
    if not argv:
        sys.exit(usage)
    return argv


def free_port():
    """Return a TCP port on 127.0.0.1 that nothing listens on at the moment."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_listening(port, timeout=30, process=None):
    """Return once something accepts connections on 127.0.0.1:port; RuntimeError after
    timeout seconds, or as soon as the process (when given) has ended."""
    deadline = time.monotonic() + timeout
    while True:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        if time.monotonic() > deadline or (process is not None and process.poll() is not None):
            raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")
        time.sleep(0.2)


def start_gunicorn(port, options=(), env=None, stderr=None, timeout=30):
    """Start gunicorn with the site (config.wsgi) on 127.0.0.1:port, from the project's
    root, with the Python running this code; return its process once it listens.
    Options are gunicorn's (workers, logs); RuntimeError when it does not start."""
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen([*command, *options], cwd=ROOT, env=env, stderr=stderr)
    try:
        wait_until_listening(port, timeout, server)
    except RuntimeError:
        stop(server)
        raise RuntimeError(f"gunicorn did not start on 127.0.0.1:{port}") from None
    return server


def stop(server, timeout=30):
    """Stop a server process started here (SIGTERM: gunicorn finishes its requests)."""
    server.terminate()
    server.wait(timeout=timeout)


@contextmanager
def gunicorn(options=(), env=None, stderr=None, timeout=30):
    """Serve the site with gunicorn on a free port for the block; yield the port."""
    port = free_port()
    server = start_gunicorn(port, options, env, stderr, timeout)
    try:
        yield port
    finally:
        stop(server)
