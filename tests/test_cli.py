"""End-to-end behaviour through the command line and its public JSON (issue #3)."""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from wirewatch.cli import example_path, main

pytestmark = pytest.mark.model

BOILERPLATE = ("Connect with us", "\nNews\n", "Published", "\non\n", "North Korean Soldiers Russia")


def run(*args: str, env: dict[str, str] | None = None, input: bytes | None = None) -> Any:
    runner = CliRunner()
    return runner.invoke(main, list(args), env=env, input=input, catch_exceptions=False)


def analyze_json(path: Path | str, *extra: str) -> dict[str, Any]:
    result = run("analyze", str(path), "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- the example article -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    return analyze_json(example_path(), "--published", "2024-10-16")


def test_example_title_body_and_metadata(example: dict[str, Any]) -> None:
    art = example["article"]
    assert art["title"] == "North Korean Troops Desert Russian Frontline Positions in Ukraine: Reports"
    assert art["published"] == "2024-10-16"
    assert art["language"] == "en"
    paragraphs = art["text"].split("\n\n")
    assert len(paragraphs) == 8
    assert paragraphs[0].startswith("A group of 18 North Korean soldiers is reportedly on the run")
    assert paragraphs[-1].endswith("but no response has been reported yet.")
    assert "Russia‘s Kursk" in art["text"]  # characters kept as written
    for junk in BOILERPLATE:
        assert junk not in "\n" + art["text"] + "\n"
    assert len(art["id"]) == 16 and int(art["id"], 16) >= 0


def test_example_entity_fixes(example: dict[str, Any]) -> None:
    text = example["article"]["text"]
    ents = example["entities"]
    for e in ents:
        assert text[e["start"] : e["end"]] == e["text"]
    by_text: dict[str, list[dict[str, Any]]] = {}
    for e in ents:
        by_text.setdefault(e["text"], []).append(e)
    assert {e["label"] for e in by_text["Kursk"]} == {"GPE"}
    assert [(e["label"], e["kind"]) for e in by_text["LIGA"]] == [("ORG", "outlet")]
    assert [(e["label"], e["kind"], e["country"]) for e in by_text["Interfax-Ukraine"]] == [
        ("ORG", "outlet", "UA")
    ]
    suspilne = by_text["Suspilne"]
    assert suspilne and all(e["label"] == "ORG" and e["kind"] == "outlet" for e in suspilne)
    # "Russia‘s" with a curly apostrophe: the entity is "Russia", the possessive split off
    start = text.index("Russia‘s Kursk")
    assert any(
        e["start"] == start and e["end"] == start + len("Russia") and e["label"] == "GPE" for e in ents
    )
    assert not any(e["text"].endswith(("‘s", "’s")) for e in ents)


def test_example_is_deterministic(example: dict[str, Any]) -> None:
    again = analyze_json(example_path(), "--published", "2024-10-16")
    assert again == example


# --- ingest batches ----------------------------------------------------------------------------------------


def _dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a user cares about, without timestamps and run ids."""
    con = sqlite3.connect(db)
    try:
        out = {
            "articles": con.execute(
                "SELECT id, url, title, published, language, status, text, error, raw_sha256 "
                "FROM articles ORDER BY id"
            ).fetchall(),
            "entities": con.execute(
                'SELECT article_id, seq, label, start, "end", text, kind, country FROM entities '
                "ORDER BY article_id, seq"
            ).fetchall(),
            "raw_blobs": con.execute("SELECT sha256, size FROM raw_blobs ORDER BY sha256").fetchall(),
        }
    finally:
        con.close()
    return out


@pytest.fixture()
def batch(tmp_path: Path, fixtures: Path, example_text: str) -> Path:
    """A folder with good inputs of every local kind and the bad inputs the issue names."""
    d = tmp_path / "inputs"
    (d / "nested").mkdir(parents=True)
    html = (fixtures / "kharkiv-shelling.html").read_bytes()
    (d / "kharkiv.html").write_bytes(html)
    (d / "nested" / "kharkiv-copy.html.gz").write_bytes(gzip.compress(html.replace(b"200,000", b"210,000")))
    (d / "example.txt").write_text(example_text, encoding="utf-8")
    (d / "moscow-ru.html").write_bytes((fixtures / "moscow-ru.html").read_bytes())
    lines = [
        json.dumps(
            {
                "id": "wire-1",
                "url": "https://wire.example.com/a/1",
                "title": "Drone strike hits Odesa port",
                "published": "2024-05-02",
                "outlet": "Example Wire",
                "text": "A drone strike hit grain storage at the port of Odesa on Thursday, "
                "regional officials "
                "said. No casualties were reported.\n\nThe Ukrainian navy said it had shot down two drones "
                "over the Black Sea.",
            }
        ),
        "{not json",
        "",
    ]
    (d / "records.jsonl").write_text("\n".join(lines), encoding="utf-8")
    (d / "empty.html").write_bytes(b"")
    (d / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (d / "huge.html").write_bytes(b"<html><body>" + b"<p>word word word</p>" * 1_000_000 + b"</body></html>")
    (d / "broken.html.gz").write_bytes(gzip.compress(html)[:200])
    return d


def test_ingest_batch_stores_good_inputs_and_names_each_failure(tmp_path: Path, batch: Path) -> None:
    db = tmp_path / "w.db"
    result = run("ingest", str(batch), "--db", str(db))
    assert result.exit_code == 0, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("failed:")]
    named = {name: [e for e in errors if name in e] for name in ("empty.html", "image.html", "huge.html")}
    named["broken.html.gz"] = [e for e in errors if "broken.html.gz" in e]
    named["records.jsonl:2"] = [e for e in errors if "records.jsonl:2" in e]
    for name, lines in named.items():
        assert len(lines) == 1, (name, errors)
    assert "10 MB" in named["huge.html"][0]
    assert len(errors) == 5

    rows = json.loads(run("articles", "--db", str(db), "--json").stdout)
    ok = {r["title"]: r for r in rows if r["status"] in {"ok", "skipped"}}
    assert "North Korean Troops Desert Russian Frontline Positions in Ukraine: Reports" in ok
    assert "Drone strike hits Odesa port" in ok
    assert ok["Drone strike hits Odesa port"]["external_id"] == "wire-1"
    assert ok["Drone strike hits Odesa port"]["outlet"] == "Example Wire"
    kharkiv = [r for r in rows if (r["title"] or "").startswith("Shelling damages power station")]
    # the page and its edited gzip copy share the canonical URL, so they are one article, stored once
    assert (
        len(kharkiv) == 1
        and kharkiv[0]["url"] == "https://news.example.org/world/kharkiv-shelling-power-station"
    )
    assert sum(r["status"] == "failed" for r in rows) == 5
    assert all(r["error"] for r in rows if r["status"] == "failed")


def test_russian_page_is_stored_flagged_and_skipped(tmp_path: Path, fixtures: Path) -> None:
    db = tmp_path / "w.db"
    result = run("ingest", str(fixtures / "moscow-ru.html"), "--db", str(db))
    assert result.exit_code == 0, result.output
    (row,) = json.loads(run("articles", "--db", str(db), "--json").stdout)
    assert row["language"] == "ru" and row["status"] == "skipped"
    shown = json.loads(run("show", row["id"], "--db", str(db), "--json").stdout)
    assert "Беспилотники атаковали Подмосковье" in shown["article"]["title"]
    assert "Собянин" in shown["article"]["text"]  # decoded from windows-1251
    assert shown["entities"] == []
    assert shown["skipped"]["nlp"] == "language ru"


def test_reingest_reports_unchanged_and_writes_nothing(tmp_path: Path, batch: Path) -> None:
    db = tmp_path / "w.db"
    assert run("ingest", str(batch), "--db", str(db)).exit_code == 0
    before = _dump(db)
    again = run("ingest", str(batch), "--db", str(db), "--json")
    assert again.exit_code == 0
    lines = [json.loads(x) for x in again.stdout.splitlines()]
    statuses = {x["input"].rsplit("/", 1)[-1]: x["status"] for x in lines if "input" in x}
    assert statuses["kharkiv.html"] == "unchanged"
    assert statuses["example.txt"] == "unchanged"
    assert lines[-1]["summary"]["new"] == 0
    assert _dump(db) == before
    rerun = run("reprocess", "--db", str(db))
    assert rerun.exit_code == 0, rerun.output
    assert _dump(db) == before


def test_every_input_failed_exits_1_and_usage_errors_exit_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"   \n")
    result = run("ingest", str(empty), str(tmp_path / "missing.html"), "--db", str(tmp_path / "w.db"))
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "missing.html" in result.output
    assert run("ingest", "--db", str(tmp_path / "w.db")).exit_code == 2
    assert run("articles", "--bogus").exit_code == 2


def test_private_and_unreachable_urls_fail_with_one_line(tmp_path: Path, fixtures: Path) -> None:
    db = tmp_path / "w.db"
    result = run(
        "ingest",
        "http://127.0.0.1:9/private",
        "http://unreachable.invalid/news",
        str(fixtures / "kharkiv-shelling.html"),
        "--db",
        str(db),
    )
    assert result.exit_code == 0, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("failed:")]
    assert len(errors) == 2
    assert any("127.0.0.1" in e and "private" in e.lower() for e in errors)
    assert any("unreachable.invalid" in e for e in errors)
    assert all("Traceback" not in e for e in errors)


def test_articles_search_and_csv(tmp_path: Path, batch: Path) -> None:
    db = tmp_path / "w.db"
    run("ingest", str(batch), "--db", str(db))
    found = json.loads(run("articles", "--db", str(db), "--search", "Suspilne", "--json").stdout)
    assert [r["title"] for r in found] == [
        "North Korean Troops Desert Russian Frontline Positions in Ukraine: Reports"
    ]
    assert json.loads(run("articles", "--db", str(db), "--search", "Odesa", "--json").stdout)[0][
        "external_id"
    ] == ("wire-1")
    bad_query = run("articles", "--db", str(db), "--search", '"unbalanced')
    assert bad_query.exit_code in (0, 1) and "Traceback" not in bad_query.output
    csv_text = run("articles", "--db", str(db), "--csv").stdout
    assert csv_text.splitlines()[0].startswith("id,external_id,url")


def test_stdin_and_db_from_environment(tmp_path: Path, fixtures: Path) -> None:
    db = tmp_path / "env.db"
    html = (fixtures / "kharkiv-shelling.html").read_bytes()
    result = run("ingest", "-", env={"WIREWATCH_DB": str(db)}, input=html)
    assert result.exit_code == 0, result.output
    assert db.exists()
    rows = json.loads(run("articles", "--json", env={"WIREWATCH_DB": str(db)}).stdout)
    assert rows[0]["title"] == "Shelling damages power station near Kharkiv, officials say"


def test_mislabelled_utf8_is_recovered_with_a_warning(tmp_path: Path, fixtures: Path) -> None:
    page = (fixtures / "kharkiv-shelling.html").read_text(encoding="utf-8")
    page = page.replace("officials say</title>", "officials say in café</title>").replace(
        "Repair crews", "Café owners and repair crews"
    )
    bad = tmp_path / "mislabelled.html"
    bad.write_bytes(page.encode("cp1252"))  # still declares <meta charset="utf-8">
    result = run("analyze", str(bad), "--json")
    assert result.exit_code == 0, result.output
    art = json.loads(result.stdout)["article"]
    assert "Café owners" in art["text"] and "\ufffd" not in art["text"]
    assert art["encoding"] != "utf-8"


@pytest.mark.slow
def test_two_workers_store_the_same_as_one(tmp_path: Path, batch: Path) -> None:
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    assert run("ingest", str(batch), "--db", str(one)).exit_code == 0
    result = run("ingest", str(batch), "--db", str(two), "--workers", "2")
    assert result.exit_code == 0, result.output
    assert _dump(two) == _dump(one)


def test_text_longer_than_the_model_takes_is_a_clear_error(tmp_path: Path) -> None:
    sentence = "Officials said the shelling of the district continued through the night. "
    big = tmp_path / "dump.txt"
    big.write_text(sentence * 15_000, encoding="utf-8")  # about 1.1 million characters, under the 10 MB cap
    result = run("analyze", str(big))
    assert result.exit_code == 1
    assert "dump.txt" in result.output and "W104" in result.output and "Traceback" not in result.output
