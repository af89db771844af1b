"""Fixtures of the packager suite: the sample courses and small courses written per test."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

import pytest

from packager.build import build_packages
from packager.formats import ZIP_FORMATS


@pytest.fixture(scope="session")
def samples(root: Path) -> Path:
    return root / "samples" / "courses"


@pytest.fixture(scope="session")
def sample_course(samples: Path) -> Path:
    return samples / "numerique-responsable"


@pytest.fixture(scope="session")
def built_sample(sample_course: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample course built once in every format, for the read-only tests."""
    out = tmp_path_factory.mktemp("dist")
    results = build_packages(sample_course, [*ZIP_FORMATS, "web"], out)
    return {result.format: result.path for result in results}


CourseWriter = Callable[..., Path]


@pytest.fixture
def write_course(tmp_path: Path) -> CourseWriter:
    """Writes a course folder from {relative path: text}; texts are dedented."""

    def write(files: dict[str, str | bytes], name: str = "cours") -> Path:
        folder = tmp_path / name
        for relative, content in files.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return folder

    return write


MINIMAL_COURSE = """
id: https://example.gouv.fr/cours/test
title: Cours de test
modules:
  - key: m1
    title: Module un
    pages:
      - pages/intro.md
"""

MINIMAL_PAGE = """
# Introduction

Du texte.
"""
