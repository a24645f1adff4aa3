"""`wirewatch events` and `wirewatch export` through the command line, without spaCy: a database is filled
through the store API with hand-made analyses (places, claims and events), then listed and exported as
ACLED-compatible CSV (read back with pandas), GeoJSON (loaded into shapely) and JSONL (read back as
Analysis records)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from shapely.geometry import Point, shape

from wirewatch.cli import main
from wirewatch.export.acled import ACLED_COLUMNS, acled_row, disorder_type, time_precision
from wirewatch.records import Analysis, Article, RawDocument

A_ID, B_ID = "a1f3c9e07d2b4411", "5be0d7a2c8f91e06"

TEXT_A = (
    "Russian drones struck a market near Donetsk on Saturday, killing three people, Ukrainian intelligence "
    "officials said, as cited by Suspilne.\n\nThe Kremlin accused Kyiv of staging the attack."
)
TEXT_B = "Thousands rallied in Madrid against the war. A minister warned of reprisals."


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _span(text: str, word: str) -> dict[str, Any]:
    start = text.index(word)
    return {"start": start, "end": start + len(word), "text": word}


def _place(aid: str, n: int, name: str, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"{aid}:p{n}",
        "mention": {"start": n, "end": n + len(name), "text": name},
        "name": name,
        "geonameid": None,
        "level": "populated",
        "country": "UA",
        "admin1": None,
        "lat": None,
        "lon": None,
        "relative": None,
        "score": 0.5,
        "candidates": [],
    }
    record.update(fields)
    return record


def _source(name: str, kind: str, country: str | None = None) -> dict[str, Any]:
    return {"name": name, "kind": kind, "country": country, "span": None}


def _claim(
    aid: str, n: int, sources: list[str], via: list[str], evidential: str, strength: str
) -> dict[str, Any]:
    return {
        "id": f"{aid}:c{n}",
        "content": {"start": 0, "end": 1, "text": "R"},
        "content_parts": [],
        "cue": None,
        "sources": [_source(s, "official") for s in sources],
        "via": [_source(v, "outlet") for v in via],
        "asked_by": None,
        "quote": "indirect",
        "certainty": {
            "evidential": evidential,
            "strength": strength,
            "polarity": "positive",
            "term": None,
            "probability": None,
        },
        "kind": "statement",
        "denies": None,
    }


def _actor(
    role: str,
    name: str,
    country: str | None,
    sector: str | None,
    acled: str | None = None,
    inter: int | None = None,
) -> dict[str, Any]:
    return {
        "role": role,
        "name": name,
        "country": country,
        "sector": sector,
        "span": None,
        "acled_name": acled,
        "inter": inter,
    }


def _event(aid: str, n: int, type: str, trigger: dict[str, Any], **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"{aid}:e{n}",
        "type": type,
        "mode": None,
        "acled": None,
        "trigger": trigger,
        "mentions": [trigger],
        "actors": [],
        "size": None,
        "fatalities": None,
        "injuries": None,
        "when": {"start": None, "end": None, "precision": "unknown", "text": None},
        "time_precision": 3,
        "where": [],
        "claims": [],
        "negated": False,
        "hypothetical": False,
        "future": False,
        "allegation": False,
    }
    record.update(fields)
    return record


def _where(place_id: str, relation: str = "in", geo_precision: int = 1) -> dict[str, Any]:
    return {
        "place": place_id,
        "relation": relation,
        "distance_km": None,
        "from": None,
        "geo_precision": geo_precision,
    }


def _analyses() -> list[Analysis]:
    a, b = A_ID, B_ID
    article_a = Article(
        id=a, text=TEXT_A, title="Strike", url="https://x.example/a", outlet="Kyiv Independent", language="en"
    )
    article_b = Article(
        id=b, text=TEXT_B, title="Rally", url="https://x.example/b", outlet="-Wire", language="en"
    )
    analysis_a = Analysis(
        article=article_a,
        places=(
            _place(a, 1, "Donetsk", admin1="Donetsk Oblast", lat=48.0159, lon=37.8028),
            _place(a, 2, "Ukraine", level="country", lat=49.0, lon=32.0),
            _place(a, 3, "Kyiv", country=None),  # unresolved
        ),
        claims=(
            _claim(a, 1, ["Ukrainian intelligence officials"], ["Suspilne"], "reported", "probable"),
            _claim(a, 2, ["Kremlin"], [], "alleged", "unknown"),
        ),
        events=(
            _event(
                a,
                1,
                "ASSAULT",
                _span(TEXT_A, "struck"),
                mode="aerial",
                acled={"event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike"},
                actors=[
                    _actor("actor", "Russia", "RU", "military", "Military Forces of Russia (2000-)", 8),
                    _actor("actor", "Wagner Group", "RU", "military"),
                    _actor("recipient", "Ukraine", "UA", "civilians", "Civilians (Ukraine)", 7),
                ],
                fatalities=3,
                when={"start": "2024-06-01", "end": "2024-06-01", "precision": "day", "text": "on Saturday"},
                time_precision=1,
                where=[_where(f"{a}:p1", "near", 2), _where(f"{a}:p2", "in", 3), _where(f"{a}:p1")],
                claims=[f"{a}:c1"],
            ),
            _event(
                a,
                2,
                "ACCUSE",
                _span(TEXT_A, "accused"),
                actors=[
                    _actor("actor", "Kremlin", "RU", "government"),
                    _actor("recipient", "Kyiv", "UA", None),
                ],
                when={"start": None, "end": "2024-06-03", "precision": "week", "text": None},
                where=[_where(f"{a}:p3")],
                claims=[f"{a}:c2"],
                allegation=True,
            ),
        ),
        producer={"wirewatch": "test"},
    )
    analysis_b = Analysis(
        article=article_b,
        places=(_place(b, 1, "Madrid", country="ES", admin1="Madrid", lat=40.4165, lon=-3.70256),),
        events=(
            _event(
                b,
                1,
                "PROTEST",
                _span(TEXT_B, "rallied"),
                acled={"event_type": "Protests", "sub_event_type": "Peaceful protest"},
                actors=[_actor("actor", "Protesters", "ES", "civilians", "Protesters (Spain)", 6)],
                size=2000,
                when={"start": "2024-05-01", "end": "2024-05-31", "precision": "month", "text": "in May"},
                where=[_where(f"{b}:p1")],
            ),
            _event(
                b,
                2,
                "THREATEN",
                _span(TEXT_B, "warned"),
                actors=[_actor("actor", "=cmd|' /C calc'!A0", "FR", None)],
            ),
        ),
        producer={"wirewatch": "test"},
    )
    return [analysis_a, analysis_b]


@pytest.fixture
def events_db(tmp_path: Path) -> str:
    from wirewatch.store import open_store

    db = str(tmp_path / "events.db")
    with open_store(db) as store:
        run_id = store.start_run("ingest", {"wirewatch": "test"}, {})
        for n, analysis in enumerate(_analyses(), start=1):
            raw = RawDocument(name=f"a{n}.txt", data=analysis.article.text.encode(), kind="text")
            assert store.save_analysis(analysis, raw, run_id) == "new"
    return db


def _ids(rows: list[dict[str, Any]]) -> list[str]:
    names = {A_ID: "A", B_ID: "B"}
    return [f"{names[r['article']]}:{r['id'].split(':')[1]}" for r in rows]


# --- events -------------------------------------------------------------------------------------------------


def test_events_json_has_article_and_places(events_db: str) -> None:
    result = run("events", "--db", events_db, "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert _ids(rows) == ["A:e1", "A:e2", "B:e1", "B:e2"]
    a, _ = _analyses()
    assert rows[0] == {**a.events[0], "article": A_ID, "places": [a.places[0], a.places[1]]}
    assert rows[1]["places"] == [a.places[2]] and rows[3]["places"] == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--type", "assault"), ["A:e1"]),
        (("-t", "PROTEST"), ["B:e1"]),
        (("--country", "ua"), ["A:e1", "A:e2"]),
        (("-c", "ES"), ["B:e1"]),
        (("--since", "2024-06-02"), ["A:e2"]),
        (("--until", "2024-06-01"), ["A:e1", "B:e1"]),
        (("--since", "2024-05-01", "--until", "2024-05-31"), ["B:e1"]),
        (("--article", B_ID[:8]), ["B:e1", "B:e2"]),
        (("-a", A_ID, "--limit", "1"), ["A:e1"]),
        (("--type", "AGREE"), []),
    ],
)
def test_events_filters(events_db: str, args: tuple[str, ...], expected: list[str]) -> None:
    result = run("events", "--db", events_db, "--json", *args)
    assert result.exit_code == 0, result.output
    assert _ids(json.loads(result.stdout)) == expected


def test_events_table(events_db: str) -> None:
    result = run("events", "--db", events_db)
    assert result.exit_code == 0, result.output
    header, strike, accuse, protest, threat, total = result.stdout.splitlines()
    assert header.split() == ["date", "type", "acled", "actors", "places", "dead", "flags", "article"]
    assert strike.startswith("2024-06-01  ASSAULT/aerial") and "Air/drone strike" in strike
    assert "Russia (military), Wagner Group (military) → Ukraine (civilians)"[: 40 - 1] in strike
    assert "Donetsk, Ukraine" in strike and " 3 " in strike and strike.rstrip().endswith(A_ID[:8])
    assert accuse.startswith("2024-06-03  ACCUSE") and "alleged" in accuse and "Kyiv" in accuse
    assert "Peaceful protest" in protest and "Madrid" in protest
    assert threat.startswith("-") and threat.rstrip().endswith(B_ID[:8])
    assert total == "4 events"
    # aligned: each column starts where its header does
    for column in ("type", "acled", "places", "article"):
        start = header.index(column)
        assert strike[start - 2 : start] == "  " and strike[start] != " "
    empty = run("events", "--db", events_db, "--type", "AGREE")
    assert empty.exit_code == 0 and empty.stdout == "no events\n"


def test_events_csv_is_the_export(events_db: str) -> None:
    listed = run("events", "--db", events_db, "--csv", "-c", "UA")
    exported = run("export", "--db", events_db, "--format", "csv", "-c", "UA")
    assert listed.exit_code == exported.exit_code == 0
    assert listed.stdout == exported.stdout and listed.stdout.startswith("event_id_cnty,event_date,")


# --- CSV ----------------------------------------------------------------------------------------------------


def test_csv_export_reads_back_with_pandas(events_db: str, tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    result = run("export", "--db", events_db, "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and "4 events" in result.stderr and str(out) in result.stderr
    df = pd.read_csv(out, keep_default_na=False, na_values=[""])
    assert list(df.columns) == list(ACLED_COLUMNS) and len(df) == 4
    assert list(df.columns[:25]) == [
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
    ]
    assert df["fatalities"].tolist() == [3, 0, 0, 0] and df["fatalities"].dtype.kind == "i"
    assert df["year"].tolist()[:3] == [2024, 2024, 2024] and pd.isna(df["year"][3])
    assert df["time_precision"].tolist() == [1, 2, 3, 3]
    strike = df.iloc[0]
    assert strike["event_id_cnty"] == f"{A_ID}:e1" and strike["event_date"] == "2024-06-01"
    assert (
        strike["disorder_type"] == "Political violence"
        and strike["event_type"] == "Explosions/Remote violence"
    )
    assert (
        strike["actor1"] == "Military Forces of Russia (2000-)" and strike["assoc_actor_1"] == "Wagner Group"
    )
    assert strike["actor2"] == "Civilians (Ukraine)" and (strike["inter1"], strike["inter2"]) == (8, 7)
    assert strike["interaction"] == 78
    assert (strike["country"], strike["admin1"], strike["location"]) == (
        "Ukraine",
        "Donetsk Oblast",
        "Donetsk",
    )
    assert pd.isna(strike["admin2"]) and pd.isna(strike["source_scale"])
    assert (strike["latitude"], strike["longitude"], strike["geo_precision"]) == (48.0159, 37.8028, 2)
    assert strike["source"] == "Kyiv Independent"
    assert strike["notes"] == TEXT_A.split("\n\n")[0]  # the trigger's sentence
    assert (strike["plover_type"], strike["plover_mode"]) == ("ASSAULT", "aerial")
    assert strike["claims"] == f"{A_ID}:c1"
    assert strike["claim_chain"] == "Ukrainian intelligence officials ← Suspilne ← Kyiv Independent"
    assert strike["certainty"] == "reported/probable/positive"
    start = TEXT_A.index("struck")
    assert strike["evidence"] == f"struck [{start}-{start + 6}]"
    assert strike["article_id"] == A_ID and strike["article_url"] == "https://x.example/a"
    assert not strike["allegation"]
    accuse = df.iloc[1]
    assert accuse["event_date"] == "2024-06-03" and accuse["allegation"]
    assert accuse["location"] == "Kyiv" and pd.isna(accuse["latitude"]) and pd.isna(accuse["country"])
    assert accuse["notes"] == "The Kremlin accused Kyiv of staging the attack."
    assert pd.isna(accuse["event_type"]) and pd.isna(accuse["disorder_type"])
    protest = df.iloc[2]
    assert protest["disorder_type"] == "Demonstrations" and protest["interaction"] == 60
    assert protest["inter2"] == 0 and pd.isna(protest["actor2"])
    assert protest["longitude"] == -3.70256 and protest["country"] == "Spain"


def test_csv_is_formula_safe_but_numbers_stay_numbers(events_db: str) -> None:
    result = run("export", "--db", events_db)  # csv to stdout by default
    assert result.exit_code == 0, result.output
    df = pd.read_csv(io.StringIO(result.stdout), dtype=str, keep_default_na=False)
    threat, protest = df.iloc[3], df.iloc[2]
    assert threat["actor1"] == "'=cmd|' /C calc'!A0"
    assert protest["source"] == "'-Wire"  # the outlet's name starts with '-'
    assert protest["longitude"] == "-3.70256"  # a number, not quoted as a formula
    for column in df.columns:
        assert not any(v.startswith(("=", "+", "-", "@")) for v in df[column] if column != "longitude"), (
            column
        )


def test_acled_helpers() -> None:
    assert disorder_type("Battles", "Armed clash") == "Political violence"
    assert disorder_type("Violence against civilians", "Attack") == "Political violence"
    assert disorder_type("Riots", "Mob violence") == "Political violence"
    assert disorder_type("Riots", "Violent demonstration") == "Demonstrations"
    assert (
        disorder_type("Protests", "Excessive force against protesters")
        == "Political violence; Demonstrations"
    )
    assert disorder_type("Strategic developments", "Agreement") == "Strategic developments"
    assert disorder_type(None) is None
    assert time_precision({"when": {"precision": "week"}}) == 2
    assert time_precision({"when": {"precision": "year"}}) == 3
    assert time_precision({"time_precision": 1}) == 1
    row = acled_row(
        {
            "id": "x:e1",
            "actors": [
                _actor("recipient", "A", None, None, inter=1),
                _actor("actor", "B", None, None, inter=2),
            ],
        }
    )
    assert (row["actor1"], row["actor2"], row["interaction"]) == ("B", "A", 12)  # smaller code first
    assert row["fatalities"] == 0 and row["notes"] is None and row["event_date"] is None


# --- GeoJSON and JSONL --------------------------------------------------------------------------------------


def test_geojson_export_validates_and_loads_into_shapely(events_db: str) -> None:
    result = run("export", "--db", events_db, "--format", "geojson")
    assert result.exit_code == 0, result.output
    assert "2 events left out" in result.stderr  # the accusation (unresolved place) and the threat (none)
    fc = json.loads(result.stdout)
    assert fc["type"] == "FeatureCollection"
    features = fc["features"]
    # the strike at Donetsk (named twice in `where`: once) and Ukraine, the protest at Madrid
    assert [f["id"] for f in features] == [
        f"{A_ID}:e1@{A_ID}:p1",
        f"{A_ID}:e1@{A_ID}:p2",
        f"{B_ID}:e1@{B_ID}:p1",
    ]
    donetsk, _, madrid = features
    assert donetsk["geometry"] == {"type": "Point", "coordinates": [37.8028, 48.0159]}  # [lon, lat]
    point = shape(madrid["geometry"])
    assert isinstance(point, Point) and (point.x, point.y) == (-3.70256, 40.4165)
    props = donetsk["properties"]
    assert props["event_id"] == f"{A_ID}:e1" and props["article"] == A_ID and props["type"] == "ASSAULT"
    assert props["date"] == "2024-06-01" and props["fatalities"] == 3 and props["geo_precision"] == 2
    assert props["relation"] == "near" and props["place"] == "Donetsk" and props["country"] == "UA"
    assert props["actors"].endswith("→ Ukraine (civilians)") and props["claims"] == [f"{A_ID}:c1"]
    assert props["disorder_type"] == "Political violence" and props["allegation"] is False
    assert all(not isinstance(v, dict) for v in props.values())  # flat
    for f in features:
        assert f["type"] == "Feature" and shape(f["geometry"]).is_valid


def test_jsonl_export_is_one_analysis_per_article_with_a_matching_event(
    events_db: str, tmp_path: Path
) -> None:
    result = run("export", "--db", events_db, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    got = [Analysis.from_dict(json.loads(line)) for line in lines]
    assert [a.article.id for a in got] == [A_ID, B_ID]
    assert [a.to_dict() for a in got] == [a.to_dict() for a in _analyses()]
    only = run(
        "export", "--db", events_db, "-f", "jsonl", "--country", "ES", "-o", str(tmp_path / "es.jsonl")
    )
    assert only.exit_code == 0 and only.stdout == ""
    lines = (tmp_path / "es.jsonl").read_text(encoding="utf-8").splitlines()
    assert [Analysis.from_dict(json.loads(x)).article.id for x in lines] == [B_ID]


def test_out_file_is_replaced_whole(events_db: str, tmp_path: Path) -> None:
    out = tmp_path / "x.geojson"
    out.write_text("old contents")
    result = run("export", "--db", events_db, "-f", "geojson", "--type", "PROTEST", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert len(json.loads(out.read_text(encoding="utf-8"))["features"]) == 1
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no temporary file left


# --- errors -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("events", "--since", "2024-02-30"), ("since", "YYYY-MM-DD")),
        (("events", "--until", "yesterday"), ("until", "YYYY-MM-DD")),
        (("events", "--type", "bombing"), ("PLOVER", "ASSAULT")),
        (("events", "--country", "Ukraine"), ("two-letter",)),
        (("events", "--json", "--csv"), ("--json", "--csv")),
        (("events", "--since", "2024-06-02", "--until", "2024-06-01"), ("after",)),
        (("export", "--format", "xlsx"), ("xlsx",)),
        (("export", "--type", "bombing"), ("PLOVER",)),
        (("export", "--out", "/nonexistent/dir/x.csv"), ("does not exist",)),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    events_db: str, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    result = run(*args, "--db", events_db)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert all(w in result.stderr for w in words), result.stderr
    if "xlsx" not in args:  # click's own choice error has its usage lines; ours are one line
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), lines


def test_unknown_article_exits_1(events_db: str) -> None:
    result = run("events", "--db", events_db, "--article", "ffffffffffff")
    assert result.exit_code == 1 and "no such article" in result.stderr and result.stdout == ""
