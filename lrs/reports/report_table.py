"""A report table: named columns in both languages and plain rows, the one shape that
the HTML pages, the CSV and JSON downloads and the command line all render."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Column:
    key: str
    fr: str
    en: str
    kind: str = "text"  # text | int | percent | score | seconds | datetime | bool | success | link

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


@dataclass
class ReportTable:
    name: str
    caption_fr: str
    caption_en: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def caption(self, lang: str) -> str:
        return self.caption_en if lang == "en" else self.caption_fr

    def as_records(self) -> list[dict[str, Any]]:
        """Rows with exactly the table's columns, in order (for JSON and CSV)."""
        keys = [column.key for column in self.columns]
        return [{key: row.get(key) for key in keys} for row in self.rows]
