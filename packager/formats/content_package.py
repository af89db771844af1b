"""IMS Content Packaging as both SCORM versions use it: one item and one SCO a module, shared files in one asset."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from lxml import etree

from packager.course.model import Course, Module
from packager.formats.base import (
    XSI, Package, module_files, ncname, qualified, schema_files, shared_files, sub, xml_bytes,
)
from packager.layout import module_document

SHARED_RESOURCE = "RES-shared"
MANIFEST = "imsmanifest.xml"


@dataclass(frozen=True)
class Scorm:
    """What differs between SCORM versions in the manifest's common skeleton."""

    name: str  # format name, also the validators.schemas kind
    cp: str  # the content packaging namespace
    adlcp: str
    namespaces: dict[str, str]  # prefixed namespaces declared on the root besides CP and XSI
    schema_location: str
    schema_version: str
    scorm_type: str  # the attribute's spelling: "scormtype" (1.2), "scormType" (2004)
    schema_dir: Path  # the official XSDs shipped at the package root


def manifest(
    course: Course,
    shared: list[str],
    scorm: Scorm,
    metadata: etree._Element,
    item_details: Callable[[etree._Element, Module], None],
    organization_details: Callable[[etree._Element], None] | None = None,
) -> bytes:
    """The manifest: `item_details` adds each item's version-specific children, after its title."""
    cp = qualified(scorm.cp)
    root = etree.Element(cp("manifest"), nsmap={None: scorm.cp, **scorm.namespaces, "xsi": XSI})
    root.set("identifier", ncname(f"MANIFEST-{course.id}"))
    root.set("version", course.version)
    root.set(f"{{{XSI}}}schemaLocation", scorm.schema_location)
    head = sub(root, cp("metadata"))
    sub(head, cp("schema"), "ADL SCORM")
    sub(head, cp("schemaversion"), scorm.schema_version)
    head.append(metadata)
    organizations = sub(root, cp("organizations"), default="ORG-1")
    organization = sub(organizations, cp("organization"), identifier="ORG-1")
    sub(organization, cp("title"), course.title_text())
    for module in course.modules:
        item = sub(organization, cp("item"), identifier=f"ITEM-{module.key}",
                   identifierref=f"RES-{module.key}", isvisible="true")
        sub(item, cp("title"), module.title)
        item_details(item, module)
    if organization_details is not None:
        organization_details(organization)
    scorm_type = f"{{{scorm.adlcp}}}{scorm.scorm_type}"
    resources = sub(root, cp("resources"))
    for module in course.modules:
        document = module_document(module.key)
        resource = sub(resources, cp("resource"), identifier=f"RES-{module.key}", type="webcontent",
                       href=document, **{scorm_type: "sco"})
        sub(resource, cp("file"), href=document)
        sub(resource, cp("dependency"), identifierref=SHARED_RESOURCE)
    asset = sub(resources, cp("resource"), identifier=SHARED_RESOURCE, type="webcontent",
                **{scorm_type: "asset"})
    for name in shared:
        sub(asset, cp("file"), href=quote(name))  # hrefs are URLs: "é" and spaces are escaped
    return xml_bytes(root)


def package(course: Course, scorm: Scorm, build_manifest: Callable[[Course, list[str]], bytes]) -> Package:
    """The SCORM package: official XSDs, shared files, module documents and the manifest."""
    shared = shared_files(course, scorm.name)
    schemas = schema_files(scorm.schema_dir)
    files = {**schemas, **shared, **module_files(course, scorm.name)}
    files[MANIFEST] = build_manifest(course, sorted(shared))
    return Package(scorm.name, files, MANIFEST, scorm.name, tuple(sorted(schemas)))
