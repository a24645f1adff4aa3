"""The ACLED reader, actor and admin-1 mappings and the row scorer on hand-made Event and Place dicts (no
model), and `wirewatch eval acled` end to end on a tiny CSV the test writes (keys and counts only: accuracy is
measured by the command, not asserted here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from wirewatch.cli import main
from wirewatch.errors import InputError
from wirewatch.eval.acled import (
    KEYS,
    AcledRow,
    acled_actor,
    admin1_key,
    chosen_event,
    read_rows,
    score,
    score_row,
    sector_key,
    wrong_row,
)

NOTES = (
    "On 3 December 2023, Russian forces shelled Huliaipole, Zaporizhia region, with artillery. "
    "Two civilians were killed."
)
CSV = (
    "id,event_date,event_type,sub_event_type,actor1,inter1,admin1,location,latitude,longitude,notes,fatalities\n"
    f"1,03/12/2023 00:00:00,Explosions/Remote violence,Shelling/artillery/missile attack,"
    f'Military Forces of Russia (2000-),8,Zaporizhia,Huliaipole,47.6649,36.2563,"{NOTES}",2\n'
    "2,09/10/2018 00:00:00,Battles,Armed clash,NAF: United Armed Forces of Novorossiya,2,Luhansk,"
    'Stanytsia Luhanska,48.6543,39.4794,"On 9 October 2018, NAF rebel forces fired at Ukrainian positions '
    'near Stanytsia Luhanska.",0\n'
)


def row(**changes: Any) -> AcledRow:
    values: dict[str, Any] = {
        "id": "1",
        "notes": NOTES,
        "date": "2023-12-03",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "actor1": "Military Forces of Russia (2000-)",
        "admin1": "Zaporizhia",
        "lat": 47.6649,
        "lon": 36.2563,
        "fatalities": 2,
    }
    values.update(changes)
    return AcledRow(**values)


PLACE = {
    "id": "p1",
    "name": "Huliaipole",
    "level": "populated",
    "country": "UA",
    "admin1": "Zaporizhzhia Oblast",
    "lat": 47.66,
    "lon": 36.26,
}


def event(start: int = 24, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": f"e{start}",
        "type": "ASSAULT",
        "acled": {
            "event_type": "Explosions/Remote violence",
            "sub_event_type": "Shelling/artillery/missile attack",
        },
        "trigger": {"start": start, "end": start + 7, "text": "shelled"},
        "actors": [
            {"role": "recipient", "name": "civilians", "country": "UA", "sector": "civilians"},
            {"role": "actor", "name": "Russian forces", "country": "RU", "sector": "military"},
        ],
        "fatalities": 2,
        "when": {"start": "2023-12-03", "end": "2023-12-03", "precision": "day", "text": "3 December 2023"},
        "where": [{"place": "p1", "relation": "in", "distance_km": None, "from": None, "geo_precision": 1}],
    }
    values.update(changes)
    return values


def test_read_rows(tmp_path: Path) -> None:
    path = tmp_path / "acled.csv"
    path.write_text(CSV, encoding="utf-8")
    rows = list(read_rows(path))
    assert [r.id for r in rows] == ["1", "2"]
    assert rows[0].date == "2023-12-03" and rows[0].published == "2023-12-10"
    assert rows[0].notes == NOTES and rows[0].fatalities == 2 and rows[0].lat == 47.6649
    assert rows[1].date == "2018-10-09" and rows[1].fatalities == 0


def test_read_rows_refuses_a_csv_that_is_not_acled(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="notes"):
        list(read_rows(path))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Military Forces of Russia (2000-)", ("RU", "military")),
        ("Military Forces of Russia (2000-) Air Force", ("RU", "military")),
        ("Military Forces of Ukraine (2019-) Navy", ("UA", "military")),
        ("NAF: United Armed Forces of Novorossiya", ("UA", "rebel")),
        ("Civilians (Ukraine)", ("UA", "civilians")),
        ("Protesters (Ukraine)", ("UA", "protesters")),
        ("Police Forces of Ukraine (2019-) State Emergency Service of Ukraine", ("UA", "police")),
        ("Unidentified Military Forces", (None, "military")),
        ("Unidentified Armed Group (Ukraine)", ("UA", None)),
        ("Some Group", (None, None)),
    ],
)
def test_acled_actor(name: str, expected: tuple[str | None, str | None]) -> None:
    assert acled_actor(name) == expected


def test_sector_key_folds_synonyms() -> None:
    assert sector_key("Civilian") == sector_key("civilians") == "civilians"
    assert sector_key("armed forces") == "military" and sector_key(None) is None


@pytest.mark.parametrize(
    ("acled", "place"),
    [
        ("Zaporizhia", "Zaporizhzhia Oblast"),
        ("Kyiv City", "Kyiv"),  # the gazetteer's admin-1 "Kyiv" is the city
        ("Kyiv", "Kyiv Oblast"),  # ACLED's "Kyiv" is the oblast
        ("Crimea", "Avtonomna Respublika Krym"),
        ("Odesa", "Odesa Oblast"),
        ("Kirovograd", "Kirovohrad Oblast"),
        ("Dnipropetrovsk", "Dnipropetrovsk Oblast"),
        ("Belgorod", "Belgorod Oblast"),  # unlisted: the suffix is stripped
    ],
)
def test_admin1_key_maps_both_spellings_to_one_key(acled: str, place: str) -> None:
    assert admin1_key(acled, "acled") == admin1_key(place, "place") is not None


def test_admin1_key_tells_kyiv_city_from_the_oblast() -> None:
    assert admin1_key("Kyiv", "acled") != admin1_key("Kyiv", "place")
    assert admin1_key("", "acled") is None


def test_chosen_event_prefers_the_first_with_an_acled_type_in_text_order() -> None:
    untyped = event(5, acled=None)
    late, early = event(60), event(30)
    assert chosen_event([late, untyped, early]) is early
    assert chosen_event([event(40, acled=None), untyped]) is untyped
    assert chosen_event([]) is None


def test_a_perfect_prediction_is_right_on_every_key() -> None:
    scored = score_row(row(), {"events": [event()], "places": [PLACE]})
    assert all(scored.correct.values()), scored.correct
    assert wrong_row(scored) is None
    metrics = score([scored])
    assert list(metrics) == list(KEYS[:10])
    assert all(metrics[k] == 1.0 for k in KEYS[:9]) and metrics["n"] == 1


def test_no_event_is_wrong_on_every_key_and_counts_in_n() -> None:
    for analysis in (None, {"events": [], "places": [PLACE]}):
        scored = score_row(row(fatalities=0), analysis)
        assert not any(scored.correct.values())
        wrong = wrong_row(scored)
        assert wrong is not None and wrong.details == ("no event",)
    metrics = score([score_row(row(), {"events": [event()], "places": [PLACE]}), score_row(row(), None)])
    assert metrics["event_type_acc"] == 0.5 and metrics["n"] == 2


def test_each_key_on_its_own() -> None:
    wrong = event(
        acled={"event_type": "Battles", "sub_event_type": "Armed clash"},
        actors=[{"role": "actor", "name": "Ukrainian forces", "country": "UA", "sector": "military"}],
        fatalities=None,
        when={"start": None, "end": "2023-12-02", "precision": "day", "text": "Saturday"},
        where=[{"place": "p2", "relation": "in"}],
    )
    far = {**PLACE, "id": "p2", "name": "Kharkiv", "admin1": "Kharkiv Oblast", "lat": 49.98, "lon": 36.25}
    scored = score_row(row(), {"events": [wrong], "places": [PLACE, far]})
    assert not any(scored.correct.values())
    line = wrong_row(scored)
    assert line is not None and "event_type Explosions/Remote violence→Battles" in line.line()
    assert "admin1 zaporizhzhia→kharkiv" in line.line() and "date 2023-12-03→2023-12-02" in line.line()

    # when.end is used when start is null; an admin1-level place is its own admin-1; 37 km is within 161
    near = {
        **PLACE,
        "id": "p3",
        "name": "Zaporizhzhia Oblast",
        "level": "admin1",
        "admin1": None,
        "lat": 48.0,
    }
    partly = event(
        when={"start": None, "end": "2023-12-03", "precision": "day", "text": None},
        where=[{"place": "p3", "relation": "in"}],
    )
    scored = score_row(row(), {"events": [partly], "places": [near]})
    assert scored.correct["date"] and scored.correct["admin1"]
    assert scored.correct["acc161"] and not scored.correct["acc25"]


def test_actor1_compares_what_the_acled_name_implies() -> None:
    def ok(actor1: str, actor: dict[str, Any]) -> bool:
        scored = score_row(row(actor1=actor1), {"events": [event(actors=[actor])], "places": []})
        return scored.correct["actor1"]

    naf = {"role": "actor", "name": "NAF rebel forces", "country": "UA", "sector": "rebel"}
    assert ok("NAF: United Armed Forces of Novorossiya", naf)
    assert not ok("NAF: United Armed Forces of Novorossiya", {**naf, "country": "RU"})
    assert ok("Unidentified Military Forces", {**naf, "country": None, "sector": "Armed Forces"})
    assert ok("Unidentified Armed Group (Ukraine)", {**naf, "sector": None})
    assert not ok("Military Forces of Russia (2000-)", {**naf, "role": "recipient"})


def test_fatalities_or_zero_and_the_positive_rows() -> None:
    zero = score_row(row(fatalities=0), {"events": [event(fatalities=None)], "places": [PLACE]})
    assert zero.correct["fatalities"]
    two = score_row(row(), {"events": [event(fatalities=3)], "places": [PLACE]})
    assert not two.correct["fatalities"]
    metrics = score([zero, two])
    assert metrics["fatalities_acc"] == 0.5 and metrics["fatalities_pos_acc"] == 0.0
    assert score([zero])["fatalities_pos_acc"] == 0.0  # no positive row: 0.0, not an error


@pytest.mark.model
def test_eval_acled_prints_one_flat_json_object(tmp_path: Path) -> None:
    path = tmp_path / "acled.csv"
    path.write_text(CSV, encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "acled", str(path), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert list(metrics) == list(KEYS)
    assert (metrics["n"], metrics["n_failed"]) == (2, 0)
    assert all(isinstance(v, (int, float)) for v in metrics.values())


@pytest.mark.model
def test_eval_acled_text_lists_wrong_rows_after_the_metrics(tmp_path: Path) -> None:
    path = tmp_path / "acled.csv"
    path.write_text(CSV, encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "acled", str(path), "--limit", "1"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("event_type_acc") and any(line.startswith("n ") for line in lines)
    assert all(line.startswith("  1 ") for line in lines[len(KEYS) :])  # --limit 1: row 1 only


def test_eval_acled_on_a_csv_that_is_not_acled_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "acled", str(path), "--json"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "notes" in result.output
