"""What this process already wrote (agent names, activity definitions), per engine, so
that repeated statements skip those writes."""

from __future__ import annotations

import threading
import weakref

from sqlalchemy.engine import Engine


class SeenCache:
    """A bounded dict per (engine, section), emptied when it grows past LIMIT."""

    LIMIT = 200_000

    def __init__(self) -> None:
        self._by_engine: "weakref.WeakKeyDictionary[Engine, dict[str, dict]]" = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def section(self, engine: Engine, name: str) -> dict:
        with self._lock:
            sections = self._by_engine.setdefault(engine, {})
            table = sections.setdefault(name, {})
            if len(table) > self.LIMIT:
                table.clear()
            return table


seen = SeenCache()


def nothing_to_remember() -> None:
    """The after-commit action when nothing was written."""
    return None
