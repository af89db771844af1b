"""cmi5 course structure rules beyond CourseStructure.xsd, tagged with the requirement ids CATAPULT uses."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from validators.bilingual import Text
from validators.findings import Finding
from validators.packages.catalog import finding
from validators.packages.refs import local_paths, lookup, resolve
from validators.packages.source import PackageSource
from validators.xapi.syntax import is_iri

CMI5_NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
RESERVED_PARAMETERS = ("endpoint", "fetch", "actor", "activityId", "registration")
_MASTERY_MOVE_ON = {"Passed", "CompletedAndPassed", "CompletedOrPassed"}


def _q(name: str) -> str:
    return f"{{{CMI5_NS}}}{name}"


def is_course_structure(root: etree._Element) -> bool:
    return root.tag == _q("courseStructure") or etree.QName(root).localname == "courseStructure"


def check_course_structure(root: etree._Element, file: str, source: PackageSource | None,
                           standalone: bool) -> list[Finding]:
    """`source` is the zip's content (None when it is not available); `standalone` for a bare cmi5.xml."""
    found: list[Finding] = []
    course = root.find(_q("course"))
    if course is not None:
        found.extend(_iri(course, "course", file))
    objectives: dict[str, int] = {}
    for objective in root.iterfind(f"{_q('objectives')}/{_q('objective')}"):
        found.extend(_iri(objective, "objective", file))
        found.extend(_unique(objective, objectives, "CMI5-DUPLICATE-OBJECTIVE", file))
    aus: dict[str, int] = {}
    blocks: dict[str, int] = {}
    for element in root.iter(_q("au"), _q("block")):
        is_au = element.tag == _q("au")
        found.extend(_iri(element, "AU" if is_au else "block", file))
        found.extend(_unique(element, aus if is_au else blocks,
                             "CMI5-DUPLICATE-AU" if is_au else "CMI5-DUPLICATE-BLOCK", file))
        for reference in element.iterfind(f"{_q('objectives')}/{_q('objective')}"):
            idref = reference.get("idref", "")
            if idref not in objectives:
                found.append(finding("CMI5-OBJECTIVE-UNKNOWN", file=file, line=reference.sourceline, value=idref))
        if is_au:
            found.extend(_au(element, file, source, standalone))
    return found


def _iri(element: etree._Element, what: str, file: str) -> list[Finding]:
    value = element.get("id", "")
    if is_iri(value):
        return []
    return [finding("CMI5-IRI", file=file, line=element.sourceline, value=value, what=what)]


def _unique(element: etree._Element, seen: dict[str, int], code: str, file: str) -> list[Finding]:
    value = element.get("id", "")
    if value in seen:
        return [finding(code, file=file, line=element.sourceline, value=value, first=seen[value])]
    seen[value] = element.sourceline
    return []


def _au(au: etree._Element, file: str, source: PackageSource | None, standalone: bool) -> list[Finding]:
    found: list[Finding] = []
    move_on = au.get("moveOn", "NotApplicable")
    if au.get("masteryScore") is not None and move_on not in _MASTERY_MOVE_ON:
        found.append(finding("CMI5-MASTERY-IGNORED", file=file, line=au.sourceline, move_on=move_on))
    if move_on == "NotApplicable":
        found.append(finding("CMI5-MOVEON-NOT-APPLICABLE", file=file, line=au.sourceline))
    url_element = au.find(_q("url"))
    if url_element is None:
        return found  # the schema reports it
    url = (url_element.text or "").strip()
    line = url_element.sourceline
    try:
        parts = urlsplit(url)
    except ValueError as error:
        return found + [finding("CMI5-URL-INVALID", file=file, line=line, url=url, reason=str(error))]
    if not url or any(character.isspace() for character in url):
        return found + [finding("CMI5-URL-INVALID", file=file, line=line, url=url,
                                reason=Text("vide ou contient des espaces", "empty or contains spaces"))]
    for name, _value in parse_qsl(parts.query, keep_blank_values=True):
        if name in RESERVED_PARAMETERS:
            found.append(finding("CMI5-RESERVED-PARAMETER", file=file, line=line, url=url, name=name))
    if parts.scheme:
        if source is not None:
            found.append(finding("CMI5-EXTERNAL-URL", file=file, line=line, url=url, value=au.get("id", "")))
        return found
    if standalone:
        return found + [finding("CMI5-RELATIVE-URL-STANDALONE", file=file, line=line, url=url)]
    if source is None:
        return found
    ref = resolve(url)
    if ref.kind != "local":
        return found + [finding("CMI5-URL-INVALID", file=file, line=line, url=url,
                                reason=Text("hors du paquet", "outside the package"))]
    status, _actual = lookup(source, ref.path)
    if status != "ok":
        found.append(finding("CMI5-URL-MISSING", file=file, line=line, url=url))
    return found


def launched_files(root: etree._Element) -> set[str]:
    """The package files the AUs launch."""
    return local_paths(element.text for element in root.iter(_q("url")))
