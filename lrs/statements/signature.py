"""Signed statements (xAPI Data 2.6): the JWS in the signature attachment must be
RS256/384/512, its payload must be the statement as it was before the signature
was attached, and when the header carries an x5c chain the signature is verified
with its first certificate and each certificate must be issued by the next one
(the chain's root is not checked against a trust store: the spec leaves trust to
the reader)."""

from __future__ import annotations

import base64
import copy

import orjson
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from lrs.errors import XAPIError
from validators.xapi import statements_equivalent
from validators.xapi.vocabulary import SIGNATURE_USAGE

ALGORITHMS = ("RS256", "RS384", "RS512")


def _registry() -> jws.JWSRegistry:
    """RS256/384/512 only, with room for an x5c chain in the header (joserfc's default
    header limit of 512 bytes is smaller than one certificate)."""
    registry = jws.JWSRegistry(algorithms=list(ALGORITHMS))
    registry.max_header_length = 64 * 1024
    registry.max_payload_length = 16 * 1024 * 1024
    return registry


_REGISTRY = _registry()


def _bad(path: str, fr: str, en: str) -> XAPIError:
    return XAPIError(400, f"{path} : {fr}", f"{path}: {en}", path)


def _unsigned(statement: dict) -> dict:
    original = copy.deepcopy(statement)
    remaining = [a for a in original.get("attachments") or [] if a.get("usageType") != SIGNATURE_USAGE]
    if remaining:
        original["attachments"] = remaining
    else:
        original.pop("attachments", None)
    return original


def _verify_chain(chain: list[x509.Certificate], path: str) -> None:
    for child, issuer in zip(chain, chain[1:]):
        try:
            child.verify_directly_issued_by(issuer)
        except Exception:
            raise _bad(path, "la chaîne de certificats x5c est rompue", "the x5c certificate chain is broken")


def verify_signature(statement: dict, content: bytes, path: str) -> None:
    """Raise a 400 XAPIError when the JWS `content` does not sign `statement`."""
    try:
        token = content.decode("ascii").strip()
        extracted = jws.extract_compact(token.encode(), registry=_REGISTRY)
    except (UnicodeDecodeError, JoseError, ValueError):
        raise _bad(path, "la signature n'est pas un JWS compact", "the signature is not a JWS compact serialization")
    header = extracted.protected
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        raise _bad(path, f"l'algorithme de signature {algorithm!r} n'est pas RS256, RS384 ni RS512",
                   f"signature algorithm {algorithm!r} is not RS256, RS384 or RS512")
    try:
        payload = orjson.loads(extracted.payload)
    except orjson.JSONDecodeError:
        raise _bad(path, "le contenu signé n'est pas du JSON", "the signature's payload is not JSON")
    if not isinstance(payload, dict):
        raise _bad(path, "le contenu signé n'est pas une déclaration", "the signature's payload is not a statement")

    chain_b64 = header.get("x5c")
    if chain_b64 is not None:
        try:
            chain = [x509.load_der_x509_certificate(base64.b64decode(item)) for item in chain_b64]
        except (ValueError, TypeError):
            raise _bad(path, "l'en-tête x5c ne contient pas de certificat valide", "the x5c header holds no valid certificate")
        if not chain:
            raise _bad(path, "l'en-tête x5c est vide", "the x5c header is empty")
        _verify_chain(chain, path)
        pem = chain[0].public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        try:
            key = RSAKey.import_key(pem)
            jws.deserialize_compact(token, key, algorithms=[algorithm], registry=_REGISTRY)
        except (JoseError, ValueError):
            raise _bad(path, "la signature ne se vérifie pas avec le certificat x5c",
                       "the signature does not verify with the x5c certificate")

    original = _unsigned(statement)
    if "id" in original and "id" not in payload:
        payload["id"] = original["id"]
    if not statements_equivalent(payload, original):
        raise _bad(path, "le contenu signé diffère de la déclaration",
                   "the signed payload differs from the statement")
