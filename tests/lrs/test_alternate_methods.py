"""The alternate request syntax (xAPI 1.0.3, Communication 1.3) stands only for PUT,
POST, GET and DELETE: any other `method=` is refused, HEAD included (its answer would
announce a body it does not send, on a POST the client reads a body from)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.lrs.xapi_client import XAPIClient, auth_header

FORM = {"X-Experience-API-Version": "1.0.3", "Authorization": auth_header("all"), "limit": "1"}
METHOD_MESSAGE = "Syntaxe de requête alternative : method doit valoir PUT, POST, GET ou DELETE."


@pytest.mark.parametrize("method", ["HEAD", "head", "OPTIONS", "PATCH", "TRACE", "CONNECT", ""])
def test_only_put_post_get_delete_stand_for_a_request(xapi_sqlite: XAPIClient, method: str) -> None:
    response = xapi_sqlite.client.post(f"/xapi/statements?method={method}", data=urlencode(FORM),
                                       content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.json["error"] == {"code": 400, "message": METHOD_MESSAGE, "field": "method"}
    assert int(response.headers["Content-Length"]) == len(response.get_data())


@pytest.mark.parametrize("method", ["GET", "get"])
def test_get_still_stands_for_a_query(xapi_sqlite: XAPIClient, method: str) -> None:
    response = xapi_sqlite.client.post(f"/xapi/statements?method={method}", data=urlencode(FORM),
                                       content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and response.json == {"statements": [], "more": ""}
