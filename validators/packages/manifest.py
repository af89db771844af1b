"""The parts of an imsmanifest.xml that the rules need, read once, namespace-aware.

SCORM 1.2 and SCORM 2004 share IMS Content Packaging: organizations of items that
point at resources, which list their files. Only the namespaces and the spelling
of `adlcp:scormtype` / `adlcp:scormType` differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from validators.packages.xmlread import local_name

XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"

NS = {
    "cp12": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "cp2004": "http://www.imsglobal.org/xsd/imscp_v1p1",
    "adlcp12": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
    "adlcp2004": "http://www.adlnet.org/xsd/adlcp_v1p3",
    "imsss": "http://www.imsglobal.org/xsd/imsss",
    "adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3",
    "adlnav": "http://www.adlnet.org/xsd/adlnav_v1p3",
    "imsmd12": "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1",
    "lom": "http://ltsc.ieee.org/xsd/LOM",
}

SCORM2004_VERSIONS = {
    "2004 4th Edition": "scorm2004-4th",
    "2004 3rd Edition": "scorm2004-3rd",
    "CAM 1.3": "scorm2004-2nd",
}


def manifest_kind(root: etree._Element) -> str | None:
    """`scorm12` or `scorm2004-2nd|3rd|4th`, from the namespace and `<schemaversion>`; None if not a manifest."""
    if local_name(root) != "manifest":
        return None
    namespace = etree.QName(root).namespace
    version = schema_version(root)
    if namespace == NS["cp12"] or version == "1.2":
        return "scorm12"
    if namespace == NS["cp2004"]:
        return SCORM2004_VERSIONS.get(version or "", "scorm2004-4th")
    # Another or no namespace: the XSD will say so; the version decides how an LMS reads it.
    return SCORM2004_VERSIONS.get(version or "", "scorm12")


def schema_kind(root: etree._Element) -> str:
    """The wrapper schema matching the manifest's own namespace (some SCORM 1.2 tools use IMS CP 1.1.4's)."""
    return "scorm2004" if etree.QName(root).namespace == NS["cp2004"] else "scorm12"


def schema_version(root: etree._Element) -> str | None:
    for child in root:
        if local_name(child) == "metadata":
            for grandchild in child:
                if local_name(grandchild) == "schemaversion":
                    return (grandchild.text or "").strip()
    return None


@dataclass
class Resource:
    element: etree._Element
    identifier: str
    href: str | None
    base: str
    scorm_type: str  # "sco" or "asset"
    files: list[tuple[str, int]] = field(default_factory=list)
    dependencies: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Item:
    element: etree._Element
    identifier: str
    identifierref: str | None
    organization: str
    children: list["Item"] = field(default_factory=list)


@dataclass
class Manifest:
    """The content packaging view of one manifest."""

    root: etree._Element
    kind: str
    cp: str
    adlcp: str
    organizations_element: etree._Element | None
    organizations: list[etree._Element]
    items: list[Item]  # every item, depth first
    top_items: dict[str, list[Item]]  # organization identifier -> its items
    resources: dict[str, Resource]
    resource_elements: list[Resource]
    manifest_base: str | None
    resources_base: str | None

    @property
    def is_2004(self) -> bool:
        return self.kind.startswith("scorm2004")

    @property
    def prefix(self) -> str:
        return "SCORM2004" if self.is_2004 else "SCORM12"

    def q(self, namespace_key: str, name: str) -> str:
        return f"{{{NS[namespace_key]}}}{name}"

    def adl(self, name: str) -> str:
        return f"{{{self.adlcp}}}{name}"


def read_manifest(root: etree._Element, kind: str) -> Manifest:
    cp = etree.QName(root).namespace or ""
    adlcp = NS["adlcp2004"] if kind.startswith("scorm2004") else NS["adlcp12"]
    organizations_element = root.find(f"{{{cp}}}organizations")
    organizations = [] if organizations_element is None else organizations_element.findall(f"{{{cp}}}organization")
    items: list[Item] = []
    top_items: dict[str, list[Item]] = {}
    for organization in organizations:
        org_id = organization.get("identifier", "")
        top_items[org_id] = [_read_item(child, cp, org_id, items) for child in organization.findall(f"{{{cp}}}item")]
    resources_element = root.find(f"{{{cp}}}resources")
    scorm_type_attribute = f"{{{adlcp}}}{'scormType' if kind.startswith('scorm2004') else 'scormtype'}"
    resource_list: list[Resource] = []
    if resources_element is not None:
        for element in resources_element.findall(f"{{{cp}}}resource"):
            resource = Resource(
                element=element,
                identifier=element.get("identifier", ""),
                href=element.get("href"),
                base=element.get(XML_BASE, ""),
                scorm_type=(element.get(scorm_type_attribute) or "asset").strip().lower(),
                files=[(f.get("href", ""), f.sourceline) for f in element.findall(f"{{{cp}}}file")],
                dependencies=[(d.get("identifierref", ""), d.sourceline)
                              for d in element.findall(f"{{{cp}}}dependency")],
            )
            resource_list.append(resource)
    return Manifest(
        root=root,
        kind=kind,
        cp=cp,
        adlcp=adlcp,
        organizations_element=organizations_element,
        organizations=organizations,
        items=items,
        top_items=top_items,
        resources={resource.identifier: resource for resource in reversed(resource_list)},
        resource_elements=resource_list,
        manifest_base=root.get(XML_BASE),
        resources_base=None if resources_element is None else resources_element.get(XML_BASE),
    )


def _read_item(element: etree._Element, cp: str, org_id: str, items: list[Item]) -> Item:
    item = Item(element, element.get("identifier", ""), element.get("identifierref"), org_id)
    items.append(item)
    item.children = [_read_item(child, cp, org_id, items) for child in element.findall(f"{{{cp}}}item")]
    return item
