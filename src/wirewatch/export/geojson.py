"""GeoJSON (RFC 7946) export of stored places: one Point Feature per resolved place mention.

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

__all__ = ["OMITTED_PROPERTIES", "feature", "feature_collection", "is_mappable"]

#: Keys of a place record that do not become Feature properties: the coordinates are the geometry, and the
#: candidate list (runner-up gazetteer entries with their own coordinates) is replaced by its length.
OMITTED_PROPERTIES: tuple[str, ...] = ("lat", "lon", "candidates")


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
