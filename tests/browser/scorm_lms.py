"""Driving the test LMS page (scorm-again in the parent window, the SCO in an iframe)
and reading back what the SCO committed."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from playwright.sync_api import Frame, Page

from tests.browser.learner import wait_ready
from tests.browser.packages import Package
from tests.browser.server import LiveServer

VERSION = {"scorm12": "1.2", "scorm2004": "2004"}

# SCORM 1.2 vocabulary and response formats (RTE 3.4.2.2), SCORM 2004 4th ed. (RTE 4.2.9).
SCORM12_TYPES = {"true-false", "choice", "fill-in", "matching", "performance", "sequencing", "likert", "numeric"}
SCORM12_RESPONSE = {
    "true-false": re.compile(r"^[tf01]$"),
    "choice": re.compile(r"^[0-9a-z](,[0-9a-z])*$"),
    "sequencing": re.compile(r"^[0-9a-z](,[0-9a-z])*$"),
    "matching": re.compile(r"^[0-9a-z]\.[0-9a-z](,[0-9a-z]\.[0-9a-z])*$"),
    "numeric": re.compile(r"^-?\d+(\.\d+)?$"),
    "fill-in": re.compile(r"^.{1,255}$"),
}
SCORM2004_RESPONSE = {
    "true-false": re.compile(r"^(true|false)$"),
    "choice": re.compile(r"^[\w.-]+(\[,\][\w.-]+)*$"),
    "sequencing": re.compile(r"^[\w.-]+(\[,\][\w.-]+)*$"),
    "matching": re.compile(r"^[\w.-]+\[\.\][\w.-]+(\[,\][\w.-]+\[\.\][\w.-]+)*$"),
    "numeric": re.compile(r"^-?\d+(\.\d+)?$"),
    "fill-in": re.compile(r"^.{1,250}$"),
}
SCORM12_TIMESPAN = re.compile(r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$")
SCORM12_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")
ISO_DURATION = re.compile(r"^PT(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)$")
SCORM2004_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,2})?Z$")


def open_in_lms(page: Page, server: LiveServer, package: Package, launch: str,
                data: dict[str, str] | None = None) -> Frame:
    """Opens the LMS page for the package's SCORM version with the SCO in its iframe."""
    server.serve_package(package.root)
    url = f"{server.base}/lms/scorm.html?version={VERSION[package.format]}&launch={quote('/pkg/' + launch)}"
    if data:
        url += "&data=" + quote(json.dumps(data))
    page.goto(url)
    frame = page.wait_for_selector("#sco").content_frame()
    assert frame is not None
    frame.wait_for_url(re.compile(r"/pkg/"))
    wait_ready(frame)
    return frame


def close_sco(page: Page) -> list[dict[str, Any]]:
    """Unloads the SCO the way an LMS does when the learner leaves, and returns the journal."""
    page.evaluate("() => { document.getElementById('sco').src = 'about:blank'; }")
    page.wait_for_function("() => window.lmsLog.some(e => e.call === 'finish')")
    return page.evaluate("() => window.lmsLog")


def committed(log: list[dict[str, Any]]) -> dict[str, str]:
    """The value of every element as of the last commit before finish."""
    values: dict[str, str] = {}
    pending: dict[str, str] = {}
    for entry in log:
        if entry["call"] == "set":
            pending[entry["element"]] = entry["value"]
        elif entry["call"] in ("commit", "finish"):
            values.update(pending)
            pending = {}
    return values


def check_journal(log: list[dict[str, Any]]) -> None:
    """Every call succeeded, initialize came first, finish last and once, after a commit."""
    failures = [e for e in log if e["result"] != "true" or e["error"] != "0"]
    assert not failures, f"calls rejected by the SCORM runtime: {failures}"
    calls = [e["call"] for e in log]
    assert calls[0] == "init" and calls.count("init") == 1, calls[:3]
    assert calls[-1] == "finish" and calls.count("finish") == 1, calls[-3:]
    assert calls[-2] == "commit", calls[-3:]


def interactions(values: dict[str, str]) -> list[dict[str, str]]:
    found: dict[int, dict[str, str]] = {}
    for element, value in values.items():
        match = re.match(r"^cmi\.interactions\.(\d+)\.(.+)$", element)
        if match:
            found.setdefault(int(match.group(1)), {})[match.group(2)] = value
    return [found[i] for i in sorted(found)]
