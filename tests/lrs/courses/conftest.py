"""Fixtures of the publishing suite: the sample course built by `parcours build` in every
format (and a second version of it), and an LRS served over real HTTP."""

from __future__ import annotations

import http.client
import shutil
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlencode

import orjson
import pytest
import sqlalchemy
from click.testing import CliRunner

from lrs.app import create_app
from lrs.auth import create_credential
from lrs.config import Config
from lrs.courses.tables import COURSE_TABLES
from lrs.db import write_transaction
from parcours.cli import main
from tests.lrs.xapi_client import SECRET_HASH, auth_header
from tests.support.live_server import live_server

FORMATS = ("scorm12", "scorm2004", "cmi5", "xapi", "web")
COURSE_IRI = "https://parcours.example.gouv.fr/cours/numerique-responsable"
KEYS = {"publisher": "courses/write", "writer": "statements/write", "all": "all", "reader": "all/read"}


def build(course: Path, out: Path) -> dict[str, Path]:
    """`parcours build` in every format (the web site as a folder and as a zip)."""
    result = CliRunner().invoke(main, ["build", str(course), "--format", ",".join(FORMATS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    packages = {fmt: out / f"{course.name}-{fmt}.zip" for fmt in FORMATS}
    for path in packages.values():
        assert path.is_file(), path
    assert (out / f"{course.name}-web").is_dir()
    return packages


@pytest.fixture(scope="session")
def sample_course(root: Path) -> Path:
    return root / "samples" / "courses" / "numerique-responsable"


@pytest.fixture(scope="session")
def sample_packages(sample_course: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build(sample_course, tmp_path_factory.mktemp("v1"))


@pytest.fixture(scope="session")
def second_version_packages(sample_course: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample course as version 2.0."""
    folder = tmp_path_factory.mktemp("v2-source") / sample_course.name
    shutil.copytree(sample_course, folder)
    yaml = folder / "course.yaml"
    text = yaml.read_text(encoding="utf-8")
    assert 'version: "1.0"' in text
    yaml.write_text(text.replace('version: "1.0"', 'version: "2.0"', 1), encoding="utf-8")
    return build(folder, tmp_path_factory.mktemp("v2"))


@pytest.fixture(scope="session")
def corpus_packages(shared_dir: Path) -> Path:
    return shared_dir / "corpus" / "packages"


@dataclass
class Node:
    """One LRS app served over HTTP."""

    app: Any
    host: str
    port: int
    blob_dir: Path

    @property
    def engine(self) -> sqlalchemy.Engine:
        return self.app.extensions["parcours.engine"]

    def request(self, method: str, path: str, body: Any = None, *, key: str | None = "publisher",
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        sent = dict(headers or {})
        if key:
            sent["Authorization"] = auth_header(key)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def publish(self, package: Path | bytes, *, key: str | None = "publisher", filename: str | None = None,
                chunked: bool = False, content_type: str = "application/zip") -> tuple[int, dict]:
        """POST /courses with the zip as the body, streamed from the file."""
        headers = {"Content-Type": content_type}
        query = {"filename": filename} if filename else {}
        if isinstance(package, Path) and not filename:
            query = {"filename": package.name}
        path = "/courses" + (f"?{urlencode(query)}" if query else "")
        if isinstance(package, bytes):
            body: Any = package
            if chunked:
                # No Content-Length: http.client sends an iterable body chunked.
                body = iter([package[i:i + 65536] for i in range(0, len(package), 65536)])
            status, _headers, data = self.request("POST", path, body, key=key, headers=headers)
        else:
            with open(package, "rb") as stream:
                headers["Content-Length"] = str(package.stat().st_size)
                status, _headers, data = self.request("POST", path, stream, key=key, headers=headers)
        return status, orjson.loads(data) if data else {}

    def unpublish(self, iri: str, version: str | None = None, *, key: str | None = "publisher") -> tuple[int, dict]:
        query = {"course": iri, **({"version": version} if version is not None else {})}
        status, _headers, data = self.request("DELETE", f"/courses?{urlencode(query)}", key=key)
        return status, orjson.loads(data) if data else {}

    def course_rows(self) -> dict[str, int]:
        with self.engine.connect() as connection:
            return {table.name: connection.execute(sqlalchemy.select(sqlalchemy.func.count()).select_from(table))
                    .scalar_one() for table in COURSE_TABLES}

    def stored_files(self) -> list[Path]:
        """Every file of the blob directory (kept blobs and any temporary file)."""
        return sorted(path for path in self.blob_dir.rglob("*") if path.is_file()) if self.blob_dir.exists() else []


def start_node(stack: ExitStack, database_url: str, blob_dir: Path, *, credentials: bool = True,
               **config: Any) -> Node:
    app = create_app(Config(database_url=database_url, blob_dir=str(blob_dir), **config))
    if credentials:
        with write_transaction(app.extensions["parcours.engine"]) as connection:
            for key, scopes in KEYS.items():
                create_credential(connection, key=key, scopes=scopes, name=key, secret_hash=SECRET_HASH)
    host, port = stack.enter_context(live_server(app))
    return Node(app, host, port, blob_dir)


@pytest.fixture
def node(database_url: str, tmp_path: Path) -> Iterator[Node]:
    """An LRS on a SQLite file, then on PostgreSQL, served over HTTP."""
    with ExitStack() as stack:
        yield start_node(stack, database_url, tmp_path / "blobs")


@pytest.fixture
def sqlite_node(sqlite_database: str, tmp_path: Path) -> Iterator[Node]:
    with ExitStack() as stack:
        yield start_node(stack, sqlite_database, tmp_path / "blobs")
