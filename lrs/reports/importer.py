"""Loading statements exported by another LRS (NDJSON, one statement a line).

Each line is validated like a POSTed statement; a batch is stored by the LRS's own
statement storage (`lrs.statements.store.store_statements`, ingest hooks included)
and committed on its own, so an import stopped half-way resumes by running it
again: ids already stored are skipped, and a line with a different statement under
an id already stored is reported, never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any, Callable, Iterable, Iterator

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lrs.auth import Credential
from lrs.db import write_transaction
from lrs.statements.backlog import ensure_indexed
from lrs.errors import XAPIError
from lrs.statements.store import StoreResult, store_statements
from lrs.tables import statements
from validators.bilingual import choose
from validators.xapi import errors_only, statements_equivalent, validate_statement

BATCH = 500
MAX_PROBLEMS = 50  # problems kept in the summary; the count goes on


@dataclass
class Problem:
    line: int
    field: str
    message_fr: str
    message_en: str

    def message(self, lang: str) -> str:
        return choose(lang, self.message_fr, self.message_en)


@dataclass
class ImportSummary:
    read: int = 0
    stored: int = 0
    already: int = 0  # same id already stored (skipped)
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)

    def reject(self, problem: Problem) -> None:
        self.rejected += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)


def import_credential(authority_homepage: str) -> Credential:
    """The authority of imported statements: the LRS's import, not a client."""
    authority = {"objectType": "Agent", "name": "parcours import", "account": {"homePage": authority_homepage, "name": "import"}}
    return Credential(key="parcours-import", scopes=frozenset({"all"}), authority=authority, name="import")


def _version(statement: dict[str, Any]) -> str:
    version = statement.get("version")
    return "2.0.0" if isinstance(version, str) and version.startswith("2") else "1.0.3"


def _lines(source: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    for number, line in enumerate(source, start=1):
        line = line.strip()
        if line:
            yield number, line


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _parse(number: int, line: bytes, summary: ImportSummary) -> dict[str, Any] | None:
    try:
        statement = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        summary.reject(Problem(number, "$", f"JSON invalide ({error})", f"invalid JSON ({error})"))
        return None
    if not isinstance(statement, dict):
        summary.reject(Problem(number, "$", "une déclaration est un objet JSON", "a statement is a JSON object"))
        return None
    # What the exporting LRS set is ours to set again.
    for owned in ("stored", "authority"):
        statement.pop(owned, None)
    findings = errors_only(validate_statement(statement, _version(statement), "$"))
    if findings:
        first = findings[0]
        summary.reject(Problem(number, first.path, first.message("fr"), first.message("en")))
        return None
    if not isinstance(statement.get("id"), str):
        summary.reject(Problem(number, "$.id", "un identifiant est requis pour dédoublonner", "an id is needed to deduplicate"))
        return None
    statement["id"] = statement["id"].lower()
    return statement


def import_ndjson(
    engine: Engine,
    source: IO[bytes],
    credential: Credential,
    hooks: Iterable[Callable] = (),
    batch_size: int = BATCH,
    progress: Callable[[int], None] = lambda n: None,
) -> ImportSummary:
    """Import every valid line of `source`; see the module docstring."""
    summary = ImportSummary()
    hooks = list(hooks)
    results: list[StoreResult] = []
    for batch in _batches(_lines(source), batch_size):
        summary.read += len(batch)
        parsed: list[tuple[int, dict[str, Any]]] = []
        seen: set[str] = set()
        for number, line in batch:
            statement = _parse(number, line, summary)
            if statement is None:
                continue
            if statement["id"] in seen:
                summary.already += 1
                continue
            seen.add(statement["id"])
            parsed.append((number, statement))
        with write_transaction(engine) as connection:
            ids = [statement["id"] for _number, statement in parsed]
            existing = dict(
                connection.execute(sa.select(statements.c.id, statements.c.body).where(statements.c.id.in_(ids))).all()
            ) if ids else {}
            fresh: dict[str, list[dict[str, Any]]] = {}
            for number, statement in parsed:
                body = existing.get(statement["id"])
                if body is None:
                    fresh.setdefault(_version(statement), []).append(statement)
                    continue
                stored = orjson.loads(body)
                if statements_equivalent(stored, statement):
                    summary.already += 1
                else:
                    summary.reject(Problem(
                        number, "$.id",
                        f"une autre déclaration d'identifiant {statement['id']} est déjà enregistrée",
                        f"a different statement with id {statement['id']} is already stored",
                    ))
            lines = {id(statement): number for number, statement in parsed}
            for version, group in fresh.items():
                results += _store_group(connection, group, version, credential, hooks, summary, lines)
        for result in results:
            result.committed()
        results = []
        progress(len(batch))
    ensure_indexed(engine)  # the import ends with its statements in the index and the reports
    return summary


def _store_group(connection, group, version, credential, hooks, summary, lines) -> list[StoreResult]:  # type: ignore[no-untyped-def]
    """Store a group at once; if the LRS refuses it (a voiding statement whose target
    is missing...), store one by one so that only the refused lines are left out."""
    try:
        with connection.begin_nested():
            result = store_statements(connection, group, version=version, credential=credential, hooks=hooks)
        summary.stored += len(result.stored)
        return [result]
    except XAPIError:
        pass
    results = []
    for statement in group:
        try:
            with connection.begin_nested():
                result = store_statements(connection, [statement], version=version, credential=credential, hooks=hooks)
            summary.stored += len(result.stored)
            results.append(result)
        except XAPIError as error:
            summary.reject(Problem(lines[id(statement)], error.field or "$", error.message_fr, error.message_en))
    return results
