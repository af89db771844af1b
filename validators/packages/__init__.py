"""Package validation: SCORM 1.2, SCORM 2004, cmi5, xAPI (tincan.xml), AICC and plain zips.

`validate_package()` reads a `.zip` (streaming, nothing extracted), an unpacked
package folder, or a standalone `imsmanifest.xml` / `cmi5.xml` / `tincan.xml`,
and returns every finding with its code, severity, file, line, messages and source.
"""

from validators.packages.report import KINDS, TARGETS, PackageReport, UnreadablePackage
from validators.packages.validate import validate_manifest_xml, validate_package

__all__ = [
    "KINDS",
    "TARGETS",
    "PackageReport",
    "UnreadablePackage",
    "validate_manifest_xml",
    "validate_package",
]
