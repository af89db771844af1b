"""`parcours publish` and `parcours unpublish`: thin shells over `lrs.courses.publish`.

Exit status: 0 when every package is published, 1 when one is refused (the others
are still published), 2 for a usage error (click's own).
"""

from __future__ import annotations

import sys
from typing import Any

import click
import orjson
from sqlalchemy.engine import Engine

from lrs.auth import CourseScope, CredentialError, check_course_key_limits
from lrs.cli import _database_option, _engine, _lang_option, course_key_options, issue_credential
from lrs.courses.aliases import AliasRefused, check_alias, forget_aliases, record_aliases
from lrs.db import write_transaction
from validators.bilingual import choose


def _format_option(function):  # type: ignore[no-untyped-def]
    return click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
                        show_default=True, help="Sortie / output: text, json.")(function)


def _store(config):  # type: ignore[no-untyped-def]
    from lrs.courses.blobs import BlobStore, blob_directory

    return BlobStore(blob_directory(config))


@click.command()
@click.argument("packages", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--course-key", is_flag=True,
              help="Crée aussi, par cours publié, la clé d'écriture seule limitée à ce cours (double suivi ; "
                   "demande --home-page) / also issues, per published course, the write-only key limited to it "
                   "(dual tracking; needs --home-page).")
@course_key_options
@click.option("--lms-activity", "lms_activities", multiple=True, metavar="URL",
              help="Activité d'un LMS qui joue ce cours (répétable ; Moodle : <wwwroot>/mod/scorm/view.php?id=N) : "
                   "les rapports comptent ses déclarations dans le cours / an LMS activity that plays this course "
                   "(repeatable; Moodle: <wwwroot>/mod/scorm/view.php?id=N): the reports count its statements "
                   "under the course.")
@_database_option
@_format_option
@_lang_option
def publish(packages: tuple[str, ...], course_key: bool, home_pages: tuple[str, ...], origins: tuple[str, ...],
            lms_activities: tuple[str, ...], database_url: str | None, output_format: str, lang: str) -> None:
    """Publie des paquets dans le catalogue du LRS. / Publishes packages to the LRS catalogue.

    PACKAGES : zips (SCORM 1.2, SCORM 2004, cmi5, xAPI, web) ou dossier d'un site `web`.
    / zips or a `web` build folder.
    """
    from lrs.courses.publish import PackageRefused, publish_file

    if not course_key and (home_pages or origins):
        raise click.UsageError(choose(lang, "--home-page et --origin vont avec --course-key",
                                    "--home-page and --origin go with --course-key"))
    if course_key:
        try:  # before anything is published
            check_course_key_limits(home_pages, origins)
        except CredentialError as error:
            raise click.UsageError(error.message(lang))
    try:
        for activity in lms_activities:
            check_alias(activity)
    except AliasRefused as error:
        raise click.UsageError(error.message(lang))
    config, engine = _engine(database_url, lang)
    keyed: set[str] = set()
    store = _store(config)
    results: list[dict[str, Any]] = []
    refused = False
    for package in packages:
        try:
            publication = publish_file(engine, store, package, max_bytes=config.max_package_bytes)
        except PackageRefused as error:
            refused = True
            results.append({"package": package, "refused": [item.to_dict(lang) for item in error.findings]})
            if output_format == "text":
                click.echo(choose(lang, f"{package} : refusé, rien n'est enregistré", f"{package}: refused, nothing stored"),
                           err=True)
                for item in error.findings:
                    where = item.where()
                    click.echo(f"  {item.code} {where + ' ' if where else ''}{item.message(lang)}", err=True)
            continue
        published: dict[str, Any] = {"package": package, "published": publication.to_dict()}
        results.append(published)
        if output_format == "text":
            click.echo(choose(
                lang,
                f"{package} : publié {publication.iri} version {publication.version or '-'} "
                f"({publication.format}, {_status(publication.status, lang)}) ; formats : "
                f"{', '.join(publication.formats)} ; {publication.module_count} module(s)",
                f"{package}: published {publication.iri} version {publication.version or '-'} "
                f"({publication.format}, {_status(publication.status, lang)}); formats: "
                f"{', '.join(publication.formats)}; {publication.module_count} module(s)",
            ))
        if lms_activities:
            try:
                with write_transaction(engine) as connection:
                    record_aliases(connection, publication.iri, lms_activities)
            except AliasRefused as error:
                raise click.ClickException(error.message(lang))
            published["lms_activities"] = sorted(set(lms_activities))
            if output_format == "text":
                click.echo(choose(lang, f"  joué aussi par : {', '.join(sorted(set(lms_activities)))}",
                                  f"  also played by: {', '.join(sorted(set(lms_activities)))}"))
        if course_key and publication.iri not in keyed:  # one key per course, whatever its formats
            keyed.add(publication.iri)
            published["course_key"] = issue_credential(
                engine, config, lang, name=publication.iri, course=CourseScope(publication.iri, home_pages, origins),
                quiet=output_format == "json")
    if output_format == "json":
        click.echo(orjson.dumps(results, option=orjson.OPT_INDENT_2).decode())
    if refused:
        sys.exit(1)


_STATUS_FR = {"created": "nouveau", "added": "format ajouté", "replaced": "remplacé", "unchanged": "inchangé"}
_STATUS_EN = {"created": "new", "added": "format added", "replaced": "replaced", "unchanged": "unchanged"}


def _status(status: str, lang: str) -> str:
    return choose(lang, _STATUS_FR, _STATUS_EN).get(status, status)


@click.command()
@click.argument("course")
@click.option("--version", "version", default=None, help="Une seule version (défaut : toutes) / one version (default: all).")
@click.option("--lms-activity", "lms_activities", multiple=True, metavar="URL",
              help="Retire seulement ce lien avec une activité du LMS, le cours reste publié (répétable) / only "
                   "removes this link with an LMS activity, the course stays published (repeatable).")
@_database_option
@_format_option
@_lang_option
def unpublish(course: str, version: str | None, lms_activities: tuple[str, ...], database_url: str | None,
              output_format: str, lang: str) -> None:
    """Retire un cours du catalogue (les déclarations restent). / Removes a course from the catalogue (statements stay).

    COURSE : l'IRI du cours / the course IRI.
    """
    from lrs.courses.publish import CourseNotFound, unpublish as remove

    config, engine = _engine(database_url, lang)
    if lms_activities:
        _forget_lms_activities(engine, course, lms_activities, output_format, lang)
        return
    try:
        removed = remove(engine, _store(config), course, version)
    except CourseNotFound:
        raise click.ClickException(choose(
            lang,
            f"aucun cours publié {course}" + (f" en version {version}" if version is not None else ""),
            f"no published course {course}" + (f" at version {version}" if version is not None else ""),
        ))
    if output_format == "json":
        click.echo(orjson.dumps([item.to_dict() for item in removed], option=orjson.OPT_INDENT_2).decode())
        return
    for item in removed:
        click.echo(choose(
            lang,
            f"retiré : {item.iri} version {item.version or '-'} ; formats : {', '.join(item.formats)} ; "
            f"{item.module_count} module(s)",
            f"unpublished: {item.iri} version {item.version or '-'}; formats: {', '.join(item.formats)}; "
            f"{item.module_count} module(s)",
        ))


def _forget_lms_activities(engine: Engine, course: str, activities: tuple[str, ...], output_format: str,
                           lang: str) -> None:
    with write_transaction(engine) as connection:
        missing = forget_aliases(connection, course, activities)
    if missing:
        raise click.ClickException(choose(
            lang,
            f"ne joue(nt) pas le cours {course} : {', '.join(missing)} (rien n'a été retiré)",
            f"not playing course {course}: {', '.join(missing)} (nothing was removed)",
        ))
    if output_format == "json":
        click.echo(orjson.dumps({"course": course, "lms_activities_removed": sorted(set(activities))},
                                option=orjson.OPT_INDENT_2).decode())
        return
    for activity in sorted(set(activities)):
        click.echo(choose(lang, f"ne joue plus {course} : {activity}", f"no longer playing {course}: {activity}"))
