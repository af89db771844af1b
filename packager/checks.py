"""Checks a built package before it is written: the package validators, as an LMS
would see it (target `moodle`)."""

from __future__ import annotations

from pathlib import Path

from validators.findings import Finding
from validators.packages import validate_package


def package_findings(written: Path) -> list[Finding]:
    """The findings of the built package at `written` (a zip): errors refuse it,
    warnings are shown to the author."""
    return list(validate_package(written, target="moodle").findings)
