"""Relative locations: "four miles from the Ukrainian border", "near Donetsk", "20 km north of Kharkiv".

A relative location is read from the words just before a toponym (and "border" just after it). The
toponym stays the Place; its ``relative`` field says how the event's location relates to it
(docs/data_format.md)::

    {"relation": "near|distance|outskirts|direction", "distance_km": float | None,
     "from": "place|border", "direction": str | None, "text": str, "span": {"start", "end", "text"}}

``from`` is ``border`` when the phrase measures from the place's border ("the Ukrainian border"), and the
distance to that border is later computed from Natural Earth polygons. Distances are converted to
kilometres (1 mile = 1.609344 km); written numbers up to twenty and "a few"/"several" are read too, and
"dozens of kilometres" gives no distance.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["MILE_KM", "relative"]

MILE_KM = 1.609344

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "a hundred": 100,
    "one hundred": 100,
    "a dozen": 12,
    "a few": 3,
    "several": 5,
    "a couple of": 2,
}
_UNITS = {
    "km": 1.0,
    "kms": 1.0,
    "kilometer": 1.0,
    "kilometers": 1.0,
    "kilometre": 1.0,
    "kilometres": 1.0,
    "mile": MILE_KM,
    "miles": MILE_KM,
    "mi": MILE_KM,
    "m": 0.001,
    "meter": 0.001,
    "meters": 0.001,
    "metre": 0.001,
    "metres": 0.001,
}
_DIRS = (
    r"north[- ]?east|north[- ]?west|south[- ]?east|south[- ]?west|north|south|east|west"
    r"|northeast|northwest|southeast|southwest"
)
_NUM = (
    r"(?P<num>\d+(?:[.,]\d+)?|" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True)) + ")"
)
_UNIT = r"(?P<unit>" + "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True)) + r")\b\.?"
_HEDGE = (
    r"(?:(?:about|approximately|around|roughly|some|nearly|almost|just|only|over|under|less than|more than"
    r"|up to|within)\s+)?"
)
_THE = r"(?:the\s+)?"

_DISTANCE = re.compile(
    _HEDGE
    + _NUM
    + r"[\s-]*"
    + _UNIT
    + r"(?:\s*\([^)]{0,20}\))?\s+(?:\(?(?P<dir>"
    + _DIRS
    + r")(?:ward)?\)?\s+)?(?:away\s+)?(?:of|from|outside|inside|into|beyond|behind|short\s+of)\s+"
    + _THE
    + r"$",
    re.IGNORECASE,
)
_DIRECTION = re.compile(r"(?:to\s+the\s+|just\s+)?(?P<dir>" + _DIRS + r")(?:ern)?\s+of\s+" + _THE + "$", re.I)
_OUTSKIRTS = re.compile(
    r"(?:on|at|in)\s+the\s+(?:outskirts|edge|suburbs|fringes|approaches)\s+of\s+" + _THE + "$", re.I
)
_NEAR = re.compile(
    r"(?:near|nearby|close\s+to|not\s+far\s+from|in\s+the\s+vicinity\s+of|in\s+the\s+area\s+of|around|"
    r"just\s+outside(?:\s+of)?|outside(?:\s+of)?|along|at)\s+" + _THE + "$",
    re.IGNORECASE,
)
_BORDER_AFTER = re.compile(r"^(?:[-–/]\w+)?\s*(?P<word>border|borders|frontier)\b", re.IGNORECASE)
_NEAR_BORDER = re.compile(
    r"(?:near|along|close\s+to|at|on|across|by)\s+the\s+(?:\w+\s+)?(?:border|frontier)\s+with\s+"
    + _THE
    + "$",
    re.IGNORECASE,
)


def relative(text: str, start: int, end: int, *, floor: int = 0) -> dict[str, Any] | None:
    """The relative location of the toponym at ``text[start:end]``, or None.

    ``floor`` is the start of its sentence: the phrase is looked for between ``floor`` and the toponym.
    """
    left = text[max(floor, start - 120) : start]
    right = text[end : end + 30]
    border = _BORDER_AFTER.match(right)
    phrase_end = end + border.end() if border else end
    origin = "border" if border else "place"
    m = _NEAR_BORDER.search(left)
    if m:
        return _record(text, start - len(left) + m.start(), phrase_end, "near", None, "border", None)
    m = _DISTANCE.search(left)
    if m:
        km = _km(m.group("num"), m.group("unit"))
        direction = _direction(m.group("dir"))
        return _record(text, start - len(left) + m.start(), phrase_end, "distance", km, origin, direction)
    m = _OUTSKIRTS.search(left)
    if m:
        return _record(text, start - len(left) + m.start(), phrase_end, "outskirts", None, origin, None)
    m = _DIRECTION.search(left)
    if m:
        direction = _direction(m.group("dir"))
        return _record(text, start - len(left) + m.start(), phrase_end, "direction", None, origin, direction)
    m = _NEAR.search(left)
    if m:
        word = m.group(0).split()[0].lower()
        if word in {"at", "along"} and not border:
            return None  # "at Kursk" is in Kursk; "along the Dnipro" is a line, not a nearness
        return _record(text, start - len(left) + m.start(), phrase_end, "near", None, origin, None)
    return None


def _record(
    text: str, s: int, e: int, relation: str, km: float | None, origin: str, direction: str | None
) -> dict[str, Any]:
    return {
        "relation": relation,
        "distance_km": None if km is None else round(km, 2),
        "from": origin,
        "direction": direction,
        "text": text[s:e],
        "span": {"start": s, "end": e, "text": text[s:e]},
    }


def _km(num: str, unit: str) -> float | None:
    n = num.lower()
    value = float(n.replace(",", ".")) if n[0].isdigit() else float(_NUMBER_WORDS.get(n, 0) or 0)
    if not value:
        return None
    return value * _UNITS[unit.lower().rstrip(".")]


def _direction(word: str | None) -> str | None:
    if not word:
        return None
    return re.sub(r"[- ]", "", word.lower())
