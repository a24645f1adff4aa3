"""GeoJSON (RFC 7946) export of stored places (one Point Feature per resolved place mention) and of stored
events (:func:`event_feature_collection`: one Point Feature per event and place it happened at).

    >>> fc = feature_collection(store.places(country="UA"))            # doctest: +SKIP
    >>> fc["features"][0]["geometry"]                                   # doctest: +SKIP
    {'type': 'Point', 'coordinates': [37.8028, 48.0159]}

RFC 7946 puts longitude first (``[lon, lat]``, WGS 84), the reverse of how people usually say coordinates.
A place without coordinates (unresolved, or with a value that is not a finite number in range) has no
geometry to draw, so it is left out; :func:`is_mappable` says which ones those are, so a caller can report
how many were dropped.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from wirewatch.export.acled import actor_label, disorder_type, event_date, time_precision

__all__ = [
    "OMITTED_PROPERTIES",
    "event_feature_collection",
    "event_features",
    "feature",
    "feature_collection",
    "is_mappable",
]

#: Keys of a place record that do not become Feature properties: the coordinates are the geometry, and the
#: candidate list (runner-up gazetteer entries with their own coordinates) is replaced by its length.
OMITTED_PROPERTIES: tuple[str, ...] = ("lat", "lon", "candidates")


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _coordinate(value: Any, bound: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) and -bound <= number <= bound else None


def is_mappable(place: dict[str, Any]) -> bool:
    """True when the place has a latitude in [-90, 90] and a longitude in [-180, 180] (finite numbers)."""
    lat, lon = _coordinate(place.get("lat"), 90.0), _coordinate(place.get("lon"), 180.0)
    return lat is not None and lon is not None


def feature(place: dict[str, Any]) -> dict[str, Any]:
    """One place record (a ``Place`` dict, optionally with ``article``) as a GeoJSON Point Feature.

    ``properties`` are the record without ``lat``, ``lon`` and ``candidates``, plus ``candidates``: how many
    gazetteer candidates there were. The Feature ``id`` is the place id when it has one. Raises
    ``ValueError`` for a place that :func:`is_mappable` rejects.
    """
    lat = _coordinate(place.get("lat"), 90.0)
    lon = _coordinate(place.get("lon"), 180.0)
    if lat is None or lon is None:
        raise ValueError(f"place {place.get('id')!r} has no usable coordinates")
    properties = {k: v for k, v in place.items() if k not in OMITTED_PROPERTIES}
    candidates = place.get("candidates")
    properties["candidates"] = len(candidates) if isinstance(candidates, list) else 0
    out: dict[str, Any] = {"type": "Feature"}
    if isinstance(place.get("id"), str | int) and not isinstance(place.get("id"), bool):
        out["id"] = place["id"]
    out["geometry"] = {"type": "Point", "coordinates": [lon, lat]}
    out["properties"] = properties
    return out


def feature_collection(places: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the mappable places, in the order given (unmappable ones left out)."""
    return {"type": "FeatureCollection", "features": [feature(p) for p in places if is_mappable(p)]}


def event_features(event: dict[str, Any]) -> list[dict[str, Any]]:
    """The GeoJSON Point Features of one event record (an ``Event`` with ``article`` and ``places``, as
    :meth:`Store.events` returns it): one per place of its ``where`` entries that is among ``places`` and
    mappable (a place named twice in ``where`` counts once, with its first entry).

    Each Feature's ``id`` is ``EVENTID@PLACEID``; its properties flatten the event for a map's pop-up and
    filters: ``event_id``, ``article``, ``type``, ``mode``, ``acled_event_type``, ``acled_sub_event_type``,
    ``disorder_type``, ``date`` (``when.start``, else ``when.end``), ``date_end``, ``precision``,
    ``time_precision`` (ACLED's 1-3), ``actors`` (one line, e.g. "Russia (military) → Ukraine"),
    ``actor1``, ``actor2``, ``size``, ``fatalities``, ``injuries`` (null when not reported), ``negated``,
    ``hypothetical``, ``future``, ``allegation``, ``claims`` (ids), ``trigger`` (text), ``trigger_start``,
    ``trigger_end``; then the place: ``place_id``, ``place``, ``mention``, ``level``, ``country``,
    ``admin1``, ``geonameid``, and the ``where`` entry: ``relation``, ``distance_km``, ``from``,
    ``geo_precision``, ``where_index`` (its position in ``where``).
    """
    places = {p.get("id"): p for p in event.get("places") or [] if isinstance(p, dict)}
    acled, when, trigger = (_obj(event.get(k)) for k in ("acled", "when", "trigger"))
    actors = [a for a in event.get("actors") or [] if isinstance(a, dict)]

    def first(role: str) -> Any:
        found = [a for a in actors if a.get("role") == role]
        return (found[0].get("acled_name") or found[0].get("name")) if found else None

    common: dict[str, Any] = {
        "event_id": event.get("id"),
        "article": event.get("article"),
        "type": event.get("type"),
        "mode": event.get("mode"),
        "acled_event_type": acled.get("event_type"),
        "acled_sub_event_type": acled.get("sub_event_type"),
        "disorder_type": disorder_type(acled.get("event_type"), acled.get("sub_event_type")),
        "date": event_date(event),
        "date_end": when.get("end"),
        "precision": when.get("precision"),
        "time_precision": time_precision(event),
        "actors": actor_label(event) or None,
        "actor1": first("actor"),
        "actor2": first("recipient"),
        "size": event.get("size"),
        "fatalities": event.get("fatalities"),
        "injuries": event.get("injuries"),
        "negated": event.get("negated"),
        "hypothetical": event.get("hypothetical"),
        "future": event.get("future"),
        "allegation": event.get("allegation"),
        "claims": list(event.get("claims") or []),
        "trigger": trigger.get("text"),
        "trigger_start": trigger.get("start"),
        "trigger_end": trigger.get("end"),
    }
    out: list[dict[str, Any]] = []
    done: set[Any] = set()
    for n, entry in enumerate(event.get("where") or []):
        if not isinstance(entry, dict):
            continue
        place = places.get(entry.get("place"))
        if place is None or not is_mappable(place) or place.get("id") in done:
            continue
        done.add(place.get("id"))
        mention = _obj(place.get("mention"))
        properties = {
            **common,
            "place_id": place.get("id"),
            "place": place.get("name"),
            "mention": mention.get("text"),
            "level": place.get("level"),
            "country": place.get("country"),
            "admin1": place.get("admin1"),
            "geonameid": place.get("geonameid"),
            "relation": entry.get("relation"),
            "distance_km": entry.get("distance_km"),
            "from": entry.get("from"),
            "geo_precision": entry.get("geo_precision"),
            "where_index": n,
        }
        out.append(
            {
                "type": "Feature",
                "id": f"{event.get('id')}@{place.get('id')}",
                "geometry": {"type": "Point", "coordinates": [float(place["lon"]), float(place["lat"])]},
                "properties": properties,
            }
        )
    return out


def event_feature_collection(events: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of events: one Point Feature per event and mappable place
    (:func:`event_features`), in the order given; an event with no mappable place adds none."""
    return {"type": "FeatureCollection", "features": [f for e in events for f in event_features(e)]}
