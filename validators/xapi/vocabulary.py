"""The xAPI vocabulary parcours relies on, and where agents and activities sit in a statement.

Every IRI used by more than one part of the project is defined here once: the agent
identifier properties, the verbs, the activity types, cmi5's context IRIs and the
signature attachment. The walkers yield a statement's agents and activities with
their role: the property path where each sits ("actor", "context.instructor.member",
"object.context.parent" inside a sub-statement, ...), so that the validator, the LRS's
index and stores, and the reports read a statement the same way.

The walkers expect statements that passed validation, but never fail on others:
what is not an object, or an activity without a string id, is skipped.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

# The inverse functional identifiers of an Agent or identified Group, in the order
# the LRS reads them.
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
VOIDED = ADL_VERBS + "voided"
COMPLETED = ADL_VERBS + "completed"
PASSED = ADL_VERBS + "passed"
FAILED = ADL_VERBS + "failed"
LAUNCHED = ADL_VERBS + "launched"
INITIALIZED = ADL_VERBS + "initialized"
ATTEMPTED = ADL_VERBS + "attempted"
RESUMED = ADL_VERBS + "resumed"
TERMINATED = ADL_VERBS + "terminated"
SUSPENDED = ADL_VERBS + "suspended"
EXITED = ADL_VERBS + "exited"
REGISTERED = ADL_VERBS + "registered"
ANSWERED = ADL_VERBS + "answered"
EXPERIENCED = ADL_VERBS + "experienced"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"  # cmi5

ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"
COURSE_TYPE = ADL_ACTIVITIES + "course"
MODULE_TYPE = ADL_ACTIVITIES + "module"
ASSESSMENT_TYPE = ADL_ACTIVITIES + "assessment"
INTERACTION_TYPE = ADL_ACTIVITIES + "cmi.interaction"
ATTEMPT_TYPE = ADL_ACTIVITIES + "attempt"
PAGE_TYPE = "http://activitystrea.ms/schema/1.0/page"
CMI5_COURSE_TYPE = "https://w3id.org/xapi/cmi5/activitytype/course"
CMI5_BLOCK_TYPE = "https://w3id.org/xapi/cmi5/activitytype/block"

CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
CMI5_MOVEON_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/moveon"
CMI5_SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
CMI5_MOVEON = "https://w3id.org/xapi/cmi5/context/extensions/moveon"
CMI5_MASTERY_SCORE = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
CMI5_LAUNCH_MODE = "https://w3id.org/xapi/cmi5/context/extensions/launchmode"
CMI5_LAUNCH_URL = "https://w3id.org/xapi/cmi5/context/extensions/launchurl"

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"

# parcours' own context extension: the learner's administration (a name), which an
# LMS puts in the cmi5 context template and the reports group learners by.
ADMINISTRATION_EXTENSION = "https://parcours.numerique.gouv.fr/xapi/extensions/administration"

CONTEXT_ACTIVITY_KINDS = ("parent", "grouping", "category", "other")
# The lists of an interaction's components, each with a language-mapped description.
COMPONENT_KEYS = ("choices", "scale", "source", "target", "steps")


def agent_key(agent: dict) -> str:
    """The canonical key of an Agent or identified Group: its inverse functional identifier."""
    if "mbox" in agent:
        return f"mbox:{agent['mbox']}"
    if "mbox_sha1sum" in agent:
        return f"mbox_sha1sum:{str(agent['mbox_sha1sum']).lower()}"
    if "openid" in agent:
        return f"openid:{agent['openid']}"
    account = agent.get("account")
    if type(account) is dict and "homePage" in account and "name" in account:
        return f"account:{account['homePage']} {account['name']}"
    if agent.get("objectType") == "Group":
        raise ValueError("an anonymous group has no identifier")
    raise ValueError("an agent needs an inverse functional identifier")


def agent_key_or_none(agent: Any) -> str | None:
    """The key of an agent or identified group; None for anything else (anonymous groups)."""
    if not isinstance(agent, dict):
        return None
    try:
        return agent_key(agent) or None
    except (ValueError, KeyError, TypeError):
        return None


def identifiers(agent: dict) -> dict:
    """The identifier properties an agent carries, without its name."""
    return {key: agent[key] for key in IFIS if key in agent}


def is_agent(obj: Any) -> bool:
    """An Agent or a Group (as a statement's object, where Activity is the default)."""
    return isinstance(obj, dict) and obj.get("objectType") in ("Agent", "Group")


def _add_with_members(found: list[tuple[str, dict]], role: str, agent: Any) -> None:
    if not isinstance(agent, dict):
        return
    found.append((role, agent))
    if agent.get("objectType") == "Group":
        member_role = role + ".member"
        for member in agent.get("member") or ():
            if isinstance(member, dict):
                found.append((member_role, member))


def context_activities(context: Any, kind: str) -> list[dict]:
    """The activities of one `contextActivities` kind (a single object or an array)."""
    if not isinstance(context, dict) or not isinstance(context.get("contextActivities"), dict):
        return []
    value = context["contextActivities"].get(kind)
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)]


# The roles, spelled once per prefix: these walks run for every statement stored.
_AGENT_ROLES = {
    prefix: {name: prefix + name for name in (
        "actor", "object", "context.instructor", "context.team", "context.contextAgents", "context.contextGroups")}
    for prefix in ("", "object.")
}
_ACTIVITY_ROLES = {
    prefix: (prefix + "object", tuple((kind, f"{prefix}context.{kind}") for kind in CONTEXT_ACTIVITY_KINDS))
    for prefix in ("", "object.")
}


def _add_agents(found: list[tuple[str, dict]], part: dict, prefix: str) -> None:
    roles = _AGENT_ROLES[prefix]
    _add_with_members(found, roles["actor"], part.get("actor"))
    obj = part.get("object")
    if isinstance(obj, dict):
        kind = obj.get("objectType")
        if kind in ("Agent", "Group"):
            _add_with_members(found, roles["object"], obj)
        elif kind == "SubStatement" and not prefix:
            _add_agents(found, obj, "object.")
    context = part.get("context")
    if isinstance(context, dict):
        _add_with_members(found, roles["context.instructor"], context.get("instructor"))
        _add_with_members(found, roles["context.team"], context.get("team"))
        for entry in context.get("contextAgents") or ():
            if isinstance(entry, dict):
                _add_with_members(found, roles["context.contextAgents"], entry.get("agent"))
        for entry in context.get("contextGroups") or ():
            if isinstance(entry, dict):
                _add_with_members(found, roles["context.contextGroups"], entry.get("group"))


def statement_agents(statement: dict) -> list[tuple[str, dict]]:
    """(role, agent) for every agent and group of a statement, group members after their
    group: actor, object, context, then a sub-statement's, and the authority last."""
    found: list[tuple[str, dict]] = []
    _add_agents(found, statement, "")
    _add_with_members(found, "authority", statement.get("authority"))
    return found


def _add_activities(found: list[tuple[str, dict]], part: dict, prefix: str) -> None:
    object_role, context_roles = _ACTIVITY_ROLES[prefix]
    obj = part.get("object")
    if isinstance(obj, dict):
        kind = obj.get("objectType", "Activity")
        if kind == "Activity":
            if isinstance(obj.get("id"), str):
                found.append((object_role, obj))
        elif kind == "SubStatement" and not prefix:
            _add_activities(found, obj, "object.")
    context = part.get("context")
    by_kind = context.get("contextActivities") if isinstance(context, dict) else None
    if not isinstance(by_kind, dict):
        return
    for kind, role in context_roles:
        value = by_kind.get(kind)
        if value is None:
            continue
        for item in value if isinstance(value, list) else (value,):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                found.append((role, item))


def statement_activities(statement: dict) -> list[tuple[str, dict]]:
    """(role, activity) for every activity of a statement: its object, its context
    activities ("context.parent", ...), then a sub-statement's ("object.object", ...)."""
    found: list[tuple[str, dict]] = []
    _add_activities(found, statement, "")
    return found


def statement_ref_target(statement: dict) -> str | None:
    """The id (lower case) of the statement a StatementRef object points to."""
    obj = statement.get("object") or {}
    if isinstance(obj, dict) and obj.get("objectType") == "StatementRef" and isinstance(obj.get("id"), str):
        return obj["id"].lower()
    return None


def is_voiding(statement: dict) -> bool:
    """A voiding statement: the voided verb with a StatementRef object."""
    verb = statement.get("verb")
    return isinstance(verb, dict) and verb.get("id") == VOIDED and statement_ref_target(statement) is not None


Change = Callable[[dict], Any]


def _keep(part: dict) -> dict:
    return part


def replace_parts(
    statement: dict,
    *,
    activity: Change = _keep,
    agent: Change = _keep,
    verb: Change = _keep,
    attachment: Change = _keep,
) -> dict:
    """A copy of the statement, and of its sub-statement, with each activity, agent or
    group (not group members), verb and attachment replaced by what the matching
    function returns. A single context activity stays single, an array an array."""

    def activities(value: Any) -> Any:
        if isinstance(value, list):
            return [activity(item) if isinstance(item, dict) else item for item in value]
        return activity(value) if isinstance(value, dict) else value

    def one(value: Any, change: Change) -> Any:
        return change(value) if isinstance(value, dict) else value

    def context_of(context: dict) -> dict:
        result = dict(context)
        for key in ("instructor", "team"):
            if key in result:
                result[key] = one(result[key], agent)
        if isinstance(result.get("contextActivities"), dict):
            result["contextActivities"] = {key: activities(value) for key, value in result["contextActivities"].items()}
        for key, inner in (("contextAgents", "agent"), ("contextGroups", "group")):
            if isinstance(result.get(key), list):
                result[key] = [
                    {**entry, inner: one(entry[inner], agent)} if isinstance(entry, dict) and inner in entry else entry
                    for entry in result[key]
                ]
        return result

    def part_of(part: dict) -> dict:
        result = dict(part)
        for key in ("actor", "authority"):
            if key in result:
                result[key] = one(result[key], agent)
        if "verb" in result:
            result["verb"] = one(result["verb"], verb)
        obj = result.get("object")
        if isinstance(obj, dict):
            kind = obj.get("objectType", "Activity")
            if kind == "Activity":
                result["object"] = activity(obj)
            elif kind in ("Agent", "Group"):
                result["object"] = agent(obj)
            elif kind == "SubStatement":
                result["object"] = part_of(obj)
        if isinstance(result.get("context"), dict):
            result["context"] = context_of(result["context"])
        if isinstance(result.get("attachments"), list):
            result["attachments"] = [one(item, attachment) for item in result["attachments"]]
        return result

    return part_of(statement)
