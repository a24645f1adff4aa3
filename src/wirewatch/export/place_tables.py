"""Text and CSV renderings of places for the CLI: ``wirewatch places`` (table, CSV) and ``wirewatch geocode``.

Place records come from scraped text and a gazetteer, so every cell is cleaned of control and bidi
characters before it reaches a terminal, and every CSV text cell is formula-safe. Numbers stay numbers in
CSV: a longitude of ``-3.7`` is written as ``-3.7`` (a spreadsheet reads it as a number, never a formula).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from wirewatch.render import csv_safe

__all__ = ["PLACE_CSV_COLUMNS", "geocode_lines", "place_csv_row", "places_csv", "places_table"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]+")

#: The columns of ``wirewatch places --csv``, in order.
PLACE_CSV_COLUMNS: tuple[str, ...] = (
    "article",
    "id",
    "mention",
    "start",
    "end",
    "name",
    "geonameid",
    "level",
    "country",
    "admin1",
    "lat",
    "lon",
    "relation",
    "distance_km",
    "from",
    "direction",
    "relative",
    "score",
    "metonymy",
    "candidates",
)

_NUMERIC = frozenset({"start", "end", "geonameid", "lat", "lon", "distance_km", "score", "candidates"})


def _clean(value: Any) -> str:
    """Text made safe for one terminal line: control and bidi characters become spaces."""
    return " ".join(_CONTROL.sub(" ", "" if value is None else str(value)).split())


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fixed(value: Any, digits: int) -> str:
    """A number with ``digits`` decimals, else the cleaned text (empty for None)."""
    return f"{value:.{digits}f}" if _is_number(value) else _clean(value)


def _latlon(place: dict[str, Any]) -> str:
    lat, lon = place.get("lat"), place.get("lon")
    if lat is None and lon is None:
        return "-"
    return f"{_fixed(lat, 4)},{_fixed(lon, 4)}"


def place_csv_row(place: dict[str, Any]) -> dict[str, Any]:
    """One place flattened to :data:`PLACE_CSV_COLUMNS` (numbers kept as numbers, text not yet safe)."""
    mention = _obj(place.get("mention"))
    relative = _obj(place.get("relative"))
    candidates = place.get("candidates")
    return {
        "article": place.get("article"),
        "id": place.get("id"),
        "mention": mention.get("text"),
        "start": mention.get("start"),
        "end": mention.get("end"),
        "name": place.get("name"),
        "geonameid": place.get("geonameid"),
        "level": place.get("level"),
        "country": place.get("country"),
        "admin1": place.get("admin1"),
        "lat": place.get("lat"),
        "lon": place.get("lon"),
        "relation": relative.get("relation"),
        "distance_km": relative.get("distance_km"),
        "from": relative.get("from"),
        "direction": relative.get("direction"),
        "relative": relative.get("text"),
        "score": place.get("score"),
        "metonymy": place.get("metonymy"),
        "candidates": len(candidates) if isinstance(candidates, list) else 0,
    }


def _csv_cell(column: str, value: Any) -> str:
    if column in _NUMERIC and _is_number(value):
        return repr(value) if isinstance(value, float) else str(value)
    return csv_safe(value)


def places_csv(rows: Iterable[dict[str, Any]]) -> str:
    """``wirewatch places --csv``: a header row, then one row per place; text cells are formula-safe
    (:func:`~wirewatch.render.csv_safe`), numeric cells holding numbers are written as numbers."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(PLACE_CSV_COLUMNS)
    for r in rows:
        flat = place_csv_row(r)
        writer.writerow([_csv_cell(c, flat[c]) for c in PLACE_CSV_COLUMNS])
    return buf.getvalue()


_TABLE_COLUMNS: tuple[tuple[str, int], ...] = (
    ("mention", 24),
    ("name", 24),
    ("level", 9),
    ("cc", 2),
    ("admin1", 20),
    ("lat,lon", 19),
    ("relative", 28),
    ("score", 5),
    ("article", 8),
)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def places_table(rows: Sequence[dict[str, Any]]) -> str:
    """Stored places as an aligned table, one line each: mention, name, level, country, admin1, lat,lon
    (4 decimals), the relative-location phrase, score, and the article id's first 8 characters (enough for
    ``--article``). Long cells are shortened with "…"; a last line counts the places."""
    if not rows:
        return "no places\n"
    cells: list[list[str]] = []
    for r in rows:
        cells.append(
            [
                _clean(_obj(r.get("mention")).get("text")),
                _clean(r.get("name")),
                _clean(r.get("level")),
                _clean(r.get("country")),
                _clean(r.get("admin1")),
                _latlon(r),
                _clean(_obj(r.get("relative")).get("text")),
                _fixed(r.get("score"), 2),
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
    lines.append(f"{len(rows)} places")
    return "\n".join(lines) + "\n"


def _where(place: dict[str, Any]) -> str:
    """``level, CC, admin1`` for the parts that are known."""
    return ", ".join(_clean(place.get(k)) for k in ("level", "country", "admin1") if place.get(k))


def geocode_lines(places: Sequence[dict[str, Any]]) -> str:
    """``wirewatch geocode``: each place as ``mention → name (level, country, admin1) lat,lon score``, then
    its relative location and metonymy if any, then its runner-up candidates (every candidate but the chosen
    entry), indented, each ``name (country, admin1) score``."""
    if not places:
        return "no places found\n"
    lines: list[str] = []
    for p in places:
        mention = _clean(_obj(p.get("mention")).get("text")) or "?"
        name = _clean(p.get("name")) or "(unresolved)"
        where = _where(p)
        head = f"{mention} → {name}" + (f" ({where})" if where else "")
        head += f" {_latlon(p)} score {_fixed(p.get('score'), 2)}"
        lines.append(head)
        relative = _obj(p.get("relative"))
        if relative:
            about = ", ".join(
                _clean(x)
                for x in (
                    relative.get("relation"),
                    f"{relative['distance_km']:g} km" if _is_number(relative.get("distance_km")) else None,
                    f"from {relative['from']}" if relative.get("from") else None,
                    relative.get("direction"),
                )
                if x
            )
            lines.append(f"    relative: “{_clean(relative.get('text'))}” ({about})")
        if p.get("metonymy"):
            lines.append(f"    metonymy: {_clean(p.get('metonymy'))}")
        chosen = p.get("geonameid")
        for c in p.get("candidates") or []:
            if not isinstance(c, dict) or (chosen is not None and c.get("geonameid") == chosen):
                continue
            about = ", ".join(_clean(c.get(k)) for k in ("country", "admin1") if c.get(k))
            label = (_clean(c.get("name")) or "?") + (f" ({about})" if about else "")
            lines.append(f"    also {label} score {_fixed(c.get('score'), 2)}")
    return "\n".join(lines) + "\n"
