"""SCORM 2004 4th Edition: one SCO a module, simple sequencing, IEEE LOM metadata."""

from __future__ import annotations

from urllib.parse import quote

from lxml import etree

from packager.course.model import Course, Text
from packager.formats.base import (
    XSI, Package, licence_text, module_files, ncname, schema_files, shared_files, sub, vcard, xml_bytes,
)
from packager.layout import module_document
from validators.schemas import SCORM2004_DIR

NAME = "scorm2004"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP = "http://www.adlnet.org/xsd/adlcp_v1p3"
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"
ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
LOM = "http://ltsc.ieee.org/xsd/LOM"
SCHEMA_LOCATION = " ".join((
    f"{CP} imscp_v1p1.xsd",
    f"{ADLCP} adlcp_v1p3.xsd",
    f"{ADLSEQ} adlseq_v1p3.xsd",
    f"{ADLNAV} adlnav_v1p3.xsd",
    f"{IMSSS} imsss_v1p0.xsd",
    f"{LOM} lom.xsd",
))
SHARED_RESOURCE = "RES-shared"


def _cp(tag: str) -> str:
    return f"{{{CP}}}{tag}"


def _lom(tag: str) -> str:
    return f"{{{LOM}}}{tag}"


def _ss(tag: str) -> str:
    return f"{{{IMSSS}}}{tag}"


def _strings(parent: etree._Element, tag: str, text: Text) -> None:
    element = sub(parent, _lom(tag))
    for language, value in text.values.items():
        sub(element, _lom("string"), value, language=language)


def _vocabulary(parent: etree._Element, tag: str, value: str) -> None:
    element = sub(parent, _lom(tag))
    sub(element, _lom("source"), "LOMv1.0")
    sub(element, _lom("value"), value)


def lom(course: Course) -> etree._Element:
    """IEEE LOM (strict vocabularies): title, description, language, version, authors, licence."""
    root = etree.Element(_lom("lom"))
    general = sub(root, _lom("general"))
    identifier = sub(general, _lom("identifier"))
    sub(identifier, _lom("catalog"), "URI")
    sub(identifier, _lom("entry"), course.id)
    _strings(general, "title", course.title)
    sub(general, _lom("language"), course.language)
    if course.description:
        _strings(general, "description", course.description)
    for keyword in course.keywords:
        _strings(general, "keyword", Text({course.language: keyword}))
    lifecycle = sub(root, _lom("lifeCycle"))
    _strings(lifecycle, "version", Text({course.language: course.version}))
    for author in course.authors:
        contribute = sub(lifecycle, _lom("contribute"))
        _vocabulary(contribute, "role", "author")
        sub(contribute, _lom("entity"), vcard(author.name, author.organisation, author.email))
    meta = sub(root, _lom("metaMetadata"))
    sub(meta, _lom("metadataSchema"), "LOMv1.0")
    technical = sub(root, _lom("technical"))
    sub(technical, _lom("format"), "text/html")
    educational = sub(root, _lom("educational"))
    if course.duration:
        learning_time = sub(educational, _lom("typicalLearningTime"))
        sub(learning_time, _lom("duration"), course.duration)
    sub(educational, _lom("language"), course.language)
    rights = sub(root, _lom("rights"))
    _vocabulary(rights, "cost", "no")
    _vocabulary(rights, "copyrightAndOtherRestrictions", "yes")
    _strings(rights, "description", Text({course.language: licence_text(course)}))
    return root


def _sequencing(item: etree._Element, module_id: str, mastery: float | None) -> None:
    """Objectives for quiz modules: satisfied when the scaled score reaches the mastery score."""
    sequencing = sub(item, _ss("sequencing"))
    if mastery is not None:
        objectives = sub(sequencing, _ss("objectives"))
        primary = sub(objectives, _ss("primaryObjective"), objectiveID=f"{module_id}#quiz",
                      satisfiedByMeasure="true")
        sub(primary, _ss("minNormalizedMeasure"), _decimal(mastery))
    sub(sequencing, _ss("deliveryControls"), completionSetByContent="true", objectiveSetByContent="true")


def _decimal(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(round(float(value), 4))


def manifest(course: Course, shared: list[str]) -> bytes:
    nsmap = {None: CP, "adlcp": ADLCP, "adlseq": ADLSEQ, "adlnav": ADLNAV, "imsss": IMSSS,
             "lom": LOM, "xsi": XSI}
    root = etree.Element(_cp("manifest"), nsmap=nsmap)
    root.set("identifier", ncname(f"MANIFEST-{course.id}"))
    root.set("version", course.version)
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    metadata = sub(root, _cp("metadata"))
    sub(metadata, _cp("schema"), "ADL SCORM")
    sub(metadata, _cp("schemaversion"), "2004 4th Edition")
    metadata.append(lom(course))
    organizations = sub(root, _cp("organizations"), default="ORG-1")
    organization = sub(organizations, _cp("organization"), identifier="ORG-1")
    sub(organization, _cp("title"), course.title_text())
    for module in course.modules:
        item = sub(organization, _cp("item"), identifier=f"ITEM-{module.key}",
                   identifierref=f"RES-{module.key}", isvisible="true")
        sub(item, _cp("title"), module.title)
        # all pages seen is progress 1; the runtime reports completion itself
        sub(item, f"{{{ADLCP}}}completionThreshold", completedByMeasure="false", minProgressMeasure="1.0")
        _sequencing(item, module.id, module.mastery_score)
    # learners move freely between modules, in order or by choosing one
    sequencing = sub(organization, _ss("sequencing"))
    sub(sequencing, _ss("controlMode"), choice="true", flow="true")
    resources = sub(root, _cp("resources"))
    for module in course.modules:
        document = module_document(module.key)
        resource = sub(resources, _cp("resource"), identifier=f"RES-{module.key}", type="webcontent",
                       href=document, **{f"{{{ADLCP}}}scormType": "sco"})
        sub(resource, _cp("file"), href=document)
        sub(resource, _cp("dependency"), identifierref=SHARED_RESOURCE)
    asset = sub(resources, _cp("resource"), identifier=SHARED_RESOURCE, type="webcontent",
                **{f"{{{ADLCP}}}scormType": "asset"})
    for name in shared:
        sub(asset, _cp("file"), href=quote(name))  # hrefs are URLs: "é" and spaces are escaped
    return xml_bytes(root)


def package(course: Course) -> Package:
    shared = shared_files(course)
    schemas = schema_files(SCORM2004_DIR)
    files = {**schemas, **shared, **module_files(course, NAME)}
    files["imsmanifest.xml"] = manifest(course, sorted(shared))
    return Package(NAME, files, "imsmanifest.xml", "scorm2004", tuple(sorted(schemas)))
