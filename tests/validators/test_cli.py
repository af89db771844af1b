"""`parcours validate`: exit codes, formats, languages, locations, run as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.validators.xapi.support import full_statement, mutated

VALID = full_statement()
INVALID = mutated(full_statement(), "$.context.registration", "pas-un-uuid")


def parcours(*args: str, lang: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PARCOURS_LANG"}
    if lang:
        env["PARCOURS_LANG"] = lang
    return subprocess.run(
        [sys.executable, "-m", "parcours.cli", "validate", *args], capture_output=True, text=True, env=env, timeout=120
    )


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_valid_samples_exit_0(root: Path) -> None:
    files = sorted(str(p) for p in (root / "samples/statements/valid").glob("*.json"))
    result = parcours(*files)
    assert result.returncode == 0, result.stdout
    assert "tout est valide" in result.stdout


def test_each_invalid_sample_exits_1_naming_its_path(root: Path) -> None:
    folder = root / "samples/statements/invalid"
    expected = json.loads((folder.parent / "expected-invalid.json").read_text(encoding="utf-8"))
    for name, wanted in expected.items():
        result = parcours(str(folder / name))
        assert result.returncode == 1, name
        for item in wanted:
            assert f"{item['path']}:" in result.stdout and item["code"] in result.stdout, (name, result.stdout)


def test_ndjson_findings_name_their_line(tmp_path: Path) -> None:
    lines = [json.dumps(VALID), "", json.dumps(INVALID), json.dumps(VALID)]
    result = parcours(write(tmp_path / "s.ndjson", "\n".join(lines) + "\n"))
    assert result.returncode == 1
    assert f"{tmp_path / 's.ndjson'}:3 $.context.registration: erreur: n'est pas un UUID" in result.stdout
    assert "3 déclaration(s)" in result.stdout


def test_json_array_findings_name_index_and_line(tmp_path: Path) -> None:
    text = json.dumps([VALID, INVALID], indent=2)
    expected_line = text.splitlines().index('      "registration": "pas-un-uuid",') + 1
    result = parcours(write(tmp_path / "a.json", text), "--format", "json", "--lang", "en")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    (finding,) = report["files"][0]["findings"]
    assert finding["path"] == "$[1].context.registration"
    assert finding["line"] == expected_line
    assert finding["message"] == 'not a UUID (RFC 4122): "pas-un-uuid"'
    assert report["files"][0]["checked"] == 2 and report["files"][0]["invalid"] == 1


def test_english_from_the_environment(tmp_path: Path) -> None:
    result = parcours(write(tmp_path / "s.json", json.dumps(INVALID)), lang="en")
    assert "error: not a UUID" in result.stdout and "1 invalid" in result.stdout


@pytest.mark.parametrize(
    "content,needle",
    [(None, "fichier introuvable"), ("", "fichier vide"), ("bonjour", "ni JSON ni NDJSON")],
)
def test_unreadable_input_exits_2(tmp_path: Path, content: str | None, needle: str) -> None:
    path = tmp_path / "entree.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = parcours(str(path))
    assert result.returncode == 2
    assert needle in result.stdout


def test_missing_file_is_not_summed_up_as_zero_errors(tmp_path: Path) -> None:
    result = parcours(str(tmp_path / "absent.zip"))
    assert result.returncode == 2
    assert result.stdout == (f"illisible: {tmp_path / 'absent.zip'} : fichier introuvable\n"
                             "1 fichier(s) illisible(s) : rien n'a été vérifié\n")


def test_broken_json_line_exits_2_and_still_checks_the_rest(tmp_path: Path) -> None:
    result = parcours(write(tmp_path / "s.ndjson", json.dumps(INVALID) + "\n{pas du json\n"), "--lang", "en")
    assert result.returncode == 2
    assert ":1 $.context.registration" in result.stdout
    assert ":2 $: error: invalid JSON" in result.stdout


def test_truncated_array_exits_2(tmp_path: Path) -> None:
    result = parcours(write(tmp_path / "a.json", "[" + json.dumps(VALID) + ",\n"))
    assert result.returncode == 2


def test_version_2_rules(tmp_path: Path) -> None:
    statement = mutated(VALID, "$.context.contextAgents", [{"objectType": "contextAgent", "agent": {"mbox": "mailto:t@exemple.fr"}}])
    path = write(tmp_path / "s.json", json.dumps(statement))
    assert parcours(path).returncode == 1
    assert parcours(path, "--xapi-version", "2.0.0").returncode == 0


def test_junit_output(tmp_path: Path) -> None:
    result = parcours(write(tmp_path / "a.json", json.dumps([VALID, INVALID, VALID])), "--format", "junit")
    assert result.returncode == 1
    suite = ElementTree.fromstring(result.stdout).find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    failure = suite.find("testcase/failure")
    assert failure is not None and failure.get("type") == "xapi.uuid.invalid"
    assert "$[1].context.registration" in (failure.text or "")


def test_warnings_do_not_fail(tmp_path: Path) -> None:
    path = write(tmp_path / "s.json", json.dumps(mutated(VALID, "$.timestamp", "2026-03-12T09:14:26")))
    result = parcours(path)
    assert result.returncode == 0
    assert "avertissement" in result.stdout


def test_usage_errors_exit_2() -> None:
    assert parcours().returncode == 2
    assert parcours("--format", "yaml", "x.json").returncode == 2


def test_repeated_properties_are_reported(tmp_path: Path) -> None:
    text = json.dumps(VALID)[:-1] + ', "verb": {"id": "http://exemple.fr/v"}}'
    result = parcours(write(tmp_path / "s.ndjson", text + "\n" + json.dumps(VALID) + "\n"), "--lang", "en")
    assert result.returncode == 1
    assert ":1 $.verb: error: property 'verb' appears more than once in the same object" in result.stdout


def test_packages_are_validated_by_the_same_command(shared_dir: Path) -> None:
    packages = shared_dir / "corpus/packages"
    good = parcours(str(packages / "SingleAssetEx.zip"), "--format", "json")
    assert good.returncode == 0
    (report,) = json.loads(good.stdout)["files"]
    assert report["kind"] == "scorm12" and report["errors"] == 0
    bad = parcours(str(packages / "205-3-duplicated-au.xml"), "--lang", "en")
    assert bad.returncode == 1
    assert "205-3-duplicated-au.xml:36: error:" in bad.stdout


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    import pty

    path = write(tmp_path / "s.ndjson", (json.dumps(VALID) + "\n") * 50)
    controller, terminal = pty.openpty()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "parcours.cli", "validate", "--lang", "en", path],
            stdout=subprocess.PIPE, stderr=terminal, text=True, timeout=120,
        )
        os.close(terminal)
        terminal = -1
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal side is closed: everything was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        if terminal != -1:
            os.close(terminal)
        os.close(controller)
    assert process.returncode == 0
    assert b"Validating s.ndjson" in shown and b"100%" in shown
    assert "Validating" not in process.stdout
