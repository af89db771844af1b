"""The `format` parameter of statement queries: exact, ids, canonical."""

from __future__ import annotations

from typing import Any, Callable

from validators.xapi import canonical_format
from validators.xapi.vocabulary import IFIS, replace_parts

FORMATS = ("exact", "ids", "canonical")


def _agent_ids(agent: dict) -> dict:
    """An agent or group reduced to its identifier (an anonymous group keeps its members)."""
    result: dict[str, Any] = {"objectType": agent.get("objectType", "Agent")} if "objectType" in agent else {}
    for key in IFIS:
        if key in agent:
            result[key] = agent[key]
            break
    if agent.get("objectType") == "Group" and not any(key in agent for key in IFIS):
        result["member"] = [_agent_ids(member) if isinstance(member, dict) else member
                            for member in agent.get("member") or []]
    return result


def ids_format(statement: dict) -> dict:
    """Agents, groups, activities and verbs reduced to their identifiers."""
    return replace_parts(
        statement,
        activity=lambda activity: {"id": activity.get("id")},
        agent=_agent_ids,
        verb=lambda verb: {"id": verb.get("id")},
    )


def canonical(statement: dict, languages: list[str], definition_of: Callable[[str], dict | None]) -> dict:
    """The statement in the reader's languages, its activities carrying the LRS's
    canonical definition instead of the one sent."""

    def with_definition(activity: dict) -> dict:
        if activity.get("objectType", "Activity") != "Activity":
            return activity
        definition = definition_of(activity.get("id"))
        return {**activity, "definition": definition} if definition else activity

    return canonical_format(replace_parts(statement, activity=with_definition), languages)
