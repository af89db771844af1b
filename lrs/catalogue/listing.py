"""The catalogue's search: text, filters (language, licence, keyword, duration band),
sort (newest or title) and pages, over the latest version of every published course.

The courses are few (thousands at most) and their rows light, so the filters run in
Python over one read of the registry: every filter combination costs the same, and
search folds accents the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

from lrs.catalogue.cards import DURATION_BANDS, CourseCard, folded

SORTS = ("newest", "title")
PER_PAGE = 20
MAX_PER_PAGE = 1000
MAX_QUERY_CHARS = 200


class CatalogueInputError(ValueError):
    """A query parameter the catalogue cannot use: the message key and its values."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class CatalogueQuery:
    q: str = ""
    lang: str = ""
    licence: str = ""
    keyword: str = ""
    duration: str = ""
    sort: str = "newest"
    page: int = 1
    per_page: int = PER_PAGE

    def as_args(self, **changes: object) -> dict[str, str]:
        """The query as URL parameters, without defaults (for links and the JSON twin)."""
        values = {
            "q": self.q, "lang": self.lang, "licence": self.licence, "keyword": self.keyword,
            "duration": self.duration, "sort": self.sort, "page": self.page, "per_page": self.per_page,
        }
        values.update(changes)
        defaults = {"sort": "newest", "page": 1, "per_page": PER_PAGE}
        return {key: str(value) for key, value in values.items() if value not in ("", None) and defaults.get(key) != value}


def _positive(args: Mapping[str, str], name: str, default: int, largest: int) -> int:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise CatalogueInputError("error.page" if name == "page" else "error.choice",
                                  field=name, value=raw, choices=f"1..{largest}")
    return min(int(raw), largest)


def _choice(args: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str = "") -> str:
    value = (args.get(name) or "").strip()
    if not value:
        return default
    if value not in allowed:
        raise CatalogueInputError("error.choice", field=name, value=value, choices=", ".join(allowed))
    return value


def parse_query(args: Mapping[str, str], course_language_param: str = "language") -> CatalogueQuery:
    """Read the search from the request's parameters (`lang` chooses the page's language,
    so the course-language filter is `language`)."""
    return CatalogueQuery(
        q=(args.get("q") or "").strip()[:MAX_QUERY_CHARS],
        lang=(args.get(course_language_param) or "").strip().lower(),
        licence=(args.get("licence") or "").strip(),
        keyword=(args.get("keyword") or "").strip(),
        duration=_choice(args, "duration", DURATION_BANDS),
        sort=_choice(args, "sort", SORTS, "newest"),
        page=_positive(args, "page", 1, 1_000_000),
        per_page=_positive(args, "per_page", PER_PAGE, MAX_PER_PAGE),
    )


@dataclass(frozen=True)
class Facets:
    """The values the filters offer: those of the whole catalogue, not of one result page."""

    languages: list[str] = field(default_factory=list)
    licences: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ResultPage:
    cards: list[CourseCard]
    total: int
    page: int
    pages: int
    facets: Facets


def facets_of(cards: list[CourseCard]) -> Facets:
    languages = sorted({tag for card in cards for tag in card.languages})
    licences = sorted({card.licence for card in cards if card.licence}, key=folded)
    keywords = sorted({keyword for card in cards for keyword in card.keywords}, key=folded)
    return Facets(languages, licences, keywords)


def _matches(card: CourseCard, query: CatalogueQuery, words: list[str]) -> bool:
    if query.lang and query.lang not in card.languages:
        return False
    if query.licence and card.licence != query.licence:
        return False
    if query.keyword and folded(query.keyword) not in {folded(k) for k in card.keywords}:
        return False
    if query.duration and card.band != query.duration:
        return False
    if words:
        text = card.search_text()
        return all(word in text for word in words)
    return True


def search(cards: list[CourseCard], query: CatalogueQuery) -> ResultPage:
    """The page of courses the query asks for; `cards` come newest first (the registry's order)."""
    words = folded(query.q).split()
    found = [card for card in cards if _matches(card, query, words)]
    if query.sort == "title":
        found.sort(key=lambda card: (folded(card.title), card.iri))
    pages = max(1, math.ceil(len(found) / query.per_page))
    page = min(query.page, pages)
    start = (page - 1) * query.per_page
    return ResultPage(found[start:start + query.per_page], len(found), page, pages, facets_of(cards))
