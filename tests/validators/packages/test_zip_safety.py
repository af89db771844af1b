"""Zip safety from the central directory: hostile archives are refused without inflating or writing anything."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.validators.packages.builders import scorm12, write_zip
from tests.validators.packages.zipcraft import patch, rename_raw, symlink_zip, zero_bomb
from validators.packages import validate_package
from validators.packages.zipsafety import ZipLimits


@pytest.fixture
def no_inflation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to read an entry's data fails the test: refusal must come from the central directory."""

    original_open = zipfile.ZipFile.open

    def open_for_writing_only(self, name, mode="r", *args, **kwargs):
        if mode == "r":
            raise AssertionError(f"entry {name} was opened for reading")
        return original_open(self, name, mode, *args, **kwargs)

    def refuse(*args, **kwargs):
        raise AssertionError("an entry was extracted")

    monkeypatch.setattr(zipfile.ZipFile, "open", open_for_writing_only)
    monkeypatch.setattr(zipfile.ZipFile, "extract", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "extractall", refuse)


def _listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def gigabyte_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return zero_bomb(tmp_path_factory.mktemp("bomb") / "bomb.zip")


def test_gigabyte_bomb_is_refused_without_inflating(gigabyte_bomb: Path, no_inflation: None,
                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    before = _listing(gigabyte_bomb.parent)
    report = validate_package(gigabyte_bomb)
    assert not report.ok
    bomb = next(f for f in report.findings if f.code == "ZIP-BOMB")
    assert "zeros.bin" in bomb.message_en and str(1024**3) in bomb.message_en
    assert _listing(gigabyte_bomb.parent) == before
    assert _listing(tmp_path) == []


def test_the_crafted_bomb_is_a_real_zip(tmp_path: Path) -> None:
    """The bomb above is written, not compressed: the same writer, at a size worth
    inflating here, gives an entry that inflates to its declared zeros, CRC included."""
    for size in (1 + 258 * 8, 1 + 258 * 9 + 3, 1 + 258 * 100_000):
        with zipfile.ZipFile(zero_bomb(tmp_path / f"{size}.zip", size)) as archive:
            assert archive.testzip() is None
            assert archive.getinfo("zeros.bin").file_size == size
            assert archive.read("zeros.bin") == bytes(size)


def test_crafted_declared_size_is_a_bomb(tmp_path: Path, no_inflation: None) -> None:
    path = write_zip(tmp_path / "p.zip", {**scorm12(), "filler.txt": "a" * 2000})
    patch(path, "filler.txt", size=1024**3)
    report = validate_package(path)
    assert "ZIP-BOMB" in {f.code for f in report.errors}


def test_parent_path_is_refused(tmp_path: Path, no_inflation: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_zip(tmp_path / "p.zip", {**scorm12(), "../../etc/passwd": "root:x:0:0"})
    report = validate_package(path)
    finding = next(f for f in report.errors if f.code == "ZIP-PARENT-PATH")
    assert "../../etc/passwd" in finding.message_fr
    assert _listing(tmp_path) == ["p.zip"]


def test_absolute_path_is_refused(tmp_path: Path, no_inflation: None) -> None:
    path = write_zip(tmp_path / "p.zip", {**scorm12(), "/etc/passwd": "root:x:0:0"})
    assert "ZIP-ABSOLUTE-PATH" in {f.code for f in validate_package(path).errors}


def test_symlink_entry_is_refused(tmp_path: Path, no_inflation: None) -> None:
    path = symlink_zip(tmp_path / "p.zip", "index.html", "/etc/passwd")
    report = validate_package(path)
    assert "ZIP-SYMLINK" in {f.code for f in report.errors}
    assert not (tmp_path / "index.html").exists()


def test_encrypted_entry_is_refused(tmp_path: Path, no_inflation: None) -> None:
    path = patch(write_zip(tmp_path / "p.zip", scorm12()), "index.html", flags=0x1)
    assert "ZIP-ENCRYPTED" in {f.code for f in validate_package(path).errors}


def test_duplicate_names_are_refused(tmp_path: Path, no_inflation: None) -> None:
    path = tmp_path / "p.zip"
    with pytest.warns(UserWarning):
        with zipfile.ZipFile(path, "w") as archive:
            for name, content in scorm12().items():
                archive.writestr(name, content)
            archive.writestr("index.html", "<p>autre</p>")
    finding = next(f for f in validate_package(path).errors if f.code == "ZIP-DUPLICATE-NAME")
    assert "index.html" in finding.message_en


def test_non_utf8_name_is_refused(tmp_path: Path, no_inflation: None) -> None:
    path = write_zip(tmp_path / "p.zip", {**scorm12(), "X-page.html": "<p>x</p>"})
    rename_raw(path, "X-page.html", b"\xe9-page.html")  # Latin-1 é, invalid UTF-8
    assert "ZIP-NAME-ENCODING" in {f.code for f in validate_package(path).errors}


def test_utf8_name_without_flag_is_accepted(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "p.zip", {**scorm12(), "XX-page.html": "<p>x</p>"})
    rename_raw(path, "XX-page.html", "é-page.html".encode())  # 2 bytes, flag cleared: still UTF-8
    report = validate_package(path)
    assert "ZIP-NAME-ENCODING" not in report.codes()
    assert report.ok


def test_overlapping_entries_are_refused(tmp_path: Path, no_inflation: None) -> None:
    path = patch(write_zip(tmp_path / "p.zip", scorm12()), "index.html", compressed=50_000_000)
    assert "ZIP-OVERLAPPING" in {f.code for f in validate_package(path).errors}


@pytest.mark.parametrize("limits, code", [
    (ZipLimits(max_entries=3), "ZIP-TOO-MANY-ENTRIES"),
    (ZipLimits(max_entry_size=100), "ZIP-ENTRY-TOO-LARGE"),
    (ZipLimits(max_total_size=500), "ZIP-TOO-LARGE"),
])
def test_size_limits(tmp_path: Path, no_inflation: None, limits: ZipLimits, code: str) -> None:
    path = write_zip(tmp_path / "p.zip", scorm12())
    assert code in {f.code for f in validate_package(path, limits=limits).errors}


def test_default_limits_accept_the_package(tmp_path: Path) -> None:
    report = validate_package(write_zip(tmp_path / "p.zip", scorm12()))
    assert report.ok and not report.findings


def test_case_collision(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "p.zip", {**scorm12(), "Index.html": "<p>x</p>"})
    finding = next(f for f in validate_package(path).errors if f.code == "ZIP-CASE-COLLISION")
    assert "Index.html" in finding.message_en and "index.html" in finding.message_en


def test_backslash_names_warn(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "p.zip", {**scorm12(), "pages\\intro.html": "<p>x</p>"})
    finding = next(f for f in validate_package(path).findings if f.code == "ZIP-BACKSLASH")
    assert finding.severity == "warning"


def test_unusual_compression_warns(tmp_path: Path) -> None:
    path = tmp_path / "p.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in scorm12().items():
            archive.writestr(name, content, compress_type=zipfile.ZIP_BZIP2 if name == "style.css" else None)
    finding = next(f for f in validate_package(path).findings if f.code == "ZIP-COMPRESSION")
    assert "style.css" in finding.message_en


def test_junk_is_reported_once_per_kind(tmp_path: Path) -> None:
    files = {**scorm12(), "__MACOSX/._index.html": b"x", "__MACOSX/._api.js": b"x", ".DS_Store": b"x"}
    report = validate_package(write_zip(tmp_path / "p.zip", files))
    junk = [f for f in report.findings if f.code == "ZIP-JUNK"]
    assert len(junk) == 2 and all(f.severity == "info" for f in junk)
    assert report.ok


def test_corrupt_entry_is_reported_not_raised(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "p.zip", scorm12())
    data = bytearray(path.read_bytes())
    start = data.find(b"index.html", data.find(b"PK\x03\x04")) + len("index.html")
    for offset in range(start + 5, start + 40):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    report = validate_package(path)
    assert "ZIP-ENTRY-UNREADABLE" in {f.code for f in report.errors}


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "cours.zip"
    path.write_text("# pas un zip\n")
    report = validate_package(path)
    assert report.kind == "unknown"
    assert [f.code for f in report.findings] == ["ZIP-NOT-A-ZIP"]
