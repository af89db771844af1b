"""The shape of a statement: its keys and the kinds of its values, not the values themselves.

Two statements have the same shape when they use the same verb, the same activity types,
activities of the same roles in the course (course, module, page, assessment, question), the
same context structure and extension IRIs, and result fields of the same kinds. Ids,
timestamps, names, scores and responses may differ.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

# strings kept as they are: vocabulary IRIs and the values of these keys
VOCABULARY_PREFIXES = ("http://adlnet.gov/expapi/", "https://w3id.org/xapi/", "http://activitystrea.ms/")
LITERAL_KEYS = frozenset({"objectType", "interactionType", "type"})
# what the LRS adds to a statement, not part of what the client sends
STORED_KEYS = frozenset({"stored", "authority", "version"})
CMI5_SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
_DURATION = re.compile(r"^PT(\d+H)?(\d+M)?\d+(\.\d+)?S$")


def course_roles(description: dict[str, Any]) -> dict[str, str]:
    """Activity IRI -> its role, from a parcours-course.json description."""
    roles = {description["id"]: "course"}
    for module in description["modules"]:
        roles[module["id"]] = "module"
        roles.update({page["id"]: "page" for page in module["pages"]})
        if module["quiz"]:
            roles[module["quiz"]["id"]] = "assessment"
            roles[module["quiz"]["page_id"]] = "page"
        roles.update({question["id"]: "question" for question in module["questions"]})
    return roles


def _string(value: str, key: str | None, roles: dict[str, str]) -> str:
    if value in roles:
        return f"<{roles[value]}>"
    if key in LITERAL_KEYS or value.startswith(VOCABULARY_PREFIXES):
        return repr(value)
    if _UUID.match(value):
        return "<uuid>"
    if _TIMESTAMP.match(value):
        return "<timestamp>"
    if _DURATION.match(value):
        return "<duration>"
    return "<str>"


def shape(value: Any, roles: dict[str, str], key: str | None = None) -> str:
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{shape(v, roles, k)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, list):
        return "[" + "|".join(sorted({shape(item, roles) for item in value})) + "]"
    if isinstance(value, bool):
        return "<bool>"
    if isinstance(value, (int, float)):
        return "<number>"
    if isinstance(value, str):
        return _string(value, key, roles)
    return "<null>" if value is None else f"<{type(value).__name__}>"


def statement_format(statement: dict[str, Any]) -> str:
    """cmi5 when the statement carries a cmi5 session id, else xapi."""
    return "cmi5" if CMI5_SESSION in statement.get("context", {}).get("extensions", {}) else "xapi"


def shapes_by_verb(statements: list[dict[str, Any]], roles: dict[str, str]) -> dict[tuple[str, str], set[str]]:
    """(format, verb) -> the shapes of its statements."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for statement in statements:
        sent = {k: v for k, v in statement.items() if k not in STORED_KEYS}
        verb = statement["verb"]["id"].rsplit("/", 1)[1]
        found[(statement_format(statement), verb)].add(shape(sent, roles))
    return dict(found)
