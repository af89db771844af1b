"""Lexical checks of the xAPI data types: IRIs, UUIDs, language tags, durations, timestamps.

Each check is a precompiled regular expression. Values seen valid once are
remembered in a bounded set, because statements repeat the same verb ids,
activity ids and language tags over and over: a set lookup beats a regex.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

# RFC 3987 absolute IRI, checked lexically: a scheme, then characters allowed in
# an IRI (no spaces, controls or the delimiters RFC 3987 excludes), `%` only as
# a percent-encoding.
_IRI_CHAR = r"(?:[^\x00-\x20\x7f-\x9f<>\"{}|\\^`%#]|%[0-9A-Fa-f]{2})"
_IRI = re.compile(rf"[A-Za-z][A-Za-z0-9+.\-]*:{_IRI_CHAR}+(?:#{_IRI_CHAR}*)?\Z")  # at most one fragment
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_MAILTO = re.compile(r"mailto:[^@\s:/?#\[\]]+@[^@\s/?#\[\]]+\Z")
_SHA1 = re.compile(r"[0-9a-fA-F]{40}\Z")
# SHA-224, SHA-256, SHA-384, SHA-512 in hexadecimal
_SHA2 = re.compile(r"(?:[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})\Z")

# RFC 5646 Language-Tag (langtag / privateuse / grandfathered), case-insensitive.
_LANGUAGE_TAG = re.compile(
    r"(?:"
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  # language and extlang
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"  # variants
    r"(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"  # private use
    r"|x(?:-[a-z0-9]{1,8})+"
    r"|en-gb-oed|i-(?:ami|bnn|default|enochian|hak|klingon|lux|mingo|navajo|pwn|tao|tay|tsu)"
    r"|sgn-(?:be-fr|be-nl|ch-de)"
    r")\Z",
    re.IGNORECASE,
)

# ISO 8601 duration, format 4.4.3.2 (PnYnMnDTnHnMnS or PnW); only the last
# component may carry a decimal fraction.
_NUMBER = r"\d+(?:[.,]\d+)?"
_DURATION = re.compile(
    rf"P(?:(?:(?P<Y>{_NUMBER})Y)?(?:(?P<Mo>{_NUMBER})M)?(?:(?P<D>{_NUMBER})D)?"
    rf"(?:T(?:(?P<H>{_NUMBER})H)?(?:(?P<Mi>{_NUMBER})M)?(?:(?P<S>{_NUMBER})S)?)?"
    rf"|(?P<W>{_NUMBER})W)\Z"
)

# ISO 8601 date-time, extended or basic format, with an optional offset (1.0.3).
_ISO_DATETIME = re.compile(
    r"(?P<year>\d{4})-?(?P<month>\d{2})-?(?P<day>\d{2})"
    r"T(?P<hour>\d{2})(?::?(?P<minute>\d{2})(?::?(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?)?"
    r"(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?\Z"
)
# RFC 3339 date-time (2.0): full date, full time, fractional seconds, mandatory offset.
_RFC3339 = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"[Tt](?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})(?:\.(?P<fraction>\d+))?"
    r"(?P<offset>[Zz]|[+-]\d{2}:\d{2})\Z"
)
_UNKNOWN_OFFSETS = frozenset(("-00:00", "-0000", "-00"))
_VERSION = {"1": re.compile(r"1\.0(?:\.\d+)?\Z"), "2": re.compile(r"(?:1\.0|2\.0)(?:\.\d+)?\Z")}

_CACHE_LIMIT = 50_000
_known_iris: set[str] = set()
_known_tags: set[str] = set()


def _remember_match(pattern: re.Pattern[str], known: set[str], value: str) -> bool:
    """Whether `value` matches; a match joins `known`, emptied first when full."""
    if pattern.match(value) is None:
        return False
    if len(known) >= _CACHE_LIMIT:
        known.clear()
    known.add(value)
    return True


def is_iri(value: Any) -> bool:
    """An absolute IRI (RFC 3987): a scheme followed by IRI characters."""
    if type(value) is not str:
        return False
    return value in _known_iris or _remember_match(_IRI, _known_iris, value)


def is_uuid(value: Any) -> bool:
    """A UUID in its standard string form (8-4-4-4-12 hex digits, any case)."""
    return type(value) is str and _UUID.match(value) is not None


def is_language_tag(value: Any) -> bool:
    """An RFC 5646 language tag."""
    if type(value) is not str:
        return False
    return value in _known_tags or _remember_match(_LANGUAGE_TAG, _known_tags, value)


def is_mailto(value: Any) -> bool:
    return type(value) is str and _MAILTO.match(value) is not None and is_iri(value)


def is_sha1(value: Any) -> bool:
    return type(value) is str and _SHA1.match(value) is not None


def is_sha2(value: Any) -> bool:
    return type(value) is str and _SHA2.match(value) is not None


def is_duration(value: Any) -> bool:
    """An ISO 8601 duration in the `PnYnMnDTnHnMnS` or `PnW` format."""
    if type(value) is not str:
        return False
    match = _DURATION.match(value)
    if match is None or value == "P" or value.endswith("T"):
        return False
    parts = [part for part in match.groups() if part is not None]
    if not parts:
        return False
    # A fraction is allowed on the smallest component only (ISO 8601 4.4.3.2).
    return all("." not in part and "," not in part for part in parts[:-1])


def duration_seconds(value: str) -> float:
    """The length of a valid duration in seconds (years of 365 days, months of 30)."""
    match = _DURATION.match(value)
    if match is None:
        raise ValueError(f"not an ISO 8601 duration: {value!r}")
    factors = {"Y": 31_536_000, "Mo": 2_592_000, "W": 604_800, "D": 86_400, "H": 3_600, "Mi": 60, "S": 1}
    total = 0.0
    for name, factor in factors.items():
        part = match.group(name)
        if part is not None:
            total += float(part.replace(",", ".")) * factor
    return total


def timestamp_problem(value: Any, v2: bool) -> str | None:
    """Why a timestamp is not acceptable (a message code), or None if it is.

    1.0.3 accepts ISO 8601 date-times; 2.0 requires RFC 3339. Both reject the
    `-00:00` offset, which RFC 3339 reserves for an unknown local offset.
    """
    if type(value) is not str:
        return "type.string"
    match = (_RFC3339 if v2 else _ISO_DATETIME).match(value)
    if match is None:
        return "timestamp.rfc3339" if v2 else "timestamp.iso8601"
    offset = match.group("offset")
    if offset in _UNKNOWN_OFFSETS:
        return "timestamp.unknown_offset"
    if not _in_range(match):
        return "timestamp.out_of_range"
    return "timestamp.no_offset" if offset is None else None


_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _in_range(match: re.Match[str]) -> bool:
    """A real calendar date and clock time, checked without building a datetime (the hot path)."""
    year, month, day = int(match.group("year")), int(match.group("month")), int(match.group("day"))
    if year < 1 or not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month]:
        return False
    if month == 2 and day == 29 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return False
    if int(match.group("hour")) > 23 or int(match.group("minute") or 0) > 59 or int(match.group("second") or 0) > 60:
        return False
    offset = match.group("offset")
    if offset is not None and len(offset) > 1:
        digits = offset[1:].replace(":", "")
        if int(digits[:2]) > 23 or int(digits[2:4] or 0) > 59:
            return False
    if year == 1 or year == 9999:  # the UTC instant may fall outside what datetime holds
        try:
            _to_datetime(match)
        except (ValueError, OverflowError):
            return False
    return True


def parse_timestamp(value: str) -> datetime:
    """An aware UTC datetime from an ISO 8601 / RFC 3339 timestamp (no offset means UTC)."""
    match = _RFC3339.match(value) if type(value) is str else None
    if match is None and type(value) is str:
        match = _ISO_DATETIME.match(value)
    if match is None:
        raise ValueError(f"not an ISO 8601 timestamp: {value!r}")
    if match.group("offset") in _UNKNOWN_OFFSETS:
        raise ValueError(f"unknown local offset (-00:00) in {value!r}")
    try:
        return _to_datetime(match)
    except OverflowError as error:
        raise ValueError(f"out of range: {value!r}") from error


def _to_datetime(match: re.Match[str]) -> datetime:
    fraction = match.group("fraction") or ""
    microsecond = int((fraction + "000000")[:6])
    second = int(match.group("second") or 0)
    leap = second == 60  # RFC 3339 allows a leap second; Python does not
    moment = datetime(
        int(match.group("year")),
        int(match.group("month")),
        int(match.group("day")),
        int(match.group("hour")),
        int(match.group("minute") or 0),
        59 if leap else second,
        microsecond,
        tzinfo=_offset(match.group("offset")),
    )
    if leap:
        moment += timedelta(seconds=1)
    return moment.astimezone(timezone.utc)


def _offset(text: str | None) -> timezone:
    if text is None or text in ("Z", "z"):
        return timezone.utc
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"offset out of range: {text}")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if text[0] == "-" else delta)


def format_timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with microseconds, the form the LRS returns."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def is_version(value: Any, v2: bool) -> bool:
    """`1.0.x` always; `2.0.x` only when the request speaks xAPI 2.0."""
    return type(value) is str and _VERSION["2" if v2 else "1"].match(value) is not None
