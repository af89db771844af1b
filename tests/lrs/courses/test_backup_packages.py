"""`parcours backup` and `restore` carry the published packages with the database: after
a restore, the catalogue's downloads are there, byte for byte."""

from __future__ import annotations

import hashlib
from contextlib import ExitStack
from pathlib import Path

import pytest
from click.testing import CliRunner

from lrs.catalogue.cards import slugs_for
from lrs.cli import backup, restore
from lrs.courses import registry
from lrs.db import read_transaction
from tests.lrs.courses.conftest import COURSE_IRI, Node, start_node


def test_a_restored_copy_serves_the_published_packages(sqlite_node: Node, sample_packages: dict[str, Path],
                                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for fmt in ("scorm12", "cmi5"):
        assert sqlite_node.publish(sample_packages[fmt])[0] == 201
    database_url = str(sqlite_node.engine.url)
    copy = tmp_path / "copie.db"
    monkeypatch.setenv("PARCOURS_BLOB_DIR", str(sqlite_node.blob_dir))
    saved = CliRunner().invoke(backup, [str(copy), "--database", database_url])
    assert saved.exit_code == 0, saved.output
    assert f"paquets publiés : 2 copiés dans {copy}.blobs" in saved.output

    restored_blobs = tmp_path / "restored-blobs"
    monkeypatch.setenv("PARCOURS_BLOB_DIR", str(restored_blobs))
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    result = CliRunner().invoke(restore, [str(copy), "--database", target])
    assert result.exit_code == 0, result.output
    assert "2 paquets publiés" in result.output

    with ExitStack() as stack:
        node = start_node(stack, target, restored_blobs, credentials=False)
        with read_transaction(node.engine) as connection:
            course = registry.course_structure(connection, COURSE_IRI)
        assert course is not None and len(course.downloads) == 2
        for download in course.downloads:
            slug = slugs_for([COURSE_IRI])[COURSE_IRI]
            status, _headers, data = node.request("GET", f"/catalogue/{slug}/download/{download.format}", key=None)
            assert status == 200, data[:200]
            assert hashlib.sha256(data).hexdigest() == download.sha256
