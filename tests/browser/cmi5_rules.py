"""The cmi5 rules (AICC cmi5 spec, sections 7.1.3, 9 and 10) that an AU session must satisfy,
checked on the statements the LRS stored."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.xapi_lms import CMI5_CATEGORY, MASTERY, MOVEON_CATEGORY, SESSION_ID, Cmi5Session

DEFINED = {"initialized", "completed", "passed", "failed", "terminated"}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
DURATION = re.compile(r"^P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00)$")


def verb_name(statement: dict[str, Any]) -> str:
    return statement["verb"]["id"].rsplit("/", 1)[1]


def categories(statement: dict[str, Any]) -> set[str]:
    return {a["id"] for a in statement.get("context", {}).get("contextActivities", {}).get("category", [])}


def session_statements(statements: list[dict[str, Any]], session: Cmi5Session) -> list[dict[str, Any]]:
    """The AU's statements of one session (the LMS's launched excluded), in timestamp order."""
    mine = [s for s in statements
            if s.get("context", {}).get("extensions", {}).get(SESSION_ID) == session.session_id
            and verb_name(s) != "launched"]
    return sorted(mine, key=lambda s: s["timestamp"])


def check_session(statements: list[dict[str, Any]], session: Cmi5Session) -> list[str]:
    """Asserts the rules; returns the verbs of the cmi5 defined statements, in order."""
    ordered = session_statements(statements, session)
    assert ordered, "the AU sent no statement"
    assert verb_name(ordered[0]) == "initialized", "initialized must be the first statement of a session"
    assert verb_name(ordered[-1]) == "terminated", "terminated must be the last statement of a session"
    defined = [s for s in ordered if CMI5_CATEGORY in categories(s)]
    verbs = [verb_name(s) for s in defined]
    assert len(verbs) == len(set(verbs)), f"a cmi5 defined verb is repeated: {verbs}"
    assert not {"passed", "failed"} <= set(verbs), "passed and failed in one session"
    template_grouping = {session.au.id}
    for s in ordered:
        name = verb_name(s)
        assert UUID.match(s["id"]), s["id"]
        assert UTC.match(s["timestamp"]), s["timestamp"]
        assert s["actor"].get("account") == session.actor["account"], s["actor"]
        context = s["context"]
        assert context["registration"] == session.registration
        assert context["extensions"][SESSION_ID] == session.session_id
        grouping = {a["id"] for a in context.get("contextActivities", {}).get("grouping", [])}
        assert template_grouping <= grouping, "the context template's grouping (publisher id) is missing"
        result = s.get("result", {})
        if CMI5_CATEGORY not in categories(s):
            # cmi5 allowed: any verb, the context template, never the cmi5 or moveon category
            assert name not in DEFINED or name == "answered", f"{name} without the cmi5 category"
            assert MOVEON_CATEGORY not in categories(s)
            continue
        assert name in DEFINED, f"{name} carries the cmi5 category but is not a cmi5 verb"
        assert s["object"]["id"] == session.au.id, "the object of a cmi5 defined statement is the AU"
        judged = "success" in result or "completion" in result
        assert (MOVEON_CATEGORY in categories(s)) == judged, f"moveon category on {name}"
        if name in ("completed", "passed", "failed", "terminated"):
            assert DURATION.match(result.get("duration", "")), f"{name} needs result.duration"
        if name == "completed":
            assert result.get("completion") is True and "success" not in result and "score" not in result
        elif name in ("passed", "failed"):
            assert result.get("success") is (name == "passed") and "completion" not in result
            score = result.get("score")
            if session.au.mastery is not None:
                assert context["extensions"][MASTERY] == session.au.mastery
                if score is not None and "scaled" in score:
                    assert (score["scaled"] >= session.au.mastery) == (name == "passed"), score
            if score and "raw" in score:
                assert score["min"] <= score["raw"] <= score["max"]
        else:
            assert "success" not in result and "completion" not in result and "score" not in result
    return verbs


def check_registration(statements: list[dict[str, Any]], au_id: str) -> None:
    """Across sessions: at most one completed and one passed, no failed after passed."""
    defined = sorted((s for s in statements if CMI5_CATEGORY in categories(s) and s["object"]["id"] == au_id
                      and verb_name(s) != "launched"), key=lambda s: s["timestamp"])
    verbs = [verb_name(s) for s in defined]
    assert verbs.count("completed") <= 1, verbs
    assert verbs.count("passed") <= 1, verbs
    if "passed" in verbs:
        assert "failed" not in verbs[verbs.index("passed"):], verbs
