"""The agents a batch of statements tells the LRS about, and the names each was given
(the Agents resource combines them into a Person)."""

from __future__ import annotations

from typing import Callable

import orjson
from sqlalchemy.engine import Connection

from lrs.db import insert_ignoring_duplicates
from lrs.statements.index_keys import agents_seen, safe_agent_key
from lrs.statements.seen_cache import nothing_to_remember, seen
from lrs.tables import agent_names


def agent_rows(prepared: list[dict]) -> dict[tuple[str, str], dict]:
    """(agent key, name) -> the `agent_names` row, for every agent of these statements."""
    rows: dict[tuple[str, str], dict] = {}
    for statement in prepared:
        for agent in agents_seen(statement):
            key = safe_agent_key(agent)
            if key is None:
                continue
            name = agent.get("name") if isinstance(agent.get("name"), str) else ""
            if (key, name) in rows:
                continue
            ifi = {k: agent[k] for k in ("mbox", "mbox_sha1sum", "openid", "account") if k in agent}
            rows[(key, name)] = {"agent_key": key, "name": name, "agent": orjson.dumps(ifi).decode()}
    return rows


def store_agents(connection: Connection, candidates: dict[tuple[str, str], dict]) -> Callable[[], None]:
    """Insert the rows not yet written; return what to remember once committed."""
    known = seen.section(connection.engine, "agents")
    rows = {pair: row for pair, row in candidates.items() if pair not in known}
    if not rows:
        return nothing_to_remember
    insert_ignoring_duplicates(connection, agent_names, list(rows.values()))
    return lambda: known.update(dict.fromkeys(rows, True))
