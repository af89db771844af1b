"""The mastery score (0..1): as a percentage, the one way the manifest, the page and the
runtime show it (at most two decimals, none when it is whole: 0.7 -> "70", 2/3 ->
"66.67"), and the pass test.

The runtime (`percentText` and `reaches` in parcours.js) applies the same rules to a
mastery score the LMS gives at launch; tests/browser/test_runtime.py checks that the
percentages agree.
"""

from __future__ import annotations

# Floating-point sums of question weights may land a hair under the mastery score.
PASS_TOLERANCE = 1e-9


def reaches(scaled: float, mastery: float) -> bool:
    """Whether a scaled score passes the mastery score."""
    return scaled >= mastery - PASS_TOLERANCE


def mastery_percent(score: float, decimal_mark: str = ".") -> str:
    """`score` as a percentage: rounded to two decimals, written with `decimal_mark`."""
    value = round(float(score) * 100, 2)
    text = str(int(value)) if value.is_integer() else f"{value:.2f}".rstrip("0")
    return text.replace(".", decimal_mark)
