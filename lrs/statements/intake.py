"""Statements sent to the LRS, from the request's JSON to their ids: parsed, their
sizes checked, validated, their attachments matched, then stored in one transaction
(retried once when a concurrent request stored one of the ids first).

Nothing here reads the Flask request: the request thread calls it, and so do the
helper processes that store batches for it (`lrs.statements.store_processes`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from lrs.auth import Credential
from lrs.db import write_transaction
from lrs.errors import XAPIError
from lrs.params import require_json_object
from lrs.statements.attachments_in import collect_attachment_parts, require_no_missing_content
from lrs.statements.backlog import storing
from lrs.statements.index_writer import IngestHook
from lrs.statements.limits import check_statement_sizes
from lrs.statements.multipart import Part
from lrs.statements.store import prepare_batch, write_batch
from validators.xapi import errors_only, validate_statement


def parse_json_body(raw: bytes) -> Any:
    """The JSON of a plain `application/json` body; 400 when there is none."""
    if not raw.strip():
        raise XAPIError(400, "La requête n'a pas de corps : envoyez une déclaration.",
                        "The request has no body: send a statement.", "body")
    return require_json_object(raw)


def statements_sent(body: Any) -> tuple[list[Any], list[str]]:
    """A POST body's statements and where each sits in it (`$[3]`, or `$` for one object)."""
    if isinstance(body, list):
        return body, [f"$[{position}]" for position in range(len(body))]
    return [body], ["$"]


def validate_sent(items: list[Any], paths: list[str], version: str) -> None:
    """400 naming the first problem (and how many more) of the first invalid statement."""
    for item, path in zip(items, paths):
        findings = errors_only(validate_statement(item, version, path))
        if findings:
            first = findings[0]
            lang_en, lang_fr = first.message("en"), first.message("fr")
            more_en = f" ({len(findings) - 1} more problem(s))" if len(findings) > 1 else ""
            more_fr = f" ({len(findings) - 1} autre(s) problème(s))" if len(findings) > 1 else ""
            raise XAPIError(400, f"{first.path} : {lang_fr}{more_fr}", f"{first.path}: {lang_en}{more_en}", first.path)


def store_sent(
    items: list[Any],
    paths: list[str],
    parts: list[Part] | None,
    credential: Credential,
    *,
    version: str,
    engine: Engine,
    hooks: list[IngestHook],
    max_statement_bytes: int,
    content_length: int | None,
) -> list[str]:
    """Check and store the statements of one request; their ids, in order."""
    check_statement_sizes(items, paths, max_statement_bytes, content_length)
    validate_sent(items, paths, version)
    if parts is None:
        require_no_missing_content(items, paths)
        contents: dict[str, tuple[str, bytes]] = {}
    else:
        contents = collect_attachment_parts(items, parts, paths)
    batch = prepare_batch(items, version=version, credential=credential, attachment_parts=contents, paths=paths)
    for attempt in (1, 2):
        try:
            with storing(engine), write_transaction(engine) as connection:
                result = write_batch(connection, batch, hooks=hooks)
            result.committed()
            return result.ids
        except IntegrityError:
            if attempt == 2:
                raise XAPIError(409, "Une déclaration ayant l'un de ces identifiants a été enregistrée en même temps.",
                                "A statement with one of these ids was stored concurrently.", "$.id")
    return []
