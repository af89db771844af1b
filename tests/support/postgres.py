"""A real PostgreSQL server for the tests: the one named by PARCOURS_TEST_POSTGRES_URL,
or a throwaway cluster started from Debian's binaries on a free port and a temporary
data directory, stopped at the end of the run."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run scripts/setup --test")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yield a SQLAlchemy URL of an empty database on a running server."""
    url = os.environ.get("PARCOURS_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    bin_dir = _binaries()
    data_dir = Path(tempfile.mkdtemp(prefix="parcours-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data_dir, "postgres", "postgres")
    port = _free_port()
    subprocess.run(
        _as_server_user([str(bin_dir / "initdb"), "-D", str(data_dir / "data"), "-U", "parcours",
                         "--auth=trust", "--encoding=UTF8", "--no-sync"]),
        check=True, capture_output=True,
    )
    options = (f"-p {port} -k {data_dir} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    subprocess.run(
        _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data_dir / "data"), "-o", options,
                         "-l", str(data_dir / "log"), "-w", "start"]),
        check=True, capture_output=True,
    )
    try:
        subprocess.run(
            _as_server_user([str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port),
                             "-U", "parcours", "parcours"]),
            check=True, capture_output=True,
        )
        yield f"postgresql+psycopg://parcours@127.0.0.1:{port}/parcours"
    finally:
        subprocess.run(
            _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data_dir / "data"), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        time.sleep(0.1)
        shutil.rmtree(data_dir, ignore_errors=True)
