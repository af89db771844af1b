"""`parcours build`: exit codes and messages as an author sees them, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.packager.conftest import MINIMAL_COURSE, CourseWriter


def _parcours(*args: str, lang: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ}
    env.pop("PARCOURS_LANG", None)
    if lang:
        env["PARCOURS_LANG"] = lang
    return subprocess.run([sys.executable, "-m", "parcours", *args], capture_output=True, text=True, env=env, timeout=120)


def test_build_minimal_sample_default_format(samples: Path, tmp_path: Path) -> None:
    result = _parcours("build", str(samples / "minimal"), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert f"paquet écrit : {tmp_path / 'minimal-scorm12.zip'}" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["minimal-scorm12.zip"]
    with zipfile.ZipFile(tmp_path / "minimal-scorm12.zip") as archive:
        assert "imsmanifest.xml" in archive.namelist()


def test_build_several_formats(samples: Path, tmp_path: Path) -> None:
    result = _parcours("build", str(samples / "minimal"), "--format", "scorm12,scorm2004,cmi5,xapi,web",
                       "--out", str(tmp_path), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("package written:") == 6
    assert {p.name for p in tmp_path.iterdir()} == {
        "minimal-scorm12.zip", "minimal-scorm2004.zip", "minimal-cmi5.zip", "minimal-xapi.zip", "minimal-web",
        "minimal-web.zip"}
    with zipfile.ZipFile(tmp_path / "minimal-web.zip") as archive:  # the preview site, zipped to publish
        names = archive.namelist()
    assert names == sorted(p.relative_to(tmp_path / "minimal-web").as_posix()
                           for p in (tmp_path / "minimal-web").rglob("*") if p.is_file() and p.name != ".parcours-web")


def test_course_errors_exit_1_with_file_and_line(write_course: CourseWriter, tmp_path: Path) -> None:
    folder = write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": "# T\n\n![](x.png)\n"})
    result = _parcours("build", str(folder), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "pages/intro.md:3: image x.png sans texte alternatif" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    english = _parcours("build", str(folder), "--out", str(tmp_path / "out"), lang="en")
    assert "pages/intro.md:3: image x.png has no alt text" in english.stderr


def test_missing_course_folder_exit_1(tmp_path: Path) -> None:
    result = _parcours("build", str(tmp_path / "absent"), "--out", str(tmp_path))
    assert result.returncode == 1
    assert "dossier de cours" in result.stderr and "introuvable" in result.stderr and "Traceback" not in result.stderr


def test_unknown_format_is_a_usage_error(samples: Path, tmp_path: Path) -> None:
    result = _parcours("build", str(samples / "minimal"), "--format", "scorm12,aicc", "--out", str(tmp_path))
    assert result.returncode == 2
    assert "format inconnu « aicc »" in result.stderr and "Traceback" not in result.stderr
    assert not any(tmp_path.iterdir())


def test_out_is_a_file_exit_1(samples: Path, tmp_path: Path) -> None:
    (tmp_path / "fichier").write_text("x")
    result = _parcours("build", str(samples / "minimal"), "--out", str(tmp_path / "fichier"))
    assert result.returncode == 1 and "n'est pas un dossier" in result.stderr


def test_build_shows_the_package_warnings(write_course: CourseWriter, tmp_path: Path) -> None:
    course = MINIMAL_COURSE.replace("- pages/intro.md", "- {file: site/index.html, title: Ancienne fiche}")
    folder = write_course({"course.yaml": course, "site/index.html":
                           '<!doctype html><html lang="fr"><title>F</title><script src="https://cdn.example.org/x.js">'
                           "</script><h1>F</h1></html>"})
    result = _parcours("build", str(folder), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "paquet écrit" in result.stdout
    assert "avertissement : files/site/index.html:1: <script> charge « https://cdn.example.org/x.js »" in result.stderr
