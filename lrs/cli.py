"""`parcours serve` and `parcours credentials`: thin shells over `lrs.app` and `lrs.auth`.

Output is French by default, English with `--lang en` (or PARCOURS_LANG=en).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lrs.auth import SCOPES, CourseScope
from lrs.config import Config
from validators.bilingual import choose
from validators.language import language_option


_lang_option = language_option("Langue des messages / message language (fr, en).")

def _database_option(function):  # type: ignore[no-untyped-def]
    return click.option(
        "--database",
        "database_url",
        default=None,
        help="URL SQLAlchemy de la base (défaut : PARCOURS_DATABASE_URL ou sqlite:///parcours.db).",
    )(function)


def _config(database_url: str | None, lang: str) -> Config:
    return Config.from_env(database_url=database_url, lang=lang)


@click.command()
@_database_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port d'écoute (0 : un port libre).")
@click.option("--workers", default=1, show_default=True, type=int, help="Processus gunicorn.")
@click.option("--threads", default=8, show_default=True, type=int, help="Fils d'exécution par processus.")
@click.option("--store-processes", type=int, default=None,
              help="SQLite : processus qui enregistrent les lots de déclarations pour chaque worker (défaut : "
                   "les CPU partagés entre workers moins un pour chacun, de 1 à 4 ; 0 : aucun). / SQLite: processes "
                   "storing statement batches for each worker (default: the CPUs shared among workers less one for "
                   "each, 1 to 4; 0: none). "
                   "[PARCOURS_STORE_PROCESSES]")
@_lang_option
def serve(database_url: str | None, host: str, port: int, workers: int, threads: int, store_processes: int | None,
          lang: str) -> None:
    """Démarre le LRS xAPI (gunicorn). / Starts the xAPI LRS (gunicorn)."""
    from lrs.app import create_app
    from lrs.auth import CredentialError
    from lrs.server import run_gunicorn

    config = _config(database_url, lang)
    if store_processes is not None:
        config.store_processes = store_processes
    try:
        create_app(config)  # migrate and create the first credential once, before workers start
    except CredentialError as error:
        raise click.ClickException(error.message(lang))
    except OSError as error:  # PARCOURS_BOOTSTRAP_CREDENTIAL_FILE unreadable
        raise click.ClickException(choose(lang, f"fichier illisible : {error}", f"unreadable file: {error}"))
    except Exception as error:  # the database URL is the usual culprit: say so, no traceback
        raise click.ClickException(
            choose(lang, f"base de données {config.database_url} inutilisable : {error}",
                 f"cannot use database {config.database_url}: {error}")
        )
    click.echo(
        choose(lang, f"LRS xAPI sur http://{host}:{port}/xapi/ (base : {config.database_url})",
             f"xAPI LRS on http://{host}:{port}/xapi/ (database: {config.database_url})"),
        err=True,
    )
    run_gunicorn(config, host=host, port=port, workers=max(1, workers), threads=max(1, threads))


@click.group()
def credentials() -> None:
    """Clés d'accès au LRS. / LRS credentials."""


def _engine(database_url: str | None, lang: str):  # type: ignore[no-untyped-def]
    from lrs.db import engine_for
    from lrs.migrations import apply_migrations

    config = _config(database_url, lang)
    try:
        engine = engine_for(config.database_url)
        apply_migrations(engine)
    except Exception as error:
        raise _unusable_database(config.database_url, lang, error)
    return config, engine


def _unusable_database(url: str, lang: str, error: Exception) -> click.ClickException:
    return click.ClickException(
        choose(lang, f"base de données {url} inutilisable : {error}", f"cannot use database {url}: {error}")
    )


def _require_existing_sqlite(database_url: str, lang: str) -> None:
    """A command that reads an LRS names a SQLite file that exists: a typo in --database
    would otherwise create an empty base and report "no data"."""
    from sqlalchemy.engine import make_url

    from lrs.db import normalize_url

    url = make_url(normalize_url(database_url))
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") \
            and not Path(url.database).exists():
        raise click.ClickException(choose(
            lang, f"{url.database} : base introuvable (vérifiez --database ou PARCOURS_DATABASE_URL)",
            f"{url.database}: no such database (check --database or PARCOURS_DATABASE_URL)"))


def _indexed_engine(database_url: str | None, lang: str):  # type: ignore[no-untyped-def]
    """The configuration and engine of the LRS, every queued statement indexed: for the
    commands that read the filter index or the reports."""
    from lrs.app import create_app
    from lrs.db import ENGINE_KEY
    from lrs.statements.backlog import ensure_indexed

    config = _config(database_url, lang)
    _require_existing_sqlite(config.database_url, lang)
    try:
        engine = create_app(config).extensions[ENGINE_KEY]
        ensure_indexed(engine)
    except Exception as error:
        raise _unusable_database(config.database_url, lang, error)
    return config, engine


def course_key_options(function):  # type: ignore[no-untyped-def]
    """--home-page and --origin, the limits of a course-scoped key (credentials create, publish)."""
    function = click.option(
        "--origin", "origins", multiple=True, metavar="URL",
        help="Clé de cours : origine de navigateur admise (répétable ; défaut : celles des --home-page) / "
             "course key: an allowed browser origin (repeatable; default: the --home-page ones).")(function)
    return click.option(
        "--home-page", "home_pages", multiple=True, metavar="URL",
        help="Clé de cours : adresse d'un LMS dont les comptes d'apprenants sont admis (répétable) / "
             "course key: an LMS whose learner accounts are allowed (repeatable).")(function)


def issue_credential(engine, config: Config, lang: str, *, key: str | None = None,  # type: ignore[no-untyped-def]
                     secret: str | None = None, scopes: str = "statements/write", name: str = "",
                     authority_email: str | None = None, course: CourseScope | None = None,
                     quiet: bool = False) -> dict[str, str]:
    """Create a credential; print (unless quiet) key, secret and, for a course key, the package's
    --report-key line; return them."""
    from lrs.auth import CredentialError, create_credential
    from lrs.db import write_transaction

    try:
        with write_transaction(engine) as connection:
            credential, secret = create_credential(
                connection, key=key, secret=secret, scopes=scopes, name=name, authority_email=authority_email,
                authority_homepage=config.authority_homepage, course=course,
            )
    except CredentialError as error:
        raise click.ClickException(error.message(lang))
    issued = {"key": credential.key, "secret": secret}
    if course is not None:
        issued["report_key"] = f"{credential.key}:{secret}"
    if quiet:
        return issued
    click.echo(choose(lang, f"clé : {credential.key}", f"key: {credential.key}"))
    click.echo(choose(lang, f"secret : {secret}", f"secret: {secret}"))
    click.echo(choose(lang, "portées : ", "scopes: ") + " ".join(sorted(credential.scopes)))
    if course is not None:
        click.echo(choose(lang, f"limitée au cours {course.iri}, apprenants de {', '.join(course.home_pages)}, "
                              f"origines {', '.join(course.allowed_origins())}",
                        f"limited to course {course.iri}, learners of {', '.join(course.home_pages)}, "
                        f"origins {', '.join(course.allowed_origins())}"))
        click.echo(choose(lang, f"pour le paquet : --report-key {credential.key}:{secret}",
                        f"for the package: --report-key {credential.key}:{secret}"))
    return issued


@credentials.command("create")
@click.option("--key", default=None, help="Clé (générée si absente).")
@click.option("--secret", default=None, help="Secret (généré si absent).")
@click.option("--scopes", default="statements/write,statements/read/mine", show_default=True,
              help="Portées séparées par des virgules / comma-separated scopes: " + ", ".join(SCOPES) + ".")
@click.option("--name", default="", help="Nom de l'autorité (affiché dans les déclarations).")
@click.option("--authority-email", default=None, help="Adresse électronique de l'autorité.")
@click.option("--course", "course_iri", default=None, metavar="IRI",
              help="Clé d'écriture seule limitée à ce cours, à mettre dans les paquets (double suivi) / write-only "
                   "key limited to this course, to put into packages (dual tracking); see docs/lrs.md.")
@course_key_options
@_database_option
@_lang_option
def create(key: str | None, secret: str | None, scopes: str, name: str, authority_email: str | None,
           course_iri: str | None, home_pages: tuple[str, ...], origins: tuple[str, ...],
           database_url: str | None, lang: str) -> None:
    """Crée une clé et affiche clé et secret. / Creates a credential, prints key and secret."""
    if course_iri is None and (home_pages or origins):
        raise click.UsageError(choose(lang, "--home-page et --origin vont avec --course",
                                    "--home-page and --origin go with --course"))
    course = CourseScope(course_iri, tuple(home_pages), tuple(origins)) if course_iri is not None else None
    config, engine = _engine(database_url, lang)
    issue_credential(engine, config, lang, key=key, secret=secret, scopes=scopes, name=name or (course_iri or ""),
                     authority_email=authority_email, course=course)


@credentials.command("list")
@_database_option
@_lang_option
def list_(database_url: str | None, lang: str) -> None:
    """Liste les clés (jamais les secrets). / Lists credentials (never secrets)."""
    from lrs.auth import list_credentials
    from lrs.db import read_transaction

    _, engine = _engine(database_url, lang)
    with read_transaction(engine) as connection:
        items = list_credentials(connection)
    if not items:
        click.echo(choose(lang, "aucune clé", "no credentials"))
    for item in items:
        state = (choose(lang, "révoquée le ", "revoked on ") + item.revoked_at) if item.revoked_at else choose(lang, "active", "active")
        limits = f"\t{choose(lang, 'cours', 'course')} {item.course.iri}" if item.course else ""
        click.echo(f"{item.key}\t{item.name}\t{' '.join(sorted(item.scopes))}\t{state}{limits}")


@credentials.command("revoke")
@click.argument("key")
@_database_option
@_lang_option
def revoke(key: str, database_url: str | None, lang: str) -> None:
    """Révoque une clé. / Revokes a credential."""
    from lrs.auth import revoke_credential
    from lrs.db import write_transaction

    _, engine = _engine(database_url, lang)
    with write_transaction(engine) as connection:
        done = revoke_credential(connection, key)
    if not done:
        raise click.ClickException(
            choose(lang, f"clé inconnue ou déjà révoquée : {key}", f"unknown or already revoked key: {key}")
        )
    click.echo(choose(lang, f"clé révoquée : {key}", f"credential revoked: {key}"))


@click.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
@_database_option
@_lang_option
def backup(destination: Path, database_url: str | None, lang: str) -> None:
    """Copie cohérente de la base, serveur en marche, et des paquets publiés (DESTINATION.blobs/).
    / A consistent copy while the server runs, and of the published packages (DESTINATION.blobs/)."""
    from lrs.backup import BackupError, backup as make_backup, blobs_of
    from lrs.courses.blobs import blob_directory

    config = _config(database_url, lang)
    try:
        copy = make_backup(config.database_url, destination, blob_directory(config))
    except BackupError as error:
        raise click.ClickException(error.message(lang))
    click.echo(choose(lang, f"sauvegarde : {copy.path} ({copy.size} octets)", f"backup: {copy.path} ({copy.size} bytes)"))
    if copy.packages:
        click.echo(choose(lang, f"paquets publiés : {copy.packages} copiés dans {blobs_of(destination)}",
                          f"published packages: {copy.packages} copied to {blobs_of(destination)}"))


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@_database_option
@_lang_option
def restore(source: Path, database_url: str | None, lang: str) -> None:
    """Restaure une sauvegarde dans une base vide, et ses paquets publiés (SOURCE.blobs/).
    / Restores a backup into an empty database, and its published packages (SOURCE.blobs/)."""
    from lrs.backup import BackupError, restore as restore_copy
    from lrs.courses.blobs import blob_directory

    config = _config(database_url, lang)
    try:
        copy = restore_copy(source, config.database_url, blob_directory(config))
    except BackupError as error:
        raise click.ClickException(error.message(lang))
    click.echo(choose(lang, f"restaurée : {copy.statements} déclarations, {copy.packages} paquets publiés",
                      f"restored: {copy.statements} statements, {copy.packages} published packages"))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(serve())
