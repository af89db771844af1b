"""What a statement is found by: its (kind, value) index keys and their `statement_keys`
hash (see `lrs.tables` for the kinds), and the agents and activities it tells the LRS about."""

from __future__ import annotations

import functools
import hashlib
from typing import Any, Iterator

from validators.xapi import agent_key

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"


def safe_agent_key(agent: Any) -> str | None:
    """The IFI key of an agent or identified group; None for anonymous groups."""
    if not isinstance(agent, dict):
        return None
    try:
        return agent_key(agent) or None
    except (ValueError, KeyError, TypeError):
        return None


def _agents_of(agent: Any) -> Iterator[dict]:
    """The agent itself and, for a group, its members."""
    if not isinstance(agent, dict):
        return
    yield agent
    if agent.get("objectType") == "Group":
        for member in agent.get("member") or []:
            if isinstance(member, dict):
                yield member


def _context_activities(context: dict) -> Iterator[dict]:
    for key in ("parent", "grouping", "category", "other"):
        value = (context.get("contextActivities") or {}).get(key)
        items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        yield from (item for item in items if isinstance(item, dict))


def _context_agents(context: dict) -> Iterator[dict]:
    yield from _agents_of(context.get("instructor"))
    yield from _agents_of(context.get("team"))
    for entry in context.get("contextAgents") or []:
        if isinstance(entry, dict):
            yield from _agents_of(entry.get("agent"))
    for entry in context.get("contextGroups") or []:
        if isinstance(entry, dict):
            yield from _agents_of(entry.get("group"))


def _is_agent(obj: dict) -> bool:
    return obj.get("objectType") in ("Agent", "Group")


def index_keys(statement: dict) -> set[tuple[str, str]]:
    """(kind, value) pairs of one statement, without those of a StatementRef target."""
    keys: set[tuple[str, str]] = set()

    def agent(kind_direct: bool, value: Any) -> None:
        for index, item in enumerate(_agents_of(value)):
            key = safe_agent_key(item)
            if key is None:
                continue
            if kind_direct and index == 0:
                keys.add(("g", key))
            keys.add(("G", key))

    def body(part: dict, top: bool) -> None:
        agent(top, part.get("actor"))
        obj = part.get("object") or {}
        if isinstance(obj, dict):
            kind = obj.get("objectType", "Activity")
            if _is_agent(obj):
                agent(top, obj)
            elif kind == "Activity" and isinstance(obj.get("id"), str):
                if top:
                    keys.add(("a", obj["id"]))
                keys.add(("A", obj["id"]))
            elif kind == "SubStatement" and top:
                body(obj, False)
        context = part.get("context")
        if isinstance(context, dict):
            for activity in _context_activities(context):
                if isinstance(activity.get("id"), str):
                    keys.add(("A", activity["id"]))
            for item in _context_agents(context):
                key = safe_agent_key(item)
                if key:
                    keys.add(("G", key))
        if top:
            verb = part.get("verb") or {}
            if isinstance(verb.get("id"), str):
                keys.add(("v", verb["id"]))
            registration = (context or {}).get("registration") if isinstance(context, dict) else None
            if isinstance(registration, str):
                keys.add(("r", registration.lower()))
            agent(False, part.get("authority"))

    body(statement, True)
    return keys


@functools.lru_cache(maxsize=1 << 16)  # verbs, activities and learners come back again and again
def index_key(kind: str, value: str) -> int:
    """The `statement_keys.key` of a (kind, value): 64 bits of BLAKE2b, signed as SQL's BIGINT."""
    digest = hashlib.blake2b(kind.encode() + b"\x00" + value.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def statement_ref_target(statement: dict) -> str | None:
    obj = statement.get("object") or {}
    if isinstance(obj, dict) and obj.get("objectType") == "StatementRef" and isinstance(obj.get("id"), str):
        return obj["id"].lower()
    return None


def is_voiding(statement: dict) -> bool:
    return (statement.get("verb") or {}).get("id") == VOIDED_VERB and statement_ref_target(statement) is not None


def activities_with_definitions(statement: dict) -> Iterator[dict]:
    """Every activity object of a statement (object, context, sub-statement)."""

    def walk(part: dict, top: bool) -> Iterator[dict]:
        obj = part.get("object") or {}
        if isinstance(obj, dict):
            kind = obj.get("objectType", "Activity")
            if kind == "Activity" and isinstance(obj.get("id"), str):
                yield obj
            elif kind == "SubStatement" and top:
                yield from walk(obj, False)
        context = part.get("context")
        if isinstance(context, dict):
            yield from _context_activities(context)

    yield from walk(statement, True)


def agents_seen(statement: dict) -> Iterator[dict]:
    """Every agent (not group) of a statement, for the Agents resource."""

    def walk(part: dict, top: bool) -> Iterator[dict]:
        for item in _agents_of(part.get("actor")):
            yield item
        obj = part.get("object") or {}
        if isinstance(obj, dict):
            if _is_agent(obj):
                yield from _agents_of(obj)
            elif obj.get("objectType") == "SubStatement" and top:
                yield from walk(obj, False)
        context = part.get("context")
        if isinstance(context, dict):
            yield from _context_agents(context)

    for item in walk(statement, True):
        if item.get("objectType", "Agent") == "Agent":
            yield item
