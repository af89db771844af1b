"""Many clients writing one document at once through a live server: no update is lost.

POST merges must be atomic in the database (every key of every client survives), and
optimistic updates through If-Match must never both succeed against the same ETag.
"""

from __future__ import annotations

import http.client
import json
import threading
from typing import Any, Iterator
from urllib.parse import urlencode

import pytest
from tests.support.live_server import live_server

from tests.lrs.xapi_client import auth_header, make_client

CLIENTS = 10
POSTS_PER_CLIENT = 10
INCREMENTS_PER_CLIENT = 4
PARAMS = {
    "activityId": "http://example.org/course/concurrency",
    "agent": json.dumps({"mbox": "mailto:many@example.org"}),
    "stateId": "shared",
}


@pytest.fixture
def server(database_url: str) -> Iterator[tuple[str, int]]:
    """A threaded HTTP server on a free port, answering until the test ends."""
    with live_server(make_client(database_url).app) as address:
        yield address


class Client:
    """One client with its own keep-alive connection, as a browser tab would have."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.connection = http.client.HTTPConnection(*address, timeout=60)
        self.headers = {
            "X-Experience-API-Version": "1.0.3",
            "Authorization": auth_header("all"),
        }

    def send(self, method: str, body: Any = None, **headers: str) -> tuple[int, dict[str, str], bytes]:
        sent = dict(self.headers, **headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        self.connection.request(method, "/xapi/activities/state?" + urlencode(PARAMS), body=data, headers=sent)
        response = self.connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()

    def close(self) -> None:
        self.connection.close()


def run_clients(address: tuple[str, int], work: Any) -> list[BaseException]:
    """Run `work(client, index)` in CLIENTS threads released together; the errors they raised."""
    start = threading.Barrier(CLIENTS)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        client = Client(address)
        try:
            start.wait()
            work(client, index)
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            client.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_posts_never_lose_a_key(server: tuple[str, int]) -> None:
    statuses: list[int] = []

    def post_keys(client: Client, index: int) -> None:
        for number in range(POSTS_PER_CLIENT):
            status, _, _ = client.send("POST", {f"client{index}-key{number}": number, "last": index})
            statuses.append(status)

    assert run_clients(server, post_keys) == []
    assert statuses == [204] * (CLIENTS * POSTS_PER_CLIENT)
    status, headers, body = Client(server).send("GET")
    assert status == 200
    document = json.loads(body)
    expected = {f"client{index}-key{number}" for index in range(CLIENTS) for number in range(POSTS_PER_CLIENT)}
    assert set(document) - {"last"} == expected
    assert document["last"] in range(CLIENTS)


def test_optimistic_updates_with_if_match_never_lose_an_increment(server: tuple[str, int]) -> None:
    creator = Client(server)
    assert creator.send("PUT", {"count": 0}, **{"If-None-Match": "*"})[0] == 204

    def increment(client: Client, index: int) -> None:
        done = 0
        while done < INCREMENTS_PER_CLIENT:
            status, headers, body = client.send("GET")
            assert status == 200
            count = json.loads(body)["count"]
            status, _, _ = client.send("PUT", {"count": count + 1}, **{"If-Match": headers["ETag"]})
            if status == 204:
                done += 1
            else:
                assert status == 412  # another client got there first: read again

    assert run_clients(server, increment) == []
    status, _, body = creator.send("GET")
    assert json.loads(body) == {"count": CLIENTS * INCREMENTS_PER_CLIENT}
