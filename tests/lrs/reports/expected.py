"""Report numbers computed straight from statements, without the LRS's model:
what the tests compare the reports against."""

from __future__ import annotations

import re
import statistics
from collections import defaultdict

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
        "median_score": round(statistics.median(best.values()), 3) if best else None,
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
