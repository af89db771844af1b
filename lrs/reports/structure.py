"""What a published course tells the reports: its modules in order, which of them a
learner must satisfy, and how their results make the course's.

Read from the course registry (`lrs.courses.registry`) when a learner's rows are
recomputed (`lrs.reports.progress`); a course published, extended or unpublished after
its statements arrived has its rows recomputed before the next report
(`lrs.reports.store.settle_published`).

Rules (cmi5 §9.6.3 for moveOn; documented in lrs/reports/README.md):

* a module is **satisfied** by its cmi5 `moveOn` when its statements come through cmi5
  (the AU's rule in cmi5.xml, else the one the LMS sent); else by the course
  description's completion rule (`pages`: completed, `quiz`: passed); else SCORM 2004:
  completed; SCORM 1.2 and the rest: completed or passed;
* **required** modules: every module whose moveOn is not `NotApplicable`;
* the course is **completed** when every required module is satisfied (or a statement
  about the course says so); **passed** when every module with a quiz (questions, or a moveOn that asks a pass) is passed;
  **failed** when one of them failed and was not passed since;
* course **score**: the mean of the best scores of the modules with a quiz, each
  weighted by the sum of its questions' weights (1 for a quiz whose questions are not
  described); only once every such module has a score;
* **progress**: satisfied required modules / required modules.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from lrs.courses import registry
from lrs.courses.tables import courses
from lrs.reports.rounding import share
from validators.packages.structure import CourseStructure, Module

NOT_APPLICABLE = "NotApplicable"


@dataclass(frozen=True)
class Published:
    structure: CourseStructure
    formats: tuple[str, ...]

    @property
    def modules(self) -> tuple[Module, ...]:
        return self.structure.modules

    @cached_property
    def required_modules(self) -> tuple[Module, ...]:
        return tuple(module for module in self.modules if required(module))

    @cached_property
    def quizzes(self) -> tuple[tuple[str, float], ...]:
        """(module IRI, weight) of the modules whose learners are judged."""
        return tuple((module.iri, quiz_weight(module)) for module in self.modules if has_quiz(module))

    @cached_property
    def module_of(self) -> dict[str, Module]:
        """Every id statements may give a module (its IRI, its cmi5 AU id) -> the module."""
        found: dict[str, Module] = {}
        for module in self.modules:
            for identifier in (module.iri, module.au_id):
                if identifier:
                    found.setdefault(identifier, module)
        return found


Mark = tuple[int, int]  # how many course versions are published, and the latest change

# Structures read once per process until the registry changes (a report reads the
# structure of every course it lists, several times).
_marks: "weakref.WeakKeyDictionary[Connection, Mark]" = weakref.WeakKeyDictionary()
_Known = tuple[Mark, dict[str, "Published | None"], dict[str, "str | None"]]  # structures, module owners
_structures: "weakref.WeakKeyDictionary[Engine, _Known]" = weakref.WeakKeyDictionary()


def registry_mark(connection: Connection) -> Mark:
    """Changes whenever a course version is published, extended or unpublished."""
    mark = _marks.get(connection)
    if mark is None:
        count, latest = connection.execute(sa.select(sa.func.count(), sa.func.max(courses.c.updated_us))).one()
        mark = _marks[connection] = (count, latest or 0)
    return mark


def published_course(connection: Connection, course_id: str) -> Published | None:
    """The latest published version of a course with its modules; None when the
    course is not published (its reports keep the rules of unpublished courses)."""
    known = _known(connection)[1]
    if course_id not in known:
        found = registry.course_structure(connection, course_id)
        known[course_id] = Published(found.structure, found.formats) if found and found.structure.modules else None
    return known[course_id]


def _known(connection: Connection) -> _Known:
    mark = registry_mark(connection)
    cached = _structures.get(connection.engine)
    if cached is None or cached[0] != mark:
        cached = _structures[connection.engine] = (mark, {}, {})
    return cached


def published_owners(connection: Connection, activity_ids: Iterable[str]) -> dict[str, str]:
    """Activity id -> the published course that has it as a module (a cmi5 AU's
    statements may name only the AU)."""
    known = _known(connection)[2]
    owners: dict[str, str] = {}
    for identifier in sorted(set(activity_ids)):
        if identifier not in known:
            known[identifier] = registry.module_owner(connection, identifier)
        owner = known[identifier]
        if owner and owner != identifier:
            owners[identifier] = owner
    return owners


def required(module: Module) -> bool:
    return module.move_on != NOT_APPLICABLE


def has_quiz(module: Module) -> bool:
    """A module whose learners are judged: it has questions, or its rule asks a pass."""
    return (bool(module.questions) or module.quiz_iri is not None or module.completion == "quiz"
            or module.move_on in ("Passed", "CompletedAndPassed"))


def quiz_weight(module: Module) -> float:
    return sum(question.weight for question in module.questions) or 1.0


@dataclass(slots=True)
class ModuleState:
    """One learner's module, registrations merged (the `report_progress` rows)."""

    completed_us: int | None = None
    passed_us: int | None = None
    failed: bool = False
    satisfied_us: int | None = None  # as the statements' own cmi5 moveOn or `satisfied` said
    cmi5: bool = False
    move_on: str = ""
    best: float | None = None

    def add(self, completed_us: int | None, passed_us: int | None, failed: bool, satisfied_us: int | None,
            cmi5: bool, move_on: str, best: float | None) -> None:
        self.completed_us = _earliest(self.completed_us, completed_us)
        self.passed_us = _earliest(self.passed_us, passed_us)
        self.failed = self.failed or failed
        self.satisfied_us = _earliest(self.satisfied_us, satisfied_us)
        self.cmi5 = self.cmi5 or cmi5
        self.move_on = move_on or self.move_on
        if best is not None:
            self.best = best if self.best is None else max(self.best, best)


def _earliest(a: int | None, b: int | None) -> int | None:
    return b if a is None else (a if b is None else min(a, b))


def _by_rule(rule: str, completed_us: int | None, passed_us: int | None) -> int | None:
    if rule == "Completed":
        return completed_us
    if rule == "Passed":
        return passed_us
    if rule == "CompletedAndPassed":
        return max(completed_us, passed_us) if completed_us is not None and passed_us is not None else None
    return _earliest(completed_us, passed_us)  # CompletedOrPassed


def satisfied_at(module: Module, formats: tuple[str, ...], state: ModuleState) -> int | None:
    """When the learner satisfied the module (None: not yet)."""
    if state.cmi5:
        rule = module.move_on or state.move_on or "CompletedOrPassed"
        return _earliest(_by_rule(rule, state.completed_us, state.passed_us), state.satisfied_us)
    if module.completion == "pages":
        return state.completed_us
    if module.completion == "quiz":
        return state.passed_us
    if "scorm2004" in formats and "scorm12" not in formats:
        return state.completed_us
    return _earliest(state.completed_us, state.passed_us)


@dataclass(frozen=True)
class CourseOutcome:
    completed_us: int | None  # every required module satisfied, at the last of them
    passed: bool
    passed_us: int | None
    failed: bool
    score: float | None
    progress: float | None


def course_outcome(published: Published, states: dict[str, ModuleState]) -> CourseOutcome:
    """A learner's course as its modules make it (`states`: module IRI -> state)."""
    empty = _EMPTY
    formats = published.formats
    done = []
    for module in published.required_modules:
        moment = satisfied_at(module, formats, states.get(module.iri, empty))
        if moment is not None:
            done.append(moment)
    needed = len(published.required_modules)
    quizzes = published.quizzes
    passed = failed = False
    score = passed_us = None
    if quizzes:
        judged = [states.get(iri, empty) for iri, _weight in quizzes]
        passed = all(state.passed_us is not None for state in judged)
        passed_us = max(state.passed_us for state in judged) if passed else None  # type: ignore[type-var]
        failed = not passed and any(state.failed and state.passed_us is None for state in judged)
        if all(state.best is not None for state in judged):
            total = sum(weight for _iri, weight in quizzes)
            score = share(sum(weight * state.best for (_iri, weight), state in zip(quizzes, judged)), total)  # type: ignore[operator]
    return CourseOutcome(
        completed_us=max(done) if needed and len(done) == needed else None,
        passed=passed,
        passed_us=passed_us,
        failed=failed,
        score=score,
        progress=share(len(done), needed),
    )


_EMPTY = ModuleState()
