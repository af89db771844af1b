"""Debian's chromium, headless, driven by playwright: one browser per test process,
shared by the runtime tests and the report tests."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
NODE_MODULES = ROOT / ".cache" / "node" / "node_modules"
SCORM_AGAIN_DIST = NODE_MODULES / "scorm-again" / "dist"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def launch_chromium() -> Iterator[Browser]:
    """Fail (never skip) when a part the browser tests need is missing."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/setup --test)")
    for needed in (SCORM_AGAIN_DIST / "scorm12.min.js", SCORM_AGAIN_DIST / "scorm2004.min.js", AXE):
        if not needed.exists():
            pytest.fail(f"{needed} is missing: run scripts/setup --test "
                        "(npm install --prefix .cache/node axe-core@4 scorm-again@2)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()
