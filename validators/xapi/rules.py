"""Every requirement xAPI 1.0.3 and 2.0.0 (IEEE 9274.1.1) state for a statement, as code.

Each object kind has a table mapping its property names to a checker
`check(value, path, out, v2)`. A checker appends findings to `out` only when
something is wrong, so a valid statement costs a walk over its properties and
nothing else. `v2` is True for xAPI 2.0 requests. The same tables serve both
versions; the few differences are decided inside the checkers.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Callable

import orjson

from validators.findings import Finding
from validators.xapi.messages import make_finding
from validators.xapi.responses import COMPONENT_LISTS, PATTERN_CHECKS
from validators.xapi.syntax import (
    is_duration,
    is_iri,
    is_language_tag,
    is_mailto,
    is_sha1,
    is_sha2,
    is_uuid,
    is_version,
    timestamp_problem,
)
from validators.xapi.vocabulary import COMPONENT_KEYS, IFIS, SIGNATURE_USAGE, VOIDED

Out = list[Finding]
Check = Callable[[Any, str, Out, bool], None]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_MEDIA_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+\-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+\-]*(?:\s*;.*)?\Z", re.S)


def fail(out: Out, code: str, path: str, **params: Any) -> None:
    out.append(make_finding(code, path, params))


def child_path(path: str, key: Any) -> str:
    """`$.a.b` for plain names, `$.a["http://…"]` for IRIs and other keys."""
    if type(key) is str and _IDENTIFIER.match(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def walk(obj: Any, path: str, out: Out, v2: bool, table: dict[str, Check]) -> bool:
    """Check each property with its table entry; unknown and null properties are errors.

    False, with a finding, when `obj` is no JSON object: there is nothing more to check.
    """
    if type(obj) is not dict:
        fail(out, "type.object", path)
        return False
    for key, value in obj.items():
        check = table.get(key)
        if check is None:
            fail(out, "property.unknown", child_path(path, key), key=key)
        elif value is None:
            fail(out, "null", f"{path}.{key}")
        else:
            check(value, f"{path}.{key}", out, v2)
    return True


def require(obj: dict, path: str, out: Out, keys: tuple[str, ...]) -> None:
    for key in keys:
        if key not in obj:
            fail(out, "property.missing", f"{path}.{key}", key=key)


# Values found valid, kept per check and version; forgotten all at once when full.
_REMEMBERED_VALID = 4096


def remembering_valid(check: Check) -> Check:
    """`check`, but a value it found valid before (the same JSON) is not walked again:
    statements name the same activities, verbs and learners again and again."""
    valid: tuple[set[bytes], set[bytes]] = (set(), set())  # xAPI 1.0.x, 2.0

    def remembered(value: Any, path: str, out: Out, v2: bool) -> None:
        try:
            known = orjson.dumps(value) if type(value) is dict else None
        except orjson.JSONEncodeError:  # an integer beyond 64 bits, say: walk it
            known = None
        seen = valid[v2]
        if known is not None and known in seen:
            return
        found = len(out)
        check(value, path, out, v2)
        if known is not None and len(out) == found:
            if len(seen) >= _REMEMBERED_VALID:
                seen.clear()
            seen.add(known)

    return remembered


# --- scalar types -----------------------------------------------------------


def _string(value: Any, path: str, out: Out, v2: bool) -> None:
    if type(value) is not str:
        fail(out, "type.string", path)


def _boolean(value: Any, path: str, out: Out, v2: bool) -> None:
    if type(value) is not bool:
        fail(out, "type.boolean", path)


def _number(value: Any, path: str, out: Out, v2: bool) -> None:
    kind = type(value)
    if kind is not int and kind is not float:
        fail(out, "type.number", path)
    elif kind is float and not math.isfinite(value):
        fail(out, "type.number", path)


def _lexical(is_valid: Callable[[Any], bool], code: str) -> Check:
    """A string in a lexical form: `type.string` when it is no string, else `code` naming the value."""

    def check(value: Any, path: str, out: Out, v2: bool) -> None:
        if not is_valid(value):
            if type(value) is not str:
                fail(out, "type.string", path)
            else:
                fail(out, code, path, value=value)

    return check


check_iri = _lexical(is_iri, "iri.invalid")


def _uri(value: Any, path: str, out: Out, v2: bool) -> None:
    # A URI is an IRI restricted to ASCII.
    if not is_iri(value):
        check_iri(value, path, out, v2)
    elif not value.isascii():
        fail(out, "uri.invalid", path, value=value)


_uuid = _lexical(is_uuid, "uuid.invalid")
check_language_tag = _lexical(is_language_tag, "language.invalid")


def _language_map(value: Any, path: str, out: Out, v2: bool) -> None:
    if type(value) is not dict:
        fail(out, "type.language_map", path)
        return
    for tag, text in value.items():
        if not is_language_tag(tag):
            fail(out, "language.invalid", child_path(path, tag), value=tag)
        if type(text) is not str:
            fail(out, "null" if text is None else "type.string", child_path(path, tag))


def _extensions(value: Any, path: str, out: Out, v2: bool) -> None:
    # Extension values are free JSON, null included; only the keys are constrained.
    if type(value) is not dict:
        fail(out, "type.object", path)
        return
    for key in value:
        if not is_iri(key):
            fail(out, "extension.key", child_path(path, key), value=key)


def _timestamp(value: Any, path: str, out: Out, v2: bool) -> None:
    problem = timestamp_problem(value, v2)
    if problem is not None:
        fail(out, problem, path, value=value)


_duration = _lexical(is_duration, "duration.invalid")


def _version(value: Any, path: str, out: Out, v2: bool) -> None:
    if not is_version(value, v2):
        if type(value) is not str:
            fail(out, "type.string", path)
        else:
            fail(out, "version.invalid2" if v2 else "version.invalid", path, value=value)


def _object_type(expected: str) -> Check:
    def check(value: Any, path: str, out: Out, v2: bool) -> None:
        if value != expected:
            fail(out, "objecttype.expected", path, value=value, expected=expected)

    return check


def _list_of(item: Check, non_empty: bool = False) -> Check:
    def check(value: Any, path: str, out: Out, v2: bool) -> None:
        if type(value) is not list:
            fail(out, "type.array", path)
            return
        if non_empty and not value:
            fail(out, "array.empty", path)
        for index, element in enumerate(value):
            if element is None:
                fail(out, "null", f"{path}[{index}]")
            else:
                item(element, f"{path}[{index}]", out, v2)

    return check


# --- actors -----------------------------------------------------------------


_mbox = _lexical(is_mailto, "mbox.invalid")
_sha1 = _lexical(is_sha1, "sha1.invalid")


ACCOUNT: dict[str, Check] = {"homePage": check_iri, "name": _string}


def _account(value: Any, path: str, out: Out, v2: bool) -> None:
    if not walk(value, path, out, v2, ACCOUNT):
        return
    require(value, path, out, ("homePage", "name"))


def _ifi_count(value: dict) -> int:
    return sum(key in value for key in IFIS)


# the inverse functional identifiers, shared by Agents and identified Groups
IFI_CHECKS: dict[str, Check] = {"mbox": _mbox, "mbox_sha1sum": _sha1, "openid": _uri, "account": _account}
AGENT: dict[str, Check] = {"objectType": _object_type("Agent"), "name": _string, **IFI_CHECKS}


def check_agent(value: Any, path: str, out: Out, v2: bool) -> None:
    """An Agent: exactly one inverse functional identifier."""
    if not walk(value, path, out, v2, AGENT):
        return
    count = _ifi_count(value)
    if count != 1:
        fail(out, "agent.ifi_none" if count == 0 else "agent.ifi_many", path, count=count)


def _member(value: Any, path: str, out: Out, v2: bool) -> None:
    if type(value) is dict and value.get("objectType") == "Group":
        fail(out, "group.member_group", f"{path}.objectType")
        return
    check_agent(value, path, out, v2)


GROUP: dict[str, Check] = {
    "objectType": _object_type("Group"),
    "name": _string,
    "member": _list_of(_member),
    **IFI_CHECKS,
}


def check_group(value: Any, path: str, out: Out, v2: bool) -> None:
    """A Group: identified by one IFI, or anonymous with members."""
    if not walk(value, path, out, v2, GROUP):
        return
    if "objectType" not in value:
        fail(out, "property.missing", f"{path}.objectType", key="objectType")
    count = _ifi_count(value)
    if count > 1:
        fail(out, "agent.ifi_many", path, count=count)
    elif count == 0:
        members = value.get("member")
        if members is None and "member" not in value:
            fail(out, "group.anonymous_members", f"{path}.member")
        elif type(members) is list and not members:
            fail(out, "group.anonymous_members", f"{path}.member")


@remembering_valid
def check_actor(value: Any, path: str, out: Out, v2: bool) -> None:
    """An Agent or a Group, told apart by objectType."""
    if type(value) is dict and value.get("objectType") == "Group":
        check_group(value, path, out, v2)
    else:
        check_agent(value, path, out, v2)


def _team(value: Any, path: str, out: Out, v2: bool) -> None:
    if type(value) is dict and value.get("objectType") != "Group":
        fail(out, "context.team_group", path)
        return
    check_group(value, path, out, v2)


def _authority(value: Any, path: str, out: Out, v2: bool) -> None:
    check_actor(value, path, out, v2)
    if type(value) is dict and value.get("objectType") == "Group":
        members = value.get("member")
        if type(members) is not list or len(members) != 2:
            fail(out, "authority.group", f"{path}.member")
        elif _ifi_count(value):
            fail(out, "authority.group", path)


# --- verb -------------------------------------------------------------------

VERB: dict[str, Check] = {"id": check_iri, "display": _language_map}


@remembering_valid
def _verb(value: Any, path: str, out: Out, v2: bool) -> None:
    if not walk(value, path, out, v2, VERB):
        return
    require(value, path, out, ("id",))


# --- activities -------------------------------------------------------------

COMPONENT: dict[str, Check] = {"id": _string, "description": _language_map}


def _components(value: Any, path: str, out: Out, v2: bool) -> None:
    if type(value) is not list:
        fail(out, "type.array", path)
        return
    seen: set[str] = set()
    for index, component in enumerate(value):
        where = f"{path}[{index}]"
        if type(component) is not dict:
            fail(out, "null" if component is None else "type.object", where)
            continue
        walk(component, where, out, v2, COMPONENT)
        require(component, where, out, ("id",))
        ident = component.get("id")
        if type(ident) is str:
            if ident in seen:
                fail(out, "component.duplicate", f"{where}.id", value=ident)
            seen.add(ident)
            if not ident or any(char.isspace() for char in ident):
                fail(out, "component.whitespace", f"{where}.id", value=ident)


def _interaction_type(value: Any, path: str, out: Out, v2: bool) -> None:
    if type(value) is not str or value not in PATTERN_CHECKS:
        fail(out, "interaction.type", path, value=value, expected=", ".join(PATTERN_CHECKS))


_STRINGS = _list_of(_string)

DEFINITION: dict[str, Check] = {
    "name": _language_map,
    "description": _language_map,
    "type": check_iri,
    "moreInfo": check_iri,
    "extensions": _extensions,
    "interactionType": _interaction_type,
    "correctResponsesPattern": _STRINGS,
    "choices": _components,
    "scale": _components,
    "source": _components,
    "target": _components,
    "steps": _components,
}


def _definition(value: Any, path: str, out: Out, v2: bool) -> None:
    if not walk(value, path, out, v2, DEFINITION):
        return
    kind = value.get("interactionType")
    if kind is None:
        for key in ("correctResponsesPattern",) + COMPONENT_KEYS:
            if key in value:
                fail(out, "interaction.type_missing", f"{path}.interactionType", key=key)
                break
        return
    allowed = COMPONENT_LISTS.get(kind) if type(kind) is str else None
    if allowed is None:
        return
    components: dict[str, set[str]] = {}
    for key in COMPONENT_KEYS:
        if key in value:
            if key not in allowed:
                fail(out, "interaction.component", f"{path}.{key}", key=key, type=kind)
            elif type(value[key]) is list:
                components[key] = {c["id"] for c in value[key] if type(c) is dict and type(c.get("id")) is str}
    patterns = value.get("correctResponsesPattern")
    if type(patterns) is list:
        check_pattern = PATTERN_CHECKS[kind]
        for index, pattern in enumerate(patterns):
            if type(pattern) is str:
                problem = check_pattern(pattern, components)
                if problem is not None:
                    fail(out, problem[0], f"{path}.correctResponsesPattern[{index}]", **problem[1])


ACTIVITY: dict[str, Check] = {
    "objectType": _object_type("Activity"),
    "id": check_iri,
    "definition": _definition,
}


@remembering_valid
def check_activity(value: Any, path: str, out: Out, v2: bool) -> None:
    if not walk(value, path, out, v2, ACTIVITY):
        return
    require(value, path, out, ("id",))


_ACTIVITIES = _list_of(check_activity)


def _context_activity_list(value: Any, path: str, out: Out, v2: bool) -> None:
    # A single Activity or an array of them; the LRS stores arrays.
    if type(value) is dict:
        check_activity(value, path, out, v2)
    elif type(value) is list:
        _ACTIVITIES(value, path, out, v2)
    else:
        fail(out, "context.activities_type", path)


CONTEXT_ACTIVITIES: dict[str, Check] = {
    "parent": _context_activity_list,
    "grouping": _context_activity_list,
    "category": _context_activity_list,
    "other": _context_activity_list,
}


def _context_activities(value: Any, path: str, out: Out, v2: bool) -> None:
    walk(value, path, out, v2, CONTEXT_ACTIVITIES)


# --- statement references and sub-statements ---------------------------------

STATEMENT_REF: dict[str, Check] = {"objectType": _object_type("StatementRef"), "id": _uuid}


def check_statement_ref(value: Any, path: str, out: Out, v2: bool) -> None:
    if not walk(value, path, out, v2, STATEMENT_REF):
        return
    require(value, path, out, ("objectType", "id"))


def _object(value: Any, path: str, out: Out, v2: bool) -> None:
    _check_object(value, path, out, v2, OBJECT_KINDS)


def _sub_object(value: Any, path: str, out: Out, v2: bool) -> None:
    _check_object(value, path, out, v2, SUB_OBJECT_KINDS)


def _check_object(value: Any, path: str, out: Out, v2: bool, kinds: dict[str, Check]) -> None:
    if type(value) is not dict:
        fail(out, "type.object", path)
        return
    if "objectType" not in value:
        implied = _implied_kind(value)
        if implied is not None:  # reporting it as an Activity would name the wrong property
            fail(out, "object.objecttype_missing", f"{path}.objectType", kind=implied)
            return
    kind = value.get("objectType", "Activity")
    check = kinds.get(kind) if type(kind) is str else None
    if check is not None:
        check(value, path, out, v2)
    elif kind == "SubStatement":
        fail(out, "substatement.nested", f"{path}.objectType")
    else:
        fail(out, "objecttype.invalid", f"{path}.objectType", value=kind, expected=", ".join(kinds))


def _implied_kind(value: dict) -> str | None:
    """The kind an object without objectType was meant to be, when it is not an Activity."""
    if "id" in value:
        return None
    if any(key in value for key in ("actor", "verb", "object")):
        return "SubStatement"
    if "member" in value:
        return "Group"
    if any(key in value for key in IFIS):
        return "Agent"
    return None


def _forbidden_in_substatement(value: Any, path: str, out: Out, v2: bool) -> None:
    fail(out, "substatement.forbidden", path, key=path.rsplit(".", 1)[-1])


def _substatement(value: Any, path: str, out: Out, v2: bool) -> None:
    walk(value, path, out, v2, SUBSTATEMENT)
    require(value, path, out, ("actor", "verb", "object"))
    _cross_checks(value, path, out)


# --- result -----------------------------------------------------------------

SCORE: dict[str, Check] = {"scaled": _number, "raw": _number, "min": _number, "max": _number}


def _is_number(value: Any) -> bool:
    # Integers are exact (and may exceed a float's range); floats must be finite.
    return type(value) is int or (type(value) is float and math.isfinite(value))


def _score(value: Any, path: str, out: Out, v2: bool) -> None:
    if not walk(value, path, out, v2, SCORE):
        return
    scaled, raw, low, high = value.get("scaled"), value.get("raw"), value.get("min"), value.get("max")
    if _is_number(scaled) and not -1 <= scaled <= 1:
        fail(out, "score.scaled", f"{path}.scaled", value=scaled)
    if _is_number(low) and _is_number(high) and not low < high:
        fail(out, "score.min_max", f"{path}.min", min=low, max=high)
    if _is_number(raw):
        if _is_number(low) and raw < low:
            fail(out, "score.raw_min", f"{path}.raw", value=raw, min=low)
        if _is_number(high) and raw > high:
            fail(out, "score.raw_max", f"{path}.raw", value=raw, max=high)


RESULT: dict[str, Check] = {
    "score": _score,
    "success": _boolean,
    "completion": _boolean,
    "response": _string,
    "duration": _duration,
    "extensions": _extensions,
}


def _result(value: Any, path: str, out: Out, v2: bool) -> None:
    walk(value, path, out, v2, RESULT)


# --- context ----------------------------------------------------------------


# 2.0: "a collection of 1 or more Relevant Type(s)"
_relevant_types = _list_of(check_iri, non_empty=True)


def _strict_agent(value: Any, path: str, out: Out, v2: bool) -> None:
    if type(value) is dict and value.get("objectType", "Agent") != "Agent":
        fail(out, "objecttype.expected", f"{path}.objectType", value=value.get("objectType"), expected="Agent")
        return
    check_agent(value, path, out, v2)


CONTEXT_AGENT: dict[str, Check] = {
    "objectType": _object_type("contextAgent"),
    "agent": _strict_agent,
    "relevantTypes": _relevant_types,
}
CONTEXT_GROUP: dict[str, Check] = {
    "objectType": _object_type("contextGroup"),
    "group": _team,
    "relevantTypes": _relevant_types,
}


def _context_relations(table: dict[str, Check], required: tuple[str, ...]) -> Check:
    def check(value: Any, path: str, out: Out, v2: bool) -> None:
        if not v2:
            fail(out, "property.v2_only", path, key=path.rsplit(".", 1)[-1])
            return
        if type(value) is not list:
            fail(out, "type.array", path)
            return
        for index, item in enumerate(value):
            where = f"{path}[{index}]"
            if type(item) is not dict:
                fail(out, "null" if item is None else "type.object", where)
                continue
            walk(item, where, out, v2, table)
            require(item, where, out, required)

    return check


CONTEXT: dict[str, Check] = {
    "registration": _uuid,
    "instructor": check_actor,
    "team": _team,
    "contextActivities": _context_activities,
    "revision": _string,
    "platform": _string,
    "language": check_language_tag,
    "statement": check_statement_ref,
    "extensions": _extensions,
    "contextAgents": _context_relations(CONTEXT_AGENT, ("objectType", "agent")),
    "contextGroups": _context_relations(CONTEXT_GROUP, ("objectType", "group")),
}


def _context(value: Any, path: str, out: Out, v2: bool) -> None:
    walk(value, path, out, v2, CONTEXT)


# --- attachments ------------------------------------------------------------


def _content_type(value: Any, path: str, out: Out, v2: bool) -> None:
    if type(value) is not str:
        fail(out, "type.string", path)
    elif _MEDIA_TYPE.match(value) is None:
        fail(out, "attachment.content_type", path, value=value)


def _length(value: Any, path: str, out: Out, v2: bool) -> None:
    if type(value) is not int or value < 0:
        fail(out, "attachment.length", path, value=value)


_sha2 = _lexical(is_sha2, "attachment.sha2")


ATTACHMENT: dict[str, Check] = {
    "usageType": check_iri,
    "display": _language_map,
    "description": _language_map,
    "contentType": _content_type,
    "length": _length,
    "sha2": _sha2,
    "fileUrl": check_iri,
}


def _attachment(value: Any, path: str, out: Out, v2: bool) -> None:
    if not walk(value, path, out, v2, ATTACHMENT):
        return
    require(value, path, out, ("usageType", "display", "contentType", "length", "sha2"))
    content_type = value.get("contentType")
    if value.get("usageType") == SIGNATURE_USAGE and type(content_type) is str and content_type != "application/octet-stream":
        fail(out, "attachment.signature_type", f"{path}.contentType", value=content_type)


_attachments = _list_of(_attachment)


# --- statement --------------------------------------------------------------

OBJECT_KINDS: dict[str, Check] = {
    "Activity": check_activity,
    "Agent": check_agent,
    "Group": check_group,
    "StatementRef": check_statement_ref,
    "SubStatement": _substatement,
}
SUB_OBJECT_KINDS: dict[str, Check] = {k: v for k, v in OBJECT_KINDS.items() if k != "SubStatement"}

STATEMENT: dict[str, Check] = {
    "id": _uuid,
    "actor": check_actor,
    "verb": _verb,
    "object": _object,
    "result": _result,
    "context": _context,
    "timestamp": _timestamp,
    "stored": _timestamp,
    "authority": _authority,
    "version": _version,
    "attachments": _attachments,
}
SUBSTATEMENT: dict[str, Check] = {
    "objectType": _object_type("SubStatement"),
    "actor": check_actor,
    "verb": _verb,
    "object": _sub_object,
    "result": _result,
    "context": _context,
    "timestamp": _timestamp,
    "attachments": _attachments,
    "id": _forbidden_in_substatement,
    "stored": _forbidden_in_substatement,
    "version": _forbidden_in_substatement,
    "authority": _forbidden_in_substatement,
}


def _cross_checks(statement: dict, path: str, out: Out) -> None:
    """Rules that tie two properties together: voiding, and context only for Activities."""
    obj = statement.get("object")
    kind = obj.get("objectType", "Activity") if type(obj) is dict else None
    verb = statement.get("verb")
    if type(verb) is dict and verb.get("id") == VOIDED and kind is not None and kind != "StatementRef":
        fail(out, "voiding.object", f"{path}.object.objectType")
    context = statement.get("context")
    if type(context) is dict and type(kind) is str and kind in OBJECT_KINDS and kind != "Activity":
        for key in ("revision", "platform"):
            if key in context:
                fail(out, "context.activity_only", f"{path}.context.{key}", key=key)


def check_statement(value: Any, path: str, out: Out, v2: bool) -> None:
    if type(value) is not dict:
        fail(out, "null" if value is None else "type.object", path)
        return
    walk(value, path, out, v2, STATEMENT)
    require(value, path, out, ("actor", "verb", "object"))
    _cross_checks(value, path, out)
