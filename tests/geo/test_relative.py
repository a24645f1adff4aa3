"""Relative locations read from the words around a toponym (no model, no gazetteer)."""

from __future__ import annotations

import pytest

from wirewatch.geo.names import key, skeleton
from wirewatch.geo.relative import MILE_KM, relative


def _rel(text: str, mention: str) -> dict[str, object] | None:
    start = text.index(mention)
    return relative(text, start, start + len(mention))


def test_miles_from_a_border() -> None:
    text = "soldiers deserted approximately four miles from the Ukrainian border, Suspilne said"
    r = _rel(text, "Ukrainian")
    assert r is not None
    assert (r["relation"], r["from"], r["distance_km"]) == ("distance", "border", round(4 * MILE_KM, 2))
    assert r["text"] == "approximately four miles from the Ukrainian border"
    span = r["span"]
    assert isinstance(span, dict) and text[span["start"] : span["end"]] == r["text"]


@pytest.mark.parametrize(
    ("text", "mention", "relation", "km", "direction"),
    [
        ("a strike 20 km north of Kharkiv killed two", "Kharkiv", "distance", 20.0, "north"),
        ("fighting 1.5 kilometres south-east of Bakhmut", "Bakhmut", "distance", 1.5, "southeast"),
        ("units dug in on the outskirts of Bakhmut", "Bakhmut", "outskirts", None, None),
        ("personnel were seen near Donetsk", "Donetsk", "near", None, None),
        ("villages just outside Kyiv were shelled", "Kyiv", "near", None, None),
        ("troops moved west of Avdiivka", "Avdiivka", "direction", None, "west"),
    ],
)
def test_relations(text: str, mention: str, relation: str, km: float | None, direction: str | None) -> None:
    r = _rel(text, mention)
    assert r is not None
    assert (r["relation"], r["distance_km"], r["direction"], r["from"]) == (relation, km, direction, "place")


@pytest.mark.parametrize(
    ("text", "mention"),
    [("a strike in Kharkiv", "Kharkiv"), ("the talks at Istanbul", "Istanbul"), ("Kyiv said", "Kyiv")],
)
def test_plain_locations_have_no_relative(text: str, mention: str) -> None:
    assert _rel(text, mention) is None


def test_near_the_border_with() -> None:
    r = _rel("clashes near the border with Belarus", "Belarus")
    assert r is not None and (r["relation"], r["from"]) == ("near", "border")


def test_the_phrase_stays_inside_its_sentence() -> None:
    text = "He walked 5 km from home. Donetsk was quiet."
    start = text.index("Donetsk")
    assert relative(text, start, start + 7, floor=start) is None


def test_name_keys() -> None:
    assert key("the Donbas") == "donbas"
    assert key("Kup'yans'k") == "kupyansk"
    assert skeleton("Kharkov") == skeleton("Kharkiv")
    assert skeleton("Lugansk") == skeleton("Luhansk")
    assert skeleton("Odessa") == skeleton("Odesa")
    assert skeleton("Kyiv") != skeleton("Lviv")
