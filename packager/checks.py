"""Checks a built package before it is written: the package validators when present,
else the XSD validation of its manifest (the minimum every package must pass)."""

from __future__ import annotations

import importlib
from pathlib import Path

from lxml import etree

from packager.formats.base import Package
from validators.findings import Finding
from validators.schemas import load_schema


def _package_validator():
    """`validators.packages.validate_package`, if that part of the validators is installed."""
    try:
        module = importlib.import_module("validators.packages")
    except ImportError:
        return None
    return getattr(module, "validate_package", None)


def manifest_findings(package: Package) -> list[Finding]:
    """XSD validation of the manifest, offline and without entity expansion."""
    if package.manifest is None or package.schema_kind is None:
        return []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    data = package.files[package.manifest]
    assert isinstance(data, bytes)
    document = etree.fromstring(data, parser)
    schema = load_schema(package.schema_kind)
    if schema.validate(document):
        return []
    return [
        Finding("XSD", f"non conforme au schéma : {entry.message}", f"schema violation: {entry.message}",
                "error", file=package.manifest, line=entry.line)
        for entry in schema.error_log
    ]


def package_findings(package: Package, written: Path) -> list[Finding]:
    """The error findings of the built package at `written` (a zip)."""
    validate = _package_validator()
    if validate is not None:
        report = validate(written, target="moodle")
        return [finding for finding in report.findings if finding.severity == "error"]
    return manifest_findings(package)
