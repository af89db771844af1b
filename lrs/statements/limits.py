"""The size limit of one statement (`PARCOURS_MAX_STATEMENT_BYTES`, attachments aside).

The body limit alone let a single 20 MB statement in; every reader of it then paid
for it. A statement is measured as compact JSON, only when the body could hold one
too large, so ordinary batches cost nothing more.
"""

from __future__ import annotations

from typing import Any

import orjson

from lrs.errors import XAPIError


def check_statement_sizes(items: list[Any], paths: list[str], limit: int, body_bytes: int | None) -> None:
    """Refuse the whole request (413) when one of its statements is larger than `limit`
    bytes; `body_bytes` is the request's Content-Length, when known."""
    if body_bytes is not None and body_bytes <= limit:
        return  # no statement can be larger than the body that carries it
    for item, path in zip(items, paths):
        size = _json_size(item)
        if size > limit:
            raise XAPIError(
                413,
                f"{path} : la déclaration occupe {size} octets, au-delà de la limite de {limit} octets "
                "(PARCOURS_MAX_STATEMENT_BYTES ; les pièces jointes ne comptent pas) ; rien de cette requête "
                "n'a été enregistré.",
                f"{path}: the statement takes {size} bytes, more than the limit of {limit} bytes "
                "(PARCOURS_MAX_STATEMENT_BYTES; attachments are not counted); nothing of this request was stored.",
                path,
            )


def _json_size(item: Any) -> int:
    try:
        return len(orjson.dumps(item))
    except (orjson.JSONEncodeError, TypeError):  # integers beyond 64 bits: the validator names them
        return 0
