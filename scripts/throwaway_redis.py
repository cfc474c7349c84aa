#!/usr/bin/env python3
"""Run a command (or a block of Python) against a throwaway Redis server.

Starts Debian's `redis-server` in a temporary folder on a free loopback port, with no
persistence, exports REDIS_URL for the command, then stops the server and deletes the
folder, whatever the command's outcome. Exits with the command's exit code, or 3 when
`redis-server` is not installed (Debian: apt-get install redis-server).

    python scripts/throwaway_redis.py -- python scripts/load_test.py

From Python (the test suite's `redis_url` fixture uses it):

    with throwaway_redis() as server:
        server.url          # redis://127.0.0.1:PORT/0
        server.stop(); server.start()   # a fault: the cache machine reboots
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager

from servers import command, free_port

NO_SERVER = 3


class RedisServer:
    """persist=True writes a snapshot when stopped and loads it when started again, as a
    cache machine with Debian's default configuration does over a reboot."""

    def __init__(self, binary, workdir, persist=False):
        self.binary, self.workdir, self.port = binary, workdir, free_port()
        self.save = "3600 1" if persist else ""
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout=10):
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", self.workdir, "--save", self.save, "--appendonly", "no",
                "--protected-mode", "yes", "--loglevel", "warning"]  # fmt: skip
        with open(os.path.join(self.workdir, "redis.log"), "ab") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def find_binary():
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.access("/usr/bin/redis-server", os.X_OK) else None
    )


@contextmanager
def throwaway_redis(persist=False):
    binary = find_binary()
    if binary is None:
        raise FileNotFoundError("redis-server is not installed (apt-get install redis-server)")
    workdir = tempfile.mkdtemp(prefix="redis-throwaway-")
    server = RedisServer(binary, workdir, persist=persist)
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv):
    argv = command(argv, __doc__)
    if find_binary() is None:
        print("throwaway_redis: redis-server is not installed", file=sys.stderr)
        return NO_SERVER
    with throwaway_redis() as server:
        print(f"throwaway_redis: redis-server on {server.url}", flush=True)
        return subprocess.run(argv, env={**os.environ, "REDIS_URL": server.url}).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
