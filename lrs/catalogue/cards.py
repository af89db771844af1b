"""A published course as the catalogue shows it: texts in the reader's language, the
facts a list and its filters need, and a URL-safe slug.

Built from the registry's `PublishedCourse` (lrs.courses.registry), never from the
tables directly, so that the catalogue reads the courses the way the reports do.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass
from typing import Any, Iterable

from lrs.courses.registry import Download, PublishedCourse
from lrs.timeutil import from_micros, rfc3339
from validators.xapi.normalize import pick_language
from validators.xapi.syntax import duration_seconds, is_duration

# Formats in the order a Moodle administrator should consider them (Mentor takes SCORM 1.2).
FORMAT_ORDER = ("scorm12", "scorm2004", "cmi5", "xapi", "web")
WEB_FORMAT = "web"
DURATION_BANDS = ("short", "medium", "long", "unknown")
_SHORT_MINUTES, _LONG_MINUTES = 30, 120
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def localized(language_map: dict[str, str] | None, lang: str) -> str:
    """The text of a language map best suited to the reader (validators' resolver)."""
    return localized_tagged(language_map, lang)[0]


def localized_tagged(language_map: dict[str, str] | None, lang: str) -> tuple[str, str]:
    """The same text and its language tag (pages mark text in another language with `lang`)."""
    if not language_map:
        return "", lang
    tag, value = next(iter(pick_language(language_map, [lang]).items()))
    return value, ("" if tag.lower() == "und" else tag)


def folded(value: str) -> str:
    """Lower case without accents: what a search compares."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def duration_minutes(duration: str | None) -> int | None:
    if not duration or not is_duration(duration):
        return None
    return round(duration_seconds(duration) / 60)


def duration_band(minutes: int | None) -> str:
    if minutes is None:
        return "unknown"
    if minutes < _SHORT_MINUTES:
        return "short"
    if minutes <= _LONG_MINUTES:
        return "medium"
    return "long"


def minutes_text(minutes: int | None) -> str:
    """`1 h 15 min`, `45 min`: the same in French and English."""
    if minutes is None:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d} min" if rest else f"{hours} h"


def size_text(size: int, lang: str = "fr") -> str:
    """`1,2 Mo` / `1.2 MB`: a download's size at a glance (decimal units, as file managers show them)."""
    units = ("o", "ko", "Mo", "Go") if lang != "en" else ("B", "kB", "MB", "GB")
    value = float(size)
    for index, unit in enumerate(units):
        if value < 1000 or index == len(units) - 1:
            shown = f"{value:.0f}" if index == 0 else f"{value:.1f}"
            return f"{shown.replace('.', ',') if lang != 'en' else shown}\u00a0{unit}"
        value /= 1000
    return str(size)


def sorted_downloads(downloads: Iterable[Download]) -> list[Download]:
    rank = {name: index for index, name in enumerate(FORMAT_ORDER)}
    return sorted(downloads, key=lambda item: (rank.get(item.format, len(rank)), item.format))


@dataclass(frozen=True)
class CourseCard:
    """One course of the catalogue, in one language."""

    course: PublishedCourse
    slug: str
    lang: str

    @property
    def structure(self):  # type: ignore[no-untyped-def]
        return self.course.structure

    @property
    def iri(self) -> str:
        return self.course.iri

    @property
    def version(self) -> str:
        return self.course.version

    @property
    def title(self) -> str:
        return localized(self.structure.title, self.lang) or self.iri

    @property
    def summary(self) -> str:
        return localized(self.structure.description, self.lang)

    @property
    def title_lang(self) -> str:
        return localized_tagged(self.structure.title, self.lang)[1] or self.structure.language

    @property
    def summary_lang(self) -> str:
        return localized_tagged(self.structure.description, self.lang)[1] or self.structure.language

    @property
    def languages(self) -> list[str]:
        """Primary language tags the course's texts exist in, its main language first."""
        tags = [self.structure.language, *(self.structure.title or {}).keys()]
        seen: dict[str, None] = {}
        for tag in tags:
            if tag and tag.lower() != "und":
                seen.setdefault(tag.split("-")[0].lower(), None)
        return list(seen)

    @property
    def minutes(self) -> int | None:
        return duration_minutes(self.structure.duration)

    @property
    def band(self) -> str:
        return duration_band(self.minutes)

    @property
    def licence(self) -> str:
        return self.structure.licence_name or ""

    @property
    def licence_url(self) -> str | None:
        url = self.structure.licence_url
        return url if url and urllib.parse.urlsplit(url).scheme in ("http", "https") else None

    @property
    def authors(self) -> list[dict[str, str]]:
        """`[{"name", "organisation"}]`: an author's e-mail stays out of a public page."""
        found = []
        for author in self.structure.authors:
            if isinstance(author, str):
                found.append({"name": author, "organisation": ""})
            elif isinstance(author, dict) and author.get("name"):
                found.append({"name": str(author["name"]), "organisation": str(author.get("organisation") or "")})
        return found

    @property
    def authors_text(self) -> str:
        return "; ".join(
            f"{author['name']} ({author['organisation']})" if author["organisation"] else author["name"]
            for author in self.authors
        )

    @property
    def keywords(self) -> list[str]:
        return [str(keyword) for keyword in self.structure.keywords]

    @property
    def downloads(self) -> list[Download]:
        return sorted_downloads(self.course.downloads)

    @property
    def formats(self) -> list[str]:
        return [download.format for download in self.downloads]

    @property
    def web_build(self) -> Download | None:
        return next((d for d in self.course.downloads if d.format == WEB_FORMAT), None)

    @property
    def updated(self) -> str:
        return rfc3339(from_micros(self.course.updated_us))

    @property
    def updated_date(self) -> str:
        return self.updated[:10]

    def search_text(self) -> str:
        parts: list[Any] = [
            *(self.structure.title or {}).values(),
            *(self.structure.description or {}).values(),
            *self.keywords,
            self.authors_text,
            self.iri,
        ]
        return folded(" ".join(str(part) for part in parts))


def slug_base(iri: str) -> str:
    """The last path segment of the IRI, in lower-case ASCII words joined by `-`."""
    parsed = urllib.parse.urlsplit(iri)
    segments = [segment for segment in (parsed.path or iri).replace(":", "/").split("/") if segment]
    last = urllib.parse.unquote(segments[-1]) if segments else (parsed.netloc or "cours")
    ascii_text = unicodedata.normalize("NFKD", last).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:80] or "cours"


def slugs_for(iris: Iterable[str]) -> dict[str, str]:
    """A slug per course IRI: the bare segment when no other course shares it, else the
    segment and 8 hex digits of the IRI's SHA-256 (stable whatever the publication order)."""
    iris = list(dict.fromkeys(iris))
    bases = {iri: slug_base(iri) for iri in iris}
    counts: dict[str, int] = {}
    for base in bases.values():
        counts[base] = counts.get(base, 0) + 1
    return {
        iri: base if counts[base] == 1 else f"{base}-{hashlib.sha256(iri.encode()).hexdigest()[:8]}"
        for iri, base in bases.items()
    }
