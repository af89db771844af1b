"""`parcours serve` as an operator runs it, for tests that need real gunicorn workers."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET = "secret-of-the-tests"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    """`parcours serve` in a process group of its own (so that kill -9 takes every
    worker), with the credential `all` of the tests' secret."""

    def __init__(self, database_url: str, log: Path, *, workers: int = 1, threads: int = 4,
                 args: tuple[str, ...] = (), env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        env = {**os.environ, "PARCOURS_BOOTSTRAP_CREDENTIAL": f"all:{SECRET}:all", "PARCOURS_REQUEST_LOG": "off",
               **(env or {})}
        with open(log, "ab") as handle:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "parcours.cli", "serve", "--database", database_url, "--port", str(self.port),
                 "--workers", str(workers), "--threads", str(threads), *args],
                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=handle, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/health")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise AssertionError("parcours serve did not start: " + log.read_text(errors="replace")[-2000:])

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
