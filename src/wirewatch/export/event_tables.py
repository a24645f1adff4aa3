"""The text table of ``wirewatch events``: one aligned line per stored event.

Event records come from scraped text, so every cell is cleaned of control and bidi characters before it
reaches a terminal (as ``wirewatch places`` does).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from wirewatch.export.acled import actor_label, event_date

__all__ = ["events_table"]

_TABLE_COLUMNS: tuple[tuple[str, int], ...] = (
    ("date", 10),
    ("type", 22),
    ("acled", 26),
    ("actors", 40),
    ("places", 30),
    ("dead", 4),
    ("flags", 10),
    ("article", 8),
)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]+")


def _clean(value: Any) -> str:
    """Text made safe for one terminal line: control and bidi characters become spaces."""
    return " ".join(_CONTROL.sub(" ", "" if value is None else str(value)).split())


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _flags(event: dict[str, Any]) -> str:
    """Short marks for what the event is not (yet): ``alleged`` (held only by alleged or denied claims),
    ``negated`` (did not happen), ``hypo`` (hypothetical), ``future``."""
    marks = (
        ("allegation", "alleged"),
        ("negated", "negated"),
        ("hypothetical", "hypo"),
        ("future", "future"),
    )
    return ",".join(mark for key, mark in marks if event.get(key) is True)


def _type(event: dict[str, Any]) -> str:
    kind, mode = _clean(event.get("type")), _clean(event.get("mode"))
    return f"{kind}/{mode}" if mode else kind


def _places(event: dict[str, Any]) -> str:
    names: list[str] = []
    for place in event.get("places") or []:
        name = _clean(_obj(place).get("name"))
        if name and name not in names:
            names.append(name)
    return ", ".join(names)


def events_table(rows: Sequence[dict[str, Any]]) -> str:
    """Stored events as an aligned table, one line each: the date (``when.start``, else ``when.end``; ``-``
    when unknown), PLOVER type/mode, ACLED sub-event type, the actors ("Russia (military) → Ukraine"), the
    names of the places, fatalities, flags (``alleged``, ``negated``, ``hypo``, ``future``) and the article
    id's first 8 characters (enough for ``--article``). Long cells are shortened with "…"; a last line counts
    the events."""
    if not rows:
        return "no events\n"
    cells: list[list[str]] = []
    for r in rows:
        dead = r.get("fatalities")
        cells.append(
            [
                event_date(r) or "-",
                _type(r),
                _clean(_obj(r.get("acled")).get("sub_event_type")),
                _clean(actor_label(r)),
                _places(r),
                str(dead) if isinstance(dead, int) and not isinstance(dead, bool) else "",
                _flags(r),
                _clean(r.get("article"))[:8],
            ]
        )
    widths = []
    for i, (title, limit) in enumerate(_TABLE_COLUMNS):
        widths.append(min(limit, max(len(title), *(len(row[i]) for row in cells))))
    lines = ["  ".join(f"{t:<{w}}" for (t, _), w in zip(_TABLE_COLUMNS, widths, strict=True)).rstrip()]
    for row in cells:
        parts = [f"{_shorten(c, w):<{w}}" for c, w in zip(row, widths, strict=True)]
        lines.append("  ".join(parts).rstrip())
    lines.append(f"{len(rows)} events" if len(rows) != 1 else "1 event")
    return "\n".join(lines) + "\n"
