"""One statement larger than PARCOURS_MAX_STATEMENT_BYTES: 413 naming the limit, and
nothing of its request is stored (attachments are not counted)."""

from __future__ import annotations

from pathlib import Path

from lrs.config import Config
from tests.lrs.test_statements_attachments import attachment_meta, post_multipart
from tests.lrs.xapi_client import make_client, new_id, statement

LIMIT = 4_000


def padded(size: int) -> dict:
    """A valid statement of about `size` bytes (a long result response)."""
    return statement(id=new_id(), result={"response": "x" * size})


def test_default_limit_is_one_mebibyte() -> None:
    assert Config.from_env({}).max_statement_bytes == 1024 * 1024
    assert Config.from_env({"PARCOURS_MAX_STATEMENT_BYTES": "2048"}).max_statement_bytes == 2048


def test_a_batch_with_one_statement_too_large_stores_nothing(database_url: str) -> None:
    xapi = make_client(database_url, max_statement_bytes=LIMIT)
    small, large = padded(100), padded(LIMIT * 2)
    response = xapi.post([small, large])
    assert response.status_code == 413
    error = response.json["error"]
    assert error["field"] == "$[1]" and str(LIMIT) in error["message"]
    assert xapi.query_ids() == []
    assert xapi.get({"statementId": small["id"]}).status_code == 404
    assert xapi.post([small, padded(LIMIT // 2)]).status_code == 200  # under the limit: stored
    xapi.app.extensions["parcours.engine"].dispose()


def test_put_of_one_statement_too_large_is_413_in_english(sqlite_database: str) -> None:
    xapi = make_client(sqlite_database, max_statement_bytes=LIMIT)
    large = padded(LIMIT)
    response = xapi.put(large, large["id"], headers={"Accept-Language": "en"})
    assert response.status_code == 413
    assert f"limit of {LIMIT} bytes" in response.json["error"]["message"]
    assert xapi.get({"statementId": large["id"]}).status_code == 404


def test_the_default_limit_refuses_a_two_megabyte_statement(tmp_path: Path) -> None:
    xapi = make_client(f"sqlite:///{tmp_path / 'lrs.db'}")
    response = xapi.post(padded(2 * 1024 * 1024))
    assert response.status_code == 413 and str(1024 * 1024) in response.json["error"]["message"]
    assert xapi.query_ids() == []


def test_attachments_do_not_count(sqlite_database: str) -> None:
    xapi = make_client(sqlite_database, max_statement_bytes=LIMIT)
    content = b"%PDF-" + b"0" * (LIMIT * 4)
    sent = statement(id=new_id(), attachments=[attachment_meta(content)])
    response = post_multipart(xapi, sent, [(content, "application/pdf")])
    assert response.status_code == 200, response.get_data(as_text=True)
