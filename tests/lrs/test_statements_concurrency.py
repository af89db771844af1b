"""Many clients writing at once through a live server: nothing lost, nothing locked out."""

from __future__ import annotations

import http.client
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator

import pytest
from werkzeug.serving import make_server

from tests.lrs.xapi_client import XAPIClient, agent, auth_header, make_client, new_id, statement

CLIENTS = 8
BATCHES = 6
PER_BATCH = 10


@pytest.fixture
def live(database_url: str) -> Iterator[tuple[XAPIClient, int]]:
    client = make_client(database_url)
    server = make_server("127.0.0.1", 0, client.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield client, server.server_port
    server.shutdown()
    thread.join()
    client.app.extensions["parcours.engine"].dispose()


def post(port: int, body: list[dict]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("POST", "/xapi/statements", body=json.dumps(body), headers={
        "X-Experience-API-Version": "1.0.3", "Authorization": auth_header("all"), "Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    return response.status


def test_concurrent_batches_are_all_stored(live: tuple[XAPIClient, int]) -> None:
    client, port = live
    batches = [[statement(id=new_id(), actor=agent(f"learner{c}")) for _ in range(PER_BATCH)]
               for c in range(CLIENTS) for _ in range(BATCHES)]
    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = list(pool.map(lambda body: post(port, body), batches))
    assert statuses == [200] * len(batches)
    expected = {item["id"] for body in batches for item in body}
    stored = client.query_ids({"limit": 1000})
    assert set(stored) == expected and len(stored) == len(expected)
    # each learner's statements are all found through the index
    assert len(client.query_ids({"agent": agent("learner3"), "limit": 1000})) == BATCHES * PER_BATCH


def test_the_same_new_id_sent_at_once_is_stored_once(live: tuple[XAPIClient, int]) -> None:
    client, port = live
    shared = statement(id=new_id())
    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = list(pool.map(lambda _: post(port, [shared]), range(CLIENTS * 2)))
    assert statuses == [200] * (CLIENTS * 2)
    assert client.query_ids() == [shared["id"]]


def test_batches_naming_the_same_new_agents_in_other_orders_never_deadlock(live: tuple[XAPIClient, int]) -> None:
    """PostgreSQL: inserting the same new agent and activity rows in different orders
    made concurrent transactions wait on each other in a cycle (a deadlock)."""
    import random

    client, port = live
    rounds, agents = 4, 50
    batches = []
    for number in range(rounds):
        for seed in range(CLIENTS):
            order = list(range(agents))
            random.Random(number * 100 + seed).shuffle(order)
            batches.append([statement(id=new_id(), actor=agent(f"round{number}-{who}"),
                                      object={"objectType": "Activity", "id": f"https://example.gouv.fr/r{number}/{who}"})
                            for who in order])
    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = list(pool.map(lambda body: post(port, body), batches))
    assert statuses == [200] * len(batches)
    assert len(client.query_ids({"agent": agent("round2-7"), "limit": 1000})) == CLIENTS
