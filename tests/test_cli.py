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


# --- claims (issue #4) -------------------------------------------------------------------------------------


def _claim(aid: str, n: int, content: str, **fields: Any) -> dict[str, Any]:
    """A Claim dict written by hand (the claim rules change; these tests do not depend on them)."""
    span = {"start": 0, "end": len(content), "text": content}
    certainty = {"evidential": "reported", "strength": "unknown", "polarity": "positive", "term": None}
    certainty.update(fields.pop("certainty", {}))
    return {
        "id": f"{aid}:c{n}",
        "content": span,
        "content_parts": [span],
        "cue": {"start": 0, "end": 4, "text": "said"},
        "sources": [],
        "via": [],
        "asked_by": None,
        "quote": "indirect",
        "certainty": {"probability": None, **certainty},
        "kind": "statement",
        "denies": None,
        **fields,
    }


def _src(name: str, kind: str, country: str | None = None) -> dict[str, Any]:
    return {"name": name, "kind": kind, "country": country, "span": None}


@pytest.fixture
def claims_db(tmp_path: Path) -> tuple[str, str, str]:
    """A database with two hand-made articles: A (a relayed claim and its denial), B (a formula-like
    source name, an alleged claim)."""
    from wirewatch.records import Analysis, Article, RawDocument
    from wirewatch.store import open_store

    db = str(tmp_path / "claims.db")
    ids = []
    with open_store(db) as store:
        run_id = store.start_run("ingest", {"wirewatch": "test"}, {})
        for n in (1, 2):
            text = f"Article {n}: officials said soldiers deserted."
            raw = RawDocument(name=f"a{n}.txt", data=text.encode(), kind="text", url=f"https://x.example/{n}")
            aid = f"{n:016x}"
            ids.append(aid)
            if n == 1:
                claims = (
                    _claim(
                        aid,
                        1,
                        "soldiers deserted near Donetsk",
                        sources=[_src("Ukrainian intelligence officials", "intelligence", "UA")],
                        via=[_src("Suspilne", "outlet", "UA"), _src("Kyiv Independent", "outlet", "UA")],
                        certainty={"strength": "probable", "term": "reportedly"},
                    ),
                    _claim(
                        aid,
                        2,
                        "the report",
                        kind="denial",
                        denies=f"{aid}:c1",
                        sources=[_src("Kremlin", "government", "RU")],
                        cue={"start": 0, "end": 6, "text": "denied"},
                        certainty={"strength": "certain", "polarity": "negative"},
                    ),
                )
            else:
                claims = (
                    _claim(
                        aid,
                        1,
                        "-2 drones downed",
                        sources=[_src('=HYPERLINK("http://evil")', "person")],
                        certainty={"evidential": "alleged"},
                        quote="direct",
                    ),
                )
            article = Article(id=aid, text=text, title=f"Report {n}", url=raw.url, language="en")
            analysis = Analysis(article=article, claims=claims, producer={"wirewatch": "test"})
            assert store.save_analysis(analysis, raw, run_id) == "new"
    return db, ids[0], ids[1]


def test_claims_json_is_pure_json_with_article(claims_db: tuple[str, str, str]) -> None:
    db, a, b = claims_db
    result = run("claims", "--db", db, "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["article"], r["id"]) for r in rows] == [(a, f"{a}:c1"), (a, f"{a}:c2"), (b, f"{b}:c1")]
    assert rows[0]["via"][1]["name"] == "Kyiv Independent" and rows[1]["denies"] == f"{a}:c1"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--source", "SUSPILNE"), ["A:c1"]),
        (("--source", "kremlin"), ["A:c2"]),
        (("--kind", "denial"), ["A:c2"]),
        (("--kind", "intelligence"), ["A:c1"]),
        (("--kind", "outlet"), []),  # the outlets are relays, not sources
        (("--evidential", "alleged"), ["B:c1"]),
        (("--denied",), ["A:c1"]),
        (("--article", "B"), ["B:c1"]),
        (("--limit", "2"), ["A:c1", "A:c2"]),
        (("--source", "suspilne", "--evidential", "alleged"), []),
    ],
)
def test_claims_filters(claims_db: tuple[str, str, str], args: tuple[str, ...], expected: list[str]) -> None:
    db, a, b = claims_db
    args = tuple(b if x == "B" else x for x in args)
    result = run("claims", "--db", db, "--json", *args)
    assert result.exit_code == 0, result.output
    got = [r["id"].replace(a, "A").replace(b, "B") for r in json.loads(result.stdout)]
    assert got == expected


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--kind", "rumour"), ("'rumour'", "statement", "no_comment", "outlet", "intelligence")),
        (("--evidential", "sure"), ("'sure'", "asserted", "speculated")),
    ],
)
def test_claims_bad_filter_is_a_one_line_usage_error(
    tmp_path: Path, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    db = tmp_path / "never.db"
    result = run("claims", "--db", str(db), *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert all(w in lines[0] for w in words)
    assert not db.exists()  # checked before the database is opened (or created)


def test_claims_unknown_article_is_an_error(claims_db: tuple[str, str, str]) -> None:
    result = run("claims", "--db", claims_db[0], "--article", "ffffffffffff")
    assert result.exit_code == 1 and "no such article" in result.stderr


def test_claims_csv_is_flat_and_formula_safe(claims_db: tuple[str, str, str]) -> None:
    import csv
    import io

    db, a, _ = claims_db
    result = run("claims", "--db", db, "--csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == [
        "article", "id", "kind", "sources", "source_kinds", "via", "cue", "evidential", "strength",
        "polarity", "term", "quote", "denies", "content",
    ]  # fmt: skip
    first, denial, formula = rows
    assert (
        first["via"] == "Suspilne → Kyiv Independent"
        and first["sources"] == "Ukrainian intelligence officials"
    )
    assert first["source_kinds"] == "intelligence" and first["term"] == "reportedly" and first["article"] == a
    assert denial["denies"] == f"{a}:c1" and denial["polarity"] == "negative" and denial["cue"] == "denied"
    assert formula["sources"] == '\'=HYPERLINK("http://evil")' and formula["content"] == "'-2 drones downed"
    assert formula["quote"] == "direct"
    assert run("claims", "--db", db, "--csv", "--json").exit_code == 2


def test_claims_table_and_show_say_who_said_what(claims_db: tuple[str, str, str]) -> None:
    db, a, _ = claims_db
    table = run("claims", "--db", db)
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[0] == f"  {a}:c1"
    words = " ".join(table.stdout.split())
    chain = (
        "Ukrainian intelligence officials [intelligence, UA] → via Suspilne [outlet, UA] → Kyiv Independent"
    )
    assert chain in words
    assert f"DENIAL of {a}:c1" in words and "reported/probable/positive “reportedly”" in words
    assert words.endswith("3 claims")
    assert run("claims", "--db", db, "--source", "nobody").stdout == "no claims\n"

    shown = run("show", a, "--db", db)
    assert shown.exit_code == 0, shown.output
    words = " ".join(shown.stdout.split())
    assert "Who said what (2 claims)" in words
    assert "c2 Kremlin [government, RU]" in words and "DENIAL of c1" in words
    assert "“soldiers deserted near Donetsk”" in words and "cue “denied”" in words
    as_json = json.loads(run("show", a, "--db", db, "--json").stdout)
    assert set(as_json) == {"article", "entities", "claims", "places", "events", "producer", "skipped"}
    assert [c["id"] for c in as_json["claims"]] == [f"{a}:c1", f"{a}:c2"]  # the Analysis, unchanged


def test_who_said_what_escapes_control_characters() -> None:
    from wirewatch.render import who_said_what

    evil = _claim("x", 1, "boom\x1b[2J\nnext line", sources=[_src("Bad\x1b]0;title\x07Actor", "person")])
    text = who_said_what([evil])
    assert "\x1b" not in text and "\x07" not in text
    assert "boom [2J next line" in text and "Bad ]0;title Actor [person]" in text


def test_ingest_lists_the_first_20_stored_and_counts_the_rest(tmp_path: Path) -> None:
    records = tmp_path / "wire.jsonl"
    lines = [
        json.dumps(
            {"id": f"w{i}", "title": f"Report {i}", "text": f"Officials in Kyiv said drones hit depot {i}."}
        )
        for i in range(23)
    ]
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("ingest", str(records), "--db", str(tmp_path / "w.db"), "-q")
    assert result.exit_code == 0, result.output
    listed = [line for line in result.stdout.splitlines() if line.startswith("  new ")]
    assert [line.rsplit(" ", 1)[-1] for line in listed] == [str(i) for i in range(20)]
    assert "  … and 3 more (wirewatch articles" in result.stdout
    assert "23 inputs in" in result.stdout and "23 new, 0 failed" in result.stdout


def test_ingest_link_links_the_new_weeks_and_only_when_something_was_stored(tmp_path: Path) -> None:
    db = str(tmp_path / "w.db")
    result = run("ingest", "--example", "--db", db, "--link", "-q")
    assert result.exit_code == 0, result.output
    assert "linked 1 articles in 1 block(s): 1 stories" in result.stderr
    (story,) = json.loads(run("stories", "--db", db, "--json").stdout)
    assert len(story["articles"]) == 1
    again = run("ingest", "--example", "--db", db, "--link", "-q")  # unchanged: nothing to link
    assert again.exit_code == 0 and "linked" not in again.stderr
    plain = run("ingest", "--example", "--db", str(tmp_path / "plain.db"), "-q")  # off without --dask
    assert "linked" not in plain.stderr
    assert json.loads(run("stories", "--db", str(tmp_path / "plain.db"), "--json").stdout) == []
