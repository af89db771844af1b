"""CSV formula injection: in the spreadsheet CSV, text a spreadsheet would run as a
formula (a learner naming themselves `=HYPERLINK(…)`) starts with a quote; numbers stay
numbers, and the plain CSV keeps the data exact."""

from __future__ import annotations

import csv
import io

from click.testing import CliRunner

from lrs.reports.render import to_csv
from lrs.reports.report_table import Column, ReportTable
from parcours.cli import main

from .conftest import AUTH, post_statements

COURSE = "https://formation.example.org/cours/formules"
NAMES = ['=HYPERLINK("http://evil","x")', "+33 1 23", "-moins", "@SUM(A1)", "\tTab", "\rRetour", "Ada Lovelace"]


def quoted(name: str) -> str:
    return name if name == "Ada Lovelace" else "'" + name


def spreadsheet_rows(text: str, delimiter: str = ";") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def test_text_cells_are_neutralised_numbers_are_not() -> None:
    table = ReportTable("t", "T", "T", [Column("name", "Nom", "Name"), Column("score", "Score", "Score", "score"),
                                        Column("attempts", "Tentatives", "Attempts", "int")],
                        [{"name": name, "score": -0.5, "attempts": -1} for name in NAMES])
    french = spreadsheet_rows(to_csv(table, spreadsheet=True, lang="fr"))
    assert [row[0] for row in french[1:]] == [quoted(name) for name in NAMES]
    assert {(row[1], row[2]) for row in french[1:]} == {("-0,5", "-1")}
    english = spreadsheet_rows(to_csv(table, spreadsheet=True, lang="en"), delimiter=",")  # English spreadsheets
    assert {(row[1], row[2]) for row in english[1:]} == {("-0.5", "-1")}
    plain = list(csv.reader(io.StringIO(to_csv(table))))
    assert [row[0] for row in plain[1:]] == NAMES


def completions(names: list[str]) -> list[dict]:
    course = {"id": COURSE, "definition": {"type": "http://adlnet.gov/expapi/activities/course",
                                           "name": {"fr-FR": "Formules"}}}
    return [{
        "actor": {"objectType": "Agent", "name": name, "mbox": f"mailto:learner{number}@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
        "object": course,
        "timestamp": f"2026-03-02T08:{number:02d}:00Z",
    } for number, name in enumerate(names)]


def test_the_learners_downloads_and_commands(make_app, sqlite_database) -> None:
    app = make_app(sqlite_database)
    post_statements(app, completions(NAMES))
    client = app.test_client()
    sheet = client.get("/reports/course/learners.csv", query_string={"course": COURSE, "spreadsheet": "1"},
                       headers=AUTH)
    assert sheet.status_code == 200
    rows = spreadsheet_rows(sheet.get_data(as_text=True))
    column = rows[0].index("Nom")
    assert sorted(row[column] for row in rows[1:]) == sorted(quoted(name) for name in NAMES)

    plain = client.get("/reports/course/learners.csv", query_string={"course": COURSE}, headers=AUTH)
    records = list(csv.DictReader(io.StringIO(plain.get_data(as_text=True))))
    assert sorted(record["name"] for record in records) == sorted(NAMES)

    command = ["report", "completions", "--course", COURSE, "--database", sqlite_database, "--format"]
    result = CliRunner().invoke(main, [*command, "spreadsheet"], catch_exceptions=False)
    rows = spreadsheet_rows(result.stdout)
    assert sorted(row[1] for row in rows[1:]) == sorted(quoted(name) for name in NAMES)
    result = CliRunner().invoke(main, [*command, "csv"], catch_exceptions=False)
    assert sorted(record["name"] for record in csv.DictReader(io.StringIO(result.stdout))) == sorted(NAMES)
