"""Hand-crafted zips: the bytes a hostile or broken archiver writes, which zipfile will not write itself."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

CENTRAL_SIGNATURE = b"PK\x01\x02"
LOCAL_SIGNATURE = b"PK\x03\x04"
# Offsets inside each header (PKWARE APPNOTE 4.3.7 and 4.3.12).
CENTRAL_FIELDS = {"flags": (8, "<H"), "compressed": (20, "<I"), "size": (24, "<I"), "name_length": (28, "<H")}
LOCAL_FIELDS = {"flags": (6, "<H"), "compressed": (18, "<I"), "size": (22, "<I"), "name_length": (26, "<H")}


def _headers(data: bytes, signature: bytes, name: bytes, name_offset: int) -> list[int]:
    positions = []
    start = data.find(signature)
    while start >= 0:
        if data[start + name_offset:start + name_offset + len(name)] == name:
            positions.append(start)
        start = data.find(signature, start + 1)
    return positions


def patch(path: Path, name: str, **fields: int) -> Path:
    """Overwrite header fields (`flags`, `compressed`, `size`) of entry `name`, central and local headers."""
    data = bytearray(path.read_bytes())
    raw = name.encode("utf-8")
    for signature, layout, name_offset in ((CENTRAL_SIGNATURE, CENTRAL_FIELDS, 46), (LOCAL_SIGNATURE, LOCAL_FIELDS, 30)):
        for start in _headers(bytes(data), signature, raw, name_offset):
            for field, value in fields.items():
                offset, fmt = layout[field]
                struct.pack_into(fmt, data, start + offset, value)
    path.write_bytes(bytes(data))
    return path


def rename_raw(path: Path, name: str, raw: bytes) -> Path:
    """Replace an entry's name bytes (same length) and clear its UTF-8 flag: a legacy-encoded name."""
    encoded = name.encode("ascii")
    assert len(raw) == len(encoded)
    data = bytearray(path.read_bytes())
    for signature, layout, name_offset in ((CENTRAL_SIGNATURE, CENTRAL_FIELDS, 46), (LOCAL_SIGNATURE, LOCAL_FIELDS, 30)):
        for start in _headers(bytes(data), signature, encoded, name_offset):
            data[start + name_offset:start + name_offset + len(raw)] = raw
            offset, fmt = layout["flags"]
            (flags,) = struct.unpack_from(fmt, data, start + offset)
            struct.pack_into(fmt, data, start + offset, flags & ~0x800)
    path.write_bytes(bytes(data))
    return path


def symlink_zip(path: Path, link: str, target: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("imsmanifest.xml", "<manifest/>")
        info = zipfile.ZipInfo(link)
        info.create_system = 3  # Unix
        info.external_attr = (0o120777 << 16)
        archive.writestr(info, target)
    return path


def zero_bomb(path: Path, size: int = 1024**3) -> Path:
    """A real deflated entry of `size` zero bytes, written in 1 MiB chunks (never held in memory)."""
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("zeros.bin", "w", force_zip64=True) as stream:
            for _ in range(size // len(chunk)):
                stream.write(chunk)
    return path
