"""Reading report parameters (dates, periods) the same way on the web and the command line."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from lrs.reports.messages import text
from validators.xapi.syntax import parse_timestamp

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ReportInputError(ValueError):
    """A parameter a report cannot use; `message(lang)` names it."""

    def __init__(self, key: str, field: str, value: str = "") -> None:
        super().__init__(f"{field}: {value}")
        self.key, self.field, self.value = key, field, value

    def message(self, lang: str) -> str:
        return text(lang, self.key, field=self.field, value=self.value)


def parse_moment(value: str | None, field: str, end_of_day: bool = False) -> datetime | None:
    """A date (`2026-03-01`: the whole day) or an RFC 3339 date-time, in UTC."""
    if value is None or value.strip() == "":
        return None
    value = value.strip()
    try:
        if _DATE.match(value):
            day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
            return day + timedelta(days=1, microseconds=-1) if end_of_day else day
        return parse_timestamp(value)
    except ValueError:
        raise ReportInputError("error.date", field, value) from None


def parse_range(since: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    start = parse_moment(since, "since")
    end = parse_moment(until, "until", end_of_day=True)
    if start is not None and end is not None and end < start:
        raise ReportInputError("error.range", "until", until or "")
    return start, end


# a yes-or-no parameter (`pseudonymise=1`, a form's checkbox `on`): anything else is a
# mistake to say, not a "no" (a misspelt pseudonymise would show the learners' names)
_FLAGS = {"": False, "0": False, "false": False, "off": False, "no": False, "non": False,
          "1": True, "true": True, "on": True, "yes": True, "oui": True}


def parse_flag(value: str | None, field: str) -> bool:
    key = (value or "").strip().lower()
    if key not in _FLAGS:
        raise ReportInputError("error.flag", field, value or "")
    return _FLAGS[key]


def parse_interval(value: str | None) -> str:
    value = (value or "week").strip()
    if value not in ("day", "week", "month"):
        raise ReportInputError("error.interval", "interval", value)
    return value
