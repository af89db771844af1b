"""Accessibility checks run inside a page: axe-core's WCAG 2.1 A/AA rules and reflow."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Frame

from tests.browser.conftest import AXE

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(frame: Frame) -> list[dict[str, Any]]:
    if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
        frame.add_script_tag(path=str(AXE))
    return frame.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary)}));
        }""",
        WCAG_TAGS,
    )


def no_horizontal_scroll(frame: Frame) -> bool:
    return frame.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
