"""`build_packages(course_dir, formats, out)`: load a course once, write one checked package a format."""

from __future__ import annotations

import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from packager.checks import package_findings
from packager.course import Course, load_course
from packager.formats import DEFAULT_FORMAT, FORMATS
from packager.messages import msg
from packager.zipwriter import write_directory, write_zip
from validators.findings import Finding

WEB_MARKER = ".parcours-web"  # lets a rebuild replace its own previous preview folder, and nothing else
PARALLEL_THRESHOLD = 8 * 1024 * 1024  # below this many bytes of media, processes cost more than they save


class PackageError(Exception):
    """A built package failed its checks: nothing was written."""

    def __init__(self, package_format: str, target: Path, findings: list[Finding]):
        self.format = package_format
        self.target = target
        self.findings = findings
        super().__init__(self.format_message("en"))

    def __reduce__(self):  # raised in worker processes: must cross back intact
        return (PackageError, (self.format, self.target, self.findings))

    def format_message(self, lang: str = "fr") -> str:
        head = msg("package_invalid", file=self.target.name)
        lines = [head.en if lang == "en" else head.fr]
        for finding in self.findings:
            where = finding.where()
            lines.append(f"  {where}: {finding.message(lang)}" if where else f"  {finding.message(lang)}")
        return "\n".join(lines)


class OutputError(Exception):
    """The output location cannot be used."""

    def __init__(self, message_fr: str, message_en: str):
        self.message_fr = message_fr
        self.message_en = message_en
        super().__init__(message_en)

    def __reduce__(self):
        return (OutputError, (self.message_fr, self.message_en))


@dataclass(frozen=True)
class Built:
    format: str
    path: Path
    archive: Path | None = None  # web: the preview folder's zip, to publish or download


def written_paths(built: Built) -> list[Path]:
    return [built.path] if built.archive is None else [built.path, built.archive]


def package_name(course: Course, package_format: str) -> str:
    base = course.root.resolve().name or "cours"
    return f"{base}-{package_format}" if package_format == "web" else f"{base}-{package_format}.zip"


def parse_formats(text: str) -> list[str]:
    """`scorm12,cmi5` -> ['scorm12', 'cmi5']; raises ValueError (bilingual) for an unknown name."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()] or [DEFAULT_FORMAT]
    for name in names:
        if name not in FORMATS:
            message = msg("unknown_format", value=name, choices=", ".join(FORMATS))
            raise ValueError(message)
    return list(dict.fromkeys(names))


def build_format(course: Course, package_format: str, out: Path) -> Built:
    """Build, check and write one package; a failing package leaves nothing behind."""
    package = FORMATS[package_format].package(course)
    target = out / package_name(course, package_format)
    if package_format == "web":
        # the folder to open locally; the same files zipped, to publish (there is no manifest to check)
        _write_web(target, package.files)
        archive = target.with_name(target.name + ".zip")
        _write_zip_atomically(archive, package.files, package_format, lambda written: [])
        return Built(package_format, target, archive)
    _write_zip_atomically(target, package.files, package_format, lambda written: package_findings(package, written))
    return Built(package_format, target)


def _write_zip_atomically(target: Path, files: dict, package_format: str,
                          check: Callable[[Path], list[Finding]]) -> None:
    """Write under a temporary name, check, then rename: a failing package leaves nothing."""
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary_path = Path(temporary)
    try:
        write_zip(temporary_path, files)
        findings = check(temporary_path)
        if findings:
            raise PackageError(package_format, target, findings)
        os.chmod(temporary_path, 0o644)
        os.replace(temporary_path, target)
    finally:
        temporary_path.unlink(missing_ok=True)


def _write_web(target: Path, files: dict) -> None:
    if target.exists():
        if not (target / WEB_MARKER).is_file():
            raise OutputError(
                f"{target} existe déjà et n'a pas été produit par parcours : supprimez-le ou changez --out",
                f"{target} already exists and was not made by parcours: remove it or change --out",
            )
        shutil.rmtree(target)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        write_directory(staging, files)
        (staging / WEB_MARKER).write_bytes(b"")
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a preview site is meant to be served
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def build_packages(course_dir: Path | str, formats: list[str] | None = None, out: Path | str = "dist") -> list[Built]:
    """Build `formats` (default scorm12) of the course in `course_dir` into `out`.

    Raises CourseError (the course has mistakes), PackageError (a package fails its
    checks) or OutputError; packages of other formats already written stay valid.
    """
    formats = formats or [DEFAULT_FORMAT]
    for name in formats:
        if name not in FORMATS:
            raise ValueError(msg("unknown_format", value=name, choices=", ".join(FORMATS)))
    course = load_course(course_dir)
    out = Path(out)
    if out.exists() and not out.is_dir():
        message = msg("out_not_dir", dir=str(out))
        raise OutputError(message.fr, message.en)
    out.mkdir(parents=True, exist_ok=True)
    media_bytes = sum((course.root / asset).stat().st_size for asset in course.assets)
    if len(formats) > 1 and media_bytes >= PARALLEL_THRESHOLD and (os.cpu_count() or 1) > 1:
        # zips of large media are bound by writing and CRCs: one process a format
        with ProcessPoolExecutor(max_workers=min(len(formats), os.cpu_count() or 1)) as pool:
            futures = [pool.submit(build_format, course, name, out) for name in formats]
            return [future.result() for future in futures]
    return [build_format(course, name, out) for name in formats]
