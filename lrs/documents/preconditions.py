"""HTTP preconditions on documents: `If-Match` and `If-None-Match` (RFC 9110 §13.1).

Entity tags are compared strongly. A tag sent without its quotes is still recognised:
clients that strip them are common, and refusing them made every update fail.
"""

from __future__ import annotations

from dataclasses import dataclass

from lrs.documents.store import Document

ANY = "*"


def parse_tags(header: str | None) -> frozenset[str] | None:
    """The opaque tags of an `If-Match`/`If-None-Match` value: None when absent,
    {"*"} for `*`; weak tags are kept with their `W/` so they never match strongly."""
    if header is None or not header.strip():
        return None
    tags: set[str] = set()
    for part in header.split(","):
        tag = part.strip()
        if not tag:
            continue
        if tag == ANY:
            tags.add(ANY)
        elif tag.startswith("W/"):
            tags.add("W/" + tag[2:].strip('"'))
        else:
            tags.add(tag.strip('"'))
    return frozenset(tags)


def quoted(etag: str) -> str:
    return f'"{etag}"'


@dataclass(frozen=True)
class Preconditions:
    if_match: frozenset[str] | None = None
    if_none_match: frozenset[str] | None = None

    @classmethod
    def from_headers(cls, if_match: str | None, if_none_match: str | None) -> "Preconditions":
        return cls(parse_tags(if_match), parse_tags(if_none_match))

    @property
    def present(self) -> bool:
        return self.if_match is not None or self.if_none_match is not None

    def failure(self, current: Document | None) -> str | None:
        """Which precondition fails against `current` ("If-Match"/"If-None-Match"), or None."""
        if self.if_match is not None:
            if current is None:
                return "If-Match"
            if ANY not in self.if_match and current.etag not in self.if_match:
                return "If-Match"
        if self.if_none_match is not None and current is not None:
            if ANY in self.if_none_match or current.etag in self.if_none_match:
                return "If-None-Match"
        return None

    def not_modified(self, current: Document) -> bool:
        """For GET/HEAD: the client's copy is current (answer 304)."""
        return self.if_none_match is not None and (
            ANY in self.if_none_match or current.etag in self.if_none_match)
