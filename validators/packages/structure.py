"""A package's course structure: the course, its modules in order, their pages and questions.

Packages built by parcours carry `parcours-course.json` (docs/course-format.md), which
says everything; a cmi5 package's cmi5.xml adds what the LMS will apply (AU ids as
statements name them, moveOn, masteryScore). Packages made by other tools register
with what their manifest says: cmi5.xml (AUs, blocks), imsmanifest.xml (SCORM 1.2 and
2004: the items of the default organization that launch a SCO), tincan.xml (its
activities). Read only: the package is validated separately (`validate_package`).
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lxml import etree

from validators.packages import cmi5, tincan
from validators.packages.detect import Descriptor, find_descriptor
from validators.packages.manifest import NS, Manifest, manifest_kind, read_manifest
from validators.packages.scorm import resource_base
from validators.packages.source import DirectorySource, EntryUnreadable, PackageSource
from validators.packages.xmlread import local_name, parse
from validators.packages.zipsafety import open_zip
from validators.xapi.syntax import is_iri

LanguageMap = dict[str, str]

COURSE_DESCRIPTION = "parcours-course.json"
COURSE_DESCRIPTION_FORMAT = "parcours-course/1"


@dataclass(frozen=True)
class Page:
    iri: str
    title: LanguageMap
    key: str | None = None


@dataclass(frozen=True)
class Question:
    iri: str
    type: str  # xAPI interactionType
    text: LanguageMap
    key: str | None = None
    multiple: bool = False
    # {"choices"|"source"|"target": [{"id": str, "text": {lang: text}}]}, xAPI component names
    components: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    correct_responses: list[str] = field(default_factory=list)
    weight: float = 1.0


@dataclass(frozen=True)
class Module:
    iri: str  # the activity id statements name for this module
    title: LanguageMap
    key: str | None = None
    au_id: str | None = None
    sco_id: str | None = None
    description: LanguageMap | None = None
    completion: str | None = None  # "pages" | "quiz"
    move_on: str | None = None
    mastery_score: float | None = None
    launch: str | None = None
    block: LanguageMap | None = None
    quiz_iri: str | None = None
    quiz_title: LanguageMap | None = None
    pages: tuple[Page, ...] = ()
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class CourseStructure:
    iri: str
    version: str
    title: LanguageMap
    language: str = "fr"
    description: LanguageMap | None = None
    licence_name: str | None = None
    licence_url: str | None = None
    authors: tuple[dict[str, Any], ...] = ()
    keywords: tuple[str, ...] = ()
    duration: str | None = None
    mastery_score: float | None = None
    accessibility: dict[str, Any] | None = None
    # scorm12, scorm2004, cmi5, xapi, web, aicc, zip: the package's own format
    package_format: str = "zip"
    # where the structure was read: "parcours-course.json", "cmi5.xml", "imsmanifest.xml", "tincan.xml", "zip"
    source: str = "zip"
    launch: str | None = None  # the package's first launch page
    modules: tuple[Module, ...] = ()

    def with_modules(self, modules: tuple[Module, ...]) -> "CourseStructure":
        return replace(self, modules=modules)


class StructureUnreadable(ValueError):
    """The package cannot be read at all (validate it first: the findings say why)."""


COURSE_TYPE = "http://adlnet.gov/expapi/activities/course"
MODULE_TYPE = "http://adlnet.gov/expapi/activities/module"
UNDETERMINED = "und"  # BCP 47 for titles that carry no language (SCORM, AICC)
QUESTION_COMPONENTS = ("choices", "scale", "source", "target", "steps")


def read_structure(path: str | Path, *, name: str | None = None) -> CourseStructure:
    """The structure of a package: a `.zip`, an unpacked folder, or a lone cmi5.xml / tincan.xml.

    A course description (`parcours-course.json`) wins; cmi5.xml adds its AU ids and
    moveOn; without a description, the manifest says what it can. The course IRI is
    "" when the package names none (AICC, plain zips); its title is then `name` (the
    package's file name, default the path's) without its extension."""
    location = Path(path)
    if location.is_file() and not zipfile.is_zipfile(location):
        return _standalone(location)
    if location.is_dir():
        source: PackageSource = DirectorySource(location)
    else:
        inspection = open_zip(location)
        if inspection.refused or inspection.source is None:
            raise StructureUnreadable(f"{location.name}: not a readable package")
        source = inspection.source
    try:
        return structure_of(source, name or location.name)
    finally:
        source.close()


def structure_of(source: PackageSource, name: str) -> CourseStructure:
    descriptor = find_descriptor(source)
    from_manifest = _from_descriptor(source, descriptor)
    description = _description(source)
    if description is None:
        return from_manifest or _plain(name, descriptor.kind)
    return merge_structures(description, from_manifest) if from_manifest is not None else description


def merge_structures(primary: CourseStructure, other: CourseStructure) -> CourseStructure:
    """`primary` completed by what `other` (another format of the same course) adds:
    cmi5 AU ids, moveOn and mastery, SCORM item ids, blocks. Modules match by IRI,
    else by position when both have as many."""
    by_iri = {module.iri: module for module in other.modules}
    same_count = len(other.modules) == len(primary.modules)
    merged = []
    for position, module in enumerate(primary.modules):
        match = by_iri.get(module.iri) or (other.modules[position] if same_count else None)
        merged.append(module if match is None else _fill(module, match))
    return replace(primary, modules=tuple(merged), mastery_score=_first(primary.mastery_score, other.mastery_score),
                   launch=_first(primary.launch, other.launch))


def _first(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


def _fill(module: Module, other: Module) -> Module:
    return replace(
        module,
        au_id=_first(module.au_id, other.au_id),
        sco_id=_first(module.sco_id, other.sco_id),
        move_on=_first(module.move_on, other.move_on),
        mastery_score=_first(module.mastery_score, other.mastery_score),
        block=_first(module.block, other.block),
        launch=_first(module.launch, other.launch),
        description=_first(module.description, other.description),
    )


# --- parcours-course.json ------------------------------------------------------


def _description(source: PackageSource) -> CourseStructure | None:
    if not source.has(COURSE_DESCRIPTION):
        return None
    try:
        data = json.loads(source.read(COURSE_DESCRIPTION))
    except (EntryUnreadable, ValueError) as error:
        raise StructureUnreadable(f"{COURSE_DESCRIPTION}: {error}") from error
    if not isinstance(data, dict) or not str(data.get("format", "")).startswith("parcours-course/"):
        raise StructureUnreadable(f"{COURSE_DESCRIPTION}: not a {COURSE_DESCRIPTION_FORMAT} document")
    return from_description(data)


def from_description(data: dict[str, Any]) -> CourseStructure:
    """The structure a course description states (docs/course-format.md)."""
    licence = data.get("licence") or {}
    modules = tuple(_described_module(module) for module in data.get("modules") or ())
    return CourseStructure(
        iri=str(data.get("id") or ""),
        version=str(data.get("version") or ""),
        title=_map(data.get("title")),
        language=str(data.get("language") or "fr"),
        description=_map(data.get("description")) or None,
        licence_name=licence.get("name"),
        licence_url=licence.get("url"),
        authors=tuple(data.get("authors") or ()),
        keywords=tuple(str(keyword) for keyword in data.get("keywords") or ()),
        duration=data.get("duration"),
        mastery_score=_number(data.get("mastery_score")),
        accessibility=data.get("accessibility"),
        package_format=str(data.get("package_format") or "zip"),
        source=COURSE_DESCRIPTION,
        launch=modules[0].launch if modules else None,
        modules=modules,
    )


def _described_module(module: dict[str, Any]) -> Module:
    quiz = module.get("quiz") or {}
    return Module(
        iri=str(module.get("id") or ""),
        title=_map(module.get("title")),
        key=module.get("key"),
        description=_map(module.get("description")) or None,
        completion=module.get("completion"),
        mastery_score=_number(module.get("mastery_score")),
        launch=module.get("launch"),
        quiz_iri=quiz.get("id"),
        quiz_title=_map(quiz.get("title")) or None,
        pages=tuple(Page(iri=str(page.get("id") or ""), title=_map(page.get("title")), key=page.get("key"))
                    for page in module.get("pages") or ()),
        questions=tuple(_question(question) for question in module.get("questions") or ()),
    )


def _question(question: dict[str, Any]) -> Question:
    return Question(
        iri=str(question.get("id") or ""),
        type=str(question.get("type") or "other"),
        text=_map(question.get("text")),
        key=question.get("key"),
        multiple=bool(question.get("multiple")),
        components={name: list(question[name]) for name in QUESTION_COMPONENTS if question.get(name)},
        correct_responses=[str(pattern) for pattern in question.get("correct_responses") or ()],
        weight=_first(_number(question.get("weight")), 1.0),
    )


def _map(value: Any) -> LanguageMap:
    if isinstance(value, dict):
        return {str(tag): str(text) for tag, text in value.items()}
    if isinstance(value, str) and value:
        return {UNDETERMINED: value}
    return {}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


# --- manifests -----------------------------------------------------------------


def _from_descriptor(source: PackageSource, descriptor: Descriptor) -> CourseStructure | None:
    if descriptor.name is None or descriptor.kind == "aicc":
        return None
    try:
        tree, _found = parse(source.read(descriptor.name), descriptor.name)
    except EntryUnreadable:
        return None
    if tree is None:
        return None
    return _from_root(tree.getroot())


def _from_root(root: etree._Element) -> CourseStructure | None:
    if cmi5.is_course_structure(root):
        return _cmi5(root)
    if tincan.is_tincan(root):
        return _tincan(root)
    kind = manifest_kind(root)
    if kind is not None:
        return _scorm(read_manifest(root, kind))
    return None


def _standalone(location: Path) -> CourseStructure:
    try:
        data = location.read_bytes()
    except OSError as error:
        raise StructureUnreadable(f"{location.name}: {error.strerror or error}") from error
    tree, _found = parse(data, location.name)
    structure = None if tree is None else _from_root(tree.getroot())
    if structure is None:
        raise StructureUnreadable(f"{location.name}: not a cmi5.xml, tincan.xml or imsmanifest.xml")
    return structure


def _langstrings(element: etree._Element | None) -> LanguageMap:
    """cmi5 `<title><langstring lang="…">` as a language map."""
    if element is None:
        return {}
    return {(item.get("lang") or UNDETERMINED): (item.text or "").strip()
            for item in element if local_name(item) == "langstring"}


def _child(element: etree._Element, name: str) -> etree._Element | None:
    return next((child for child in element if local_name(child) == name), None)


def _cmi5(root: etree._Element) -> CourseStructure:
    course = _child(root, "course")
    title = _langstrings(None if course is None else _child(course, "title"))
    modules = []
    for element in root.iter():
        if local_name(element) != "au":
            continue
        parent = element.getparent()
        block = _langstrings(_child(parent, "title")) if parent is not None and local_name(parent) == "block" else None
        url = _child(element, "url")
        modules.append(Module(
            iri=element.get("id", ""),
            au_id=element.get("id", ""),
            title=_langstrings(_child(element, "title")),
            description=_langstrings(_child(element, "description")) or None,
            move_on=element.get("moveOn", "NotApplicable"),
            mastery_score=_float(element.get("masteryScore")),
            launch=None if url is None else (url.text or "").strip(),
            block=block or None,
        ))
    return CourseStructure(
        iri="" if course is None else course.get("id", ""),
        version="",
        title=title,
        language=next(iter(title), "fr") if title.keys() != {UNDETERMINED} else "fr",
        description=_langstrings(None if course is None else _child(course, "description")) or None,
        package_format="cmi5",
        source="cmi5.xml",
        launch=modules[0].launch if modules else None,
        modules=tuple(modules),
    )


def _tincan(root: etree._Element) -> CourseStructure:
    activities = [element for element in root.iter() if local_name(element) == "activity"]

    def names(element: etree._Element, name: str) -> LanguageMap:
        return {(child.get("lang") or UNDETERMINED): (child.text or "").strip()
                for child in element if local_name(child) == name}

    def launch(element: etree._Element) -> str | None:
        found = _child(element, "launch")
        return None if found is None else (found.text or "").strip()

    course = next((a for a in activities if a.get("type") == COURSE_TYPE), activities[0] if activities else None)
    parts = [a for a in activities if a.get("type") == MODULE_TYPE]
    if not parts:  # a course of one launchable activity, or of several without a module type
        parts = [a for a in activities if a is not course and launch(a)] or ([course] if course is not None else [])
    title = {} if course is None else names(course, "name")
    modules = tuple(Module(iri=a.get("id", ""), title=names(a, "name"), description=names(a, "description") or None,
                           launch=launch(a)) for a in parts)
    return CourseStructure(
        iri="" if course is None else course.get("id", ""),
        version="",
        title=title,
        language=next((tag for tag in title if tag != UNDETERMINED), "fr"),
        description=None if course is None else names(course, "description") or None,
        package_format="xapi",
        source="tincan.xml",
        launch=None if course is None else _first(launch(course), modules[0].launch if modules else None),
        modules=modules,
    )


def _scorm(manifest: Manifest) -> CourseStructure:
    identifier = manifest.root.get("identifier", "")
    iri = _as_iri(identifier)
    organization = _default_organization(manifest)
    modules: list[Module] = []
    if organization is not None:
        org_id = organization.get("identifier", "")
        for item in manifest.items:
            resource = manifest.resources.get(item.identifierref or "")
            if item.organization != org_id or resource is None or not resource.href:
                continue
            modules.append(Module(
                iri=_as_iri(item.identifier, iri),
                sco_id=item.identifier,
                title=_map(_text(item.element, manifest.cp, "title") or item.identifier),
                mastery_score=_scorm_mastery(manifest, item.element),
                launch=resource_base(manifest, resource) + resource.href,
            ))
        title = _text(organization, manifest.cp, "title")
    else:  # no organization: Moodle makes every resource with an href a SCO
        for resource in manifest.resource_elements:
            if resource.href:
                modules.append(Module(iri=_as_iri(resource.identifier, iri), sco_id=resource.identifier,
                                      title=_map(resource.identifier),
                                      launch=resource_base(manifest, resource) + resource.href))
        title = None
    return CourseStructure(
        iri=iri,
        version=manifest.root.get("version", "") or "",
        title=_map(title or identifier),
        language="fr",
        package_format="scorm2004" if manifest.is_2004 else "scorm12",
        source="imsmanifest.xml",
        launch=modules[0].launch if modules else None,
        modules=tuple(modules),
    )


def _default_organization(manifest: Manifest) -> etree._Element | None:
    if not manifest.organizations:
        return None
    default = None if manifest.organizations_element is None else manifest.organizations_element.get("default")
    return next((org for org in manifest.organizations if org.get("identifier") == default), manifest.organizations[0])


def _text(element: etree._Element, namespace: str, name: str) -> str | None:
    child = element.find(f"{{{namespace}}}{name}")
    return None if child is None or not (child.text or "").strip() else (child.text or "").strip()


def _scorm_mastery(manifest: Manifest, item: etree._Element) -> float | None:
    """SCORM 1.2 adlcp:masteryscore (0..100); SCORM 2004 the primary objective's
    minNormalizedMeasure when it is satisfied by measure."""
    if not manifest.is_2004:
        score = _float(_text(item, manifest.adlcp, "masteryscore"))
        return None if score is None else score / 100
    for objective in item.iter(f"{{{NS['imsss']}}}primaryObjective"):
        if objective.get("satisfiedByMeasure") in ("true", "1"):
            return _float(_text(objective, NS["imsss"], "minNormalizedMeasure"))
    return None


def _float(value: str | None) -> float | None:
    try:
        return None if value is None else float(value)
    except ValueError:
        return None


def _as_iri(identifier: str, course_iri: str | None = None) -> str:
    """A SCORM identifier as an activity IRI: itself when it is one, else under the
    course's IRI (items) or a `urn:parcours:scorm:` name (the manifest)."""
    if is_iri(identifier):
        return identifier
    if not identifier:
        return ""
    if course_iri:
        return f"{course_iri}/{quote(identifier, safe='')}"
    return f"urn:parcours:scorm:{quote(identifier, safe='')}"


def _plain(name: str, kind: str) -> CourseStructure:
    """A package whose files say nothing of a course (AICC, a plain zip): its name as title."""
    return CourseStructure(iri="", version="", title={UNDETERMINED: Path(name).stem or name}, package_format=kind,
                           source="zip")
