"""`parcours report`, `export`, `import` and `privacy`: thin shells over `lrs.reports`.

Messages in French by default, English with `--lang en` (or PARCOURS_LANG=en).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any

import click
import orjson

from lrs.cli import _database_option, _indexed_engine, _lang_option
from lrs.output_files import check_output_folder, open_output
from validators.bilingual import choose


def _fail(lang: str, fr: str, en: str) -> click.ClickException:
    return click.ClickException(choose(lang, fr, en))


def _agent_key(agent_json: str, lang: str) -> tuple[dict[str, Any], str]:
    """The agent given as JSON on the command line, and its key."""
    from validators.xapi import agent_key, validate_agent

    try:
        agent = orjson.loads(agent_json)
    except orjson.JSONDecodeError as error:
        raise _fail(lang, f"--agent : JSON invalide ({error})", f"--agent: invalid JSON ({error})")
    if not isinstance(agent, dict):
        raise _fail(lang, "--agent : un objet JSON est attendu", "--agent: a JSON object is expected")
    # as the API checks its `agent` parameter: `alice@example.com` without mailto: matches nobody
    findings = [finding for finding in validate_agent(agent, "2.0.0", "$") if finding.severity == "error"]
    if findings:
        first = findings[0]
        raise _fail(lang, f"--agent : {first.path} : {first.message('fr')}", f"--agent: {first.path}: {first.message('en')}")
    try:
        return agent, agent_key(agent)
    except (ValueError, KeyError, TypeError):
        raise _fail(
            lang,
            "--agent : il faut un identifiant (mbox, mbox_sha1sum, openid ou account)",
            "--agent: an identifier is needed (mbox, mbox_sha1sum, openid or account)",
        )


def _range(since: str | None, until: str | None, lang: str, prefix: str = ""):  # type: ignore[no-untyped-def]
    from lrs.reports.inputs import ReportInputError, parse_range

    try:
        return parse_range(since, until)
    except ReportInputError as error:
        raise click.ClickException("--" + prefix + error.message(lang))


def _progress(total: int, lang: str, label_fr: str, label_en: str):  # type: ignore[no-untyped-def]
    """A progress bar on stderr when it is a terminal, nothing otherwise."""
    if not sys.stderr.isatty():
        return None
    return click.progressbar(length=total, label=choose(lang, label_fr, label_en), file=sys.stderr)


# --- options shared by the commands ---------------------------------------------------------


def _output_option(function):  # type: ignore[no-untyped-def]
    return click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="Fichier de sortie (défaut : sortie standard). / Output file (default: stdout).")(function)


def _range_options(what_fr: str, what_en: str):  # type: ignore[no-untyped-def]
    def decorate(function):  # type: ignore[no-untyped-def]
        function = click.option("--until", default=None,
                                help=f"{what_fr} jusqu'au (inclus). / {what_en} until (inclusive).")(function)
        return click.option("--since", default=None,
                            help=f"{what_fr} depuis (AAAA-MM-JJ ou RFC 3339). / {what_en} since.")(function)

    return decorate


def _agent_option(required: bool, help_text: str):  # type: ignore[no-untyped-def]
    return click.option("--agent", required=required, default=None, help=help_text)


# --- parcours report -------------------------------------------------------------------

REPORT_COLUMNS = {
    "completions": ("learner", "name", "group", "first_launch", "last_activity", "completed", "completed_at",
                    "progress", "success"),
    "scores": ("learner", "name", "group", "success", "best_score", "last_score", "attempts"),
    "time": ("learner", "name", "group", "first_launch", "last_activity", "seconds", "attempts", "registrations"),
}
FORMATS = ("table", "csv", "spreadsheet", "json")


@click.group()
def report() -> None:
    """Rapports d'achèvement, de scores, de temps, de questions et d'abandon. / Completion, score,
    time, question and drop-off reports."""


def _report_command(kind: str, help_text: str, build):  # type: ignore[no-untyped-def]
    """`parcours report <kind>`: the table `build(connection, filters)` of one course."""

    @report.command(kind, help=help_text)
    @click.option("--course", required=True, help="IRI du cours. / Course IRI.")
    @_range_options("Actifs", "Active")
    @click.option("--group", default=None, help="Groupe : homePage du compte ou administration. / Group.")
    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                  help="spreadsheet : CSV pour tableur (BOM, ;). / spreadsheet: CSV for spreadsheets (BOM, ;).")
    @click.option("--pseudonymise", is_flag=True, help="Pseudonymes HMAC à la place des apprenants. / HMAC pseudonyms.")
    @_output_option
    @_database_option
    @_lang_option
    def command(course: str, since: str | None, until: str | None, group: str | None, fmt: str, pseudonymise: bool,
                output: Path | None, database_url: str | None, lang: str) -> None:
        from lrs.db import read_transaction
        from lrs.reports import queries
        from lrs.reports.render import to_csv, to_json, to_text
        from lrs.reports.settings import report_settings
        from lrs.reports.store import ready_for_reading

        check_output_folder(output, lang)
        start, end = _range(since, until, lang)  # the arguments first, then the database
        config, engine = _indexed_engine(database_url, lang)
        settings = report_settings(config)
        if pseudonymise and not settings.pseudonym_secret:
            raise _fail(lang, "--pseudonymise : définissez PARCOURS_PSEUDONYM_SECRET",
                        "--pseudonymise: set PARCOURS_PSEUDONYM_SECRET")
        ready_for_reading(engine, settings.group_extensions)
        filters = queries.Filters(course=course, since=start, until=end, group=group, pseudonymise=pseudonymise,
                                  secret=settings.pseudonym_secret, lang=lang)
        with read_transaction(engine) as connection:
            table = build(connection, filters)
        if fmt in ("csv", "spreadsheet"):
            data = to_csv(table, fmt == "spreadsheet", lang).encode()
        elif fmt == "json":
            data = to_json(table, {"course": course, "since": since, "until": until, "group": group}, lang) + b"\n"
        else:
            data = to_text(table, lang).encode()
        _write(data, output, lang)

    return command


def _learner_columns(kind: str):  # type: ignore[no-untyped-def]
    def build(connection, filters):  # type: ignore[no-untyped-def]
        from lrs.reports import queries
        from lrs.reports.report_table import ReportTable

        learners = queries.learners(connection, filters)
        wanted = REPORT_COLUMNS[kind]
        return ReportTable(kind, learners.caption_fr, learners.caption_en,
                           [column for column in learners.columns if column.key in wanted], learners.rows)

    return build


def _items(connection, filters):  # type: ignore[no-untyped-def]
    from lrs.reports.analysis import item_analysis

    return item_analysis(connection, filters).questions


def _dropoff(connection, filters):  # type: ignore[no-untyped-def]
    from lrs.reports.analysis import dropoff

    return dropoff(connection, filters)


_report_command("completions", "Qui a commencé, terminé, réussi. / Who started, completed, passed.",
                _learner_columns("completions"))
_report_command("scores", "Meilleur et dernier score par apprenant. / Best and last score per learner.",
                _learner_columns("scores"))
_report_command("time", "Temps passé par apprenant. / Time spent per learner.", _learner_columns("time"))
_report_command("items", "Analyse des questions, dans l'ordre du cours. / Question analysis, in course order.",
                _items)
_report_command("dropoff", "Abandon page par page de chaque module. / Drop-off page by page in each module.",
                _dropoff)


@report.command("rebuild")
@_database_option
@_lang_option
def rebuild_command(database_url: str | None, lang: str) -> None:
    """Recalcule les tables de rapport depuis les déclarations. / Rebuilds the report tables."""
    from lrs.db import write_transaction
    from lrs.reports.settings import report_settings
    from lrs.reports.store import rebuild

    config, engine = _indexed_engine(database_url, lang)
    with write_transaction(engine) as connection:
        count = rebuild(connection, report_settings(config).group_extensions)
    click.echo(choose(lang, f"{count} déclarations relues", f"{count} statements read"))


def _write(data: bytes, output: Path | None, lang: str) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        with open_output(output, lang) as out:
            out.write(data)


# --- parcours export ---------------------------------------------------------------------


@click.group()
def export() -> None:
    """Exports de données. / Data exports."""


@export.command("statements")
@click.option("--format", "fmt", type=click.Choice(["ndjson", "csv"]), default="ndjson", show_default=True)
@_output_option
@_range_options("Enregistrées", "Stored")
@click.option("--timestamp-since", default=None,
              help="Datées (timestamp) depuis (AAAA-MM-JJ ou RFC 3339). / Timestamp since.")
@click.option("--timestamp-until", default=None, help="Datées (timestamp) jusqu'au (inclus). / Timestamp until.")
@_agent_option(False, "Acteur ou objet, en JSON. / Actor or object, as JSON.")
@click.option("--verb", default=None, help="IRI du verbe. / Verb IRI.")
@click.option("--activity", default=None, help="IRI de l'activité objet. / Object activity IRI.")
@click.option("--course", default=None,
              help="IRI du cours : objet, parent ou regroupement (grouping). / Course IRI: object, parent or grouping.")
@click.option("--include-voided", is_flag=True, help="Inclure les déclarations annulées. / Include voided statements.")
@_database_option
@_lang_option
def export_statements(fmt: str, output: Path | None, since: str | None, until: str | None,
                      timestamp_since: str | None, timestamp_until: str | None, agent: str | None,
                      verb: str | None, activity: str | None, course: str | None, include_voided: bool,
                      database_url: str | None, lang: str) -> None:
    """Exporte les déclarations en flux (NDJSON ou CSV). / Streams statements out (NDJSON or CSV)."""
    from lrs.reports.export import ExportFilters, count, stored_bodies, write_csv, write_ndjson

    from validators.xapi import is_iri

    check_output_folder(output, lang)
    for option, value in (("--verb", verb), ("--activity", activity), ("--course", course)):
        if value is not None and not is_iri(value):  # would match nothing, silently
            raise _fail(lang, f"{option} : « {value} » n'est pas une IRI absolue",
                        f"{option}: '{value}' is not an absolute IRI")
    start, end = _range(since, until, lang)
    stamped_start, stamped_end = _range(timestamp_since, timestamp_until, lang, "timestamp-")
    _, engine = _indexed_engine(database_url, lang)
    filters = ExportFilters(
        since=start, until=end, agent_key=_agent_key(agent, lang)[1] if agent else None,
        verb=verb, activity=activity, include_voided=include_voided, course=course,
        timestamp_since=stamped_start, timestamp_until=stamped_end,
    )
    bar = None
    if sys.stderr.isatty():
        with engine.connect() as connection:
            bar = _progress(count(connection, filters), lang, "Export", "Export")
    out: IO[bytes] = open_output(output, lang) if output else sys.stdout.buffer
    try:
        writer = write_csv if fmt == "csv" else write_ndjson
        if bar is not None:
            with bar:
                written = writer(stored_bodies(engine, filters), out, bar.update)
        else:
            written = writer(stored_bodies(engine, filters), out)
    finally:
        if output:
            out.close()
        else:
            out.flush()
    click.echo(choose(lang, f"{written} déclarations exportées", f"{written} statements exported"), err=True)


# --- parcours import ---------------------------------------------------------------------


@click.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10_000))
@_database_option
@_lang_option
def import_(source: Path, batch_size: int, database_url: str | None, lang: str) -> None:
    """Importe un export NDJSON d'un autre LRS (validé, dédoublonné, reprenable).

    Imports another LRS's NDJSON export (validated, deduplicated, resumable)."""
    from lrs.app import create_app
    from lrs.statements.index_writer import INGEST_HOOKS
    from lrs.config import Config
    from lrs.db import ENGINE_KEY
    from lrs.reports.importer import import_credential, import_ndjson

    config = Config.from_env(database_url=database_url, lang=lang)
    try:
        app = create_app(config)
    except Exception as error:
        raise _fail(lang, f"base de données {config.database_url} inutilisable : {error}",
                    f"cannot use database {config.database_url}: {error}")
    size = source.stat().st_size
    bar = _progress(size, lang, "Import", "Import") if size else None
    with open(source, "rb") as handle:
        position = [0]

        def advance(_lines: int) -> None:
            if bar is not None:
                now = handle.tell()
                bar.update(now - position[0])
                position[0] = now

        summary = import_ndjson(
            app.extensions[ENGINE_KEY], handle, import_credential(config.authority_homepage),
            hooks=app.extensions[INGEST_HOOKS], batch_size=batch_size, progress=advance,
        )
    if bar is not None:
        bar.render_finish()
    for problem in summary.problems:
        click.echo(f"{source}:{problem.line}: {problem.field}: {problem.message(lang)}", err=True)
    click.echo(choose(
        lang,
        f"{summary.read} lignes lues, {summary.stored} déclarations importées, "
        f"{summary.already} déjà présentes, {summary.rejected} refusées",
        f"{summary.read} lines read, {summary.stored} statements imported, "
        f"{summary.already} already present, {summary.rejected} rejected",
    ))
    if summary.rejected:
        sys.exit(1)


# --- parcours privacy --------------------------------------------------------------------


@click.group()
def privacy() -> None:
    """Droits des apprenants (RGPD). / Learners' rights (GDPR)."""


LEARNER_HELP = 'L\'apprenant, en JSON : {"mbox": "mailto:…"}. / The learner, as JSON.'


@privacy.command("export")
@_agent_option(True, LEARNER_HELP)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Fichier ZIP (défaut : apprenant.zip). / ZIP file.")
@_database_option
@_lang_option
def privacy_export(agent: str, output: Path | None, database_url: str | None, lang: str) -> None:
    """Droit d'accès : tout ce que le LRS détient sur l'apprenant. / Right of access."""
    from lrs.reports.privacy import export_learner

    agent_object, key = _agent_key(agent, lang)
    target = output or Path(choose(lang, "apprenant.zip", "learner.zip"))
    check_output_folder(target, lang)
    _, engine = _indexed_engine(database_url, lang)
    data = export_learner(engine, key, agent_object)
    _write(data, target, lang)
    click.echo(choose(lang, f"données écrites dans {target}", f"data written to {target}"))


@privacy.command("erase")
@_agent_option(True, LEARNER_HELP)
@click.option("--yes", is_flag=True, help="Ne pas demander de confirmation. / Do not ask for confirmation.")
@_database_option
@_lang_option
def privacy_erase(agent: str, yes: bool, database_url: str | None, lang: str) -> None:
    """Droit à l'effacement : déclarations, documents et rapports. / Right to erasure."""
    from lrs.reports.privacy import erase_learner

    _agent, key = _agent_key(agent, lang)
    _, engine = _indexed_engine(database_url, lang)
    if not yes:
        click.confirm(choose(lang, f"Effacer définitivement {key} ?", f"Erase {key} for good?"), abort=True)
    summary = erase_learner(engine, key)
    click.echo(choose(
        lang,
        f"effacés : {summary.statements} déclarations, {summary.documents} documents, "
        f"{summary.report_rows} lignes de rapport, {summary.names} noms",
        f"erased: {summary.statements} statements, {summary.documents} documents, "
        f"{summary.report_rows} report rows, {summary.names} names",
    ))
    if summary.mentioned_elsewhere:
        click.echo(choose(
            lang,
            f"{summary.mentioned_elsewhere} déclarations d'autres personnes le mentionnent encore (équipe, formateur)",
            f"{summary.mentioned_elsewhere} statements about others still mention them (team, instructor)",
        ), err=True)
