"""Loads a course folder into a checked `Course`, or raises `CourseError` with every mistake."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from packager.course.errors import CourseError, SourceError
from packager.course.html_pages import HTML_SUFFIXES, page_title
from packager.course.markdown import IMAGE_SUFFIXES, PageRenderer
from packager.course.reused_pages import html_page, pdf_page
from packager.course.marked_yaml import MarkedDict, YamlSyntaxError, load_marked
from packager.course.model import ETALAB_NAME, ETALAB_URL, Author, Course, Image, Licence, Module, Page, ReportTo, Text
from packager.course.quiz import QUIZ_PAGE_KEY, load_quiz
from packager.course.schemas import KEY_RE, CourseSchema, ModuleSchema
from packager.course.validation import error_at, load_lenient, located_errors
from packager.messages import msg
from validators.xapi import is_language_tag

COURSE_FILE = "course.yaml"
SYSTEM_FILES = ("thumbs.db", "desktop.ini")  # what file managers leave in folders (hidden ones are skipped too)


# letters that Unicode does not decompose into a Latin letter and an accent
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l", "þ": "th"})


def _page_key(file: str) -> str:
    """A page's default key (and the end of its IRI) from its file name: `Écoute active.md`
    gives `ecoute-active`; a name with no Latin letter or digit gets a stable hashed key."""
    stem = Path(file).stem
    latin = unicodedata.normalize("NFKD", stem.lower().translate(_LIGATURES))
    latin = "".join(character for character in latin if not unicodedata.combining(character))
    key = re.sub(r"[^a-z0-9_-]+", "-", latin).strip("-")[:40].strip("-")
    return key or "page-" + hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]


def _text(value: dict[str, str] | str | None, language: str) -> Text | None:
    if value is None:
        return None
    return Text(dict(value)) if isinstance(value, dict) else Text({language: value.strip()})


def _inside(root: Path, relative: str) -> bool:
    try:
        (root / relative).resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def load_course(course_dir: Path | str) -> Course:
    """Read `course.yaml`, its pages and quizzes; every error names its file and line."""
    root = Path(course_dir)
    if not root.is_dir():
        message = msg("course_dir_missing", dir=str(root))
        raise CourseError([SourceError(str(root), None, "", message.fr, message.en)])
    if not (root / COURSE_FILE).is_file():
        message = msg("course_yaml_missing", dir=str(root))
        raise CourseError([SourceError(str(root / COURSE_FILE), None, "", message.fr, message.en)])
    try:
        data = load_marked(root / COURSE_FILE)
    except YamlSyntaxError as error:
        message = error.message
        raise CourseError([SourceError(COURSE_FILE, error.line, "", message.fr, message.en)]) from None
    except UnicodeDecodeError:
        message = msg("not_utf8")
        raise CourseError([SourceError(COURSE_FILE, 1, "", message.fr, message.en)]) from None
    if not isinstance(data, MarkedDict):
        raise CourseError([error_at(COURSE_FILE, data, [], msg("not_mapping"))])
    try:
        fields = CourseSchema().load(data)
    except ValidationError as error:
        errors = located_errors(error.messages, data, COURSE_FILE)
        raise CourseError(errors + _module_file_errors(root, data)) from None
    return _CourseBuilder(root, data, fields).build()


def _module_file_errors(root: Path, data: MarkedDict) -> list[SourceError]:
    """Pages and quizzes of the well-formed modules, checked even when course.yaml has
    other mistakes, so that authors see every error in one run."""
    language = data.get("language")
    if not is_language_tag(language):
        language = "fr"
    builder = _CourseBuilder(root, data, {"language": language, "mastery_score": None})
    modules = data.get("modules")
    for index, raw in enumerate(modules if isinstance(modules, list) else []):
        module, _reported = load_lenient(ModuleSchema(), raw)  # errors already reported by the course schema
        if module is not None:
            builder._module(module, ["modules", index], "urn:parcours:unchecked")
    return builder.errors


class _CourseBuilder:
    def __init__(self, root: Path, data: Any, fields: dict[str, Any]):
        self.root = root
        self.data = data
        self.fields = fields
        self.errors: list[SourceError] = []
        self.language = fields["language"]
        self.renderer = PageRenderer(root, self.language)

    def error(self, path: list[str | int], message: Any) -> None:
        self.errors.append(error_at(COURSE_FILE, self.data, path, message))

    def build(self) -> Course:
        f = self.fields
        course_id = f["id"].rstrip("/")
        modules, keys, ids = [], set(), {course_id}
        for index, raw in enumerate(f["modules"]):
            path: list[str | int] = ["modules", index]
            if raw["key"] in keys:
                self.error(path + ["key"], msg("duplicate_key", value=raw["key"]))
            keys.add(raw["key"])
            if raw["id"] is not None and raw["id"].rstrip("/") in ids:  # the course's, or another module's
                self.error(path + ["id"], msg("duplicate_id", value=raw["id"]))
            ids.add((raw["id"] or f"{course_id}/modules/{raw['key']}").rstrip("/"))
            module = self._module(raw, path, course_id)
            if module is not None:
                modules.append(module)
        for field in ("title", "description"):  # a language map speaks the course's language too
            value = f[field]
            primary = self.language.split("-")[0].lower()
            if isinstance(value, dict) and not any(key.split("-")[0].lower() == primary for key in value):
                self.error([field], msg("map_lacks_language", language=self.language, choices=", ".join(value)))
        cover = self._image(f.get("cover"), ["cover"])
        logo = self._image(f.get("logo"), ["logo"])
        extra = self._extra_files(f["files"])
        if self.errors:
            raise CourseError(self.errors)
        licence = f["licence"] or {"name": ETALAB_NAME, "url": ETALAB_URL}
        if licence["url"] is None and licence["name"] == ETALAB_NAME:
            licence["url"] = ETALAB_URL
        return Course(
            root=self.root,
            id=course_id,
            version=f["version"],
            language=self.language,
            title=_text(f["title"], self.language),
            description=_text(f["description"], self.language),
            licence=Licence(licence["name"], licence["url"]),
            authors=tuple(Author(a["name"], a["organisation"], a["email"]) for a in f["authors"]),
            duration=f["duration"],
            mastery_score=f["mastery_score"],
            modules=tuple(modules),
            keywords=tuple(f["keywords"]),
            report_to=ReportTo(**f["report_to"]) if f["report_to"] else None,
            accessibility_date=f["accessibility"]["date"] if f["accessibility"] else None,
            cover=cover,
            logo=logo,
            theme=f["theme"],
            administration=f["administration"] or next((a["organisation"] for a in f["authors"] if a["organisation"]),
                                                       None),
            course_assets=tuple(sorted(extra | {image.file for image in (cover, logo) if image})),
        )

    def _module(self, raw: dict[str, Any], path: list[str | int], course_id: str) -> Module | None:
        module_id = raw["id"] or f"{course_id}/modules/{raw['key']}"
        pages, page_keys, assets, ok = [], set(), set(), True
        for index, page in enumerate(raw["pages"]):
            page_path = path + ["pages", index]
            rendered = self._page(page, page_path)
            if rendered is None:
                ok = False
                continue
            key = page["key"] or _page_key(page["file"])
            if not KEY_RE.match(key):
                self.error(page_path, msg("not_key", value=key))
                ok = False
            elif key == QUIZ_PAGE_KEY:
                self.error(page_path, msg("reserved_key", value=key))
                ok = False
            elif key in page_keys:
                self.error(page_path, msg("duplicate_key", value=key))
                ok = False
            page_keys.add(key)
            assets.update(rendered.assets)
            pages.append(Page(key, rendered.title, rendered.html, page["file"]))
        quiz = None
        if raw["quiz"]:
            quiz = self._quiz(raw["quiz"], path + ["quiz"], module_id)
            ok = ok and quiz is not None
        if not ok:
            return None
        mastery = raw["mastery_score"] if raw["mastery_score"] is not None else self.fields["mastery_score"]
        return Module(
            key=raw["key"],
            id=module_id,
            title=raw["title"].strip(),
            description=raw["description"],
            pages=tuple(pages),
            quiz=quiz,
            completion=raw["completion"] or ("quiz" if quiz else "pages"),
            mastery_score=mastery if quiz else None,
            assets=tuple(sorted(assets)),
            max_attempts=raw["attempts"],
        )

    def _image(self, raw: dict[str, Any] | None, path: list[str | int]) -> Image | None:
        """A course-level image (cover, logo): in the course folder, of a type browsers show."""
        if raw is None:
            return None
        file = raw["file"]
        if not self._found(file, path, "media_missing"):
            return None
        if Path(file).suffix.lower() not in IMAGE_SUFFIXES:
            self.error(path, msg("image_type", file=file))
            return None
        return Image(Path(file).as_posix(), raw["alt"].strip())

    def _found(self, file: str, path: list[str | int], missing: str) -> bool:
        """Whether `file` lies in the course folder and exists; if not, the error is recorded."""
        if not _inside(self.root, file):
            self.error(path, msg("outside_course", file=file))
            return False
        if not (self.root / file).is_file():
            self.error(path, msg(missing, file=file))
            return False
        return True

    def _page(self, page: dict[str, Any], path: list[str | int]):
        file = page["file"]
        if not self._found(file, path, "page_missing"):
            return None
        suffix = Path(file).suffix.lower()
        try:
            if suffix == ".md":
                rendered = self.renderer.render(self.root / file)
            elif suffix in HTML_SUFFIXES:
                title = page["title"] or page_title(self.root / file)
                if not title:
                    self.error(path, msg("page_title_needed", file=file))
                    return None
                rendered = html_page(self.root, file, title, self.renderer.strings, self.renderer.url_prefix)
            elif suffix == ".pdf":
                if not page["title"]:
                    self.error(path, msg("page_title_needed", file=file))
                if not page["summary"]:
                    self.error(path, msg("pdf_summary"))
                if not (page["title"] and page["summary"]):
                    return None
                rendered = pdf_page(self.root, file, page["title"], page["summary"], self.renderer.strings,
                                    self.renderer.url_prefix, self.language)
            else:
                self.error(path, msg("page_type", file=file))
                return None
        except UnicodeDecodeError:
            message = msg("not_utf8")
            self.errors.append(SourceError(file, 1, "", message.fr, message.en))
            return None
        for line, problem in rendered.problems:
            self.errors.append(SourceError(file, line, "", problem.fr, problem.en))
        for other, line, problem in rendered.linked_problems:
            self.errors.append(SourceError(other, line, "", problem.fr, problem.en))
        return None if rendered.problems or rendered.linked_problems else rendered

    def _extra_files(self, entries: list[str]) -> set[str]:
        """`files:` of course.yaml: files and whole folders packaged as they are."""
        found: set[str] = set()
        for index, entry in enumerate(entries):
            path = ["files", index]
            if not _inside(self.root, entry):
                self.error(path, msg("outside_course", file=entry))
                continue
            target = self.root / entry
            if target.is_file():
                found.add(Path(entry).as_posix())
            elif target.is_dir():
                found.update(
                    item.relative_to(self.root).as_posix() for item in sorted(target.rglob("*"))
                    if item.is_file() and not any(part.startswith(".") for part in item.relative_to(target).parts)
                    and item.name.lower() not in SYSTEM_FILES
                )
            else:
                self.error(path, msg("files_missing", file=entry))
        return found

    def _quiz(self, file: str, path: list[str | int], module_id: str):
        if not self._found(file, path, "quiz_missing"):
            return None
        quiz, errors = load_quiz(self.root, file, module_id)
        self.errors.extend(errors)
        return quiz

