"""The catalogue's courses, read once and kept until a publication changes them.

The list of latest versions, their slugs, and what search and filters compare (folded
texts, languages, duration bands) cost a few hundred milliseconds to rebuild for
1,000 courses, while the tables change only when someone publishes or unpublishes.
Each request reads a small fingerprint of the course tables in its own transaction and
rebuilds only when it differs, so every app node (one SQLite file, or many nodes on one
PostgreSQL) shows a publication from its next request on.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy
from sqlalchemy.engine import Connection

from lrs.catalogue.cards import CourseCard, slugs_for
from lrs.catalogue.listing import Facets, facets_of
from lrs.courses import registry
from lrs.courses.tables import course_downloads, courses
from validators.bilingual import choose

LANGS = ("fr", "en")


def fingerprint(connection: Connection) -> tuple[Any, ...]:
    """Changes whenever a version or a download is added, replaced or removed."""
    course_row = connection.execute(sqlalchemy.select(
        sqlalchemy.func.count(), sqlalchemy.func.max(courses.c.updated_us), sqlalchemy.func.sum(courses.c.id),
    )).one()
    download_row = connection.execute(sqlalchemy.select(
        sqlalchemy.func.count(), sqlalchemy.func.max(course_downloads.c.published_us),
    )).one()
    return (*course_row, *download_row)


@dataclass(frozen=True)
class Snapshot:
    """The latest version of every published course, newest first, in each page language."""

    stamp: tuple[Any, ...]
    cards: dict[str, list[CourseCard]]
    facets: dict[str, Facets]
    by_slug: dict[str, str] = field(default_factory=dict)  # slug -> course IRI

    def in_lang(self, lang: str) -> list[CourseCard]:
        return choose(lang, self.cards["fr"], self.cards["en"])


def build_snapshot(connection: Connection, stamp: tuple[Any, ...]) -> Snapshot:
    published = registry.published_courses(connection)
    slugs = slugs_for(course.iri for course in published)
    cards = {lang: [CourseCard(course, slugs[course.iri], lang) for course in published] for lang in LANGS}
    for listed in cards.values():  # what every search compares, computed once
        for card in listed:
            card.search_index, card.languages, card.band, card.folded_keywords  # noqa: B018
    facets = {lang: facets_of(listed) for lang, listed in cards.items()}
    return Snapshot(stamp, cards, facets, {slug: iri for iri, slug in slugs.items()})


class CatalogueCache:
    """One per app (and so per database): the last snapshot built."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    def current(self, connection: Connection) -> Snapshot:
        stamp = fingerprint(connection)
        snapshot = self._snapshot
        if snapshot is not None and snapshot.stamp == stamp:
            return snapshot
        with self._lock:  # one thread rebuilds; the others wait for its result
            snapshot = self._snapshot
            if snapshot is None or snapshot.stamp != stamp:
                snapshot = build_snapshot(connection, stamp)
                self._snapshot = snapshot
            return snapshot
