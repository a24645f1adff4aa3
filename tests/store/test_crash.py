"""Crash safety: a process killed with SIGKILL in the middle of a save leaves no partial article.

A child process saves N articles; at article ``HANG`` it stops inside the transaction (after the article
row, before or after its entities) and says so; the test kills it with SIGKILL. Reopening must show only
whole articles, and running the same saves again must give the same content as a run that never crashed.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from wirewatch.store import open_store

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

N = 8
HANG = 5

CHILD = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from conftest import PRODUCER, make_analysis
from wirewatch.errors import ExtractionError
from wirewatch.store import SqliteStore, open_store

db, n, hang, where = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
original = SqliteStore._insert_entities

def insert_entities(conn, analysis):
    if analysis.article.id == target:
        if where == "before_entities":
            print("HANG", flush=True); time.sleep(60)
        original(conn, analysis)
        print("HANG", flush=True); time.sleep(60)
    original(conn, analysis)

SqliteStore._insert_entities = staticmethod(insert_entities)
target = None
with open_store(db) as store:
    run = store.start_run("ingest", PRODUCER, {})
    for i in range(n):
        analysis, raw = make_analysis(i, title=f"Report {i} token{i}")
        if i == hang:
            target = analysis.article.id
        store.save_analysis(analysis, raw, run)
        if i % 3 == 0:
            store.save_failure(f"bad{i}.html", ExtractionError("no text"), f"<p>{i}".encode(), run)
    store.finish_run(run, {"new": n})
print("DONE", flush=True)
"""


def _child(db: Path, hang: int, where: str = "none") -> subprocess.Popen[str]:
    here = str(Path(__file__).parent)
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, here, str(db), str(N), str(hang), where],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run_to_end(db: Path) -> None:
    proc = _child(db, -1)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out.strip() == "DONE"


IGNORED = {"ingested_at", "updated_at", "run_id", "stored_at", "created_at", "applied_at"}


def canonical_dump(db: Path) -> dict[str, Any]:
    """Every table's rows without timestamps and run ids, sorted; errors as a set (they are a log)."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    dump: dict[str, Any] = {}
    for table in ("articles", "raw_blobs", "entities", "schema_migrations", "errors"):
        rows = []
        for row in conn.execute(f"SELECT * FROM {table}"):
            skip = IGNORED | ({"id"} if table == "errors" else set())
            d = {k: row[k] for k in row.keys() if k not in skip}  # noqa: SIM118 (sqlite3.Row)
            rows.append(json.dumps(d, sort_keys=True, default=lambda b: bytes(b).hex()))
        dump[table] = sorted(set(rows)) if table == "errors" else sorted(rows)
    for word in ("Suspilne", "Report", "token5"):
        dump[f"fts:{word}"] = sorted(
            r[0]
            for r in conn.execute(
                "SELECT a.id FROM articles a JOIN articles_fts f ON f.rowid = a.rowid "
                "WHERE articles_fts MATCH ?",
                (word,),
            )
        )
    conn.close()
    return dump


def check_whole(db: Path) -> int:
    """Assert the database holds only whole articles; return how many there are."""
    with open_store(str(db)) as store:
        conn = store.connection  # type: ignore[attr-defined]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
        rows = conn.execute("SELECT id, status, analysis FROM articles").fetchall()
        indexed = conn.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0]
        assert indexed == len(rows)
        for row in rows:
            have = conn.execute("SELECT count(*) FROM entities WHERE article_id = ?", (row[0],)).fetchone()[0]
            want = len(json.loads(row[2])["entities"]) if row[2] else 0
            assert have == want, row[0]
            if row[1] != "failed":
                assert conn.execute(
                    "SELECT 1 FROM raw_blobs b JOIN articles a ON a.raw_sha256 = b.sha256 WHERE a.id = ?",
                    (row[0],),
                ).fetchone()
        return sum(1 for r in rows if r[1] == "ok")


@pytest.mark.parametrize("where", ["before_entities", "after_entities"])
def test_sigkill_mid_save_leaves_no_partial_article(tmp_path: Path, where: str) -> None:
    crashed = tmp_path / "crashed.db"
    proc = _child(crashed, HANG, where)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "HANG", proc.stderr.read() if proc.stderr else ""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    assert check_whole(crashed) == HANG  # articles 0..HANG-1, nothing of article HANG

    _run_to_end(crashed)  # the same saves again, to the end
    clean = tmp_path / "clean.db"
    _run_to_end(clean)
    assert check_whole(crashed) == N
    assert canonical_dump(crashed) == canonical_dump(clean)
