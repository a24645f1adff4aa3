"""The example article's events, as its hand analysis (../shared/examples/nk-desertion-report.md) lists them.

Runs the public command (``analyze --published 2024-10-16 --json``) and checks, through the JSON alone, the
nine events of the hand table: types, actor countries, size, dates, places and holding claims; the AID event
is an allegation held only by the accusation that both accused deny.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from wirewatch.cli import example_path, main

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def analysis() -> dict[str, Any]:
    args = ["analyze", str(example_path()), "--published", "2024-10-16", "--json"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def _events(a: dict[str, Any], type_: str, mode: str | None = None) -> list[dict[str, Any]]:
    return [e for e in a["events"] if e["type"] == type_ and (mode is None or e["mode"] == mode)]


def _actors(e: dict[str, Any], role: str) -> set[str | None]:
    return {x["country"] for x in e["actors"] if x["role"] == role}


def _places(a: dict[str, Any], e: dict[str, Any]) -> list[str]:
    by_id = {p["id"]: p for p in a["places"]}
    return [by_id[w["place"]]["name"] for w in e["where"]]


def _claim(a: dict[str, Any], claim_id: str) -> dict[str, Any]:
    return next(c for c in a["claims"] if c["id"] == claim_id)


def test_north_korean_soldiers_desert_in_kursk_and_bryansk(analysis: dict[str, Any]) -> None:
    (e,) = _events(analysis, "RETREAT", "desertion")
    assert _actors(e, "actor") == {"KP"}
    assert next(x for x in e["actors"] if x["role"] == "actor")["sector"] == "military"
    assert e["size"] == 18
    assert {"Kursk Oblast", "Bryansk Oblast"} <= set(_places(analysis, e)[:2])
    assert e["when"] == {"start": None, "end": "2024-10-16", "precision": "unknown", "text": None}
    assert any("deserting" in _claim(analysis, c)["content"]["text"] for c in e["claims"])


def test_local_authorities_search_for_them(analysis: dict[str, Any]) -> None:
    (e,) = _events(analysis, "COERCE", "arrest")
    assert _actors(e, "actor") == {"RU"}
    assert "Kursk Oblast" in _places(analysis, e)
    (holder,) = e["claims"]
    assert "search" in _claim(analysis, holder)["content"]["text"]
    assert e["allegation"]  # "allegedly conducting a search"


def test_putin_visits_north_korea_in_june(analysis: dict[str, Any]) -> None:
    (e,) = _events(analysis, "CONSULT", "visit")
    assert _actors(e, "actor") == {"RU"} and _actors(e, "recipient") == {"KP"}
    assert (e["when"]["start"], e["when"]["end"], e["when"]["precision"]) == (
        "2024-06-01",
        "2024-06-30",
        "month",
    )
    assert e["time_precision"] == 3


def test_the_partnership_pact_is_signed_with_kim(analysis: dict[str, Any]) -> None:
    (e,) = _events(analysis, "SUPPORT", "sign")
    assert _actors(e, "actor") == {"RU"} and _actors(e, "recipient") == {"KP"}
    assert e["when"]["start"] == "2024-06-01"  # "in June", not "in 24 years"


def test_a_duration_never_becomes_a_date(analysis: dict[str, Any]) -> None:
    assert all("24 years" not in (e["when"]["text"] or "") for e in analysis["events"])


def test_north_korean_troops_deployed_and_present_near_donetsk(analysis: dict[str, Any]) -> None:
    mobilized = _events(analysis, "MOBILIZE", "troops")
    assert len(mobilized) >= 2
    near = [e for e in mobilized if "Donetsk" in _places(analysis, e)]
    assert near and _actors(near[0], "actor") == {"KP"}
    assert near[0]["where"][0]["relation"] == "near"


def test_the_us_accusation_is_performed_by_its_attribution(analysis: dict[str, Any]) -> None:
    (e,) = _events(analysis, "ACCUSE")
    assert _actors(e, "actor") == {"US"} and _actors(e, "recipient") == {"KP"}
    assert any(_claim(analysis, c)["cue"]["text"].endswith("accused") for c in e["claims"])


def test_artillery_supplies_are_only_an_allegation(analysis: dict[str, Any]) -> None:
    (e,) = _events(analysis, "AID", "military")
    assert _actors(e, "actor") == {"KP"} and _actors(e, "recipient") == {"RU"}
    assert e["allegation"] is True
    (holder,) = e["claims"]
    held = _claim(analysis, holder)
    assert held["certainty"]["evidential"] == "alleged"
    assert any(c["denies"] == holder for c in analysis["claims"])  # denied by both accused


def test_pyongyang_and_moscow_deny_it(analysis: dict[str, Any]) -> None:
    (e,) = _events(analysis, "REJECT")
    assert _actors(e, "actor") == {"KP", "RU"} and _actors(e, "recipient") == {"US"}
    (holder,) = e["claims"]
    assert _claim(analysis, holder)["kind"] == "denial"


def test_every_span_points_at_the_text(analysis: dict[str, Any]) -> None:
    text = analysis["article"]["text"]
    for e in analysis["events"]:
        for span in [e["trigger"], *e["mentions"], *(a["span"] for a in e["actors"] if a["span"])]:
            assert text[span["start"] : span["end"]] == span["text"]
