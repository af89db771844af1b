"""A package's course structure, read from parcours-course.json or from its manifest."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from packager.build import build_packages
from tests.validators.packages.builders import edit, scorm12, scorm2004, write_folder, write_zip
from validators.packages.structure import StructureUnreadable, read_structure

FORMATS = ["scorm12", "scorm2004", "cmi5", "xapi"]
CMI5 = "{https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd}"


@pytest.fixture(scope="module")
def built(root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("structure")
    results = build_packages(root / "samples" / "courses" / "numerique-responsable", [*FORMATS, "web"], out)
    return {result.format: result.path for result in results}


@pytest.mark.parametrize("fmt", [*FORMATS, "web"])
def test_a_parcours_package_says_everything_in_its_course_description(built: dict[str, Path], fmt: str) -> None:
    package = built[fmt]
    description_file = package / "parcours-course.json" if package.is_dir() else None
    if description_file is not None:
        description = json.loads(description_file.read_text(encoding="utf-8"))
    else:
        with zipfile.ZipFile(package) as archive:
            description = json.loads(archive.read("parcours-course.json"))
    structure = read_structure(package)
    assert structure.source == "parcours-course.json" and structure.package_format == fmt
    assert (structure.iri, structure.version, structure.language) == (
        description["id"], description["version"], description["language"])
    assert structure.title == description["title"] and structure.keywords == tuple(description["keywords"])
    assert structure.licence_name == description["licence"]["name"]
    assert [module.iri for module in structure.modules] == [module["id"] for module in description["modules"]]
    for module, described in zip(structure.modules, description["modules"]):
        assert (module.key, module.title, module.completion, module.launch) == (
            described["key"], described["title"], described["completion"], described["launch"])
        assert [(page.key, page.iri, page.title) for page in module.pages] == [
            (page["key"], page["id"], page["title"]) for page in described["pages"]]
        assert len(module.questions) == len(described["questions"])
        for question, expected in zip(module.questions, described["questions"]):
            assert (question.iri, question.type, question.text, question.weight) == (
                expected["id"], expected["type"], expected["text"], expected["weight"])
            assert question.correct_responses == expected["correct_responses"]
            for component in ("choices", "source", "target"):
                assert question.components.get(component) == expected.get(component)


def test_cmi5_xml_adds_au_ids_and_move_on_to_the_description(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["cmi5"]) as archive:
        aus = list(ElementTree.fromstring(archive.read("cmi5.xml")).iter(f"{CMI5}au"))
    structure = read_structure(built["cmi5"])
    assert [(m.au_id, m.move_on) for m in structure.modules] == [(au.get("id"), au.get("moveOn")) for au in aus]
    assert {m.move_on for m in read_structure(built["scorm12"]).modules} == {None}


def test_standalone_cmi5_course_structures(shared_dir: Path) -> None:
    path = shared_dir / "corpus" / "packages" / "complex-cmi5.xml"
    root = ElementTree.parse(path).getroot()
    aus = list(root.iter(f"{CMI5}au"))
    structure = read_structure(path)
    assert structure.source == "cmi5.xml" and structure.iri == root.find(f"{CMI5}course").get("id")
    assert [m.iri for m in structure.modules] == [au.get("id") for au in aus]
    assert [m.move_on for m in structure.modules] == [au.get("moveOn", "NotApplicable") for au in aus]
    assert [m.launch for m in structure.modules] == [au.find(f"{CMI5}url").text.strip() for au in aus]
    # An AU inside a block carries that block's title.
    blocks = {au.get("id"): block for block in root.iter(f"{CMI5}block") for au in block.findall(f"{CMI5}au")}
    assert blocks
    for module in structure.modules:
        if module.iri in blocks:
            titles = blocks[module.iri].find(f"{CMI5}title")
            assert module.block == {item.get("lang"): item.text.strip() for item in titles}
        else:
            assert module.block is None


def test_tincan_xml(shared_dir: Path) -> None:
    structure = read_structure(shared_dir / "corpus" / "packages" / "tincan.xml")
    assert structure.iri == "http://id.tincanapi.com/activity/tincan-prototypes/golf-example"
    assert structure.source == "tincan.xml" and structure.launch == "index.html"
    assert [m.iri for m in structure.modules] == [structure.iri]  # one launchable activity: the course itself


def test_the_packager_tincan_modules_are_its_module_activities(built: dict[str, Path], tmp_path: Path) -> None:
    with zipfile.ZipFile(built["xapi"]) as archive:
        files = {name: archive.read(name) for name in archive.namelist() if name != "parcours-course.json"}
    structure = read_structure(write_folder(tmp_path / "xapi", files))
    assert structure.source == "tincan.xml"
    assert [m.iri for m in structure.modules] == [m.iri for m in read_structure(built["xapi"]).modules]


def test_scorm_items_become_modules_in_order(tmp_path: Path) -> None:
    structure = read_structure(write_zip(tmp_path / "s2004.zip", scorm2004()))
    assert (structure.package_format, structure.source, structure.title) == ("scorm2004", "imsmanifest.xml",
                                                                            {"und": "Cours"})
    assert structure.iri == "urn:parcours:scorm:course"
    assert [(m.sco_id, m.title, m.launch) for m in structure.modules] == [
        ("item1", {"und": "Module 1"}, "index.html"), ("item2", {"und": "Module 2"}, "index.html?page=2")]
    assert [m.iri for m in structure.modules] == ["urn:parcours:scorm:course/item1", "urn:parcours:scorm:course/item2"]


def test_scorm12_mastery_score_is_a_fraction(tmp_path: Path) -> None:
    files = edit(scorm12(), "imsmanifest.xml", "<title>Module 1</title>",
                 "<title>Module 1</title><adlcp:masteryscore>80</adlcp:masteryscore>")
    [module] = read_structure(write_zip(tmp_path / "s12.zip", files)).modules
    assert module.mastery_score == 0.8


def test_unreadable_inputs(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("bonjour", encoding="utf-8")
    with pytest.raises(StructureUnreadable):
        read_structure(notes)
    traversal = tmp_path / "evil.zip"
    with zipfile.ZipFile(traversal, "w") as archive:
        archive.writestr("../evil.html", "x")
    with pytest.raises(StructureUnreadable):
        read_structure(traversal)
