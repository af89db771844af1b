"""The `parcours` command as a whole: every subcommand is there, and one setting
(`--lang`, else `PARCOURS_LANG`, in any case) decides the language of all of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from parcours.cli import main

# Written out on purpose: a subcommand that disappears must fail here.
SUBCOMMANDS = [
    ["validate"],
    ["build"],
    ["simulate"],
    ["preview"],
    ["serve"],
    ["backup"],
    ["restore"],
    ["publish"],
    ["unpublish"],
    ["credentials"],
    ["credentials", "create"],
    ["credentials", "list"],
    ["credentials", "revoke"],
    ["report"],
    ["report", "completions"],
    ["report", "scores"],
    ["report", "time"],
    ["report", "items"],
    ["report", "dropoff"],
    ["report", "rebuild"],
    ["export"],
    ["export", "statements"],
    ["import"],
    ["privacy"],
    ["privacy", "export"],
    ["privacy", "erase"],
    ["demo"],
]


@pytest.mark.parametrize("words", SUBCOMMANDS, ids=" ".join)
def test_every_subcommand_answers_help(words: list[str]) -> None:
    result = CliRunner().invoke(main, [*words, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: main {' '.join(words)} " in result.output


def test_the_listed_subcommands_are_all_there_are() -> None:
    result = CliRunner().invoke(main, ["--help"])
    listed = {line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == {words[0] for words in SUBCOMMANDS}


def test_version_comes_from_the_installed_package() -> None:
    from importlib.metadata import version

    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"parcours, version {version('parcours')}"


def _unusable_database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/no/such/folder/lrs.db"


# (arguments, the French answer, the English answer): each command fails early on a
# bad input, in the language asked for.
def _cases(tmp_path: Path) -> dict[str, tuple[list[str], str, str]]:
    database = f"sqlite:///{tmp_path}/lrs.db"
    return {
        "build": (["build", str(tmp_path / "absent")], "introuvable", "not found"),
        "validate": (["validate", str(tmp_path / "absent.json")], "fichier introuvable", "no such file"),
        "serve": (["serve", "--database", _unusable_database(tmp_path)], "inutilisable", "cannot use database"),
        "report": (["report", "completions", "--course", "http://exemple.gouv.fr/c", "--database", database,
                    "--since", "hier"],
                   "date attendue", "expected a date"),
        "credentials": (["credentials", "revoke", "absente", "--database", database],
                        "clé inconnue", "unknown or already revoked key"),
    }


@pytest.mark.parametrize("command", ["build", "validate", "serve", "report", "credentials"])
@pytest.mark.parametrize("setting", ["en", "EN", "en-GB", "fr", None])
def test_parcours_lang_sets_the_language_of_every_command(
    command: str, setting: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PARCOURS_LANG", raising=False)
    monkeypatch.chdir(tmp_path)  # what the LRS keeps beside its database stays in the test's folder
    arguments, french, english = _cases(tmp_path)[command]
    env = {"PARCOURS_LANG": setting} if setting else {}
    result = CliRunner().invoke(main, arguments, env=env)
    assert result.exit_code != 0
    english_expected = setting is not None and setting.lower().startswith("en")
    assert (english if english_expected else french) in result.output, result.output
    assert (french if english_expected else english) not in result.output, result.output


def test_lang_option_wins_over_the_environment(tmp_path: Path) -> None:
    arguments, french, _english = _cases(tmp_path)["validate"]
    result = CliRunner().invoke(main, [*arguments, "--lang", "FR"], env={"PARCOURS_LANG": "en"})
    assert french in result.output, result.output
