"""xAPI statement validation for 1.0.3 and 2.0.0 (IEEE 9274.1.1), and the helpers the LRS needs.

`version` is the xAPI version of the request: anything starting with "1.0"
applies the 1.0.3 rules, "2.0" the 2.0.0 rules.
"""

from __future__ import annotations

from typing import Any, Callable

from validators.findings import Finding
from validators.xapi.equivalence import statements_equivalent
from validators.xapi.normalize import canonical_format, normalize_statement, pick_language
from validators.xapi.rules import (
    check_activity,
    check_actor,
    check_iri,
    check_language_tag,
    check_statement,
    child_path,
    fail,
)
from validators.xapi.strict_json import loads_statements
from validators.xapi.vocabulary import agent_key
from validators.xapi.syntax import (
    format_timestamp,
    is_duration,
    is_iri,
    is_language_tag,
    is_uuid,
    parse_timestamp,
)

__all__ = [
    "Finding",
    "agent_key",
    "canonical_format",
    "format_timestamp",
    "is_duration",
    "is_iri",
    "is_language_tag",
    "is_uuid",
    "is_v2",
    "loads_statements",
    "normalize_statement",
    "parse_timestamp",
    "pick_language",
    "statements_equivalent",
    "validate_activity",
    "validate_activity_id",
    "validate_agent",
    "validate_iri",
    "validate_language_tag",
    "validate_statement",
    "validate_statements",
    "errors_only",
]


def is_v2(version: str) -> bool:
    """True for an xAPI 2.0 request, False for 1.0.x."""
    return version.startswith("2")


def _findings(check: Callable[[Any, str, list[Finding], bool], None], value: Any, path: str,
              v2: bool) -> list[Finding]:
    """What one of the rules' checks finds in `value`."""
    out: list[Finding] = []
    check(value, path, out, v2)
    return out


def validate_statement(statement: Any, version: str = "1.0.3", path: str = "$") -> list[Finding]:
    """Every finding about one statement, each located by its JSON path."""
    return _findings(check_statement, statement, path, is_v2(version))


def validate_statements(data: Any, version: str = "1.0.3") -> list[Finding]:
    """One statement object, or an array of them (paths `$[3].…`); ids must be unique in a batch."""
    out: list[Finding] = []
    v2 = is_v2(version)
    if type(data) is dict:
        check_statement(data, "$", out, v2)
    elif type(data) is list:
        seen: set[str] = set()
        for index, statement in enumerate(data):
            check_statement(statement, f"$[{index}]", out, v2)
            ident = statement.get("id") if type(statement) is dict else None
            if type(ident) is str:
                key = ident.lower()
                if key in seen:
                    fail(out, "statements.duplicate_id", f"$[{index}].id", value=ident)
                seen.add(key)
    else:
        fail(out, "statements.type", "$")
    return out


def validate_agent(value: Any, version: str = "1.0.3", path: str = "$") -> list[Finding]:
    """An Agent or a Group (the `agent` query parameter, document APIs)."""
    return _findings(check_actor, value, path, is_v2(version))


def validate_activity(value: Any, version: str = "1.0.3", path: str = "$") -> list[Finding]:
    """An Activity object with its optional definition."""
    return _findings(check_activity, value, path, is_v2(version))


def validate_iri(value: Any, path: str = "$") -> list[Finding]:
    return _findings(check_iri, value, path, False)  # the same rule in both versions


def validate_activity_id(value: Any, path: str = "$") -> list[Finding]:
    """An activity id (the `activityId` query parameter): an IRI."""
    return validate_iri(value, path)


def validate_language_tag(value: Any, path: str = "$") -> list[Finding]:
    return _findings(check_language_tag, value, path, False)  # the same rule in both versions


def errors_only(findings: list[Finding]) -> list[Finding]:
    """The findings that make a statement invalid (warnings left out)."""
    return [finding for finding in findings if finding.severity == "error"]
