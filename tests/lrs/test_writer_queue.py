"""The SQLite writer queue (`lrs.db.writer_queue`): one writer at a time, and a reader
who must index what it is about to read goes before the writers already waiting."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

from lrs.db import engine_for, writer_queue


def _wait_until(condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_an_urgent_writer_goes_before_the_writers_already_waiting(tmp_path: Path) -> None:
    queue = writer_queue(engine_for(f"sqlite:///{tmp_path / 'lrs.db'}"))
    assert queue is not None
    order: list[str] = []
    inside = 0
    most_inside = 0
    counter = threading.Lock()

    def write(name: str, urgent: bool) -> None:
        nonlocal inside, most_inside
        with queue.held(urgent):
            with counter:
                inside += 1
                most_inside = max(most_inside, inside)
            order.append(name)
            time.sleep(0.01)
            with counter:
                inside -= 1

    with queue.held():
        normal = [threading.Thread(target=write, args=(f"post-{n}", False)) for n in range(3)]
        for thread in normal:
            thread.start()
        reader = threading.Thread(target=write, args=("reader", True))
        reader.start()
        _wait_until(lambda: queue.urgent_waiting == 1)
    for thread in [*normal, reader]:
        thread.join(timeout=10)
    assert order[0] == "reader"
    assert sorted(order[1:]) == ["post-0", "post-1", "post-2"]
    assert most_inside == 1  # still one writer at a time


def test_a_writer_that_fails_inside_frees_the_queue(tmp_path: Path) -> None:
    queue = writer_queue(engine_for(f"sqlite:///{tmp_path / 'lrs.db'}"))
    assert queue is not None
    try:
        with queue.held():
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    done = threading.Event()

    def write() -> None:
        with queue.held(urgent=True):
            done.set()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(timeout=10)
    assert done.is_set() and not queue.busy


def test_a_forked_worker_takes_turns_with_its_parent(tmp_path: Path) -> None:
    """gunicorn forks its workers after the app is loaded: each must hold a lock of its own
    on the lock file, or the flock taken by one would not keep the other out."""
    engine = engine_for(f"sqlite:///{tmp_path / 'lrs.db'}")
    parent_queue = writer_queue(engine)
    assert parent_queue is not None
    with parent_queue.held():
        child = os.fork()
        if child == 0:  # the worker: its queue must not get the lock while the parent holds it
            child_queue = writer_queue(engine)
            try:
                fcntl.flock(child_queue.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                os._exit(1)  # got it: the two processes would write at once
            except BlockingIOError:
                os._exit(0 if child_queue is not parent_queue else 2)
        _pid, status = os.waitpid(child, 0)
    assert os.WEXITSTATUS(status) == 0
