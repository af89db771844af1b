"""PostgreSQL: two `parcours serve` nodes on one database against the COPY ceiling.

Starts a throwaway PostgreSQL server (Debian's binaries, as the tests do), measures
the ceiling of any PostgreSQL LRS in the same run: `COPY` of the same statements
into a table with the JSON and four indexed columns, 100 rows per transaction; then
two `parcours serve` nodes (stateless app servers, as behind a load balancer) on one
database, two client processes each, post the statements in batches of 100.

    .venv/bin/python bench/lrs_postgres.py                  # 20,000 statements
    .venv/bin/python bench/lrs_postgres.py --count 50000 --threads 8
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

import orjson
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support: the throwaway server

from lrs_ingest import KEY, SECRET, _post_bodies, make_statement  # noqa: E402
from lrs_server import server_cpu_seconds, start_server, stop_server  # noqa: E402
from tests.support.postgres import postgres_server  # noqa: E402

NODES = 2
CLIENTS_PER_NODE = 2
BATCH = 100


def copy_ceiling(dsn: str, statements: list[dict]) -> float:
    """Statements/s of COPY into a bare table (JSON plus four indexed columns), 100 per transaction."""
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("CREATE TABLE bare (seq bigserial PRIMARY KEY, id uuid UNIQUE, stored bigint, actor text,"
                           " verb text, activity text, registration text, body text)")
        for column in ("actor", "verb", "activity", "registration"):
            connection.execute(f"CREATE INDEX bare_{column} ON bare ({column}, stored)")
        started = time.perf_counter()
        for start in range(0, len(statements), BATCH):
            with connection.transaction():
                with connection.cursor().copy(
                        "COPY bare (id, stored, actor, verb, activity, registration, body) FROM STDIN") as copy:
                    for statement in statements[start:start + BATCH]:
                        copy.write_row((statement["id"], time.time_ns() // 1000, statement["actor"]["account"]["name"],
                                        statement["verb"]["id"], statement["object"]["id"],
                                        statement["context"]["registration"], orjson.dumps(statement).decode()))
        elapsed = time.perf_counter() - started
        connection.execute("DROP TABLE bare")
    return len(statements) / elapsed


def postgres_cpu_seconds() -> float:
    """CPU time (user + system) used so far by every PostgreSQL process of this machine (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, fields = stat.read_text().split("(", 1)[1].rsplit(")", 1)
        except (OSError, ValueError):
            continue
        if name == "postgres":
            values = fields.split()
            total += (int(values[11]) + int(values[12])) / ticks
    return total


def two_nodes(url: str, directory: Path, statements: list[dict], threads: int) -> tuple[float, list[float], dict[str, float]]:
    """Statements/s of both nodes together and of each node, and the CPU seconds per statement
    the nodes and PostgreSQL used meanwhile."""
    env = {"PARCOURS_BOOTSTRAP_CREDENTIAL": f"{KEY}:{SECRET}:all", "PARCOURS_REQUEST_LOG": "off"}
    nodes = [start_server(directory / f"node{n}.db", workers=1, threads=threads, env=env, url=url) for n in range(NODES)]
    try:
        bodies = [orjson.dumps(statements[i:i + BATCH]) for i in range(0, len(statements), BATCH)]
        shares = [(port, bodies[i::NODES * CLIENTS_PER_NODE])
                  for i, (_, port) in enumerate(nodes * CLIENTS_PER_NODE)]
        with multiprocessing.get_context("fork").Pool(len(shares)) as pool:
            cpu_before = (sum(server_cpu_seconds(process) for process, _ in nodes), postgres_cpu_seconds())
            started = time.perf_counter()
            results = [pool.apply_async(_timed_post, (share,)) for share in shares]
            try:
                done = [result.get() for result in results]
            except RuntimeError:
                for log in sorted(directory.glob("*.log")):
                    print(f"--- {log.name}\n" + log.read_text(errors="replace")[-3000:], file=sys.stderr)
                raise
            elapsed = time.perf_counter() - started
            cpu = {"nodes": (sum(server_cpu_seconds(process) for process, _ in nodes) - cpu_before[0]) / len(statements),
                   "PostgreSQL": (postgres_cpu_seconds() - cpu_before[1]) / len(statements)}
        per_node = [0.0] * NODES
        for index, (count, seconds) in enumerate(done):
            per_node[index % NODES] += count / seconds
        return len(statements) / elapsed, per_node, cpu
    finally:
        for process, _ in nodes:
            stop_server(process)


def _timed_post(share: tuple[int, list[bytes]]) -> tuple[int, float]:
    started = time.perf_counter()
    count = _post_bodies(share) * BATCH
    return count, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=8, help="threads of each node's worker")
    args = parser.parse_args()
    rng = random.Random(20260302)
    with tempfile.TemporaryDirectory(prefix="parcours-bench-pg-") as tmp, postgres_server() as server_url:
        dsn = server_url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute("CREATE DATABASE lrs_bench")
        url = server_url.rsplit("/", 1)[0] + "/lrs_bench"
        print(f"{args.count:,} statements in batches of {BATCH}; {NODES} parcours serve nodes (1 worker, "
              f"{args.threads} threads) on one PostgreSQL database, {CLIENTS_PER_NODE} clients each; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        ceiling = copy_ceiling(dsn, [make_statement(rng) for _ in range(args.count)])
        total, per_node, cpu = two_nodes(url, Path(tmp), [make_statement(rng) for _ in range(args.count)], args.threads)
        print(f"  COPY ceiling (bare table, 4 indexed columns, 100 per transaction): {ceiling:8,.0f}/s")
        print(f"  two nodes: {total:8,.0f}/s (ratio {total / ceiling:4.2f} of COPY; target >= 0.40);"
              f" per node {', '.join(f'{rate:,.0f}/s' for rate in per_node)}")
        print("  CPU per statement while posting: " + ", ".join(f"{name} {seconds * 1e6:,.0f} us" for name, seconds in cpu.items())
              + f" (at 0.40 of COPY, {os.cpu_count()} CPUs leave {os.cpu_count() * 1e6 / (0.4 * ceiling):,.0f} us per"
              " statement for nodes, clients and PostgreSQL together)")
        print(f"  load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    sys.exit(main())
