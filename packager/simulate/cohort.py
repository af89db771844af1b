"""A simulated cohort taking one course: who the learners are and how each goes through it.

Learners come from several administrations, each with its own LMS (account homePage) and
package format; they start over the first weeks, read at their own pace in working hours,
pause and come back, stop for good at plausible places (long pages, the quiz), answer
questions according to their ability and each question's difficulty, and retry failed
quizzes or give up. Everything is drawn from one seeded generator: the same seed gives
the same statements, ids included.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterator

from packager.course.model import Course, Module
from packager.formats.cmi5 import move_on
from packager.layout import module_document
from packager.render import module_config
from packager.simulate.answers import chance_correct, right_response, trap_question, wrong_response
from packager.simulate.runtime import Answer, Cmi5Session, ModuleProgress, Session, XapiSession, seeded_uuid
from validators.xapi.vocabulary import ADMINISTRATION_EXTENSION

# The learner's administration in statement context (the LMS's cmi5 context template); the
# LRS's reports read it by default (lrs/reports/settings.py DEFAULT_GROUP_EXTENSIONS).
SIMULATED_FORMATS = ("xapi", "cmi5")
MAX_ATTEMPTS = 4


@dataclass(frozen=True)
class Administration:
    name: str
    home_page: str  # its LMS: the learners' account homePage
    weight: int  # share of the cohort


ADMINISTRATIONS = (
    Administration("DGFiP", "https://formation.dgfip.example.gouv.fr", 30),
    Administration("Ministère de l'Intérieur", "https://mentor.interieur.example.gouv.fr", 25),
    Administration("Éducation nationale", "https://magistere.education.example.gouv.fr", 20),
    Administration("Insee", "https://campus.insee.example.gouv.fr", 15),
    Administration("ARS Île-de-France", "https://formation.ars-idf.example.gouv.fr", 10),
)


@dataclass(frozen=True)
class Persona:
    name: str
    weight: int
    ability: tuple[float, float]  # mean and spread of the learner's ability (logits)
    gap_days: tuple[float, float]  # days between two sittings
    hazard: float  # multiplies the chance of giving up on a page
    pause: float  # chance of stopping for the day after a page
    retry: float  # chance of retrying a failed quiz
    reading: float  # time spent reading, relative to 200 words a minute


PERSONAS = (
    Persona("assidu", 35, (0.7, 0.6), (0.0, 3.0), 0.4, 0.04, 0.9, 1.0),
    Persona("régulier", 35, (0.2, 0.7), (1.0, 7.0), 1.0, 0.12, 0.7, 1.0),
    Persona("pressé", 15, (0.0, 0.8), (0.0, 1.5), 1.5, 0.05, 0.5, 0.4),
    Persona("occasionnel", 15, (-0.3, 0.8), (4.0, 14.0), 2.5, 0.2, 0.35, 1.2),
)
FIRST_NAMES = ("Camille", "Dominique", "Claude", "Sacha", "Alix", "Léa", "Hugo", "Manon", "Lucas", "Chloé", "Nathan",
               "Inès", "Louis", "Jade", "Gabriel", "Sarah", "Arthur", "Emma", "Jules", "Zoé", "Karim", "Yasmine",
               "Thomas", "Julie", "Nicolas", "Aurélie", "Mehdi", "Sophie", "Antoine", "Fatou", "Pierre", "Nadia")
LAST_NAMES = ("Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
              "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
              "Benali", "Nguyen", "Diallo", "Garcia", "Mercier", "Blanc", "Guérin", "Boyer", "Faure", "André")


@dataclass
class Learner:
    actor: dict[str, Any]
    administration: Administration
    package_format: str
    persona: Persona
    ability: float
    start: datetime
    registration: str


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def _weighted(rng: random.Random, items: tuple, weights: list[int]):
    return rng.choices(items, weights=weights, k=1)[0]


def working_time(rng: random.Random, day: datetime) -> datetime:
    """A moment of a working day (08:00–17:30 in Paris, UTC+1 in winter), weekends mostly skipped."""
    while day.weekday() >= 5 and rng.random() < 0.85:
        day += timedelta(days=1)
    minutes = rng.randint(7 * 60, 16 * 60 + 30)
    return day.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
        minutes=minutes, seconds=rng.randint(0, 59), milliseconds=rng.randint(0, 999))


def make_learners(rng: random.Random, count: int, formats: tuple[str, ...], start: datetime,
                  weeks: int) -> list[Learner]:
    """`count` learners; each administration's LMS plays one of `formats`."""
    format_of = {a.name: formats[i % len(formats)] for i, a in enumerate(ADMINISTRATIONS)}
    learners = []
    for index in range(count):
        administration = _weighted(rng, ADMINISTRATIONS, [a.weight for a in ADMINISTRATIONS])
        persona = _weighted(rng, PERSONAS, [p.weight for p in PERSONAS])
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        actor = {"objectType": "Agent", "name": f"{first} {last}",
                 "account": {"homePage": administration.home_page, "name": f"{_ascii(first)}.{_ascii(last)}.{index + 1}"}}
        # enrolments come in early: most learners start in the first weeks
        offset = rng.triangular(0, weeks * 7 * 0.8, 0)
        learners.append(Learner(actor, administration, format_of[administration.name], persona,
                                rng.gauss(*persona.ability), working_time(rng, start + timedelta(days=offset)),
                                seeded_uuid(rng)))
    return learners


def _words(html: str) -> int:
    return len(re.sub(r"<[^>]+>", " ", html).split())


class CourseFacts:
    """What every learner's walk reads from the course, computed once."""

    def __init__(self, course: Course):
        self.course = course
        self.words = {(m.key, p.key): _words(p.html) for m in course.modules for p in m.pages}
        self.longest = max(self.words.values(), default=1)
        self.trap = trap_question([{"id": q.id} for m in course.modules if m.quiz for q in m.quiz.questions])
        self._configs: dict[tuple[str, str], dict[str, Any]] = {}

    def config(self, module: Module, package_format: str) -> dict[str, Any]:
        """The module's launch document configuration (pc-config) in that format."""
        key = (module.key, package_format)
        if key not in self._configs:
            self._configs[key] = module_config(self.course, module, package_format)
        return self._configs[key]


class CourseWalk:
    """One learner going through the course's modules in order, session after session."""

    def __init__(self, facts: CourseFacts, learner: Learner, rng: random.Random, end: datetime):
        self.facts = facts
        self.course = facts.course
        self.learner = learner
        self.rng = rng
        self.end = end
        self.statements: list[dict[str, Any]] = []

    def session(self, module: Module, config: dict[str, Any], progress: ModuleProgress) -> Session:
        learner = self.learner
        common = dict(config=config, progress=progress, rng=self.rng, actor=learner.actor,
                      registration=learner.registration, mastery=config["module"]["masteryScore"])
        if learner.package_format == "cmi5":
            launch_url = f"{learner.administration.home_page}/cmi5/{_ascii(self.course.id)}/{module_document(module.key)}"
            return Cmi5Session(**common, launch_url=launch_url, move_on=move_on(module),
                               template_extensions={ADMINISTRATION_EXTENSION: learner.administration.name})
        return XapiSession(**common)

    def later(self, moment: datetime, same_day: bool) -> datetime:
        if same_day:
            return moment + timedelta(minutes=self.rng.randint(3, 90))
        low, high = self.learner.persona.gap_days
        return working_time(self.rng, moment + timedelta(days=max(1.0, self.rng.uniform(low, high))))

    def read_ms(self, page_words: int) -> float:
        minutes = page_words / 200 * self.learner.persona.reading * self.rng.lognormvariate(0, 0.35)
        return (minutes * 60 + self.rng.uniform(8, 25)) * 1000

    def give_up_on_page(self, page_words: int, first: bool) -> bool:
        chance = 0.006 + 0.03 * page_words / self.facts.longest + (0.02 if first else 0)
        return self.rng.random() < chance * self.learner.persona.hazard

    def play(self) -> list[dict[str, Any]]:
        moment = self.learner.start
        for number, module in enumerate(self.course.modules):
            if number and self.rng.random() < 0.03 * self.learner.persona.hazard:
                break  # does not open the next module
            outcome, moment = self.module(module, moment)
            if outcome != "done":
                break
            moment = self.later(moment, same_day=self.rng.random() < 0.5)
        return self.statements

    def module(self, module: Module, moment: datetime) -> tuple[str, datetime]:
        """Sessions until the module is finished ("done"), abandoned ("dropped") or time runs out ("open")."""
        config = self.facts.config(module, self.learner.package_format)
        progress = ModuleProgress()
        keys = [page["key"] for page in config["pages"]]
        words = {key: self.facts.words.get((module.key, key), 100) for key in keys}
        persona = self.learner.persona
        while True:
            if moment > self.end - timedelta(hours=3):
                return "open", moment
            session = self.session(module, config, progress)
            session.start(moment)
            moment = session.started_at or moment
            index = keys.index(progress.location) if progress.location in keys else 0
            state = "pause"
            while True:
                key = keys[index]
                session.show(moment, key)
                if module.quiz is not None and key == module.quiz.key:
                    state, moment = self.quiz(session, config, moment)
                    break
                moment += timedelta(milliseconds=self.read_ms(words[key]))
                if self.give_up_on_page(words[key], first=index == 0 and progress.attempts == 0):
                    state = "dropped"
                    break
                if index == len(keys) - 1:
                    state = "done" if session.snap().finished else "dropped"
                    break
                if self.rng.random() < persona.pause:
                    break
                index += 1
                moment += timedelta(milliseconds=self.rng.randint(300, 2000))
            session.finish(moment)
            self.statements.extend(session.statements)
            if state in ("done", "dropped"):
                return state, moment
            moment = self.later(moment, same_day=self.rng.random() < 0.3)

    def quiz(self, session: Session, config: dict[str, Any], moment: datetime) -> tuple[str, datetime]:
        """On the quiz page: never start it, or attempt it until passed, retried later or given up."""
        persona = self.learner.persona
        if session.progress.attempts == 0 and self.rng.random() < 0.08 * persona.hazard:
            return "dropped", moment + timedelta(seconds=self.rng.randint(20, 120))  # looks, never starts
        questions = config["quiz"]["questions"]
        while True:
            attempt = session.progress.attempts
            latency_ms = sum(self.rng.uniform(12, 55) for _ in questions) * 1000 * persona.reading
            moment += timedelta(milliseconds=latency_ms)
            answers = []
            for question in questions:
                chance = chance_correct(self.learner.ability, question, attempt, question["id"] == self.facts.trap)
                correct = self.rng.random() < chance
                response = right_response(question, self.rng) if correct else wrong_response(question, self.rng)
                answers.append(Answer(question, response, correct))
            session.submit(moment, answers, latency_ms)
            moment += timedelta(seconds=self.rng.randint(5, 40))  # reads the feedback
            if session.snap().finished:
                return "done", moment
            if session.progress.attempts >= MAX_ATTEMPTS or self.rng.random() > persona.retry:
                return "dropped", moment
            if self.rng.random() < 0.4:
                return "pause", moment  # comes back another day for the retry
            moment += timedelta(seconds=self.rng.randint(10, 60))  # retries at once


def cohort_statements(course: Course, learners: list[Learner], rng: random.Random,
                      end: datetime) -> Iterator[dict[str, Any]]:
    facts = CourseFacts(course)
    for learner in learners:
        yield from CourseWalk(facts, learner, rng, end).play()
