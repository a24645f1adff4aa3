"""``wirewatch eval acled``: events scored against ACLED rows, each row's ``notes`` analysed as the text.

An ACLED export (CSV) holds one coded event per row: ``event_date`` (``DD/MM/YYYY 00:00:00``), ``event_type``,
``sub_event_type``, ``actor1``, ``admin1``, ``latitude``, ``longitude``, ``fatalities`` and ``notes``, the
analyst's one-paragraph summary of the event. Each row's ``notes`` is analysed verbatim by
:func:`wirewatch.pipeline.analyze_batch` (a ``record`` input of format ``verbatim``) with a publication date
seven days after ``event_date``, so that "on 3 December" and "yesterday"-style dates have an anchor of the
kind a news article would give them; every stage runs (the events stage needs claims and places).

The metric (DESIGN.md, "Evaluation") scores ONE predicted event per row, :func:`chosen_event`: the first in
text order (by trigger start) whose ``acled`` is not null, else the first. A row with no event, or whose
analysis failed, is wrong on every key; ``n`` counts all rows. Over the chosen event:

- ``event_type_acc`` / ``sub_event_type_acc``: ``acled.event_type`` / ``acled.sub_event_type`` equal the
  row's;
- ``actor1_acc``: the event's first actor of role ``actor`` has the country and sector that
  :func:`acled_actor` reads from ACLED's ``actor1`` ("Military Forces of Russia (2000-) Air Force" → RU,
  military; "NAF: United Armed Forces of Novorossiya" → UA, rebel; "Civilians (Ukraine)" → UA, civilians).
  Only what the ACLED name implies is compared: a country alone when no sector is implied, a sector alone
  when no country is; when neither is, the names must have the same name key. Sectors are compared after
  :func:`sector_key` (lower case, a few synonyms: "civilian" = "civilians", "armed forces" = "military");
- ``admin1_acc``: the admin-1 area of the place of ``where[0]`` (its ``admin1``; for an admin-1 place, its
  ``name``) equals the row's ``admin1``, both mapped through :func:`admin1_key` (the alias table
  ``data/acled_admin1.tsv``: ACLED's "Zaporizhia" and the gazetteer's "Zaporizhzhia Oblast" are one key;
  ACLED's "Kyiv" is the oblast, the gazetteer's admin-1 "Kyiv" the city);
- ``acc161`` / ``acc25``: the place of ``where[0]`` lies within 161 / 25 km (haversine) of the row's
  latitude / longitude; a place without coordinates is wrong;
- ``date_acc``: ``when.start`` (``when.end`` when start is null) is the row's ``event_date`` as ISO
  ``YYYY-MM-DD``, exactly;
- ``fatalities_acc``: the event's ``fatalities or 0`` equals the row's ``fatalities`` (ACLED writes 0 when no
  number is reported); ``fatalities_pos_acc`` the same over the rows with at least one death (0.0 when none);
- ``n_failed`` counts analyses that raised an input error, ``docs_per_s`` times the analyses alone.

Without ``--json`` the command also lists the first 20 wrong rows (:class:`WrongRow`).
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from wirewatch.errors import InputError, WirewatchError
from wirewatch.eval.attribution import _check_verbatim
from wirewatch.eval.geo import KM_25, KM_161, _countries, _div, _float_or_none, haversine_km
from wirewatch.records import RawDocument
from wirewatch.settings import Settings

__all__ = [
    "KEYS",
    "AcledRow",
    "RowScore",
    "WrongRow",
    "acled_actor",
    "admin1_key",
    "chosen_event",
    "evaluate",
    "events_settings",
    "read_rows",
    "score",
    "score_row",
    "sector_key",
]

logger = logging.getLogger(__name__)

BATCH = 8  # rows per analyze_batch call
PUBLISHED_AFTER = dt.timedelta(days=7)  # the publication date given to each row's notes
ROW_KEYS = ("event_type", "sub_event_type", "actor1", "admin1", "acc161", "acc25", "date", "fatalities")
KEYS = (
    "event_type_acc",
    "sub_event_type_acc",
    "actor1_acc",
    "admin1_acc",
    "acc161",
    "acc25",
    "date_acc",
    "fatalities_acc",
    "fatalities_pos_acc",
    "n",
    "n_failed",
    "docs_per_s",
)
REQUIRED = (
    "notes",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "admin1",
    "latitude",
    "longitude",
)


@dataclass(frozen=True)
class AcledRow:
    """What is scored of one ACLED row. ``date`` is ``event_date`` as ISO ``YYYY-MM-DD`` (None when it is not
    ``DD/MM/YYYY``); ``fatalities`` is 0 when the cell is empty."""

    id: str
    notes: str
    date: str | None
    event_type: str
    sub_event_type: str
    actor1: str
    admin1: str
    lat: float | None
    lon: float | None
    fatalities: int
    inter1: str = ""

    @property
    def published(self) -> str | None:
        """The publication date the notes are analysed with: ``event_date`` plus seven days."""
        if self.date is None:
            return None
        return (dt.date.fromisoformat(self.date) + PUBLISHED_AFTER).isoformat()


# --- reading the gold ---------------------------------------------------------------------------------------


def iso_date(value: str) -> str | None:
    """``DD/MM/YYYY[ HH:MM:SS]`` (ACLED's ``event_date`` in this export) or ISO → ``YYYY-MM-DD``, else
    None."""
    text = value.strip().split(" ")[0]
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def read_rows(path: Path) -> Iterator[AcledRow]:
    """The rows of an ACLED CSV export, in file order. Raises :class:`InputError` when the file can't be read
    or lacks a column the metric needs (``notes``, ``event_date``, ``event_type``, ``sub_event_type``,
    ``actor1``, ``admin1``, ``latitude``, ``longitude``)."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = set(REQUIRED) - set(reader.fieldnames or ())
            if missing:
                raise InputError(
                    f"not an ACLED export: no {', '.join(sorted(missing))} column(s)", input=str(path)
                )
            for number, row in enumerate(reader, start=1):
                cell = {k: (v or "") for k, v in row.items() if k is not None}
                fatalities = cell.get("fatalities", "").strip()
                yield AcledRow(
                    id=cell.get("id") or cell.get("event_id_cnty") or str(number),
                    notes=cell["notes"],
                    date=iso_date(cell["event_date"]),
                    event_type=cell["event_type"].strip(),
                    sub_event_type=cell["sub_event_type"].strip(),
                    actor1=cell["actor1"].strip(),
                    admin1=cell["admin1"].strip(),
                    lat=_float_or_none(cell["latitude"]),
                    lon=_float_or_none(cell["longitude"]),
                    fatalities=int(fatalities) if fatalities.isdigit() else 0,
                    inter1=cell.get("inter1", "").strip(),
                )
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise InputError(f"can't read the CSV: {e}", input=str(path)) from e


# --- actors and admin-1 names -------------------------------------------------------------------------------

# ACLED actor names whose country and sector no rule below reads
_ACTORS: dict[str, tuple[str | None, str | None]] = {
    "NAF: United Armed Forces of Novorossiya": ("UA", "rebel"),
    "Right Sector": ("UA", "militia"),
}
# sector of an ACLED actor name, first matching pattern wins
_ACTOR_SECTORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), s)
    for p, s in (
        (r"^NAF\b|Novorossiya|People's Republic", "rebel"),
        (r"^(Unidentified )?Military Forces\b", "military"),
        (r"^Police Forces\b", "police"),
        (r"^Civilians\b", "civilians"),
        (r"^Protesters\b", "protesters"),
        (r"^Rioters\b", "rioters"),
        (r"\bMilitia\b", "militia"),
    )
)
_SECTOR_SYNONYMS = {
    "civilian": "civilians",
    "protester": "protesters",
    "rioter": "rioters",
    "rebels": "rebel",
    "armed forces": "military",
    "army": "military",
    "mil": "military",
    "reb": "rebel",
    "cop": "police",
    "militias": "militia",
}


def sector_key(sector: str | None) -> str | None:
    """A sector as compared: lower case, single spaces, a few synonyms folded ("civilian" → "civilians")."""
    if not sector:
        return None
    folded = " ".join(sector.split()).casefold()
    return _SECTOR_SYNONYMS.get(folded, folded) or None


def acled_actor(name: str) -> tuple[str | None, str | None]:
    """``(ISO country, sector)`` implied by an ACLED actor name, each None when the name implies none.

    The table ``_ACTORS`` first, then the sector patterns ("Military Forces of …" → military, "Police
    Forces of …" → police, "Civilians (…)", "Protesters (…)", "Rioters (…)", "… Militia …"), and as country
    the country name occurring first in the actor name ("Military Forces of Russia (2000-)" → RU,
    "Civilians (Ukraine)" → UA).
    """
    name = " ".join(name.split())
    if name in _ACTORS:
        return _ACTORS[name]
    sector = next((s for pattern, s in _ACTOR_SECTORS if pattern.search(name)), None)
    country = _country_in(name)
    if country is None and sector == "rebel":
        country = "UA"  # Novorossiya, Donetsk / Luhansk People's Republic
    return country, sector


def _country_in(name: str) -> str | None:
    best: tuple[int, str] | None = None
    for country, pattern in _country_patterns():
        m = pattern.search(name)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), country)
    return best[1] if best else None


@cache
def _country_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((iso, re.compile(rf"\b{re.escape(c['name'])}\b")) for iso, c in sorted(_countries().items()))


@cache
def _admin1_aliases() -> dict[tuple[str, str], str]:
    from wirewatch.geo.names import key

    table: dict[tuple[str, str], str] = {}
    text = resources.files("wirewatch.eval").joinpath("data/acled_admin1.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("side\t"):
            continue
        side, spelling, canonical = line.split("\t")
        table[(side, key(spelling))] = canonical
    return table


_ADMIN1_SUFFIX = re.compile(r" (oblast|region|province|krai|raion)$")


def admin1_key(name: str | None, side: str) -> str | None:
    """The canonical key of an admin-1 name: ``side`` is ``acled`` for an ACLED ``admin1`` value, ``place``
    for a Place's. Looked up by name key in ``data/acled_admin1.tsv`` (rows of that side, then of ``*``);
    an unlisted name loses a trailing "Oblast" / "Region" / "Province" / "Krai" / "Raion" and is looked up
    again, and what is left, still unlisted, is its own key. None for an empty name."""
    from wirewatch.geo.names import key

    k = key(name or "")
    if not k:
        return None
    aliases = _admin1_aliases()
    for candidate in (k, _ADMIN1_SUFFIX.sub("", k)):
        for s in (side, "*"):
            if (s, candidate) in aliases:
                return aliases[(s, candidate)]
    return _ADMIN1_SUFFIX.sub("", k)


# --- the metric ---------------------------------------------------------------------------------------------


def _trigger_start(event: Mapping[str, Any]) -> int:
    start = (event.get("trigger") or {}).get("start")
    return start if isinstance(start, int) else 1 << 62


def chosen_event(events: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The event a row is scored on: the first in text order (trigger start; ties keep list order) with a
    non-null ``acled``, else the first; None when there is none."""
    ordered = sorted(events, key=_trigger_start)
    return next((e for e in ordered if e.get("acled")), ordered[0] if ordered else None)


@dataclass
class RowScore:
    """One row's verdict per key of ``ROW_KEYS`` with what was compared (gold, predicted), for listing."""

    id: str
    correct: dict[str, bool]
    gold: dict[str, Any] = field(default_factory=dict)
    pred: dict[str, Any] = field(default_factory=dict)
    gold_fatalities: int = 0
    has_event: bool = False


def _first_actor(event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    return next((a for a in event.get("actors") or () if a.get("role") == "actor"), None)


def _actor_ok(gold: str, actor: Mapping[str, Any] | None) -> bool:
    from wirewatch.geo.names import key

    if actor is None:
        return False
    country, sector = acled_actor(gold)
    if country is None and sector is None:
        return bool(key(gold)) and key(str(actor.get("name") or "")) == key(gold)
    return (country is None or actor.get("country") == country) and (
        sector is None or sector_key(actor.get("sector")) == sector
    )


def _actor_text(actor: Mapping[str, Any]) -> str:
    return f"{actor.get('name')} ({actor.get('country') or '?'}/{actor.get('sector') or '?'})"


def _place_of(event: Mapping[str, Any], places: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    where = event.get("where") or ()
    if not where:
        return None
    wanted = where[0].get("place")
    return next((p for p in places if p.get("id") == wanted), None)


def _event_date(event: Mapping[str, Any]) -> str | None:
    when = event.get("when") or {}
    start = when.get("start")
    return start if start is not None else when.get("end")


def score_row(row: AcledRow, analysis: Mapping[str, Any] | None) -> RowScore:
    """Score one row on the chosen event of ``analysis`` (an Analysis dict or anything with ``events`` and
    ``places`` lists of Event and Place dicts; None for a failed analysis)."""
    events = list((analysis or {}).get("events") or ())
    places = list((analysis or {}).get("places") or ())
    event = chosen_event(events)
    result = RowScore(
        id=row.id,
        correct=dict.fromkeys(ROW_KEYS, False),
        gold={
            "event_type": row.event_type,
            "sub_event_type": row.sub_event_type,
            "actor1": "/".join(x or "?" for x in acled_actor(row.actor1)),
            "admin1": admin1_key(row.admin1, "acled"),
            "km": None,
            "date": row.date,
            "fatalities": row.fatalities,
        },
        gold_fatalities=row.fatalities,
    )
    if event is None:
        return result
    result.has_event = True
    acled = event.get("acled") or {}
    actor = _first_actor(event)
    place = _place_of(event, places)
    place_admin1 = None
    km = None
    if place is not None:
        name = place.get("name") if place.get("level") == "admin1" else place.get("admin1")
        place_admin1 = admin1_key(name, "place")
        lat, lon = _float_or_none(place.get("lat")), _float_or_none(place.get("lon"))
        if None not in (lat, lon, row.lat, row.lon):
            km = haversine_km(row.lat, row.lon, lat, lon)  # type: ignore[arg-type]
    fatalities = event.get("fatalities") or 0
    result.pred = {
        "event_type": acled.get("event_type"),
        "sub_event_type": acled.get("sub_event_type"),
        "actor1": None if actor is None else _actor_text(actor),
        "admin1": place_admin1,
        "km": None if km is None else round(km, 1),
        "date": _event_date(event),
        "fatalities": fatalities,
    }
    result.correct = {
        "event_type": bool(row.event_type) and acled.get("event_type") == row.event_type,
        "sub_event_type": bool(row.sub_event_type) and acled.get("sub_event_type") == row.sub_event_type,
        "actor1": _actor_ok(row.actor1, actor),
        "admin1": place_admin1 is not None and place_admin1 == result.gold["admin1"],
        "acc161": km is not None and km <= KM_161,
        "acc25": km is not None and km <= KM_25,
        "date": row.date is not None and _event_date(event) == row.date,
        "fatalities": fatalities == row.fatalities,
    }
    return result


def score(rows: Iterable[RowScore]) -> dict[str, float | int]:
    """The accuracies of ``KEYS`` (all but ``n_failed`` and ``docs_per_s``) over scored rows."""
    rows = list(rows)
    n = len(rows)
    positive = [r for r in rows if r.gold_fatalities >= 1]

    def acc(k: str, over: Sequence[RowScore] = rows) -> float:
        return round(_div(sum(r.correct[k] for r in over), len(over)), 4)

    return {
        "event_type_acc": acc("event_type"),
        "sub_event_type_acc": acc("sub_event_type"),
        "actor1_acc": acc("actor1"),
        "admin1_acc": acc("admin1"),
        "acc161": acc("acc161"),
        "acc25": acc("acc25"),
        "date_acc": acc("date"),
        "fatalities_acc": acc("fatalities"),
        "fatalities_pos_acc": acc("fatalities", positive),
        "n": n,
    }


@dataclass(frozen=True)
class WrongRow:
    """A row wrong on at least one key: the keys, and ``key gold→predicted`` for each (``km`` for the
    distance keys); ``no event`` when the analysis had none."""

    id: str
    keys: tuple[str, ...]
    details: tuple[str, ...]

    def line(self) -> str:
        return f"  {self.id:<12} {', '.join(self.keys)}: {'; '.join(self.details)}"


def wrong_row(scored: RowScore) -> WrongRow | None:
    """The :class:`WrongRow` of a scored row, None when every key is right."""
    keys = tuple(k for k in ROW_KEYS if not scored.correct[k])
    if not keys:
        return None
    if not scored.has_event:
        return WrongRow(scored.id, keys, ("no event",))
    details: list[str] = []
    for k in keys:
        if k == "acc25" and "acc161" in keys:
            continue
        name = "km" if k in ("acc161", "acc25") else k
        gold = "" if name == "km" else f"{scored.gold.get(name)!s}→"
        details.append(f"{name} {gold}{scored.pred.get(name)!s}")
    return WrongRow(scored.id, keys, tuple(details))


# --- the evaluation -----------------------------------------------------------------------------------------


def events_settings(settings: Settings) -> Settings:
    """The settings the event evaluations analyse with: every optional stage when the ``stages`` setting
    can name ``events`` (it needs claims and places), unchanged until the events stage exists."""
    from wirewatch.settings import OPTIONAL_STAGES

    if "events" in OPTIONAL_STAGES:
        return settings.replace(stages=",".join(OPTIONAL_STAGES))
    return settings


def evaluate(
    path: Path, settings: Settings, *, limit: int | None = None
) -> tuple[dict[str, Any], list[WrongRow]]:
    """Analyse the ``notes`` of every row of an ACLED CSV export verbatim and score the chosen events.

    ``limit`` scores only the first N rows in file order. Returns the metrics (``KEYS``, in that order) and
    the wrong rows in file order. A progress bar goes to stderr when it is a terminal. Raises
    ``RuntimeError`` when the pipeline changed a text.
    """
    from tqdm import tqdm

    from wirewatch.pipeline import analyze_batch

    rows = list(read_rows(path))
    if limit is not None:
        rows = rows[:limit]
    settings = events_settings(settings)
    scored: list[RowScore] = []
    n_failed = 0
    elapsed = 0.0
    with tqdm(total=len(rows), desc="eval acled", unit=" row", disable=None) as bar:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            raws = [
                RawDocument(
                    name=f"{path}#{r.id}",
                    data=r.notes.encode("utf-8"),
                    kind="record",
                    record_format="verbatim",
                    published=r.published,
                )
                for r in batch
            ]
            started = time.perf_counter()
            results = analyze_batch(raws, settings)
            elapsed += time.perf_counter() - started
            for raw, row, result in zip(raws, batch, results, strict=True):
                if isinstance(result, WirewatchError):
                    logger.info("%s", result)
                    n_failed += 1
                    scored.append(score_row(row, None))
                    continue
                _check_verbatim(raw.name, row.notes, result)
                scored.append(score_row(row, {"events": result.events, "places": result.places}))
            bar.update(len(batch))

    metrics: dict[str, Any] = dict(score(scored))
    metrics["n_failed"] = n_failed
    metrics["docs_per_s"] = round(len(scored) / elapsed, 4) if elapsed else 0.0
    wrong = [w for w in map(wrong_row, scored) if w is not None]
    return metrics, wrong
