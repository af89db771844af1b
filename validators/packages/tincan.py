"""tincan.xml checks, in code: no redistributable XSD of the descriptor exists (see validators/schemas/README.md)."""

from __future__ import annotations

from lxml import etree

from validators.bilingual import Text
from validators.findings import Finding
from validators.packages.catalog import finding
from validators.packages.refs import local_paths, lookup, resolve
from validators.packages.source import PackageSource
from validators.xapi.syntax import is_iri, is_language_tag

TINCAN_NS = "http://projecttincan.com/tincan.xsd"


def _q(name: str) -> str:
    return f"{{{TINCAN_NS}}}{name}"


def is_tincan(root: etree._Element) -> bool:
    return etree.QName(root).localname == "tincan"


def check_tincan(root: etree._Element, file: str, source: PackageSource | None) -> list[Finding]:
    if root.tag != _q("tincan"):
        return [finding("XAPI-NOT-TINCAN", file=file, line=root.sourceline, root=root.tag)]
    found: list[Finding] = []
    activities = root.findall(f"{_q('activities')}/{_q('activity')}")
    if not activities:
        return [finding("XAPI-NO-ACTIVITY", file=file, line=root.sourceline)]
    seen: dict[str, int] = {}
    launches = 0
    for activity in activities:
        identifier = activity.get("id", "")
        line = activity.sourceline
        if not is_iri(identifier):
            found.append(finding("XAPI-ACTIVITY-ID", file=file, line=line, value=identifier))
        elif identifier in seen:
            found.append(finding("XAPI-DUPLICATE-ACTIVITY", file=file, line=line, value=identifier,
                                 first=seen[identifier]))
        seen.setdefault(identifier, line)
        activity_type = activity.get("type")
        if activity_type is not None and not is_iri(activity_type):
            found.append(finding("XAPI-ACTIVITY-TYPE", file=file, line=line, value=activity_type))
        if activity.find(_q("name")) is None:
            found.append(finding("XAPI-NO-NAME", file=file, line=line, value=identifier))
        for element in activity.iter(_q("name"), _q("description"), _q("launch")):
            lang = element.get("lang")
            if lang is not None and not is_language_tag(lang):
                found.append(finding("XAPI-LANG", file=file, line=element.sourceline, value=lang))
        for launch in activity.findall(_q("launch")):
            launches += 1
            found.extend(_launch(launch, file, source))
    if launches == 0:
        found.append(finding("XAPI-NO-LAUNCH", file=file, line=root.sourceline))
    return found


def _launch(launch: etree._Element, file: str, source: PackageSource | None) -> list[Finding]:
    url = (launch.text or "").strip()
    line = launch.sourceline
    ref = resolve(url)
    if not url or ref.kind in ("invalid", "absolute-path", "outside", "ignored"):
        return [finding("XAPI-LAUNCH-INVALID", file=file, line=line, url=url,
                        reason=ref.reason or Text("hors du paquet ou vide", "outside the package or empty"))]
    if ref.kind != "local" or source is None:
        return []
    status, _actual = lookup(source, ref.path)
    if status != "ok":
        return [finding("XAPI-LAUNCH-MISSING", file=file, line=line, url=url)]
    return []


def launched_files(root: etree._Element) -> set[str]:
    """The package files the activities launch."""
    return local_paths(element.text for element in root.iter(_q("launch")))
