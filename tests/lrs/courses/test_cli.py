"""`parcours publish` and `parcours unpublish` as a publisher runs them, and the schema
that migration m0006 creates."""

from __future__ import annotations

import base64
import hashlib
import io
import json
from pathlib import Path

import sqlalchemy
from click.testing import CliRunner, Result

from lrs.courses import registry
from lrs.courses.aliases import aliased_courses
from lrs.courses.publish import zip_folder
from lrs.courses.tables import COURSE_TABLES
from lrs.db import engine_for
from lrs.migrations import apply_migrations
from parcours.cli import main
from tests.lrs.courses.conftest import COURSE_IRI, FORMATS
from tests.lrs.xapi_client import make_client, new_id


def run(*args: str) -> Result:
    # No PARCOURS_BLOB_DIR: the blobs go beside the SQLite file.
    return CliRunner(env={"PARCOURS_BLOB_DIR": None, "PARCOURS_LANG": None}).invoke(main, list(args))


def test_publish_prints_the_course_and_refuses_invalid_packages_with_exit_1(
        sqlite_database: str, tmp_path: Path, sample_packages: dict[str, Path], corpus_packages: Path) -> None:
    web_folder = sample_packages["web"].with_suffix("")  # the site `parcours build` wrote
    assert web_folder.is_dir()
    packages = [str(sample_packages[fmt]) for fmt in FORMATS if fmt != "web"] + [str(web_folder)]
    result = run("publish", *packages, "--database", sqlite_database)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 5 and all(COURSE_IRI in line and "version 1.0" in line for line in lines)
    assert "formats : cmi5, scorm12, scorm2004, web, xapi ; 4 module(s)" in lines[-1]

    blobs = tmp_path / "parcours-blobs"  # beside parcours.db
    kept = sorted(path.name for path in blobs.rglob("*.zip"))
    folder_zip = io.BytesIO()
    zip_folder(web_folder, folder_zip)  # the folder is zipped reproducibly before it is published
    digests = [hashlib.sha256(sample_packages[fmt].read_bytes()).hexdigest() for fmt in FORMATS if fmt != "web"]
    assert kept == sorted(f"{digest}.zip" for digest in [*digests, hashlib.sha256(folder_zip.getvalue()).hexdigest()])

    # The packager's own zip of that site replaces the folder's as the web download.
    result = run("publish", str(sample_packages["web"]), "--database", sqlite_database, "--lang", "en")
    same = hashlib.sha256(sample_packages["web"].read_bytes()).digest() == hashlib.sha256(folder_zip.getvalue()).digest()
    assert result.exit_code == 0 and ("(web, unchanged)" if same else "(web, replaced)") in result.output

    result = run("publish", str(corpus_packages / "badscorm.zip"), str(corpus_packages / "singlesco_scorm12.zip"),
                 "--database", sqlite_database, "--format", "json", "--lang", "en")
    assert result.exit_code == 1
    refused, published = json.loads(result.stdout)
    assert [f["code"] for f in refused["refused"]] == ["PACKAGE-MANIFEST-LOCATION"]
    assert refused["refused"][0]["file"] == "badscorm/imsmanifest.xml"
    assert published["published"]["format"] == "scorm12" and published["published"]["modules"] == 1


def test_publish_with_a_course_key_issues_a_key_limited_to_the_published_course(
        sqlite_database: str, sample_packages: dict[str, Path]) -> None:
    mentor = "https://mentor.gouv.fr"
    result = run("publish", str(sample_packages["scorm12"]), str(sample_packages["cmi5"]), "--course-key",
                 "--home-page", mentor, "--database", sqlite_database, "--format", "json")
    assert result.exit_code == 0, result.output
    first, second = json.loads(result.stdout)
    assert "course_key" not in second  # one key per course, not per format
    key, secret = first["course_key"]["key"], first["course_key"]["secret"]
    assert first["course_key"]["report_key"] == f"{key}:{secret}"

    client = make_client(sqlite_database)
    headers = {"Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode(),
               "X-Experience-API-Version": "1.0.3"}

    def post(activity: str) -> int:
        statement = {"id": new_id(), "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                     "actor": {"account": {"homePage": mentor, "name": "cmartin"}}, "object": {"id": activity}}
        return client.client.post("/xapi/statements", json=statement, headers=headers).status_code

    assert post(f"{COURSE_IRI}/modules/m1") == 200
    assert post("https://parcours.example.gouv.fr/cours/autre") == 403
    assert client.client.get("/xapi/statements", headers=headers).status_code == 403  # write-only
    client.app.extensions["parcours.engine"].dispose()

    text = run("publish", str(sample_packages["xapi"]), "--course-key", "--home-page", mentor,
               "--database", sqlite_database, "--lang", "en")
    assert text.exit_code == 0, text.output
    assert f"limited to course {COURSE_IRI}, learners of {mentor}" in text.output
    assert "for the package: --report-key " in text.output


def test_publish_refuses_course_key_limits_without_the_flag_or_a_bad_home_page(
        sqlite_database: str, sample_packages: dict[str, Path]) -> None:
    package = str(sample_packages["cmi5"])
    result = run("publish", package, "--home-page", "https://mentor.gouv.fr", "--database", sqlite_database)
    assert result.exit_code == 2 and "--course-key" in result.output
    result = run("publish", package, "--course-key", "--database", sqlite_database, "--lang", "en")
    assert result.exit_code == 2 and "--home-page" in result.output
    result = run("publish", package, "--course-key", "--home-page", "mentor.gouv.fr", "--database", sqlite_database)
    assert result.exit_code == 2 and "--home-page : 'mentor.gouv.fr' n'est pas une adresse http(s)" in result.output
    assert not any((Path(sqlite_database.removeprefix("sqlite:///")).parent / "parcours-blobs").rglob("*.zip"))


def test_publish_records_the_lms_activities_that_play_the_course(
        sqlite_database: str, sample_packages: dict[str, Path]) -> None:
    activity = "https://mentor.gouv.fr/mod/scorm/view.php?id=42"
    result = run("publish", str(sample_packages["scorm12"]), "--lms-activity", activity,
                 "--database", sqlite_database, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert f"also played by: {activity}" in result.output
    engine = engine_for(sqlite_database)
    with engine.connect() as connection:
        assert aliased_courses(connection, [activity, "https://mentor.gouv.fr/mod/scorm/view.php?id=7"]) == {
            activity: COURSE_IRI}
    engine.dispose()
    result = run("publish", str(sample_packages["scorm12"]), "--lms-activity", "view.php?id=42",
                 "--database", sqlite_database)
    assert result.exit_code == 2 and "--lms-activity : 'view.php?id=42' n'est pas une adresse http(s)" in result.output

    # Removing the link: refused whole when one of the activities does not play the course.
    other = "https://mentor.gouv.fr/mod/scorm/view.php?id=7"
    result = run("unpublish", COURSE_IRI, "--lms-activity", activity, "--lms-activity", other,
                 "--database", sqlite_database)
    assert result.exit_code == 1 and f"ne joue(nt) pas le cours {COURSE_IRI} : {other} (rien n'a été retiré)" in result.output
    with engine.connect() as connection:
        assert aliased_courses(connection, [activity]) == {activity: COURSE_IRI}
    engine.dispose()
    result = run("unpublish", COURSE_IRI, "--lms-activity", activity, "--database", sqlite_database, "--lang", "en")
    assert result.exit_code == 0 and f"no longer playing {COURSE_IRI}: {activity}" in result.output
    with engine.connect() as connection:
        assert aliased_courses(connection, [activity]) == {}
        assert registry.course_structure(connection, COURSE_IRI) is not None  # still published
    engine.dispose()


def test_unpublish(sqlite_database: str, sample_packages: dict[str, Path]) -> None:
    assert run("publish", str(sample_packages["cmi5"]), "--database", sqlite_database).exit_code == 0
    result = run("unpublish", COURSE_IRI, "--version", "9.9", "--database", sqlite_database, "--lang", "en")
    assert result.exit_code == 1 and f"no published course {COURSE_IRI} at version 9.9" in result.output
    result = run("unpublish", COURSE_IRI, "--version", "1.0", "--database", sqlite_database, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"course": COURSE_IRI, "version": "1.0", "formats": ["cmi5"], "modules": 4}]
    assert run("unpublish", COURSE_IRI, "--database", sqlite_database).exit_code == 1


def test_publish_of_a_missing_file_is_a_usage_error(sqlite_database: str, tmp_path: Path) -> None:
    result = run("publish", str(tmp_path / "absent.zip"), "--database", sqlite_database)
    assert result.exit_code == 2 and "absent.zip" in result.output


def test_the_migration_creates_the_tables_the_code_uses(database_url: str) -> None:
    engine = engine_for(database_url)
    try:
        apply_migrations(engine)
        inspector = sqlalchemy.inspect(engine)
        for table in COURSE_TABLES:
            columns = {column["name"]: column["nullable"] for column in inspector.get_columns(table.name)}
            assert columns == {column.name: column.nullable for column in table.columns}, table.name
            primary = inspector.get_pk_constraint(table.name)["constrained_columns"]
            assert primary == [column.name for column in table.primary_key.columns], table.name
            indexes = {index["name"] for index in inspector.get_indexes(table.name)}
            assert {index.name for index in table.indexes} <= indexes, table.name
    finally:
        engine.dispose()


def test_an_upload_cut_short_by_a_crash_is_swept_when_the_app_starts(sqlite_database: str, tmp_path: Path) -> None:
    import os

    from lrs.app import create_app
    from lrs.config import Config
    from lrs.courses.blobs import TEMPORARY_PREFIX

    blobs = tmp_path / "blobs"
    blobs.mkdir()
    stale, fresh = blobs / f"{TEMPORARY_PREFIX}stale.zip", blobs / f"{TEMPORARY_PREFIX}fresh.zip"
    for path in (stale, fresh):
        path.write_bytes(b"PK half a package")
    os.utime(stale, (0, 0))  # from 1970: long dead
    create_app(Config(database_url=sqlite_database, blob_dir=str(blobs))).extensions["parcours.engine"].dispose()
    assert sorted(path.name for path in blobs.iterdir()) == [fresh.name]  # an upload may still be writing it
