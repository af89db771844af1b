"""Report tables as text for people (HTML cells, terminal) and as CSV and JSON for tools."""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson

from lrs.reports.report_table import Column, ReportTable
from validators.bilingual import choose

_WORDS = {
    "fr": {True: "oui", False: "non", "passed": "réussi", "failed": "échoué"},
    "en": {True: "yes", False: "no", "passed": "passed", "failed": "failed"},
}


def duration_text(seconds: float | None, lang: str = "fr") -> str:
    """`1 h 05 min 03 s`: readable in both languages."""
    if seconds is None:
        return ""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min {secs:02d} s"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def _number(value: float, lang: str, digits: int) -> str:
    text = f"{value:,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def cell_text(column: Column, value: Any, lang: str = "fr") -> str:
    """A value as a person reads it."""
    if value is None or value == "":
        return "—" if column.kind not in ("text", "course", "learner") else ""
    words = _WORDS[choose(lang, "fr", "en")]
    kind = column.kind
    if kind == "bool":
        return words[bool(value)]
    if kind == "success":
        return words.get(value, str(value))
    if kind in ("percent", "score"):
        return _number(float(value) * 100, lang, 1) + ("\u202f%" if lang == "fr" else " %")
    if kind == "seconds":
        return duration_text(float(value), lang)
    if kind == "int":
        return _number(float(value), lang, 0)
    if kind == "number":
        return _number(float(value), lang, 2)
    if kind == "datetime":  # minutes are enough to read; the downloads keep microseconds
        text = str(value)
        return f"{text[:10]} {text[11:16]} UTC" if len(text) >= 16 else text
    return str(value)


def to_csv(table: ReportTable, spreadsheet: bool = False, lang: str = "fr") -> str:
    """Raw values, column keys as the header: what pandas wants. `spreadsheet`: what
    spreadsheet software opens as is in the report's language: a byte-order mark,
    headers (with their unit), booleans and results in words, dates a spreadsheet reads
    as dates, decimal commas and `;` between cells in French, and text that would
    start a formula neutralised."""
    buffer = io.StringIO()
    if spreadsheet:
        buffer.write("\ufeff")
    french = spreadsheet and lang != "en"
    writer = csv.writer(buffer, lineterminator="\r\n", delimiter=";" if french else ",")
    writer.writerow([_spreadsheet_header(column, lang) if spreadsheet else column.key for column in table.columns])
    for record in table.as_records():
        writer.writerow(["" if value is None else _csv_value(value, spreadsheet, lang, column.kind)
                         for column, value in zip(table.columns, record.values())])
    return buffer.getvalue()


# units a spreadsheet column header says, its cells holding bare numbers or dates
_UNITS = {"seconds": "(s)", "datetime": "(UTC)"}  # the same in both languages


def _spreadsheet_header(column: Column, lang: str) -> str:
    unit = _UNITS.get(column.kind)
    return f"{column.label(lang)} {unit}" if unit else column.label(lang)


# A spreadsheet runs a cell starting with one of these as a formula: a learner's name
# is anyone's to choose (`=HYPERLINK(…)`), so it gets a leading quote (OWASP's advice).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Any, spreadsheet: bool = False, lang: str = "fr", kind: str = "") -> Any:
    if isinstance(value, bool):
        return choose(lang, _WORDS["fr"], _WORDS["en"])[value] if spreadsheet else ("true" if value else "false")
    if spreadsheet and kind == "success":
        return choose(lang, _WORDS["fr"], _WORDS["en"]).get(value, value)
    if spreadsheet and kind == "datetime" and isinstance(value, str) and len(value) >= 19:
        return f"{value[:10]} {value[11:19]}"  # 2026-12-07 00:07:25: a date to spreadsheets, not a text
    if spreadsheet and isinstance(value, float) and lang != "en":
        return repr(value).replace(".", ",")
    if spreadsheet and isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_json(table: ReportTable, filters: dict[str, Any] | None = None, lang: str = "fr") -> bytes:
    document = {
        "table": table.name,
        "caption": table.caption(lang),
        "filters": filters or {},
        "columns": [{"key": c.key, "label": c.label(lang), "kind": c.kind} for c in table.columns],
        "rows": table.as_records(),
    }
    return orjson.dumps(document, option=orjson.OPT_NON_STR_KEYS)


def to_text(table: ReportTable, lang: str = "fr") -> str:
    """An aligned plain-text table for the terminal."""
    headers = [column.label(lang) for column in table.columns]
    lines = [[cell_text(column, row.get(column.key), lang) for column in table.columns] for row in table.rows]
    widths = [max([len(h)] + [len(line[i]) for line in lines]) for i, h in enumerate(headers)]
    numeric = [c.kind in ("int", "number", "percent", "score", "seconds") for c in table.columns]

    def fmt(cells: list[str]) -> str:
        return "  ".join(
            (cell.rjust(widths[i]) if numeric[i] else cell.ljust(widths[i])) for i, cell in enumerate(cells)
        ).rstrip()

    out = [table.caption(lang), fmt(headers), "  ".join("-" * w for w in widths)]
    out += [fmt(line) for line in lines]
    if not lines:
        out.append(choose(lang, "(aucune donnée)", "(no data)"))
    return "\n".join(out) + "\n"
