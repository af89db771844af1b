"""Publishing and unpublishing course packages.

A package is streamed into the blob directory under a temporary name, validated with
`validators` (zip safety first), its structure read (`validators.packages.structure`),
then kept under its SHA-256 and registered in one transaction. A refused package
leaves nothing: no row, no blob, no temporary file. The formats of one course (same
IRI and version) are one course with one download per format; a new version keeps
the older ones, and the most recently first-published version is `latest`.
Unpublishing removes a version from the catalogue and its blobs that no other
download uses; statements are never touched.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO, Callable

import sqlalchemy
import sqlalchemy.exc
from sqlalchemy.engine import Connection, Engine

from lrs.courses import rows
from lrs.courses.blobs import CHUNK_BYTES, TEMPORARY_PREFIX, BlobStore, PackageTooLarge, ReceivedBlob
from lrs.courses.registry import course_structure
from lrs.courses.tables import course_downloads, courses
from lrs.db import write_transaction
from validators.findings import Finding
from validators.packages import validate_package
from validators.packages.catalog import finding
from validators.packages.source import DirectorySource
from validators.packages.structure import (
    COURSE_DESCRIPTION,
    CourseDescriptionInvalid,
    CourseStructure,
    StructureUnreadable,
    merge_structures,
    read_structure,
)

# A `web` build has no LMS manifest: its course description stands for one.
WEB_FORMAT = "web"
NO_MANIFEST = "PACKAGE-NO-MANIFEST"
WEB_INDEX = "index.html"
REGISTER_ATTEMPTS = 3
FOLDER_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
VALIDATION_TARGET = "moodle"  # the LMS the campus runs; `strict` would refuse what Moodle plays


class PackageRefused(Exception):
    """A package that is not published, with the findings that say why."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("; ".join(f"{item.code} {item.where()} {item.message_en}" for item in findings))
        self.findings = findings


class CourseNotFound(LookupError):
    def __init__(self, iri: str, version: str | None) -> None:
        super().__init__(iri if version is None else f"{iri} {version}")
        self.iri = iri
        self.version = version


@dataclass(frozen=True)
class Publication:
    """What publishing one package did. `status`: `created` (a new course version),
    `added` (a format added to it), `replaced` (that format's zip changed),
    `unchanged` (the same zip again)."""

    iri: str
    version: str
    format: str
    formats: tuple[str, ...]
    module_count: int
    sha256: str
    size: int
    status: str
    filename: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "course": self.iri,
            "version": self.version,
            "format": self.format,
            "formats": list(self.formats),
            "modules": self.module_count,
            "sha256": self.sha256,
            "size": self.size,
            "status": self.status,
            "filename": self.filename,
        }


@dataclass(frozen=True)
class Removal:
    iri: str
    version: str
    formats: tuple[str, ...]
    module_count: int

    def to_dict(self) -> dict[str, Any]:
        return {"course": self.iri, "version": self.version, "formats": list(self.formats), "modules": self.module_count}


def publish_stream(engine: Engine, store: BlobStore, read: Callable[[int], bytes], *, filename: str | None,
                   max_bytes: int) -> Publication:
    """Publish the zip read from `read(n)` (a request body, a file); PackageRefused if it
    is not fit. `filename` names the download (default: from the course IRI and format)."""
    label = filename or "package.zip"
    try:
        received = store.receive(read, max_bytes)
    except PackageTooLarge as error:
        raise PackageRefused([too_large(label, error.limit)]) from error
    try:
        structure = _checked_structure(received, label)
        return _register(engine, store, received, structure, filename or default_filename(structure))
    finally:
        store.discard(received)  # already renamed when kept: then a no-op


def publish_file(engine: Engine, store: BlobStore, path: str | Path, *, max_bytes: int) -> Publication:
    """Publish a zip, or a package folder (a `web` build) zipped first."""
    location = Path(path)
    if location.is_dir():
        return _publish_folder(engine, store, location, max_bytes)
    with open(location, "rb") as stream:
        return publish_stream(engine, store, stream.read, filename=location.name, max_bytes=max_bytes)


def _publish_folder(engine: Engine, store: BlobStore, folder: Path, max_bytes: int) -> Publication:
    store.directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=store.directory, prefix=TEMPORARY_PREFIX) as archive:
        zip_folder(folder, archive)
        archive.seek(0)
        return publish_stream(engine, store, archive.read, filename=folder.name + ".zip", max_bytes=max_bytes)


def zip_folder(folder: Path, output: BinaryIO) -> None:
    """Zip a package folder's files into `output`: sorted, fixed timestamps, so the same
    folder gives the same zip. PackageRefused if it holds symbolic links."""
    source = DirectorySource(folder)
    if source.symlinks:
        raise PackageRefused([finding("PACKAGE-SYMLINK", file=name, name=name) for name in source.symlinks])
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.names():
            info = zipfile.ZipInfo(name, date_time=FOLDER_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with open(folder / name, "rb") as file, archive.open(info, "w") as entry:
                shutil.copyfileobj(file, entry, CHUNK_BYTES)


def default_filename(structure: CourseStructure) -> str:
    """`<last segment of the course IRI>-<format>.zip`, in safe characters."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", structure.iri.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]).strip("-.")
    return f"{stem[:80] or 'course'}-{structure.package_format}.zip"


def too_large(filename: str, limit: int) -> Finding:
    return Finding(
        code="PACKAGE-TOO-LARGE",
        message_fr=f"Le paquet dépasse la taille maximale de publication ({limit} octets, PARCOURS_MAX_PACKAGE_BYTES).",
        message_en=f"The package is larger than the publishing limit ({limit} bytes, PARCOURS_MAX_PACKAGE_BYTES).",
        file=filename,
    )


def _checked_structure(received: ReceivedBlob, filename: str) -> CourseStructure:
    """The package's structure once `validators` found no error in it; PackageRefused otherwise."""
    report = validate_package(received.path, VALIDATION_TARGET)
    # Findings name the zip by the name it was published under, not the temporary file.
    findings = [replace(item, file=filename) if item.file == received.path.name else item for item in report.findings]
    errors = [item for item in findings if item.severity == "error"]
    structure = None
    try:
        structure = read_structure(received.path, name=filename)
    except CourseDescriptionInvalid as error:
        errors.append(Finding(code="COURSE-DESCRIPTION-INVALID", file=COURSE_DESCRIPTION,
                              message_fr=f"Description du cours illisible : {error.message_fr}",
                              message_en=f"Unreadable course description: {error.message_en}"))
    except StructureUnreadable:
        if not errors:  # the validator refuses what cannot be read; should it not, say so
            raise PackageRefused([Finding(code="PACKAGE-UNREADABLE", file=filename,
                                          message_fr="Paquet illisible.", message_en="Unreadable package.")])
    package_format = None if structure is None else _package_format(report.kind, structure)
    if package_format == WEB_FORMAT:
        errors = [item for item in errors if item.code != NO_MANIFEST] + _web_findings(received)
    if errors:
        raise PackageRefused(errors)
    assert structure is not None and package_format is not None
    if not structure.iri:  # AICC or a plain zip: the content names the course
        structure = replace(structure, iri=f"urn:parcours:package:{received.sha256}")
    return replace(structure, package_format=package_format)


def _package_format(kind: str, structure: CourseStructure) -> str:
    """What the validator detected (the manifest decides, whatever a description claims);
    `web` for a zip without manifest whose course description says so."""
    if kind.startswith("scorm2004"):
        return "scorm2004"
    if kind == "zip" and structure.source == COURSE_DESCRIPTION and structure.package_format == WEB_FORMAT:
        return WEB_FORMAT
    return kind


def _web_findings(received: ReceivedBlob) -> list[Finding]:
    """A `web` build is opened at its root's index.html."""
    with zipfile.ZipFile(received.path) as archive:
        if WEB_INDEX in archive.namelist():
            return []
    return [Finding(code="WEB-NO-INDEX", file=WEB_INDEX,
                    message_fr=f"Paquet web sans {WEB_INDEX} à sa racine : rien à ouvrir pour l'essayer.",
                    message_en=f"Web package without {WEB_INDEX} at its root: nothing to open to try it.")]


def _register(engine: Engine, store: BlobStore, received: ReceivedBlob, structure: CourseStructure,
              filename: str) -> Publication:
    blob_existed = store.exists(received.sha256)
    store.keep(received)
    try:
        for attempt in range(1, REGISTER_ATTEMPTS + 1):
            try:
                with write_transaction(engine) as connection:
                    publication, released = _store(connection, received, structure, filename)
                break
            except sqlalchemy.exc.IntegrityError:
                # Another node registered the same course version (or format) at the same
                # moment (PostgreSQL): the next attempt finds it and adds to it.
                if attempt == REGISTER_ATTEMPTS:
                    raise
    except BaseException:
        if not blob_existed:
            _delete_unused(engine, store, [received.sha256])
        raise
    _delete_unused(engine, store, released)
    return publication


def _store(connection: Connection, received: ReceivedBlob, structure: CourseStructure,
           filename: str) -> tuple[Publication, list[str]]:
    """Register the package; return what was done and the blobs it no longer uses."""
    now = rows.now_us()
    # Two nodes adding formats to one course at once: the second waits here for the first
    # to commit, then reads what it stored (PostgreSQL; SQLite has one writer at a time).
    # A course created by another node after this lookup is not read without its lock:
    # inserting it again fails on its unique index and the next attempt locks it.
    locked = connection.execute(sqlalchemy.select(courses.c.id).where(
        courses.c.iri == structure.iri, courses.c.version == structure.version).with_for_update()).first()
    existing = None if locked is None else course_structure(connection, structure.iri, structure.version)
    fmt = structure.package_format
    released: list[str] = []
    if existing is None:
        course_id = rows.insert_course(connection, structure, now)
        rows.insert_modules(connection, course_id, structure)
        rows.mark_latest(connection, structure.iri)
        status = "created"
    else:
        course_id = existing.id
        previous = next((item for item in existing.downloads if item.format == fmt), None)
        if previous is not None and previous.sha256 == received.sha256:
            return _publication(structure, existing.formats, existing.module_count, received, "unchanged",
                                previous.filename), []
        # The richer structure leads (a course description beats a manifest); the other completes it.
        if structure.source == COURSE_DESCRIPTION or existing.structure.source != COURSE_DESCRIPTION:
            merged = merge_structures(structure, existing.structure)
        else:
            merged = merge_structures(existing.structure, structure)
        rows.replace_course(connection, course_id, merged, now)
        status = "added" if previous is None else "replaced"
        released = [] if previous is None else [previous.sha256]
    rows.put_download(connection, course_id, fmt, sha256=received.sha256, size=received.size, filename=filename,
                      launch=structure.launch, now=now)
    module_count = connection.execute(
        sqlalchemy.select(courses.c.module_count).where(courses.c.id == course_id)
    ).scalar_one()
    return _publication(structure, rows.formats_of(connection, course_id), module_count, received, status,
                        filename), released


def _publication(structure: CourseStructure, formats: tuple[str, ...], module_count: int, received: ReceivedBlob,
                 status: str, filename: str) -> Publication:
    return Publication(structure.iri, structure.version, structure.package_format, formats, module_count,
                       received.sha256, received.size, status, filename)


def unpublish(engine: Engine, store: BlobStore, iri: str, version: str | None = None) -> list[Removal]:
    """Remove one version of a course (every version when `version` is None) from the
    catalogue; CourseNotFound when there is none. Statements are not touched."""
    with write_transaction(engine) as connection:
        query = sqlalchemy.select(courses.c.id, courses.c.version, courses.c.module_count).where(courses.c.iri == iri)
        if version is not None:
            query = query.where(courses.c.version == version)
        found = connection.execute(query.order_by(courses.c.published_us)).all()
        if not found:
            raise CourseNotFound(iri, version)
        ids = [row.id for row in found]
        downloads = connection.execute(
            sqlalchemy.select(course_downloads.c.course_id, course_downloads.c.format, course_downloads.c.sha256)
            .where(course_downloads.c.course_id.in_(ids)).order_by(course_downloads.c.format)
        ).all()
        rows.delete_courses(connection, ids)
        rows.mark_latest(connection, iri)
    _delete_unused(engine, store, sorted({row.sha256 for row in downloads}))
    return [
        Removal(iri, row.version, tuple(d.format for d in downloads if d.course_id == row.id), row.module_count)
        for row in found
    ]


def _delete_unused(engine: Engine, store: BlobStore, digests: list[str]) -> None:
    """Delete the blobs of `digests` that no download refers to any more."""
    if not digests:
        return
    with engine.connect() as connection:
        used = set(connection.execute(
            sqlalchemy.select(course_downloads.c.sha256).where(course_downloads.c.sha256.in_(digests))
        ).scalars())
    for digest in digests:
        if digest not in used:
            store.delete(digest)
