"""Reading statement files in a stream: arrays, NDJSON, single objects, line numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from validators.xapi import files
from validators.xapi.files import UnreadableFile, line_of_path, read_statements


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiny reads, so that statements straddle chunk boundaries."""
    monkeypatch.setattr(files, "CHUNK", 7)


def statement(n: int) -> dict:
    return {"actor": {"mbox": f"mailto:a{n}@b.fr"}, "verb": {"id": "http://v.fr/é"}, "object": {"id": f"http://o.fr/{n}"}}


@pytest.mark.usefixtures("small_chunks")
def test_pretty_array_across_chunks(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    text = json.dumps([statement(n) for n in range(5)], indent=2, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    items = list(read_statements(path))
    assert [item.value for item in items] == [statement(n) for n in range(5)]
    assert [item.path for item in items] == [f"$[{n}]" for n in range(5)]
    starts = [number + 1 for number, line in enumerate(text.splitlines()) if line == "  {"]
    assert [item.line for item in items] == starts


@pytest.mark.usefixtures("small_chunks")
def test_ndjson_across_chunks_with_blank_lines_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "s.ndjson"
    lines = [json.dumps(statement(0)), "", json.dumps(statement(1), ensure_ascii=False)]
    path.write_bytes(b"\xef\xbb\xbf" + "\n".join(lines).encode())
    items = list(read_statements(path))
    assert [(item.line, item.value) for item in items] == [(1, statement(0)), (3, statement(1))]


def test_single_pretty_object(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(statement(1), indent=2), encoding="utf-8")
    (item,) = read_statements(path)
    assert (item.line, item.path, item.value) == (1, "$", statement(1))
    assert item.source is not None and line_of_path(item.source, item.line, "$.object.id") == 9


def test_progress_counts_bytes(tmp_path: Path) -> None:
    path = tmp_path / "s.ndjson"
    path.write_text(json.dumps(statement(1)) + "\n", encoding="utf-8")
    seen: list[int] = []
    list(read_statements(path, seen.append))
    assert sum(seen) == path.stat().st_size


@pytest.mark.parametrize("content", [b"", b"   \n", b"texte", b"\xff\xfe{"])
def test_unreadable(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile):
        list(read_statements(path))


def test_not_utf8_inside_an_array(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(b'[\n{"a": "\xe9t\xe9"}\n]')
    with pytest.raises(UnreadableFile):
        list(read_statements(path))


def test_syntax_errors_are_items_with_a_line(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('[\n{"a": 1},\n{"b": }\n]', encoding="utf-8")
    items = list(read_statements(path))
    assert items[0].value == {"a": 1}
    assert items[1].error and items[1].line == 3 and items[1].path == "$[1]"


@pytest.mark.usefixtures("small_chunks")
def test_a_statement_much_larger_than_the_window(tmp_path: Path) -> None:
    big = {**statement(1), "result": {"response": "x" * 5000}}
    path = tmp_path / "a.json"
    path.write_text(json.dumps([statement(0), big]), encoding="utf-8")
    assert [item.value for item in read_statements(path)] == [statement(0), big]
