"""The spreadsheet CSV as an analyst opens it: results in words, dates a spreadsheet
reads as dates, units in the headers, separators of the report's language."""

from __future__ import annotations

import csv
import io

from lrs.reports.render import to_csv
from lrs.reports.report_table import Column, ReportTable

TABLE = ReportTable("t", "T", "T", [Column("success", "Résultat", "Result", "success"),
                                    Column("last_activity", "Dernière activité", "Last activity", "datetime"),
                                    Column("seconds", "Temps passé", "Time spent", "seconds")],
                    [{"success": "passed", "last_activity": "2026-12-07T00:07:25.838329Z", "seconds": 1080.5}])


def test_french_spreadsheet_cells() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(TABLE, spreadsheet=True, lang="fr").lstrip("\ufeff")), delimiter=";"))
    assert rows == [["Résultat", "Dernière activité (UTC)", "Temps passé (s)"],
                    ["réussi", "2026-12-07 00:07:25", "1080,5"]]


def test_english_spreadsheet_cells() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(TABLE, spreadsheet=True, lang="en").lstrip("\ufeff"))))
    assert rows == [["Result", "Last activity (UTC)", "Time spent (s)"], ["passed", "2026-12-07 00:07:25", "1080.5"]]


def test_plain_csv_keeps_the_raw_values() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(TABLE))))
    assert rows == [["success", "last_activity", "seconds"], ["passed", "2026-12-07T00:07:25.838329Z", "1080.5"]]
