"""Courses built by the real packager and published into a real LRS: the catalogue tests' helpers
(also used by tests/browser/test_catalogue_a11y.py)."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from flask import Flask

from lrs.app import create_app
from lrs.auth import create_credential
from lrs.config import Config
from lrs.courses.blobs import BlobStore, blob_directory
from lrs.courses.publish import publish_file
from lrs.db import write_transaction
from packager.build import build_packages
from tests.lrs.xapi_client import SECRET, SECRET_HASH, auth_header

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "samples" / "courses" / "numerique-responsable"
MINIMAL = ROOT / "samples" / "courses" / "minimal"
FORMATS = ["scorm12", "scorm2004", "cmi5", "xapi", "web"]
SAMPLE_IRI = "https://parcours.example.gouv.fr/cours/numerique-responsable"
SAMPLE_SLUG = "numerique-responsable"
# key -> scopes of the credentials every catalogue app has
KEYS = {"admin": "all", "catalogue": "catalogue/read", "allreader": "all/read", "writer": "statements/write",
        "analyst": "reports/read"}


def auth(key: str) -> dict[str, str]:
    return {"Authorization": auth_header(key, SECRET)}


def package_path(built: Any) -> Path:
    """The zip a build wrote (the `web` build is a folder with a zip beside it)."""
    return Path(getattr(built, "archive", None) or built.path)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def course_folder(where: Path, name: str, **changes: Any) -> Path:
    """A copy of the minimal sample course with `course.yaml` fields replaced."""
    folder = where / name
    number = 1
    while folder.exists():  # another version of the same course
        number += 1
        folder = where / f"{name}-{number}"
    shutil.copytree(MINIMAL, folder)
    description = yaml.safe_load((folder / "course.yaml").read_text(encoding="utf-8"))
    description.update({"id": f"https://formation.example.gouv.fr/cours/{name}", **changes})
    (folder / "course.yaml").write_text(yaml.safe_dump(description, allow_unicode=True), encoding="utf-8")
    return folder


@dataclass
class Catalogue:
    """An LRS app with credentials for every scope of KEYS, and a way to publish into it."""

    app: Flask
    config: Config
    work: Path
    published: dict[str, Path] = field(default_factory=dict)

    @property
    def client(self):  # type: ignore[no-untyped-def]
        return self.app.test_client()

    @property
    def store(self) -> BlobStore:
        return BlobStore(blob_directory(self.config))

    def publish(self, path: Path) -> Any:
        return publish_file(self.app.extensions["parcours.engine"], self.store, path,
                            max_bytes=self.config.max_package_bytes)

    def build_and_publish(self, name: str, formats: tuple[str, ...] = ("scorm12",), **changes: Any) -> list[Path]:
        folder = course_folder(self.work / "courses", name, **changes)
        built = build_packages(folder, list(formats), self.work / "dist" / folder.name)
        paths = [package_path(item) for item in built]
        for path in paths:
            self.publish(path)
        return paths


def new_catalogue(database_url: str, work: Path, public: bool = True) -> Catalogue:
    """An LRS with a blob directory under `work` and one credential per entry of KEYS."""
    blobs = work / "blobs"
    number = 1
    while blobs.exists():
        number += 1
        blobs = work / f"blobs-{number}"
    config = Config.from_env(database_url=database_url, blob_dir=str(blobs), catalogue_public=public)
    app = create_app(config)
    with app.app_context(), write_transaction() as connection:
        for key, scopes in KEYS.items():
            create_credential(connection, key=key, scopes=scopes, secret_hash=SECRET_HASH)
    (work / "courses").mkdir(exist_ok=True)
    return Catalogue(app, config, work)


def build_sample(out: Path) -> dict[str, Path]:
    """The sample course in its five formats."""
    return {built.format: package_path(built) for built in build_packages(SAMPLE, FORMATS, out)}
