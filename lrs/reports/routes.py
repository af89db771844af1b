"""The report pages: `/reports/...` as HTML, and each table as `.csv` or `.json`.

Readable with the `all/read` or `all` scope, or the read-only analyst scope
`reports/read` (HTTP Basic, so a browser asks for the key and secret itself).
"""

from __future__ import annotations

import functools
import urllib.parse
from typing import Any, Callable

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from markupsafe import Markup, escape

from lrs.auth import check_scope
from lrs.config import CONFIG_KEY
from lrs.db import current_engine, read_transaction
from lrs.errors import error_response, response_language
from lrs.reports import analysis, queries
from lrs.reports.charts import bar_chart
from lrs.reports.inputs import ReportInputError, parse_flag, parse_interval, parse_range
from lrs.reports.messages import text
from lrs.reports.render import cell_text, to_csv, to_json
from lrs.reports.settings import report_settings
from lrs.reports.store import ingest, ready_for_reading
from lrs.reports.db_tables import report_progress
from lrs.reports.report_table import ReportTable
from lrs.statements.index_writer import INGEST_HOOKS

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates", static_folder="static")

SCOPE = "reports/read"  # `all` and, for GET, `all/read` are accepted too
SETTINGS_KEY = "parcours.report_settings"
FORMATS = ("html", "csv", "json")


def init_app(app: Flask) -> None:
    """Keep the learner-activity model up to date with every stored batch."""
    config = app.extensions.get(CONFIG_KEY)
    settings = report_settings(config)
    app.extensions[SETTINGS_KEY] = settings
    hooks = app.extensions.setdefault(INGEST_HOOKS, [])
    hooks.append(functools.partial(ingest, group_extensions=settings.group_extensions))


@bp.before_request
def _statements_indexed() -> None:
    """Reports include every stored statement, queued ones too (`lrs.statements.backlog`),
    placed in the courses published since they arrived."""
    settings = current_app.extensions.get(SETTINGS_KEY) or report_settings()
    ready_for_reading(current_engine(), settings.group_extensions)


# --- request helpers ---------------------------------------------------------------


def page_lang() -> str:
    return response_language(request.args.get("lang"))


def _filters(lang: str) -> queries.Filters:
    since, until = parse_range(request.args.get("since"), request.args.get("until"))
    settings = current_app.extensions.get(SETTINGS_KEY) or report_settings()
    pseudonymise = parse_flag(request.args.get("pseudonymise"), "pseudonymise")
    if pseudonymise and not settings.pseudonym_secret:
        raise ReportInputError("error.secret", "pseudonymise")
    return queries.Filters(
        course=request.args.get("course") or None,
        since=since,
        until=until,
        group=(request.args.get("group") or "").strip() or None,
        pseudonymise=pseudonymise,
        secret=settings.pseudonym_secret,
        lang=lang,
    )


SPREADSHEET = "spreadsheet"  # `.csv?spreadsheet=1`: the CSV for French spreadsheet software


def _query_string(**changes: Any) -> str:
    args = {key: value for key, value in request.args.items() if value != "" and key != SPREADSHEET}
    args.update({key: value for key, value in changes.items()})
    args = {key: value for key, value in args.items() if value not in (None, "")}
    return ("?" + urllib.parse.urlencode(args)) if args else ""


def table_url(endpoint: str, fmt: str | None = None, **changes: Any) -> str:
    if fmt:
        return url_for(f"reports.{endpoint}_fmt", fmt=fmt) + _query_string(**changes)
    return url_for(f"reports.{endpoint}") + _query_string(**changes)


def _course_options(lang: str) -> list[tuple[str, str]]:
    with read_transaction() as connection:
        return queries.course_options(connection, lang)


def _bad_request(message: str, fmt: str, lang: str) -> Response:
    if fmt != "html":
        return error_response(400, message)
    body = render_template("reports/error.html.j2", lang=lang, t=functools.partial(text, lang), message=message)
    return Response(body, status=400, mimetype="text/html")


def _download(table: ReportTable, fmt: str, filters: queries.Filters, lang: str, spreadsheet: bool) -> Response:
    name = table.name
    if fmt == "csv":
        response = Response(to_csv(table, spreadsheet, lang).encode(), mimetype="text/csv")  # Flask adds the charset
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    described = {
        "course": filters.course,
        "since": filters.since.isoformat() if filters.since else None,
        "until": filters.until.isoformat() if filters.until else None,
        "group": filters.group,
        "pseudonymise": filters.pseudonymise,
    }
    return Response(to_json(table, described, lang), mimetype="application/json")


ViewResult = tuple[ReportTable, str, dict[str, Any]]


def report_view(rule: str, endpoint: str) -> Callable[[Callable[..., ViewResult]], Callable[..., Response]]:
    """Register `rule` (HTML) and `rule.<fmt>` (csv, json) for a view returning its main
    table, its template and the template's extra values."""

    def decorate(view: Callable[..., ViewResult]) -> Callable[..., Response]:
        @functools.wraps(view)
        def handler(fmt: str = "html") -> Response:
            lang = page_lang()
            check_scope(SCOPE)
            if fmt not in FORMATS:
                return _bad_request(text(lang, "error.format", value=fmt), "json", lang)
            try:
                filters = _filters(lang)
                spreadsheet = parse_flag(request.args.get(SPREADSHEET), SPREADSHEET)
                with read_transaction() as connection:
                    table, template, extra = view(connection, filters, lang)
            except ReportInputError as error:
                return _bad_request(error.message(lang), fmt, lang)
            if fmt != "html":
                return _download(table, fmt, filters, lang, spreadsheet)
            body = render_template(
                template,
                lang=lang,
                t=functools.partial(text, lang),
                table=table,
                filters=filters,
                endpoint=endpoint,
                courses=_course_options(lang),
                cell=functools.partial(_cell, lang=lang, filters=filters),
                table_url=table_url,
                request_args=request.args,
                switch_url=request.path + _query_string(lang="en" if lang == "fr" else "fr"),
                **extra,
            )
            return Response(body, mimetype="text/html")

        bp.add_url_rule(rule, endpoint, handler, methods=["GET"])
        bp.add_url_rule(f"{rule}.<fmt>", f"{endpoint}_fmt", handler, methods=["GET"])
        return handler

    return decorate


def _cell(column, row: dict[str, Any], lang: str, filters: queries.Filters) -> Markup:  # type: ignore[no-untyped-def]
    """One table cell, with links from a course to its page and a learner to theirs."""
    value = row.get(column.key)
    shown = escape(cell_text(column, value, lang))
    if column.kind == "course" and row.get("course"):
        href = url_for("reports.course") + "?" + urllib.parse.urlencode(
            {k: v for k, v in {**request.args, "course": row["course"]}.items() if v}
        )
        return Markup(f'<a href="{escape(href)}">{shown}</a>')
    if column.kind == "learner" and value:
        args = {k: v for k, v in request.args.items() if v and k != "course"}
        href = url_for("reports.learner") + "?" + urllib.parse.urlencode({**args, "learner": value})
        return Markup(f'<a href="{escape(href)}">{shown}</a>')
    return shown


def _require_course(filters: queries.Filters) -> str:
    if not filters.course:
        raise ReportInputError("error.required", "course")
    return filters.course


# --- the pages -----------------------------------------------------------------------


@bp.get("/")
def index() -> Response:
    return courses_page()  # type: ignore[call-arg]


@report_view("/courses", "courses")
def courses_page(connection, filters: queries.Filters, lang: str) -> ViewResult:  # type: ignore[no-untyped-def]
    table = queries.courses(connection, filters)
    chart = None
    if table.rows:
        chart = bar_chart(
            "chart-rates",
            text(lang, "chart.rates"),
            text(lang, "chart.rates.desc"),
            [row["course_name"][:28] for row in table.rows],
            [round((row["completion_rate"] or 0) * 100, 1) for row in table.rows],
        )
    return table, "reports/courses.html.j2", {"chart": chart}


@report_view("/course", "course")
def course_page(connection, filters: queries.Filters, lang: str) -> ViewResult:  # type: ignore[no-untyped-def]
    course = _require_course(filters)
    merged = queries.course_learners(connection, filters)
    summary = queries.course_summary(connection, filters, merged)
    scores = queries.score_distribution(connection, filters, merged)
    modules = queries.modules(connection, filters)
    learners = queries.learners(connection, filters, merged)
    name = queries.course_name(connection, course, lang)
    chart = bar_chart(
        "chart-scores",
        text(lang, "chart.scores"),
        text(lang, "chart.scores.desc"),
        [row["band"] for row in scores.rows],
        [row["learners"] for row in scores.rows],
    )
    return summary, "reports/course.html.j2", {
        "course_name": name,
        "scores": scores,
        "modules": modules,
        "learners": learners,
        "chart": chart,
    }


def _course_table(build: Callable[[Any, queries.Filters], ReportTable]) -> Callable[..., ViewResult]:
    """The view of one table of a course page, alone."""

    def view(connection, filters: queries.Filters, lang: str) -> ViewResult:  # type: ignore[no-untyped-def]
        _require_course(filters)
        return build(connection, filters), "reports/table.html.j2", {}

    return view


COURSE_TABLES: dict[str, Callable[[Any, queries.Filters], ReportTable]] = {
    "scores": queries.score_distribution,
    "modules": queries.modules,
    "learners": queries.learners,
    "responses": lambda connection, filters: analysis.item_analysis(connection, filters).responses,
}
for _name, _build in COURSE_TABLES.items():
    report_view(f"/course/{_name}", f"course_{_name}")(_course_table(_build))


@report_view("/course/items", "course_items")
def course_items_page(connection, filters: queries.Filters, lang: str) -> ViewResult:  # type: ignore[no-untyped-def]
    course = _require_course(filters)
    found = analysis.item_analysis(connection, filters)
    return found.questions, "reports/items.html.j2", {
        "course_name": queries.course_name(connection, course, lang),
        "responses": found.responses,
    }


@report_view("/course/dropoff", "course_dropoff")
def course_dropoff_page(connection, filters: queries.Filters, lang: str) -> ViewResult:  # type: ignore[no-untyped-def]
    course = _require_course(filters)
    table = analysis.dropoff(connection, filters)
    charts = []
    for index, (_module, rows) in enumerate(analysis.dropoff_rows_by_module(table)):
        charts.append(bar_chart(
            f"chart-dropoff-{index + 1}",
            text(lang, "chart.dropoff", name=rows[0]["module_name"]),
            text(lang, "chart.dropoff.desc"),
            [f'{row["position"]}. {row["page_name"][:24]}' for row in rows],
            [round((row["reached_share"] or 0) * 100, 1) for row in rows],
        ))
    return table, "reports/dropoff.html.j2", {
        "course_name": queries.course_name(connection, course, lang),
        "charts": charts,
    }


@report_view("/learner", "learner")
def learner_page(connection, filters: queries.Filters, lang: str) -> ViewResult:  # type: ignore[no-untyped-def]
    shown = (request.args.get("learner") or "").strip()
    if not shown:
        raise ReportInputError("error.required", "learner")
    key = queries.resolve_learner(connection, shown, filters)
    if key is None:
        raise ReportInputError("error.unknown_learner", "learner", shown)
    table = queries.learner_detail(connection, key, filters)
    name = "" if filters.pseudonymise else (
        connection.execute(
            sa.select(sa.func.max(report_progress.c.learner_name)).where(report_progress.c.learner_key == key)
        ).scalar()
        or ""
    )
    return table, "reports/table.html.j2", {"heading": text(lang, "learner.title", name=name or shown)}


@report_view("/completions", "completions")
def completions_page(connection, filters: queries.Filters, lang: str) -> ViewResult:  # type: ignore[no-untyped-def]
    interval = parse_interval(request.args.get("interval"))
    table = queries.completions_over_time(connection, filters, interval)
    chart = None
    if table.rows:
        chart = bar_chart(
            "chart-completions",
            text(lang, "chart.completions"),
            text(lang, "chart.completions.desc"),
            [row["period"] for row in table.rows],
            [row["completed"] for row in table.rows],
        )
    return table, "reports/completions.html.j2", {"chart": chart, "interval": interval}
