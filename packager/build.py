"""`build_packages(course_dir, formats, out)`: load a course once, write one checked package a format,
all of them or none."""

from __future__ import annotations

import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from marshmallow import ValidationError

from packager.checks import package_findings
from packager.course import Course, load_course
from packager.course.model import ReportTo
from packager.course.schemas import check_http_url, check_report_key
from packager.formats import DEFAULT_FORMAT, FORMATS
from packager.messages import msg
from packager.zipwriter import write_directory, write_zip
from validators.bilingual import BilingualError
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
        lines = [head.pick(lang)]
        for finding in self.findings:
            where = finding.where()
            lines.append(f"  {where}: {finding.message(lang)}" if where else f"  {finding.message(lang)}")
        return "\n".join(lines)


class PackageErrors(PackageError):
    """Several packages failed their checks: nothing was written."""

    def __init__(self, errors: list[PackageError]):
        self.errors = errors
        first = errors[0]
        super().__init__(first.format, first.target, first.findings)

    def __reduce__(self):
        return (PackageErrors, (self.errors,))

    def format_message(self, lang: str = "fr") -> str:
        return "\n".join(error.format_message(lang) for error in self.errors)


class OutputError(BilingualError):
    """The output location cannot be used."""


@dataclass(frozen=True)
class Built:
    format: str
    path: Path
    archive: Path | None = None  # web: the preview folder's zip, to publish or download
    warnings: tuple[Finding, ...] = ()  # what the package validators advise, the package being valid


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


def report_target(endpoint: str | None, key: str | None, home_page: str | None = None) -> ReportTo:
    """The command line's dual tracking target, checked as `report_to:` is; ValueError
    carries (option, bilingual message)."""
    checks = (("--report-to", endpoint, check_http_url), ("--report-key", key, check_report_key),
              ("--report-home-page", home_page, check_http_url))
    for option, value, check in checks:
        if value is None and option == "--report-home-page":
            continue
        if value is None:
            raise ValueError(option, msg("required"))
        try:
            check(value)
        except ValidationError as error:
            raise ValueError(option, error.messages[0]) from None
    return ReportTo(endpoint=str(endpoint), key=str(key), home_page=home_page)


@dataclass(frozen=True)
class Staged:
    """A built and checked package under temporary names beside its final paths."""

    built: Built
    temporaries: tuple[Path, ...]  # one per written_paths(built), in the same order


def stage_format(course: Course, package_format: str, out: Path) -> Staged:
    """Build and check one package under temporary names; a failing package leaves nothing."""
    package = FORMATS[package_format].package(course)
    target = out / package_name(course, package_format)
    if package_format != "web":
        temporary, warnings = _stage_zip(target, package.files, package_format, package_findings)
        return Staged(Built(package_format, target, warnings=warnings), (temporary,))
    # the folder to open locally; the same files zipped, to publish (there is no manifest to check)
    _check_web_target(target)
    folder = _stage_web(target, package.files)
    archive = target.with_name(target.name + ".zip")
    try:
        archive_temporary, _none = _stage_zip(archive, package.files, package_format, lambda written: [])
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Staged(Built(package_format, target, archive), (folder, archive_temporary))


def commit(staged: Staged) -> Built:
    """Move a staged package to its final paths, replacing a previous build."""
    for temporary, final in zip(staged.temporaries, written_paths(staged.built)):
        if temporary.is_dir():
            if final.exists():
                _check_web_target(final)
                shutil.rmtree(final)
            temporary.rename(final)
        else:
            os.replace(temporary, final)
    return staged.built


def discard(staged: Staged) -> None:
    for temporary in staged.temporaries:
        if temporary.is_dir():
            shutil.rmtree(temporary, ignore_errors=True)
        else:
            temporary.unlink(missing_ok=True)


def build_format(course: Course, package_format: str, out: Path) -> Built:
    """Build, check and write one package; a failing package leaves nothing behind."""
    return commit(stage_format(course, package_format, out))


def _stage_zip(target: Path, files: dict, package_format: str,
               check: Callable[[Path], list[Finding]]) -> tuple[Path, tuple[Finding, ...]]:
    """Write under a temporary name beside `target` and check: a failing package leaves
    nothing; a valid one comes with the warnings of its check."""
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary_path = Path(temporary)
    try:
        write_zip(temporary_path, files)
        findings = check(temporary_path)
        errors = [finding for finding in findings if finding.severity == "error"]
        if errors:
            raise PackageError(package_format, target, errors)
        os.chmod(temporary_path, 0o644)
        return temporary_path, tuple(finding for finding in findings if finding.severity != "error")
    except BaseException:
        temporary_path.unlink(missing_ok=True)
        raise


def _check_web_target(target: Path) -> None:
    if target.exists() and not (target / WEB_MARKER).is_file():
        raise OutputError(
            f"{target} existe déjà et n'a pas été produit par parcours : supprimez-le ou changez --out",
            f"{target} already exists and was not made by parcours: remove it or change --out",
        )


def _stage_web(target: Path, files: dict) -> Path:
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        write_directory(staging, files)
        (staging / WEB_MARKER).write_bytes(b"")
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a preview site is meant to be served
        return staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def build_packages(course_dir: Path | str, formats: list[str] | None = None, out: Path | str = "dist",
                   report_to: ReportTo | None = None) -> list[Built]:
    """Build `formats` (default scorm12) of the course in `course_dir` into `out`;
    `report_to` (dual tracking of the SCORM formats) overrides the course's `report_to:`.

    Every format is built and checked before any is written: raises CourseError (the
    course has mistakes), PackageError (packages fail their checks: each failing
    format's findings) or OutputError, and then nothing is written.
    """
    formats = formats or [DEFAULT_FORMAT]
    for name in formats:
        if name not in FORMATS:
            raise ValueError(msg("unknown_format", value=name, choices=", ".join(FORMATS)))
    course = load_course(course_dir)
    if report_to is not None:
        course = replace(course, report_to=report_to)
    out = Path(out)
    if out.exists() and not out.is_dir():
        message = msg("out_not_dir", dir=str(out))
        raise OutputError(message.fr, message.en)
    out.mkdir(parents=True, exist_ok=True)
    media_bytes = sum((course.root / asset).stat().st_size for asset in course.assets)
    staged: list[Staged] = []
    failed: list[PackageError] = []
    try:
        if len(formats) > 1 and media_bytes >= PARALLEL_THRESHOLD and (os.cpu_count() or 1) > 1:
            # zips of large media are bound by writing and CRCs: one process a format
            with ProcessPoolExecutor(max_workers=min(len(formats), os.cpu_count() or 1)) as pool:
                futures = [pool.submit(stage_format, course, name, out) for name in formats]
                for future in futures:
                    _collect(future.result, staged, failed)
        else:
            for name in formats:
                _collect(lambda: stage_format(course, name, out), staged, failed)
    except BaseException:
        for package in staged:
            discard(package)
        raise
    if failed:
        for package in staged:
            discard(package)
        raise failed[0] if len(failed) == 1 else PackageErrors(failed)
    return [commit(package) for package in staged]


def _collect(stage: Callable[[], Staged], staged: list[Staged], failed: list[PackageError]) -> None:
    try:
        staged.append(stage())
    except PackageError as error:
        failed.append(error)
