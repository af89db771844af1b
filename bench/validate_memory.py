"""Peak memory of `parcours validate` on a ~1 GB NDJSON file, and its throughput.

Writes the realistic statement set of `bench/validate.py` as NDJSON into a
temporary folder until it reaches the size asked, runs the real command on it
in a child process, prints the child's peak resident memory
(getrusage(RUSAGE_CHILDREN)) beside that of a bare `python -c pass` measured
in the same run, then deletes the file.

    .venv/bin/python bench/validate_memory.py [--megabytes 1024]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from validate import realistic_statements  # noqa: E402  (the same generator, one copy)

LIMIT_MB = 200


def write_ndjson(path: Path, megabytes: int) -> int:
    """Repeat a 10,000-statement block until the size is reached."""
    block = [json.dumps(s, ensure_ascii=False) for s in realistic_statements(10_000)]
    target = megabytes * 1_000_000
    count = written = 0
    with open(path, "w", encoding="utf-8") as handle:
        while written < target:
            for line in block:
                handle.write(line)
                handle.write("\n")
                written += len(line.encode()) + 1
                count += 1
                if written >= target:
                    break
    return count


def peak_child_rss_mb(command: list[str]) -> tuple[float, float, int]:
    """Run a command; its peak RSS in MB (Linux reports kilobytes), its CPU seconds, its exit status."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    status = subprocess.run(command, stdout=subprocess.DEVNULL).returncode
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    # ru_maxrss of children is the largest child so far: run the small baseline first.
    return after.ru_maxrss / 1024, cpu_seconds, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=int, default=1024)
    args = parser.parse_args()

    baseline_mb, _, _ = peak_child_rss_mb([sys.executable, "-c", "pass"])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "statements.ndjson"
        count = write_ndjson(path, args.megabytes)
        size_mb = path.stat().st_size / 1e6
        peak_mb, seconds, status = peak_child_rss_mb([sys.executable, "-m", "parcours.cli", "validate", str(path)])
        path.unlink()
    print(f"file: {size_mb:,.0f} MB, {count:,} statements, exit status {status}")
    print(f"python -c pass peak RSS:      {baseline_mb:8.1f} MB")
    print(f"parcours validate peak RSS:   {peak_mb:8.1f} MB  (limit {LIMIT_MB} MB, ratio to bare python {peak_mb / baseline_mb:.1f})")
    print(f"CPU time {seconds:.1f} s: {count / seconds:,.0f} statements/s, {size_mb / seconds:.1f} MB/s (reading + parsing + validating)")
    if status != 0 or peak_mb >= LIMIT_MB:
        raise SystemExit("the command failed or used too much memory")


if __name__ == "__main__":
    main()
