"""The catalogue with 1,000 published courses on SQLite, served by `parcours serve`:
each page's p50/p95 beside `/xapi/about` (the baseline: the cheapest page of the same
server, measured in the same run).

    .venv/bin/python bench/catalogue.py [--courses 1000] [--requests 200] [--workers 1] [--keep]

Data: copies of the minimal sample course with their own IRI, title (French, or French
and English), keywords, duration, licence and authors, built as SCORM 1.2 by the real
packager (in parallel) and published one by one through `lrs.courses.publish`, so
validation, the blob store and the registry are the production ones. Target: the
catalogue page answers in under 200 ms p95.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.lrs_server import start_server, stop_server  # noqa: E402
from lrs.config import Config  # noqa: E402
from lrs.courses.blobs import BlobStore, blob_directory  # noqa: E402
from lrs.courses.publish import publish_file  # noqa: E402
from lrs.db import engine_for  # noqa: E402
from lrs.migrations import apply_migrations  # noqa: E402

MINIMAL = ROOT / "samples" / "courses" / "minimal"
KEYWORDS = ["numérique", "accessibilité", "RGPD", "sécurité", "management", "achats publics", "santé au travail",
            "laïcité", "égalité", "environnement", "finances", "communication", "droit", "données", "RH",
            "cybersécurité", "écoconception", "accueil", "encadrement", "éthique"]
ADMINISTRATIONS = ["DINUM", "DGAFP", "Ministère de l'Intérieur", "Ministère des Armées", "INSP", "DGFiP", "CNIL"]
LICENCES = [
    {"name": "Licence Ouverte / Etalab 2.0", "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"},
    {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    {"name": "CC BY-SA 4.0", "url": "https://creativecommons.org/licenses/by-sa/4.0/"},
]


def course_yaml(number: int) -> dict:
    words = [KEYWORDS[(number * 7 + offset) % len(KEYWORDS)] for offset in range(3)]
    title = f"{words[0].capitalize()} : module {number:04d}"
    return {
        "id": f"https://formation.example.gouv.fr/bench/cours-{number:04d}",
        "version": "1.0",
        "language": "fr" if number % 4 else "en",
        "title": title if number % 3 else {"fr": title, "en": f"{words[0].capitalize()}: module {number:04d}"},
        "description": f"Cours numéro {number} sur {', '.join(words)}, pour les agents publics.",
        "licence": LICENCES[number % len(LICENCES)],
        "authors": [{"name": f"Équipe {number % 40}", "organisation": ADMINISTRATIONS[number % len(ADMINISTRATIONS)]}],
        "keywords": words,
        "duration": f"PT{5 + (number * 13) % 360}M",
        "modules": [{"key": "accueil", "title": "Accueil", "pages": ["pages/bienvenue.md"]}],
    }


def build_one(job: tuple[int, str]) -> str:
    """Write and build course `number` under `work`; the path of its SCORM 1.2 zip."""
    from packager.build import build_packages

    number, work = job
    folder = Path(work) / "courses" / f"cours-{number:04d}"
    shutil.copytree(MINIMAL, folder)
    (folder / "course.yaml").write_text(yaml.safe_dump(course_yaml(number), allow_unicode=True), encoding="utf-8")
    (built,) = build_packages(folder, ["scorm12"], Path(work) / "dist" / folder.name)
    return str(built.path)


def publish_courses(database: Path, work: Path, count: int) -> float:
    """Build and publish `count` courses; the seconds publishing took."""
    with ProcessPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        paths = list(pool.map(build_one, [(number, str(work)) for number in range(count)], chunksize=20))
    config = Config.from_env(database_url=f"sqlite:///{database}")
    engine = engine_for(config.database_url)
    apply_migrations(engine)
    store = BlobStore(blob_directory(config))
    started = time.perf_counter()
    for path in paths:
        publish_file(engine, store, path, max_bytes=config.max_package_bytes)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def timings(port: int, path: str, requests: int) -> tuple[float, float, int]:
    """p50 and p95 in milliseconds of `requests` sequential GETs on one kept-alive connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    samples = []
    size = 0
    for _ in range(requests):
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        samples.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise SystemExit(f"GET {path}: {response.status} {body[:300]!r}")
        size = len(body)
    connection.close()
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)], size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database and packages")
    parser.add_argument("--reuse", type=Path, help="a folder kept by --keep: measure its courses again")
    options = parser.parse_args()

    work = options.reuse or Path(tempfile.mkdtemp(prefix="parcours-bench-catalogue-"))
    database = work / "parcours.db"
    try:
        if options.reuse:
            options.courses = len(list((work / "courses").iterdir()))
            print(f"{options.courses} courses published earlier in {work}")
        else:
            started = time.perf_counter()
            publishing = publish_courses(database, work, options.courses)
            print(f"{options.courses} courses built and published in {time.perf_counter() - started:.1f} s "
                  f"(publishing alone: {publishing:.1f} s, {publishing / options.courses * 1000:.0f} ms a course)")
        process, port = start_server(database, workers=options.workers, threads=1)
        try:
            word = urllib.parse.quote("sécurité")
            pages = [
                ("baseline /xapi/about", "/xapi/about"),
                ("home /", "/"),
                ("catalogue /catalogue/", "/catalogue/"),
                ("catalogue, search", f"/catalogue/?q={word}"),
                ("catalogue, filters + title sort", "/catalogue/?language=en&duration=medium&sort=title&page=2"),
                ("catalogue .json", "/catalogue.json"),
                ("catalogue .csv (per_page=1000)", "/catalogue.csv?per_page=1000"),
                ("course page", f"/catalogue/cours-{options.courses // 2:04d}"),
                ("course .json", f"/catalogue/cours-{options.courses // 2:04d}.json"),
            ]
            for _label, path in pages:  # warm up: first connections, caches
                timings(port, path, 3)
            print(f"{'page':36} {'p50 ms':>8} {'p95 ms':>8} {'x base p95':>11} {'bytes':>9}")
            base_p95 = None
            for label, path in pages:
                p50, p95, size = timings(port, path, options.requests)
                base_p95 = base_p95 or p95
                print(f"{label:36} {p50:8.1f} {p95:8.1f} {p95 / base_p95:11.1f} {size:9d}")
            _p50, catalogue_p95, _size = timings(port, "/catalogue/", options.requests)
            verdict = "meets" if catalogue_p95 < 200 else "MISSES"
            print(f"catalogue page p95 {catalogue_p95:.1f} ms with {options.courses} courses: {verdict} the 200 ms target")
        finally:
            stop_server(process)
    finally:
        if options.keep or options.reuse:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
