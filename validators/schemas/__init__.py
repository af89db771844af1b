"""The official XML schemas (byte-exact copies, see README.md), compiled offline.

lxml ignores an instance's `xsi:schemaLocation`, so each format gets an in-memory
wrapper schema made of `xs:import` lines. Two files cannot be used as shipped
and are fixed in memory only, through a resolver: the 4th-edition `imscp_v1p1.xsd`
imports `http://www.w3.org/2001/xml.xsd` from the network, and the SCORM 1.2
`imsmd_rootv1p2p1.xsd` breaks Unique Particle Attribution with `##any`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

SCHEMA_DIR = Path(__file__).resolve().parent
SCORM12_DIR = SCHEMA_DIR / "scorm12"
SCORM2004_DIR = SCHEMA_DIR / "scorm2004-4th"
CMI5_DIR = SCHEMA_DIR / "cmi5"

XML_XSD_URL = "http://www.w3.org/2001/xml.xsd"

# Namespace URI -> schema file, per wrapper. The file paths are relative to the wrapper's folder.
_WRAPPERS: dict[str, tuple[Path, tuple[tuple[str, str], ...]]] = {
    "scorm12": (
        SCORM12_DIR,
        (
            ("http://www.imsproject.org/xsd/imscp_rootv1p1p2", "imscp_rootv1p1p2.xsd"),
            ("http://www.adlnet.org/xsd/adlcp_rootv1p2", "adlcp_rootv1p2.xsd"),
            ("http://www.imsglobal.org/xsd/imsmd_rootv1p2p1", "imsmd_rootv1p2p1.xsd"),
        ),
    ),
    "scorm2004": (
        SCORM2004_DIR,
        (
            ("http://www.w3.org/XML/1998/namespace", "xml.xsd"),
            ("http://www.imsglobal.org/xsd/imscp_v1p1", "imscp_v1p1.xsd"),
            ("http://www.adlnet.org/xsd/adlcp_v1p3", "adlcp_v1p3.xsd"),
            ("http://www.adlnet.org/xsd/adlseq_v1p3", "adlseq_v1p3.xsd"),
            ("http://www.adlnet.org/xsd/adlnav_v1p3", "adlnav_v1p3.xsd"),
            ("http://www.imsglobal.org/xsd/imsss", "imsss_v1p0.xsd"),
            ("http://ltsc.ieee.org/xsd/LOM", "lom.xsd"),
        ),
    ),
    # External metadata files named by adlcp:location.
    "imsmd": (
        SCORM12_DIR,
        (("http://www.imsglobal.org/xsd/imsmd_rootv1p2p1", "imsmd_rootv1p2p1.xsd"),),
    ),
    "lom": (
        SCORM2004_DIR,
        (
            ("http://www.w3.org/XML/1998/namespace", "xml.xsd"),
            ("http://ltsc.ieee.org/xsd/LOM", "lom.xsd"),
        ),
    ),
    "cmi5": (
        CMI5_DIR,
        (("https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd", "CourseStructure.xsd"),),
    ),
}

SCHEMA_KINDS = tuple(_WRAPPERS)


class _OfflineResolver(etree.Resolver):
    """Serves the two schema files that cannot be used as shipped, without touching the disk copies."""

    def resolve(self, system_url, public_id, context):  # noqa: ANN001 - lxml's signature
        if system_url == XML_XSD_URL:
            return self.resolve_filename(str(SCORM2004_DIR / "xml.xsd"), context)
        if system_url and system_url.endswith("imsmd_rootv1p2p1.xsd"):
            return self.resolve_string(_patched_imsmd(), context, base_url=system_url)
        return None


@cache
def _patched_imsmd() -> bytes:
    # `##other` keeps the extension point for foreign namespaces and restores determinism.
    data = (SCORM12_DIR / "imsmd_rootv1p2p1.xsd").read_bytes()
    return data.replace(b'namespace="##any"', b'namespace="##other"')


def schema_parser() -> etree.XMLParser:
    """A parser for schema documents: no network, no entity expansion, offline resolver."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    parser.resolvers.add(_OfflineResolver())
    return parser


@cache
def load_schema(kind: str) -> etree.XMLSchema:
    """The compiled schema for `scorm12`, `scorm2004`, `cmi5`, `imsmd` or `lom`; compiled once per process."""
    try:
        folder, imports = _WRAPPERS[kind]
    except KeyError:
        raise ValueError(f"unknown schema kind {kind!r}; expected one of {', '.join(SCHEMA_KINDS)}") from None
    lines = [
        f'<xs:import namespace="{namespace}" schemaLocation="{location}"/>' for namespace, location in imports
    ]
    wrapper = (
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">' + "".join(lines) + "</xs:schema>"
    ).encode()
    document = etree.fromstring(wrapper, schema_parser(), base_url=(folder / "wrapper.xsd").as_uri())
    return etree.XMLSchema(document)
