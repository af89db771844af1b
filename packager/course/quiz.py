"""Quiz files: questions of the six xAPI interaction types, with answers as xAPI patterns."""

from __future__ import annotations

from decimal import Decimal

from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from packager.course.errors import SourceError
from packager.course.marked_yaml import MarkedDict, YamlSyntaxError, load_marked
from packager.course.model import Item, Question, Quiz
from packager.course.schemas import ID_RE, QUESTION_SCHEMAS, QUESTION_TYPES, QuestionBase, QuizSchema
from packager.course.validation import error_at, load_lenient, located_errors
from packager.messages import msg

QUIZ_PAGE_KEY = "quiz"


def format_number(value: float) -> str:
    """`5` rather than `5.0`, `0.0000001` rather than `1e-07`: the form learners and LMS
    reports show (SCORM's numbers have no exponent)."""
    return str(int(value)) if float(value).is_integer() else format(Decimal(repr(float(value))), "f")


class _QuizReader:
    def __init__(self, file: str, data: Any):
        self.file = file
        self.data = data
        self.errors: list[SourceError] = []

    def error(self, path: list[str | int], message: Any) -> None:
        self.errors.append(error_at(self.file, self.data, path, message))

    def items(self, raw: list[dict], path: list[str | int], default_ids: bool) -> tuple[Item, ...] | None:
        if len(raw) > MAX_ITEMS:
            self.error(path, msg("too_many_items", max=MAX_ITEMS))
            return None
        result, seen = [], set()
        for index, item in enumerate(raw):
            identifier = item["id"]
            if identifier is None:
                # choices a, b, c…; matching sources s1, s2… and targets t1, t2…
                identifier = _letter(index) if default_ids else f"{str(path[-1])[0]}{index + 1}"
            identifier = str(identifier)
            if not ID_RE.match(identifier):
                self.error(path + [index, "id"], msg("bad_id_chars", value=identifier))
                return None
            if identifier in seen:
                self.error(path + [index, "id"], msg("duplicate_key", value=identifier))
                return None
            seen.add(identifier)
            feedback = item.get("feedback")
            result.append(Item(identifier, item["text"].strip(), feedback.strip() if feedback else None))
        return tuple(result)


MAX_ITEMS = 36  # SCORM 1.2 names a choice by one character (0-9, a-z): no more can be told apart


def _letter(index: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return letters[index] if index < 26 else f"c{index + 1}"


def load_quiz(course_root: Path, relative: str, module_id: str) -> tuple[Quiz | None, list[SourceError]]:
    """Load and check one quiz file; the quiz is None when it has errors."""
    path = course_root / relative
    try:
        data = load_marked(path)
    except YamlSyntaxError as error:
        message = error.message
        return None, [SourceError(relative, error.line, "", message.fr, message.en)]
    except UnicodeDecodeError:
        message = msg("not_utf8")
        return None, [SourceError(relative, 1, "", message.fr, message.en)]
    reader = _QuizReader(relative, data)
    if not isinstance(data, MarkedDict):
        reader.error([], msg("not_mapping"))
        return None, reader.errors
    quiz, messages = load_lenient(QuizSchema(), data)
    reader.errors.extend(located_errors(messages, data, relative))
    if quiz is None:
        return None, reader.errors
    quiz_id = f"{module_id}/quiz"
    questions, keys = [], set()
    for index, raw in enumerate(quiz["questions"]):
        path: list[str | int] = ["questions", index]
        if not isinstance(raw, dict):
            reader.error(path, msg("not_mapping"))
            continue
        kind = raw.get("type")
        if kind not in QUESTION_TYPES:
            try:
                QuestionBase().load(raw, unknown="exclude")
            except ValidationError as error:
                reader.errors.extend(located_errors({"questions": {index: error.messages}}, data, relative))
            continue
        fields, messages = load_lenient(QUESTION_SCHEMAS[kind](), raw)
        if messages:
            reader.errors.extend(located_errors({"questions": {index: messages}}, data, relative))
        if fields is None:
            continue
        key = fields["key"] or f"q{index + 1}"
        if key in keys:
            reader.error(path + ["key"], msg("duplicate_key", value=key))
            continue
        keys.add(key)
        question = _question(reader, fields, key, f"{quiz_id}/{key}", path)
        if question is not None:
            questions.append(question)
    if quiz["draw"] is not None and quiz["draw"] > len(quiz["questions"]):
        reader.error(["draw"], msg("draw_too_many", value=quiz["draw"], count=len(quiz["questions"])))
    if reader.errors:
        return None, reader.errors
    title = quiz["title"] or ""
    return Quiz(QUIZ_PAGE_KEY, quiz_id, title, quiz["introduction"], tuple(questions), relative,
                draw=quiz["draw"], shuffle=quiz["shuffle"] or quiz["draw"] is not None), []


def _question(reader: _QuizReader, f: dict[str, Any], key: str, iri: str, path: list[str | int]) -> Question | None:
    common = dict(
        key=key, id=iri, type=f["type"], text=f["text"].strip(), weight=f["weight"],
        feedback_correct=f["feedback"].get("correct"), feedback_incorrect=f["feedback"].get("incorrect"),
    )
    kind = f["type"]
    if kind == "choice":
        choices = reader.items(f["choices"], path + ["choices"], default_ids=True)
        if choices is None:
            return None
        if len(choices) < 2:
            reader.error(path + ["choices"], msg("too_few_choices"))
            return None
        correct = [item.id for item, raw in zip(choices, f["choices"]) if raw["correct"]]
        if not correct:
            reader.error(path + ["choices"], msg("no_correct_choice"))
            return None
        if len(correct) > 1 and not f["multiple"]:
            reader.error(path + ["choices"], msg("single_many_correct"))
            return None
        return Question(**common, multiple=f["multiple"], choices=choices,
                        correct_responses=("[,]".join(correct),))
    if kind == "true-false":
        return Question(**common, correct_responses=("true" if f["answer"] else "false",))
    if kind == "fill-in":
        return Question(**common, case_sensitive=f["case_sensitive"],
                        correct_responses=tuple(answer.strip() for answer in f["answers"]))
    if kind == "numeric":
        if f["answer"] is not None:
            pattern = format_number(f["answer"])
        else:
            pattern = f"{format_number(f['min'])}[:]{format_number(f['max'])}"
        return Question(**common, correct_responses=(pattern,))
    if kind == "matching":
        source = reader.items(f["source"], path + ["source"], default_ids=False)
        target = reader.items(f["target"], path + ["target"], default_ids=False)
        if source is None or target is None:
            return None
        answer = {str(k): str(v) for k, v in f["answer"].items()}
        source_ids, target_ids = {i.id for i in source}, {i.id for i in target}
        for name, value in answer.items():
            if name not in source_ids:
                reader.error(path + ["answer", name], msg("unknown_id", value=name))
                return None
            if value not in target_ids:
                reader.error(path + ["answer", name], msg("unknown_id", value=value))
                return None
        if set(answer) != source_ids:
            reader.error(path + ["answer"], msg("matching_answer"))
            return None
        pattern = "[,]".join(f"{item.id}[.]{answer[item.id]}" for item in source)
        return Question(**common, source=source, target=target, correct_responses=(pattern,))
    # sequencing
    items = reader.items(f["items"], path + ["items"], default_ids=True)
    if items is None:
        return None
    order = [str(value) for value in f["answer"]]
    if not _sequence_checked(reader, order, [item.id for item in items], path + ["answer"]):
        return None
    return Question(**common, choices=items, correct_responses=("[,]".join(order),))


def _sequence_checked(reader: _QuizReader, order: list[str], ids: list[str], path: list[str | int]) -> bool:
    """Whether `order` cites every id once; each wrong, repeated or missing id is named."""
    ok, seen = True, set()
    for index, value in enumerate(order):
        if value not in ids:
            reader.error(path + [index], msg("sequence_unknown", value=value, choices=", ".join(ids)))
            ok = False
        elif value in seen:
            reader.error(path + [index], msg("sequence_repeated", value=value))
            ok = False
        seen.add(value)
    missing = [identifier for identifier in ids if identifier not in seen]
    if missing:
        reader.error(path, msg("sequence_missing", values=", ".join(missing)))
        ok = False
    return ok
