"""The spec's Statement Comparison Requirements (Data 2.3.1): are two statements the same?

Differences that Statement Immutability lists as exceptions are ignored: the
properties the LRS assigns (id, authority, stored, timestamp serialisation,
version), Activity definitions and Verb displays (metadata, not part of the
statement), the order of a Group's members, attachments, case where the value
is case-insensitive (UUIDs, e-mail domains, SHA-1 hex), and single-object
versus array contextActivities. Everything else must match, result duration
included, compared as a string (Data 2.3.1) except for digits beyond 0.01 s
(Data 4.6).
"""

from __future__ import annotations

import re
from typing import Any

from validators.xapi.syntax import parse_timestamp

# Seconds with more than two decimals: precision beyond 0.01 s is left out of comparisons.
_FINE_SECONDS = re.compile(r"(\d+[.,]\d{2})\d+S$")

_ASSIGNED = ("id", "authority", "stored", "version", "attachments", "timestamp")


def _mbox(value: Any) -> Any:
    if type(value) is not str or "@" not in value:
        return value
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def _actor(actor: Any) -> Any:
    if type(actor) is not dict:
        return actor
    result = {key: value for key, value in actor.items() if key != "member"}
    if "mbox" in result:
        result["mbox"] = _mbox(result["mbox"])
    if type(result.get("mbox_sha1sum")) is str:
        result["mbox_sha1sum"] = result["mbox_sha1sum"].lower()
    if result.get("objectType") == "Agent":
        del result["objectType"]
    members = actor.get("member")
    if type(members) is list:
        # Unordered: compare as a sorted list of canonical forms.
        result["member"] = sorted((_actor(m) for m in members), key=repr)
    return result


def _activity(activity: Any) -> Any:
    if type(activity) is not dict:
        return activity
    return {"id": activity.get("id")}


def _activities(value: Any) -> Any:
    items = value if type(value) is list else [value]
    return [_activity(a) for a in items]


def _context(context: Any) -> Any:
    if type(context) is not dict:
        return context
    result = dict(context)
    if type(result.get("registration")) is str:
        result["registration"] = result["registration"].lower()
    for key in ("instructor", "team"):
        if key in result:
            result[key] = _actor(result[key])
    if type(result.get("statement")) is dict:
        result["statement"] = _object(result["statement"])
    activities = result.get("contextActivities")
    if type(activities) is dict:
        result["contextActivities"] = {k: _activities(v) for k, v in activities.items() if _activities(v)}
    for key in ("contextAgents", "contextGroups"):
        if type(result.get(key)) is list:
            result[key] = [_relation(item) for item in result[key]]
    return result


def _relation(item: Any) -> Any:
    """A contextAgent or contextGroup: its actor compared canonically."""
    if type(item) is not dict:
        return item
    return {key: _actor(value) if key in ("agent", "group") else value for key, value in item.items()}


def _object(obj: Any) -> Any:
    if type(obj) is not dict:
        return obj
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        return _activity(obj)
    if kind in ("Agent", "Group"):
        return {**_actor(obj), "objectType": kind}
    if kind == "StatementRef":
        ident = obj.get("id")
        return {"objectType": kind, "id": ident.lower() if type(ident) is str else ident}
    sub = _comparable(obj)
    if "timestamp" in obj:
        sub["timestamp"] = _instant(obj["timestamp"])
    return sub


def _instant(value: Any) -> Any:
    try:
        return parse_timestamp(value)
    except (TypeError, ValueError):
        return value


def _duration(value: Any) -> Any:
    return _FINE_SECONDS.sub(r"\1S", value) if type(value) is str else value


def _comparable(statement: dict) -> dict:
    result = {key: value for key, value in statement.items() if key not in _ASSIGNED}
    if type(result.get("result")) is dict and "duration" in result["result"]:
        result["result"] = {**result["result"], "duration": _duration(result["result"]["duration"])}
    if "actor" in result:
        result["actor"] = _actor(result["actor"])
    if type(result.get("verb")) is dict:
        result["verb"] = {"id": result["verb"].get("id")}
    if "object" in result:
        result["object"] = _object(result["object"])
    if "context" in result:
        result["context"] = _context(result["context"])
    return result


def statements_equivalent(a: dict, b: dict) -> bool:
    """True when `b` is the same statement as `a` for a duplicate-id check (same → no conflict)."""
    if _comparable(a) != _comparable(b):
        return False
    # A timestamp may be re-serialised (another offset) but must denote the same instant;
    # one the sender left out may have been assigned by the LRS.
    if "timestamp" in a and "timestamp" in b:
        return _instant(a["timestamp"]) == _instant(b["timestamp"])
    return True
