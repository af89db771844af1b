"""A consistent copy of the LRS database while the server writes, and its restore.

SQLite: the online backup API copies the file as one snapshot (in WAL mode a reader
never blocks the writers, and the copy is what a transaction started at that moment
would see), into a temporary file renamed when complete. PostgreSQL: `pg_dump` in
its custom format (one snapshot too), restored by `pg_restore` in one transaction;
both need PostgreSQL's client tools, and say so when they are missing.

A restore goes only into an empty database (nothing is merged or overwritten); the
migrations then bring a copy made by an older release up to date.

The published packages live beside the database, in the blob directory: a backup
copies them to `<backup>.blobs/` (after the database: a package is kept before its
row is committed, so every package the copy names is there), a restore puts them
back into the new database's blob directory.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy
from sqlalchemy.engine import URL, make_url

from lrs.db import engine_for, normalize_url
from lrs.output_files import NO_SUCH_FOLDER
from validators.bilingual import BilingualError

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


class BackupError(BilingualError):
    """A backup or restore that cannot be done, said in French and English."""


@dataclass(frozen=True)
class Copy:
    path: Path
    size: int  # bytes of the copy
    statements: int | None  # statements in the restored database (after a restore)
    packages: int = 0  # published packages copied with it


def blobs_of(copy: Path) -> Path:
    """Where the published packages of the backup `copy` go."""
    return copy.with_name(copy.name + ".blobs")


def backup(database_url: str, destination: Path, blobs: Path | None = None) -> Copy:
    """Copy the database at `database_url` to `destination` (a new file), and the
    published packages of the blob directory `blobs` beside it."""
    url = make_url(normalize_url(database_url))
    if destination.exists():
        raise BackupError(f"{destination} : le fichier existe déjà ; choisissez un autre nom.",
                          f"{destination}: the file already exists; choose a new name.")
    if not destination.parent.is_dir():
        message = NO_SUCH_FOLDER.fill(folder=destination.parent)
        raise BackupError(message.fr, message.en)
    if url.get_backend_name() == "sqlite":
        _backup_sqlite(_sqlite_path(url), destination)
    elif url.get_backend_name() == "postgresql":
        _run(_pg_tool("pg_dump"), ["--format=custom", "--no-owner", "--file", str(destination)], url)
    else:
        raise BackupError(f"{url.get_backend_name()} : pas de sauvegarde pour cette base.",
                          f"{url.get_backend_name()}: no backup for this database.")
    packages = _copy_packages(blobs, blobs_of(destination)) if blobs is not None else 0
    return Copy(destination, destination.stat().st_size, None, packages)


def _copy_packages(source: Path, target: Path) -> int:
    """Copy the kept packages (`<sha[:2]>/<sha>.zip`, never changed once kept) that
    `target` lacks: hard links where both sit on one file system."""
    copied = 0
    for package in sorted(source.glob("??/*.zip")) if source.is_dir() else []:
        destination = target / package.parent.name / package.name
        if destination.exists():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(package, destination)
        except OSError:
            shutil.copy2(package, destination)
        copied += 1
    return copied


def restore(source: Path, database_url: str, blobs: Path | None = None) -> Copy:
    """Restore the copy `source` into the empty database at `database_url`, then migrate
    it; the packages saved with it go into the blob directory `blobs`."""
    url = make_url(normalize_url(database_url))
    if not source.is_file():
        raise BackupError(f"{source} : fichier introuvable.", f"{source}: no such file.")
    with open(source, "rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not header.startswith(SQLITE_HEADER):
            raise BackupError(f"{source} : pas une sauvegarde SQLite (une sauvegarde PostgreSQL va dans une base "
                              "PostgreSQL).",
                              f"{source}: not a SQLite backup (a PostgreSQL one goes into a PostgreSQL database).")
        _restore_sqlite(source, _sqlite_path(url))
    elif backend == "postgresql":
        if not header.startswith(PG_DUMP_HEADER):
            raise BackupError(f"{source} : pas une sauvegarde pg_dump au format custom.",
                              f"{source}: not a pg_dump custom-format backup.")
        _require_empty(database_url)
        _run(_pg_tool("pg_restore"), ["--no-owner", "--exit-on-error", "--single-transaction", str(source)], url,
             database_flag=True)
    else:
        raise BackupError(f"{backend} : pas de restauration pour cette base.", f"{backend}: no restore for this database.")
    from lrs.migrations import apply_migrations

    engine = engine_for(database_url)
    try:
        apply_migrations(engine)
    finally:
        engine.dispose()
    packages = _copy_packages(blobs_of(source), blobs) if blobs is not None else 0
    return Copy(source, source.stat().st_size, _statement_count(database_url), packages)


# --- SQLite ------------------------------------------------------------------------


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("Une base en mémoire n'a rien à copier.", "An in-memory database has nothing to copy.")
    return Path(url.database)


def _backup_sqlite(path: Path, destination: Path) -> None:
    if not path.is_file():
        raise BackupError(f"{path} : base introuvable.", f"{path}: no such database.")
    partial = destination.with_name(destination.name + ".partial")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(partial)
    try:
        source.backup(target)  # every page in one step: one snapshot, writers go on (WAL)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"{path} : la sauvegarde a échoué ({error}).", f"{path}: backup failed ({error}).") from error
    finally:
        target.close()
        source.close()
    os.replace(partial, destination)


def _restore_sqlite(source: Path, path: Path) -> None:
    if path.exists() and path.stat().st_size > 0:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as existing:
            tables = existing.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        if tables:
            raise BackupError(f"{path} : la base n'est pas vide ; restaurez dans un nouveau fichier.",
                              f"{path}: the database is not empty; restore into a new file.")
    copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        problem = copy.execute("PRAGMA quick_check").fetchone()[0]
        if problem != "ok":
            raise BackupError(f"{source} : copie endommagée ({problem}).", f"{source}: damaged copy ({problem}).")
        target = sqlite3.connect(path)
        try:
            copy.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
        finally:
            target.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{source} : copie SQLite inutilisable ({error}).",
                          f"{source}: not a usable SQLite copy ({error}).") from error
    finally:
        copy.close()


# --- PostgreSQL --------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} n'est pas installé : installez les outils clients de PostgreSQL (Debian : apt install "
            "postgresql-client, de la version majeure du serveur ou plus récente).",
            f"{name} is not installed: install PostgreSQL's client tools (Debian: apt install postgresql-client, "
            "of the server's major version or newer).",
        )
    return found


def _run(tool: str, arguments: list[str], url: URL, database_flag: bool = False) -> None:
    # Connection settings through the environment: the password stays out of the process list.
    env = dict(os.environ)
    for variable, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                            ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[variable] = str(value)
    command = [tool, *arguments]
    if database_flag:
        command[1:1] = ["--dbname", url.database or ""]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = " ".join(result.stderr.split())[:500]
        raise BackupError(f"{Path(tool).name} a échoué : {detail}", f"{Path(tool).name} failed: {detail}")


def _require_empty(database_url: str) -> None:
    engine = sqlalchemy.create_engine(normalize_url(database_url))
    try:
        with engine.connect() as connection:
            tables = sqlalchemy.inspect(connection).get_table_names()
    finally:
        engine.dispose()
    if tables:
        raise BackupError("La base cible n'est pas vide ; restaurez dans une nouvelle base.",
                          "The target database is not empty; restore into a new database.")


def _statement_count(database_url: str) -> int:
    engine = sqlalchemy.create_engine(normalize_url(database_url))
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql("SELECT count(*) FROM statements").scalar_one()
    except sqlalchemy.exc.SQLAlchemyError:
        return 0
    finally:
        engine.dispose()
