"""The `format` parameter of statement queries: exact, ids, canonical."""

from __future__ import annotations

from typing import Any, Callable

from validators.xapi import canonical_format

FORMATS = ("exact", "ids", "canonical")
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


def _agent_ids(agent: Any) -> Any:
    """An agent or group reduced to its identifier (an anonymous group keeps its members)."""
    if not isinstance(agent, dict):
        return agent
    result: dict[str, Any] = {"objectType": agent.get("objectType", "Agent")} if "objectType" in agent else {}
    for key in _IFIS:
        if key in agent:
            result[key] = agent[key]
            break
    if agent.get("objectType") == "Group" and not any(key in agent for key in _IFIS):
        result["member"] = [_agent_ids(member) for member in agent.get("member") or []]
    return result


def _activity_ids(activity: Any) -> Any:
    if not isinstance(activity, dict):
        return activity
    return {"id": activity.get("id")}


def _object_ids(obj: Any) -> Any:
    if not isinstance(obj, dict):
        return obj
    kind = obj.get("objectType", "Activity")
    if kind in ("Agent", "Group"):
        return _agent_ids(obj)
    if kind == "Activity":
        return _activity_ids(obj)
    if kind == "SubStatement":
        return ids_format(obj)
    return obj


def _context_ids(context: dict) -> dict:
    result = dict(context)
    for key in ("instructor", "team"):
        if key in result:
            result[key] = _agent_ids(result[key])
    if isinstance(result.get("contextActivities"), dict):
        result["contextActivities"] = {
            key: [_activity_ids(item) for item in value] if isinstance(value, list) else _activity_ids(value)
            for key, value in result["contextActivities"].items()
        }
    if isinstance(result.get("contextAgents"), list):
        result["contextAgents"] = [
            {**entry, "agent": _agent_ids(entry.get("agent"))} if isinstance(entry, dict) else entry
            for entry in result["contextAgents"]
        ]
    if isinstance(result.get("contextGroups"), list):
        result["contextGroups"] = [
            {**entry, "group": _agent_ids(entry.get("group"))} if isinstance(entry, dict) else entry
            for entry in result["contextGroups"]
        ]
    return result


def ids_format(statement: dict) -> dict:
    """Agents, groups, activities and verbs reduced to their identifiers."""
    result = dict(statement)
    for key in ("actor", "authority"):
        if key in result:
            result[key] = _agent_ids(result[key])
    if isinstance(result.get("verb"), dict):
        result["verb"] = {"id": result["verb"].get("id")}
    if "object" in result:
        result["object"] = _object_ids(result["object"])
    if isinstance(result.get("context"), dict):
        result["context"] = _context_ids(result["context"])
    return result


def _with_definitions(statement: dict, definition_of: Callable[[str], dict | None]) -> dict:
    """Activities carry the LRS's canonical definition instead of the one sent."""

    def activity(item: Any) -> Any:
        if not isinstance(item, dict) or item.get("objectType", "Activity") != "Activity":
            return item
        definition = definition_of(item.get("id"))
        if not definition:
            return item
        return {**item, "definition": definition}

    result = dict(statement)
    obj = result.get("object")
    if isinstance(obj, dict):
        if obj.get("objectType", "Activity") == "Activity":
            result["object"] = activity(obj)
        elif obj.get("objectType") == "SubStatement":
            result["object"] = _with_definitions(obj, definition_of)
    context = result.get("context")
    if isinstance(context, dict) and isinstance(context.get("contextActivities"), dict):
        result["context"] = {
            **context,
            "contextActivities": {
                key: [activity(item) for item in value] if isinstance(value, list) else activity(value)
                for key, value in context["contextActivities"].items()
            },
        }
    return result


def canonical(statement: dict, languages: list[str], definition_of: Callable[[str], dict | None]) -> dict:
    return canonical_format(_with_definitions(statement, definition_of), languages)
