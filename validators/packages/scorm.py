"""Content packaging rules the XSDs cannot express, for SCORM 1.2 and SCORM 2004 manifests."""

from __future__ import annotations

import re

from validators.findings import Finding
from validators.packages.catalog import finding
from validators.packages.manifest import SCORM2004_VERSIONS, Manifest, Resource, schema_version
from validators.packages.refs import Ref, folder_of, join_base, lookup, resolve
from validators.packages.source import EntryUnreadable, PackageSource

# A SCO talks to the platform: these are the calls that prove it.
_API_12 = re.compile(rb"LMSInitialize|LMSSetValue|LMSGetValue|LMSFinish|LMSCommit")
_API_2004 = re.compile(rb"API_1484_11|\.Initialize\s*\(|\.SetValue\s*\(|\.Terminate\s*\(|\bInitialize\s*\(\s*[\"']")
_API_ANY = re.compile(_API_12.pattern + rb"|" + _API_2004.pattern)
_SCRIPT_SRC = re.compile(rb"<script[^>]*\bsrc\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_AICC_SCRIPT_STRING = re.compile(r'"[^"]*"')
_AICC_TOKEN = re.compile(r"[A-Za-z_][\w.\-:]*")
_AICC_WORDS = {"passed", "completed", "failed", "incomplete", "browsed", "not", "attempted"}


def check_structure(manifest: Manifest, file: str, target: str) -> list[Finding]:
    """Organizations, items and resources: every reference resolves, every launch is possible."""
    found: list[Finding] = []
    prefix = manifest.prefix
    found.extend(_schema_version(manifest, file))
    found.extend(_organizations(manifest, file, target))
    for item in manifest.items:
        if item.identifierref is None:
            continue
        resource = manifest.resources.get(item.identifierref)
        line = item.element.sourceline
        if resource is None:
            code = "MOODLE-IDENTIFIERREF-MISSING" if target == "moodle" else f"{prefix}-IDENTIFIERREF-MISSING"
            found.append(finding(code, file=file, line=line, item=item.identifier, ref=item.identifierref))
        elif not resource.href:
            found.append(finding(f"{prefix}-ITEM-NO-HREF", file=file, line=line, item=item.identifier,
                                 ref=item.identifierref))
        elif resource.scorm_type == "asset":
            found.extend(_asset_runtime_data(manifest, item.element, item.identifier, file))
    for resource in manifest.resource_elements:
        line = resource.element.sourceline
        if resource.scorm_type == "sco" and not resource.href:
            found.append(finding(f"{prefix}-SCO-WITHOUT-HREF", file=file, line=line, resource=resource.identifier))
        for ref, dep_line in resource.dependencies:
            if ref not in manifest.resources:
                found.append(finding(f"{prefix}-DEPENDENCY-MISSING", file=file, line=dep_line, ref=ref,
                                     resource=resource.identifier))
    if not manifest.is_2004:
        found.extend(_scorm12_items(manifest, file))
    return found


def _schema_version(manifest: Manifest, file: str) -> list[Finding]:
    value = schema_version(manifest.root)
    expected = ", ".join(SCORM2004_VERSIONS) if manifest.is_2004 else "1.2"
    accepted = SCORM2004_VERSIONS if manifest.is_2004 else {"1.2"}
    if value in accepted:
        return []
    # SCORM 1.2 resource packages without metadata pass ADL's CTS; SCORM 2004 requires it.
    severity = "info" if value is None and not manifest.is_2004 else None
    return [finding(f"{manifest.prefix}-SCHEMAVERSION", file=file, line=manifest.root.sourceline,
                    value=value or "", expected=expected, severity=severity)]


def _organizations(manifest: Manifest, file: str, target: str) -> list[Finding]:
    found: list[Finding] = []
    prefix = manifest.prefix
    element = manifest.organizations_element
    line = element.sourceline if element is not None else manifest.root.sourceline
    if not manifest.organizations:
        found.append(finding(f"{prefix}-NO-ORGANIZATION", file=file, line=line))
        return found
    default = element.get("default") if element is not None else None
    identifiers = {org.get("identifier") for org in manifest.organizations}
    if default is None:
        # IMS CP 1.1.2 (SCORM 1.2) leaves default optional; SCORM 2004 requires it.
        found.append(finding(f"{prefix}-NO-DEFAULT-ORG", file=file, line=line,
                             severity="error" if manifest.is_2004 else "warning"))
    elif default not in identifiers:
        code = "MOODLE-DEFAULT-ORG-MISSING" if target == "moodle" else f"{prefix}-DEFAULT-ORG-MISSING"
        found.append(finding(code, file=file, line=line, ref=default))
    for organization in manifest.organizations:
        org_id = organization.get("identifier", "")
        launchable = [
            item for item in manifest.items
            if item.organization == org_id and item.identifierref
            and (resource := manifest.resources.get(item.identifierref)) is not None and resource.href
        ]
        if not launchable:
            found.append(finding(f"{prefix}-EMPTY-ORGANIZATION", file=file, line=organization.sourceline, org=org_id))
    return found


def _asset_runtime_data(manifest: Manifest, element, identifier: str, file: str) -> list[Finding]:
    names = ("masteryscore", "datafromlms", "maxtimeallowed", "timelimitaction") if not manifest.is_2004 else (
        "dataFromLMS", "completionThreshold", "timeLimitAction")
    found = []
    for name in names:
        child = element.find(manifest.adl(name))
        if child is not None:
            found.append(finding(f"{manifest.prefix}-ASSET-RUNTIME-DATA", file=file, line=child.sourceline,
                                 item=identifier, element=f"adlcp:{name}"))
    return found


def _scorm12_items(manifest: Manifest, file: str) -> list[Finding]:
    found: list[Finding] = []
    identifiers = {item.identifier for item in manifest.items}
    for item in manifest.items:
        mastery = item.element.find(manifest.adl("masteryscore"))
        if mastery is not None:
            text = (mastery.text or "").strip()
            try:
                valid = 0 <= float(text) <= 100
            except ValueError:
                valid = False
            if not valid:
                found.append(finding("SCORM12-MASTERYSCORE", file=file, line=mastery.sourceline, value=text))
        prerequisites = item.element.find(manifest.adl("prerequisites"))
        if prerequisites is not None and (prerequisites.text or "").strip():
            script = _AICC_SCRIPT_STRING.sub(" ", prerequisites.text or "")
            for token in _AICC_TOKEN.findall(script):
                if token not in identifiers and token.lower() not in _AICC_WORDS:
                    found.append(finding("SCORM12-PREREQUISITE-UNKNOWN", file=file, line=prerequisites.sourceline,
                                         item=item.identifier, ref=token))
    return found


def resource_base(manifest: Manifest, resource: Resource) -> str:
    return join_base(manifest.manifest_base, manifest.resources_base, resource.base)


def check_files(manifest: Manifest, file: str, source: PackageSource, target: str) -> list[Finding]:
    """Every launch href and listed file exists, inside the package, with the right case."""
    found: list[Finding] = []
    prefix = manifest.prefix
    for resource in manifest.resource_elements:
        base = resource_base(manifest, resource)
        if resource.href:
            ref = resolve(resource.href, base) if not _is_external_base(base) else resolve(base + resource.href)
            found.extend(_href_findings(prefix, ref, resource.href, source, file, resource.element.sourceline))
            if ref.kind == "external":
                if resource.scorm_type == "sco":
                    found.append(finding(f"{prefix}-EXTERNAL-SCO", file=file, line=resource.element.sourceline,
                                         resource=resource.identifier, href=resource.href))
                elif target == "moodle":
                    found.append(finding("MOODLE-EXTERNAL-LAUNCH", file=file, line=resource.element.sourceline,
                                         resource=resource.identifier, href=resource.href))
        for href, line in resource.files:
            if _is_external_base(base):
                continue
            found.extend(_href_findings(prefix, resolve(href, base), href, source, file, line))
    return found


def _is_external_base(base: str) -> bool:
    return bool(base) and resolve(base).kind == "external"


def _href_findings(prefix: str, ref: Ref, href: str, source: PackageSource, file: str, line: int) -> list[Finding]:
    if ref.kind == "absolute-path":
        return [finding(f"{prefix}-HREF-ABSOLUTE-PATH", file=file, line=line, href=href)]
    if ref.kind == "outside":
        return [finding(f"{prefix}-HREF-OUTSIDE", file=file, line=line, href=href)]
    if ref.kind == "invalid":
        return [finding(f"{prefix}-HREF-INVALID", file=file, line=line, href=href, reason=ref.reason)]
    if ref.kind != "local":
        return []
    status, actual = lookup(source, ref.path)
    if status == "case":
        return [finding(f"{prefix}-HREF-CASE", file=file, line=line, href=href, actual=actual)]
    if status == "missing":
        return [finding(f"{prefix}-HREF-MISSING", file=file, line=line, href=href)]
    return []


def check_typing(manifest: Manifest, file: str, source: PackageSource) -> list[Finding]:
    """A SCO must call the run-time API; an asset that calls it should have been declared a SCO."""
    found: list[Finding] = []
    prefix = manifest.prefix
    api = "SCORM 2004 (API_1484_11)" if manifest.is_2004 else "SCORM 1.2 (API)"
    for resource in manifest.resource_elements:
        if not resource.href:
            continue
        ref = resolve(resource.href, resource_base(manifest, resource))
        if ref.kind != "local" or not ref.path.lower().endswith((".html", ".htm", ".xhtml")):
            continue
        page = _read(source, ref.path)
        if page is None:
            continue  # reported as missing or unreadable already
        if resource.scorm_type == "sco":
            if not _resource_calls_api(manifest, resource, ref.path, page, source):
                found.append(finding(f"{prefix}-SCO-NO-API", file=file, line=resource.element.sourceline,
                                     resource=resource.identifier, href=resource.href, api=api))
        elif _API_ANY.search(page):
            found.append(finding(f"{prefix}-ASSET-CALLS-API", file=file, line=resource.element.sourceline,
                                 resource=resource.identifier, href=resource.href, api=api))
    return found


def _resource_calls_api(manifest: Manifest, resource: Resource, launch: str, page: bytes,
                        source: PackageSource) -> bool:
    """Look in the launch page, the scripts it loads, and the files of the resource and its dependencies."""
    candidates: list[str] = [launch]
    for match in _SCRIPT_SRC.finditer(page):
        ref = resolve(match.group(1).decode("utf-8", "replace"), folder_of(launch))
        if ref.kind == "local":
            candidates.append(ref.path)
    seen_resources: set[str] = set()
    pending = [resource]
    while pending:
        current = pending.pop()
        if current.identifier in seen_resources:
            continue
        seen_resources.add(current.identifier)
        base = resource_base(manifest, current)
        for href, _line in current.files:
            ref = resolve(href, base)
            if ref.kind == "local" and ref.path.lower().endswith((".js", ".html", ".htm")):
                candidates.append(ref.path)
        pending.extend(manifest.resources[d] for d, _ in current.dependencies if d in manifest.resources)
    for name in dict.fromkeys(candidates):
        data = page if name == launch else _read(source, name)
        if data and _API_ANY.search(data):
            return True
    return False


def _read(source: PackageSource, name: str) -> bytes | None:
    if not source.has(name):
        return None
    try:
        return source.read(name)
    except EntryUnreadable:
        return None


def listed_files(manifest: Manifest) -> set[str]:
    """The package files a manifest launches or lists."""
    files: set[str] = set()
    for resource in manifest.resource_elements:
        base = resource_base(manifest, resource)
        for href in ([resource.href] if resource.href else []) + [href for href, _ in resource.files]:
            ref = resolve(href, base)
            if ref.kind == "local":
                files.add(ref.path)
    return files
