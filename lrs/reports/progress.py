"""The learner-activity model: the facts of one (learner, course, registration) -> one
row per module plus one for the course.

A pure function of the facts, whatever order they arrived in, so that recomputing a
learner's rows on each ingest gives the same answer on SQLite and PostgreSQL.

* first launch: the first fact that is not administration (enrolment and the like);
  last activity: the last fact.
* attempts: distinct attempts (a cmi5 session, a Moodle quiz attempt or lesson
  session, each `launched`/`initialized`/`attempted`/`start`); `resumed` continues one.
  The course's: its own, or those of its most attempted module if more.
* time: the sum over sessions of the longer of the session's span (first to last
  statement) and the longest `result.duration` reported in it (cmi5 `completed` and
  `terminated` both carry the time since `initialized`: never added twice). A
  session is a cmi5 session id; without one, a session starts with a launch verb or
  after 30 minutes without a statement.
* completion: a completion (verb `completed`, cmi5 `satisfied`, `result.completion`)
  stays until Moodle's explicit `uncompleted`; success: passed if any attempt
  passed, else failed if one failed; scores: best and last (scaled 0..1); a
  published course with no score of its own has its modules' score as both.
* satisfied: for cmi5 content, the AU's `moveOn` rule (from the LMS's `launched`)
  or the LMS's `satisfied`; otherwise completed or passed.
"""

from __future__ import annotations

from typing import Any, Iterable

from lrs.reports import vocabulary as v
from lrs.reports.facts import Fact
from lrs.reports.rounding import SECONDS_DIGITS
from lrs.reports.structure import ModuleState, Published, course_outcome


def _last(values: Iterable[str], empty: str = "") -> str:
    found = empty
    for value in values:
        if value and value != empty:
            found = value
    return found


def _total_seconds(facts: list[Fact]) -> tuple[int, float]:
    sessions: dict[str, list[float]] = {}  # key -> [start_us, end_us, longest duration]
    current = ""
    previous_us: int | None = None
    for fact in facts:
        if fact.administrative:
            continue
        if fact.session_id:
            key = "s:" + fact.session_id
        else:
            idle = previous_us is not None and fact.ts_us - previous_us > v.IDLE_SECONDS * 1_000_000
            if not current or fact.verb in v.SESSION_START or idle:
                current = "t:" + fact.statement_id
            previous_us = fact.ts_us
            key = current
        span = sessions.get(key)
        if span is None:
            sessions[key] = [fact.ts_us, fact.ts_us, fact.duration or 0.0]
        else:
            span[0] = min(span[0], fact.ts_us)
            span[1] = max(span[1], fact.ts_us)
            span[2] = max(span[2], fact.duration or 0.0)
    total = sum(max((end - start) / 1_000_000, longest) for start, end, longest in sessions.values())
    return len(sessions), round(total, SECONDS_DIGITS)


def _satisfied(rule: str, completed_us: int | None, passed_us: int | None, first_us: int | None) -> int | None:
    if rule == "NotApplicable":
        return first_us
    if rule == "Completed":
        return completed_us
    if rule == "Passed":
        return passed_us
    if rule == "CompletedAndPassed":
        return max(completed_us, passed_us) if completed_us and passed_us else None
    # CompletedOrPassed, and non-cmi5 content
    moments = [moment for moment in (completed_us, passed_us) if moment is not None]
    return min(moments) if moments else None


def _summary(mine: list[Fact], own: list[Fact], module_id: str, common: dict[str, Any]) -> dict[str, Any]:
    """The row of `module_id` ("" = the course): `mine` are the facts that count for its
    time (for the course, all of them), `own` those about it; both in time order."""
    completed_us: int | None = None
    passed_us: int | None = None
    failed = False
    satisfied_verb_us: int | None = None
    best: float | None = None
    last: float | None = None
    for fact in own:
        if not fact.outcome:
            continue
        if fact.verb in v.UNCOMPLETED:
            completed_us = None
        elif fact.completion and completed_us is None:
            completed_us = fact.ts_us
        if fact.success is True and passed_us is None:
            passed_us = fact.ts_us
        elif fact.success is False:
            failed = True
        if fact.verb in v.SATISFIED and satisfied_verb_us is None:
            satisfied_verb_us = fact.ts_us
        if fact.score is not None:
            best = fact.score if best is None else max(best, fact.score)
            last = fact.score

    first_us = next((fact.ts_us for fact in mine if not fact.administrative), None)
    cmi5 = any(fact.cmi5 for fact in own)
    move_on = _last(fact.move_on for fact in own)
    satisfied_us = _satisfied(move_on if cmi5 and move_on else "CompletedOrPassed", completed_us, passed_us, first_us)
    if satisfied_verb_us is not None:
        satisfied_us = satisfied_verb_us if satisfied_us is None else min(satisfied_us, satisfied_verb_us)
    sessions, seconds = _total_seconds(mine)
    return {
        **common,
        "module_id": module_id,
        "module_name": (_last((fact.module_name for fact in own), "{}") or "{}") if module_id else "{}",
        "first_launch_us": first_us,
        "last_activity_us": mine[-1].ts_us if mine else None,
        "statements": len(mine),
        "attempts": len({fact.attempt_key for fact in own if fact.attempt_key}),
        "sessions": sessions,
        "completed": completed_us is not None,
        "completed_us": completed_us,
        "success": True if passed_us is not None else (False if failed else None),
        "passed_us": passed_us,
        "satisfied": satisfied_us is not None,
        "satisfied_us": satisfied_us,
        "best_score": best,
        "last_score": last,
        "total_seconds": seconds,
        "cmi5": cmi5,
        "move_on": move_on,
        "progress": None,
    }


def _follow_structure(course: dict[str, Any], summaries: dict[str, dict[str, Any]], published: Published) -> None:
    """The course row as its published modules make it (`lrs.reports.structure`); a
    statement about the course itself still counts."""
    states: dict[str, ModuleState] = {}
    for module_id, row in summaries.items():
        module = published.module_of.get(module_id)
        if module is None:
            continue
        values = (row["completed_us"], row["passed_us"], row["success"] is False, row["satisfied_us"], row["cmi5"],
                  row["move_on"], row["best_score"])
        if module.iri in states:
            states[module.iri].add(*values)
        else:
            states[module.iri] = ModuleState(*values)
    outcome = course_outcome(published, states)
    if outcome.completed_us is not None:
        for flag, moment in (("completed", "completed_us"), ("satisfied", "satisfied_us")):
            course[flag] = True
            course[moment] = outcome.completed_us if course[moment] is None else min(course[moment], outcome.completed_us)
    if outcome.passed:
        course["success"] = True
        course["passed_us"] = course["passed_us"] or outcome.passed_us
    elif outcome.failed and course["success"] is not True:
        course["success"] = False
    if outcome.score is not None:
        course["best_score"] = outcome.score
        if course["last_score"] is None:
            course["last_score"] = outcome.score
    course["progress"] = outcome.progress


def rows_for(facts: list[Fact], modules: set[str] | None = None, published: Published | None = None) -> list[dict[str, Any]]:
    """The rows of one learner, course and registration: the course's, and each module's
    (only those in `modules` when given); with the course's published structure, the
    course row follows its modules."""
    if not facts:
        return []
    ordered = sorted(facts, key=lambda fact: (fact.ts_us, fact.statement_id))
    by_module: dict[str, list[Fact]] = {}
    for fact in ordered:
        by_module.setdefault(fact.module_id, []).append(fact)
    anchor = ordered[-1]
    common = {
        "learner_key": anchor.learner_key,
        "course_id": anchor.course_id,
        "registration": anchor.registration,
        "learner_name": _last(fact.learner_name for fact in ordered),
        "home_page": _last(fact.home_page for fact in ordered),
        "grp": _last(fact.grp for fact in ordered),
        "course_name": _last((fact.course_name for fact in ordered), "{}") or "{}",
    }
    rows = [_summary(ordered, by_module.get("", []), "", common)]
    rows[0]["attempts"] = max([rows[0]["attempts"], *(len({fact.attempt_key for fact in facts_of if fact.attempt_key})
                                                      for module, facts_of in by_module.items() if module)])
    wanted = sorted(key for key in by_module if key and (modules is None or key in modules))
    if published is None:
        return rows + [_summary(by_module[module], by_module[module], module, common) for module in wanted]
    # every module counts for the course row, even those not rewritten
    summaries = {module: _summary(facts_of, facts_of, module, common) for module, facts_of in by_module.items() if module}
    _follow_structure(rows[0], summaries, published)
    return rows + [summaries[module] for module in wanted]
