"""What validating one package returns, and the one error that is not a finding."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from validators.bilingual import BilingualError
from validators.findings import Finding

KINDS = ("scorm12", "scorm2004-2nd", "scorm2004-3rd", "scorm2004-4th", "cmi5", "xapi", "aicc", "zip", "unknown")
TARGETS = ("moodle", "strict")
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class UnreadablePackage(BilingualError):
    """The path does not exist or cannot be read at all (the CLI exits with status 2)."""

    def __init__(self, path: str, message_fr: str, message_en: str) -> None:
        super().__init__(message_fr, message_en)
        self.path = path

    def __reduce__(self) -> tuple:
        return (UnreadablePackage, (self.path, self.message_fr, self.message_en))


@dataclass
class PackageReport:
    """The kind detected and every finding, in a stable order (file, line, code)."""

    path: str
    kind: str
    target: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(finding.severity == "error" for finding in self.findings)

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "warning"]

    def codes(self) -> set[str]:
        return {finding.code for finding in self.findings}

    def sort(self) -> None:
        self.findings.sort(
            key=lambda f: (f.file or "", f.line or 0, _SEVERITY_ORDER.get(f.severity, 3), f.code, f.message_en)
        )

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "target": self.target,
            "ok": self.ok,
            "findings": [finding.to_dict(lang) for finding in self.findings],
        }
