"""Analysts' corrections through the API: kept beside the records with who, when and why, shown by the lists,
the map and the exports (API and CLI), refused to viewers, and stale once a reprocess moves their record."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
from click.testing import CliRunner
from fastapi.testclient import TestClient
from tests.test_cli_events import A_ID, _analyses

from wirewatch.cli import main
from wirewatch.records import Analysis, RawDocument
from wirewatch.serve.api import create_app
from wirewatch.settings import Settings

EVENT = f"{A_ID}:e1"
PLACE = f"{A_ID}:p1"


def _fill(path: str, *, trigger_text: str | None = None) -> None:
    from wirewatch.store import open_store

    with open_store(path) as store:
        run_id = store.start_run("ingest", {"wirewatch": "test"}, {})
        for analysis in _analyses():
            record = analysis.to_dict()
            if record["article"]["id"] == A_ID:
                record["places"][0]["candidates"] = [
                    {"name": "Donetsk", "geonameid": 709717, "level": "populated", "country": "UA",
                     "admin1": "Donetsk Oblast", "lat": 48.0159, "lon": 37.8028, "score": 0.8},
                    {"name": "Donetsk Oblast", "geonameid": 709716, "level": "admin1", "country": "UA",
                     "admin1": "Donetsk Oblast", "lat": 48.0, "lon": 37.75, "score": 0.2},
                ]  # fmt: skip
                if trigger_text is not None:  # a reprocess that moved the event
                    record["events"][0]["trigger"]["text"] = trigger_text
                    record["producer"] = {"wirewatch": "test 2"}
            raw = RawDocument(
                name=record["article"]["id"], data=record["article"]["text"].encode(), kind="text"
            )
            store.save_analysis(Analysis.from_dict(record), raw, run_id)


def _post(c: TestClient, body: dict[str, Any], token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return c.post("/api/corrections", json=body, headers=headers)


def test_corrections_show_everywhere_and_are_audited(tmp_path: Path) -> None:
    from wirewatch.store import open_store

    db = str(tmp_path / "c.db")
    _fill(db)
    with open_store(db) as store:
        _, analyst = store.create_token("maria", "analyst")
        _, viewer = store.create_token("desk", "viewer")
    c = TestClient(create_app(Settings(db=db)))
    refused = _post(c, {"target": EVENT, "action": "reject"}, viewer)
    assert refused.status_code == 403
    typed = _post(c, {"target": EVENT, "action": "set_type", "value": "protest", "why": "a rally"}, analyst)
    assert typed.status_code == 200 and typed.json()["item"]["who"] == "maria"
    assert (
        _post(c, {"target": EVENT, "action": "set_date", "value": "2024-06-02"}, analyst).status_code == 200
    )
    assert (
        _post(c, {"target": PLACE, "action": "pick_candidate", "value": "709716"}, analyst).status_code == 200
    )
    auth = {"Authorization": f"Bearer {viewer}"}
    event = c.get(f"/api/events/{EVENT}", headers=auth).json()["item"]
    assert (event["type"], event["acled"], event["when"]["start"]) == ("PROTEST", None, "2024-06-02")
    assert event["places"][0]["name"] == "Donetsk Oblast" and len(event["corrections"]) == 2
    log = c.get("/api/corrections", headers=auth).json()["items"]
    assert [(x["action"], x["who"], x["why"]) for x in log][:1] == [("set_type", "maria", "a rally")]
    points = c.get("/api/map", headers=auth).json()["features"]
    mine = [f for f in points if f["properties"]["event"] == EVENT]
    assert {(f["properties"]["type"], f["properties"]["date"]) for f in mine} == {("PROTEST", "2024-06-02")}
    picked = event["places"][0]  # the map moves the point to the candidate the analyst picked
    assert [round(picked["lon"], 5), round(picked["lat"], 5)] in [f["geometry"]["coordinates"] for f in mine]
    assert "Donetsk Oblast" in {f["properties"]["name"] for f in mine}
    csv = pd.read_csv(io.StringIO(c.get("/api/export", headers=auth).text))
    row = csv[csv["event_id_cnty"] == EVENT]
    assert len(row) == 1 and (row.iloc[0]["plover_type"], row.iloc[0]["event_date"]) == (
        "PROTEST",
        "2024-06-02",
    )
    cli_csv = CliRunner().invoke(main, ["export", "--format", "csv", "--db", db]).stdout
    assert "PROTEST" in cli_csv  # the CLI's exports show the correction too
    assert _post(c, {"target": EVENT, "action": "reject"}, analyst).status_code == 200
    assert EVENT not in {e["id"] for e in c.get("/api/events", headers=auth).json()["items"]}
    assert EVENT not in {f["properties"]["event"] for f in c.get("/api/map", headers=auth).json()["features"]}
    with open_store(db) as store:  # the machine's record is untouched
        original = next(e for e in store.events() if e["id"] == EVENT)
    assert original["type"] == "ASSAULT"


def test_bad_corrections_are_refused(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    _fill(db)
    c = TestClient(create_app(Settings(db=db)))  # loopback, no token: the local user corrects
    assert _post(c, {"target": f"{A_ID}:e9", "action": "reject"}).status_code == 404
    assert _post(c, {"target": "nonsense", "action": "reject"}).status_code == 404
    wrong = _post(c, {"target": f"{A_ID}:c1", "action": "set_type", "value": "PROTEST"})
    assert wrong.status_code == 400 and "reject" in wrong.json()["error"]
    assert _post(c, {"target": EVENT, "action": "set_type", "value": "PICNIC"}).status_code == 400
    assert _post(c, {"target": EVENT, "action": "set_date", "value": "yesterday"}).status_code == 400
    assert _post(c, {"target": PLACE, "action": "pick_candidate", "value": "1"}).status_code == 400
    ok = _post(c, {"target": f"{A_ID}:c1", "action": "reject"})
    assert ok.status_code == 200 and ok.json()["item"]["who"] == "local"
    assert f"{A_ID}:c1" not in {x["id"] for x in c.get("/api/claims").json()["items"]}


def test_a_correction_of_a_record_a_reprocess_moved_is_stale(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    _fill(db)
    c = TestClient(create_app(Settings(db=db)))
    assert _post(c, {"target": EVENT, "action": "set_type", "value": "PROTEST"}).status_code == 200
    _fill(db, trigger_text="accused")  # the same id now points at another trigger
    event = c.get(f"/api/events/{EVENT}").json()["item"]
    assert event["type"] == "ASSAULT" and "corrections" not in event  # not applied to the wrong record
