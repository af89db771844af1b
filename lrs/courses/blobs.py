"""The published zips, kept content-addressed (SHA-256) in a directory.

A package is streamed to a temporary file inside the blob directory while its hash
is computed, then renamed to `<sha[:2]>/<sha>.zip`: a rename within one file system
is atomic, so a crash leaves at most a temporary file (swept by `sweep_temporary`),
never half a package under a blob's name. Several app nodes on one PostgreSQL share
one blob directory (`PARCOURS_BLOB_DIR` on a shared file system: NFS, CephFS, a
mounted volume), so every node serves every download; see docs/lrs.md.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable

from flask import current_app

from lrs.config import Config, app_config

CHUNK_BYTES = 1024 * 1024
TEMPORARY_PREFIX = ".incoming-"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class PackageTooLarge(Exception):
    """The body went past the package size limit while it was being received."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"package larger than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class ReceivedBlob:
    """A package written to a temporary file of the blob directory, not yet kept."""

    path: Path
    sha256: str
    size: int


def blob_directory(config: Config) -> Path:
    """`PARCOURS_BLOB_DIR`, else `<name>-blobs/` beside the SQLite file, else
    `parcours-blobs/` in the working directory (PostgreSQL: set it, shared by every node)."""
    if config.blob_dir:
        return Path(config.blob_dir)
    url = config.database_url
    if url.startswith("sqlite:///") and ":memory:" not in url:
        database = Path(url[len("sqlite:///"):])
        return database.with_name(database.stem + "-blobs")
    return Path("parcours-blobs")


class BlobStore:
    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def path_of(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.directory / sha256[:2] / f"{sha256}.zip"

    def receive(self, read: Callable[[int], bytes], limit: int) -> ReceivedBlob:
        """Copy a stream (`read(n)` as a file's) to a temporary file, at most `limit`
        bytes, hashing as it goes; memory stays at one chunk whatever the size."""
        self.directory.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        handle, name = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, suffix=".zip", dir=self.directory)
        path = Path(name)
        try:
            os.fchmod(handle, 0o644)  # published packages are public; other nodes' users read them
            with os.fdopen(handle, "wb") as output:
                while True:
                    chunk = read(CHUNK_BYTES)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > limit:
                        raise PackageTooLarge(limit)
                    digest.update(chunk)
                    output.write(chunk)
                output.flush()
                os.fsync(output.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return ReceivedBlob(path, digest.hexdigest(), size)

    def receive_file(self, source: str | os.PathLike[str], limit: int) -> ReceivedBlob:
        with open(source, "rb") as stream:
            return self.receive(stream.read, limit)

    def keep(self, received: ReceivedBlob) -> Path:
        """Give the temporary file its content address (an identical blob already kept stays)."""
        target = self.path_of(received.sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(received.path, target)
        return target

    def discard(self, received: ReceivedBlob) -> None:
        received.path.unlink(missing_ok=True)

    def open(self, sha256: str) -> BinaryIO:
        """The kept zip, for reading (FileNotFoundError when absent)."""
        return open(self.path_of(sha256), "rb")

    def exists(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def delete(self, sha256: str) -> None:
        path = self.path_of(sha256)
        path.unlink(missing_ok=True)
        try:
            path.parent.rmdir()  # the last blob of its prefix folder
        except OSError:
            pass  # other blobs there, or already gone

    def temporary_files(self) -> list[Path]:
        if not self.directory.is_dir():
            return []
        return sorted(self.directory.glob(TEMPORARY_PREFIX + "*"))

    def sweep_temporary(self, older_than_seconds: float = 24 * 3600) -> int:
        """Remove temporary files left by a crashed upload; return how many."""
        limit = time.time() - older_than_seconds
        removed = 0
        for path in self.temporary_files():
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed


def app_blob_store() -> BlobStore:
    """The blob store of the running app."""
    return BlobStore(blob_directory(app_config(current_app)))


def open_blob(sha256: str) -> BinaryIO:
    """The published zip whose SHA-256 is `sha256`, from the running app's blob store
    (FileNotFoundError when absent, ValueError when `sha256` is not a digest)."""
    return app_blob_store().open(sha256)
