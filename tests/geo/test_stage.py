"""The geo stage in the pipeline: the gazetteer setting, a missing or broken gazetteer, the stages setting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from wirewatch.cli import main
from wirewatch.pipeline import analyze_raw
from wirewatch.records import RawDocument
from wirewatch.settings import Settings

pytestmark = pytest.mark.model

TEXT = "Russian shelling hit Kharkiv on Monday, officials in Kyiv said."


def _raw(text: str = TEXT) -> RawDocument:
    return RawDocument(name="t.txt", data=text.encode(), kind="text")


def test_places_come_with_the_analysis(fixture_gazetteer: Path) -> None:
    analysis = analyze_raw(_raw(), Settings(gazetteer=str(fixture_gazetteer)))
    names = {p["mention"]["text"]: p["name"] for p in analysis.places}
    assert names["Kharkiv"] == "Kharkiv" and names["Kyiv"] == "Kyiv"
    assert all(p["id"] == f"{analysis.article.id}:p{i}" for i, p in enumerate(analysis.places))
    assert "geo_rules" in analysis.producer


def test_geo_left_out_of_stages_is_skipped_not_failed(fixture_gazetteer: Path) -> None:
    analysis = analyze_raw(_raw(), Settings(gazetteer=str(fixture_gazetteer), stages="claims"))
    assert analysis.places == ()
    assert analysis.skipped == {"geo": "not in the 'stages' setting", "events": "not in the 'stages' setting"}


@pytest.mark.parametrize("content", [None, b"not a database at all", b""])
def test_a_named_gazetteer_that_is_missing_or_broken_is_one_line_w601(
    tmp_path: Path, content: bytes | None
) -> None:
    path = tmp_path / "gaz.sqlite"
    if content is not None:
        path.write_bytes(content)
    source = tmp_path / "a.txt"
    source.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["analyze", str(source), "--json"], env={"WIREWATCH_GAZETTEER": str(path)}
    )
    assert result.exit_code != 0
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "W601" in lines[0] and str(path) in lines[0], result.stderr
    assert result.stdout == ""
    assert not path.exists() or path.read_bytes() == content  # never replaced behind the user's back


def test_geocode_command_on_the_fixture_gazetteer() -> None:
    result = CliRunner().invoke(main, ["geocode", "Fighting continued near Lyman, Donetsk Oblast.", "--json"])
    assert result.exit_code == 0, result.output
    places = json.loads(result.stdout)
    lyman = next(p for p in places if p["mention"]["text"] == "Lyman")
    assert lyman["geonameid"] == 704204 and lyman["relative"]["relation"] == "near"
