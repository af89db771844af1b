"""The analysts' reports, read from the learner-activity model (`report_progress`).

Every report takes the same `Filters`. A learner counts once per course whatever
the number of registrations: started, completed and passed if any registration
was; time is the sum, score the best. Date range: the learners active in the
course between `since` and `until` (their first and last statements overlap the
range); completions over time count each learner's first completion in each period.
Group: the learner's account `homePage` or the configured context extension.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from lrs.reports.db_tables import report_names, report_progress as rp
from lrs.reports.report_table import Column, ReportTable
from lrs.reports.rounding import COUNT_MEAN_DIGITS, SECONDS_DIGITS, SHARE_DIGITS, mean, median, share
from lrs.reports.structure import published_course
from lrs.timeutil import EPOCH, to_micros as micros

SCORE_BINS = 10


@dataclass(frozen=True)
class Filters:
    course: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    group: str | None = None
    pseudonymise: bool = False
    secret: str = ""
    lang: str = "fr"


# --- helpers ---------------------------------------------------------------------


def pseudonym(learner_key: str, secret: str) -> str:
    """A stable pseudonym: HMAC-SHA256 of the learner key with the configured secret."""
    digest = hmac.new(secret.encode(), learner_key.encode(), hashlib.sha256).hexdigest()
    return "anon-" + digest[:16]


def pick_name(language_map: str | dict | None, lang: str) -> str:
    """A name from a language map, in the reader's language when it has one."""
    if isinstance(language_map, str):
        try:
            language_map = orjson.loads(language_map)
        except orjson.JSONDecodeError:
            return language_map
    if not isinstance(language_map, dict) or not language_map:
        return ""
    for tag, text in language_map.items():
        if tag.lower() == lang or tag.lower().startswith(lang + "-"):
            return text
    for tag in ("fr", "fr-FR", "en", "en-US", "en-GB", "und"):
        if tag in language_map:
            return language_map[tag]
    return next(iter(language_map.values()))


def to_datetime(us: int | None) -> str | None:
    if us is None:
        return None
    return (EPOCH + timedelta(microseconds=us)).isoformat().replace("+00:00", "Z")


def _conditions(filters: Filters, module: bool | None = False) -> list:
    where = []
    if module is False:
        where.append(rp.c.module_id == "")
    elif module is True:
        where.append(rp.c.module_id != "")
    if filters.course:
        where.append(rp.c.course_id == filters.course)
    if filters.since is not None:
        where.append(rp.c.last_activity_us >= micros(filters.since))
    if filters.until is not None:
        until = micros(filters.until)
        where.append(sa.func.coalesce(rp.c.first_launch_us, rp.c.last_activity_us) <= until)
    if filters.group:
        where.append(sa.or_(rp.c.home_page == filters.group, rp.c.grp == filters.group))
    return where


@dataclass(slots=True)
class _Learner:
    """One learner in one course (or module), registrations merged."""

    key: str
    name: str
    group: str
    started: bool
    completed: bool
    passed: bool
    failed: bool
    satisfied: bool
    seconds: float
    best: float | None
    last: float | None
    last_us: int
    attempts: int
    first_us: int | None
    last_activity_us: int | None
    completed_us: int | None
    registrations: int = 1
    progress: float | None = None  # share of the required modules satisfied (published courses)

    @classmethod
    def from_row(cls, row: tuple) -> "_Learner":
        (key, name, home_page, grp, _course, _module, first_us, last_us, completed, completed_us, success,
         satisfied, seconds, attempts, best, last, progress) = row
        return cls(key, name, grp or home_page, first_us is not None, bool(completed), success is True,
                   success is False, bool(satisfied), seconds or 0.0, best, last,
                   last_us if last is not None else -1, attempts or 0, first_us, last_us, completed_us,
                   progress=progress)

    def add(self, row: tuple) -> None:
        """Another registration of the same learner."""
        other = _Learner.from_row(row)
        self.registrations += 1
        self.name = other.name or self.name
        self.group = other.group or self.group
        self.started = self.started or other.started
        self.completed = self.completed or other.completed
        self.passed = self.passed or other.passed
        self.failed = self.failed or other.failed
        self.satisfied = self.satisfied or other.satisfied
        self.seconds += other.seconds
        self.attempts += other.attempts
        if other.best is not None:
            self.best = other.best if self.best is None else max(self.best, other.best)
        if other.progress is not None:
            self.progress = other.progress if self.progress is None else max(self.progress, other.progress)
        if other.last is not None and other.last_us >= self.last_us:
            self.last, self.last_us = other.last, other.last_us
        for name, pick in (("first_us", min), ("last_activity_us", max), ("completed_us", min)):
            mine, theirs = getattr(self, name), getattr(other, name)
            if theirs is not None:
                setattr(self, name, theirs if mine is None else pick(mine, theirs))


_COLUMNS = (
    rp.c.learner_key, rp.c.learner_name, rp.c.home_page, rp.c.grp, rp.c.course_id, rp.c.module_id,
    rp.c.first_launch_us, rp.c.last_activity_us, rp.c.completed, rp.c.completed_us, rp.c.success,
    rp.c.satisfied, rp.c.total_seconds, rp.c.attempts, rp.c.best_score, rp.c.last_score, rp.c.progress,
)


def _learners(connection: Connection, filters: Filters, module: bool | None = False) -> dict[tuple[str, str, str], _Learner]:
    """(course, module, learner) -> the learner's merged rows (for a published course,
    its course rows already say what its modules make of it: `lrs.reports.progress`)."""
    merged: dict[tuple[str, str, str], _Learner] = {}
    result = connection.execute(sa.select(*_COLUMNS).where(*_conditions(filters, module)))
    for row in result.all():  # one fetchall: far cheaper than row by row
        key = (row[4], row[5], row[0])
        learner = merged.get(key)
        if learner is None:
            merged[key] = _Learner.from_row(row)
        else:
            learner.add(row)
    return merged


def names_of(connection: Connection, ids: Iterable[str], kind: str, lang: str) -> dict[str, str]:
    """Display names of courses or modules (`kind`), their id when they have none."""
    wanted = sorted(set(ids))
    names: dict[str, str] = {}
    for start in range(0, len(wanted), 400):
        chunk = wanted[start : start + 400]
        rows = connection.execute(
            sa.select(report_names.c.activity_id, report_names.c.name)
            .where(report_names.c.kind == kind, report_names.c.activity_id.in_(chunk))
        )
        for identifier, name in rows:
            names[identifier] = pick_name(name, lang) or identifier
    for identifier in wanted:
        names.setdefault(identifier, identifier)
    return names


def course_options(connection: Connection, lang: str) -> list[tuple[str, str]]:
    """(id, name) of every course with learners, sorted by name: the course filter
    (a published course under its title)."""
    has_rows = sa.exists().where(rp.c.course_id == report_names.c.activity_id, rp.c.module_id == "")
    ids = connection.execute(
        sa.select(report_names.c.activity_id).where(report_names.c.kind == "course", has_rows)
    ).scalars().all()
    names = {identifier: course_name(connection, identifier, lang) for identifier in ids}
    return sorted(names.items(), key=lambda item: (item[1].lower(), item[0]))


def _summary(learners: list[_Learner]) -> dict[str, Any]:
    started = [learner for learner in learners if learner.started]
    completed = [learner for learner in learners if learner.completed or learner.satisfied]
    scores = [learner.best for learner in learners if learner.best is not None]
    return {
        "learners": len(learners),
        "started": len(started),
        "completed": len(completed),
        "passed": sum(1 for learner in learners if learner.passed),
        "failed": sum(1 for learner in learners if learner.failed and not learner.passed),
        "completion_rate": share(len(completed), len(learners)),
        "median_seconds": median([learner.seconds for learner in started], SECONDS_DIGITS),
        "median_score": median(scores, SHARE_DIGITS),
        "mean_score": mean(scores, SHARE_DIGITS),
    }


SUMMARY_COLUMNS = [
    Column("learners", "Apprenants", "Learners", "int"),
    Column("started", "Ont commencé", "Started", "int"),
    Column("completed", "Ont terminé", "Completed", "int"),
    Column("passed", "Réussis", "Passed", "int"),
    Column("failed", "Échoués", "Failed", "int"),
    Column("completion_rate", "Taux d'achèvement", "Completion rate", "percent"),
    Column("median_seconds", "Temps médian", "Median time", "seconds"),
    Column("median_score", "Score médian", "Median score", "score"),
    Column("mean_score", "Score moyen", "Mean score", "score"),
]


# --- the reports ---------------------------------------------------------------------


def courses(connection: Connection, filters: Filters) -> ReportTable:
    """Every course (or the filtered one) with its key figures."""
    by_course: dict[str, list[_Learner]] = defaultdict(list)
    for (course, _module, _learner), learner in _learners(connection, filters).items():
        by_course[course].append(learner)
    names = {course: course_name(connection, course, filters.lang) for course in by_course}
    rows = []
    for course in sorted(by_course, key=lambda c: (names.get(c, c).lower(), c)):
        rows.append({"course": course, "course_name": names.get(course, course), **_summary(by_course[course])})
    return ReportTable(
        "courses",
        "Vue d'ensemble des cours",
        "Courses overview",
        [Column("course_name", "Cours", "Course", "course"), Column("course", "Identifiant (IRI)", "Identifier (IRI)")]
        + SUMMARY_COLUMNS,
        rows,
    )


Merged = dict[tuple[str, str, str], _Learner]


def course_learners(connection: Connection, filters: Filters) -> Merged:
    """The learners of the filtered course(s), read once for several tables of a page."""
    return _learners(connection, filters)


def course_summary(connection: Connection, filters: Filters, merged: Merged | None = None) -> ReportTable:
    """The key figures of one course."""
    learners = list((merged if merged is not None else _learners(connection, filters)).values())
    return ReportTable(
        "course",
        "Chiffres clés du cours",
        "Course key figures",
        list(SUMMARY_COLUMNS),
        [_summary(learners)],
    )


def score_distribution(connection: Connection, filters: Filters, merged: Merged | None = None) -> ReportTable:
    """Learners by best score, in ten bands of 10 %."""
    counts = [0] * SCORE_BINS
    for learner in (merged if merged is not None else _learners(connection, filters)).values():
        if learner.best is not None:
            counts[min(int(learner.best * SCORE_BINS), SCORE_BINS - 1)] += 1
    rows = []
    for index, count in enumerate(counts):
        low, high = index * 100 // SCORE_BINS, (index + 1) * 100 // SCORE_BINS
        closing = "]" if index == SCORE_BINS - 1 else "["
        rows.append({"band": f"[{low} % ; {high} %{closing}", "low": low / 100, "high": high / 100, "learners": count})
    return ReportTable(
        "scores",
        "Répartition des meilleurs scores",
        "Distribution of best scores",
        [
            Column("band", "Tranche de score", "Score band"),
            Column("low", "De", "From", "score"),
            Column("high", "À", "To", "score"),
            Column("learners", "Apprenants", "Learners", "int"),
        ],
        rows,
    )


def course_name(connection: Connection, course: str, lang: str) -> str:
    """The course's title in the report's language: the published one, else the last
    name its statements gave, else its IRI."""
    published = published_course(connection, course)
    if published is not None and published.structure.title:
        return pick_name(published.structure.title, lang) or course
    return names_of(connection, [course], "course", lang)[course]


def modules(connection: Connection, filters: Filters) -> ReportTable:
    """One course, module by module: in course order with their titles when the course
    is published, else by name."""
    by_module: dict[str, list[_Learner]] = defaultdict(list)
    for (_course, module, _learner), learner in _learners(connection, filters, module=True).items():
        by_module[module].append(learner)
    published = published_course(connection, filters.course) if filters.course else None
    order: list[str] = []
    names: dict[str, str] = {}
    if published is not None:
        module_of = published.module_of
        regrouped: dict[str, list[_Learner]] = defaultdict(list)
        for module, learners_of in by_module.items():
            regrouped[module_of[module].iri if module in module_of else module].extend(learners_of)
        by_module = regrouped
        order = [module.iri for module in published.modules]
        names = {module.iri: pick_name(module.title, filters.lang) or module.iri for module in published.modules}
    others = [module for module in by_module if module not in names]
    names.update(names_of(connection, others, "module", filters.lang))
    order += sorted(others, key=lambda m: (names.get(m, m).lower(), m))
    rows = []
    for module in order:
        learners = by_module.get(module, [])
        attempts = [learner.attempts for learner in learners if learner.started]
        rows.append(
            {
                "module": module,
                "module_name": names.get(module, module),
                **_summary(learners),
                "mean_attempts": mean(attempts, COUNT_MEAN_DIGITS),
            }
        )
    return ReportTable(
        "modules",
        "Détail par module",
        "Detail by module",
        [Column("module_name", "Module", "Module"), Column("module", "Identifiant (IRI)", "Identifier (IRI)")]
        + SUMMARY_COLUMNS
        + [Column("mean_attempts", "Tentatives moyennes", "Mean attempts", "number")],
        rows,
    )


def learners(connection: Connection, filters: Filters, merged: Merged | None = None) -> ReportTable:
    """One course, learner by learner."""
    rows = []
    merged = merged if merged is not None else _learners(connection, filters)
    for (course, _module, key), learner in sorted(merged.items(), key=lambda item: (item[1].name.lower(), item[0])):
        shown = pseudonym(key, filters.secret) if filters.pseudonymise else key
        rows.append(
            {
                "learner": shown,
                "name": "" if filters.pseudonymise else learner.name,
                "group": learner.group,
                "first_launch": to_datetime(learner.first_us),
                "last_activity": to_datetime(learner.last_activity_us),
                "completed": learner.completed or learner.satisfied,
                "completed_at": to_datetime(learner.completed_us),
                "progress": learner.progress,
                "success": "passed" if learner.passed else ("failed" if learner.failed else None),
                "best_score": learner.best,
                "last_score": learner.last,
                "seconds": round(learner.seconds, SECONDS_DIGITS),
                "attempts": learner.attempts,
                "registrations": learner.registrations,
            }
        )
    return ReportTable(
        "learners",
        "Apprenants du cours",
        "Learners of the course",
        [
            Column("learner", "Apprenant", "Learner", "learner"),
            Column("name", "Nom", "Name"),
            Column("group", "Groupe", "Group"),
            Column("first_launch", "Premier lancement", "First launch", "datetime"),
            Column("last_activity", "Dernière activité", "Last activity", "datetime"),
            Column("completed", "Terminé", "Completed", "bool"),
            Column("completed_at", "Terminé le", "Completed on", "datetime"),
            Column("progress", "Progression (modules requis)", "Progress (required modules)", "percent"),
            Column("success", "Résultat", "Result", "success"),
            Column("best_score", "Meilleur score", "Best score", "score"),
            Column("last_score", "Dernier score", "Last score", "score"),
            Column("seconds", "Temps passé", "Time spent", "seconds"),
            Column("attempts", "Tentatives", "Attempts", "int"),
            Column("registrations", "Inscriptions", "Registrations", "int"),
        ],
        rows,
    )


def resolve_learner(connection: Connection, shown: str, filters: Filters) -> str | None:
    """The learner key behind what a report shows (the key itself or its pseudonym)."""
    if not filters.pseudonymise:
        exists = connection.execute(sa.select(rp.c.learner_key).where(rp.c.learner_key == shown).limit(1)).first()
        return shown if exists else None
    for (key,) in connection.execute(sa.select(rp.c.learner_key).distinct()):
        if hmac.compare_digest(pseudonym(key, filters.secret), shown):
            return key
    return None


def learner_detail(connection: Connection, learner_key: str, filters: Filters) -> ReportTable:
    """Everything the model knows about one learner: each course and module, each registration."""
    where = [rp.c.learner_key == learner_key] + _conditions(filters, module=None)
    rows_db = connection.execute(sa.select(rp).where(*where).order_by(rp.c.course_id, rp.c.module_id, rp.c.registration)).all()
    titles: dict[str, str] = {}  # course -> its title; module -> its title (published courses)
    order: dict[tuple[str, str], int] = {}  # (course, module) -> position in the course
    for course in {row.course_id for row in rows_db}:
        titles[course] = course_name(connection, course, filters.lang)
        published = published_course(connection, course)
        for identifier, module in (published.module_of.items() if published is not None else ()):
            titles[identifier] = pick_name(module.title, filters.lang) or identifier
            order[(course, identifier)] = published.modules.index(module)
    rows_db = sorted(rows_db, key=lambda row: (titles[row.course_id].lower(), row.course_id, row.module_id != "",
                                                order.get((row.course_id, row.module_id), len(order)),
                                                row.module_id, row.registration))
    rows = []
    for row in rows_db:
        rows.append(
            {
                "course": row.course_id,
                "course_name": titles[row.course_id],
                "module": row.module_id,
                "module_name": (titles.get(row.module_id) or pick_name(row.module_name, filters.lang)
                                or row.module_id) if row.module_id else "",
                "progress": row.progress if not row.module_id else None,
                "registration": row.registration,
                "first_launch": to_datetime(row.first_launch_us),
                "last_activity": to_datetime(row.last_activity_us),
                "attempts": row.attempts,
                "completed": bool(row.completed),
                "completed_at": to_datetime(row.completed_us),
                "success": "passed" if row.success is True else ("failed" if row.success is False else None),
                "satisfied": bool(row.satisfied),
                "move_on": row.move_on,
                "best_score": row.best_score,
                "last_score": row.last_score,
                "seconds": row.total_seconds,
                "statements": row.statements,
            }
        )
    return ReportTable(
        "learner",
        "Parcours de l'apprenant",
        "Learner's record",
        [
            Column("course_name", "Cours", "Course"),
            Column("module_name", "Module", "Module"),
            Column("course", "Cours (IRI)", "Course (IRI)"),
            Column("module", "Module (IRI)", "Module (IRI)"),
            Column("registration", "Inscription", "Registration"),
            Column("first_launch", "Premier lancement", "First launch", "datetime"),
            Column("last_activity", "Dernière activité", "Last activity", "datetime"),
            Column("attempts", "Tentatives", "Attempts", "int"),
            Column("completed", "Terminé", "Completed", "bool"),
            Column("completed_at", "Terminé le", "Completed on", "datetime"),
            Column("progress", "Progression (modules requis)", "Progress (required modules)", "percent"),
            Column("success", "Résultat", "Result", "success"),
            Column("satisfied", "Critère atteint", "Satisfied", "bool"),
            Column("move_on", "Règle cmi5 moveOn", "cmi5 moveOn rule"),
            Column("best_score", "Meilleur score", "Best score", "score"),
            Column("last_score", "Dernier score", "Last score", "score"),
            Column("seconds", "Temps passé", "Time spent", "seconds"),
            Column("statements", "Déclarations", "Statements", "int"),
        ],
        rows,
    )


def _period_start(moment: datetime, interval: str) -> datetime:
    day = datetime(moment.year, moment.month, moment.day, tzinfo=timezone.utc)
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day


def _next_period(start: datetime, interval: str) -> datetime:
    if interval == "week":
        return start + timedelta(days=7)
    if interval == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


INTERVALS = ("day", "week", "month")


def completions_over_time(connection: Connection, filters: Filters, interval: str = "week") -> ReportTable:
    """Per period: the learners who launched, and who completed, each course for the first time."""
    since_us = micros(filters.since) if filters.since else None
    until_us = micros(filters.until) if filters.until else None
    counts: dict[datetime, dict[str, int]] = defaultdict(lambda: {"started": 0, "completed": 0})
    periods: dict[int, datetime] = {}  # day number -> its period: learners share days
    # one entry per (course, learner), registrations merged: each course counts
    for learner in _learners(connection, filters).values():
        for name, value in (("started", learner.first_us), ("completed", learner.completed_us)):
            if value is None or (since_us is not None and value < since_us) or (until_us is not None and value > until_us):
                continue
            day = value // 86_400_000_000
            period = periods.get(day)
            if period is None:
                period = periods[day] = _period_start(EPOCH + timedelta(microseconds=value), interval)
            counts[period][name] += 1
    rows = []
    if counts:
        period, last, total = min(counts), max(counts), 0
        while period <= last:
            values = counts.get(period, {"started": 0, "completed": 0})
            total += values["completed"]
            rows.append(
                {
                    "period": period.date().isoformat(),
                    "started": values["started"],
                    "completed": values["completed"],
                    "completed_total": total,
                }
            )
            period = _next_period(period, interval)
    return ReportTable(
        "completions",
        "Achèvements dans le temps",
        "Completions over time",
        [
            Column("period", "Période (début)", "Period (start)"),
            Column("started", "Premiers lancements", "First launches", "int"),
            Column("completed", "Achèvements", "Completions", "int"),
            Column("completed_total", "Achèvements cumulés", "Cumulative completions", "int"),
        ],
        rows,
    )
