"""Two app nodes on one PostgreSQL database and one shared blob directory: whichever node
a package was published through, every node lists it and serves its download."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from lrs.courses import publish, registry
from lrs.db import read_transaction
from tests.lrs.courses.conftest import COURSE_IRI, FORMATS, Node, start_node


def _download(node: Node, fmt: str) -> tuple[int, bytes]:
    status, _headers, data = node.request("GET", "/catalogue.json", key=None)
    assert status == 200, data
    [course] = [item for item in json.loads(data)["courses"] if item["iri"] == COURSE_IRI]
    status, _headers, data = node.request("GET", f"/catalogue/{course['slug']}/download/{fmt}", key=None)
    return status, data


def test_every_node_serves_what_any_node_published(postgres_database: str, tmp_path: Path,
                                                   sample_packages: dict[str, Path]) -> None:
    shared = tmp_path / "shared-blobs"
    with ExitStack() as stack:
        first = start_node(stack, postgres_database, shared)
        second = start_node(stack, postgres_database, shared, credentials=False)  # same database, same keys
        for index, fmt in enumerate(FORMATS):
            status, body = (first if index % 2 == 0 else second).publish(sample_packages[fmt])
            assert status == 201, body
        for node in (first, second):
            with read_transaction(node.engine) as connection:
                course = registry.course_structure(connection, COURSE_IRI)
            assert course is not None and course.formats == tuple(sorted(FORMATS))
            for fmt in FORMATS:
                status, data = _download(node, fmt)
                assert status == 200
                assert hashlib.sha256(data).hexdigest() == hashlib.sha256(sample_packages[fmt].read_bytes()).hexdigest()

        status, _body = second.unpublish(COURSE_IRI)
        assert status == 200
        status, _headers, data = first.request("GET", "/catalogue.json", key=None)
        assert status == 200 and json.loads(data)["courses"] == []
        assert first.stored_files() == []


def test_two_nodes_publishing_formats_of_one_course_at_once_make_one_course(
        postgres_database: str, tmp_path: Path, sample_packages: dict[str, Path]) -> None:
    shared = tmp_path / "shared-blobs"
    with ExitStack() as stack:
        nodes = [start_node(stack, postgres_database, shared),
                 start_node(stack, postgres_database, shared, credentials=False)]
        results: dict[str, tuple[int, dict]] = {}
        barrier = threading.Barrier(len(FORMATS))

        def publish(index: int, fmt: str) -> None:
            barrier.wait()
            results[fmt] = nodes[index % 2].publish(sample_packages[fmt])

        threads = [threading.Thread(target=publish, args=(index, fmt)) for index, fmt in enumerate(FORMATS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert {fmt: status for fmt, (status, _body) in results.items()} == dict.fromkeys(FORMATS, 201)
        assert sorted(body["status"] for _status, body in results.values()) == ["added"] * 4 + ["created"]
        with read_transaction(nodes[1].engine) as connection:
            [course] = registry.published_courses(connection, all_versions=True)
            structure = registry.course_structure(connection, COURSE_IRI)
        assert course.formats == tuple(sorted(FORMATS)) and course.module_count == 4
        # The cmi5 AU data survived whichever format was stored after it.
        assert structure is not None and all(module.au_id and module.move_on for module in structure.structure.modules)


def test_a_course_created_while_another_node_looked_for_it_is_added_to_under_its_lock(
        postgres_database: str, tmp_path: Path, sample_packages: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A node that found no course, then saw the one another node created meanwhile,
    must not merge into it without holding its lock: it would overwrite what a third
    node added in between (here the cmi5 AU data)."""
    real_course_structure = publish.course_structure

    def slow_course_structure(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.2)  # widens the moment between looking for the course and reading it
        return real_course_structure(*args, **kwargs)

    monkeypatch.setattr(publish, "course_structure", slow_course_structure)
    test_two_nodes_publishing_formats_of_one_course_at_once_make_one_course(postgres_database, tmp_path,
                                                                           sample_packages)
