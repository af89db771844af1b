"""multipart/mixed bodies of statements with attachments, read and written.

A request's first part is the statement(s) as JSON; every other part is one
attachment's raw content, named by its `X-Experience-API-Hash` header (the sha2 of
the attachment in the statement).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from lrs.errors import XAPIError


@dataclass
class Part:
    headers: dict[str, str]  # lower-cased names
    content: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def _bad(fr: str, en: str) -> XAPIError:
    return XAPIError(400, f"corps multipart/mixed : {fr}", f"multipart/mixed body: {en}", "Content-Type")


def boundary_of(content_type_header: str) -> str:
    for item in content_type_header.split(";")[1:]:
        name, _, value = item.strip().partition("=")
        if name.strip().lower() == "boundary":
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            if value:
                return value
    raise _bad("le Content-Type n'indique pas de frontière (boundary)", "the Content-Type has no boundary")


def parse_multipart(body: bytes, content_type_header: str) -> list[Part]:
    """The parts of a multipart body (RFC 2046), CRLF or bare LF line ends tolerated."""
    delimiter = b"--" + boundary_of(content_type_header).encode("latin-1")
    chunks = body.split(delimiter)
    if len(chunks) < 3:
        raise _bad("aucune partie trouvée pour la frontière donnée", "no part found for the boundary given")
    parts: list[Part] = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        elif chunk.startswith(b"\n"):
            chunk = chunk[1:]
        if chunk.endswith(b"\r\n"):
            chunk = chunk[:-2]
        elif chunk.endswith(b"\n"):
            chunk = chunk[:-1]
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            head, sep, content = chunk.partition(b"\n\n")
        if not sep:
            if chunk.strip():
                raise _bad("une partie n'a pas de ligne vide après ses en-têtes", "a part has no blank line after its headers")
            continue
        headers: dict[str, str] = {}
        for line in head.replace(b"\r\n", b"\n").split(b"\n"):
            if not line.strip():
                continue
            name, colon, value = line.decode("latin-1").partition(":")
            if not colon:
                raise _bad(f"en-tête de partie mal formé {line[:60]!r}", f"malformed part header {line[:60]!r}")
            headers[name.strip().lower()] = value.strip()
        parts.append(Part(headers, content))
    else:
        raise _bad("la frontière de fin est absente", "the closing boundary is missing")
    if not parts:
        raise _bad("aucune partie trouvée", "no part found")
    return parts


def build_multipart(json_body: bytes, attachment_parts: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/mixed response: the JSON, then (sha2, content type, content) parts.
    Returns the body and its Content-Type header."""
    boundary = "parcours-" + secrets.token_hex(16)
    out = [
        b"--", boundary.encode(), b"\r\n",
        b"Content-Type: application/json\r\n\r\n", json_body, b"\r\n",
    ]
    for sha2, content_type, content in attachment_parts:
        out += [
            b"--", boundary.encode(), b"\r\n",
            b"Content-Type: ", content_type.encode("latin-1", "replace"), b"\r\n",
            b"Content-Transfer-Encoding: binary\r\n",
            b"X-Experience-API-Hash: ", sha2.encode(), b"\r\n\r\n",
            content, b"\r\n",
        ]
    out += [b"--", boundary.encode(), b"--\r\n"]
    return b"".join(out), f'multipart/mixed; boundary="{boundary}"'
