"""Reading statement files: a JSON object, a JSON array, or NDJSON, streamed.

Files are read in chunks and decoded one statement at a time, so memory stays
bounded by the largest statement, not the file: a multi-gigabyte NDJSON file
or JSON array is fine. Each statement comes with the line it starts on and its
JSON path (`$[3]` in an array, `$` for a single object or an NDJSON line).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from validators.bilingual import BilingualError
from validators.findings import Finding
from validators.xapi.strict_json import StrictDecoder

CHUNK = 1 << 20
_SPACE = re.compile(r"[ \t\r\n]*")


@dataclass(frozen=True, slots=True)
class Item:
    """One statement read from a file, or the reason it could not be read."""

    line: int
    path: str
    value: Any = None
    source: str | None = None  # the statement's text when it spans several lines
    error: str | None = None  # a JSON syntax error at `line`
    repeated: list[Finding] | None = None  # keys used twice in one object


class UnreadableFile(BilingualError):
    """The file is missing, not readable, not UTF-8, or not JSON at all."""


def read_statements(path: Path, progress: Callable[[int], None] | None = None) -> Iterator[Item]:
    """The statements of a file in order; `progress(bytes)` is told how far reading went."""
    try:
        handle = open(path, "rb")
    except OSError as error:
        raise UnreadableFile(
            f"{path} : lecture impossible ({error.strerror})", f"{path}: cannot read ({error.strerror})"
        ) from error
    with handle:
        first = handle.read(CHUNK)
        if first.startswith(b"\xef\xbb\xbf"):
            first = first[3:]
        start = first.lstrip()[:1]
        if start not in (b"{", b"["):
            if not first.strip():
                raise UnreadableFile(f"{path} : fichier vide", f"{path}: empty file")
            raise UnreadableFile(
                f"{path} : ni JSON ni NDJSON (un objet, un tableau ou une déclaration par ligne est attendu)",
                f"{path}: neither JSON nor NDJSON (an object, an array or one statement a line is expected)",
            )
        decoder = StrictDecoder()
        first_line = first.split(b"\n", 1)[0]
        if start == b"{" and _is_json(decoder, first_line):
            yield from _ndjson(decoder, handle, first, progress)
        else:
            yield from _values(path, decoder, handle, first, start == b"[", progress)


def _is_json(decoder: StrictDecoder, line: bytes) -> bool:
    try:
        decoder.decode(line)
    except ValueError:  # not JSON, or not UTF-8
        return False
    return True


def _ndjson(decoder: StrictDecoder, handle: Any, first: bytes, progress: Callable[[int], None] | None) -> Iterator[Item]:
    """One statement a line: decoded line by line, blank lines skipped."""
    number = 0
    pending = b""
    chunk = first
    while chunk:
        lines = (pending + chunk).split(b"\n")
        pending = lines.pop()
        for line in lines:
            number += 1
            if line.strip():
                yield _ndjson_item(decoder, number, line)
        if progress is not None:
            progress(len(chunk))
        chunk = handle.read(CHUNK)
    if pending.strip():
        yield _ndjson_item(decoder, number + 1, pending)


def _ndjson_item(decoder: StrictDecoder, number: int, line: bytes) -> Item:
    try:
        value, repeated = decoder.decode(line)
    except UnicodeDecodeError:
        return Item(number, "$", error="not UTF-8")
    except json.JSONDecodeError as error:
        return Item(number, "$", error=f"{error.msg} (column {error.colno})")
    return Item(number, "$", value, repeated=repeated or None)


def _values(
    path: Path,
    decoder: StrictDecoder,
    handle: Any,
    first: bytes,
    is_array: bool,
    progress: Callable[[int], None] | None,
) -> Iterator[Item]:
    """A JSON array (element by element) or a sequence of JSON values, decoded incrementally."""
    reader = _TextWindow(path, decoder, handle, first, progress)
    index = 0
    if is_array:
        reader.skip_space()
        reader.pos += 1  # the opening bracket
    while True:
        reader.skip_space()
        if reader.at_end():
            if is_array:
                yield Item(reader.line, "$", error="unterminated array: ']' expected")
            return
        if is_array and reader.peek() == "]":
            reader.pos += 1
            reader.skip_space()
            if not reader.at_end():
                yield Item(reader.line, "$", error="unexpected data after the array")
            return
        if is_array and index > 0:
            if reader.peek() != ",":
                yield Item(reader.line, f"$[{index}]", error="',' or ']' expected")
                return
            reader.pos += 1
            reader.skip_space()
        line = reader.line
        try:
            value, text, repeated = reader.decode()
        except ValueError as error:
            yield Item(line, f"$[{index}]" if is_array else "$", error=str(error))
            return
        multi_line = "\n" in text
        yield Item(line, f"$[{index}]" if is_array else "$", value, text if multi_line else None, repeated=repeated or None)
        index += 1


class _TextWindow:
    """A sliding window of decoded text over a file, with the line number of `pos`."""

    def __init__(
        self, path: Path, decoder: StrictDecoder, handle: Any, first: bytes, progress: Callable[[int], None] | None
    ) -> None:
        self.path = path
        self.decoder = decoder
        self.handle = handle
        self.progress = progress
        self.raw = b""
        self.text = ""
        self.pos = 0
        self.line = 1
        self.eof = False
        self._append(first)

    def _append(self, data: bytes) -> None:
        if self.progress is not None and data:
            self.progress(len(data))
        data = self.raw + data
        try:
            text = data.decode("utf-8")
            self.raw = b""
        except UnicodeDecodeError as error:
            if error.start < len(data) - 3:
                raise UnreadableFile(
                    f"{self.path} : le fichier n'est pas en UTF-8", f"{self.path}: the file is not UTF-8"
                ) from error
            text, self.raw = data[: error.start].decode("utf-8"), data[error.start:]
        # Drop what was already consumed, counting its lines.
        self.text = self.text[self.pos:] + text
        self.pos = 0

    def fill(self, size: int = 0) -> bool:
        data = self.handle.read(max(size, CHUNK))
        if not data:
            self.eof = True
            return False
        self._append(data)
        return True

    def skip_space(self) -> None:
        while True:
            end = _SPACE.match(self.text, self.pos).end()
            self.line += self.text.count("\n", self.pos, end)
            self.pos = end
            if end < len(self.text) or self.eof or not self.fill():
                return

    def at_end(self) -> bool:
        return self.pos >= len(self.text) and (self.eof or not self.fill())

    def peek(self) -> str:
        return self.text[self.pos]

    def decode(self) -> tuple[Any, str, list[Finding]]:
        while True:
            try:
                value, end, repeated = self.decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as error:
                # A value cut by the end of the window: read more, unless the file is over.
                cut = error.pos >= len(self.text) - 1 or error.msg.startswith("Unterminated string")
                # Read as much again as the window holds, so a huge value is re-parsed only log(n) times.
                if cut and not self.eof and self.fill(len(self.text) - self.pos):
                    continue
                raise ValueError(f"{error.msg} (line {self.line + self.text.count(chr(10), self.pos, error.pos)})") from None
            text = self.text[self.pos:end]
            self.line += text.count("\n")
            self.pos = end
            return value, text, repeated


def line_of_path(source: str, first_line: int, path: str) -> int:
    """The best line for a JSON path inside a multi-line statement: where its last key appears.

    Keys are searched in order (`context`, then `registration` after it); the
    statement's first line is the fallback.
    """
    position = 0
    for key in re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[\"((?:[^\"\\]|\\.)*)\"\]", path):
        name = key[0] or key[1]
        found = source.find(f'"{name}"', position)
        if found == -1:
            break
        position = found
    return first_line + source.count("\n", 0, position)
