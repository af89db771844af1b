"""Checks a built package before it is written: the package validators, as an LMS
would see it (target `moodle`)."""

from __future__ import annotations

from pathlib import Path

from validators.findings import Finding
from validators.packages import validate_package


def package_findings(written: Path) -> list[Finding]:
    """The error findings of the built package at `written` (a zip)."""
    report = validate_package(written, target="moodle")
    return [finding for finding in report.findings if finding.severity == "error"]
