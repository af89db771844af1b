"""`parcours validate FILE…`: xAPI statement files and e-learning packages.

Statement files are a JSON object, a JSON array, or NDJSON, read as a stream.
A directory, a `.zip` or an `.xml` file is a package, checked by
`validators.packages`. Exit status: 0 all valid, 1 something invalid,
2 some input unreadable.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import IO, Any, Callable

import click

from validators.bilingual import Text
from validators.cli_language import LocalizedCommand
from validators.findings import Finding
from validators.language import language_option
from validators.reporting import RENDERERS, FileReport, Renderer
from validators.xapi import validate_statement
from validators.xapi.files import Item, UnreadableFile, line_of_path, read_statements

PACKAGE_SUFFIXES = (".zip", ".xml")
MESSAGES = {
    "syntax": Text("JSON invalide : {error}", "invalid JSON: {error}"),
    "progress": Text("Validation de {file}", "Validating {file}"),
    "missing": Text("{file} : fichier introuvable", "{file}: no such file"),
}


def is_package(path: Path) -> bool:
    return path.is_dir() or path.suffix.lower() in PACKAGE_SUFFIXES


def _syntax_finding(item: Item, file: str) -> Finding:
    text = MESSAGES["syntax"].fill(error=item.error)
    return Finding(
        code="json.syntax",
        message_fr=text.fr,
        message_en=text.en,
        path=item.path,
        file=file,
        line=item.line,
    )


def _locate(findings: list[Finding], item: Item, file: str) -> list[Finding]:
    """Findings with their file and the best line: the NDJSON line, or where the key sits."""
    located = []
    for finding in findings:
        line = line_of_path(item.source, item.line, finding.path or "") if item.source else item.line
        path = finding.path or ""
        # Findings are relative to the statement; put them under its array index.
        if item.path != "$" and path.startswith("$"):
            path = item.path + path[1:]
        located.append(dataclasses.replace(finding, file=file, line=line, path=path))
    return located


def _emit(report: FileReport, renderer: Renderer, findings: list[Finding]) -> None:
    report.tally(findings)
    renderer.findings(report, findings)


def validate_statement_file(
    path: Path,
    report: FileReport,
    renderer: Renderer,
    version: str,
    lang: str,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Validate every statement of a file, telling the renderer as findings appear."""
    file = str(path)
    try:
        for item in read_statements(path, progress):
            if item.error is not None:
                report.syntax_errors += 1
                _emit(report, renderer, [_syntax_finding(item, file)])
                continue
            report.checked += 1
            findings = validate_statement(item.value, version)
            if item.repeated:
                findings = item.repeated + findings
            if findings:
                if any(finding.severity == "error" for finding in findings):
                    report.invalid += 1
                _emit(report, renderer, _locate(findings, item, file))
    except UnreadableFile as error:
        report.unreadable = error.message(lang)


def validate_package_path(path: Path, report: FileReport, renderer: Renderer, target: str, lang: str) -> None:
    from validators.packages import UnreadablePackage, validate_package  # lxml and the XSDs: only for packages

    try:
        result = validate_package(path, target=target)
    except UnreadablePackage as error:
        report.unreadable = error.message(lang)
        return
    report.kind = result.kind
    report.checked = 1
    renderer.start_file(report)
    findings = sorted(result.findings, key=lambda f: (f.file or "", f.line or 0))
    findings = [f if f.file else dataclasses.replace(f, file=str(path)) for f in findings]
    if any(finding.severity == "error" for finding in findings):
        report.invalid = 1
    _emit(report, renderer, findings)


def _progress_for(path: Path, lang: str) -> Any:
    """A progress bar on stderr when it is a terminal, else nothing."""
    if not sys.stderr.isatty():
        return None
    return click.progressbar(
        length=path.stat().st_size, label=MESSAGES["progress"].fill(file=path.name).pick(lang), file=sys.stderr
    )


def run(
    files: list[str], output_format: str, version: str, lang: str, target: str, stream: IO[str] | None = None
) -> int:
    """Validate the inputs, render the findings, and return the exit status."""
    renderer = RENDERERS[output_format](stream or sys.stdout, lang)
    reports: list[FileReport] = []
    for name in files:
        path = Path(name)
        report = FileReport(file=name)
        reports.append(report)
        if not path.exists():
            report.unreadable = MESSAGES["missing"].fill(file=name).pick(lang)
        elif is_package(path):
            validate_package_path(path, report, renderer, target, lang)
        else:
            bar = _progress_for(path, lang)
            if bar is None:
                validate_statement_file(path, report, renderer, version, lang)
            else:
                with bar:
                    validate_statement_file(path, report, renderer, version, lang, bar.update)
        renderer.end_file(report)
    renderer.finish(reports)
    if any(report.unreadable or report.syntax_errors for report in reports):
        return 2
    if any(report.invalid or report.errors for report in reports):
        return 1
    return 0


@click.command("validate", cls=LocalizedCommand)
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--format", "output_format", type=click.Choice(["human", "json", "junit"]), default="human", show_default=True,
    help="Sortie : lisible, JSON ou JUnit XML. / Output: human, JSON or JUnit XML.",
)
@click.option(
    "--xapi-version", type=click.Choice(["1.0.3", "2.0.0"]), default="1.0.3", show_default=True,
    help="Règles xAPI appliquées aux déclarations. / xAPI rules applied to statements.",
)
@language_option()
@click.option(
    "--target", type=click.Choice(["moodle", "strict"]), default="moodle", show_default=True,
    help="Exigences appliquées aux paquets. / Requirements applied to packages.",
)
def validate(files: tuple[str, ...], output_format: str, xapi_version: str, lang: str, target: str) -> None:
    """Valide des déclarations xAPI (JSON, tableau JSON, NDJSON) et des paquets (dossier, .zip, .xml).

    Validates xAPI statements (JSON, JSON array, NDJSON) and packages (folder, .zip, .xml).
    Exit status: 0 valid, 1 invalid, 2 unreadable input.
    """
    sys.exit(run(list(files), output_format, xapi_version, lang, target))
