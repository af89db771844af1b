"""Report numbers computed straight from statements, without the LRS's model:
what the tests compare the reports against."""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from datetime import datetime, timedelta

ADL = "http://adlnet.gov/expapi/verbs/"
SATISFIED = "https://w3id.org/xapi/adl/verbs/satisfied"
MOVEON = "https://w3id.org/xapi/cmi5/context/extensions/moveon"


def seconds(duration: str) -> int:
    match = re.fullmatch(r"PT(\d+)S", duration)
    assert match, duration
    return int(match.group(1))


def _context_ids(statement: dict) -> set[str]:
    activities = (statement.get("context") or {}).get("contextActivities") or {}
    return {item["id"] for key in ("parent", "grouping") for item in activities.get(key, [])}


def in_course(statement: dict, course: str) -> bool:
    return statement["object"].get("id") == course or course in _context_ids(statement)


def course_overview(statements: list[dict], course: str) -> dict:
    learners: set[str] = set()
    started: set[str] = set()
    completed: set[str] = set()
    passed: set[str] = set()
    failed: set[str] = set()
    time: dict[str, int] = defaultdict(int)
    best: dict[str, float] = {}
    for s in statements:
        if not in_course(s, course):
            continue
        who = s["actor"]["mbox"]
        verb = s["verb"]["id"]
        learners.add(who)
        if verb in (ADL + "initialized", ADL + "launched"):
            started.add(who)
        if verb in (ADL + "terminated", ADL + "suspended"):
            time[who] += seconds(s["result"]["duration"])
        if s["object"]["id"] == course:
            if verb in (ADL + "completed", SATISFIED):
                completed.add(who)
            if verb == ADL + "passed":
                passed.add(who)
            if verb == ADL + "failed":
                failed.add(who)
            score = (s.get("result") or {}).get("score", {}).get("scaled")
            if score is not None:
                best[who] = max(best.get(who, 0.0), score)
    bins = [0] * 10
    for value in best.values():
        bins[min(int(value * 10), 9)] += 1
    return {
        "learners": len(learners),
        "started": len(started),
        "completed": len(completed | passed),
        "passed": len(passed),
        "failed": len(failed - passed),
        "completion_rate": round(len(completed | passed) / len(learners), 4) if learners else None,
        "median_seconds": statistics.median([time[who] for who in started]) if started else None,
        "median_score": round(statistics.median(best.values()), 4) if best else None,
        "bins": bins,
    }


def modules(statements: list[dict], course: str) -> dict[str, dict]:
    """Per module of a course: learners, started, completed (or satisfied under cmi5
    moveOn), passed, and the mean number of attempts of those who started."""
    seen: dict[str, set] = defaultdict(set)
    started: dict[str, set] = defaultdict(set)
    completed: dict[str, set] = defaultdict(set)
    passed: dict[str, set] = defaultdict(set)
    launches: dict[tuple[str, str], int] = defaultdict(int)
    rule: dict[str, str] = {}
    for s in statements:
        if not in_course(s, course) or s["object"]["id"] == course:
            continue
        who = s["actor"]["mbox"]
        verb = s["verb"]["id"]
        parents = [a["id"] for a in (s["context"].get("contextActivities") or {}).get("parent", [])]
        module = s["object"]["id"] if (course in parents or "/au/" in s["object"]["id"]) else parents[0]
        seen[module].add(who)
        if s["context"].get("extensions", {}).get(MOVEON):
            rule[module] = s["context"]["extensions"][MOVEON]
        if verb == ADL + "initialized":
            started[module].add(who)
        if verb == ADL + ("launched" if "/au/" in module else "initialized"):
            launches[(module, who)] += 1
        if s["object"]["id"] == module and verb == ADL + "completed":
            completed[module].add(who)
        if s["object"]["id"] == module and verb == ADL + "passed":
            passed[module].add(who)
    out = {}
    for module in seen:
        done = completed[module] | passed[module]
        if module in rule:  # cmi5: satisfied by the moveOn rule counts as done
            done = {
                "Completed": completed[module],
                "Passed": passed[module],
                "CompletedAndPassed": completed[module] & passed[module],
                "CompletedOrPassed": completed[module] | passed[module],
                "NotApplicable": started[module],
            }[rule[module]] | completed[module]
        attempts = [launches[(module, who)] for who in started[module]]
        out[module] = {
            "learners": len(seen[module]),
            "started": len(started[module]),
            "completed": len(done),
            "passed": len(passed[module]),
            "mean_attempts": round(statistics.fmean(attempts), 2) if attempts else None,
        }
    return out


# --- any statements: learners by their identifier, ISO durations, sessions -------------

SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
SESSION_STARTS = {ADL + name for name in ("launched", "initialized", "attempted", "resumed")}
IDLE = timedelta(minutes=30)


def learner_of(actor: dict) -> str:
    """The agent's inverse functional identifier, whichever it is."""
    for key in ("mbox", "mbox_sha1sum", "openid"):
        if key in actor:
            return f"{key}:{actor[key]}"
    return f"account:{actor['account']['homePage']}|{actor['account']['name']}"


def iso_seconds(duration: str) -> float:
    match = re.fullmatch(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?", duration)
    assert match, duration
    days, hours, minutes, secs = (float(part or 0) for part in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + secs


def moment(statement: dict) -> datetime:
    return datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00"))


def session_seconds(statements: list[dict]) -> float:
    """One learner's time in one registration: per session (a cmi5 session id, else
    opened by a launch verb or after 30 idle minutes), the longer of its span and the
    longest duration reported in it."""
    sessions: dict[str, list] = {}
    current, previous = "", None
    for s in sorted(statements, key=moment):
        session_id = (s.get("context") or {}).get("extensions", {}).get(SESSION_ID)
        if session_id:
            key = "cmi5 " + session_id
        else:
            if not current or s["verb"]["id"] in SESSION_STARTS or moment(s) - previous > IDLE:
                current = s.get("id") or str(moment(s))
            previous = moment(s)
            key = current
        duration = iso_seconds(s["result"]["duration"]) if "duration" in (s.get("result") or {}) else 0.0
        first, last, longest = sessions.get(key, (moment(s), moment(s), 0.0))
        sessions[key] = [min(first, moment(s)), max(last, moment(s)), max(longest, duration)]
    return sum(max((last - first).total_seconds(), longest) for first, last, longest in sessions.values())


def scaled_score(result: dict) -> float | None:
    score = result.get("score") or {}
    if "scaled" in score:
        return score["scaled"]
    if "raw" in score and "max" in score and score["max"] > score.get("min", 0):
        return (score["raw"] - score.get("min", 0)) / (score["max"] - score.get("min", 0))
    return None


def course_figures(statements: list[dict], course: str) -> dict:
    """The course overview of a course from its statements (all of them about it):
    outcomes from the statements whose object is the course, time from all."""
    by_registration: dict[tuple[str, str], list[dict]] = defaultdict(list)
    completed: set[str] = set()
    passed: set[str] = set()
    failed: set[str] = set()
    best: dict[str, float] = {}
    for s in statements:
        assert s["verb"]["id"] not in (ADL + "registered",), "administration: not a start"
        who = learner_of(s["actor"])
        by_registration[(who, (s.get("context") or {}).get("registration", ""))].append(s)
        if s["object"]["id"] != course:
            continue
        result = s.get("result") or {}
        if s["verb"]["id"] in (ADL + "completed", SATISFIED) or result.get("completion") is True:
            completed.add(who)
        if s["verb"]["id"] == ADL + "passed" or result.get("success") is True:
            passed.add(who)
        if s["verb"]["id"] == ADL + "failed" or result.get("success") is False:
            failed.add(who)
        score = scaled_score(result)
        if score is not None:
            best[who] = max(best.get(who, 0.0), score)
    time: dict[str, float] = defaultdict(float)
    for (who, _registration), mine in by_registration.items():
        time[who] += session_seconds(mine)
    learners = set(time)
    done = completed | passed
    bins = [0] * 10
    for value in best.values():
        bins[min(int(value * 10), 9)] += 1
    return {
        "learners": len(learners),
        "started": len(learners),  # every statement here is learning, none administration
        "completed": len(done),
        "passed": len(passed),
        "failed": len(failed - passed),
        "completion_rate": round(len(done) / len(learners), 4) if learners else None,
        "median_seconds": round(statistics.median(time.values()), 3) if time else None,
        "median_score": round(statistics.median(best.values()), 4) if best else None,
        "mean_score": round(statistics.fmean(best.values()), 4) if best else None,
        "bins": bins,
    }
