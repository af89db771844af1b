"""SCORM 1.2: one SCO a module, shared files in one asset resource, IMS MD 1.2.1 metadata."""

from __future__ import annotations

from urllib.parse import quote

from lxml import etree

from packager.course.model import Course, Text
from packager.formats.base import (
    XSI, Package, licence_text, mastery_percent, module_files, ncname, schema_files,
    shared_files, sub, vcard, xml_bytes,
)
from packager.layout import module_document
from validators.schemas import SCORM12_DIR

NAME = "scorm12"
CP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCHEMA_LOCATION = (
    f"{CP} imscp_rootv1p1p2.xsd {IMSMD} imsmd_rootv1p2p1.xsd {ADLCP} adlcp_rootv1p2.xsd"
)
SHARED_RESOURCE = "RES-shared"


def _cp(tag: str) -> str:
    return f"{{{CP}}}{tag}"


def _md(tag: str) -> str:
    return f"{{{IMSMD}}}{tag}"


def _langstrings(parent: etree._Element, tag: str, text: Text) -> None:
    element = sub(parent, _md(tag))
    for language, value in text.values.items():
        sub(element, _md("langstring"), value, **{XML_LANG: language})


def _vocabulary(parent: etree._Element, tag: str, value: str) -> None:
    element = sub(parent, _md(tag))
    source = sub(element, _md("source"))
    sub(source, _md("langstring"), "LOMv1.0", **{XML_LANG: "x-none"})
    holder = sub(element, _md("value"))
    sub(holder, _md("langstring"), value, **{XML_LANG: "x-none"})


def lom(course: Course) -> etree._Element:
    """IMS Learning Resource Meta-Data 1.2.1: title, description, language, licence."""
    root = etree.Element(_md("lom"))
    general = sub(root, _md("general"))
    sub(general, _md("identifier"), course.id)
    _langstrings(general, "title", course.title)
    sub(general, _md("language"), course.language)
    if course.description:
        _langstrings(general, "description", course.description)
    for keyword in course.keywords:
        _langstrings(general, "keyword", Text({course.language: keyword}))
    lifecycle = sub(root, _md("lifecycle"))
    _langstrings(lifecycle, "version", Text({course.language: course.version}))
    for author in course.authors:
        contribute = sub(lifecycle, _md("contribute"))
        _vocabulary(contribute, "role", "Author")
        centity = sub(contribute, _md("centity"))
        sub(centity, _md("vcard"), vcard(author.name, author.organisation, author.email))
    meta = sub(root, _md("metametadata"))
    sub(meta, _md("metadatascheme"), "ADL SCORM 1.2")
    technical = sub(root, _md("technical"))
    sub(technical, _md("format"), "text/html")
    if course.duration:
        educational = sub(root, _md("educational"))
        learning_time = sub(educational, _md("typicallearningtime"))
        sub(learning_time, _md("datetime"), course.duration)
    rights = sub(root, _md("rights"))
    _vocabulary(rights, "cost", "no")
    _vocabulary(rights, "copyrightandotherrestrictions", "yes")
    _langstrings(rights, "description", Text({course.language: licence_text(course)}))
    return root


def manifest(course: Course, shared: list[str]) -> bytes:
    nsmap = {None: CP, "adlcp": ADLCP, "imsmd": IMSMD, "xsi": XSI}
    root = etree.Element(_cp("manifest"), nsmap=nsmap)
    root.set("identifier", ncname(f"MANIFEST-{course.id}"))
    root.set("version", course.version)
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    metadata = sub(root, _cp("metadata"))
    sub(metadata, _cp("schema"), "ADL SCORM")
    sub(metadata, _cp("schemaversion"), "1.2")
    metadata.append(lom(course))
    organizations = sub(root, _cp("organizations"), default="ORG-1")
    organization = sub(organizations, _cp("organization"), identifier="ORG-1")
    sub(organization, _cp("title"), course.title_text())
    for module in course.modules:
        item = sub(organization, _cp("item"), identifier=f"ITEM-{module.key}",
                   identifierref=f"RES-{module.key}", isvisible="true")
        sub(item, _cp("title"), module.title)
        score = mastery_percent(module)
        if score is not None:
            sub(item, f"{{{ADLCP}}}masteryscore", score)
    resources = sub(root, _cp("resources"))
    for module in course.modules:
        document = module_document(module.key)
        resource = sub(resources, _cp("resource"), identifier=f"RES-{module.key}", type="webcontent",
                       href=document, **{f"{{{ADLCP}}}scormtype": "sco"})
        sub(resource, _cp("file"), href=document)
        sub(resource, _cp("dependency"), identifierref=SHARED_RESOURCE)
    asset = sub(resources, _cp("resource"), identifier=SHARED_RESOURCE, type="webcontent",
                **{f"{{{ADLCP}}}scormtype": "asset"})
    for name in shared:
        sub(asset, _cp("file"), href=quote(name))  # hrefs are URLs: "é" and spaces are escaped
    return xml_bytes(root)


def package(course: Course) -> Package:
    shared = shared_files(course)
    schemas = schema_files(SCORM12_DIR)
    files = {**schemas, **shared, **module_files(course, NAME)}
    files["imsmanifest.xml"] = manifest(course, sorted(shared))
    return Package(NAME, files, "imsmanifest.xml", "scorm12", tuple(sorted(schemas)))
