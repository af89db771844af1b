"""Package validation speed and memory: a 500 MB course package, and a 1 GB compression bomb.

Builds, in a temporary folder, a SCORM 2004 package of about 500 MB shaped like a
video-heavy course (modules of HTML pages, style sheets, scripts, images, and
stored MP4-sized files), then validates it in a fresh process and prints the wall
time and that process's peak resident memory. The baseline, measured in the same
run, is reading the whole zip once (SHA-256 of its bytes): the ratio says how the
validation compares with merely touching the file. Then a 1 GiB zero-filled
deflate bomb is built (streamed, never in memory) and its refusal is timed.

    .venv/bin/python bench/validate_package.py              # ~500 MB
    .venv/bin/python bench/validate_package.py --size-mb 100
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = 120
PAGES_PER_MODULE = 8

MANIFEST_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="bench" version="1"
    xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>Banc d'essai</title>
"""

PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Module {m}, page {p}</title>
<link rel="stylesheet" href="../../static/course.css"><script src="../../static/runtime.js"></script></head>
<body><main><h1>Module {m}, page {p}</h1>
{paragraphs}
<img src="figure.png" alt="Figure {p}">
<video controls src="video.mp4"><track kind="captions" src="video.vtt" srclang="fr"></video>
</main></body></html>
"""


def build(path: Path, size_mb: int) -> None:
    """Write the package; video entries are stored random bytes, so the zip is about `size_mb` MB."""
    video_bytes = max(1, size_mb * 1024 * 1024 // MODULES)
    paragraph = "<p>" + "Texte du cours, accessible et sous licence ouverte. " * 40 + "</p>\n"
    items, resources = [], []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("static/course.css", "body { font: 16px sans-serif; }\n" * 200)
        archive.writestr("static/runtime.js",
                         "var api = window.parent.API_1484_11; api.Initialize(''); api.Terminate('');\n" * 50)
        for m in range(MODULES):
            folder = f"modules/m{m}"
            files = []
            for p in range(PAGES_PER_MODULE):
                name = f"{folder}/page{p}.html"
                archive.writestr(name, PAGE.format(m=m, p=p, paragraphs=paragraph * 10))
                files.append(name)
            archive.writestr(f"{folder}/figure.png", os.urandom(40_000), compress_type=zipfile.ZIP_STORED)
            archive.writestr(f"{folder}/video.vtt", "WEBVTT\n\n00:00.000 --> 00:05.000\nBonjour\n")
            with archive.open(zipfile.ZipInfo(f"{folder}/video.mp4"), "w", force_zip64=True) as stream:
                left = video_bytes
                while left > 0:
                    chunk = min(left, 4 * 1024 * 1024)
                    stream.write(os.urandom(chunk))
                    left -= chunk
            files += [f"{folder}/figure.png", f"{folder}/video.vtt", f"{folder}/video.mp4"]
            items.append(f'<item identifier="i{m}" identifierref="r{m}"><title>Module {m}</title></item>')
            listed = "".join(f'<file href="{name}"/>' for name in files)
            resources.append(f'<resource identifier="r{m}" type="webcontent" adlcp:scormType="sco" '
                             f'href="{folder}/page0.html">{listed}<dependency identifierref="static"/></resource>')
        manifest = (MANIFEST_HEAD + "".join(items) + "</organization></organizations><resources>"
                    + "".join(resources)
                    + '<resource identifier="static" type="webcontent" adlcp:scormType="asset">'
                    + '<file href="static/course.css"/><file href="static/runtime.js"/></resource>'
                    + "</resources></manifest>\n")
        archive.writestr("imsmanifest.xml", manifest)


def build_bomb(path: Path) -> None:
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("zeros.bin", "w", force_zip64=True) as stream:
            for _ in range(1024):
                stream.write(chunk)


VALIDATE = """
import json, resource, sys, time
from validators.packages import validate_package
start = time.perf_counter()
report = validate_package(sys.argv[1])
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
print(json.dumps({"seconds": elapsed, "peak_kib": peak, "ok": report.ok, "kind": report.kind,
                  "findings": len(report.findings), "codes": sorted(report.codes())}))
"""
BARE = """
import resource
import validators.packages
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def measure(path: Path) -> dict:
    """Validate in a fresh interpreter so the peak memory is the validation's alone."""
    output = subprocess.run([sys.executable, "-c", VALIDATE, str(path)], check=True, capture_output=True, text=True,
                            cwd=ROOT).stdout
    return json.loads(output)


def baseline(path: Path) -> float:
    start = time.perf_counter()
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while block := stream.read(4 * 1024 * 1024):
            digest.update(block)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parcours-bench-") as folder:
        package = Path(folder) / "course.zip"
        start = time.perf_counter()
        build(package, args.size_mb)
        size = package.stat().st_size
        print(f"built {package.name}: {size / 1024**2:.0f} MB in {time.perf_counter() - start:.1f} s")
        bare_kib = int(subprocess.run([sys.executable, "-c", BARE], check=True, capture_output=True, text=True,
                                      cwd=ROOT).stdout)
        read = baseline(package)
        result = measure(package)
        print(f"baseline (read the zip once, SHA-256): {read:.2f} s")
        print(f"validate_package: {result['seconds']:.2f} s, peak memory {result['peak_kib'] / 1024:.0f} MB "
              f"(interpreter with the library loaded: {bare_kib / 1024:.0f} MB), "
              f"ratio to baseline {result['seconds'] / read:.2f}")
        print(f"  verdict ok={result['ok']} kind={result['kind']} findings={result['findings']} {result['codes']}")
        bomb = Path(folder) / "bomb.zip"
        start = time.perf_counter()
        build_bomb(bomb)
        print(f"built {bomb.name}: 1024 MiB of zeros in {bomb.stat().st_size / 1024**2:.1f} MB "
              f"({time.perf_counter() - start:.1f} s)")
        result = measure(bomb)
        print(f"bomb refused: {not result['ok']} {result['codes']} in {result['seconds']:.3f} s, "
              f"peak memory {result['peak_kib'] / 1024:.0f} MB, ratio to baseline {result['seconds'] / read:.3f}")


if __name__ == "__main__":
    main()
