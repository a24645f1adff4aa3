"""`wirewatch eval geo` end to end on small GWN and LGL files the test writes itself, and `wirewatch eval cir`
with the resolver and gazetteer replaced (accuracy is measured by the commands, not asserted here)."""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from wirewatch.cli import main
from wirewatch.eval.geo import read_gold, score

from .test_geo_metric import GWN_XML, LGL_XML, perfect

GEO_KEYS = [
    "ner_precision",
    "ner_recall",
    "ner_f1",
    "acc161_matched",
    "acc161_e2e",
    "acc_e2e_id",
    "acc25_e2e",
    "mean_error_km",
    "median_error_km",
    "n_gold",
    "n_pred",
    "n_span_mismatch",
    "n_docs",
    "n_failed",
    "docs_per_s",
]


@pytest.mark.model
@pytest.mark.parametrize(("content", "n_gold", "n_docs"), [(GWN_XML, 3, 1), (LGL_XML, 2, 2)])
def test_eval_geo_prints_one_flat_json_object(tmp_path: Path, content: str, n_gold: int, n_docs: int) -> None:
    path = tmp_path / "gold.xml"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "geo", str(path), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert list(metrics) == GEO_KEYS
    assert (metrics["n_gold"], metrics["n_docs"], metrics["n_failed"]) == (n_gold, n_docs, 0)
    assert all(isinstance(v, (int, float)) for v in metrics.values())
    # whatever the stage predicts today, a perfect prediction of the same gold scores 1.0
    _, articles, _ = read_gold(path)
    best = score([(a.toponyms, a.annotated, perfect(a.toponyms)) for a in articles])
    assert best["ner_f1"] == best["acc161_e2e"] == best["acc_e2e_id"] == 1.0


@pytest.mark.model
def test_eval_geo_limit(tmp_path: Path) -> None:
    path = tmp_path / "gold.xml"
    path.write_text(LGL_XML, encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "geo", str(path), "--json", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["n_docs"] == 1


def test_eval_geo_on_a_file_that_is_not_gold_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text("<rss><channel/></rss>", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "geo", str(path), "--json"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and str(path) in result.output


# --- cir ----------------------------------------------------------------------------------------------------

CSV = (
    "entry,date,title,lat,lon,country,province,town/city\n"
    "A,2022-03-01,t,49.98,36.25,Ukraine,Kharkiv Oblast,Kharkiv\n"  # resolved exactly
    "B,2022-03-01,t,49.71,37.61,Ukraine,Kharkiv Oblast,Kup'yans'k\n"  # unresolved; the gazetteer has it
    "C,2022-03-01,t,47.10,37.55,Ukraine,Donetsk Oblast,Mariupol\n"  # resolved in Russia
    "D,2022-03-01,t,48.00,37.80,Ukraine,Donetsk Oblast,Donetsk\n"  # resolved ~60 km away
    "E,2022-03-01,t,50.0,30.0,Ukraine,,\n"  # no town: not scored
)


@dataclass
class Entry:
    lat: float
    lon: float


class FakeGazetteer:
    def lookup(self, name: str) -> list[Entry]:
        return {"Kharkiv": [Entry(49.98, 36.25)], "Kup'yans'k": [Entry(49.71, 37.62)]}.get(name, [])


def fake_geocode(town: str, province: str | None, country_hint: str | None, gazetteer: Any) -> Any:
    assert isinstance(gazetteer, FakeGazetteer) and country_hint == "UA" and province
    answers = {
        "Kharkiv": {"name": "Kharkiv", "country": "UA", "lat": 49.98, "lon": 36.25},
        "Mariupol": {"name": "Mariupol", "country": "RU", "lat": 55.0, "lon": 37.0},
        "Donetsk": {"name": "Donetsk", "country": "UA", "lat": 48.0, "lon": 37.0},
    }
    return answers.get(town)


@pytest.fixture
def fake_geo(monkeypatch: pytest.MonkeyPatch) -> None:
    gazetteer = types.ModuleType("wirewatch.geo.gazetteer")
    gazetteer.open_default = lambda settings: FakeGazetteer()  # type: ignore[attr-defined]
    resolve = types.ModuleType("wirewatch.geo.resolve")
    resolve.geocode_name = fake_geocode  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "wirewatch.geo.gazetteer", gazetteer)
    monkeypatch.setitem(sys.modules, "wirewatch.geo.resolve", resolve)


def test_eval_cir_json(tmp_path: Path, fake_geo: None) -> None:
    path = tmp_path / "events.csv"
    path.write_text(CSV, encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "cir", str(path), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    assert metrics == {
        "acc25": 0.25,
        "acc161": 0.5,
        "oracle25": 0.5,
        "n": 4,
        "n_resolved": 3,
        "misses": {"unresolved": 1, "wrong_country": 1, "far": 1, "no_coords_in_gold": 0},
    }


def test_eval_cir_text_lists_the_misses(tmp_path: Path, fake_geo: None) -> None:
    path = tmp_path / "events.csv"
    path.write_text(CSV, encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "cir", str(path), "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert "n_resolved" in result.stdout
    assert "unresolved" in result.stdout and "Kup'yans'k, Kharkiv Oblast → nothing" in result.stdout
    assert "Mariupol" not in result.stdout  # --limit 2: the first two rows with a town


def test_eval_cir_on_a_csv_without_towns_is_one_line(tmp_path: Path, fake_geo: None) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "cir", str(path), "--json"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "town/city" in result.output
