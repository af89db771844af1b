"""What Moodle (and so Mentor) drops or breaks in a manifest that the specifications accept.

Moodle parses imsmanifest.xml without namespaces and matches literal prefixes
(`adlcp:`, `imsss:`, `adlnav:`, `adlseq:`), takes the version from
`<schemaversion>`, launches `resource@xml:base + href`, and does not run SCORM
2004 sequencing or shared data.
"""

from __future__ import annotations

import re

from lxml import etree

from validators.findings import Finding
from validators.packages.catalog import finding
from validators.packages.manifest import NS, XML_BASE, Manifest, schema_version
from validators.packages.source import EntryUnreadable, PackageSource, is_junk

MOODLE_2004_VERSIONS = {"1.3", "CAM 1.3", "2004 3rd Edition", "2004 4th Edition"}
_EXPECTED_PREFIXES = {
    NS["adlcp12"]: "adlcp",
    NS["adlcp2004"]: "adlcp",
    NS["imsss"]: "imsss",
    NS["adlseq"]: "adlseq",
    NS["adlnav"]: "adlnav",
}
# Sequencing that changes what learners may do or how results roll up; Moodle does not reproduce it.
# Plain `controlMode` flow/choice and `deliveryControls` match how Moodle plays a package anyway.
_SEQUENCING_ELEMENTS = ("sequencingRules", "rollupRules", "limitConditions", "randomizationControls",
                        "sequencingCollection", "mapInfo")
_RESTRICTIVE_CONTROL = (("choice", "false"), ("choiceExit", "false"), ("forwardOnly", "true"))
SUSPEND_DATA_LIMIT = 4096
LESSON_LOCATION_LIMIT = 255


def check_manifest(manifest: Manifest, file: str) -> list[Finding]:
    found: list[Finding] = []
    found.extend(_prefixes(manifest.root, file))
    if manifest.is_2004:
        version = schema_version(manifest.root)
        if version not in MOODLE_2004_VERSIONS:
            found.append(finding("MOODLE-SCHEMAVERSION", file=file, line=manifest.root.sourceline, value=version or ""))
        found.extend(_sequencing(manifest.root, file))
        shared = manifest.root.find(f".//{{{NS['adlcp2004']}}}data")
        if shared is not None:
            found.append(finding("MOODLE-SHARED-DATA", file=file, line=shared.sourceline))
    if len(manifest.organizations) > 1:
        found.append(finding("MOODLE-MULTIPLE-ORGANIZATIONS", file=file, line=manifest.organizations[1].sourceline,
                             count=len(manifest.organizations)))
    resources = manifest.root.find(f"{{{manifest.cp}}}resources")
    for element, name in ((manifest.root, "manifest"), (resources, "resources")):
        if element is not None and element.get(XML_BASE):
            found.append(finding("MOODLE-XMLBASE-IGNORED", file=file, line=element.sourceline, element=name))
    return found


def _prefixes(root: etree._Element, file: str) -> list[Finding]:
    """One finding per namespace bound to a prefix Moodle will not recognise."""
    reported: set[str] = set()
    found: list[Finding] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        names = [(element.tag, element.prefix)]
        names += [(attribute, _attribute_prefix(element, attribute)) for attribute in element.attrib]
        for name, prefix in names:
            namespace = etree.QName(name).namespace
            expected = _EXPECTED_PREFIXES.get(namespace or "")
            if expected and prefix != expected and namespace not in reported:
                reported.add(namespace)
                found.append(finding("MOODLE-PREFIX", file=file, line=element.sourceline, namespace=namespace,
                                     prefix=prefix or "", expected=expected))
    return found


def _attribute_prefix(element: etree._Element, attribute: str) -> str | None:
    namespace = etree.QName(attribute).namespace
    if namespace is None:
        return None
    prefixes = [prefix for prefix, uri in element.nsmap.items() if uri == namespace]
    expected = _EXPECTED_PREFIXES.get(namespace)
    return expected if expected in prefixes else (prefixes[0] if prefixes else None)


def _sequencing(root: etree._Element, file: str) -> list[Finding]:
    elements = [el for name in _SEQUENCING_ELEMENTS for el in root.iter(f"{{{NS['imsss']}}}{name}")]
    elements += [el for el in root.iter(f"{{{NS['imsss']}}}controlMode")
                 if any(el.get(attribute) == value for attribute, value in _RESTRICTIVE_CONTROL)]
    elements += [el for el in root.iter(f"{{{NS['adlseq']}}}*") if etree.QName(el).localname != "objectives"]
    if not elements:
        return []
    elements.sort(key=lambda el: el.sourceline or 0)
    names = sorted({f"{el.prefix or ''}:{etree.QName(el).localname}".lstrip(":") for el in elements})
    return [finding("MOODLE-SEQUENCING-IGNORED", file=file, line=elements[0].sourceline, count=len(elements),
                    elements=", ".join(names[:6]) + (", …" if len(names) > 6 else ""))]


# Scripts that say how much they store: a literal written to the element, a cut-off
# length applied to it, or a constant named after it.
_SUSPEND_LITERAL = re.compile(r"""cmi\.suspend_data["']\s*,\s*(["'])((?:\\.|(?!\1).)*)\1""")
_LOCATION_LITERAL = re.compile(r"""cmi\.core\.lesson_location["']\s*,\s*(["'])((?:\\.|(?!\1).)*)\1""")
_SUSPEND_CONSTANT = re.compile(r"""\b\w*suspend_?data\w*\s*[:=]\s*(\d{4,9})\b""", re.IGNORECASE)
_LOCATION_CONSTANT = re.compile(
    r"""\b\w*(?:lesson_?location|bookmark)\w*(?:max|limit|length|size)\w*\s*[:=]\s*(\d{3,9})\b"""
    r"""|\b\w*(?:max|limit)\w*(?:lesson_?location|bookmark)\w*\s*[:=]\s*(\d{3,9})\b""",
    re.IGNORECASE,
)
_CUT = re.compile(r"""\.(?:substr|substring|slice)\(\s*0\s*,\s*(\d{3,9})\s*\)""")


def _scripts(source: PackageSource, marker: str):
    """(name, text) of every script or page that mentions `marker`."""
    for name in source.names():
        if is_junk(name) or not name.lower().endswith((".js", ".html", ".htm")):
            continue
        try:
            text = source.read(name).decode("utf-8", "replace")
        except EntryUnreadable:
            continue
        if marker in text:
            yield name, text


_JUMP = re.compile(r"""adl\.nav\.request["']\s*,\s*["']((?:\{target=[^}"']*\})?jump)["']""")


def check_navigation_requests(source: PackageSource) -> list[Finding]:
    """SCORM 2004: navigation requests the content issues that Moodle's data model refuses."""
    found: list[Finding] = []
    for name, text in _scripts(source, "adl.nav.request"):
        for match in _JUMP.finditer(text):
            found.append(finding("MOODLE-NAVIGATION-IGNORED", file=name, line=_line_of(text, match.start()),
                                 request=match.group(1)))
    return found


def check_scripts(source: PackageSource) -> list[Finding]:
    """SCORM 1.2 limits: only when the content's own scripts reveal they write more."""
    found: list[Finding] = []
    for name, text in _scripts(source, "cmi."):
        if "suspend_data" not in text and "lesson_location" not in text:
            continue
        suspend, where = _largest(text, _SUSPEND_LITERAL, _SUSPEND_CONSTANT, "cmi.suspend_data")
        if suspend > SUSPEND_DATA_LIMIT:
            found.append(finding("MOODLE-SUSPEND-DATA-LIMIT", file=name, line=_line_of(text, where), size=suspend))
        location, where = _largest(text, _LOCATION_LITERAL, _LOCATION_CONSTANT, "cmi.core.lesson_location")
        if location > LESSON_LOCATION_LIMIT:
            found.append(finding("MOODLE-LESSON-LOCATION-LIMIT", file=name, line=_line_of(text, where),
                                 size=location))
    return found


def _largest(text: str, literal: re.Pattern[str], constant: re.Pattern[str], element: str) -> tuple[int, int]:
    """The largest size the scripts reveal, and where it is said."""
    sizes = [(len(match.group(2)), match.start()) for match in literal.finditer(text)]
    sizes += [(int(next(group for group in match.groups() if group)), match.start())
              for match in constant.finditer(text)]
    offset = 0
    for line in text.splitlines(keepends=True):
        if element in line:
            sizes += [(int(match.group(1)), offset + match.start()) for match in _CUT.finditer(line)]
        offset += len(line)
    return max(sizes, default=(0, 0))


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1
