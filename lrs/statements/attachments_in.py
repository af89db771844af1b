"""The attachments of a statement request: every attachment without `fileUrl` must come
as a multipart part whose `X-Experience-API-Hash` is its sha2 and whose content
hashes to it; signature attachments are checked as signed statements."""

from __future__ import annotations

import hashlib

from lrs.errors import XAPIError
from lrs.statements.multipart import Part
from lrs.statements.signature import verify_signature
from validators.xapi.vocabulary import SIGNATURE_USAGE

_HASHES = {64: hashlib.sha256, 96: hashlib.sha384, 128: hashlib.sha512}


def _bad(path: str, fr: str, en: str) -> XAPIError:
    return XAPIError(400, f"{path} : {fr}", f"{path}: {en}", path)


def _matches(sha2: str, content: bytes) -> bool:
    algorithm = _HASHES.get(len(sha2))
    if algorithm is None:
        return False
    return algorithm(content).hexdigest() == sha2.lower()


def collect_attachment_parts(
    statements: list[dict], parts: list[Part], paths: list[str]
) -> dict[str, tuple[str, bytes]]:
    """Check that parts and attachments match one to one; return sha2 -> (type, content)."""
    by_hash: dict[str, Part] = {}
    for number, part in enumerate(parts, start=2):
        sha2 = part.headers.get("x-experience-api-hash", "").strip()
        where = f"multipart part {number}"
        if not sha2:
            raise _bad(where, "l'en-tête X-Experience-API-Hash est absent", "the X-Experience-API-Hash header is missing")
        encoding = part.headers.get("content-transfer-encoding", "").strip().lower()
        if encoding != "binary":
            raise _bad(where, "l'en-tête Content-Transfer-Encoding doit valoir binary",
                       "the Content-Transfer-Encoding header must be binary")
        if not _matches(sha2, part.content):
            raise _bad(where, f"le contenu n'a pas l'empreinte {sha2}", f"the content does not hash to {sha2}")
        by_hash[sha2.lower()] = part

    wanted: set[str] = set()
    for statement, path in zip(statements, paths):
        for index, attachment in enumerate(statement.get("attachments") or []):
            if not isinstance(attachment, dict):
                continue
            where = f"{path}.attachments[{index}]"
            sha2 = str(attachment.get("sha2", "")).lower()
            is_signature = attachment.get("usageType") == SIGNATURE_USAGE
            if is_signature and attachment.get("contentType") != "application/octet-stream":
                raise _bad(f"{where}.contentType", "une signature doit être en application/octet-stream",
                           "a signature must be application/octet-stream")
            part = by_hash.get(sha2)
            if part is None:
                if attachment.get("fileUrl") and not is_signature:
                    continue
                raise _bad(where, f"aucune partie multipart ne porte le contenu d'empreinte {sha2}",
                           f"no multipart part carries the content of sha2 {sha2}")
            wanted.add(sha2)
            if is_signature:
                verify_signature(statement, part.content, where)
    unused = sorted(set(by_hash) - wanted)
    if unused:
        raise _bad("multipart", f"la partie d'empreinte {unused[0]} ne correspond à aucune pièce jointe des déclarations",
                   f"the part with hash {unused[0]} matches no attachment of the statements")
    return {
        sha2: (by_hash[sha2].content_type or "application/octet-stream", by_hash[sha2].content) for sha2 in wanted
    }


def require_no_missing_content(statements: list[dict], paths: list[str]) -> None:
    """A JSON-only request may carry only fileUrl attachments."""
    for statement, path in zip(statements, paths):
        for index, attachment in enumerate(statement.get("attachments") or []):
            if isinstance(attachment, dict) and (
                not attachment.get("fileUrl") or attachment.get("usageType") == SIGNATURE_USAGE
            ):
                raise _bad(
                    f"{path}.attachments[{index}]",
                    "cette pièce jointe n'a pas de fileUrl : envoyez son contenu dans une requête multipart/mixed",
                    "this attachment has no fileUrl: send its content in a multipart/mixed request",
                )
