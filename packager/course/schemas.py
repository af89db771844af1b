"""marshmallow schemas for course.yaml and quiz files: shapes and value formats.

Cross-file checks (files exist, keys unique, answers name real choices) live in
the loaders, which know where each file is.
"""

from __future__ import annotations

import datetime
import math
import re
from typing import Any, Callable
from urllib.parse import urlsplit

from marshmallow import Schema, ValidationError, fields, validates_schema

from packager.messages import msg
from validators.xapi import is_iri, is_language_tag

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
# An ISO 8601 duration as the manifests' LOM typicalLearningTime takes it: unlike xAPI
# durations (validators.xapi.is_duration), only seconds may carry a fraction.
DURATION_RE = re.compile(
    r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)
MANIFEST_TITLE_MAX = 200  # characters of a <title> in SCORM 1.2 and 2004 manifests (their XSDs' maxLength)
THEMES = ("neutre", "etat")  # neutral look, or a state-service look inspired by the DSFR
QUESTION_TYPES = ("choice", "true-false", "fill-in", "numeric", "matching", "sequencing")


def _format_check(is_valid: Callable[[str], Any], code: str) -> Callable[[str], None]:
    """A marshmallow validator refusing, with message `code`, what `is_valid` rejects."""

    def check(value: str) -> None:
        if not is_valid(value):
            raise ValidationError(msg(code, value=value))

    return check


def _is_course_iri(value: str) -> bool:
    """An xAPI IRI in a scheme LMSs and LRSs accept as an activity id."""
    return is_iri(value) and value.lower().startswith(("http://", "https://", "urn:", "tag:"))


def _is_base_iri(value: str) -> bool:
    """A course or module IRI, the base of the IRIs of its modules, pages and questions
    (`<id>/modules/<key>`): an http(s) one names a host, and none has a query or fragment."""
    parts = urlsplit(value)
    has_host = bool(parts.netloc) or parts.scheme.lower() not in ("http", "https")
    return _is_course_iri(value) and has_host and "?" not in value and "#" not in value


def check_title_length(value: str | dict[str, str]) -> None:
    texts = value.values() if isinstance(value, dict) else [value]
    if any(len(text.strip()) > MANIFEST_TITLE_MAX for text in texts):
        raise ValidationError(msg("title_too_long", max=MANIFEST_TITLE_MAX))


check_iri = _format_check(_is_course_iri, "not_iri")
check_base_iri = _format_check(_is_base_iri, "not_base_iri")
check_key = _format_check(KEY_RE.match, "not_key")
check_id = _format_check(ID_RE.match, "bad_id_chars")
check_language = _format_check(is_language_tag, "not_language")
check_duration = _format_check(DURATION_RE.match, "not_duration")


def _is_http_url(value: str) -> bool:
    return is_iri(value) and value.lower().startswith(("http://", "https://"))


check_http_url = _format_check(_is_http_url, "not_http_url")


def check_report_key(value: str) -> None:
    key, colon, secret = value.partition(":")
    if not (key and colon and secret):
        raise ValidationError(msg("report_key"))


def check_score(value: float) -> None:
    if not 0 <= value <= 1:
        raise ValidationError(msg("out_of_range", min=0, max=1))


def check_positive(value: float) -> None:
    if value <= 0:
        raise ValidationError(msg("positive"))


def check_not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError(msg("empty_text"))


def one_of(*choices: str):
    def check(value: str) -> None:
        if value not in choices:
            raise ValidationError(msg("one_of", choices=", ".join(choices)))

    return check


class Number(fields.Float):
    """A float that refuses booleans and strings (YAML `yes` or "0.8" are author mistakes)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError(msg("not_number_hint" if isinstance(value, str) else "not_number"))
        if not math.isfinite(value):  # YAML's .nan and .inf: no learner can answer them
            raise ValidationError(msg("not_number"))
        return float(value)


# `true`/`false`, or the words authors write for them (YAML 1.2 reads `yes` or `oui` as text)
FLAG_WORDS = {"true": True, "false": False, "vrai": True, "faux": False, "oui": True, "non": False,
              "yes": True, "no": False, "on": True, "off": False}


def _flag(value: Any, error: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in FLAG_WORDS:
        return FLAG_WORDS[value.strip().lower()]
    raise ValidationError(msg(error))


class Flag(fields.Field):
    """A yes-or-no setting: `true`/`false`, or `oui`/`non`, `vrai`/`faux`, `yes`/`no` (any case)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        return _flag(value, "not_boolean")


class Count(fields.Integer):
    """A whole number of at least 1 (YAML `true` or `2.5` are mistakes)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(msg("not_integer"))
        if value < 1:
            raise ValidationError(msg("positive"))
        return value


class StrictString(fields.String):
    """A string, never a number YAML happened to parse (`version: 1.0`)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError(msg("not_string"))
        return value


class VersionString(StrictString):
    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError(msg("version_format"))
        return value


class TextOrMap(fields.Field):
    """A plain text or a language map such as {fr: …, en: …}."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dict[str, str] | str:
        if isinstance(value, str):
            check_not_blank(value)
            return value
        if isinstance(value, dict) and value:
            result = {}
            for language, text in value.items():
                if not is_language_tag(language):
                    raise ValidationError(msg("not_language", value=language))
                if not isinstance(text, str) or not text.strip():
                    raise ValidationError(msg("text_or_map"))
                result[language] = text
            return result
        raise ValidationError(msg("text_or_map"))


class LicenceSchema(Schema):
    name = StrictString(required=True, validate=check_not_blank)
    url = StrictString(load_default=None, validate=check_iri)


class AuthorSchema(Schema):
    name = StrictString(required=True, validate=check_not_blank)
    organisation = StrictString(load_default=None)
    email = StrictString(load_default=None)


class StringOr(fields.Field):
    """A string standing for {key_name: string}, or the full nested mapping."""

    def __init__(self, schema: type[Schema], key_name: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.schema = schema
        self.key_name = key_name

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dict[str, Any]:
        if isinstance(value, str):
            value = {self.key_name: value}
        if not isinstance(value, dict):
            raise ValidationError(msg("not_mapping"))
        return self.schema().load(value)


class IsoDate(fields.Field):
    """A calendar date, written 2026-03-01 (YAML reads it as a date) or quoted: kept as that text."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                pass
        raise ValidationError(msg("not_date", value=value))


class AccessibilitySchema(Schema):
    date = IsoDate(required=True)  # when the course's accessibility was last checked


class ImageSchema(Schema):
    file = StrictString(required=True, validate=check_not_blank)
    alt = StrictString(load_default="")


class PageSchema(Schema):
    file = StrictString(required=True, validate=check_not_blank)
    key = StrictString(load_default=None, validate=check_key)
    title = StrictString(load_default=None, validate=check_not_blank)  # HTML and PDF pages
    summary = StrictString(load_default=None, validate=check_not_blank)  # PDF pages (required there)


class ModuleSchema(Schema):
    key = StrictString(required=True, validate=check_key)
    id = StrictString(load_default=None, validate=check_base_iri)
    title = StrictString(required=True, validate=[check_not_blank, check_title_length])
    description = StrictString(load_default=None)
    pages = fields.List(StringOr(PageSchema, "file"), required=True)
    quiz = StrictString(load_default=None, validate=check_not_blank)
    completion = StrictString(load_default=None, validate=one_of("pages", "quiz"))
    mastery_score = Number(load_default=None, validate=check_score)
    attempts = Count(load_default=None)

    @validates_schema
    def quiz_for_completion(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("completion") == "quiz" and not data.get("quiz"):
            raise ValidationError(msg("completion_needs_quiz"), "completion")
        if data.get("attempts") is not None and not data.get("quiz"):
            raise ValidationError(msg("attempts_need_quiz"), "attempts")
        if not data.get("pages") and not data.get("quiz"):
            raise ValidationError(msg("empty_list"), "pages")


class ReportToSchema(Schema):
    """`report_to:` (or `parcours build --report-to`): dual tracking of SCORM packages."""

    endpoint = StrictString(required=True, validate=check_http_url)
    key = StrictString(required=True, validate=check_report_key)
    home_page = StrictString(load_default=None, validate=check_http_url)


class CourseSchema(Schema):
    id = StrictString(required=True, validate=check_base_iri)
    version = VersionString(load_default="1.0", validate=check_not_blank)
    language = StrictString(load_default="fr", validate=check_language)
    title = TextOrMap(required=True, validate=check_title_length)
    description = TextOrMap(load_default=None)
    licence = StringOr(LicenceSchema, "name", load_default=None)
    authors = fields.List(StringOr(AuthorSchema, "name"), load_default=list)
    keywords = fields.List(StrictString(validate=check_not_blank), load_default=list)
    duration = StrictString(load_default=None, validate=check_duration)
    mastery_score = Number(load_default=None, validate=check_score)
    accessibility = fields.Nested(AccessibilitySchema, load_default=None)


    cover = StringOr(ImageSchema, "file", load_default=None)
    logo = StringOr(ImageSchema, "file", load_default=None)
    theme = StrictString(load_default="neutre", validate=one_of(*THEMES))
    administration = StrictString(load_default=None, validate=check_not_blank)
    files = fields.List(StrictString(validate=check_not_blank), load_default=list)
    modules = fields.List(fields.Nested(ModuleSchema), required=True, validate=lambda v: _non_empty(v))
    report_to = fields.Nested(ReportToSchema, load_default=None)


def _non_empty(value: list) -> None:
    if not value:
        raise ValidationError(msg("empty_list"))


# ---- quiz files ----


class ItemText(fields.String):
    """Item texts may be numbers in YAML (`text: 2030`): authors mean the text."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise ValidationError(msg("not_string"))
        return value


class ItemSchema(Schema):
    id = fields.Raw(load_default=None)
    text = ItemText(required=True, validate=check_not_blank)


class ChoiceItemSchema(ItemSchema):
    correct = Flag(load_default=False)
    feedback = StrictString(load_default=None, validate=check_not_blank)


class FeedbackSchema(Schema):
    correct = StrictString(load_default=None)
    incorrect = StrictString(load_default=None)


class QuestionBase(Schema):
    key = StrictString(load_default=None, validate=check_key)
    type = StrictString(required=True, validate=one_of(*QUESTION_TYPES))
    text = StrictString(required=True, validate=check_not_blank)
    weight = Number(load_default=1.0, validate=check_positive)
    feedback = fields.Nested(FeedbackSchema, load_default=dict)


class ChoiceQuestion(QuestionBase):
    multiple = Flag(load_default=False)
    choices = fields.List(fields.Nested(ChoiceItemSchema), required=True)


class TrueFalseAnswer(fields.Field):
    """`true`/`false`, or the words learners see: `vrai`/`faux` (any case)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        return _flag(value, "true_false")


class TrueFalseQuestion(QuestionBase):
    answer = TrueFalseAnswer(required=True)


class FillInQuestion(QuestionBase):
    answers = fields.List(ItemText(validate=check_not_blank), required=True, validate=_non_empty)
    case_sensitive = Flag(load_default=False)


class NumericQuestion(QuestionBase):
    answer = Number(load_default=None)
    min = Number(load_default=None)
    max = Number(load_default=None)

    @validates_schema
    def exact_or_range(self, data: dict[str, Any], **kwargs: Any) -> None:
        has_range = data.get("min") is not None or data.get("max") is not None
        if (data.get("answer") is None) == (not has_range):
            raise ValidationError(msg("numeric_answer"), "answer")
        if has_range and (data.get("min") is None or data.get("max") is None):
            raise ValidationError(msg("numeric_answer"), "min" if data.get("min") is None else "max")
        if has_range and data["min"] > data["max"]:
            raise ValidationError(msg("range_order"), "min")


class MatchingQuestion(QuestionBase):
    source = fields.List(fields.Nested(ItemSchema), required=True)
    target = fields.List(fields.Nested(ItemSchema), required=True)
    answer = fields.Dict(keys=fields.Raw(), values=fields.Raw(), required=True)


class SequencingQuestion(QuestionBase):
    items = fields.List(fields.Nested(ItemSchema), required=True)
    answer = fields.List(fields.Raw(), required=True)


QUESTION_SCHEMAS: dict[str, type[Schema]] = {
    "choice": ChoiceQuestion,
    "true-false": TrueFalseQuestion,
    "fill-in": FillInQuestion,
    "numeric": NumericQuestion,
    "matching": MatchingQuestion,
    "sequencing": SequencingQuestion,
}


class QuizSchema(Schema):
    title = StrictString(load_default=None)
    introduction = StrictString(load_default=None)
    draw = Count(load_default=None)
    shuffle = Flag(load_default=False)
    questions = fields.List(fields.Raw(), required=True, validate=_non_empty)
