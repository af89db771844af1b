"""Built packages: manifests valid against the official XSDs, complete, and byte-identical on rebuild."""

from __future__ import annotations

import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import etree

from packager.build import build_packages
from packager.checks import package_findings
from packager.zipwriter import write_zip
from packager.course import load_course
from packager.formats import FORMATS
from validators.schemas import load_schema

MANIFESTS = {"scorm12": "imsmanifest.xml", "scorm2004": "imsmanifest.xml", "cmi5": "cmi5.xml", "xapi": "tincan.xml"}
SCHEMA_KINDS = {"scorm12": "scorm12", "scorm2004": "scorm2004", "cmi5": "cmi5"}
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _manifest(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name), PARSER)


@pytest.mark.parametrize("package_format", sorted(SCHEMA_KINDS))
def test_manifest_validates_against_official_xsd(built_sample: dict[str, Path], package_format: str) -> None:
    schema = load_schema(SCHEMA_KINDS[package_format])
    document = _manifest(built_sample[package_format], MANIFESTS[package_format])
    assert schema.validate(document), schema.error_log


@pytest.mark.parametrize("package_format", ["scorm12", "scorm2004"])
def test_every_file_listed_in_manifest_and_back(built_sample: dict[str, Path], package_format: str) -> None:
    path = built_sample[package_format]
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        text = archive.read("imsmanifest.xml").decode()
    root = etree.fromstring(text.encode(), PARSER)
    listed = {unquote(element.get("href")) for element in root.iter("{*}file")}
    control = {"imsmanifest.xml"} | {n for n in names if n.endswith((".xsd", ".dtd"))}
    assert listed == names - control
    # each SCO depends on the shared asset resource, which exists
    ids = {resource.get("identifier") for resource in root.iter("{*}resource")}
    for dependency in root.iter("{*}dependency"):
        assert dependency.get("identifierref") in ids
    for item in root.iter("{*}item"):
        assert item.get("identifierref") in ids


@pytest.mark.parametrize("package_format", ["scorm12", "scorm2004"])
def test_manifest_uses_standard_prefixes_and_metadata(built_sample: dict[str, Path], package_format: str) -> None:
    with zipfile.ZipFile(built_sample[package_format]) as archive:
        text = archive.read("imsmanifest.xml").decode()
        names = archive.namelist()
    assert "<schema>ADL SCORM</schema>" in text
    if package_format == "scorm12":
        assert "<schemaversion>1.2</schemaversion>" in text
        assert 'adlcp:scormtype="sco"' in text and "<adlcp:masteryscore>70</adlcp:masteryscore>" in text
        assert {"imscp_rootv1p1p2.xsd", "adlcp_rootv1p2.xsd", "imsmd_rootv1p2p1.xsd", "ims_xml.xsd"} <= set(names)
        assert "<imsmd:title>" in text and "Licence Ouverte / Etalab 2.0" in text
    else:
        assert "<schemaversion>2004 4th Edition</schemaversion>" in text
        for prefix in ("adlcp:", "imsss:", "adlnav:", "adlseq:"):
            assert f'xmlns:{prefix[:-1]}="' in text
        assert 'adlcp:scormType="sco"' in text
        assert '<imsss:controlMode choice="true" flow="true"/>' in text
        assert "<imsss:minNormalizedMeasure>0.7</imsss:minNormalizedMeasure>" in text
        assert "<adlcp:completionThreshold" in text
        assert {"imscp_v1p1.xsd", "adlcp_v1p3.xsd", "imsss_v1p0.xsd", "lom.xsd", "common/anyElement.xsd"} <= set(names)
        assert "<lom:title>" in text and "Licence Ouverte / Etalab 2.0" in text
    assert 'xml:lang="fr"' in text or 'language="fr"' in text


def test_cmi5_course_structure(built_sample: dict[str, Path]) -> None:
    root = _manifest(built_sample["cmi5"], "cmi5.xml")
    ns = {"c": "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"}
    aus = root.findall("c:au", ns)
    assert [au.get("moveOn") for au in aus] == ["Passed", "Passed", "Passed", "CompletedOrPassed"]
    assert {au.get("masteryScore") for au in aus} == {"0.7"}
    assert {au.get("launchMethod") for au in aus} == {"AnyWindow"}
    with zipfile.ZipFile(built_sample["cmi5"]) as archive:
        names = set(archive.namelist())
    for au in aus:
        url = au.findtext("c:url", namespaces=ns)
        assert url in names and "://" not in url
    assert root.find("c:course", ns).get("id") == "https://parcours.example.gouv.fr/cours/numerique-responsable"


def test_tincan_lists_course_and_launchable_modules(built_sample: dict[str, Path]) -> None:
    root = _manifest(built_sample["xapi"], "tincan.xml")
    assert root.tag == "{http://projecttincan.com/tincan.xsd}tincan"
    activities = root.findall("{*}activities/{*}activity")
    with zipfile.ZipFile(built_sample["xapi"]) as archive:
        names = set(archive.namelist())
    course = activities[0]
    assert course.get("type") == "http://adlnet.gov/expapi/activities/course"
    modules = [a for a in activities if a.get("type") == "http://adlnet.gov/expapi/activities/module"]
    assert len(modules) == 4
    for activity in [course, *modules]:
        assert activity.findtext("{*}name") and activity.findtext("{*}launch") in names
    assert len({a.get("id") for a in activities}) == len(activities)


def test_rebuild_is_byte_identical(sample_course: Path, tmp_path: Path) -> None:
    formats = ["scorm12", "scorm2004", "cmi5", "xapi", "web"]
    first = build_packages(sample_course, formats, tmp_path / "a")
    second = build_packages(sample_course, formats, tmp_path / "b")
    for one, two in zip(first, second):
        if one.format == "web":
            files = sorted(p.relative_to(one.path) for p in one.path.rglob("*") if p.is_file())
            assert files == sorted(p.relative_to(two.path) for p in two.path.rglob("*") if p.is_file())
            assert Path("parcours-course.json") in files
            for name in files:
                assert (one.path / name).read_bytes() == (two.path / name).read_bytes(), name
            assert one.archive.read_bytes() == two.archive.read_bytes()
            continue
        assert one.path.read_bytes() == two.path.read_bytes(), one.format
        with zipfile.ZipFile(one.path) as archive:
            assert "parcours-course.json" in archive.namelist(), one.format


def test_zip_entries_are_normalised(built_sample: dict[str, Path]) -> None:
    with zipfile.ZipFile(built_sample["scorm12"]) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names)
    assert {info.date_time for info in infos} == {(2000, 1, 1, 0, 0, 0)}
    assert {info.external_attr >> 16 for info in infos} == {0o100644}
    ogg = next(info for info in infos if info.filename.endswith(".ogg"))
    html = next(info for info in infos if info.filename.endswith(".html"))
    assert ogg.compress_type == zipfile.ZIP_STORED and html.compress_type == zipfile.ZIP_DEFLATED


def test_every_format_ships_the_runtime_and_module_documents(built_sample: dict[str, Path], root: Path) -> None:
    runtime = sorted(p.name for p in (root / "packager" / "runtime").glob("*.js"))
    assert "parcours.js" in runtime
    for package_format in ("scorm12", "scorm2004", "cmi5", "xapi"):
        with zipfile.ZipFile(built_sample[package_format]) as archive:
            names = set(archive.namelist())
            assert archive.testzip() is None
        assert {f"runtime/{name}" for name in runtime} <= names
        assert {f"modules/{key}/index.html" for key in ("equipements", "donnees", "usages", "documents")} <= names
        assert "files/media/gestes.ogg" in names and "files/media/gestes.vtt" in names
    web = built_sample["web"]
    assert (web / "index.html").is_file() and (web / "modules/usages/index.html").is_file()


def test_web_rebuild_replaces_its_own_folder_only(sample_course: Path, tmp_path: Path) -> None:
    build_packages(sample_course, ["web"], tmp_path)
    build_packages(sample_course, ["web"], tmp_path)  # replaces the previous preview
    (tmp_path / "autre").mkdir()
    from packager.build import OutputError, build_format
    course = load_course(sample_course)
    (tmp_path / "numerique-responsable-web").rename(tmp_path / "garde")
    (tmp_path / "numerique-responsable-web").mkdir()
    (tmp_path / "numerique-responsable-web" / "notes.txt").write_text("à garder")
    with pytest.raises(OutputError):
        build_format(course, "web", tmp_path)
    assert (tmp_path / "numerique-responsable-web" / "notes.txt").read_text() == "à garder"


def test_invalid_manifest_is_reported(sample_course: Path, tmp_path: Path) -> None:
    course = load_course(sample_course)
    package = FORMATS["scorm2004"].package(course)
    package.files["imsmanifest.xml"] = package.files["imsmanifest.xml"].replace(
        b'<imsss:controlMode choice="true" flow="true"/>', b'<imsss:controlMode choice="maybe"/>')
    target = tmp_path / "invalid.zip"
    write_zip(target, package.files)
    schema = [f for f in package_findings(target) if f.code == "XML-SCHEMA"]
    assert schema and schema[0].file == "imsmanifest.xml" and schema[0].line


def test_package_validator_rejects_a_broken_package(sample_course: Path, tmp_path: Path) -> None:
    package = FORMATS["scorm12"].package(load_course(sample_course))
    package.files["imsmanifest.xml"] = package.files["imsmanifest.xml"].replace(
        b'identifierref="RES-shared"', b'identifierref="RES-absent"')
    target = tmp_path / "broken.zip"
    write_zip(target, package.files)
    findings = [f for f in package_findings(target) if f.severity == "error"]
    assert findings
    assert any(f.file == "imsmanifest.xml" for f in findings)


def test_built_packages_have_no_error_finding(built_sample: dict[str, Path]) -> None:
    from validators.packages import validate_package
    for package_format in ("scorm12", "scorm2004", "cmi5", "xapi"):
        report = validate_package(built_sample[package_format], target="moodle")
        assert [f.code for f in report.findings if f.severity == "error"] == [], package_format


def test_build_errors_survive_worker_processes() -> None:
    import pickle

    from packager.build import OutputError, PackageError
    from validators.findings import Finding
    error = PackageError("scorm12", Path("x.zip"), [Finding("XSD", "fr", "en", file="imsmanifest.xml", line=3)])
    copy = pickle.loads(pickle.dumps(error))
    assert copy.format_message("en") == error.format_message("en")
    assert "imsmanifest.xml:3: en" in copy.format_message("en")
    assert pickle.loads(pickle.dumps(OutputError("a", "b"))).message_fr == "a"


def test_parallel_build_gives_the_same_bytes(sample_course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import packager.build

    formats = ["scorm12", "cmi5"]
    sequential = build_packages(sample_course, formats, tmp_path / "seq")
    monkeypatch.setattr(packager.build, "PARALLEL_THRESHOLD", 0)  # large-course path: one process a format
    parallel = build_packages(sample_course, formats, tmp_path / "par")
    assert [b.path.read_bytes() for b in sequential] == [b.path.read_bytes() for b in parallel]


def test_accented_media_names_are_escaped_urls(write_course, tmp_path: Path) -> None:
    from validators.packages import validate_package
    folder = write_course({
        "course.yaml": "id: https://example.org/c\ntitle: C\nmodules:\n  - {key: m, title: M, pages: [p.md]}\n",
        "p.md": "# T\n\n![Un schéma](<media/schéma des flux.svg>)\n",
        "media/schéma des flux.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    })
    built = build_packages(folder, ["scorm12"], tmp_path / "out")[0]
    with zipfile.ZipFile(built.path) as archive:
        page = archive.read("modules/m/index.html").decode()
        manifest = archive.read("imsmanifest.xml").decode()
        assert "files/media/schéma des flux.svg" in archive.namelist()
    assert 'src="../../files/media/sch%C3%A9ma%20des%20flux.svg"' in page
    assert 'href="files/media/sch%C3%A9ma%20des%20flux.svg"' in manifest
    report = validate_package(built.path, target="moodle")
    assert [f.code for f in report.findings if f.severity == "error"] == []
