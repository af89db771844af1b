"""`parcours serve` for the HTTP benchmarks: started on a free port, waited for, stopped."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(database: Path, *, workers: int, threads: int, env: dict[str, str] | None = None,
                 url: str | None = None) -> tuple[subprocess.Popen, int]:
    """`parcours serve` on `database` (SQLite; or the database at `url`, logging beside
    `database`) and a free port, once `/xapi/about` answers; its log goes to
    `<database>.log` (a file: a pipe nobody reads could fill and stall it)."""
    port = free_port()
    log_path = database.with_name(database.name + ".log")
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "parcours.cli", "serve", "--database", url or f"sqlite:///{database}",
             "--port", str(port), "--workers", str(workers), "--threads", str(threads), "--lang", "en"],
            env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=log,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/xapi/about")
            if connection.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise SystemExit("parcours serve did not start: " + log_path.read_text(errors="replace")[-2000:])


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def server_cpu_seconds(process: subprocess.Popen) -> float:
    """CPU time (user + system) used so far by `parcours serve` and every process under it:
    workers, their statement-storing helpers (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # ended meanwhile
                continue
    if process.pid not in stats:
        return float("nan")
    family, grew = {process.pid}, True
    while grew:
        below = {pid for pid, fields in stats.items() if int(fields[1]) in family} - family  # fields[1]: ppid
        family |= below
        grew = bool(below)
    return sum(int(stats[pid][11]) + int(stats[pid][12]) for pid in family) / ticks  # utime, stime
