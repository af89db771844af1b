"""Question analysis and page drop-off of one course, read from `report_items` (answers
and pages seen) and the module rows of the learner-activity model.

A published course gives the order, the question texts, the choice labels, the correct
responses and which module each page and question belongs to; an unpublished one is
shown with ids and raw responses, questions and pages in the order learners meet them.

Question figures (documented in lrs/reports/README.md):
* first-attempt correct: share of the learners who answered whose first answer was right;
* facility: share of all answers (every attempt) that were right;
* discrimination: the point-biserial correlation between a learner's first answer being
  right (1/0) and the learner's best score in the question's module;
* flags: too easy (> 95 % right at the first attempt), too hard (< 30 %), negative
  discrimination (< 0).

Drop-off: among the learners who started a module (any statement in it), the share
who reached each page (an `experienced` statement about it); the learners who did not
complete the module, counted at the last page they reached; time on a page: from its
`experienced` statement to the learner's next answer or page in the module, when that
comes within 30 minutes (the idle limit of sessions).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from lrs.reports import vocabulary as v
from lrs.reports.facts import ANSWER, PAGE
from lrs.reports.queries import Filters, course_learners, pick_name
from lrs.reports.structure import Published, published_course
from lrs.reports.db_tables import report_items as ri, report_progress as rp
from lrs.reports.report_table import Column, ReportTable
from lrs.reports.rounding import SECONDS_DIGITS, SHARE_DIGITS, median, share
from lrs.timeutil import to_micros

TOO_EASY = 0.95
TOO_HARD = 0.30
CHOICE_SEPARATOR = "[,]"  # xAPI response and pattern syntax for several choices


@dataclass(slots=True)
class _Row:
    learner: str
    module: str
    activity: str
    ts_us: int
    success: bool | None
    response: str | None
    duration: float | None


def _items(connection: Connection, filters: Filters, kind: str) -> list[_Row]:
    """The course's answers or pages in time order, within the filters' learners and dates."""
    where = [ri.c.course_id == filters.course, ri.c.kind == kind]
    if filters.since is not None:
        where.append(ri.c.ts_us >= to_micros(filters.since))
    if filters.until is not None:
        where.append(ri.c.ts_us <= to_micros(filters.until))
    rows = connection.execute(
        sa.select(ri.c.learner_key, ri.c.module_id, ri.c.activity_id, ri.c.ts_us, ri.c.success, ri.c.response,
                  ri.c.duration).where(*where)
    ).all()
    found = [_Row(*row) for row in rows]
    if filters.group:
        allowed = {key for (_course, _module, key) in course_learners(connection, filters)}
        found = [row for row in found if row.learner in allowed]
    found.sort(key=lambda row: (row.ts_us, row.activity))
    return found


@dataclass(slots=True)
class _ModuleLearner:
    started: bool = False
    finished: bool = False
    best: float | None = None


def _module_learners(connection: Connection, course: str, module_key: dict[str, str]) -> dict[tuple[str, str], _ModuleLearner]:
    """(module, learner) -> started, completed or satisfied, best score; registrations merged."""
    found: dict[tuple[str, str], _ModuleLearner] = defaultdict(_ModuleLearner)
    rows = connection.execute(
        sa.select(rp.c.module_id, rp.c.learner_key, rp.c.first_launch_us, rp.c.completed, rp.c.satisfied,
                  rp.c.best_score).where(rp.c.course_id == course, rp.c.module_id != "")
    )
    for module_id, learner, first_us, completed, satisfied, best in rows.all():
        state = found[(module_key.get(module_id, module_id), learner)]
        state.started = state.started or first_us is not None
        state.finished = state.finished or bool(completed) or bool(satisfied)
        if best is not None:
            state.best = best if state.best is None else max(state.best, best)
    return found


def point_biserial(pairs: list[tuple[bool, float]]) -> float | None:
    """Pearson's r between a right/wrong answer and a score (None when undefined)."""
    if len(pairs) < 2:
        return None
    right = [score for correct, score in pairs if correct]
    wrong = [score for correct, score in pairs if not correct]
    if not right or not wrong:
        return None
    scores = [score for _correct, score in pairs]
    spread = statistics.pstdev(scores)
    if spread == 0:
        return None
    p = len(right) / len(pairs)
    r = (statistics.fmean(right) - statistics.fmean(wrong)) / spread * math.sqrt(p * (1 - p))
    return round(r, SHARE_DIGITS)


# --- questions ---------------------------------------------------------------------------


@dataclass
class _Question:
    iri: str
    module: str
    text: str
    type: str = ""
    labels: dict[str, str] = field(default_factory=dict)  # choice / source / target id -> label
    correct: tuple[str, ...] = ()


def _questions(published: Published | None, answers: list[_Row], lang: str) -> list[_Question]:
    """The questions in course order: the published ones, then any other answered."""
    listed: list[_Question] = []
    if published is not None:
        for module in published.modules:
            for question in module.questions:
                labels = {item["id"]: pick_name(item.get("text"), lang) or item["id"]
                          for items in question.components.values() for item in items if "id" in item}
                listed.append(_Question(question.iri, module.iri, pick_name(question.text, lang) or question.iri,
                                        question.type, labels, tuple(question.correct_responses)))
    known = {question.iri for question in listed}
    for row in answers:  # time order: the order learners meet them
        if row.activity not in known:
            known.add(row.activity)
            listed.append(_Question(row.activity, row.module, row.activity))
    return listed


def _label(question: _Question, response: str) -> str:
    if not question.labels:
        return response
    parts = response.split(CHOICE_SEPARATOR)
    return ", ".join(question.labels.get(part, part) for part in parts)


def _is_correct(question: _Question, response: str) -> bool | None:
    if not question.correct:
        return None
    if question.type == "choice":  # several choices: in any order
        wanted = [set(pattern.split(CHOICE_SEPARATOR)) for pattern in question.correct]
        return set(response.split(CHOICE_SEPARATOR)) in wanted
    return response in question.correct


@dataclass(frozen=True)
class ItemAnalysis:
    questions: ReportTable
    responses: ReportTable


def item_analysis(connection: Connection, filters: Filters) -> ItemAnalysis:
    """Per question: answers, first-attempt correct, facility, discrimination, latency,
    flags; and the distribution of its responses."""
    course = filters.course or ""
    published = published_course(connection, course)
    module_key = published.module_of if published is not None else {}
    module_key = {identifier: module.iri for identifier, module in module_key.items()}
    answers = _items(connection, filters, ANSWER)
    module_names = {m.iri: pick_name(m.title, filters.lang) or m.iri for m in published.modules} if published else {}
    listed = _questions(published, answers, filters.lang)
    by_question: dict[str, list[_Row]] = defaultdict(list)
    for row in answers:
        by_question[row.activity].append(row)
    scores = {key: state.best for key, state in _module_learners(connection, course, module_key).items()}
    rows, responses = [], []
    for position, question in enumerate(listed, start=1):
        mine = by_question.get(question.iri, [])
        first: dict[str, _Row] = {}
        for row in mine:
            first.setdefault(row.learner, row)
        judged = [row for row in mine if row.success is not None]
        first_judged = [row for row in first.values() if row.success is not None]
        first_right = share(sum(1 for row in first_judged if row.success), len(first_judged))
        pairs = [(bool(row.success), scores[(question.module, learner)]) for learner, row in first.items()
                 if row.success is not None and scores.get((question.module, learner)) is not None]
        discrimination = point_biserial(pairs)
        rows.append({
            "position": position,
            "module": question.module,
            "module_name": module_names.get(question.module, question.module),
            "question": question.iri,
            "text": question.text,
            "learners": len(first),
            "answers": len(mine),
            "first_attempt_correct": first_right,
            "facility": share(sum(1 for row in judged if row.success), len(judged)),
            "discrimination": discrimination,
            "median_latency": median([row.duration for row in mine if row.duration is not None], SECONDS_DIGITS),
            "too_easy": first_right is not None and first_right > TOO_EASY,
            "too_hard": first_right is not None and first_right < TOO_HARD,
            "negative_discrimination": discrimination is not None and discrimination < 0,
        })
        counts: dict[str, int] = defaultdict(int)
        for row in mine:
            counts[row.response if row.response is not None else ""] += 1
        seen = {response for response in counts}
        for response in sorted(seen, key=lambda r: (-counts[r], r)):
            responses.append({
                "position": position,
                "question": question.iri,
                "text": question.text,
                "response": response,
                "label": _label(question, response),
                "correct": _is_correct(question, response),
                "answers": counts[response],
                "share": share(counts[response], len(mine)),
            })
    return ItemAnalysis(
        ReportTable("items", "Analyse des questions", "Question analysis", ITEM_COLUMNS, rows),
        ReportTable("responses", "Réponses données", "Responses given", RESPONSE_COLUMNS, responses),
    )


ITEM_COLUMNS = [
    Column("position", "N°", "No.", "int"),
    Column("module_name", "Module", "Module"),
    Column("text", "Question", "Question"),
    Column("learners", "Apprenants", "Learners", "int"),
    Column("answers", "Réponses", "Answers", "int"),
    Column("first_attempt_correct", "Réussite au 1er essai", "Right at first attempt", "percent"),
    Column("facility", "Facilité (tous essais)", "Facility (all attempts)", "percent"),
    Column("discrimination", "Discrimination (point-bisériale)", "Discrimination (point-biserial)", "number"),
    Column("median_latency", "Temps de réponse médian", "Median response time", "seconds"),
    Column("too_easy", "Trop facile", "Too easy", "bool"),
    Column("too_hard", "Trop difficile", "Too hard", "bool"),
    Column("negative_discrimination", "Discrimination négative", "Negative discrimination", "bool"),
    Column("module", "Module (IRI)", "Module (IRI)"),
    Column("question", "Question (IRI)", "Question (IRI)"),
]
RESPONSE_COLUMNS = [
    Column("position", "N°", "No.", "int"),
    Column("text", "Question", "Question"),
    Column("label", "Réponse", "Response"),
    Column("correct", "Correcte", "Correct", "bool"),
    Column("answers", "Réponses", "Answers", "int"),
    Column("share", "Part", "Share", "percent"),
    Column("question", "Question (IRI)", "Question (IRI)"),
    Column("response", "Réponse brute", "Raw response"),
]


# --- drop-off ----------------------------------------------------------------------------


def _page_order(pages: list[_Row]) -> dict[str, list[str]]:
    """module -> its pages in the order learners meet them (mean rank of first visit)."""
    ranks: dict[tuple[str, str], list[int]] = defaultdict(list)
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in pages:
        visited = seen[(row.learner, row.module)]
        if row.activity not in visited:
            ranks[(row.module, row.activity)].append(len(visited))
            visited.add(row.activity)
    order: dict[str, list[str]] = defaultdict(list)
    for (module, page), values in sorted(ranks.items(), key=lambda item: (statistics.fmean(item[1]), item[0][1])):
        order[module].append(page)
    return order


def dropoff(connection: Connection, filters: Filters) -> ReportTable:
    """Per module and page: learners who reached it, who stopped there, median time on it."""
    course = filters.course or ""
    published = published_course(connection, course)
    pages = _items(connection, filters, PAGE)
    answers = _items(connection, filters, ANSWER)
    titles: dict[str, str] = {}
    module_names: dict[str, str] = {}
    if published is not None:
        page_module = {page.iri: module.iri for module in published.modules for page in module.pages}
        aliases = {identifier: module.iri for identifier, module in published.module_of.items()}
        for row in pages + answers:
            row.module = page_module.get(row.activity) or aliases.get(row.module, row.module)
        order = {module.iri: [page.iri for page in module.pages] for module in published.modules}
        titles = {page.iri: pick_name(page.title, filters.lang) or page.iri
                  for module in published.modules for page in module.pages}
        module_names = {module.iri: pick_name(module.title, filters.lang) or module.iri for module in published.modules}
        extra = _page_order([row for row in pages if row.activity not in titles])
        for module, more in extra.items():
            order.setdefault(module, []).extend(more)
        titles.update(_quiz_screens(published, filters.lang))
    else:
        aliases = {}
        order = _page_order(pages)
    states = _module_learners(connection, course, aliases)
    reached: dict[tuple[str, str], set[str]] = defaultdict(set)
    last_page: dict[tuple[str, str], str] = {}
    starters: dict[str, set[str]] = defaultdict(set)
    for row in pages:
        reached[(row.module, row.activity)].add(row.learner)
        last_page[(row.module, row.learner)] = row.activity
        starters[row.module].add(row.learner)
    for (module, learner), state in states.items():
        if state.started:
            starters[module].add(learner)
    seconds = _time_on_pages(pages, answers)
    rows = []
    for module, module_pages in order.items():
        started = starters.get(module, set())
        stopped: dict[str, int] = defaultdict(int)
        for learner in started:
            page = last_page.get((module, learner))
            if page is not None and not states.get((module, learner), _ModuleLearner()).finished:
                stopped[page] += 1
        for position, page in enumerate(module_pages, start=1):
            count = len(reached.get((module, page), set()) & started)
            rows.append({
                "module": module,
                "module_name": module_names.get(module, module),
                "position": position,
                "page": page,
                "page_name": titles.get(page, page),
                "started": len(started),
                "reached": count,
                "reached_share": share(count, len(started)),
                "stopped_here": stopped.get(page, 0),
                "median_seconds": median(seconds.get(page, []), SECONDS_DIGITS),
            })
    return ReportTable("dropoff", "Abandon page par page", "Drop-off page by page", DROPOFF_COLUMNS, rows)


def _quiz_screens(published: Published, lang: str) -> dict[str, str]:
    """The quiz screen of each module, which the runtimes report as one more page
    (`<module>/pages/<quiz key>`), named after its quiz."""
    screens = {}
    for module in published.modules:
        if module.quiz_iri:
            key = module.quiz_iri.rstrip("/").rsplit("/", 1)[-1]
            screens[f"{module.iri}/pages/{key}"] = pick_name(module.quiz_title, lang) or module.quiz_iri
    return screens


def _time_on_pages(pages: list[_Row], answers: list[_Row]) -> dict[str, list[float]]:
    """page -> each visit's time until the learner's next page or answer in the module."""
    events: dict[tuple[str, str], list[_Row]] = defaultdict(list)
    for row in pages + answers:
        events[(row.learner, row.module)].append(row)
    spent: dict[str, list[float]] = defaultdict(list)
    page_ids = {row.activity for row in pages}
    for rows in events.values():
        rows.sort(key=lambda row: row.ts_us)
        for current, following in zip(rows, rows[1:]):
            gap = (following.ts_us - current.ts_us) / 1_000_000
            if current.activity in page_ids and 0 <= gap <= v.IDLE_SECONDS:
                spent[current.activity].append(gap)
    return spent


DROPOFF_COLUMNS = [
    Column("module_name", "Module", "Module"),
    Column("position", "Page n°", "Page no.", "int"),
    Column("page_name", "Page", "Page"),
    Column("started", "Ont commencé le module", "Started the module", "int"),
    Column("reached", "Ont atteint la page", "Reached the page", "int"),
    Column("reached_share", "Part ayant atteint la page", "Share who reached it", "percent"),
    Column("stopped_here", "Dernière page des non-finissants", "Last page of non-finishers", "int"),
    Column("median_seconds", "Temps médian sur la page", "Median time on page", "seconds"),
    Column("module", "Module (IRI)", "Module (IRI)"),
    Column("page", "Page (IRI)", "Page (IRI)"),
]


def dropoff_rows_by_module(table: ReportTable) -> list[tuple[str, list[dict[str, Any]]]]:
    """The drop-off rows grouped by module, in order: one chart each."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in table.rows:
        grouped.setdefault(row["module"], []).append(row)
    return list(grouped.items())
