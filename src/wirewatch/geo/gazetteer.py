"""The read side of the offline gazetteer built by ``geo.build``: name look-ups, variants and shapes.

The SQLite file is opened read-only and queried through its indexes; it is never loaded whole. Look-ups
fold the query with ``geo.names.key`` (exact) or ``geo.names.skeleton`` (transliteration variants, rescored
with rapidfuzz so a skeleton collision never decides alone). Country shapes are decoded from WKB on first
use and a few are kept (an LRU cache per instance), with prepared geometries for point-in-polygon tests.

Each ``Entry`` says which gazetteer name matched the query (``matched``) and that name's ``kind``
(name | alias | abbreviation | demonym), so the resolver can weigh "Georgia" the country (a name) against
"Georgia" the US state differently from "Ukrainian" (a demonym).
"""

from __future__ import annotations

import functools
import math
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from wirewatch.errors import GazetteerError
from wirewatch.geo.build import SCHEMA_VERSION
from wirewatch.geo.names import key, skeleton

__all__ = ["Entry", "Gazetteer", "GazetteerError", "haversine_km"]

EARTH_RADIUS_KM = 6371.0088
_LEVEL_ORDER = "CASE p.level WHEN 'country' THEN 0 WHEN 'admin1' THEN 1 WHEN 'populated' THEN 2 ELSE 3 END"
_COLUMNS = (
    "p.id, p.geonameid, p.name, p.level, p.country, p.admin1, p.admin1_code, p.lat, p.lon, p.population,"
    " p.approximate, p.source"
)
_KIND_ORDER = "CASE n.kind WHEN 'name' THEN 0 WHEN 'abbreviation' THEN 1 WHEN 'alias' THEN 2 ELSE 3 END"
_MAX_SKELETON_ROWS = 5000


@dataclass(frozen=True, slots=True)
class Entry:
    """One place of the gazetteer, with the name that matched a query when it came from one."""

    id: int
    geonameid: int | None
    name: str
    level: str
    country: str | None
    admin1: str | None
    admin1_code: str | None
    lat: float | None
    lon: float | None
    population: int
    approximate: bool
    source: str
    matched: str = ""
    kind: str = ""


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _entry(row: tuple[Any, ...], matched: str = "", kind: str = "") -> Entry:
    return Entry(
        id=row[0],
        geonameid=row[1],
        name=row[2],
        level=row[3],
        country=row[4],
        admin1=row[5],
        admin1_code=row[6],
        lat=row[7],
        lon=row[8],
        population=row[9],
        approximate=bool(row[10]),
        source=row[11],
        matched=matched,
        kind=kind,
    )


class Gazetteer:
    """A built gazetteer file, opened read-only. Safe to share between threads for reading."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        hint = "build it: wirewatch gazetteer build"
        if not self.path.is_file():
            raise GazetteerError(f"no gazetteer file ({hint})", input=str(self.path))
        try:
            self._con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            rows = self._con.execute("SELECT key, value FROM meta").fetchall()
        except sqlite3.Error as e:
            raise GazetteerError(f"not a gazetteer: {e} ({hint})", input=str(self.path)) from e
        self.meta: dict[str, str] = {str(k): str(v) for k, v in rows}
        version = self.meta.get("schema_version")
        if version != str(SCHEMA_VERSION):
            self._con.close()
            raise GazetteerError(
                f"gazetteer schema version {version}, this wirewatch reads {SCHEMA_VERSION} ({hint})",
                input=str(self.path),
            )
        self._shape = functools.lru_cache(maxsize=32)(self._load_shape)

    # --- names --------------------------------------------------------------------------------------

    def _filters(
        self, levels: Collection[str] | None, countries: Collection[str] | None
    ) -> tuple[str, list[Any]]:
        sql, args = "", []
        if levels is not None:
            levels = list(levels)
            sql += f" AND p.level IN ({','.join('?' * len(levels))})"
            args += levels
        if countries is not None:
            codes = [c.upper() for c in countries]
            sql += f" AND p.country IN ({','.join('?' * len(codes))})"
            args += codes
        return sql, args

    def lookup(
        self,
        name: str,
        *,
        levels: Collection[str] | None = None,
        countries: Collection[str] | None = None,
        limit: int = 50,
    ) -> list[Entry]:
        """Places one of whose names has the exact key of ``name``, most populous first."""
        k = key(name)
        if not k:
            return []
        where, args = self._filters(levels, countries)
        rows = self._con.execute(
            f"SELECT {_COLUMNS}, n.name, n.kind FROM names n JOIN places p ON p.id = n.place"
            f" WHERE n.key = ?{where}"
            f" ORDER BY p.population DESC, {_LEVEL_ORDER}, {_KIND_ORDER}, p.id",
            [k, *args],
        ).fetchall()
        out: dict[int, Entry] = {}
        for row in rows:  # names are unique per (key, place): one row per place
            if row[0] not in out:
                out[row[0]] = _entry(row, row[12], row[13])
            if len(out) >= limit:
                break
        return list(out.values())

    def variants(self, name: str, *, limit: int = 50, min_ratio: float = 75.0) -> list[tuple[Entry, float]]:
        """Places with a name of the same skeleton, scored by rapidfuzz ratio of the keys, best first.

        Names whose key equals the query's are left out (``lookup`` finds those): a place comes back
        here only through a differently spelled name, so its score is below 100.
        """
        k, s = key(name), skeleton(name)
        if not s:
            return []
        rows = self._con.execute(
            f"SELECT {_COLUMNS}, n.name, n.kind, n.key FROM names n JOIN places p ON p.id = n.place"
            " WHERE n.skel = ? AND n.key != ? LIMIT ?",
            (s, k, _MAX_SKELETON_ROWS),
        ).fetchall()
        best: dict[int, tuple[float, tuple[Any, ...]]] = {}
        for row in rows:
            score = float(fuzz.ratio(k, row[14]))
            if score < min_ratio:
                continue
            if row[0] not in best or score > best[row[0]][0]:
                best[row[0]] = (score, row)
        ranked = sorted(best.values(), key=lambda t: (-t[0], -t[1][9], t[1][0]))
        return [(_entry(row, row[12], row[13]), score) for score, row in ranked[:limit]]

    # --- places -------------------------------------------------------------------------------------

    def get(self, place_id: int) -> Entry | None:
        row = self._con.execute(f"SELECT {_COLUMNS} FROM places p WHERE p.id = ?", (place_id,)).fetchone()
        return _entry(row) if row else None

    def country(self, code: str) -> Entry | None:
        row = self._con.execute(
            f"SELECT {_COLUMNS} FROM places p WHERE p.level = 'country' AND p.country = ? LIMIT 1",
            (code.upper(),),
        ).fetchone()
        return _entry(row) if row else None

    def admin1(self, country: str, admin1_code: str) -> Entry | None:
        row = self._con.execute(
            f"SELECT {_COLUMNS} FROM places p"
            " WHERE p.country = ? AND p.admin1_code = ? AND p.level = 'admin1'"
            " ORDER BY p.approximate, p.id LIMIT 1",
            (country.upper(), admin1_code),
        ).fetchone()
        return _entry(row) if row else None

    # --- shapes -------------------------------------------------------------------------------------

    def _load_shape(self, country: str) -> tuple[Any, Any] | None:
        from shapely import from_wkb
        from shapely.prepared import prep

        row = self._con.execute("SELECT wkb FROM shapes WHERE country = ?", (country,)).fetchone()
        if row is None:
            return None
        geom = from_wkb(row[0])
        return geom, prep(geom)

    def border_distance_km(self, country: str, lat: float, lon: float) -> float | None:
        """Km from the point to the country's boundary (0 on it), inside or outside; None without a shape."""
        from shapely.geometry import Point
        from shapely.ops import nearest_points

        shape = self._shape(country.upper())
        if shape is None:
            return None
        point = Point(lon, lat)
        nearest = nearest_points(shape[0].boundary, point)[0]
        return haversine_km(lat, lon, float(nearest.y), float(nearest.x))

    def country_at(self, lat: float, lon: float) -> str | None:
        """The ISO code of the country shape containing the point, or None (at sea, no shape)."""
        from shapely.geometry import Point

        point = Point(lon, lat)
        rows = self._con.execute(
            "SELECT country FROM shapes WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?"
            " ORDER BY (maxx - minx) * (maxy - miny)",
            (lon, lon, lat, lat),
        ).fetchall()
        for (code,) in rows:
            shape = self._shape(code)
            if shape is not None and shape[1].contains(point):
                return str(code)
        return None

    def outlines(self, *, tolerance: float = 0.05) -> dict[str, Any]:
        """Every country shape as one GeoJSON FeatureCollection (RFC 7946), simplified to ``tolerance``
        degrees (0.05: about 5 km, a base map's detail), with ``country`` (ISO code) and ``name``: the
        offline map's base layer."""
        from shapely import from_wkb
        from shapely.geometry import mapping

        features = []
        for code, wkb in self._con.execute("SELECT country, wkb FROM shapes ORDER BY country"):
            geom = from_wkb(wkb).simplify(tolerance, preserve_topology=True)
            if geom.is_empty:
                continue
            entry = self.country(str(code))
            features.append(
                {
                    "type": "Feature",
                    "geometry": mapping(geom),
                    "properties": {
                        "country": str(code),
                        "name": entry.name if entry is not None else str(code),
                    },
                }
            )
        return {"type": "FeatureCollection", "features": features}

    def close(self) -> None:
        self._shape.cache_clear()
        self._con.close()

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
