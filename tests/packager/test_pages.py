"""Launch documents: the contract's config block and markup, and what accessibility needs."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from lxml import html as lxml_html

from packager.course import load_course

MODULES = ("equipements", "donnees", "usages", "documents")


def _document(built: dict[str, Path], package_format: str, module: str):
    with zipfile.ZipFile(built[package_format]) as archive:
        data = archive.read(f"modules/{module}/index.html")
    return data.decode("utf-8"), lxml_html.document_fromstring(data)


@pytest.mark.parametrize("package_format", ["scorm12", "scorm2004", "cmi5", "xapi"])
def test_config_block_follows_the_contract(built_sample: dict[str, Path], sample_course: Path, package_format: str) -> None:
    course = load_course(sample_course)
    for module in course.modules:
        text, doc = _document(built_sample, package_format, module.key)
        blocks = doc.xpath('//script[@type="application/json"][@id="pc-config"]')
        assert len(blocks) == 1
        runtime = doc.xpath('//script[@src="../../runtime/parcours.js"]')[0]
        assert list(doc.iter("script")).index(blocks[0]) < list(doc.iter("script")).index(runtime)
        config = json.loads(blocks[0].text)
        assert list(config) == ["format", "language", "course", "module", "pages", "quiz", "strings", "vocabulary"]
        assert config["format"] == package_format and config["language"] == "fr"
        assert config["course"] == {"id": course.id, "title": course.title_text()}
        assert config["module"] == {"id": module.id, "key": module.key, "title": module.title,
                                    "completion": module.completion, "masteryScore": module.mastery_score}
        sections = doc.xpath('//main[@id="contenu"]/section[@class="pc-page"]')
        assert [p["key"] for p in config["pages"]] == [s.get("data-page") for s in sections]
        assert [s.get("hidden") is not None for s in sections] == [False] + [True] * (len(sections) - 1)
        assert config["strings"]["next"] == "Suivant" and config["strings"]["submit"] == "Valider"
        assert config["vocabulary"]["verbs"] == "http://adlnet.gov/expapi/verbs/"
        quiz = config["quiz"]
        assert quiz["id"] == module.quiz.id and quiz["key"] == "quiz" == config["pages"][-1]["key"]
        for question, source in zip(quiz["questions"], module.quiz.questions):
            assert question["id"] == source.id and question["key"] == source.key
            assert question["type"] in ("choice", "true-false", "fill-in", "numeric", "matching", "sequencing")
            assert question["correctResponsesPattern"] == list(source.correct_responses)
            assert question["weight"] > 0 and question["description"]
            assert set(question["feedback"]) == {"correct", "incorrect"}
            fieldset = doc.xpath(f'//form[@class="pc-quiz"]/fieldset[@data-question="{source.key}"]')[0]
            assert fieldset.xpath(f'.//div[@class="pc-feedback"][@data-feedback="{source.key}"][@aria-live="polite"]')
            _check_controls(question, fieldset)
        assert "</script" not in blocks[0].text


def _check_controls(question: dict, fieldset) -> None:
    key = question["key"]
    if question["type"] == "choice":
        kind = "checkbox" if question["multiple"] else "radio"
        values = fieldset.xpath(f'.//input[@type="{kind}"][@name="{key}"]/@value')
        assert values == [c["id"] for c in question["choices"]]
    elif question["type"] == "true-false":
        assert fieldset.xpath(f'.//input[@type="radio"][@name="{key}"]/@value') == ["true", "false"]
    elif question["type"] == "fill-in":
        assert fieldset.xpath(f'.//input[@type="text"][@name="{key}"]')
    elif question["type"] == "numeric":
        assert fieldset.xpath(f'.//input[@type="text"][@inputmode="decimal"][@name="{key}"]')
    elif question["type"] == "matching":
        for source in question["source"]:
            options = fieldset.xpath(f'.//select[@name="{key}:{source["id"]}"]/option/@value')
            assert options == [""] + [t["id"] for t in question["target"]]
    else:
        for item in question["choices"]:
            options = fieldset.xpath(f'.//select[@name="{key}:{item["id"]}"]/option/@value')
            assert options == [""] + [str(n) for n in range(1, len(question["choices"]) + 1)]


@pytest.mark.parametrize("module", MODULES)
def test_markup_is_accessible(built_sample: dict[str, Path], module: str) -> None:
    text, doc = _document(built_sample, "scorm12", module)
    assert doc.get("lang") == "fr"
    assert doc.findtext(".//title")
    skip = doc.xpath('//body/*[1]')[0]
    assert skip.tag == "a" and skip.get("href") == "#contenu" and skip.text == "Aller au contenu"
    assert doc.xpath('//main[@id="contenu"]')
    for section in doc.xpath('//section[@class="pc-page"]'):
        heading = section[0]
        assert heading.tag == "h1" and heading.get("tabindex") == "-1"
        assert section.get("aria-labelledby") == heading.get("id")
        levels = [int(h.tag[1]) for h in section.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:])) and levels.count(1) == 1
    nav = doc.xpath('//nav[@class="pc-nav"]')[0]
    assert [b.text for b in nav.xpath('.//button[@type="button"]')] == ["Précédent", "Suivant"]
    assert nav.xpath('.//p[@class="pc-progress"][@aria-live="polite"]')
    form = doc.xpath('//form[@class="pc-quiz"][@novalidate]')[0]
    assert form.xpath('.//button[@type="submit"]')[0].text == "Valider"
    assert form.xpath('./div[@class="pc-result"][@aria-live="polite"]')
    for fieldset in form.xpath('.//fieldset'):
        assert fieldset[0].tag == "legend" and fieldset[0].text_content().strip()
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids))
    for control in doc.xpath("//input | //select"):
        labels = doc.xpath(f'//label[@for="{control.get("id")}"]')
        assert labels and labels[0].text_content().strip(), control.get("name")
    for image in doc.xpath("//img"):
        assert image.get("alt", "").strip()
    for frame in doc.xpath("//iframe"):
        assert frame.get("title")
    footer = doc.xpath("//footer")[0].text_content()
    assert "Licence Ouverte / Etalab 2.0" in footer and "Équipe pédagogique parcours" in footer


def test_media_has_captions_and_transcript(built_sample: dict[str, Path]) -> None:
    _, doc = _document(built_sample, "scorm12", "documents")
    audio = doc.xpath("//audio")[0]
    assert audio.get("controls") is not None and audio.get("aria-label")
    track = audio.xpath(".//track")[0]  # libxml2 nests it in the void <source>
    assert track.get("kind") == "captions" and track.get("src") == "../../files/media/gestes.vtt"
    assert doc.xpath('//details[@class="pc-transcript"]/summary')[0].text == "Transcription"


@pytest.mark.parametrize("package_format", ["scorm12", "scorm2004", "cmi5", "xapi", "web"])
def test_nothing_reaches_outside_the_package(built_sample: dict[str, Path], package_format: str) -> None:
    path = built_sample[package_format]
    if path.is_dir():
        texts = {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.suffix in (".html", ".css")}
    else:
        with zipfile.ZipFile(path) as archive:
            texts = {n: archive.read(n) for n in archive.namelist() if n.endswith((".html", ".css"))}
    for name, data in texts.items():
        text = data.decode("utf-8")
        loads = re.findall(r'(?:src|srcset|poster|data)="([^"]+)"|url\(([^)]+)\)|<link[^>]+href="([^"]+)"', text)
        for groups in loads:
            target = next(g for g in groups if g)
            assert "://" not in target and not target.startswith("//"), (name, target)


def test_english_course_gets_english_interface(write_course, tmp_path: Path) -> None:
    from packager.build import build_packages
    folder = write_course({
        "course.yaml": "id: https://example.org/c\nlanguage: en\ntitle: Course\nmodules:\n"
                       "  - {key: m, title: M, pages: [p.md]}\n",
        "p.md": "# Hello\n\n::: warning\nCareful.\n:::\n",
    })
    built = build_packages(folder, ["scorm12"], tmp_path / "out")[0]
    with zipfile.ZipFile(built.path) as archive:
        text = archive.read("modules/m/index.html").decode()
    assert '<html lang="en">' in text and ">Skip to content<" in text
    assert ">Next<" in text and ">Previous<" in text and "Warning" in text
