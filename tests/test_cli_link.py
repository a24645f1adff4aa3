"""`wirewatch link`, `stories` and `story` through the command line, without spaCy: a database is filled with
the hand-made analyses of tests/link/fixtures.py through the store API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from tests.link.fixtures import OTHER, analysis, claim, fillers, source, wire_story

from wirewatch.cli import main
from wirewatch.records import Analysis, RawDocument


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _save(db: str, analyses: list[dict[str, Any]]) -> None:
    from wirewatch.store import open_store

    with open_store(db) as store:
        run_id = store.start_run("ingest", {"wirewatch": "test"}, {})
        for a in analyses:
            raw = RawDocument(name=a["article"]["id"], data=a["article"]["text"].encode(), kind="text")
            assert store.save_analysis(Analysis.from_dict(a), raw, run_id) == "new"


def test_link_then_list_and_show_stories(tmp_path: Path) -> None:
    db = str(tmp_path / "link.db")
    _save(db, wire_story() + fillers())
    result = run("link", "--db", db, "-q")
    assert result.exit_code == 0 and "1 block(s)" in result.output and "1 copies" in result.output
    stories = json.loads(run("stories", "--db", db, "--json").stdout)
    odesa = next(s for s in stories if "aaaa000000000001" in s["articles"])
    assert len(odesa["articles"]) == 5 and odesa["contested"] is True
    assert odesa["claim_clusters"][0]["origins"][0] == "reuters: anonymous sources"
    strong = json.loads(run("stories", "--db", db, "--json", "--min-origins", "2").stdout)
    assert [s["id"] for s in strong] == [odesa["id"]]
    contested = json.loads(run("stories", "--db", db, "--json", "--contested").stdout)
    assert [s["id"] for s in contested] == [odesa["id"]]
    shown = run("story", odesa["id"][:8], "--db", db)
    assert shown.exit_code == 0
    assert "copy of aaaa0000" in shown.output and "origins: reuters: anonymous sources" in shown.output
    assert "denied [aaaa0000]" in shown.output and "contradiction in numbers" in shown.output
    assert json.loads(run("story", odesa["id"], "--db", db, "--json").stdout)["id"] == odesa["id"]
    table = run("stories", "--db", db).output
    assert odesa["id"][:10] in table and "contested" in table


def test_link_is_incremental_by_week(tmp_path: Path) -> None:
    db = str(tmp_path / "link.db")
    _save(db, wire_story() + fillers())
    run("link", "--db", db, "-q")
    assert "0 block(s)" in run("link", "--db", db, "-q").output  # nothing new: nothing linked again
    ministry = [source("ministry", "government")]
    later = analysis(
        "bbbb000000000001",
        OTHER,
        "outlet-z.example",
        "2026-03-20",
        [claim("bbbb000000000001", 0, OTHER, OTHER[:40], ministry)],
    )
    _save(db, [later])
    result = run("link", "--db", db, "-q")
    assert "linked 1 articles in 1 block(s)" in result.output  # only the new article's week
    assert "linked 15 articles in 2 block(s)" in run("link", "--db", db, "-q", "--all").output


def test_bad_story_filters_and_ids(tmp_path: Path) -> None:
    db = str(tmp_path / "empty.db")
    assert "no stories" in run("stories", "--db", db).output
    bad = run("stories", "--db", db, "--since", "2026-13-01")
    assert bad.exit_code == 2
    missing = CliRunner().invoke(main, ["story", "s123456", "--db", db])
    assert missing.exit_code == 1 and "no such story" in missing.output


FOLLOW_UP = (
    "A week after Russian drones struck an energy facility in the Odesa region, Ukrenergo engineers restored "
    "power to the 40,000 homes cut off near Izmail, regional governor Oleh Kiper said on Tuesday."
)


def test_a_story_that_goes_on_next_week_continues_the_first(tmp_path: Path) -> None:
    db = str(tmp_path / "link.db")
    _save(db, wire_story() + fillers())
    kiper = [source("regional governor Oleh Kiper", "government")]
    follow = analysis(
        "cccc000000000001",
        FOLLOW_UP,
        "outlet-y.example",
        "2026-03-10",
        [claim("cccc000000000001", 0, FOLLOW_UP, FOLLOW_UP[:60], kiper)],
    )
    _save(db, [follow])
    run("link", "--db", db, "-q")
    stories = json.loads(run("stories", "--db", db, "--json").stdout)
    odesa = next(s for s in stories if "aaaa000000000001" in s["articles"])
    later = next(s for s in stories if "cccc000000000001" in s["articles"])
    assert later["continues"] == odesa["id"] and odesa["continues"] is None
    shown = run("story", odesa["id"], "--db", db).output
    assert f"continued by {later['id']}" in shown
    wheat = next(s for s in stories if "aaaa000000000006" in s["articles"])
    assert wheat["continues"] is None


def test_analysts_merge_and_split_survive_every_later_link(tmp_path: Path) -> None:
    db = str(tmp_path / "link.db")
    _save(db, wire_story() + fillers())
    run("link", "--db", db, "-q")
    stories = json.loads(run("stories", "--db", db, "--json").stdout)
    odesa = next(s for s in stories if "aaaa000000000001" in s["articles"])
    wheat = next(s for s in stories if "aaaa000000000006" in s["articles"])
    merged = run("merge-stories", odesa["id"], wheat["id"], "--db", db, "--note", "same press conference")
    assert merged.exit_code == 0 and "merged 2 stories" in merged.output
    run("link", "--db", db, "-q", "--all")  # a full re-link keeps the decision
    stories = json.loads(run("stories", "--db", db, "--json").stdout)
    together = next(s for s in stories if "aaaa000000000001" in s["articles"])
    assert "aaaa000000000006" in together["articles"]
    assert any("merged by an analyst" in w for w in together["why"])
    split = run("split-story", together["id"], "aaaa000000000006", "--db", db)
    assert split.exit_code == 0 and "split 1 article(s)" in split.output
    run("link", "--db", db, "-q", "--all")
    stories = json.loads(run("stories", "--db", db, "--json").stdout)
    alone = next(s for s in stories if "aaaa000000000006" in s["articles"])
    assert alone["articles"] == ["aaaa000000000006"] and any("split off" in w for w in alone["why"])
    assert "aaaa000000000001" in next(s for s in stories if "aaaa000000000002" in s["articles"])["articles"]


def test_merge_and_split_refuse_what_they_cannot_do(tmp_path: Path) -> None:
    db = str(tmp_path / "link.db")
    _save(db, wire_story())
    run("link", "--db", db, "-q")
    stories = json.loads(run("stories", "--db", db, "--json").stdout)
    odesa = next(s for s in stories if "aaaa000000000001" in s["articles"])
    assert CliRunner().invoke(main, ["merge-stories", odesa["id"], "--db", db]).exit_code == 2
    assert CliRunner().invoke(main, ["merge-stories", odesa["id"], "s000000000", "--db", db]).exit_code == 1
    every = ["split-story", odesa["id"], *odesa["articles"], "--db", db]
    assert CliRunner().invoke(main, every).exit_code == 2
    assert CliRunner().invoke(main, ["split-story", odesa["id"], "ffff", "--db", db]).exit_code == 2
