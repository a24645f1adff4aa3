"""When an event happened, normalised against the article's publication date.

The date phrase is the DATE entity of the trigger's sentence closest to the trigger (or a time word the model
does not label: "overnight", "last night"). It is read as:

* an absolute date ("on 10 March 2024", "9 October 2018", "March 10"): ``day`` precision; a month ("in June",
  "June 2024"): ``month``; a year ("in 2022"): ``year``. A month or day without a year takes the latest one
  not after the publication date;
* a relative date against the publication date: "today", "yesterday", "overnight", "last night", "on
  Tuesday" (the latest Tuesday on or before publication): ``day``; "last week", "this week": ``week``;
  "last month": ``month``; "recently", "earlier": ``unknown`` with the publication date as the end;
* a duration ("the first visit in 24 years", "for three weeks", "over the past two days") is not a date.

With no date phrase the event happened on or before publication: ``{start: null, end: published, precision:
unknown}``. With no publication date a relative phrase gives an honest ``unknown`` (never today's date).
``time_precision`` is ACLED's code: day 1, week 2, anything coarser 3.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Any

import dateparser

__all__ = ["DURATION", "TIME_PRECISION", "parse_published", "resolve_when"]

TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3, "unknown": 3}

_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
DURATION = re.compile(
    r"^(?:in|for|over|during|within|after|about|nearly|almost|more than|the past|the last|past|last)?\s*"
    r"(?:the\s+)?(?:past\s+|last\s+|first\s+)?(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"several|many|few|a few|dozens of|hundreds of)\s+(?:years?|months?|weeks?|days?|decades?|hours?)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_DAY_WORDS = {"today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
              "yesterday": 1, "overnight": 0, "last night": 1, "the day before": 2}  # fmt: skip


def parse_published(value: str | None) -> date | None:
    """The publication date of an article (``YYYY-MM-DD`` or an ISO timestamp), or None."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def resolve_when(phrase: str | None, published: date | None) -> dict[str, Any]:
    """The ``when`` record of an event whose date phrase is ``phrase`` (None: no phrase)."""
    if phrase is None or DURATION.match(phrase.strip()):
        return _record(None, published, "unknown", None)
    text = phrase.strip().lower().removeprefix("on ").removeprefix("in ").removeprefix("the ").strip()
    for words, back in _DAY_WORDS.items():
        if text == words or text.startswith(words + " "):
            if published is None:
                return _record(None, None, "unknown", phrase)
            day = published - timedelta(days=back)
            return _record(day, day, "day", phrase)
    first = text.split()[0] if text else ""
    if first in _WEEKDAYS and not re.search(r"\d", text):
        if published is None:
            return _record(None, None, "unknown", phrase)
        back = (published.weekday() - _WEEKDAYS[first]) % 7
        day = published - timedelta(days=back)
        return _record(day, day, "day", phrase)
    if text in {"last week", "this week", "earlier this week", "past week"}:
        if published is None:
            return _record(None, None, "unknown", phrase)
        monday = published - timedelta(days=published.weekday())
        if text.startswith("last") or text.startswith("past"):
            monday -= timedelta(days=7)
        return _record(monday, min(monday + timedelta(days=6), published), "week", phrase)
    if text in {"last month", "this month", "earlier this month"}:
        if published is None:
            return _record(None, None, "unknown", phrase)
        first_day = published.replace(day=1)
        if text == "last month":
            first_day = (first_day - timedelta(days=1)).replace(day=1)
        last = first_day.replace(day=calendar.monthrange(first_day.year, first_day.month)[1])
        return _record(first_day, min(last, published), "month", phrase)
    return _absolute(text, phrase, published)


def _absolute(text: str, phrase: str, published: date | None) -> dict[str, Any]:
    words = re.findall(r"[a-z]+|\d+", text)
    year_match = _YEAR.search(text)
    months = [w for w in words if w in _MONTHS]
    days = [int(w) for w in words if w.isdigit() and 1 <= int(w) <= 31 and not _YEAR.fullmatch(w)]
    if months and not days:  # "June", "June 2024"
        month = _MONTHS[months[0]]
        year = int(year_match.group(1)) if year_match else _latest_year(month, 1, published)
        if year is None:
            return _record(None, None, "unknown", phrase)
        first_day = date(year, month, 1)
        last = first_day.replace(day=calendar.monthrange(year, month)[1])
        return _record(first_day, last, "month", phrase)
    if year_match and not months and not days and len(words) <= 2:  # "2022", "in 2022"
        year = int(year_match.group(1))
        return _record(date(year, 1, 1), date(year, 12, 31), "year", phrase)
    if months and days:
        month, day_n = _MONTHS[months[0]], days[0]
        year = int(year_match.group(1)) if year_match else _latest_year(month, day_n, published)
        if year is None:
            return _record(None, None, "unknown", phrase)
        try:
            day = date(year, month, day_n)
        except ValueError:
            return _record(None, published, "unknown", phrase)
        return _record(day, day, "day", phrase)
    settings: dict[str, Any] = {
        "PREFER_DATES_FROM": "past",
        "DATE_ORDER": "DMY",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    if published is not None:
        from datetime import datetime

        settings["RELATIVE_BASE"] = datetime(published.year, published.month, published.day)
    elif not year_match:
        return _record(None, None, "unknown", phrase)  # relative to nothing: never guess from today
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    if parsed is None:
        return _record(None, published, "unknown", phrase)
    day = parsed.date()
    return _record(day, day, "day", phrase)


def _latest_year(month: int, day: int, published: date | None) -> int | None:
    if published is None:
        return None
    year = published.year
    try:
        if date(year, month, min(day, 28)) > published:
            year -= 1
    except ValueError:
        return None
    return year


def _record(start: date | None, end: date | None, precision: str, text: str | None) -> dict[str, Any]:
    return {
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
        "precision": precision,
        "text": text,
    }
