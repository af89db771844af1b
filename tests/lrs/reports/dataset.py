"""Statement sets for the report tests: learners going through courses the way our
runtime, an LMS and a cmi5 player report them, with a seeded random generator."""

from __future__ import annotations

from validators.xapi.vocabulary import ADMINISTRATION_EXTENSION

import random
import uuid
from datetime import datetime, timedelta, timezone

ADL = "http://adlnet.gov/expapi/verbs/"
CMI5_CATEGORY = {"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}
MOVEON_CATEGORY = {"id": "https://w3id.org/xapi/cmi5/context/categories/moveon"}
SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
MOVEON = "https://w3id.org/xapi/cmi5/context/extensions/moveon"
ADMINISTRATION = ADMINISTRATION_EXTENSION
START = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _duration(seconds: int) -> str:
    return f"PT{seconds}S"


def verb(name: str) -> dict:
    return {"id": ADL + name, "display": {"en-US": name}}


class Generator:
    """Emits statements and nothing else: the tests compute their expectations from
    the statements, not from the generator's choices."""

    def __init__(self, seed: int = 7) -> None:
        self.random = random.Random(seed)
        self.statements: list[dict] = []

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.random.getrandbits(128), version=4))

    def emit(self, actor: dict, verb_name: str, obj: dict, when: datetime, context: dict,
             result: dict | None = None) -> dict:
        statement = {
            "id": self._uuid(),
            "actor": actor,
            "verb": verb(verb_name),
            "object": obj,
            "timestamp": _iso(when),
            "context": context,
        }
        if result:
            statement["result"] = result
        self.statements.append(statement)
        return statement

    def scorm_like_course(self, course_id: str, learners: list[dict], modules: int = 3, home_page: str = "") -> None:
        """Our xAPI runtime's shape: module statements with the course as parent, answers
        and pages with the module as parent and the course as grouping; the LMS
        completes the course when every module is complete."""
        course = {"id": course_id, "definition": {"type": "http://adlnet.gov/expapi/activities/course",
                                                  "name": {"fr": "Cours " + course_id[-1], "en": "Course " + course_id[-1]}}}
        module_ids = [f"{course_id}/modules/m{index}" for index in range(1, modules + 1)]
        for learner_index, actor in enumerate(learners):
            registration = self._uuid()
            administration = self.random.choice(["DGFIP", "DINUM", "INSEE"])
            moment = START + timedelta(days=self.random.randint(0, 20), hours=learner_index % 8)
            scores = []
            done = 0
            for module_id in module_ids:
                if self.random.random() < 0.15:
                    break  # stops before this module
                module = {"id": module_id, "definition": {"type": "http://adlnet.gov/expapi/activities/module",
                                                          "name": {"fr": "Module " + module_id[-1]}}}
                for attempt in range(self.random.choice([1, 1, 2])):
                    context = {"registration": registration, "contextActivities": {"parent": [{"id": course_id}]},
                               "extensions": {ADMINISTRATION: administration}}
                    inner = {"registration": registration,
                             "contextActivities": {"parent": [{"id": module_id}], "grouping": [{"id": course_id}]},
                             "extensions": {ADMINISTRATION: administration}}
                    session_start = moment
                    self.emit(actor, "initialized", module, moment, context)
                    for page in range(3):
                        moment += timedelta(seconds=self.random.randint(30, 300))
                        page_obj = {"id": f"{module_id}/pages/p{page}",
                                    "definition": {"type": "http://activitystrea.ms/schema/1.0/page"}}
                        self.emit(actor, "experienced", page_obj, moment, inner)
                    moment += timedelta(seconds=self.random.randint(20, 90))
                    question = {"id": f"{module_id}/quiz/q1", "definition": {
                        "type": "http://adlnet.gov/expapi/activities/cmi.interaction", "interactionType": "true-false",
                        "correctResponsesPattern": ["true"]}}
                    correct = self.random.random() < 0.7
                    self.emit(actor, "answered", question, moment, inner,
                              {"response": "true" if correct else "false", "success": correct})
                    finished = self.random.random() < 0.8
                    if finished:
                        moment += timedelta(seconds=5)
                        scaled = round(self.random.random(), 2)
                        passed = scaled >= 0.5
                        self.emit(actor, "completed", module, moment, context, {"completion": True})
                        self.emit(actor, "passed" if passed else "failed", module, moment + timedelta(seconds=1), context,
                                  {"success": passed, "score": {"scaled": scaled}})
                        moment += timedelta(seconds=1)
                    moment += timedelta(seconds=self.random.randint(5, 60))
                    seconds = int((moment - session_start).total_seconds())
                    self.emit(actor, "terminated" if finished else "suspended", module, moment, context,
                              {"duration": _duration(seconds)})
                    ended = moment
                    moment += timedelta(hours=self.random.randint(1, 30))
                    if finished:
                        scores.append(scaled)
                        done += 1
                        break
            if done == len(module_ids):
                context = {"registration": registration, "extensions": {ADMINISTRATION: administration}}
                # the LMS rolls up at the end of the last session: no time added
                self.emit(actor, "completed", course, ended, context, {"completion": True})
                mean = round(sum(scores) / len(scores), 4)
                self.emit(actor, "passed" if mean >= 0.5 else "failed", course, ended, context,
                          {"success": mean >= 0.5, "score": {"scaled": mean}})

    def cmi5_course(self, course_id: str, learners: list[dict], aus: int = 2) -> None:
        """A cmi5 player: the LMS's launched (with moveOn), the AU's defined statements with
        a session id, the LMS's satisfied for the course once every AU is satisfied."""
        course = {"id": course_id, "definition": {"type": "https://w3id.org/xapi/cmi5/activitytype/course",
                                                  "name": {"en": "cmi5 course"}}}
        rules = ["Completed", "Passed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable"]
        au_rules = {f"{course_id}/au/{index}": rules[index % len(rules)] for index in range(aus)}
        for actor in learners:
            registration = self._uuid()
            moment = START + timedelta(days=self.random.randint(0, 20))
            satisfied_all = True
            for au_id, rule in au_rules.items():
                if self.random.random() < 0.1:
                    satisfied_all = False
                    continue
                au = {"id": au_id, "definition": {"type": "https://w3id.org/xapi/cmi5/activitytype/au"}}
                session = self._uuid()
                context = {"registration": registration,
                           "contextActivities": {"grouping": [{"id": au_id}, {"id": course_id}],
                                                 "category": [CMI5_CATEGORY]},
                           "extensions": {SESSION: session, MOVEON: rule}}
                self.emit(actor, "launched", au, moment, context)
                started = moment
                moment += timedelta(seconds=2)
                self.emit(actor, "initialized", au, moment, context)
                completed = self.random.random() < 0.7
                success = self.random.random() < 0.6 if rule != "NotApplicable" else None
                moment += timedelta(seconds=self.random.randint(60, 900))
                moveon = dict(context, contextActivities=dict(context["contextActivities"],
                                                              category=[CMI5_CATEGORY, MOVEON_CATEGORY]))
                if completed:
                    self.emit(actor, "completed", au, moment, moveon,
                              {"completion": True, "duration": _duration(int((moment - started).total_seconds()))})
                if success is not None:
                    moment += timedelta(seconds=1)
                    self.emit(actor, "passed" if success else "failed", au, moment, moveon,
                              {"success": success, "score": {"scaled": 0.9 if success else 0.3}})
                moment += timedelta(seconds=10)
                self.emit(actor, "terminated", au, moment, context,
                          {"duration": _duration(int((moment - started).total_seconds()))})
                satisfied = {
                    "Completed": completed, "Passed": bool(success), "CompletedAndPassed": completed and bool(success),
                    "CompletedOrPassed": completed or bool(success), "NotApplicable": True,
                }[rule]
                satisfied_all = satisfied_all and satisfied
                moment += timedelta(hours=2)
            if satisfied_all:
                context = {"registration": registration, "contextActivities": {"category": [CMI5_CATEGORY]}}
                self.emit(actor, "satisfied", course, moment, context)
                self.statements[-1]["verb"] = {"id": "https://w3id.org/xapi/adl/verbs/satisfied",
                                               "display": {"en-US": "satisfied"}}


def learners(count: int, prefix: str = "learner") -> list[dict]:
    return [{"objectType": "Agent", "name": f"{prefix.title()} {index}", "mbox": f"mailto:{prefix}{index}@example.org"}
            for index in range(count)]


def standard_set(seed: int = 7) -> list[dict]:
    """Two runtime courses, one cmi5 course, 40 learners, about 2,000 statements."""
    generator = Generator(seed)
    people = learners(40)
    generator.scorm_like_course("https://formation.example.org/cours/a", people[:30])
    generator.scorm_like_course("https://formation.example.org/cours/b", people[10:40], modules=2)
    generator.cmi5_course("https://formation.example.org/cours/c", people[:25], aus=5)
    return generator.statements
