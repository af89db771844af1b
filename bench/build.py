"""Build time of a large course (200 pages, 100 MB of media) into the four package formats,
beside one `zip -r` of the same folder measured in the same run.

    .venv/bin/python bench/build.py [--pages 200] [--media-mb 100]

Target: building all four formats takes at most twice one `zip -r`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from packager.build import build_packages  # noqa: E402
from packager.formats import ZIP_FORMATS  # noqa: E402

PAGES_PER_MODULE = 20
VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\nUne phrase de démonstration.\n"
PARAGRAPH = (
    "La sobriété numérique consiste à concevoir et utiliser les services numériques "
    "en limitant leurs impacts environnementaux, sans renoncer à ce qu'ils apportent. "
)


def make_course(folder: Path, pages: int, media_mb: int) -> None:
    """A course of `pages` pages in modules of 20, with `media_mb` MB of incompressible media."""
    (folder / "pages").mkdir(parents=True)
    (folder / "media").mkdir()
    media_count = max(1, pages // 4)
    size = media_mb * 1024 * 1024 // media_count
    media = []
    for index in range(media_count):
        if index % 10 == 0:
            name = f"media/video-{index:03d}.mp4"
            (folder / f"media/video-{index:03d}.vtt").write_text(VTT, encoding="utf-8")
        else:
            name = f"media/image-{index:03d}.jpg"
        (folder / name).write_bytes(os.urandom(size))  # like real media: already compressed
        media.append(name)
    modules = []
    for page in range(pages):
        module = page // PAGES_PER_MODULE
        if page % PAGES_PER_MODULE == 0:
            modules.append(f"  - key: m{module:02d}\n    title: Module {module + 1}\n    pages:\n")
        body = [f"# Page {page + 1}\n", "## Contexte\n", PARAGRAPH * 6, "\n"]
        if page % 4 == 0:
            name = media[page // 4]
            if name.endswith(".mp4"):
                body.append(f"```media\nsrc: ../{name}\ncaptions: ../{name[:-4]}.vtt\ntitle: Vidéo {page}\n```\n")
            else:
                body.append(f"![Illustration de la page {page + 1}](../{name})\n")
        (folder / f"pages/p{page:03d}.md").write_text("\n".join(body), encoding="utf-8")
        modules[-1] += f"      - pages/p{page:03d}.md\n"
    (folder / "course.yaml").write_text(
        "id: https://example.gouv.fr/cours/bench\nversion: \"1.0\"\ntitle: Cours de mesure\n"
        "modules:\n" + "".join(modules), encoding="utf-8")


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--media-mb", type=int, default=100)
    args = parser.parse_args()
    if shutil.which("zip") is None:
        sys.exit("bench/build.py needs the zip command (apt-get install zip)")
    with tempfile.TemporaryDirectory(prefix="parcours-bench-") as work:
        work_dir = Path(work)
        course = work_dir / "cours"
        make_course(course, args.pages, args.media_mb)
        zip_seconds = timed(lambda: subprocess.run(
            ["zip", "-r", "-q", str(work_dir / "baseline.zip"), "."], cwd=course, check=True))
        build_seconds = timed(lambda: build_packages(course, list(ZIP_FORMATS), work_dir / "dist"))
        sizes = {p.name: p.stat().st_size for p in (work_dir / "dist").glob("*.zip")}
    print(f"course: {args.pages} pages, {args.media_mb} MB of media")
    print(f"zip -r (baseline):                {zip_seconds:7.2f} s")
    print(f"parcours build, {len(ZIP_FORMATS)} formats:       {build_seconds:7.2f} s")
    for name, size in sorted(sizes.items()):
        print(f"  {name:28s} {size / 1024 / 1024:8.1f} MB")
    ratio = build_seconds / zip_seconds
    print(f"ratio build / zip -r: {ratio:.2f} (target <= 2.00: {'met' if ratio <= 2 else 'NOT met'})")


if __name__ == "__main__":
    main()
