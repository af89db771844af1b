"""The files of a package, whether it is a zip (read in place, streaming) or an unpacked folder.

Nothing is ever extracted: checks ask for a file's bytes up to a limit, and a zip
entry is inflated in memory only as far as that limit.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path
from typing import Iterable

# Text files (manifests, pages, style sheets, scripts) are read up to this size:
# enough for any real page, and it bounds memory whatever the package holds.
TEXT_LIMIT = 8 * 1024 * 1024

JUNK_PREFIXES = ("__MACOSX/",)
JUNK_NAMES = {".DS_Store": "macOS Finder", "Thumbs.db": "Windows Explorer", "desktop.ini": "Windows Explorer"}


# What zipfile raises on a damaged entry: bad CRC, truncated or corrupt deflate data, a
# compression method it cannot decode, an encrypted entry.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError, ValueError)


class EntryUnreadable(Exception):
    """A listed entry whose bytes cannot be read (corrupt data, unsupported compression)."""


def is_junk(name: str) -> bool:
    return name.startswith(JUNK_PREFIXES) or name.rsplit("/", 1)[-1] in JUNK_NAMES


class PackageSource:
    """File names (with `/` separators, no directories) and bounded reads."""

    label: str

    def __init__(self, names: Iterable[str]) -> None:
        self._names = sorted(set(names))
        self._exact = set(self._names)
        self._folded: dict[str, str] = {}
        for name in self._names:
            self._folded.setdefault(name.casefold(), name)

    def names(self) -> list[str]:
        return self._names

    def has(self, name: str) -> bool:
        return name in self._exact

    def case_variant(self, name: str) -> str | None:
        """The name as the package spells it when only the case differs, else None."""
        actual = self._folded.get(name.casefold())
        return actual if actual is not None and actual != name else None

    def has_folder(self, name: str) -> bool:
        prefix = name.rstrip("/") + "/"
        return any(entry.startswith(prefix) for entry in self._names)

    def read(self, name: str, limit: int = TEXT_LIMIT) -> bytes:
        raise NotImplementedError

    def close(self) -> None:
        """Nothing to release by default."""


class ZipSource(PackageSource):
    """Entries of an open zip; `names` maps each clean name to its entry."""

    def __init__(self, archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], label: str) -> None:
        super().__init__(name for name, info in entries.items() if not info.is_dir())
        self._archive = archive
        self._entries = entries
        self.label = label

    def read(self, name: str, limit: int = TEXT_LIMIT) -> bytes:
        try:
            with self._archive.open(self._entries[name]) as stream:
                return stream.read(limit)
        except _READ_ERRORS as error:
            raise EntryUnreadable(str(error) or type(error).__name__) from error

    def close(self) -> None:
        self._archive.close()


class DirectorySource(PackageSource):
    """An unpacked package; symbolic links are listed apart and never followed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.label = str(root)
        self.symlinks: list[str] = []
        names: list[str] = []
        for folder, dirs, files in os.walk(root, followlinks=False):
            relative = Path(folder).relative_to(root)
            for directory in list(dirs):
                if (Path(folder) / directory).is_symlink():
                    self.symlinks.append((relative / directory).as_posix())
                    dirs.remove(directory)
            for file in files:
                path = Path(folder) / file
                name = (relative / file).as_posix()
                if path.is_symlink():
                    self.symlinks.append(name)
                else:
                    names.append(name)
        super().__init__(names)

    def read(self, name: str, limit: int = TEXT_LIMIT) -> bytes:
        try:
            with open(self.root / name, "rb") as stream:
                return stream.read(limit)
        except OSError as error:
            raise EntryUnreadable(error.strerror or str(error)) from error
