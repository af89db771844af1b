"""What the LRS asks of glibc's malloc: two arenas for a worker's threads, unless the
operator chose, and freed memory handed back."""

from __future__ import annotations

import pytest

import lrs.memory as memory


def test_a_worker_asks_for_two_arenas_unless_the_operator_chose(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(memory, "_mallopt", lambda parameter, value: calls.append((parameter, value)))
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    memory.limit_malloc_arenas()
    assert calls == [(memory.M_ARENA_MAX, 2)]
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")  # glibc reads it itself: left alone
    memory.limit_malloc_arenas()
    assert calls == [(memory.M_ARENA_MAX, 2)]


def test_the_real_calls_are_found_on_glibc() -> None:
    import platform

    if platform.libc_ver()[0] != "glibc":
        pytest.fail("this test describes glibc systems (Debian): run it there")
    assert memory._mallopt is not None and memory._malloc_trim is not None
    memory.release_freed_memory()
