"""What a statement is found by: its (kind, value) index keys and their `statement_keys`
hash (see `lrs.tables` for the kinds)."""

from __future__ import annotations

import functools
import hashlib
import struct

import orjson

from validators.xapi.vocabulary import agent_key_or_none, statement_activities, statement_agents

# The roles of a statement's own actor and object: the `agent` and `activity` filters
# without `related_agents` / `related_activities` match only these.
_DIRECT = ("actor", "object")


def index_keys(statement: dict) -> list[tuple[str, str]]:
    """(kind, value) pairs of one statement, without those of a StatementRef target; a
    pair may come twice (the same agent as actor and instructor, say)."""
    pairs: list[tuple[str, str]] = []
    for role, agent in statement_agents(statement):
        key = agent_key_or_none(agent)
        if key is None:
            continue
        if role in _DIRECT:
            pairs.append(("g", key))
        pairs.append(("G", key))
    for role, activity in statement_activities(statement):
        if role in _DIRECT:
            pairs.append(("a", activity["id"]))
        pairs.append(("A", activity["id"]))
    verb = statement.get("verb")
    if isinstance(verb, dict) and isinstance(verb.get("id"), str):
        pairs.append(("v", verb["id"]))
    context = statement.get("context")
    registration = context.get("registration") if isinstance(context, dict) else None
    if isinstance(registration, str):
        pairs.append(("r", registration.lower()))
    return pairs


def _hash_key(kind: str, value: str) -> int:
    digest = hashlib.blake2b(kind.encode() + b"\x00" + value.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


_recurring_key = functools.lru_cache(maxsize=1 << 16)(_hash_key)  # verbs, activities and learners come back


def index_key(kind: str, value: str) -> int:
    """The `statement_keys.key` of a (kind, value): 64 bits of BLAKE2b, signed as SQL's BIGINT."""
    # A registration is one learner in one course: cached, they would evict the keys that recur.
    return _hash_key(kind, value) if kind == "r" else _recurring_key(kind, value)


def hashed_index_keys(statement: dict) -> tuple[int, ...]:
    """The `statement_keys.key` of each of `index_keys(statement)`, once each, in order."""
    return tuple(sorted({index_key(kind, value) for kind, value in index_keys(statement)}))


def pack_keys(hashed: tuple[int, ...]) -> bytes:
    """Hashed keys as the bytes `index_queue.keys` holds: signed 64-bit, little-endian."""
    return struct.pack(f"<{len(hashed)}q", *hashed)


def unpack_keys(packed: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(packed) // 8}q", packed)


def queued_index_keys(packed: bytes | None, statement: dict | str) -> tuple[int, ...]:
    """A queued statement's hashed keys: those its storing request packed into
    `index_queue.keys`, or, for a row queued without them (an older release), computed
    from the statement (its JSON parsed only then)."""
    if packed is not None:
        return unpack_keys(packed)
    return hashed_index_keys(orjson.loads(statement) if isinstance(statement, str) else statement)
