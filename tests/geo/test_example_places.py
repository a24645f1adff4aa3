"""The example article's places, as its hand analysis (../shared/examples/nk-desertion-report.md) lists them.

Runs the public command (``analyze --json``) on the fixture gazetteer that tests/conftest.py builds; asserts
the rows present, the relative location, the metonymic capitals, and that nothing resolves outside the
countries the article names.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from wirewatch.cli import example_path, main

pytestmark = pytest.mark.model

NAMED_COUNTRIES = {"RU", "UA", "KP", "KR", "US", "MN", "CN"}


@pytest.fixture(scope="module")
def analysis() -> dict[str, Any]:
    result = CliRunner().invoke(
        main, ["analyze", str(example_path()), "--published", "2024-10-16", "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


@pytest.fixture(scope="module")
def places(analysis: dict[str, Any]) -> list[dict[str, Any]]:
    return list(analysis["places"])


def _find(places: list[dict[str, Any]], mention: str) -> list[dict[str, Any]]:
    return [p for p in places if p["mention"]["text"] == mention]


@pytest.mark.parametrize(
    ("mention", "level", "country"),
    [
        ("Kursk", "admin1", "RU"),
        ("Bryansk", "admin1", "RU"),
        ("Russia", "country", "RU"),
        ("Ukraine", "country", "UA"),
        ("Donetsk", "populated", "UA"),
        ("North Korea", "country", "KP"),
        ("Siberia", "region", "RU"),
        ("Mongolia", "country", "MN"),
        ("China", "country", "CN"),
        ("South Korea", "country", "KR"),
        ("United States", "country", "US"),
        ("Moscow", "populated", "RU"),
        ("Pyongyang", "populated", "KP"),
    ],
)
def test_each_row_of_the_hand_analysis_is_a_place(
    places: list[dict[str, Any]], mention: str, level: str, country: str
) -> None:
    found = _find(places, mention)
    assert found, f"no place for {mention!r}"
    assert all(p["level"] == level and p["country"] == country for p in found), [
        (p["name"], p["level"], p["country"]) for p in found
    ]
    assert all(p["lat"] is not None and p["candidates"] for p in found)


def test_kursk_and_bryansk_are_the_oblasts_not_the_cities(places: list[dict[str, Any]]) -> None:
    (kursk,) = _find(places, "Kursk")
    assert "oblast" in kursk["name"].lower()
    assert kursk["candidates"][0]["geonameid"] == kursk["geonameid"]


def test_nothing_resolves_outside_the_countries_the_article_names(places: list[dict[str, Any]]) -> None:
    outside = [(p["mention"]["text"], p["country"]) for p in places if p["country"] not in NAMED_COUNTRIES]
    assert outside == []


def test_the_ukrainian_border_is_a_relative_location(places: list[dict[str, Any]]) -> None:
    border = [p for p in places if p["relative"] and p["relative"]["from"] == "border"]
    assert len(border) == 1
    (p,) = border
    assert p["mention"]["text"] == "Ukrainian" and p["country"] == "UA" and p["level"] == "country"
    assert p["relative"]["relation"] == "distance"
    assert p["relative"]["distance_km"] == pytest.approx(6.44, abs=0.01)
    assert p["relative"]["text"] == "approximately four miles from the Ukrainian border"


def test_near_donetsk(places: list[dict[str, Any]]) -> None:
    (donetsk,) = _find(places, "Donetsk")
    assert donetsk["relative"]["relation"] == "near"
    assert donetsk["relative"]["from"] == "place"
    assert abs(donetsk["lat"] - 48.02) < 0.1 and abs(donetsk["lon"] - 37.80) < 0.1


def test_capitals_that_deny_are_governments(places: list[dict[str, Any]]) -> None:
    pyongyang = _find(places, "Pyongyang")
    assert [p["metonymy"] for p in pyongyang] == ["government"]


def test_spans_point_at_the_text(analysis: dict[str, Any], places: list[dict[str, Any]]) -> None:
    text = analysis["article"]["text"]
    for p in places:
        m = p["mention"]
        assert text[m["start"] : m["end"]] == m["text"]
