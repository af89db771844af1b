"""Serving the files of a published `web` build straight from its stored zip.

Nothing is extracted: a request names an entry, which is looked up by its exact name
in the zip's central directory (so no path is ever built on the disk) and inflated
in chunks while it is sent. The zip passed the validators' zip-safety checks when it
was published; names with `..`, a leading `/` or a backslash are refused anyway.

The build runs in a sandbox (a `Content-Security-Policy: sandbox` header, so even a
build opened in its own tab has an opaque origin): published content never reads
the LRS's cookies or sends requests with the visitor's LRS credentials.
"""

from __future__ import annotations

import mimetypes
import zipfile
from typing import BinaryIO, Iterator

CHUNK_BYTES = 64 * 1024
INDEX = "index.html"
SANDBOX_POLICY = (
    "sandbox allow-scripts allow-forms allow-popups allow-downloads; default-src 'self'; "
    "script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "media-src 'self'; font-src 'self'; connect-src 'none'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'self'"
)
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".vtt": "text/vtt; charset=utf-8",
    ".woff2": "font/woff2",
}


class EntryNotFound(LookupError):
    """No such file in the build (or a name that could not be one)."""


def entry_name(path: str) -> str:
    """The zip entry a URL path names: a folder means its `index.html`."""
    if not path or path.endswith("/"):
        path += INDEX
    parts = path.split("/")
    if path.startswith("/") or "\\" in path or "\0" in path or any(part in ("", ".", "..") for part in parts):
        raise EntryNotFound(path)
    return path


def content_type(name: str) -> str:
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def start_page(blob: BinaryIO, launch: str | None) -> str:
    """Where a visit starts: the build's own home page (its list of modules) when it has
    one, else its first launch page."""
    try:
        with blob, zipfile.ZipFile(blob) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        names = set()
    return INDEX if INDEX in names or not launch else launch


class BuildFile:
    """One entry of an open build zip; iterate to read it in chunks (closes the zip at the end)."""

    def __init__(self, blob: BinaryIO, path: str) -> None:
        self._blob = blob
        try:
            name = entry_name(path)
            self._archive = zipfile.ZipFile(blob)
        except (EntryNotFound, zipfile.BadZipFile, OSError) as error:
            blob.close()
            raise EntryNotFound(path) from error
        try:
            info = self._archive.getinfo(name)
        except KeyError:
            info = None
        if info is None or info.is_dir():
            self.close()
            raise EntryNotFound(path)
        self.info = info
        self.name = name
        self.size = info.file_size
        self.mimetype = content_type(name)

    def __iter__(self) -> Iterator[bytes]:
        try:
            with self._archive.open(self.info) as stream:
                while chunk := stream.read(CHUNK_BYTES):
                    yield chunk
        finally:
            self.close()

    def close(self) -> None:
        self._archive.close()  # a zip opened on a file object leaves that file open
        self._blob.close()
