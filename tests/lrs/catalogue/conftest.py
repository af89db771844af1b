"""Fixtures of the catalogue tests: the sample course built once, LRSs to publish into."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest

from tests.lrs.catalogue.support import Catalogue, build_sample, new_catalogue


@pytest.fixture(scope="session")
def sample_packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample course in its five formats, built once for the session."""
    return build_sample(tmp_path_factory.mktemp("catalogue-sample") / "dist")


@pytest.fixture
def make_catalogue(tmp_path: Path) -> Iterator[Callable[..., Catalogue]]:
    made: list[Catalogue] = []

    def factory(database_url: str, public: bool = True) -> Catalogue:
        catalogue = new_catalogue(database_url, tmp_path, public)
        made.append(catalogue)
        return catalogue

    yield factory
    for catalogue in made:
        catalogue.app.extensions["parcours.engine"].dispose()


def _with_sample(catalogue: Catalogue, packages: dict[str, Path]) -> Catalogue:
    for path in packages.values():
        catalogue.publish(path)
    catalogue.published = dict(packages)
    return catalogue


@pytest.fixture
def published(make_catalogue: Callable[..., Catalogue], database_url: str,
              sample_packages: dict[str, Path]) -> Catalogue:
    """The sample course in every format, on SQLite then on PostgreSQL."""
    return _with_sample(make_catalogue(database_url), sample_packages)


@pytest.fixture
def published_sqlite(make_catalogue: Callable[..., Catalogue], sqlite_database: str,
                     sample_packages: dict[str, Path]) -> Catalogue:
    return _with_sample(make_catalogue(sqlite_database), sample_packages)
