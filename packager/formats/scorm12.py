"""SCORM 1.2: one SCO a module, shared files in one asset resource, IMS MD 1.2.1 metadata."""

from __future__ import annotations

from lxml import etree

from packager.course.model import Course, Module, Text
from packager.formats import content_package
from packager.formats.base import Package, lang_strings, licence_text, qualified, sub, vcard
from packager.mastery import mastery_percent
from validators.schemas import SCORM12_DIR

NAME = "scorm12"
CP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCORM = content_package.Scorm(
    name=NAME,
    cp=CP,
    adlcp=ADLCP,
    namespaces={"adlcp": ADLCP, "imsmd": IMSMD},
    schema_location=f"{CP} imscp_rootv1p1p2.xsd {IMSMD} imsmd_rootv1p2p1.xsd {ADLCP} adlcp_rootv1p2.xsd",
    schema_version="1.2",
    scorm_type="scormtype",
    schema_dir=SCORM12_DIR,
)
_md = qualified(IMSMD)


def _langstrings(parent: etree._Element, tag: str, text: Text) -> None:
    lang_strings(parent, _md(tag), _md("langstring"), text, XML_LANG)


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


def _mastery(item: etree._Element, module: Module) -> None:
    if module.mastery_score is not None:
        sub(item, f"{{{ADLCP}}}masteryscore", mastery_percent(module.mastery_score))


def manifest(course: Course, shared: list[str]) -> bytes:
    return content_package.manifest(course, shared, SCORM, lom(course), _mastery)


def package(course: Course) -> Package:
    return content_package.package(course, SCORM, manifest)
