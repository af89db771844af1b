"""Byte-identical zips: sorted entries, fixed dates and permissions, media stored as they are."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path, PurePosixPath
from typing import Mapping

FIXED_DATE = (2000, 1, 1, 0, 0, 0)  # any fixed date; 1980 confuses some unzip tools
FILE_MODE = 0o100644
# already compressed: deflating them costs time and saves nothing
STORED_SUFFIXES = frozenset({
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".mp3", ".mp4", ".m4a", ".m4v", ".webm",
    ".ogg", ".oga", ".ogv", ".opus", ".zip", ".woff", ".woff2", ".pdf", ".gz",
})
COPY_BUFFER = 1024 * 1024

Content = bytes | Path


def _info(name: str, size: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
    info.create_system = 3  # unix, so that the permissions below are read
    info.external_attr = FILE_MODE << 16
    stored = PurePosixPath(name).suffix.lower() in STORED_SUFFIXES
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.file_size = size
    return info


def write_zip(target: Path, entries: Mapping[str, Content]) -> None:
    """Write `entries` (archive name -> bytes or a file to stream) to `target`, sorted by name."""
    with zipfile.ZipFile(target, "w", allowZip64=True) as archive:
        for name in sorted(entries):
            content = entries[name]
            if isinstance(content, bytes):
                archive.writestr(_info(name, len(content)), content, compresslevel=6)
            else:
                info = _info(name, content.stat().st_size)
                with content.open("rb") as source, archive.open(info, "w", force_zip64=info.file_size > 2**31) as sink:
                    shutil.copyfileobj(source, sink, COPY_BUFFER)


def write_directory(target: Path, entries: Mapping[str, Content]) -> None:
    """Write `entries` as plain files under `target` (the `web` format)."""
    for name in sorted(entries):
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        content = entries[name]
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            shutil.copyfile(content, path)
