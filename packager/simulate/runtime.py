"""The statements `packager/runtime/parcours.js` sends, written in Python for simulated learners.

One session object a launch of a module, with the runtime's own steps (start, show a page,
submit the quiz, finish) and the runtime's rules for what each step reports
(docs/runtime-contract.md). The module's progress (pages seen, best score, what was already
reported) lives in `ModuleProgress`, which the runtime keeps in its suspend data between
sessions. tests/browser/test_simulation_shapes.py checks the shapes against chromium.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

VERB = "http://adlnet.gov/expapi/verbs/"
PAGE_TYPE = "http://activitystrea.ms/schema/1.0/page"
MODULE_TYPE = "http://adlnet.gov/expapi/activities/module"
INTERACTION_TYPE = "http://adlnet.gov/expapi/activities/cmi.interaction"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
CMI5_MOVEON_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/moveon"
CMI5_SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
CMI5_MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore"
CMI5_LAUNCH_MODE = "https://w3id.org/xapi/cmi5/context/extensions/launchmode"
CMI5_LAUNCH_URL = "https://w3id.org/xapi/cmi5/context/extensions/launchurl"
CMI5_MOVEON = "https://w3id.org/xapi/cmi5/context/extensions/moveon"
EPSILON = 1e-9  # the runtime's tolerance when comparing a score with the mastery score

Statement = dict[str, Any]


def js_round(value: float) -> int:
    """JavaScript's Math.round (halves go up), not Python's round-half-even."""
    return math.floor(value + 0.5)


def iso_duration(ms: float) -> str:
    """The runtime's isoDuration: PT1H2M3.45S, hundredths always written."""
    cs = max(0, js_round(ms / 10))
    hours, cs = divmod(cs, 360000)
    minutes, cs = divmod(cs, 6000)
    seconds, cs = divmod(cs, 100)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{seconds}.{cs:02d}S"


def js_timestamp(moment: datetime) -> str:
    """Date.prototype.toISOString: UTC, milliseconds, Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def seeded_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def verb(name: str) -> dict[str, Any]:
    return {"id": VERB + name, "display": {"en-US": name}}


def activity(identifier: str) -> dict[str, Any]:
    return {"objectType": "Activity", "id": identifier}


@dataclass
class ModuleProgress:
    """What the runtime keeps in the suspend data: pages seen, attempts, best score, reported."""

    seen: list[str] = field(default_factory=list)
    attempts: int = 0
    best: float | None = None
    reported: dict[str, Any] = field(default_factory=dict)
    location: str = ""


@dataclass
class Snapshot:
    completed: bool
    success: bool | None
    scaled: float | None
    finished: bool


def snapshot(config: dict[str, Any], progress: ModuleProgress, mastery: float | None) -> Snapshot:
    """Module.prototype.snapshot of the runtime."""
    seen_all = len(progress.seen) == len(config["pages"])  # only the module's own keys are ever seen
    quiz = config.get("quiz")
    judged = bool(quiz) and progress.best is not None
    success = (progress.best >= mastery - EPSILON) if judged and mastery is not None else None
    if config["module"]["completion"] == "quiz" and quiz:
        completed = success is True if mastery is not None else progress.attempts > 0
    else:
        completed = seen_all
    return Snapshot(completed, success, progress.best if judged else None, completed and success in (None, True))


def page_activity(config: dict[str, Any], key: str) -> dict[str, Any]:
    titles = {page["key"]: page["title"] for page in config["pages"]}
    return {"objectType": "Activity", "id": f"{config['module']['id']}/pages/{quote(key, safe='')}",
            "definition": {"type": PAGE_TYPE, "name": {config["language"]: titles.get(key, key)}}}


def interaction_activity(config: dict[str, Any], question: dict[str, Any]) -> dict[str, Any]:
    language = config["language"]
    text = question.get("description") or question["key"]
    definition: dict[str, Any] = {
        "type": INTERACTION_TYPE,
        "name": {language: text},
        "description": {language: text},
        "interactionType": question["type"],
        "correctResponsesPattern": list(question["correctResponsesPattern"]),
    }

    def components(items: list[dict[str, str]]) -> list[dict[str, Any]]:
        return [{"id": item["id"], "description": {language: item["text"]}} for item in items]

    if question["type"] in ("choice", "sequencing"):
        definition["choices"] = components(question.get("choices", []))
    if question["type"] == "matching":
        definition["source"] = components(question.get("source", []))
        definition["target"] = components(question.get("target", []))
    return {"objectType": "Activity", "id": question["id"], "definition": definition}


def score_result(scaled: float) -> dict[str, Any]:
    return {"scaled": round(scaled, 4), "raw": js_round(scaled * 100), "min": 0, "max": 100}


@dataclass
class Answer:
    question: dict[str, Any]
    response: str
    correct: bool


class Session:
    """One launch of a module: the runtime's steps; `statements` collects what it sends."""

    def __init__(self, config: dict[str, Any], progress: ModuleProgress, rng: random.Random,
                 actor: dict[str, Any], registration: str, mastery: float | None):
        self.config = config
        self.progress = progress
        self.rng = rng
        self.actor = actor
        self.registration = registration
        self.mastery = mastery
        self.statements: list[Statement] = []
        self.started_at: datetime | None = None
        self.seen_sent: set[str] = set()

    def _statement(self, at: datetime, verb_name: str, obj: dict[str, Any], context: dict[str, Any],
                   result: dict[str, Any] | None = None) -> Statement:
        # a statement a millisecond at least: the runtime builds them one after the other
        if self.statements:
            last = self.statements[-1]["_at"]
            at = max(at, last + timedelta(milliseconds=1))
        statement: Statement = {"id": seeded_uuid(self.rng), "timestamp": js_timestamp(at), "actor": self.actor,
                                "verb": verb(verb_name), "object": obj, "context": context}
        if result is not None:
            statement["result"] = result
        statement["_at"] = at
        self.statements.append(statement)
        return statement

    def elapsed(self, at: datetime) -> str:
        assert self.started_at is not None
        return iso_duration((at - self.started_at).total_seconds() * 1000)

    def snap(self) -> Snapshot:
        return snapshot(self.config, self.progress, self.mastery)

    # the runtime's Module steps

    def show(self, at: datetime, key: str) -> None:
        if key not in self.progress.seen:
            self.progress.seen.append(key)
        self.progress.location = key
        self.on_progress(at, key)

    def submit(self, at: datetime, answers: list[Answer], latency_ms: float) -> float:
        weights = sum(a.question["weight"] for a in answers)
        earned = sum(a.question["weight"] for a in answers if a.correct)
        for answer in answers:
            self.on_interaction(at, answer, latency_ms)
        scaled = earned / weights if weights > 0 else 0.0
        self.progress.attempts += 1
        if self.progress.best is None or scaled > self.progress.best:
            self.progress.best = scaled
        self.on_result(at)
        return scaled

    # what each format reports

    def start(self, at: datetime) -> None:
        raise NotImplementedError

    def on_progress(self, at: datetime, key: str) -> None:
        raise NotImplementedError

    def on_interaction(self, at: datetime, answer: Answer, latency_ms: float) -> None:
        raise NotImplementedError

    def on_result(self, at: datetime) -> None:
        raise NotImplementedError

    def finish(self, at: datetime) -> None:
        raise NotImplementedError


class XapiSession(Session):
    """The Tin Can launch reporter (xapiReporter): the LMS passes activity_id = the course."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        module = self.config["module"]
        self.module = {"objectType": "Activity", "id": module["id"], "definition": {
            "type": MODULE_TYPE, "name": {self.config["language"]: module["title"]}}}

    def context(self, obj: dict[str, Any]) -> dict[str, Any]:
        course_id, module_id = self.config["course"]["id"], self.config["module"]["id"]
        under_module = obj["id"] != module_id
        context: dict[str, Any] = {"contextActivities": {"parent": [activity(module_id if under_module else course_id)]}}
        if under_module:
            context["contextActivities"]["grouping"] = [activity(course_id)]
        context["registration"] = self.registration
        context["language"] = self.config["language"]
        return context

    def send(self, at: datetime, verb_name: str, obj: dict[str, Any], result: dict[str, Any] | None = None) -> None:
        self._statement(at, verb_name, obj, self.context(obj), result)

    def start(self, at: datetime) -> None:
        self.started_at = at
        self.send(at, "initialized", self.module)

    def outcome(self, at: datetime) -> None:
        snap, reported = self.snap(), self.progress.reported
        if snap.completed and not reported.get("completed"):
            reported["completed"] = True
            self.send(at, "completed", self.module, {"completion": True, "duration": self.elapsed(at)})
        if snap.success is not None and snap.scaled is not None and reported.get("judged") != snap.scaled:
            reported["judged"] = snap.scaled
            self.send(at, "passed" if snap.success else "failed", self.module, {
                "success": snap.success, "score": score_result(snap.scaled), "duration": self.elapsed(at)})

    def on_progress(self, at: datetime, key: str) -> None:
        if key not in self.seen_sent:
            self.seen_sent.add(key)
            self.send(at, "experienced", page_activity(self.config, key))
        self.outcome(at)

    def on_interaction(self, at: datetime, answer: Answer, latency_ms: float) -> None:
        self.send(at, "answered", interaction_activity(self.config, answer.question), {
            "response": answer.response, "success": answer.correct, "duration": iso_duration(latency_ms)})

    def on_result(self, at: datetime) -> None:
        self.outcome(at)

    def finish(self, at: datetime) -> None:
        self.send(at, "terminated" if self.snap().finished else "suspended", self.module,
                  {"duration": self.elapsed(at)})


class Cmi5Session(Session):
    """The LMS's launch (launched, LMS.LaunchData) and the cmi5 reporter (cmi5Reporter)."""

    def __init__(self, *args: Any, launch_url: str, move_on: str, template_extensions: dict[str, Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.au_id = self.config["module"]["id"]  # the LMS launches the AU under its publisher id
        self.session_id = seeded_uuid(self.rng)
        self.launch_url = launch_url
        self.move_on = move_on
        self.template = {"contextActivities": {"grouping": [activity(self.au_id)]},
                         "extensions": {CMI5_SESSION: self.session_id, **template_extensions}}
        self.judged: str | None = None
        self.pending_failed: Statement | None = None

    def context(self, defined: bool, move_on: bool) -> dict[str, Any]:
        context = {"contextActivities": {key: [dict(a) for a in value]
                                         for key, value in self.template["contextActivities"].items()},
                   "extensions": dict(self.template["extensions"]), "registration": self.registration}
        if defined:
            category = [activity(CMI5_CATEGORY)]
            if move_on:
                category.append(activity(CMI5_MOVEON_CATEGORY))
            context["contextActivities"]["category"] = category
        return context

    def defined(self, at: datetime, verb_name: str, move_on: bool, result: dict[str, Any] | None = None,
                keep: bool = True) -> Statement:
        statement = self._statement(at, verb_name, activity(self.au_id), self.context(True, move_on), result)
        if not keep:
            self.statements.pop()
        return statement

    def allowed(self, at: datetime, verb_name: str, obj: dict[str, Any], result: dict[str, Any] | None = None) -> None:
        context = self.context(False, False)
        context["contextActivities"]["parent"] = [activity(self.au_id)]
        self._statement(at, verb_name, obj, context, result)

    def start(self, at: datetime) -> None:
        extensions = {CMI5_SESSION: self.session_id, CMI5_LAUNCH_MODE: "Normal", CMI5_LAUNCH_URL: self.launch_url,
                      CMI5_MOVEON: self.move_on}
        extensions.update({k: v for k, v in self.template["extensions"].items() if k != CMI5_SESSION})
        if self.mastery is not None:
            extensions[CMI5_MASTERY] = self.mastery
        launched_context = {"registration": self.registration, "contextActivities": {
            "grouping": [activity(self.au_id)], "category": [activity(CMI5_CATEGORY)]}, "extensions": extensions}
        self._statement(at, "launched", activity(self.au_id), launched_context)
        self.started_at = at + timedelta(milliseconds=self.rng.randint(400, 2500))  # fetch, LaunchData, state
        self.defined(self.started_at, "initialized", False)

    def complete(self, at: datetime) -> None:
        if not self.snap().completed or self.progress.reported.get("completed"):
            return
        self.progress.reported["completed"] = True
        self.defined(at, "completed", True, {"completion": True, "duration": self.elapsed(at)})

    def judge(self, at: datetime) -> None:
        snap = self.snap()
        if snap.success is None or self.progress.reported.get("passed"):
            return
        result: dict[str, Any] = {"success": snap.success, "duration": self.elapsed(at)}
        if snap.scaled is not None:
            result["score"] = score_result(snap.scaled)
        verb_name = "passed" if snap.success else "failed"
        statement = self.defined(at, verb_name, True, result, keep=snap.success)
        if self.mastery is not None:
            statement["context"]["extensions"][CMI5_MASTERY] = self.mastery
        if snap.success:
            self.judged = "passed"
            self.progress.reported["passed"] = True
            self.pending_failed = None
        else:
            self.pending_failed = statement  # sent at the end of the session, unless the learner passes

    def on_progress(self, at: datetime, key: str) -> None:
        if key not in self.seen_sent:
            self.seen_sent.add(key)
            self.allowed(at, "experienced", page_activity(self.config, key))
        self.complete(at)

    def on_interaction(self, at: datetime, answer: Answer, latency_ms: float) -> None:
        self.allowed(at, "answered", interaction_activity(self.config, answer.question), {
            "response": answer.response, "success": answer.correct, "duration": iso_duration(latency_ms)})

    def on_result(self, at: datetime) -> None:
        self.complete(at)
        self.judge(at)

    def finish(self, at: datetime) -> None:
        if self.pending_failed is not None and self.judged is None and not self.progress.reported.get("passed"):
            self.judged = "failed"
            self.statements.append(self.pending_failed)  # dated when judged, as the runtime does
        self.defined(at, "terminated", False, {"duration": self.elapsed(at)})
