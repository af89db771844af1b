"""Launch documents and the course index, rendered from Jinja2 templates.

The markup and the configuration block follow docs/runtime-contract.md.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined

from packager.course.markdown import new_window_mention
from packager.course.model import Course, Module, Question
from packager.layout import runtime_scripts, theme_stylesheet
from packager.mastery import mastery_percent
from packager.strings import interface_strings
from validators.xapi import vocabulary

# The xAPI IRIs of the statements the runtime sends (cmi5, xapi formats).
RUNTIME_VOCABULARY = {
    "verbs": vocabulary.ADL_VERBS,
    "moduleType": vocabulary.MODULE_TYPE,
    "pageType": vocabulary.PAGE_TYPE,
    "interactionType": vocabulary.INTERACTION_TYPE,
    "cmi5Category": vocabulary.CMI5_CATEGORY,
    "cmi5MoveOn": vocabulary.CMI5_MOVEON_CATEGORY,
    "cmi5MasteryScore": vocabulary.CMI5_MASTERY_SCORE,
}
# Every string the runtime shows: it has no text of its own.
RUNTIME_STRINGS = (
    "next", "previous", "submit", "progress", "correct", "incorrect", "score", "passed",
    "failed", "completed", "answer_required", "retry", "invalid_number", "invalid_sequence",
    "incomplete_quiz", "no_lms", "lms_error", "exit_module", "decimal_mark", "next_module",
    "previous_module", "page_seen",
    "attempts_left", "no_attempt_left",
)
# the strings of the course home's module cards (web format)
HOME_STRINGS = ("module_not_started", "module_progress", "module_done")
# formats whose learner moves between modules in the package itself (an LMS does it for the others)
COURSE_NAVIGATION_FORMATS = ("web",)

# the formats whose runtime speaks to an LMS API only, and may also report to an LRS (report_to)
DUAL_TRACKING_FORMATS = ("scorm12", "scorm2004")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("packager", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # a course file's path in a URL: `#`, `?`, `%` and spaces are legal in file names
    environment.filters["url_path"] = quote
    return environment


def script_json(data: Any) -> str:
    """JSON safe inside <script>: `<` escaped so no `</script>` or `<!--` can appear."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _question_config(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": question.key,
        "id": question.id,
        "type": question.type,
        "multiple": question.multiple,
        "weight": question.weight,
        "description": question.text,
    }
    if question.type in ("choice", "sequencing"):
        data["choices"] = [{"id": item.id, "text": item.text, **({"feedback": item.feedback} if item.feedback else {})}
                           for item in question.choices]
    if question.type == "matching":
        data["source"] = [{"id": item.id, "text": item.text} for item in question.source]
        data["target"] = [{"id": item.id, "text": item.text} for item in question.target]
    data["correctResponsesPattern"] = list(question.correct_responses)
    if question.type == "fill-in":
        data["caseSensitive"] = question.case_sensitive
    data["feedback"] = {"correct": question.feedback_correct, "incorrect": question.feedback_incorrect}
    return data


def module_config(course: Course, module: Module, package_format: str) -> dict[str, Any]:
    """The `pc-config` block of one launch document (docs/runtime-contract.md)."""
    strings = interface_strings(course.language)
    pages = [{"key": page.key, "title": page.title} for page in module.pages]
    quiz = None
    if module.quiz:
        pages.append({"key": module.quiz.key, "title": module.quiz.title or strings["quiz"]})
        quiz = {
            "id": module.quiz.id,
            "key": module.quiz.key,
            "questions": [_question_config(q) for q in module.quiz.questions],
            "draw": module.quiz.draw,
            "shuffle": module.quiz.shuffle,
            "maxAttempts": module.max_attempts,
        }
    config: dict[str, Any] = {
        "format": package_format,
        "language": course.language,
        "course": {"id": course.id, "title": course.title_text()},
        "module": {
            "id": module.id,
            "key": module.key,
            "title": module.title,
            "completion": module.completion,
            "masteryScore": module.mastery_score,
        },
        "pages": pages,
        "quiz": quiz,
        "strings": runtime_strings(course.language),
        "vocabulary": RUNTIME_VOCABULARY,
        **({"navigation": _course_navigation(course, module)} if package_format in COURSE_NAVIGATION_FORMATS else {}),
    }
    if course.report_to is not None and package_format in DUAL_TRACKING_FORMATS:
        config["reportTo"] = {
            "endpoint": course.report_to.endpoint,
            "auth": course.report_to.authorization(),
            "homePage": course.report_to.home_page,
        }
    return config


def _course_navigation(course: Course, module: Module) -> dict[str, Any]:
    """Where the learner goes from the first and last pages of a module: the modules around it."""
    index = course.modules.index(module)

    def link(other: Module) -> dict[str, str]:
        return {"url": f"../{other.key}/index.html", "title": other.title}

    return {
        "home": "../../index.html",
        "previous": link(course.modules[index - 1]) if index > 0 else None,
        "next": link(course.modules[index + 1]) if index + 1 < len(course.modules) else None,
    }


def _page_keys(module: Module) -> list[str]:
    return [page.key for page in module.pages] + ([module.quiz.key] if module.quiz else [])


def home_config(course: Course) -> dict[str, Any]:
    """The `pc-home` block of the course home: what the runtime needs to show each module's progress."""
    strings = interface_strings(course.language)
    return {
        "modules": [
            {"key": m.key, "id": m.id, "pages": _page_keys(m), "completion": m.completion,
             "masteryScore": m.mastery_score}
            for m in course.modules
        ],
        "strings": {name: strings[name] for name in HOME_STRINGS},
    }


def runtime_strings(language: str) -> dict[str, str]:
    """Every string the runtime shows, in the course's interface language."""
    strings = interface_strings(language)
    return {name: strings[name] for name in RUNTIME_STRINGS}


def _common(course: Course) -> dict[str, Any]:
    strings = interface_strings(course.language)
    return {
        "language": course.language,
        "course_title": course.title_text(),
        "s": strings,
        "new_window": new_window_mention(strings),
        "theme": course.theme,
        "theme_stylesheet": theme_stylesheet(course.theme),
        "logo": course.logo,
        "administration": course.administration,
        "licence": course.licence,
        "authors": course.authors,
        "version": course.version,
    }


def module_html(course: Course, module: Module, package_format: str) -> bytes:
    """`modules/<key>/index.html`: every page of the module, one section each."""
    number = course.modules.index(module) + 1
    mastery = module.mastery_score
    decimal_mark = interface_strings(course.language)["decimal_mark"]
    text = _environment().get_template("module.html.j2").render(
        **_common(course),
        module=module,
        module_number=number,
        quiz=module.quiz,
        mastery_percent=None if mastery is None else mastery_percent(mastery, decimal_mark),
        root="../../",
        home_url="../../index.html" if package_format in COURSE_NAVIGATION_FORMATS else None,
        page_count=len(_page_keys(module)),
        config_json=script_json(module_config(course, module, package_format)),
        scripts=runtime_scripts(),
    )
    return text.encode("utf-8")


def index_html(course: Course, package_format: str) -> bytes:
    """`index.html`: the course's title, description and the list of its modules."""
    text = _environment().get_template("index.html.j2").render(
        **_common(course),
        description=course.description_text(),
        duration_text=duration_text(course.duration, course.language),
        modules=course.modules,
        root="",
        cover=course.cover,
        forward_query=package_format == "xapi",
        home_json=script_json(home_config(course)) if package_format in COURSE_NAVIGATION_FORMATS else None,
        scripts=runtime_scripts(),
    )
    return text.encode("utf-8")


_DURATION_PARTS = re.compile(r"(\d+(?:\.\d+)?)([YMWDHS])")


def duration_text(duration: str | None, language: str) -> str | None:
    """`PT1H30M` as a reader says it: `1 h 30 min`."""
    if not duration:
        return None
    date, _, time = duration[1:].partition("T")
    units_date = {"Y": ("an(s)", "year(s)"), "M": ("mois", "month(s)"), "W": ("sem.", "week(s)"), "D": ("j", "day(s)")}
    units_time = {"H": ("h", "h"), "M": ("min", "min"), "S": ("s", "s")}
    english = language.lower().startswith("en")
    parts = []
    for text, units in ((date, units_date), (time, units_time)):
        for value, unit in _DURATION_PARTS.findall(text):
            parts.append(f"{value} {units[unit][1 if english else 0]}")
    return " ".join(parts)
