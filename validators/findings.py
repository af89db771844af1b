"""One shape for every finding, whether it comes from a statement or a package."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from validators.bilingual import choose

Severity = Literal["error", "warning", "info"]
LANGUAGES = ("fr", "en")


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem found in an input, located precisely, explained in French and English.

    `path` is a JSON path inside a statement (`$[3].context.registration`);
    `file` and `line` locate a finding inside a package or a source file.
    """

    code: str
    message_fr: str
    message_en: str
    severity: Severity = "error"
    path: str | None = None
    file: str | None = None
    line: int | None = None
    spec: str | None = None

    def message(self, lang: str = "fr") -> str:
        return choose(lang, self.message_fr, self.message_en)

    def where(self) -> str:
        """The location as an author reads it: `file:line $.path`."""
        parts = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.path:
            parts.append(self.path)
        return " ".join(parts)

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity,
            "message": self.message(lang),
        }
        for key in ("path", "file", "line", "spec"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data
