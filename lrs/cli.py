"""`parcours serve` and `parcours credentials`: thin shells over `lrs.app` and `lrs.auth`.

Output is French by default, English with `--lang en` (or PARCOURS_LANG=en).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from lrs.auth import SCOPES
from lrs.config import Config


def _lang_option(function):  # type: ignore[no-untyped-def]
    return click.option(
        "--lang",
        type=click.Choice(["fr", "en"]),
        default=lambda: os.environ.get("PARCOURS_LANG", "fr") if os.environ.get("PARCOURS_LANG") in ("fr", "en") else "fr",
        help="Langue des messages / message language (fr, en).",
    )(function)


def _database_option(function):  # type: ignore[no-untyped-def]
    return click.option(
        "--database",
        "database_url",
        default=None,
        help="URL SQLAlchemy de la base (défaut : PARCOURS_DATABASE_URL ou sqlite:///parcours.db).",
    )(function)


def _say(lang: str, fr: str, en: str) -> str:
    return en if lang == "en" else fr


def _config(database_url: str | None, lang: str) -> Config:
    return Config.from_env(database_url=database_url, lang=lang)


@click.command()
@_database_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port d'écoute (0 : un port libre).")
@click.option("--workers", default=1, show_default=True, type=int, help="Processus gunicorn.")
@click.option("--threads", default=8, show_default=True, type=int, help="Fils d'exécution par processus.")
@_lang_option
def serve(database_url: str | None, host: str, port: int, workers: int, threads: int, lang: str) -> None:
    """Démarre le LRS xAPI (gunicorn). / Starts the xAPI LRS (gunicorn)."""
    from lrs.app import create_app
    from lrs.auth import CredentialError
    from lrs.server import run_gunicorn

    config = _config(database_url, lang)
    try:
        create_app(config)  # migrate and create the first credential once, before workers start
    except CredentialError as error:
        raise click.ClickException(error.message(lang))
    except OSError as error:  # PARCOURS_BOOTSTRAP_CREDENTIAL_FILE unreadable
        raise click.ClickException(_say(lang, f"fichier illisible : {error}", f"unreadable file: {error}"))
    except Exception as error:  # the database URL is the usual culprit: say so, no traceback
        raise click.ClickException(
            _say(lang, f"base de données {config.database_url} inutilisable : {error}",
                 f"cannot use database {config.database_url}: {error}")
        )
    click.echo(
        _say(lang, f"LRS xAPI sur http://{host}:{port}/xapi/ (base : {config.database_url})",
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
        _say(lang, f"base de données {url} inutilisable : {error}", f"cannot use database {url}: {error}")
    )


def _indexed_engine(database_url: str | None, lang: str):  # type: ignore[no-untyped-def]
    """The configuration and engine of the LRS, every queued statement indexed: for the
    commands that read the filter index or the reports."""
    from lrs.app import create_app
    from lrs.db import ENGINE_KEY
    from lrs.statements.backlog import ensure_indexed

    config = _config(database_url, lang)
    try:
        engine = create_app(config).extensions[ENGINE_KEY]
        ensure_indexed(engine)
    except Exception as error:
        raise _unusable_database(config.database_url, lang, error)
    return config, engine


@credentials.command("create")
@click.option("--key", default=None, help="Clé (générée si absente).")
@click.option("--secret", default=None, help="Secret (généré si absent).")
@click.option("--scopes", default="statements/write,statements/read/mine", show_default=True,
              help="Portées séparées par des virgules / comma-separated scopes: " + ", ".join(SCOPES) + ".")
@click.option("--name", default="", help="Nom de l'autorité (affiché dans les déclarations).")
@click.option("--authority-email", default=None, help="Adresse électronique de l'autorité.")
@_database_option
@_lang_option
def create(key: str | None, secret: str | None, scopes: str, name: str, authority_email: str | None,
           database_url: str | None, lang: str) -> None:
    """Crée une clé et affiche clé et secret. / Creates a credential, prints key and secret."""
    from lrs.auth import CredentialError, create_credential
    from lrs.db import write_transaction

    config, engine = _engine(database_url, lang)
    try:
        with write_transaction(engine) as connection:
            credential, secret = create_credential(
                connection, key=key, secret=secret, scopes=scopes, name=name,
                authority_email=authority_email, authority_homepage=config.authority_homepage,
            )
    except CredentialError as error:
        raise click.ClickException(error.message(lang))
    click.echo(_say(lang, f"clé : {credential.key}", f"key: {credential.key}"))
    click.echo(_say(lang, f"secret : {secret}", f"secret: {secret}"))
    click.echo(_say(lang, "portées : ", "scopes: ") + " ".join(sorted(credential.scopes)))


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
        click.echo(_say(lang, "aucune clé", "no credentials"))
    for item in items:
        state = (_say(lang, "révoquée le ", "revoked on ") + item.revoked_at) if item.revoked_at else _say(lang, "active", "active")
        click.echo(f"{item.key}\t{item.name}\t{' '.join(sorted(item.scopes))}\t{state}")


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
            _say(lang, f"clé inconnue ou déjà révoquée : {key}", f"unknown or already revoked key: {key}")
        )
    click.echo(_say(lang, f"clé révoquée : {key}", f"credential revoked: {key}"))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(serve())


@click.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
@_database_option
@_lang_option
def backup(destination: Path, database_url: str | None, lang: str) -> None:
    """Copie cohérente de la base, serveur en marche. / A consistent copy while the server runs."""
    from lrs.backup import BackupError, backup as make_backup

    config = _config(database_url, lang)
    try:
        copy = make_backup(config.database_url, destination)
    except BackupError as error:
        raise click.ClickException(error.message(lang))
    click.echo(_say(lang, f"sauvegarde : {copy.path} ({copy.size} octets)", f"backup: {copy.path} ({copy.size} bytes)"))


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@_database_option
@_lang_option
def restore(source: Path, database_url: str | None, lang: str) -> None:
    """Restaure une sauvegarde dans une base vide. / Restores a backup into an empty database."""
    from lrs.backup import BackupError, restore as restore_copy

    config = _config(database_url, lang)
    try:
        copy = restore_copy(source, config.database_url)
    except BackupError as error:
        raise click.ClickException(error.message(lang))
    click.echo(_say(lang, f"restaurée : {copy.statements} déclarations", f"restored: {copy.statements} statements"))
