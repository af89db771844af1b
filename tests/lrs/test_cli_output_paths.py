"""An output file the commands cannot write: one line naming its folder (French by
default, English with --lang en) and a non-zero exit, before any work; never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lrs.app import create_app
from lrs.config import Config
from lrs.db import ENGINE_KEY
from parcours.cli import main

AGENT = '{"mbox":"mailto:a@example.com"}'
COMMANDS = {
    "export": ["export", "statements"],
    "report": ["report", "completions", "--course", "https://formation.example.org/cours/a", "--format", "csv"],
    "privacy": ["privacy", "export", "--agent", AGENT],
}


def run(args: list[str]):  # type: ignore[no-untyped-def]
    return CliRunner(env={"PARCOURS_LANG": None}).invoke(main, args)


def existing_database(folder: Path) -> str:
    """An empty LRS database, as `parcours serve` leaves it: the commands read existing ones."""
    url = f"sqlite:///{folder / 'lrs.db'}"
    create_app(Config(database_url=url)).extensions[ENGINE_KEY].dispose()
    return url


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_output_folder_is_one_line_in_french(command: str, tmp_path: Path) -> None:
    database = tmp_path / "lrs.db"
    folder = tmp_path / "nonexistent" / "d"
    result = run([*COMMANDS[command], "--output", str(folder / "x.out"), "--database", f"sqlite:///{database}"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.output.strip().splitlines() == [f"Error: {folder} : dossier introuvable."]
    assert not database.exists()  # refused before opening the database


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_output_folder_in_english(command: str, tmp_path: Path) -> None:
    folder = tmp_path / "nonexistent"
    result = run([*COMMANDS[command], "--output", str(folder / "x.out"), "--lang", "en",
                  "--database", f"sqlite:///{tmp_path / 'lrs.db'}"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip() == f"Error: {folder}: no such folder."


@pytest.mark.parametrize("command", COMMANDS)
def test_an_output_that_cannot_be_opened_is_named(command: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path, mode: str) -> None:  # as for a read-only folder (root writes anywhere)
        raise PermissionError(13, "Permission denied", str(path))

    database = existing_database(tmp_path)
    monkeypatch.setattr("lrs.output_files.open", refuse, raising=False)
    target = tmp_path / "x.out"
    result = run([*COMMANDS[command], "--output", str(target), "--lang", "en", "--database", database])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == f"Error: {target}: cannot write (Permission denied)."


@pytest.mark.parametrize("command", COMMANDS)
def test_a_writable_output_is_written(command: str, tmp_path: Path) -> None:
    target = tmp_path / "x.out"
    result = run([*COMMANDS[command], "--output", str(target), "--database", existing_database(tmp_path)])
    assert result.exit_code == 0, result.output
    assert target.exists()
