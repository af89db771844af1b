"""Builds a course for the preview, in memory, and rebuilds it whenever its folder changes.

Polling (every 0.2 s) rather than file-system events: no dependency, and a course
folder is small. A build that fails keeps the last good one on screen; its error
text is kept for the page and the terminal.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from packager.course import CourseError, load_course
from packager.formats import FORMATS
from packager.formats.base import Package
from packager.formats.cmi5 import move_on
from packager.layout import module_document
from packager.zipwriter import Content

POLL_SECONDS = 0.2


@dataclass
class BuildState:
    """The last good package, the current error if the last build failed, and a generation number."""

    generation: int = 0
    files: dict[str, Content] = field(default_factory=dict)
    modules: list[dict[str, str]] = field(default_factory=list)  # key, title, id, launch (package path)
    course: dict[str, str] = field(default_factory=dict)  # id, title
    error: str | None = None


def folder_signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    """(path, size, mtime) of every file under `root`: any edit, addition or removal changes it."""
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in files:
            if name.startswith("."):
                continue  # editors' swap and lock files
            path = os.path.join(folder, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            found.append((path, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))


class PreviewBuilder:
    """Keeps `state` up to date with the course folder; `on_build` hears of every attempt."""

    def __init__(self, course_dir: Path, package_format: str, lang: str = "fr",
                 on_build: Callable[[BuildState], None] | None = None) -> None:
        self.course_dir = Path(course_dir)
        self.format = package_format
        self.lang = lang
        self.on_build = on_build
        self.state = BuildState()
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._signature: tuple = ()

    def build(self) -> BuildState:
        """Build once now; on failure keep the previous files and record the error."""
        signature = folder_signature(self.course_dir)
        try:
            course = load_course(self.course_dir)
            package: Package = FORMATS[self.format].package(course)
            error = None
        except CourseError as failure:
            error, package, course = failure.format(self.lang), None, None
        with self.lock:
            previous = self.state
            if package is not None and course is not None:
                self.state = BuildState(
                    generation=previous.generation + 1,
                    files=package.files,
                    modules=[{"key": m.key, "title": m.title, "id": m.id, "launch": module_document(m.key),
                              "masteryScore": m.mastery_score, "moveOn": move_on(m)}
                             for m in course.modules],
                    course={"id": course.id, "title": course.title_text()},
                )
            else:
                self.state = BuildState(previous.generation + 1, previous.files, previous.modules, previous.course,
                                        error)
            self._signature = signature
            state = self.state
        if self.on_build:
            self.on_build(state)
        return state

    def start(self) -> None:
        self.build()
        self._thread = threading.Thread(target=self._watch, name="parcours-preview-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)

    def _watch(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            if folder_signature(self.course_dir) != self._signature:
                self.build()
