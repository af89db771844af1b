"""Query parameters shared by every resource, checked with marshmallow.

Each resource declares a `ParamsSchema` subclass listing what it accepts; any other
parameter is a 400 naming it (the spec requires rejecting unknown parameters), and a
bad value is a 400 naming the parameter and saying why, in French and English.
"""

from __future__ import annotations

import re

import uuid
from datetime import datetime
from typing import Any, Mapping

import orjson
from marshmallow import RAISE, Schema, ValidationError, fields

from lrs.errors import XAPIError
from lrs.versioning import request_version
from validators.bilingual import Text


INT64_MAX = 2**63 - 1  # the largest integer of SQL's BIGINT and SQLite's INTEGER


def _fail(name: str, fr: str, en: str) -> XAPIError:
    return XAPIError(400, f"{name} : {fr}", f"{name}: {en}", name)


def _invalid(fr: str, en: str) -> ValidationError:
    """A bad value: marshmallow carries the bilingual text through to `load_params`."""
    return ValidationError(Text(fr, en))


class AgentParam(fields.Field):
    """A JSON agent or identified group, checked by the statement validators."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> dict:
        from validators.xapi import validate_agent

        try:
            agent = orjson.loads(value)
        except orjson.JSONDecodeError:
            raise _invalid("n'est pas du JSON valide", "not valid JSON")
        if not isinstance(agent, dict):
            raise _invalid("doit être un objet JSON (un agent)", "must be a JSON object (an agent)")
        findings = [f for f in validate_agent(agent, request_version(), "$") if f.severity == "error"]
        if findings:
            first = findings[0]
            raise _invalid(f"{first.path} : {first.message('fr')}", f"{first.path}: {first.message('en')}")
        return agent


def is_absolute_iri(value: str) -> bool:
    """A scheme and something after it, without spaces."""
    scheme, sep, rest = value.partition(":")
    return bool(sep and scheme and rest and scheme[0].isalpha() and " " not in value)


class IRIParam(fields.Field):
    """An absolute IRI (scheme and something after it)."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str:
        if not is_absolute_iri(str(value)):
            raise _invalid("n'est pas une IRI absolue", "not an absolute IRI")
        return str(value)


class UUIDParam(fields.Field):
    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str:
        try:
            return str(uuid.UUID(str(value)))
        except ValueError:
            raise _invalid("n'est pas un UUID", "not a UUID")


# RFC 3339 (5.6) lets a space stand for the `T`, as Python's str(datetime) writes it and
# TinCanPython sends `since`; an offset whose `+` was not URL-encoded arrives as a space.
_SPACED_DATE_TIME = re.compile(r"^(\d{4}-\d\d-\d\d) (\d\d:\d\d)")
_UNENCODED_PLUS = re.compile(r"(T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d(?::?\d\d)?)$")


class TimestampParam(fields.Field):
    """An ISO 8601 timestamp, as a timezone-aware datetime."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> datetime:
        from validators.xapi import parse_timestamp

        text = _UNENCODED_PLUS.sub(r"\1+\2", _SPACED_DATE_TIME.sub(r"\1T\2", str(value).strip()))
        try:
            return parse_timestamp(text)
        except (ValueError, TypeError):
            raise _invalid("n'est pas un horodatage ISO 8601 (2026-03-02T08:00:00Z ; un « + » s'écrit %2B dans une URL)",
                           "not an ISO 8601 timestamp (2026-03-02T08:00:00Z; a '+' is written %2B in a URL)")


class BoolParam(fields.Field):
    """`true` or `false`, as the spec writes them."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> bool:
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise _invalid("doit valoir true ou false", "must be true or false")


class NonNegativeIntParam(fields.Field):
    """Decimal digits only. A larger number than INT64_MAX is read as INT64_MAX: every such
    parameter is a count, where "more than any database holds" means the same, and a
    value past 64 bits breaks the JSON of cursors and the databases' integers."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> int:
        text = str(value)
        # isdigit alone would let other scripts' digits in; int() alone, signs, spaces and `_`.
        if not (text.isascii() and text.isdigit()):
            raise _invalid("doit être un entier positif ou nul", "must be a non-negative integer")
        digits = text.lstrip("0")
        # Past 19 digits int() is wasted work (and past 4,300 a ValueError): it is beyond 64 bits.
        return INT64_MAX if len(digits) > len(str(INT64_MAX)) else min(int(digits or "0"), INT64_MAX)


class ChoiceParam(fields.Field):
    """One of a fixed set of words."""

    def __init__(self, choices: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = choices

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> str:
        if value not in self.choices:
            listed = ", ".join(self.choices)
            raise _invalid(f"doit valoir l'une de ces valeurs : {listed}", f"must be one of {listed}")
        return str(value)


class ParamsSchema(Schema):
    """Base of every resource's parameters: unknown ones are refused."""

    class Meta:
        unknown = RAISE


def load_params(schema: Schema, values: Mapping[str, Any]) -> dict[str, Any]:
    """Check `values` (usually `request.args`) against `schema`; 400 naming the first bad one."""
    data: dict[str, Any] = {}
    for name in values:
        items = values.getlist(name) if hasattr(values, "getlist") else [values[name]]
        if len(items) > 1:
            raise _fail(name, "donné plus d'une fois", "given more than once")
        data[name] = items[0]
    try:
        return schema.load(data)
    except ValidationError as error:
        messages = error.normalized_messages()
        name = sorted(messages)[0] if isinstance(messages, dict) and messages else "?"
        detail = messages.get(name) if isinstance(messages, dict) else None
        if isinstance(detail, list) and detail and isinstance(detail[0], Text):
            raise _fail(name, detail[0].fr, detail[0].en)
        text = " ".join(detail) if isinstance(detail, list) else str(detail)
        if "Unknown field" in text:
            raise _fail(name, "paramètre inconnu pour cette ressource", "unknown parameter for this resource")
        if "Missing data" in text:
            raise _fail(name, "ce paramètre est obligatoire", "this parameter is required")
        raise _fail(name, text, text)


def require_json_object(raw: bytes, name: str = "body") -> Any:
    """Parse a JSON body; 400 naming the body when it is not JSON."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:  # orjson would speak of surrogates
            raise _fail(name, "n'est pas en UTF-8 (le JSON s'écrit en UTF-8)", "is not UTF-8 (JSON is written in UTF-8)")
        raise _fail(name, f"n'est pas du JSON valide ({error})", f"not valid JSON ({error})")
