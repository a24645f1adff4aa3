"""The gazetteer: built from the fixture GeoNames dump plus packaged countries, shapes and project tables."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from wirewatch.errors import GazetteerError
from wirewatch.geo import build as build_module
from wirewatch.geo.build import SCHEMA_VERSION, build, default_path
from wirewatch.geo.gazetteer import Gazetteer, haversine_km

from .conftest import FIXTURE_GEONAMES


def test_alias_finds_kharkiv(gazetteer: Gazetteer) -> None:
    hits = {e.id: e for e in gazetteer.lookup("Kharkov", levels=["populated"])}
    city = hits[706483]
    assert city.name == "Kharkiv"
    assert city.matched == "Kharkov" and city.kind == "alias"
    assert city.admin1 == "Kharkiv Oblast"
    assert gazetteer.lookup("Харків", levels=["populated"])[0].id == 706483  # Cyrillic folds to the same key


def test_variants_by_skeleton(gazetteer: Gazetteer) -> None:
    kharkiv = {e.id: (e, score) for e, score in gazetteer.variants("Kharkov")}
    entry, score = kharkiv[706483]
    assert 75 <= score < 100 and entry.matched != "Kharkov"
    kupiansk = [e for e, _ in gazetteer.variants("Kup'yans'k")]
    assert 703656 in {e.id for e in kupiansk}
    assert all(e.matched for e in kupiansk)
    scores = [s for _, s in gazetteer.variants("Kharkiw")]
    assert scores == sorted(scores, reverse=True)
    assert 706483 in {e.id for e, _ in gazetteer.variants("Kharkiw")}


def test_georgia_is_a_country_and_a_state(gazetteer: Gazetteer) -> None:
    hits = gazetteer.lookup("Georgia")
    assert {(e.level, e.country) for e in hits} >= {("country", "GE"), ("admin1", "US")}
    assert [e.population for e in hits] == sorted((e.population for e in hits), reverse=True)
    assert [e.country for e in gazetteer.lookup("Georgia", levels=["country"])] == ["GE"]
    assert [e.country for e in gazetteer.lookup("Georgia", countries=["us"])] == ["US"]


def test_lyman_ordered_by_population(gazetteer: Gazetteer) -> None:
    hits = gazetteer.lookup("Lyman")
    assert len(hits) >= 2
    assert hits[0].id == 704204 and hits[0].admin1 == "Donetsk Oblast"
    assert [e.population for e in hits] == sorted((e.population for e in hits), reverse=True)
    assert gazetteer.lookup("Krasnyi Lyman")[0].id == 704204


def test_dump_admin1_is_exact(gazetteer: Gazetteer) -> None:
    donetsk = gazetteer.admin1("UA", "05")
    assert donetsk is not None
    assert donetsk.id == 709716 and donetsk.level == "admin1"
    assert not donetsk.approximate
    assert (donetsk.lat, donetsk.lon) == (48.0, 37.75)
    assert gazetteer.lookup("Donetsk Oblast")[0].id == 709716
    # places.tsv adds "<name> <designation>" spellings to the matching admin-1
    assert 709716 in {e.id for e in gazetteer.lookup("Donetsk", levels=["admin1"])}


def test_dump_country_point_replaces_centroid(gazetteer: Gazetteer) -> None:
    ukraine = gazetteer.country("ua")
    assert ukraine is not None and (ukraine.lat, ukraine.lon) == (49.0, 32.0) and not ukraine.approximate
    norway = gazetteer.country("NO")  # not in the dump: Natural Earth centroid, flagged approximate
    assert norway is not None and norway.approximate
    assert norway.lat is not None and norway.lon is not None
    assert 58 < norway.lat < 71 and 4 < norway.lon < 31


def test_alternate_names_file(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Kharkiv City")[0].id == 706483
    assert gazetteer.lookup("Артёмовск")[0].id == 713174
    assert gazetteer.lookup("https://en.wikipedia.org/wiki/Kharkiv") == []  # isolanguage "link"
    assert gazetteer.lookup("84300") == []  # isolanguage "post"
    assert gazetteer.lookup("Nowhere at all") == []  # a geonameid not in the gazetteer
    usa = gazetteer.lookup("U.S.A.")
    assert usa[0].country == "US" and usa[0].kind == "abbreviation"


def test_demonym_and_abbreviations(gazetteer: Gazetteer) -> None:
    (ukraine,) = gazetteer.lookup("Ukrainian")
    assert (ukraine.level, ukraine.country, ukraine.kind) == ("country", "UA", "demonym")
    for abbreviation, code in (("DPRK", "KP"), ("U.S.", "US"), ("UK", "GB")):
        hit = gazetteer.lookup(abbreviation, levels=["country"])[0]
        assert hit.country == code and hit.kind == "abbreviation"
    eu = gazetteer.lookup("EU")[0]
    assert eu.name == "European Union" and eu.level == "region"


def test_regions(gazetteer: Gazetteer) -> None:
    for name, country in (("Donbas", "UA"), ("Siberia", "RU"), ("Crimea", "UA")):
        (hit,) = gazetteer.lookup(name, levels=["region"])
        assert hit.country == country and hit.approximate and hit.id < 0
    assert gazetteer.lookup("the Donbass")[0].name == "Donbas"
    assert gazetteer.lookup("Sea of Azov")[0].level == "feature"
    assert gazetteer.lookup("Siverskyi Donets")[0].level == "feature"


def test_village_from_dump(gazetteer: Gazetteer) -> None:
    (robotyne,) = gazetteer.lookup("Robotyne")
    assert robotyne.admin1 == "Zaporizhzhia"  # from admin1CodesASCII: no ADM1 row in the fixture dump
    ny = gazetteer.lookup("New York", countries=["UA"])
    assert [e.id for e in ny] == [699751]
    assert gazetteer.lookup("Niu-York")[0].id == 699751


def test_border_distance_and_country_at(gazetteer: Gazetteer) -> None:
    lat, lon = 51.25, 35.30  # Kursk oblast near Sudzha, inside Russia
    distance = gazetteer.border_distance_km("UA", lat, lon)
    assert distance is not None and 1 < distance < 30
    assert gazetteer.border_distance_km("RU", lat, lon) == pytest.approx(distance, abs=0.5)
    assert gazetteer.country_at(lat, lon) == "RU"
    assert gazetteer.country_at(48.59, 37.99) == "UA"  # Bakhmut
    assert gazetteer.country_at(45.0, 34.0) == "UA"  # Crimea: the German view of Natural Earth
    assert gazetteer.country_at(43.0, 35.0) is None  # the Black Sea
    assert gazetteer.border_distance_km("ZZ", lat, lon) is None
    kyiv = gazetteer.border_distance_km("UA", 50.45, 30.52)
    assert kyiv is not None and kyiv > 50


def test_get_and_meta(gazetteer: Gazetteer) -> None:
    entry = gazetteer.get(713174)
    assert entry is not None and entry.name == "Bakhmut" and entry.source == "GeoNames dump"
    assert gazetteer.get(123) is None
    assert gazetteer.meta["schema_version"] == str(SCHEMA_VERSION)
    assert gazetteer.meta["packaged"] == "0"
    assert "natural_earth" in gazetteer.meta["sources"]


def test_haversine() -> None:
    assert haversine_km(50.45, 30.52, 49.98, 36.25) == pytest.approx(410, rel=0.02)  # Kyiv-Kharkiv
    assert haversine_km(1.0, 2.0, 1.0, 2.0) == 0


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError) as info:
        Gazetteer(tmp_path / "nope.sqlite")
    assert info.value.code == "W601"
    assert "wirewatch gazetteer build" in str(info.value)


def test_not_a_gazetteer(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE t(x)").connection.close()
    with pytest.raises(GazetteerError):
        Gazetteer(path)


def test_other_schema_version_refused(gazetteer_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    path.write_bytes(gazetteer_path.read_bytes())
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(GazetteerError, match="schema version 0"):
        Gazetteer(path)


def test_build_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object) -> None:
        raise RuntimeError("midway")

    monkeypatch.setattr(build_module, "_continents", boom)
    path = tmp_path / "g.sqlite"
    with pytest.raises(RuntimeError, match="midway"):
        build(path, geonames_dir=FIXTURE_GEONAMES, packaged=False)
    assert not path.exists()
    assert not path.with_suffix(".tmp").exists()


def test_countries_filter(tmp_path: Path) -> None:
    steps: list[str] = []
    report = build(
        tmp_path / "ua.sqlite",
        geonames_dir=FIXTURE_GEONAMES,
        packaged=False,
        countries=["UA"],
        progress=lambda step, done, total: steps.append(step),
    )
    assert {"countries", "shapes", "geonames dump", "indexes"} <= set(steps)
    assert report.counts["country"] > 200  # every country keeps its row
    with Gazetteer(report.path) as gz:
        con = sqlite3.connect(report.path)
        populated = {c for (c,) in con.execute("SELECT DISTINCT country FROM places WHERE level='populated'")}
        shapes = {c for (c,) in con.execute("SELECT country FROM shapes")}
        con.close()
        assert populated == {"UA"} and shapes == {"UA"}
        assert gz.lookup("Moscow", levels=["populated"]) == []
        assert gz.lookup("Kharkiv")[0].country == "UA"
        assert gz.meta["countries"] == "UA"


def test_default_path() -> None:
    assert default_path().name == f"gazetteer-v{SCHEMA_VERSION}.sqlite"


@pytest.mark.slow
def test_full_packaged_build(tmp_path: Path) -> None:
    report = build(tmp_path / "full.sqlite")
    assert report.counts["populated"] > 200_000 and report.counts["admin1"] > 3000
    with Gazetteer(report.path) as gz:
        for query in ("Kursk Oblast", "Kursk"):
            hits = gz.lookup(query, levels=["admin1"], countries=["RU"])
            assert [e.name for e in hits] == ["Kursk Oblast"], query
        kursk = gz.lookup("Kursk Oblast")[0]
        assert kursk.approximate and kursk.lat is not None and kursk.lon is not None
        assert haversine_km(kursk.lat, kursk.lon, 51.77, 36.19) < 120
        (donetsk,) = gz.lookup("Donetsk Oblast")
        assert (donetsk.level, donetsk.country) == ("admin1", "UA")
        variants = [e for e, _ in gz.variants("Kup'yans'k") if e.country == "UA" and e.level == "populated"]
        assert variants and variants[0].geonameid == 703656
        ny = gz.lookup("New York")
        assert (ny[0].country, ny[0].level) == ("US", "populated")
        assert gz.lookup("Kharkiv", levels=["populated"])[0].admin1 == "Kharkiv Oblast"
        # Ukraine's villages come from the KATOTTG codifier, at their hromada's centre (approximate)
        (klishchiivka,) = gz.lookup("Klishchiivka", levels=["populated"], countries=["UA"])
        assert (klishchiivka.admin1, klishchiivka.approximate, klishchiivka.population) == (
            "Donetsk Oblast",
            True,
            0,
        )
        assert klishchiivka.lat is not None and klishchiivka.lon is not None
        assert haversine_km(klishchiivka.lat, klishchiivka.lon, 48.5403, 37.9622) < 25  # GeoNames' point
        cyrillic = gz.lookup("Кліщіївка", levels=["populated"], countries=["UA"])
        assert [e.id for e in cyrillic] == [klishchiivka.id]
        hromada = gz.lookup("Tokmatska hromada", levels=["admin2"], countries=["UA"])
        assert hromada and hromada[0].admin1 == "Zaporizhzhia Oblast"
        # a town cities500 already has keeps its own point and is not written twice
        assert len(gz.lookup("Staromaiorske", levels=["populated"], countries=["UA"])) == 1
