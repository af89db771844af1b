"""What a package is, from its file names alone, the way an LMS decides on upload.

Moodle accepts a zip whose root holds exactly `imsmanifest.xml` (SCORM), or any
`.cst` file (AICC); a manifest only inside a folder is `badimsmanifestlocation`,
nothing at all is `nomanifest`. cmi5 players look for `cmi5.xml` at the root,
xAPI players for `tincan.xml`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from validators.findings import Finding
from validators.packages.catalog import finding
from validators.packages.source import PackageSource, is_junk

DESCRIPTORS = (("imsmanifest.xml", "scorm12"), ("cmi5.xml", "cmi5"), ("tincan.xml", "xapi"))
AICC_SUFFIXES = (".crs", ".des", ".au", ".cst", ".ort", ".pre", ".cmp")


@dataclass
class Descriptor:
    kind: str  # refined by the manifest itself for SCORM
    name: str | None  # the descriptor file to read, if any
    findings: list[Finding] = field(default_factory=list)


def find_descriptor(source: PackageSource) -> Descriptor:
    names = [name for name in source.names() if not is_junk(name)]
    for expected, kind in DESCRIPTORS:
        if source.has(expected):
            return Descriptor(kind, expected)
    for expected, kind in DESCRIPTORS:
        actual = source.case_variant(expected)
        if actual is not None:
            return Descriptor(kind, actual, [finding("PACKAGE-MANIFEST-CASE", file=actual, name=actual,
                                                     expected=expected)])
    aicc = [name for name in names if name.lower().endswith(AICC_SUFFIXES)]
    suffixes = {name.rsplit(".", 1)[-1].lower() for name in aicc}
    # Moodle takes any .cst file as AICC; a course without one still needs .crs, .au and .des.
    if "cst" in suffixes or {"crs", "au", "des"} <= suffixes:
        return Descriptor("aicc", None, [finding("PACKAGE-AICC-UNSUPPORTED", file=aicc[0], name=aicc[0])])
    for expected, _kind in DESCRIPTORS:
        nested = [name for name in names if name.rsplit("/", 1)[-1].casefold() == expected]
        if nested:
            nested.sort(key=lambda name: (name.count("/"), name))
            return Descriptor("zip", None, [finding("PACKAGE-MANIFEST-LOCATION", file=nested[0], name=nested[0])])
    return Descriptor("zip", None, [finding("PACKAGE-NO-MANIFEST")])
