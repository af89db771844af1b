"""One statement -> one report fact: who, which course and module, when, and what it says.

Where a statement sits (document of the rule, also in docs/reports.md):

* **Course**: the highest activity typed as a course (cmi5, ADL, Moodle `lms/course`) among
  `contextActivities.parent` (top first), `grouping` and the object; else the last `grouping`
  activity (for cmi5 statements, other than the AU's publisher id, which cmi5 puts
  first); for cmi5 statements, then the course of their registration, else that lone
  publisher id; else the last `parent` activity (Moodle lists parents nearest first,
  so the last is the top); else the object itself.
* **Module**: nothing when the object is the course (a course-level statement);
  for cmi5-defined statements, the AU's publisher id (first `grouping` activity),
  else the object; otherwise the highest activity of the chain object -> parents
  below the course, skipping structure (sections, blocks): a Moodle quiz attempt
  or question belongs to its quiz, an interaction to its SCO. Platform objects
  (Moodle badges, calendar, messages) count for the course as a whole.
* **cmi5 registrations**: a cmi5 registration is one learner in one course; AU
  statements that name no course join the course their registration was seen with
  (the LMS's statements about the course, typed as a course), even afterwards.
* **Modules seen before**: when the course found is an activity already known as a
  module of some course (a runtime that gives an answer only its module as parent),
  the statement is placed in that course and module.
* **LMS activities playing a course** (`parcours publish --lms-activity`): a statement
  whose object or a parent is such an activity (Moodle's SCORM activity, or its SCO)
  counts for that course as a whole, without outcome: the LMS's SCORM status is the
  package's, the modules' outcomes come from the package's own statements.
* **Outcome**: only statements about the module itself (its object is the module,
  or an attempt/session whose direct parent is the module, never an interaction)
  and, for cmi5 content, only cmi5-defined statements, carry completion, success
  and score.

Statements whose actor is a group, or whose object is not an activity, are not
about a learner's progress and give no fact.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, fields
from typing import Any, Iterable

import orjson

from lrs.reports import vocabulary as v
from lrs.timeutil import to_micros
from validators.xapi.syntax import duration_seconds, parse_timestamp
from validators.xapi.vocabulary import agent_key_or_none, context_activities


@dataclass(slots=True)
class Fact:
    statement_id: str
    learner_key: str
    learner_name: str
    home_page: str
    grp: str
    registration: str
    course_id: str
    course_name: str  # JSON language map
    module_id: str  # "" for a course-level statement
    module_name: str
    ts_us: int
    verb: str
    administrative: bool
    outcome: bool
    completion: bool | None
    success: bool | None
    score: float | None
    duration: float | None
    session_id: str
    attempt_key: str
    cmi5: bool
    move_on: str
    course_typed: bool = False  # not stored: tells which course a cmi5 registration is for

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FACT_FIELDS}

    def values(self) -> tuple:
        """The stored columns, in the order of FACT_FIELDS."""
        return _stored_values(self)

    @classmethod
    def from_values(cls, values: Iterable[Any]) -> "Fact":
        """A fact read back from `report_facts` (columns in the order of FACT_FIELDS),
        booleans as booleans whichever database gave them."""
        fact = cls(*values)
        fact.administrative = bool(fact.administrative)
        fact.outcome = bool(fact.outcome)
        fact.cmi5 = bool(fact.cmi5)
        if fact.completion is not None:
            fact.completion = bool(fact.completion)
        if fact.success is not None:
            fact.success = bool(fact.success)
        return fact


FACT_FIELDS = tuple(item.name for item in fields(Fact) if item.name != "course_typed")
_stored_values = operator.attrgetter(*FACT_FIELDS)
REGISTRATION_PREFIX = "registration:"  # in `known`: a cmi5 registration -> its course
ALIAS_PREFIX = "alias:"  # in `known`: an LMS activity playing a course -> that course


def _type(activity: dict[str, Any]) -> str:
    definition = activity.get("definition")
    return definition.get("type", "") if isinstance(definition, dict) else ""


def _name(activity: dict[str, Any] | None) -> str:
    if not activity:
        return "{}"
    definition = activity.get("definition")
    name = definition.get("name") if isinstance(definition, dict) else None
    return orjson.dumps(name if isinstance(name, dict) else {}).decode()


def _is_item(activity: dict[str, Any]) -> bool:
    definition = activity.get("definition")
    if isinstance(definition, dict) and definition.get("interactionType"):
        return True
    return _type(activity) in v.ITEM_TYPES


def _score(result: dict[str, Any]) -> float | None:
    score = result.get("score")
    if not isinstance(score, dict):
        return None
    scaled = score.get("scaled")
    if isinstance(scaled, (int, float)) and not isinstance(scaled, bool):
        return max(0.0, min(1.0, float(scaled)))
    raw, low, high = score.get("raw"), score.get("min", 0), score.get("max")
    numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (raw, low, high))
    if numbers and high > low:
        return max(0.0, min(1.0, (raw - low) / (high - low)))
    return None


def _group(context: dict[str, Any], extensions: Iterable[str]) -> str:
    values = context.get("extensions")
    if not isinstance(values, dict):
        return ""
    for iri in extensions:
        value = values.get(iri)
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, dict):  # e.g. {"id": ..., "name": ...}
            for key in ("id", "name", "code"):
                if isinstance(value.get(key), (str, int)):
                    return str(value[key])
    return ""


def _place(obj: dict[str, Any], parents: list[dict], grouping: list[dict], cmi5: bool, known: dict[str, str],
           registration_course: str | None = None):
    """(course, module or None) following the rule in the module docstring."""
    chain = [obj] + parents
    aliased = next((known[ALIAS_PREFIX + a["id"]] for a in chain if ALIAS_PREFIX + a["id"] in known), None)
    if aliased is not None:
        return {"id": aliased}, None
    publisher = grouping[0] if cmi5 and grouping else None
    candidates = [a for a in grouping if a is not publisher]
    # the highest typed course: a Moodle IMS package is typed "course" too, inside its course
    typed = next((a for a in parents[::-1] + grouping + [obj] if _type(a) in v.COURSE_TYPES), None)
    if typed is not None:
        course = typed
    elif candidates:
        course = candidates[-1]
    # cmi5 before any parent: an answer with its AU as parent stays in the AU's course
    elif cmi5 and registration_course:
        course = {"id": registration_course}  # the course this cmi5 registration was seen in
    elif publisher is not None and publisher["id"] != obj["id"]:
        course = publisher  # a cmi5 AU alone: it is its own course
        publisher = None
    elif parents:
        course = parents[-1]
    else:
        course = obj
    if course["id"] in known and known[course["id"]] != course["id"]:
        # The "course" found is a module already seen in a course: place it there.
        return _place(obj, parents, grouping + [{"id": known[course["id"]]}], cmi5, {}, registration_course)
    if course["id"] == obj["id"]:
        return course, None
    if cmi5:
        return course, publisher or (parents[-1] if parents else obj)
    ids = [a["id"] for a in chain]
    below = chain[: ids.index(course["id"])] if course["id"] in ids else chain
    below = [a for a in below if _type(a) not in v.STRUCTURE_TYPES]
    if not below or _type(below[-1]) in v.PLATFORM_TYPES or _is_item(below[-1]):
        return course, None  # an answer straight under its course is no module of its own
    return course, below[-1]


def _about_a_learner(statement: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], str, str] | None:
    """(actor, object, learner key, verb) of a statement by one learner about an activity."""
    actor = statement.get("actor")
    obj = statement.get("object")
    if not isinstance(actor, dict) or actor.get("objectType") == "Group" or not isinstance(obj, dict):
        return None
    if obj.get("objectType", "Activity") != "Activity" or not isinstance(obj.get("id"), str):
        return None
    key = agent_key_or_none(actor)
    verb = (statement.get("verb") or {}).get("id")
    if key is None or not isinstance(verb, str) or verb == v.VOIDED:
        return None
    return actor, obj, key, verb


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _carries_outcome(obj: dict, parents: list[dict], course: dict, module: dict | None, cmi5: bool) -> bool:
    """Whether the statement can complete, pass or score its module (or course): it is
    about the module itself, or an attempt of it; never an answer."""
    if _is_item(obj):
        return False
    if module is None:
        return obj["id"] == course["id"]
    if cmi5:
        return True
    return obj["id"] == module["id"] or (bool(parents) and parents[0]["id"] == module["id"])


def _result(result: dict[str, Any], verb: str) -> tuple[bool | None, bool | None, float | None, float | None]:
    """(completion, success, score, duration) as the result and the verb say."""
    completion = result.get("completion") if isinstance(result.get("completion"), bool) else None
    success = result.get("success") if isinstance(result.get("success"), bool) else None
    if verb in v.COMPLETED or verb in v.SATISFIED:
        completion = True
    if verb in v.PASSED:
        success = True
    elif verb in v.FAILED:
        success = False
    duration = None
    if isinstance(result.get("duration"), str):
        try:
            duration = duration_seconds(result["duration"])
        except ValueError:
            duration = None
    return completion, success, _score(result), duration


def _attempt_key(statement: dict[str, Any], obj: dict, verb: str, session_id: str, outcome: bool,
                 module: dict | None) -> str:
    """What one attempt of a module is: a cmi5 session, a Moodle attempt activity, a launch."""
    if session_id:
        return "s:" + session_id
    if outcome and module is not None and _type(obj) in v.ATTEMPT_TYPES:
        return "o:" + obj["id"]  # a Moodle quiz attempt, a lesson session
    if verb in v.ATTEMPT_START:
        return "i:" + str(statement.get("id"))
    return ""


def extract_fact(
    statement: dict[str, Any], group_extensions: Iterable[str] = (), known: dict[str, str] | None = None
) -> Fact | None:
    """The report fact of a stored statement, or None if it says nothing about progress.

    `known` maps module ids already seen to their course: a statement that names only
    a module as its parent (an answer whose parent is its module) joins that course;
    and `registration:<uuid>` to the course of a cmi5 registration, for AU statements
    that name no course.
    """
    found = _about_a_learner(statement)
    if found is None:
        return None
    actor, obj, key, verb = found
    try:
        moment = parse_timestamp(statement.get("timestamp") or statement.get("stored"))
    except (TypeError, ValueError):
        return None
    context = _dict(statement.get("context"))
    parents = context_activities(context, "parent")
    grouping = context_activities(context, "grouping")
    cmi5 = v.CMI5_CATEGORY in {a["id"] for a in context_activities(context, "category")}
    registration = context.get("registration") if isinstance(context.get("registration"), str) else ""
    known = known or {}
    course, module = _place(obj, parents, grouping, cmi5, known, known.get(REGISTRATION_PREFIX + registration))
    outcome = _carries_outcome(obj, parents, course, module, cmi5)
    completion, success, score, duration = _result(_dict(statement.get("result")), verb)
    extensions = _dict(context.get("extensions"))
    session_id = extensions.get(v.CMI5_SESSION) if isinstance(extensions.get(v.CMI5_SESSION), str) else ""
    move_on = extensions.get(v.CMI5_MOVEON)
    account = _dict(actor.get("account"))
    return Fact(
        statement_id=str(statement.get("id")),
        learner_key=key,
        learner_name=actor.get("name") if isinstance(actor.get("name"), str) else "",
        home_page=account.get("homePage", "") if isinstance(account.get("homePage"), str) else "",
        grp=_group(context, group_extensions),
        registration=registration,
        course_id=course["id"],
        course_name=_name(course),
        module_id=module["id"] if module is not None else "",
        module_name=_name(module),
        ts_us=to_micros(moment),
        verb=verb,
        administrative=verb in v.ADMINISTRATIVE,
        outcome=outcome and verb not in v.ADMINISTRATIVE,
        completion=completion,
        success=success,
        score=score,
        duration=duration,
        session_id=session_id,
        attempt_key=_attempt_key(statement, obj, verb, session_id, outcome, module),
        cmi5=cmi5,
        move_on=move_on if move_on in v.MOVE_ON_VALUES else "",
        course_typed=_type(course) in v.COURSE_TYPES,
    )


@dataclass(slots=True)
class Item:
    """An answer to a question or a page seen, for the question analysis and the drop-off."""

    statement_id: str
    course_id: str
    kind: str  # ANSWER | PAGE
    module_id: str
    activity_id: str
    learner_key: str
    registration: str
    ts_us: int
    success: bool | None
    response: str | None
    duration: float | None


ANSWER, PAGE = "answer", "page"
ITEM_FIELDS = tuple(item.name for item in fields(Item))


def extract_item(statement: dict[str, Any], fact: Fact) -> Item | None:
    """The answer or the page seen that a statement reports (its fact placed it), if any."""
    obj = statement["object"]
    result = _dict(statement.get("result"))
    if _is_item(obj) and (fact.verb == v.ANSWERED or "response" in result or "success" in result):
        kind = ANSWER
    elif fact.verb == v.EXPERIENCED and fact.module_id and obj["id"] not in (fact.course_id, fact.module_id):
        kind = PAGE
    else:
        return None
    response = result.get("response")
    return Item(
        statement_id=fact.statement_id,
        course_id=fact.course_id,
        kind=kind,
        module_id=fact.module_id,
        activity_id=obj["id"],
        learner_key=fact.learner_key,
        registration=fact.registration,
        ts_us=fact.ts_us,
        success=fact.success if kind == ANSWER else None,
        response=response if isinstance(response, str) and kind == ANSWER else None,
        duration=fact.duration,
    )
