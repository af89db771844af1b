"""Publishing a 500 MB package to a live `parcours serve`: memory and throughput.

Builds, in a temporary folder, a valid SCORM 1.2 package of about 500 MB (a few
pages and one big stored video, as a video-heavy course has), starts `parcours serve`
(SQLite, one gunicorn worker), and POSTs the zip to `/courses`. Prints the peak
resident memory (VmHWM) of the server's processes, idle before and after the
upload (the upload must stream: it stays well under 200 MB whatever the package
size), and the throughput, against a baseline measured in the same run: reading the
zip once and hashing it (SHA-256), which publishing does at least once, and copying it
to a new file synced to disk, as keeping the blob does.

    .venv/bin/python bench/publish.py                 # ~500 MB
    .venv/bin/python bench/publish.py --size-mb 100
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lrs_server import start_server, stop_server  # noqa: E402

KEY, SECRET = "bench", "secret-of-the-publish-bench"
MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="cours-video" version="1.0"
    xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
    xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>Cours vidéo</title>
    <item identifier="m1" identifierref="r1"><title>Module vidéo</title></item>
  </organization></organizations>
  <resources>
    <resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/><file href="api.js"/><file href="media/video.mp4"/><file href="media/video.vtt"/>
    </resource>
  </resources>
</manifest>
"""
PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Module vidéo</title><script src="api.js"></script></head>
<body><main><h1>Module vidéo</h1>
<video controls src="media/video.mp4"><track kind="captions" src="media/video.vtt" srclang="fr" label="Français"></video>
</main></body></html>
"""
API = 'var api = window.parent.API; api.LMSInitialize(""); api.LMSFinish("");\n'


def build(path: Path, size_mb: int) -> None:
    """The video is stored (not deflated) random bytes, written in 4 MB chunks."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", MANIFEST)
        archive.writestr("index.html", PAGE)
        archive.writestr("api.js", API)
        archive.writestr("media/video.vtt", "WEBVTT\n\n00:00.000 --> 00:05.000\nBonjour\n")
        info = zipfile.ZipInfo("media/video.mp4", date_time=(2000, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED
        with archive.open(info, "w", force_zip64=True) as stream:
            left = size_mb * 1024 * 1024
            while left > 0:
                chunk = min(left, 4 * 1024 * 1024)
                stream.write(os.urandom(chunk))
                left -= chunk


def baseline(path: Path) -> float:
    start = time.perf_counter()
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while block := stream.read(1024 * 1024):
            digest.update(block)
    return time.perf_counter() - start


def copy_baseline(path: Path) -> float:
    """Copying the zip beside itself and syncing it to disk, as keeping a blob must."""
    copy = path.with_name("copy.zip")
    start = time.perf_counter()
    with open(path, "rb") as source, open(copy, "wb") as target:
        while block := source.read(1024 * 1024):
            target.write(block)
        target.flush()
        os.fsync(target.fileno())
    elapsed = time.perf_counter() - start
    copy.unlink()
    return elapsed


def server_pids(master: int) -> list[int]:
    """The gunicorn master and its workers."""
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            if parent == master:
                children.append(int(entry))
    return [master, *sorted(children)]


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def publish(port: int, package: Path) -> tuple[int, dict, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    token = base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    start = time.perf_counter()
    with open(package, "rb") as body:
        connection.request("POST", f"/courses?filename={package.name}", body=body, headers={
            "Authorization": f"Basic {token}", "Content-Type": "application/zip",
            "Content-Length": str(package.stat().st_size)})
        response = connection.getresponse()
        data = response.read()
    elapsed = time.perf_counter() - start
    connection.close()
    return response.status, json.loads(data), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parcours-bench-publish-") as folder:
        package = Path(folder) / "cours-video-scorm12.zip"
        start = time.perf_counter()
        build(package, args.size_mb)
        size_mb = package.stat().st_size / 1024**2
        print(f"built {package.name}: {size_mb:.0f} MB in {time.perf_counter() - start:.1f} s")
        read = baseline(package)
        print(f"baseline (read the zip once, SHA-256): {read:.2f} s, {size_mb / read:.0f} MB/s")
        copied = copy_baseline(package)
        print(f"baseline (copy the zip and fsync it): {copied:.2f} s, {size_mb / copied:.0f} MB/s")
        process, port = start_server(Path(folder) / "parcours.db", workers=1, threads=4, env={
            "PARCOURS_BOOTSTRAP_CREDENTIAL": f"{KEY}:{SECRET}:courses/write",
            "PARCOURS_MAX_PACKAGE_BYTES": str(2 * 1024**3),
        })
        try:
            pids = server_pids(process.pid)
            idle = {pid: peak_rss_mb(pid) for pid in pids}
            status, body, elapsed = publish(port, package)
            after = {pid: peak_rss_mb(pid) for pid in pids}
        finally:
            stop_server(process)
        if status != 201:
            raise SystemExit(f"publishing failed: {status} {body}")
        print(f"POST /courses: {status}, {body['format']}, {body['modules']} module(s), sha256 {body['sha256'][:12]}…")
        print(f"publish: {elapsed:.2f} s, {size_mb / elapsed:.0f} MB/s, ratio to the SHA-256 baseline "
              f"{elapsed / read:.2f}, to the copy baseline {elapsed / copied:.2f}")
        for pid in pids:
            role = "master" if pid == process.pid else "worker"
            print(f"server {role} {pid}: peak RSS {idle[pid]:.0f} MB idle, {after[pid]:.0f} MB after the upload")
        peak = max(after.values())
        print(f"server peak RSS: {peak:.0f} MB for a {size_mb:.0f} MB package "
              f"({'under' if peak < 200 else 'OVER'} the 200 MB budget)")


if __name__ == "__main__":
    main()
