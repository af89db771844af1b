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


class _Bits:
    """A DEFLATE bit stream: values go in least significant bit first, Huffman codes most
    significant bit first (RFC 1951, 3.1.1)."""

    def __init__(self) -> None:
        self.value = 0
        self.count = 0

    def put(self, value: int, width: int) -> None:
        self.value |= value << self.count
        self.count += width

    def code(self, code: int, width: int) -> None:
        self.put(int(f"{code:0{width}b}"[::-1], 2), width)

    def take_bytes(self) -> bytes:
        """The whole bytes written so far (the remaining bits stay)."""
        whole, self.count = divmod(self.count, 8)
        out = (self.value & ((1 << (8 * whole)) - 1)).to_bytes(whole, "little")
        self.value >>= 8 * whole
        return out


def _match(bits: _Bits, length: int) -> None:
    """A back-reference at distance 1 (repeat the last byte), fixed Huffman codes (RFC 1951, 3.2.6)."""
    if length == 258:
        bits.code(0b11000101, 8)  # length code 285
    else:
        assert length == 3
        bits.code(0b0000001, 7)  # length code 257
    bits.code(0, 5)  # distance code 0: distance 1


def _crc32_zeros(size: int) -> int:
    """CRC-32 of `size` zero bytes without reading them: zlib's crc32_combine (GF(2) matrices)."""

    def times(matrix: list[int], vector: int) -> int:
        total, row = 0, 0
        while vector:
            if vector & 1:
                total ^= matrix[row]
            vector >>= 1
            row += 1
        return total

    def square(matrix: list[int]) -> list[int]:
        return [times(matrix, matrix[n]) for n in range(32)]

    odd = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
    even = square(odd)  # two zero bits
    odd = square(even)  # four zero bits
    crc = 0xFFFFFFFF  # crc32 starts from all ones and ends inverted
    length = size
    while length:
        even = square(odd)
        if length & 1:
            crc = times(even, crc)
        length >>= 1
        if not length:
            break
        odd = square(even)
        if length & 1:
            crc = times(odd, crc)
        length >>= 1
    return crc ^ 0xFFFFFFFF


def zero_bomb(path: Path, size: int = 1024**3) -> Path:
    """A valid zip whose one entry, zeros.bin, deflates `size` zero bytes into about
    size/159 bytes: a literal zero, then back-references of 258 bytes. The stream is
    written as bytes that repeat, so nothing is ever compressed nor held in memory."""
    matches, rest = divmod(size - 1, 258)
    assert rest in (0, 3), "size - 1 must be a multiple of 258, plus 0 or 3"
    bits = _Bits()
    bits.put(1, 1)  # BFINAL
    bits.put(1, 2)  # BTYPE 01: fixed Huffman codes
    bits.code(0b00110000, 8)  # literal 0
    _match(bits, 258)  # 11 + 13 bits: the stream is now on a byte boundary
    head = bits.take_bytes()
    assert bits.count == 0
    for _ in range(8):  # 8 matches = 104 bits: a 13-byte block that repeats
        _match(bits, 258)
    block = bits.take_bytes()
    repeats, tail_matches = divmod(matches - 1, 8)
    for _ in range(tail_matches):
        _match(bits, 258)
    if rest:
        _match(bits, rest)
    bits.code(0, 7)  # end of block (code 256)
    bits.count += -bits.count % 8
    tail = bits.take_bytes()
    compressed = len(head) + len(block) * repeats + len(tail)

    name = b"zeros.bin"
    fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, _crc32_zeros(size), compressed, size)
    local = LOCAL_SIGNATURE + fields + struct.pack("<HH", len(name), 0) + name
    central = (CENTRAL_SIGNATURE + struct.pack("<H", 20) + fields
               + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, 0) + name)
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, len(central), len(local) + compressed, 0)
    with open(path, "wb") as out:
        out.write(local + head)
        chunk = block * 65536  # 832 KiB of stream at a time
        full, remainder = divmod(repeats, 65536)
        for _ in range(full):
            out.write(chunk)
        out.write(block * remainder + tail + central + end)
    return path
