"""How the reports round their figures, in one place: a share or a scaled score keeps
four decimals (86.11 %), seconds three (milliseconds), a mean count two."""

from __future__ import annotations

import statistics

SHARE_DIGITS = 4  # shares, rates and scaled scores (0..1)
SECONDS_DIGITS = 3
COUNT_MEAN_DIGITS = 2  # mean attempts and the like


def share(part: float, whole: float) -> float | None:
    """`part / whole` as a rounded share, None when `whole` is 0."""
    return round(part / whole, SHARE_DIGITS) if whole else None


def median(values: list[float], digits: int) -> float | None:
    return round(statistics.median(values), digits) if values else None


def mean(values: list[float], digits: int) -> float | None:
    return round(statistics.fmean(values), digits) if values else None
