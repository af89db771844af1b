"""The catalogue as data: the `.json` and `.csv` twins of its pages and the schema.org
`Course` description (JSON-LD) each course page carries.

Links are absolute URLs, made by the caller (`Links`), so these functions stay free of
Flask and a test can read them directly.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any, Callable

import orjson

from lrs.catalogue.cards import CourseCard, localized
from lrs.catalogue.listing import CatalogueQuery, ResultPage
from lrs.courses.registry import PublishedCourse

LIST_COLUMNS = (
    "iri", "slug", "version", "title", "summary", "languages", "duration", "duration_minutes",
    "licence", "licence_url", "authors", "keywords", "modules", "formats", "updated", "url",
)
MODULE_COLUMNS = ("position", "iri", "title", "description", "completion", "pages", "questions", "launch")


@dataclass(frozen=True)
class Links:
    """Absolute URLs of a course's page, its downloads and its web build."""

    page: Callable[[CourseCard], str]
    download: Callable[[CourseCard, str], str]
    try_it: Callable[[CourseCard], str]


def card_record(card: CourseCard, links: Links) -> dict[str, Any]:
    return {
        "iri": card.iri,
        "slug": card.slug,
        "version": card.version,
        "title": card.title,
        "summary": card.summary,
        "languages": card.languages,
        "duration": card.structure.duration,
        "duration_minutes": card.minutes,
        "licence": card.licence or None,
        "licence_url": card.licence_url,
        "authors": card.authors,
        "keywords": card.keywords,
        "modules": card.course.module_count,
        "formats": card.formats,
        "updated": card.updated,
        "url": links.page(card),
    }


def _downloads(card: CourseCard, links: Links) -> list[dict[str, Any]]:
    return [
        {"format": d.format, "url": links.download(card, d.format), "filename": d.filename,
         "size": d.size, "sha256": d.sha256}
        for d in card.downloads
    ]


def module_records(course: PublishedCourse, lang: str) -> list[dict[str, Any]]:
    return [
        {
            "position": position,
            "iri": module.iri,
            "title": localized(module.title, lang),
            "description": localized(module.description, lang) or None,
            "completion": module.completion,
            "pages": [{"iri": page.iri, "title": localized(page.title, lang)} for page in module.pages],
            "questions": len(module.questions),
            "launch": module.launch,
        }
        for position, module in enumerate(course.structure.modules, start=1)
    ]


def list_json(result: ResultPage, query: CatalogueQuery, links: Links, lang: str) -> bytes:
    document = {
        "lang": lang,
        "query": query.as_args(),
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "courses": [card_record(card, links) for card in result.cards],
        "facets": {"languages": result.facets.languages, "licences": result.facets.licences,
                   "keywords": result.facets.keywords},
    }
    return orjson.dumps(document)


def course_json(card: CourseCard, links: Links, versions: list[str]) -> bytes:
    document = {
        **card_record(card, links),
        "description": card.structure.description,
        "title_map": card.structure.title,
        "mastery_score": card.structure.mastery_score,
        "accessibility": card.structure.accessibility,
        "downloads": _downloads(card, links),
        "try_url": links.try_it(card) if card.web_build else None,
        "module_list": module_records(card.course, card.lang),
        "versions": versions,
    }
    return orjson.dumps(document)


def _csv(header: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in header])
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    """Lists joined by ` | `, authors as `name (organisation)`: one line per course."""
    if value is None:
        return ""
    if isinstance(value, list):
        return " | ".join(
            (f"{item['name']} ({item['organisation']})" if item.get("organisation") else item["name"])
            if isinstance(item, dict) and "name" in item else
            (item.get("title", "") if isinstance(item, dict) else str(item))
            for item in value
        )
    return value


def list_csv(result: ResultPage, links: Links) -> str:
    return _csv(LIST_COLUMNS, [card_record(card, links) for card in result.cards])


def course_csv(card: CourseCard) -> str:
    """One row per module, in course order."""
    return _csv(MODULE_COLUMNS, module_records(card.course, card.lang))


def course_jsonld(card: CourseCard, links: Links) -> str:
    """schema.org `Course`, safe inside `<script type="application/ld+json">`."""
    structure = card.structure
    document: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": card.iri,
        "identifier": card.iri,
        "url": links.page(card),
        "name": card.title,
        "description": card.summary or None,
        "inLanguage": card.languages,
        "version": card.version or None,
        "license": card.licence_url or card.licence or None,
        "isAccessibleForFree": True,
        "keywords": ", ".join(card.keywords) or None,
        "timeRequired": structure.duration,
        "dateModified": card.updated,
        "author": [
            {"@type": "Person", "name": author["name"],
             **({"affiliation": {"@type": "Organization", "name": author["organisation"]}}
                if author["organisation"] else {})}
            for author in card.authors
        ],
        "hasPart": [
            {"@type": "LearningResource", "@id": module.iri, "name": localized(module.title, card.lang),
             "position": position}
            for position, module in enumerate(structure.modules, start=1)
        ],
        "encoding": [
            {"@type": "MediaObject", "name": d.format, "contentUrl": links.download(card, d.format),
             "encodingFormat": "application/zip", "contentSize": str(d.size), "sha256": d.sha256}
            for d in card.downloads
        ],
    }
    if structure.accessibility and isinstance(structure.accessibility, dict):
        summary = structure.accessibility.get("standard")
        result = structure.accessibility.get("result")
        if summary:
            document["accessibilitySummary"] = f"{summary}: {result}" if result else str(summary)
    compact = {key: value for key, value in document.items() if value not in (None, [], "")}
    return orjson.dumps(compact).decode().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
