"""The LMS activities that play a published course (`course_aliases`, see
lrs/courses/tables.py): Moodle's SCORM activity IRI -> the course IRI.

The table is written out here as it was when this migration was released, so that
later changes to the live table go through new migrations.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, MetaData, Table, Text
from sqlalchemy.engine import Connection

_metadata = MetaData()

course_aliases = Table(
    "course_aliases",
    _metadata,
    Column("alias_iri", Text, primary_key=True),
    Column("course_iri", Text, nullable=False),
    Column("created_us", BigInteger, nullable=False),
)


def upgrade(connection: Connection) -> None:
    _metadata.create_all(connection)
