"""The entry points: a package (zip or folder) or a descriptor on its own, to a report."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from validators.findings import Finding
from validators.packages import cmi5, content, moodle, scorm, sequencing, tincan
from validators.packages.catalog import finding
from validators.packages.detect import Descriptor, find_descriptor
from validators.packages.manifest import NS, XML_BASE, manifest_kind, read_manifest, schema_kind
from validators.packages.refs import join_base, lookup, resolve
from validators.packages.report import TARGETS, PackageReport, UnreadablePackage
from validators.packages.source import TEXT_LIMIT, DirectorySource, EntryUnreadable, PackageSource
from validators.packages.xmlread import local_name, parse, schema_findings
from validators.packages.zipsafety import DEFAULT_LIMITS, ZipLimits, open_zip

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
ZIP_SUFFIXES = (".zip", ".pif")
STANDALONE_LIMIT = 32 * 1024 * 1024
WEB_INDEX = "index.html"


def validate_package(path: str | Path, target: str = "moodle", *, limits: ZipLimits = DEFAULT_LIMITS) -> PackageReport:
    """Validate a `.zip`, an unpacked package folder, or a standalone imsmanifest.xml / cmi5.xml / tincan.xml."""
    if target not in TARGETS:
        raise ValueError(f"target must be one of {', '.join(TARGETS)}, not {target!r}")
    location = Path(path)
    if location.is_dir():
        return _validate_folder(location, target)
    try:
        with open(location, "rb") as stream:
            head = stream.read(4)
    except OSError as error:
        raise _unreadable(location, error) from error
    if head in ZIP_MAGIC or location.suffix.lower() in ZIP_SUFFIXES:
        return _validate_zip(location, target, limits)
    return _validate_standalone(location, target)


def validate_manifest_xml(data: bytes, kind: str, *, file: str = "imsmanifest.xml",
                          target: str = "strict") -> list[Finding]:
    """Check a descriptor before it is zipped: XML, XSD and every rule that needs no other file.

    `kind` is `scorm12`, `scorm2004` (or an edition such as `scorm2004-4th`), `cmi5` or `xapi`.
    """
    if kind not in ("cmi5", "xapi") and not kind.startswith("scorm"):
        raise ValueError(f"unknown descriptor kind {kind!r}")
    if target not in TARGETS:
        raise ValueError(f"target must be one of {', '.join(TARGETS)}, not {target!r}")
    tree, found = parse(data, file)
    if tree is None:
        return found
    root = tree.getroot()
    if kind == "cmi5":
        found += schema_findings(tree, "cmi5", file, "CMI5-SCHEMA")
        found += cmi5.check_course_structure(root, file, None, standalone=False)
    elif kind == "xapi":
        found += tincan.check_tincan(root, file, None)
    else:
        detected = manifest_kind(root)
        if detected is None:
            return found + [finding("PACKAGE-NOT-RECOGNISED", file=file, line=root.sourceline, root=root.tag)]
        found += _manifest_findings(tree, detected, file, None, target)
    return found


def _unreadable(location: Path, error: OSError) -> UnreadablePackage:
    reason = error.strerror or str(error)
    if isinstance(error, FileNotFoundError):
        return UnreadablePackage(str(location), f"{location} : fichier ou dossier introuvable",
                                 f"{location}: no such file or folder")
    return UnreadablePackage(str(location), f"{location} : lecture impossible ({reason})",
                             f"{location}: cannot be read ({reason})")


def _validate_folder(location: Path, target: str) -> PackageReport:
    try:
        source = DirectorySource(location)
    except OSError as error:
        raise _unreadable(location, error) from error
    report = PackageReport(str(location), "zip", target)
    report.findings += [finding("PACKAGE-SYMLINK", file=name, name=name) for name in source.symlinks]
    _validate_source(report, source, folder=True)
    report.sort()
    return report


def _validate_zip(location: Path, target: str, limits: ZipLimits) -> PackageReport:
    report = PackageReport(str(location), "zip", target)
    try:
        inspection = open_zip(location, limits)
    except OSError as error:
        raise _unreadable(location, error) from error
    report.findings += inspection.findings
    if inspection.source is None:
        report.kind = "unknown"
    elif not inspection.refused:
        try:
            _validate_source(report, inspection.source)
        finally:
            inspection.source.close()
    else:
        inspection.source.close()
    report.sort()
    return report


def _validate_standalone(location: Path, target: str) -> PackageReport:
    report = PackageReport(str(location), "unknown", target)
    try:
        with open(location, "rb") as stream:
            data = stream.read(STANDALONE_LIMIT)
    except OSError as error:
        raise _unreadable(location, error) from error
    file = location.name
    tree, found = parse(data, file)
    report.findings += found
    if tree is not None:
        root = tree.getroot()
        if manifest_kind(root):
            report.kind = manifest_kind(root) or "unknown"
            report.findings += _manifest_findings(tree, report.kind, file, None, target)
            report.findings.append(finding("PACKAGE-FILES-NOT-CHECKED", file=file))
        elif cmi5.is_course_structure(root):
            report.kind = "cmi5"
            report.findings += schema_findings(tree, "cmi5", file, "CMI5-SCHEMA")
            report.findings += cmi5.check_course_structure(root, file, None, standalone=True)
        elif tincan.is_tincan(root):
            report.kind = "xapi"
            report.findings += tincan.check_tincan(root, file, None)
            report.findings.append(finding("PACKAGE-FILES-NOT-CHECKED", file=file))
        else:
            report.findings.append(finding("PACKAGE-NOT-RECOGNISED", file=file, line=root.sourceline, root=root.tag))
    report.sort()
    return report


def _validate_source(report: PackageReport, source: PackageSource, folder: bool = False) -> None:
    """Detection, the descriptor's rules, then the content, for a zip or a folder.

    A folder with no descriptor but an `index.html` is a static web site (such as
    `parcours build --format web` writes): its pages are checked, its index is the entry point.
    """
    descriptor: Descriptor = find_descriptor(source)
    if folder and descriptor.name is None and descriptor.kind == "zip" and source.has(WEB_INDEX):
        report.kind = "web"
        report.findings += content.check_content(source, {WEB_INDEX} | _web_pages(source))
        return
    report.kind = descriptor.kind
    report.findings += descriptor.findings
    entry_points: set[str] | None = None
    if descriptor.name is not None and descriptor.kind != "aicc":
        found, entry_points = _descriptor_findings(report, descriptor.name, source)
        report.findings += found
    report.findings += content.check_content(source, entry_points)
    if report.target == "moodle" and report.kind == "scorm12":
        report.findings += moodle.check_scripts(source)
    if report.target == "moodle" and report.kind.startswith("scorm2004"):
        report.findings += moodle.check_navigation_requests(source)


def _descriptor_findings(report: PackageReport, name: str,
                         source: PackageSource) -> tuple[list[Finding], set[str] | None]:
    """The descriptor's findings, and the package files it launches or lists (None if unknown)."""
    try:
        data = source.read(name, TEXT_LIMIT)
    except EntryUnreadable as error:
        return [finding("ZIP-ENTRY-UNREADABLE", file=name, name=name, reason=str(error))], None
    tree, found = parse(data, name)
    if tree is None:
        report.kind = "unknown"
        return found, None
    root = tree.getroot()
    if report.kind == "cmi5":
        found = (schema_findings(tree, "cmi5", name, "CMI5-SCHEMA")
                 + cmi5.check_course_structure(root, name, source, standalone=False))
        return found, cmi5.launched_files(root)
    if report.kind == "xapi":
        return tincan.check_tincan(root, name, source), tincan.launched_files(root)
    kind = manifest_kind(root)
    if kind is None:
        report.kind = "unknown"
        return [finding("PACKAGE-NOT-RECOGNISED", file=name, line=root.sourceline, root=root.tag)], None
    report.kind = kind
    manifest = read_manifest(root, kind)
    return _manifest_findings(tree, kind, name, source, report.target), scorm.listed_files(manifest)


def _manifest_findings(tree: etree._ElementTree, kind: str, file: str, source: PackageSource | None,
                       target: str) -> list[Finding]:
    root = tree.getroot()
    found = schema_findings(tree, schema_kind(root), file)
    manifest = read_manifest(root, kind)
    found += scorm.check_structure(manifest, file, target)
    if manifest.is_2004:
        found += sequencing.check_sequencing(manifest, file)
    if target == "moodle":
        found += moodle.check_manifest(manifest, file)
    if source is not None:
        found += scorm.check_files(manifest, file, source, target)
        found += scorm.check_typing(manifest, file, source)
        found += _metadata_findings(root, file, source, target)
    return found


def _metadata_findings(root: etree._Element, file: str, source: PackageSource, target: str) -> list[Finding]:
    """Metadata files named by adlcp:location exist in the package and match their schema.

    Moodle never reads them, so for that target a missing one is a warning.
    """
    found: list[Finding] = []
    locations = [el for key in ("adlcp12", "adlcp2004") for el in root.iter(f"{{{NS[key]}}}location")]
    for element in locations:
        href = (element.text or "").strip()
        ref = resolve(href, _metadata_base(element))
        if ref.kind == "external":
            found.append(finding("METADATA-EXTERNAL", file=file, line=element.sourceline, href=href))
            continue
        if ref.kind != "local":
            continue
        status, _actual = lookup(source, ref.path)
        if status != "ok":
            found.append(finding("METADATA-MISSING", file=file, line=element.sourceline, href=href,
                                 severity="warning" if target == "moodle" else "error"))
            continue
        try:
            tree, parsed = parse(source.read(ref.path), ref.path)
        except EntryUnreadable as error:
            found.append(finding("ZIP-ENTRY-UNREADABLE", file=ref.path, name=ref.path, reason=str(error)))
            continue
        found += parsed
        if tree is None:
            continue
        metadata_namespace = etree.QName(tree.getroot()).namespace
        if metadata_namespace == NS["imsmd12"]:
            found += schema_findings(tree, "imsmd", ref.path)
        elif metadata_namespace == NS["lom"]:
            found += schema_findings(tree, "lom", ref.path)
    return found


def _metadata_base(element: etree._Element) -> str:
    """A resource's metadata is relative to that resource's xml:base (SCORM 2004 CAM)."""
    bases = []
    for ancestor in element.iterancestors():
        if local_name(ancestor) in ("manifest", "resources", "resource"):
            bases.append(ancestor.get(XML_BASE))
    return join_base(*reversed(bases))


def _web_pages(source: PackageSource) -> set[str]:
    """The pages a web site's learner reaches: every HTML file of the site."""
    return {name for name in source.names() if name.lower().endswith((".html", ".htm"))}
