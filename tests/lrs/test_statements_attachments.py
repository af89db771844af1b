"""Attachments in multipart/mixed requests and responses, and signed statements (JWS)."""

from __future__ import annotations

import base64
import datetime
import hashlib
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from joserfc import jws
from joserfc.jwk import OctKey, RSAKey

from lrs.statements.multipart import parse_multipart
from tests.lrs.xapi_client import XAPIClient, new_id, statement

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
CERTIFICATE = "https://formation.example.gouv.fr/attachments/certificate"
PDF = b"%PDF-1.4 attestation de suivi\n" + bytes(range(256))


def attachment_meta(content: bytes, content_type: str = "application/pdf", usage: str = CERTIFICATE,
                    **extra: object) -> dict:
    return {"usageType": usage, "display": {"fr-FR": "Attestation"}, "contentType": content_type,
            "length": len(content), "sha2": hashlib.sha256(content).hexdigest(), **extra}


def multipart(body: object, parts: list[tuple[bytes, str]], *, encoding: str | None = "binary",
              hash_of: bytes | None = None) -> tuple[bytes, str]:
    boundary = "frontiere-de-test"
    out = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), json.dumps(body).encode(), b"\r\n"]
    for content, content_type in parts:
        head = f"--{boundary}\r\nContent-Type: {content_type}\r\n"
        if encoding:
            head += f"Content-Transfer-Encoding: {encoding}\r\n"
        head += f"X-Experience-API-Hash: {hashlib.sha256(hash_of or content).hexdigest()}\r\n\r\n"
        out += [head.encode(), content, b"\r\n"]
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/mixed; boundary={boundary}"


def post_multipart(xapi: XAPIClient, body: object, parts: list[tuple[bytes, str]], **kwargs: object):  # type: ignore[no-untyped-def]
    data, content_type = multipart(body, parts, **kwargs)  # type: ignore[arg-type]
    return xapi.request("POST", "statements", body=data, content_type=content_type)


def test_attachment_round_trip(xapi: XAPIClient) -> None:
    sent = statement(id=new_id(), attachments=[attachment_meta(PDF)])
    response = post_multipart(xapi, sent, [(PDF, "application/pdf")])
    assert response.status_code == 200, response.json
    plain = xapi.get({"statementId": sent["id"]})
    assert plain.headers["Content-Type"] == "application/json"
    assert plain.json["attachments"][0]["sha2"] == hashlib.sha256(PDF).hexdigest()
    with_content = xapi.get({"statementId": sent["id"], "attachments": "true"})
    assert with_content.headers["Content-Type"].startswith("multipart/mixed")
    parts = parse_multipart(with_content.data, with_content.headers["Content-Type"])
    assert json.loads(parts[0].content)["id"] == sent["id"]
    assert parts[1].content == PDF
    assert parts[1].headers["x-experience-api-hash"] == hashlib.sha256(PDF).hexdigest()
    assert parts[1].headers["content-transfer-encoding"] == "binary"
    query = xapi.get({"attachments": "true"})
    query_parts = parse_multipart(query.data, query.headers["Content-Type"])
    assert json.loads(query_parts[0].content)["statements"][0]["id"] == sent["id"]
    assert [part.content for part in query_parts[1:]] == [PDF]


def test_file_url_attachments_need_no_part(xapi: XAPIClient) -> None:
    sent = statement(attachments=[attachment_meta(PDF, fileUrl="https://formation.example.gouv.fr/a.pdf")])
    assert xapi.post(sent).status_code == 200


@pytest.mark.parametrize("problem", ["missing part", "wrong hash", "no encoding", "extra part"])
def test_attachment_problems_are_400_and_store_nothing(xapi: XAPIClient, problem: str) -> None:
    sent = statement(id=new_id(), attachments=[attachment_meta(PDF)])
    if problem == "missing part":
        response = xapi.post(sent)
        assert response.json["error"]["field"] == "$.attachments[0]"
    elif problem == "wrong hash":
        response = post_multipart(xapi, sent, [(PDF, "application/pdf")], hash_of=b"other content")
    elif problem == "no encoding":
        response = post_multipart(xapi, sent, [(PDF, "application/pdf")], encoding=None)
    else:
        response = post_multipart(xapi, sent, [(PDF, "application/pdf"), (b"stray", "text/plain")])
    assert response.status_code == 400
    assert xapi.get({"statementId": sent["id"]}).status_code == 404


def test_batch_with_shared_attachment(xapi: XAPIClient) -> None:
    first = statement(id=new_id(), attachments=[attachment_meta(PDF)])
    second = statement(id=new_id(), attachments=[attachment_meta(PDF)])
    assert post_multipart(xapi, [first, second], [(PDF, "application/pdf")]).status_code == 200
    response = xapi.get({"attachments": "true"})
    parts = parse_multipart(response.data, response.headers["Content-Type"])
    assert len(json.loads(parts[0].content)["statements"]) == 2
    assert len(parts) == 2  # the content once


# --- signed statements ----------------------------------------------------------------


def make_certificate() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Organisme de formation")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256())
    )
    return key, certificate


@pytest.fixture(scope="module")
def signer() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    return make_certificate()


def signed(payload: dict, key: rsa.RSAPrivateKey, algorithm: str = "RS256",
           certificate: x509.Certificate | None = None) -> bytes:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    header: dict = {"alg": algorithm}
    if certificate is not None:
        header["x5c"] = [base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()]
    return jws.serialize_compact(header, json.dumps(payload).encode(), RSAKey.import_key(pem),
                                 algorithms=[algorithm]).encode()


def post_signed(xapi: XAPIClient, original: dict, token: bytes):  # type: ignore[no-untyped-def]
    sent = {**original, "attachments": [attachment_meta(token, "application/octet-stream", SIGNATURE)]}
    return post_multipart(xapi, sent, [(token, "application/octet-stream")])


@pytest.mark.parametrize("algorithm", ["RS256", "RS384", "RS512"])
def test_signed_statements_are_accepted(xapi_sqlite: XAPIClient, signer, algorithm: str) -> None:  # type: ignore[no-untyped-def]
    key, certificate = signer
    original = statement(id=new_id())
    response = post_signed(xapi_sqlite, original, signed(original, key, algorithm, certificate))
    assert response.status_code == 200, response.json
    stored = xapi_sqlite.get({"statementId": original["id"]}).json
    assert stored["attachments"][0]["usageType"] == SIGNATURE


def test_signature_without_certificate_is_checked_for_payload(xapi: XAPIClient, signer) -> None:  # type: ignore[no-untyped-def]
    key, _ = signer
    original = statement(id=new_id())
    assert post_signed(xapi, original, signed(original, key)).status_code == 200


def test_signed_payload_must_match_the_statement(xapi: XAPIClient, signer) -> None:  # type: ignore[no-untyped-def]
    key, certificate = signer
    original = statement(id=new_id())
    tampered = {**original, "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"}}
    response = post_signed(xapi, original, signed(tampered, key, certificate=certificate))
    assert response.status_code == 400
    assert "attachments[0]" in response.json["error"]["field"]
    assert xapi.get({"statementId": original["id"]}).status_code == 404


def test_signature_from_another_key_than_the_certificate_is_refused(xapi_sqlite: XAPIClient, signer) -> None:  # type: ignore[no-untyped-def]
    _, certificate = signer
    other_key, _ = make_certificate()
    original = statement(id=new_id())
    assert post_signed(xapi_sqlite, original, signed(original, other_key, certificate=certificate)).status_code == 400


def test_other_algorithms_and_garbage_are_refused(xapi_sqlite: XAPIClient) -> None:
    original = statement(id=new_id())
    hmac_token = jws.serialize_compact({"alg": "HS256"}, json.dumps(original).encode(),
                                       OctKey.import_key(b"a shared secret of thirty-two by"))
    assert post_signed(xapi_sqlite, original, hmac_token.encode()).status_code == 400
    assert post_signed(xapi_sqlite, original, b"not.a.jws!").status_code == 400


def test_signature_attachment_must_be_octet_stream(xapi_sqlite: XAPIClient, signer) -> None:  # type: ignore[no-untyped-def]
    key, _ = signer
    original = statement(id=new_id())
    token = signed(original, key)
    sent = {**original, "attachments": [attachment_meta(token, "text/plain", SIGNATURE)]}
    response = post_multipart(xapi_sqlite, sent, [(token, "text/plain")])
    assert response.status_code == 400
    assert response.json["error"]["field"] == "$.attachments[0].contentType"
