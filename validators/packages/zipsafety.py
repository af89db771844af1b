"""Zip safety, judged from the central directory alone: nothing is inflated, nothing touches the disk.

A zip is refused when extracting it could write outside its folder (absolute
paths, `..`, symbolic links), when its declared sizes or compression ratios say
it is a bomb, or when entries cannot be read at all (encrypted, badly named).
"""

from __future__ import annotations

import stat
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from validators.bilingual import Text
from validators.findings import Finding
from validators.packages.catalog import finding
from validators.packages.source import JUNK_NAMES, ZipSource

STORED, DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED
UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1

# Findings after which the archive is not read any further.
REFUSING = {
    "ZIP-NOT-A-ZIP", "ZIP-ABSOLUTE-PATH", "ZIP-PARENT-PATH", "ZIP-SYMLINK", "ZIP-ENCRYPTED",
    "ZIP-NAME-ENCODING", "ZIP-TOO-MANY-ENTRIES", "ZIP-ENTRY-TOO-LARGE", "ZIP-TOO-LARGE",
    "ZIP-BOMB", "ZIP-OVERLAPPING", "ZIP-DUPLICATE-NAME",
}


@dataclass(frozen=True)
class ZipLimits:
    """What a course package may reasonably hold; generous for video-heavy courses."""

    max_entries: int = 20_000
    max_entry_size: int = 2 * 1024**3
    max_total_size: int = 4 * 1024**3
    # Deflate tops out near 1:1032; real course files (text, images, video) stay far below 1:100.
    max_ratio: int = 100
    ratio_floor: int = 1024 * 1024  # small entries may compress very well without harm


DEFAULT_LIMITS = ZipLimits()


@dataclass
class ZipInspection:
    source: ZipSource | None
    findings: list[Finding]

    @property
    def refused(self) -> bool:
        return self.source is None or any(f.code in REFUSING for f in self.findings)


def open_zip(path: Path, limits: ZipLimits = DEFAULT_LIMITS) -> ZipInspection:
    """Open the archive and judge its central directory; `source` is None if it cannot be listed."""
    label = path.name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as error:
        return ZipInspection(None, [finding("ZIP-NOT-A-ZIP", file=label, reason=str(error) or type(error).__name__)])
    except UnicodeDecodeError:
        # An entry claims UTF-8 (bit 11) but its name is not: zipfile cannot list the archive.
        return ZipInspection(None, [finding("ZIP-NAME-ENCODING", file=label, name="?")])
    findings: list[Finding] = []
    entries: dict[str, zipfile.ZipInfo] = {}
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        findings.append(finding("ZIP-TOO-MANY-ENTRIES", file=label, count=len(infos), limit=limits.max_entries))
        return ZipInspection(ZipSource(archive, {}, label), findings)
    names: list[str] = []
    for info in infos:
        name = _entry_name(info)
        if name is None:
            findings.append(finding("ZIP-NAME-ENCODING", file=label, name=info.filename))
            continue
        names.append(name)
        findings.extend(_entry_findings(name, info, label, limits))
        entries.setdefault(name.replace("\\", "/"), info)
    findings.extend(_name_findings(names, label))
    findings.extend(_archive_findings(infos, path, label, limits))
    return ZipInspection(ZipSource(archive, entries, label), findings)


def _entry_name(info: zipfile.ZipInfo) -> str | None:
    """The entry's name as a server will write it, or None when its bytes are not UTF-8."""
    if info.flag_bits & UTF8_FLAG or info.filename.isascii():
        return info.filename
    raw = info.filename.encode("cp437")  # zipfile decoded the unflagged bytes as CP437
    try:
        return raw.decode("utf-8")  # many tools write UTF-8 without setting bit 11
    except UnicodeDecodeError:
        return None


def _entry_findings(name: str, info: zipfile.ZipInfo, label: str, limits: ZipLimits) -> list[Finding]:
    found: list[Finding] = []
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":" and name[0].isalpha()):
        found.append(finding("ZIP-ABSOLUTE-PATH", file=label, name=name))
    parts = name.replace("\\", "/").split("/")
    if ".." in parts:
        found.append(finding("ZIP-PARENT-PATH", file=label, name=name))
    if "\\" in name:
        found.append(finding("ZIP-BACKSLASH", file=label, name=name))
    if stat.S_ISLNK(info.external_attr >> 16):
        found.append(finding("ZIP-SYMLINK", file=label, name=name))
    if info.flag_bits & ENCRYPTED_FLAG:
        found.append(finding("ZIP-ENCRYPTED", file=label, name=name))
    if info.compress_type not in (STORED, DEFLATED):
        found.append(finding("ZIP-COMPRESSION", file=label, name=name, method=info.compress_type))
    if info.file_size > limits.max_entry_size:
        found.append(finding("ZIP-ENTRY-TOO-LARGE", file=label, name=name, size=info.file_size,
                             limit=limits.max_entry_size))
    if info.file_size > limits.ratio_floor:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            found.append(finding("ZIP-BOMB", file=label, name=name, ratio=int(ratio), size=info.file_size))
    return found


def _name_findings(names: list[str], label: str) -> list[Finding]:
    found: list[Finding] = []
    for name, count in Counter(names).items():
        if count > 1:
            found.append(finding("ZIP-DUPLICATE-NAME", file=label, name=name, count=count))
    seen: dict[str, str] = {}
    for name in dict.fromkeys(names):
        key = name.rstrip("/").casefold()
        other = seen.setdefault(key, name)
        if other != name and other.rstrip("/") != name.rstrip("/"):
            found.append(finding("ZIP-CASE-COLLISION", file=label, name=name, other=other))
    found.extend(_junk_findings(names, label))
    return found


def _junk_findings(names: list[str], label: str) -> list[Finding]:
    """One finding per kind of operating-system debris, not one per file."""
    first: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for name in names:
        if name.startswith("__MACOSX/"):
            what = "macOS (__MACOSX/)"
        else:
            what = JUNK_NAMES.get(name.rstrip("/").rsplit("/", 1)[-1], "")
        if what:
            first.setdefault(what, name)
            counts[what] += 1
    return [
        finding("ZIP-JUNK", file=label, name=first[what], count=counts[what],
                what=Text(f"créé par {what}", f"made by {what}"))
        for what in first
    ]


def _archive_findings(infos: list[zipfile.ZipInfo], path: Path, label: str, limits: ZipLimits) -> list[Finding]:
    found: list[Finding] = []
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_size:
        found.append(finding("ZIP-TOO-LARGE", file=label, size=total, limit=limits.max_total_size))
    compressed = sum(info.compress_size for info in infos)
    archive_size = path.stat().st_size
    if compressed > archive_size:
        found.append(finding("ZIP-OVERLAPPING", file=label, size=compressed, limit=archive_size))
    return found
