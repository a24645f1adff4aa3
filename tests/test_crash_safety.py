"""A killed ingest, then a re-run, gives the same database as one clean run (issue #3).

The pages come from a server on 127.0.0.1 (so the run needs --allow-private); one page hangs until the test
kills the ingest with SIGKILL, which stops it mid-batch with some articles stored and others in flight.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from wirewatch.pipeline import NLP_BATCH

pytestmark = [pytest.mark.model, pytest.mark.slow]

N_PAGES = 12
HANG_AT = 10  # after the first batch of NLP_BATCH (8) pages has been stored


def page(i: int) -> bytes:
    paras = "".join(
        f"<p>Report {i}, paragraph {k}: officials in the region said that air defence units shot down "
        f"{i + k} drones overnight, and that debris damaged {k + 2} houses in village number {i * 7 + k}.</p>"
        for k in range(4)
    )
    return (
        f"<html><head><title>Drone attack report {i}</title></head><body><article><h1>Drone attack "
        f"report {i}</h1>{paras}</article></body></html>"
    ).encode()


class Server:
    def __init__(self) -> None:
        self.release = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                i = int(self.path.strip("/").split("-")[-1])
                if i == HANG_AT:
                    outer.release.wait(timeout=60)
                body = page(i)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def urls(self) -> list[str]:
        port = self.httpd.server_address[1]
        return [f"http://127.0.0.1:{port}/page-{i}" for i in range(1, N_PAGES + 1)]

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()


@pytest.fixture()
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


def ingest_cmd(db: Path, urls: list[str]) -> list[str]:
    return [sys.executable, "-m", "wirewatch", "ingest", *urls, "--db", str(db), "--allow-private", "--quiet"]


def count_articles(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def dump(db: Path) -> dict[str, Any]:
    con = sqlite3.connect(db)
    try:
        return {
            "articles": con.execute(
                "SELECT id, url, title, status, text, text_sha256, analysis, raw_sha256 "
                "FROM articles ORDER BY id"
            ).fetchall(),
            "entities": con.execute("SELECT * FROM entities ORDER BY article_id, seq").fetchall(),
            "raw_blobs": con.execute("SELECT sha256, data FROM raw_blobs ORDER BY sha256").fetchall(),
            "fts": con.execute(
                "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'drone'"
            ).fetchone(),
            "integrity": con.execute("PRAGMA integrity_check").fetchone(),
        }
    finally:
        con.close()


def test_killed_ingest_then_rerun_equals_one_clean_run(tmp_path: Path, server: Server) -> None:
    killed_db = tmp_path / "killed.db"
    proc = subprocess.Popen(
        ingest_cmd(killed_db, server.urls), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 90
    while count_articles(killed_db) < NLP_BATCH:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "ingest stored nothing in 90 s"
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = count_articles(killed_db)
    assert NLP_BATCH <= partial < N_PAGES  # killed mid-batch

    server.release.set()
    rerun = subprocess.run(ingest_cmd(killed_db, server.urls), capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    clean_db = tmp_path / "clean.db"
    clean = subprocess.run(ingest_cmd(clean_db, server.urls), capture_output=True, text=True, check=False)
    assert clean.returncode == 0, clean.stderr

    got, want = dump(killed_db), dump(clean_db)
    assert len(want["articles"]) == N_PAGES
    assert got == want
