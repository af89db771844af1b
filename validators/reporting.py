"""How `parcours validate` shows findings: for people (human), for programs (json), for CI (junit).

The same renderers serve statement files and packages. Human output is
written as findings arrive, so validating a huge file shows problems at once
and keeps memory flat; json and junit need the whole picture and collect it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import IO
from xml.etree import ElementTree

from validators.findings import Finding

TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "error": "erreur",
        "warning": "avertissement",
        "info": "info",
        "unreadable": "illisible",
        "package": "{file} : paquet {kind}",
        "summary": "{files} fichier(s), {checked} déclaration(s) ou paquet(s) vérifiés, {invalid} invalide(s) ; {errors} erreur(s), {warnings} avertissement(s)",
        "valid": "tout est valide",
        "nothing_checked": "{files} fichier(s) illisible(s) : rien n'a été vérifié",
        "also_unreadable": " ; {count} fichier(s) illisible(s)",
        "valid_statements": "déclarations valides",
    },
    "en": {
        "error": "error",
        "warning": "warning",
        "info": "info",
        "unreadable": "unreadable",
        "package": "{file}: {kind} package",
        "summary": "{files} file(s), {checked} statement(s) or package(s) checked, {invalid} invalid; {errors} error(s), {warnings} warning(s)",
        "valid": "everything is valid",
        "nothing_checked": "{files} unreadable file(s): nothing was checked",
        "also_unreadable": "; {count} unreadable file(s)",
        "valid_statements": "valid statements",
    },
}


@dataclass
class FileReport:
    """What was found in one input file or package."""

    file: str
    kind: str = "statements"
    checked: int = 0
    invalid: int = 0
    errors: int = 0
    warnings: int = 0
    syntax_errors: int = 0
    findings: list[Finding] = field(default_factory=list)  # filled by the collecting renderers only
    unreadable: str | None = None

    def tally(self, findings: list[Finding]) -> None:
        for finding in findings:
            if finding.severity == "error":
                self.errors += 1
            elif finding.severity == "warning":
                self.warnings += 1

    def count(self, severity: str) -> int:
        return self.errors if severity == "error" else self.warnings if severity == "warning" else 0


class Renderer:
    """The interface the command drives: one file at a time, then a summary."""

    def __init__(self, stream: IO[str], lang: str) -> None:
        self.stream = stream
        self.lang = lang
        self.texts = TEXTS[lang]

    def start_file(self, report: FileReport) -> None:
        """A file begins (a package is announced with its kind)."""

    def findings(self, report: FileReport, findings: list[Finding]) -> None:
        """Findings about one statement or one package, as they are found."""

    def end_file(self, report: FileReport) -> None:
        """A file is done."""

    def finish(self, reports: list[FileReport]) -> None:
        """All files are done."""


class HumanRenderer(Renderer):
    def start_file(self, report: FileReport) -> None:
        if report.kind != "statements":
            self.stream.write(self.texts["package"].format(file=report.file, kind=report.kind) + "\n")

    def findings(self, report: FileReport, findings: list[Finding]) -> None:
        for finding in findings:
            where = finding.where() or report.file
            label = self.texts.get(finding.severity, finding.severity)
            self.stream.write(f"{where}: {label}: {finding.message(self.lang)} [{finding.code}]\n")

    def end_file(self, report: FileReport) -> None:
        if report.unreadable:
            self.stream.write(f"{self.texts['unreadable']}: {report.unreadable}\n")

    def finish(self, reports: list[FileReport]) -> None:
        unreadable_files = sum(1 for report in reports if report.unreadable)
        if unreadable_files == len(reports):
            # nothing was read: "0 erreur(s)" would read as a clean result
            self.stream.write(self.texts["nothing_checked"].format(files=unreadable_files) + "\n")
            return
        errors = sum(report.count("error") for report in reports)
        warnings = sum(report.count("warning") for report in reports)
        invalid = sum(report.invalid for report in reports)
        summary = self.texts["summary"].format(
            files=len(reports),
            checked=sum(report.checked for report in reports),
            invalid=invalid,
            errors=errors,
            warnings=warnings,
        )
        if unreadable_files:
            summary += self.texts["also_unreadable"].format(count=unreadable_files)
        unreadable = any(report.unreadable or report.syntax_errors for report in reports)
        self.stream.write(summary + ("" if errors or invalid or unreadable else f" — {self.texts['valid']}") + "\n")


class _Collecting(Renderer):
    """Keeps every finding for a report written at the end."""

    def findings(self, report: FileReport, findings: list[Finding]) -> None:
        report.findings.extend(findings)


class JsonRenderer(_Collecting):
    def finish(self, reports: list[FileReport]) -> None:
        document = {
            "valid": all(not r.invalid and not r.unreadable and not r.errors for r in reports),
            "files": [
                {
                    "file": report.file,
                    "kind": report.kind,
                    "checked": report.checked,
                    "invalid": report.invalid,
                    "errors": report.count("error"),
                    "warnings": report.count("warning"),
                    "syntax_errors": report.syntax_errors,
                    **({"unreadable": report.unreadable} if report.unreadable else {}),
                    "findings": [finding.to_dict(self.lang) for finding in report.findings],
                }
                for report in reports
            ],
        }
        json.dump(document, self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")


def _statement_key(finding: Finding) -> str:
    """Which statement a finding is about: its array index, else its (NDJSON) line."""
    path = finding.path or "$"
    if path.startswith("$["):
        return f"{finding.file} {path[: path.index(']') + 1]}"
    return f"{finding.file}:{finding.line}"


class JunitRenderer(_Collecting):
    """One test suite per file; one failing test case per invalid statement or package file."""

    def finish(self, reports: list[FileReport]) -> None:
        suites = ElementTree.Element("testsuites", name="parcours validate")
        for report in reports:
            groups: dict[str, list[Finding]] = {}
            for finding in report.findings:
                if finding.severity == "error":
                    key = _statement_key(finding) if report.kind == "statements" else (finding.file or report.file)
                    groups.setdefault(key, []).append(finding)
            failures = len(groups) + (1 if report.unreadable else 0)
            valid = max(report.checked - report.invalid, 0) if report.kind == "statements" else 0
            suite = ElementTree.SubElement(
                suites,
                "testsuite",
                name=report.file,
                tests=str(failures + (1 if valid or not failures else 0)),
                failures=str(failures),
                errors="0",
            )
            if report.unreadable:
                case = ElementTree.SubElement(suite, "testcase", classname=report.kind, name=report.file)
                ElementTree.SubElement(case, "failure", message=report.unreadable, type="unreadable")
            for name, findings in groups.items():
                case = ElementTree.SubElement(suite, "testcase", classname=report.kind, name=name)
                failure = ElementTree.SubElement(
                    case, "failure", message=findings[0].message(self.lang), type=findings[0].code
                )
                failure.text = "\n".join(f"{f.where()}: {f.message(self.lang)} [{f.code}]" for f in findings)
            if valid or not failures:
                label = f"{self.texts['valid_statements']} ({valid})" if report.kind == "statements" else report.kind
                ElementTree.SubElement(suite, "testcase", classname=report.kind, name=label)
        ElementTree.indent(suites)
        self.stream.write(ElementTree.tostring(suites, encoding="unicode", xml_declaration=True) + "\n")


RENDERERS: dict[str, type[Renderer]] = {"human": HumanRenderer, "json": JsonRenderer, "junit": JunitRenderer}
