"""A learner's rights under the GDPR: access (everything about them, in one ZIP) and
erasure (their statements, documents, names and report rows, in one transaction).

A learner is found by their inverse functional identifier, as the xAPI `agent`
filter does: the statements where they are the actor or the object (and, for
access, every statement naming them anywhere: team, instructor, context agents).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from lrs.db import read_transaction, write_transaction
from lrs.statements.backlog import ensure_indexed
from lrs.documents.table import documents
from lrs.reports.db_tables import report_facts, report_items, report_progress
from lrs.statements.index_keys import index_key
from lrs.tables import agent_names, statement_keys, statements
from lrs.timeutil import from_micros, rfc3339

ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass
class ErasureSummary:
    statements: int = 0
    documents: int = 0
    report_rows: int = 0
    names: int = 0
    mentioned_elsewhere: int = 0  # statements about others that still name the learner


def _seqs(connection: Connection, learner_key: str, kind: str) -> list[int]:
    return list(
        connection.execute(
            sa.select(statement_keys.c.seq).where(statement_keys.c.key == index_key(kind, learner_key)).distinct()
        ).scalars()
    )


def _entry(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def export_learner(engine: Engine, learner_key: str, agent: dict[str, Any]) -> bytes:
    """A ZIP: statements.ndjson, documents/ (with index.json), reports.json, README.txt."""
    ensure_indexed(engine)
    buffer = io.BytesIO()
    with read_transaction(engine) as connection, zipfile.ZipFile(buffer, "w") as archive:
        seqs = _seqs(connection, learner_key, "G")
        bodies: list[str] = []
        for start in range(0, len(seqs), 500):
            chunk = seqs[start : start + 500]
            rows = connection.execute(
                sa.select(statements.c.body).where(statements.c.seq.in_(chunk)).order_by(statements.c.seq)
            )
            bodies.extend(row[0] for row in rows)
        _entry(archive, "statements.ndjson", ("\n".join(bodies) + ("\n" if bodies else "")).encode())

        index = []
        for number, row in enumerate(connection.execute(
            sa.select(documents).where(documents.c.agent_key == learner_key).order_by(documents.c.id)
        ), start=1):
            name = f"documents/{number:05d}"
            _entry(archive, name, row.content)
            index.append({
                "file": name,
                "kind": row.kind,
                "activityId": row.activity_id or None,
                "registration": row.registration or None,
                "documentId": row.document_id,
                "contentType": row.content_type,
                "updated": rfc3339(from_micros(row.updated_us)),
            })
        _entry(archive, "documents/index.json", orjson.dumps(index, option=orjson.OPT_INDENT_2))

        progress = [{str(key): value for key, value in zip(row._fields, row)} for row in connection.execute(
            sa.select(report_progress).where(report_progress.c.learner_key == learner_key)
        )]
        _entry(archive, "reports.json", orjson.dumps(progress, option=orjson.OPT_INDENT_2))
        readme = (
            "Données détenues sur / data held about: " + orjson.dumps(agent).decode() + "\n"
            f"Exporté le / exported on: {datetime.now(timezone.utc).isoformat()}\n"
            f"statements.ndjson : {len(bodies)} déclarations xAPI / xAPI statements\n"
            f"documents/ : {len(index)} documents (état, profils / state, profiles)\n"
            f"reports.json : {len(progress)} lignes de rapport / report rows\n"
        )
        _entry(archive, "README.txt", readme.encode())
    return buffer.getvalue()


def erase_learner(engine: Engine, learner_key: str) -> ErasureSummary:
    """Delete the learner's statements (actor or object), documents, names and report rows."""
    summary = ErasureSummary()
    ensure_indexed(engine)
    with write_transaction(engine) as connection:
        own = _seqs(connection, learner_key, "g")
        for start in range(0, len(own), 500):
            chunk = own[start : start + 500]
            ids = list(connection.execute(sa.select(statements.c.id).where(statements.c.seq.in_(chunk))).scalars())
            connection.execute(report_facts.delete().where(report_facts.c.statement_id.in_(ids)))
            connection.execute(report_items.delete().where(report_items.c.statement_id.in_(ids)))
            connection.execute(statement_keys.delete().where(statement_keys.c.seq.in_(chunk)))
            summary.statements += connection.execute(statements.delete().where(statements.c.seq.in_(chunk))).rowcount or 0
        summary.mentioned_elsewhere = len(_seqs(connection, learner_key, "G"))
        summary.documents = connection.execute(documents.delete().where(documents.c.agent_key == learner_key)).rowcount or 0
        summary.names = connection.execute(agent_names.delete().where(agent_names.c.agent_key == learner_key)).rowcount or 0
        summary.report_rows = connection.execute(
            report_progress.delete().where(report_progress.c.learner_key == learner_key)
        ).rowcount or 0
        connection.execute(report_facts.delete().where(report_facts.c.learner_key == learner_key))
        connection.execute(report_items.delete().where(report_items.c.learner_key == learner_key))
    return summary
