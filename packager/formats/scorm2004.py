"""SCORM 2004 4th Edition: one SCO a module, simple sequencing, IEEE LOM metadata."""

from __future__ import annotations

from lxml import etree

from packager.course.model import Course, Module, Text
from packager.formats import content_package
from packager.formats.base import Package, lang_strings, licence_text, qualified, sub, vcard
from validators.schemas import SCORM2004_DIR

NAME = "scorm2004"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
ADLCP = "http://www.adlnet.org/xsd/adlcp_v1p3"
ADLSEQ = "http://www.adlnet.org/xsd/adlseq_v1p3"
ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"
IMSSS = "http://www.imsglobal.org/xsd/imsss"
LOM = "http://ltsc.ieee.org/xsd/LOM"
SCORM = content_package.Scorm(
    name=NAME,
    cp=CP,
    adlcp=ADLCP,
    namespaces={"adlcp": ADLCP, "adlseq": ADLSEQ, "adlnav": ADLNAV, "imsss": IMSSS, "lom": LOM},
    schema_location=" ".join((
        f"{CP} imscp_v1p1.xsd",
        f"{ADLCP} adlcp_v1p3.xsd",
        f"{ADLSEQ} adlseq_v1p3.xsd",
        f"{ADLNAV} adlnav_v1p3.xsd",
        f"{IMSSS} imsss_v1p0.xsd",
        f"{LOM} lom.xsd",
    )),
    schema_version="2004 4th Edition",
    scorm_type="scormType",
    schema_dir=SCORM2004_DIR,
)
_lom = qualified(LOM)
_ss = qualified(IMSSS)


def _strings(parent: etree._Element, tag: str, text: Text) -> None:
    lang_strings(parent, _lom(tag), _lom("string"), text, "language")


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


def _item_details(item: etree._Element, module: Module) -> None:
    # all pages seen is progress 1; the runtime reports completion itself
    sub(item, f"{{{ADLCP}}}completionThreshold", completedByMeasure="false", minProgressMeasure="1.0")
    _sequencing(item, module.id, module.mastery_score)


def _free_navigation(organization: etree._Element) -> None:
    # learners move freely between modules, in order or by choosing one
    sequencing = sub(organization, _ss("sequencing"))
    sub(sequencing, _ss("controlMode"), choice="true", flow="true")


def manifest(course: Course, shared: list[str]) -> bytes:
    return content_package.manifest(course, shared, SCORM, lom(course), _item_details, _free_navigation)


def package(course: Course) -> Package:
    return content_package.package(course, SCORM, manifest)
