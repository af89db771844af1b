"""`parcours preview` without a browser: the command, the builder that keeps the last good
build, the event stream and the in-memory LRS with its verdicts."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

from packager.preview import Preview
from packager.preview.builder import PreviewBuilder
from packager.preview.lrs import MemoryLrs
from tests.packager.conftest import MINIMAL_COURSE, MINIMAL_PAGE, CourseWriter


def _get(url: str) -> tuple[int, bytes, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read(), response.headers.get("Content-Type", "")


def test_command_prints_the_local_url_and_serves_the_course(samples: Path, tmp_path: Path) -> None:
    course = tmp_path / "minimal"
    shutil.copytree(samples / "minimal", course)
    script = Path(sys.executable).with_name("parcours")
    process = subprocess.Popen([str(script), "preview", str(course), "--format", "scorm12"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline(), process.stdout.readline()]
        url_line = next(line for line in lines if line.startswith("Aperçu sur "))
        assert "cours construit (version 1)\n" in lines
        url = url_line.split(" ")[2]
        assert url.startswith("http://127.0.0.1:") and url_line.endswith("(Ctrl+C pour arrêter)\n")
        status, body, kind = _get(url)
        assert status == 200 and kind.startswith("text/html") and b'id="pv-calls"' in body
        status, body, _ = _get(url + "site/modules/accueil/index.html")
        assert status == 200 and b'"format":"scorm12"' in body
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_command_refuses_a_folder_without_course(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("parcours")
    result = subprocess.run([str(script), "preview", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr == f"course.yaml introuvable dans {tmp_path}\n"


def test_builder_keeps_the_last_good_build(write_course: CourseWriter) -> None:
    folder = write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": MINIMAL_PAGE})
    heard = []
    builder = PreviewBuilder(folder, "web", on_build=heard.append)
    first = builder.build()
    assert first.error is None and "modules/m1/index.html" in first.files
    (folder / "pages/intro.md").write_text("Sans titre\n", encoding="utf-8")
    second = builder.build()
    assert second.error == "pages/intro.md:1: la page doit commencer par un titre de niveau 1 (# Titre)"
    assert second.files is first.files and second.generation == 2
    assert [state.generation for state in heard] == [1, 2]


def test_event_stream_announces_each_build(write_course: CourseWriter) -> None:
    folder = write_course({"course.yaml": MINIMAL_COURSE, "pages/intro.md": MINIMAL_PAGE})
    preview = Preview(folder, "web")
    preview.start()
    try:
        with urllib.request.urlopen(preview.url + "preview/events", timeout=10) as stream:
            assert stream.readline() == b"event: build\n"
            assert json.loads(stream.readline().decode().removeprefix("data: ")) == {"generation": 1, "error": None}
            stream.readline()
            (folder / "pages/intro.md").write_text("# Introduction\n\nAutre texte.\n", encoding="utf-8")
            assert stream.readline() == b"event: build\n"
            assert json.loads(stream.readline().decode().removeprefix("data: ")) == {"generation": 2, "error": None}
        _, body, _ = _get(preview.url + "site/modules/m1/index.html")
        assert "Autre texte." in body.decode()
    finally:
        preview.stop()


def test_memory_lrs_stores_documents_and_judges_statements() -> None:
    lrs = MemoryLrs()
    agent = {"objectType": "Agent", "mbox": "mailto:a@example.fr"}
    params = {"activityId": "https://example.fr/a", "agent": json.dumps(agent), "registration": "r"}
    lrs.put_document("activities/state", {**params, "stateId": "LMS.LaunchData"}, {"launchMode": "Normal"})
    spelt_otherwise = {**params, "agent": json.dumps(agent, separators=(",", ":"))}
    assert lrs.handle("GET", "activities/state", spelt_otherwise, b"").body == ["LMS.LaunchData"]
    assert lrs.handle("GET", "activities/state", {**spelt_otherwise, "stateId": "LMS.LaunchData"}, b"").body == {
        "launchMode": "Normal"}
    good = {"actor": agent, "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
            "object": {"id": "https://example.fr/a"}}
    bad = {**good, "context": {"registration": "pas-un-uuid"}}
    answer = lrs.handle("POST", "statements", {}, json.dumps([good, bad]).encode())
    assert answer.status == 200 and len(answer.body) == 2
    first, second = lrs.statements
    assert first.findings == []
    assert [f["path"] for f in second.findings] == ["$.context.registration"]
    assert lrs.handle("POST", "statements", {}, b"{oops").status == 400
