"""Publishing over HTTP (`POST /courses`, `DELETE /courses`) on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from lrs.courses import registry
from lrs.courses.blobs import open_blob
from lrs.db import read_transaction
from tests.lrs.courses.conftest import COURSE_IRI, FORMATS, Node
from tests.lrs.xapi_client import statement
from validators.packages import validate_package

VALID_CORPUS = (
    "singlesco_scorm12.zip",
    "singlescobasic_missingorg.zip",
    "complexscorm.zip",
    "RuntimeBasicCalls_SCORM20043rdEdition.zip",
    "SequencingPostTestRollup4thEd_SCORM20044thEdition.zip",
    "ContentPackagingMetadata_SCORM20043rdEdition.zip",
    "SingleAssetEx.zip",
    "validaicc.zip",
)
# The corpus README's invalid packages, plus two that Moodle imports but that are not
# packages one can publish: a manifest that is only an XML declaration, and a SCO and
# metadata outside the package (ADL's conformance test refuses it).
INVALID_CORPUS = (
    "badscorm.zip",
    "invalid.zip",
    "209-1-not-a-zip.zip",
    "validscorm.zip",
    "SingleExternalSCOEx.zip",
)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def description_of(package: Path) -> dict:
    with zipfile.ZipFile(package) as archive:
        return json.loads(archive.read("parcours-course.json"))


def test_each_format_of_the_sample_course_is_one_course_with_five_downloads(node: Node,
                                                                             sample_packages: dict[str, Path]) -> None:
    for count, fmt in enumerate(FORMATS, start=1):
        status, body = node.publish(sample_packages[fmt])
        assert status == 201, body
        assert body["course"] == COURSE_IRI and body["version"] == "1.0" and body["format"] == fmt
        assert body["formats"] == sorted(FORMATS[:count])
        assert body["modules"] == 4
        assert body["sha256"] == sha256_of(sample_packages[fmt])
        assert body["status"] == ("created" if count == 1 else "added")

    description = description_of(sample_packages["cmi5"])
    with zipfile.ZipFile(sample_packages["cmi5"]) as archive:
        cmi5 = ElementTree.fromstring(archive.read("cmi5.xml"))
    aus = [au for au in cmi5.iter() if au.tag.endswith("}au")]
    with read_transaction(node.engine) as connection:
        listed = registry.published_courses(connection)
        course = registry.course_structure(connection, COURSE_IRI)
    assert [item.iri for item in listed] == [COURSE_IRI]
    assert course is not None and course.latest and course.formats == tuple(sorted(FORMATS))
    assert course.structure.title == description["title"]
    assert course.structure.licence_url == description["licence"]["url"]
    assert course.structure.accessibility == description["accessibility"]
    assert [m.iri for m in course.structure.modules] == [m["id"] for m in description["modules"]]
    for module, described, au in zip(course.structure.modules, description["modules"], aus):
        assert module.title == described["title"]
        assert [p.iri for p in module.pages] == [p["id"] for p in described["pages"]]
        assert [(q.iri, q.type, q.correct_responses) for q in module.questions] == [
            (q["id"], q["type"], q["correct_responses"]) for q in described["questions"]]
        # cmi5.xml's AU ids and moveOn stay with the course whatever format came after it.
        assert module.au_id == au.get("id") and module.move_on == au.get("moveOn")
    with read_transaction(node.engine) as connection:
        assert registry.module_owner(connection, aus[0].get("id")) == COURSE_IRI
        assert registry.module_owner(connection, "https://elsewhere.example/module") is None


def test_downloads_are_byte_identical_to_the_published_zips(node: Node, sample_packages: dict[str, Path]) -> None:
    for fmt in FORMATS:
        assert node.publish(sample_packages[fmt])[0] == 201
    with read_transaction(node.engine) as connection:
        course = registry.course_structure(connection, COURSE_IRI)
    assert course is not None
    for download in course.downloads:
        with node.app.app_context(), open_blob(download.sha256) as blob:
            data = blob.read()
        assert hashlib.sha256(data).hexdigest() == download.sha256 == sha256_of(sample_packages[download.format])
        assert download.size == len(data)
        assert download.filename == sample_packages[download.format].name


def test_publishing_the_same_zip_again_changes_nothing(node: Node, sample_packages: dict[str, Path]) -> None:
    assert node.publish(sample_packages["scorm12"])[0] == 201
    files, rows = node.stored_files(), node.course_rows()
    with read_transaction(node.engine) as connection:
        before = registry.course_structure(connection, COURSE_IRI)
    status, body = node.publish(sample_packages["scorm12"])
    assert status == 200 and body["status"] == "unchanged"
    assert node.stored_files() == files and node.course_rows() == rows
    with read_transaction(node.engine) as connection:
        assert registry.course_structure(connection, COURSE_IRI) == before  # not even its last update


def test_a_changed_zip_of_the_same_format_replaces_the_download_and_its_blob(
        node: Node, sample_packages: dict[str, Path], tmp_path: Path) -> None:
    assert node.publish(sample_packages["scorm12"])[0] == 201
    changed = tmp_path / "numerique-responsable-scorm12.zip"
    with zipfile.ZipFile(sample_packages["scorm12"]) as source, zipfile.ZipFile(changed, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("notes.txt", "une note ajoutée")
    status, body = node.publish(changed)
    assert status == 201 and body["status"] == "replaced" and body["formats"] == ["scorm12"]
    assert [path.name for path in node.stored_files()] == [f"{sha256_of(changed)}.zip"]


@pytest.mark.parametrize("name", VALID_CORPUS)
def test_valid_corpus_packages_register_with_what_their_manifest_says(node: Node, corpus_packages: Path,
                                                                       name: str) -> None:
    package = corpus_packages / name
    status, body = node.publish(package)
    assert status == 201, body
    assert body["format"] == validate_package(package).kind.split("-")[0]  # scorm2004-3rd: scorm2004
    with read_transaction(node.engine) as connection:
        course = registry.course_structure(connection, body["course"], body["version"])
    assert course is not None and course.downloads[0].sha256 == sha256_of(package)
    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
        manifest = ElementTree.fromstring(archive.read("imsmanifest.xml")) if "imsmanifest.xml" in names else None
    if manifest is None:  # AICC: nothing names the course; the content does
        assert body["course"] == f"urn:parcours:package:{sha256_of(package)}" and body["modules"] == 0
        assert course.structure.title == {"und": package.stem}
        return
    titles = _launchable_titles(manifest)
    assert [module.title.get("und") for module in course.structure.modules] == titles
    assert body["modules"] == len(titles) > 0


def _launchable_titles(manifest: ElementTree.Element) -> list[str]:
    """Independent reading: the titles of the default organization's items whose resource
    has an href, in document order; every resource with an href when there is no organization."""
    def local(element: ElementTree.Element) -> str:
        return element.tag.rsplit("}", 1)[-1]

    resources = {r.get("identifier"): r for r in manifest.iter() if local(r) == "resource" and r.get("href")}
    organizations_element = next(e for e in manifest if local(e) == "organizations")
    organizations = [e for e in organizations_element if local(e) == "organization"]
    if not organizations:
        return list(resources)
    default = organizations_element.get("default")
    chosen = next((o for o in organizations if o.get("identifier") == default), organizations[0])
    titles = []
    for item in chosen.iter():
        if local(item) == "item" and item.get("identifierref") in resources:
            title = next((c.text for c in item if local(c) == "title"), None)
            titles.append((title or item.get("identifier")).strip())
    return titles


@pytest.mark.parametrize("name", INVALID_CORPUS)
def test_invalid_corpus_packages_are_refused_with_the_validator_findings_and_nothing_stored(
        node: Node, corpus_packages: Path, name: str) -> None:
    package = corpus_packages / name
    status, body = node.publish(package)
    assert status == 422, body
    expected = {(f.code, f.line) for f in validate_package(package).errors}
    assert expected and {(f["code"], f.get("line")) for f in body["findings"]} == expected
    assert all(f["message"] for f in body["findings"])
    assert node.course_rows() == dict.fromkeys(node.course_rows(), 0)
    assert node.stored_files() == []


def _zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return buffer.getvalue()


def _with_entry(package: Path, info: zipfile.ZipInfo | str, data: bytes) -> bytes:
    with zipfile.ZipFile(package) as source:
        entries = [(item, source.read(item)) for item in source.infolist()]
    return _zip(entries + [(info, data)])


def _symlink_entry() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("media/passwd")
    info.external_attr = (0o120777 << 16)
    return info


@pytest.mark.parametrize("hostile, code", [
    ("traversal", "ZIP-PARENT-PATH"),
    ("absolute", "ZIP-ABSOLUTE-PATH"),
    ("symlink", "ZIP-SYMLINK"),
    ("bomb", "ZIP-BOMB"),
])
def test_hostile_zips_are_refused_and_nothing_is_stored(node: Node, sample_packages: dict[str, Path],
                                                        hostile: str, code: str) -> None:
    package = sample_packages["scorm12"]
    body = {
        "traversal": lambda: _with_entry(package, "../../etc/cron.d/evil", b"* * * * * root true"),
        "absolute": lambda: _with_entry(package, "/etc/evil.html", b"<p>evil</p>"),
        "symlink": lambda: _with_entry(package, _symlink_entry(), b"/etc/passwd"),
        "bomb": lambda: _with_entry(package, "media/zeros.bin", bytes(64 * 1024 * 1024)),
    }[hostile]()
    status, answer = node.publish(body, filename="hostile.zip")
    assert status == 422, answer
    assert code in {finding["code"] for finding in answer["findings"]}
    assert node.course_rows() == dict.fromkeys(node.course_rows(), 0)
    assert node.stored_files() == []


def test_a_package_over_the_size_limit_is_refused_without_being_read(sqlite_database: str, tmp_path: Path,
                                                                      sample_packages: dict[str, Path]) -> None:
    from contextlib import ExitStack

    from tests.lrs.courses.conftest import start_node

    limit = 64 * 1024
    with ExitStack() as stack:
        small = start_node(stack, sqlite_database, tmp_path / "blobs", max_package_bytes=limit)
        # Declared too large (Content-Length), then streamed without a length (chunked): the cap holds both ways.
        for chunked in (False, True):
            status, body = small.publish(sample_packages["scorm12"].read_bytes(), filename="big.zip", chunked=chunked)
            assert status == 422, body
            assert [f["code"] for f in body["findings"]] == ["PACKAGE-TOO-LARGE"]
            assert body["findings"][0]["file"] == "big.zip"
            assert small.stored_files() == [] and small.course_rows() == dict.fromkeys(small.course_rows(), 0)


def test_the_lrs_body_limit_does_not_apply_to_packages(sqlite_database: str, tmp_path: Path,
                                                       sample_packages: dict[str, Path]) -> None:
    from contextlib import ExitStack

    from tests.lrs.courses.conftest import start_node

    with ExitStack() as stack:
        strict = start_node(stack, sqlite_database, tmp_path / "blobs", max_body_bytes=16 * 1024)
        assert sample_packages["scorm2004"].stat().st_size > 16 * 1024
        status, body = strict.publish(sample_packages["scorm2004"])
        assert status == 201, body


def test_a_body_that_is_not_a_zip_is_refused(node: Node) -> None:
    status, body = node.publish(b"<courseStructure/>", content_type="application/xml")
    assert status == 415 and body["error"]["field"] == "Content-Type"
    status, body = node.publish(b"# not a zip\n", filename="notes.zip")
    assert status == 422 and [f["code"] for f in body["findings"]] == ["ZIP-NOT-A-ZIP"]
    assert node.stored_files() == []


def test_a_second_version_keeps_the_first_and_becomes_the_latest(node: Node, sample_packages: dict[str, Path],
                                                                 second_version_packages: dict[str, Path]) -> None:
    for fmt in ("scorm12", "cmi5"):
        assert node.publish(sample_packages[fmt])[0] == 201
    status, body = node.publish(second_version_packages["scorm12"])
    assert status == 201 and body["version"] == "2.0" and body["status"] == "created"
    assert body["formats"] == ["scorm12"]
    with read_transaction(node.engine) as connection:
        latest = registry.course_structure(connection, COURSE_IRI)
        first = registry.course_structure(connection, COURSE_IRI, "1.0")
        listed = registry.published_courses(connection)
        every = registry.published_courses(connection, all_versions=True)
        versions = [item.version for item in registry.course_versions(connection, COURSE_IRI)]
    assert latest is not None and latest.version == "2.0" and latest.latest
    assert first is not None and not first.latest and first.formats == ("cmi5", "scorm12")
    assert [(item.iri, item.version) for item in listed] == [(COURSE_IRI, "2.0")]
    assert sorted(item.version for item in every) == ["1.0", "2.0"] and versions == ["2.0", "1.0"]
    # Adding a format to the older version does not make it the latest again.
    assert node.publish(sample_packages["xapi"])[1]["status"] == "added"
    with read_transaction(node.engine) as connection:
        assert registry.course_structure(connection, COURSE_IRI).version == "2.0"  # type: ignore[union-attr]


def test_unpublish_removes_a_version_and_its_blobs_and_never_touches_statements(
        node: Node, sample_packages: dict[str, Path], second_version_packages: dict[str, Path]) -> None:
    assert node.publish(sample_packages["scorm12"])[0] == 201
    assert node.publish(second_version_packages["scorm12"])[0] == 201
    recorded = statement(object={"objectType": "Activity", "id": COURSE_IRI})
    status, _headers, data = node.request("POST", "/xapi/statements", json.dumps(recorded), key="all",
                                          headers={"Content-Type": "application/json",
                                                   "X-Experience-API-Version": "1.0.3"})
    assert status == 200, data
    [statement_id] = json.loads(data)

    status, body = node.unpublish(COURSE_IRI, "2.0")
    assert status == 200 and body["removed"] == [
        {"course": COURSE_IRI, "version": "2.0", "formats": ["scorm12"], "modules": 4}]
    with read_transaction(node.engine) as connection:
        latest = registry.course_structure(connection, COURSE_IRI)
        assert registry.course_structure(connection, COURSE_IRI, "2.0") is None
    assert latest is not None and latest.version == "1.0" and latest.latest
    assert [path.name for path in node.stored_files()] == [f"{sha256_of(sample_packages['scorm12'])}.zip"]

    assert node.unpublish(COURSE_IRI, "2.0")[0] == 404
    status, body = node.unpublish(COURSE_IRI)
    assert status == 200 and [item["version"] for item in body["removed"]] == ["1.0"]
    assert node.course_rows() == dict.fromkeys(node.course_rows(), 0) and node.stored_files() == []
    status, _headers, data = node.request("GET", f"/xapi/statements?statementId={statement_id}", key="all",
                                          headers={"X-Experience-API-Version": "1.0.3"})
    assert status == 200 and json.loads(data)["object"]["id"] == COURSE_IRI


def test_scopes(node: Node, sample_packages: dict[str, Path]) -> None:
    package = sample_packages["scorm12"]
    assert node.publish(package, key=None)[0] == 401
    for key in ("writer", "reader"):
        status, body = node.publish(package, key=key)
        assert status == 403 and "courses/write" in body["error"]["message"]
    assert node.course_rows()["courses"] == 0 and node.stored_files() == []
    assert node.publish(package, key="publisher")[0] == 201
    assert node.unpublish(COURSE_IRI, key="writer")[0] == 403
    assert node.unpublish(COURSE_IRI, key=None)[0] == 401
    assert node.unpublish(COURSE_IRI, key="all")[0] == 200


def test_delete_needs_the_course(node: Node) -> None:
    status, _headers, data = node.request("DELETE", "/courses")
    assert status == 400 and json.loads(data)["error"]["field"] == "course"
