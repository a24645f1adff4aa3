"""Ingest on Dask workers (``--dask``): same stored analyses as in-process, resumable, a bad input fails
alone, a killed worker loses and duplicates nothing. One LocalCluster of 2 workers serves the module."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from wirewatch.cli import main
from wirewatch.pipeline import BatchReport, Outcome, run_batch
from wirewatch.settings import Settings, load_settings
from wirewatch.store import open_store

pytestmark = pytest.mark.slow

TEXTS = [
    "Kyiv. Ukrainian officials said on Monday that Russian forces shelled Kharkiv overnight, according to "
    'the regional governor. "Three people were injured," he said.',
    "Moscow. The Russian defence ministry said its troops had taken a village near Bakhmut. The claim could "
    "not be verified independently.",
    "Odesa. A drone attack damaged port infrastructure in Odesa on Tuesday, the Ukrainian navy said. Nobody "
    "was hurt, officials told reporters.",
    "Kursk. Russian authorities reported that a Ukrainian missile struck an oil depot near Kursk, the "
    "governor wrote on Telegram, citing preliminary information.",
    "Kherson. Residents of Kherson were evacuated after shelling on Wednesday, according to the regional "
    "military administration, which said two buildings burned.",
]


def write_inputs(folder: Path, n: int | None = None, bad: bool = True) -> list[str]:
    """``n`` small texts (the samples above, numbered so each is its own article) plus one binary file."""
    folder.mkdir(parents=True, exist_ok=True)
    count = n or len(TEXTS)
    paths = []
    for i in range(count):
        path = folder / f"t{i:03d}.txt"
        path.write_text(f"{TEXTS[i % len(TEXTS)]} Report number {i}.\n", encoding="utf-8")
        paths.append(str(path))
    if bad:
        path = folder / "bad.txt"
        path.write_bytes(b"\x00\x01\x02 binary \xff\xfe\x00")
        paths.append(str(path))
    return paths


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    from wirewatch.pipeline_dask import DaskTarget, dask_client

    with dask_client(DaskTarget(workers=2), load_settings()) as c:
        yield c


def settings_for(db: Path) -> Settings:
    return dataclasses.replace(load_settings(), db=str(db), workers=1)


def dask_run(client: Any, sources: list[str], db: Path, **kwargs: Any) -> BatchReport:
    from wirewatch.pipeline_dask import dask_analyser

    settings = settings_for(db)
    with open_store(settings.db) as store:
        return run_batch(sources, store, settings, analyser=dask_analyser(client, settings), **kwargs)


def stored(db: Path) -> dict[str, dict[str, Any]]:
    """Every stored analysis, as JSON-able dicts without the producer (same code, same model anyway)."""
    out = {}
    with open_store(str(db)) as store:
        ids = [a["id"] for a in store.articles()]
        for article_id in ids:
            analysis = store.analysis(article_id)
            if analysis is None:  # a failed input: its row
                row = store.article(article_id)
                out[article_id] = {"status": row["status"], "error": row["error"]} if row else {}
                continue
            d = analysis.to_dict()
            d.pop("producer")
            out[article_id] = d
    return out


@pytest.mark.model
def test_dask_stores_what_the_in_process_path_stores(client: Any, tmp_path: Path) -> None:
    sources = write_inputs(tmp_path / "in")
    settings = settings_for(tmp_path / "local.db")
    with open_store(settings.db) as store:
        local = run_batch(sources, store, settings)
    report = dask_run(client, sources, tmp_path / "dask.db")

    assert (
        report.counts == local.counts == {"new": 5, "updated": 0, "unchanged": 0, "skipped": 0, "failed": 1}
    )
    assert [o.name for o in report.outcomes] == sources  # input order, like the process pool
    (bad,) = [o for o in report.outcomes if o.status == "failed"]
    assert bad.name.endswith("bad.txt") and bad.error and "\n" not in bad.error and "[W102]" in bad.error
    assert stored(tmp_path / "dask.db") == stored(tmp_path / "local.db")

    again = dask_run(client, sources, tmp_path / "dask.db")  # resumed: nothing new is analysed or stored
    assert again.counts["unchanged"] == 5 and again.counts["new"] == 0


@pytest.mark.model
def test_stored_inputs_are_skipped_before_any_work_is_sent(
    client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A resumed run sends only the inputs not yet stored (here: none, after a first run)."""
    sources = write_inputs(tmp_path / "in", n=3, bad=False)
    first = dask_run(client, sources, tmp_path / "db.sqlite")
    assert first.counts["new"] == 3
    submitted: list[Any] = []
    real_submit = client.submit
    monkeypatch.setattr(client, "submit", lambda *a, **k: submitted.append(a) or real_submit(*a, **k))
    second = dask_run(client, sources, tmp_path / "db.sqlite")
    assert second.counts["unchanged"] == 3 and second.counts["new"] == 0
    assert submitted == []  # nothing was sent at all


@pytest.mark.model
def test_a_killed_worker_loses_no_article_and_stores_none_twice(client: Any, tmp_path: Path) -> None:
    sources = write_inputs(tmp_path / "in", n=24, bad=False)
    pids: dict[str, int] = client.run(os.getpid)
    victim = sorted(pids.values())[0]
    killed: list[int] = []

    def kill_once(o: Outcome) -> None:
        if not killed:  # after the first stored article, while later batches are in flight
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    db = tmp_path / "db.sqlite"
    report = dask_run(client, sources, db, on_outcome=kill_once)
    assert killed
    assert report.counts["new"] == 24 and report.counts["failed"] == 0
    again = dask_run(client, sources, db)
    assert again.counts["unchanged"] == 24
    with sqlite3.connect(db) as con:
        (articles,) = con.execute("SELECT count(*) FROM articles").fetchone()
        (distinct,) = con.execute("SELECT count(DISTINCT id) FROM articles").fetchone()
    assert articles == distinct == 24
    client.wait_for_workers(2, timeout=60)  # the nanny restarted the killed worker


@pytest.mark.parametrize("value", ["nope", "local:0", "local:x", "ftp://host:8786", "tcp://"])
def test_a_bad_dask_value_is_a_usage_error(tmp_path: Path, value: str) -> None:
    result = CliRunner().invoke(main, ["ingest", "--db", str(tmp_path / "db"), "--dask", value, "x.txt"])
    assert result.exit_code == 2
    assert "--dask" in result.output and "Traceback" not in result.output


def test_dask_and_workers_exclude_each_other(tmp_path: Path) -> None:
    args = ["ingest", "--db", str(tmp_path / "db"), "--dask", "local:1", "--workers", "2", "x.txt"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "exclude each other" in result.output


def test_an_unreachable_scheduler_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wirewatch import pipeline_dask

    monkeypatch.setattr(pipeline_dask, "CONNECT_TIMEOUT", 1)
    (tmp_path / "a.txt").write_text(TEXTS[0], encoding="utf-8")
    args = ["ingest", "--db", str(tmp_path / "db"), "--dask", "tcp://127.0.0.1:9", str(tmp_path / "a.txt")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "[W701]" in lines[0] and "tcp://127.0.0.1:9" in lines[0]


@pytest.mark.model
def test_cli_ingest_with_dask_local(tmp_path: Path) -> None:
    sources = write_inputs(tmp_path / "in", n=2)
    db = str(tmp_path / "db.sqlite")
    result = CliRunner().invoke(main, ["ingest", "--db", db, "--dask", "local:1", "-q", *sources])
    assert result.exit_code == 0, result.output
    assert "2 new, 1 failed" in result.output
    assert "linked 2 articles" in result.output  # --dask links after the analysis, unless --no-link
    with open_store(db) as store:
        assert all(store.story_of(a["id"]) is not None for a in store.articles(status="ok"))


def _count_articles(url: str) -> int:
    with open_store(url) as store:
        return int(store.counts()["articles"])


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "db.sqlite")
        return
    from tests.store.conftest import postgres_schema

    with postgres_schema() as url:
        yield url


@pytest.mark.model
def test_a_killed_writer_loses_no_article_and_stores_none_twice(db_url: str, tmp_path: Path) -> None:
    """``wirewatch ingest --dask`` is killed (SIGKILL) once some articles are stored; the same command run
    again stores the rest, each input once."""
    import subprocess
    import sys
    import time

    n = 30
    sources = write_inputs(tmp_path / "in", n=n, bad=False)
    command = [sys.executable, "-m", "wirewatch", "ingest", "--db", db_url, "--dask", "local:1", "-q"]
    proc = subprocess.Popen(
        [*command, str(tmp_path / "in")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its Dask workers too, to clean up after the kill
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if _count_articles(db_url) >= 4:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)  # the writer only: its workers are left running, as in a crash
        proc.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    before = _count_articles(db_url)
    assert 4 <= before < n

    again = subprocess.run(
        [*command, "--json", str(tmp_path / "in")], capture_output=True, text=True, timeout=180
    )
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout.strip().splitlines()[-1])
    assert summary["summary"]["unchanged"] == before and summary["summary"]["new"] == n - before
    with open_store(db_url) as store:
        ids = [a["id"] for a in store.articles(limit=n + 10)]
    assert len(ids) == len(set(ids)) == n
    assert len(sources) == n


class _Cluster:
    """A scheduler and one worker started by hand, as on a real cluster (``dask scheduler``, ``dask
    worker``), in processes of their own that the test can kill."""

    def __init__(self, folder: Path) -> None:
        import subprocess
        import sys
        import time

        folder.mkdir(parents=True, exist_ok=True)
        self.file = folder / f"scheduler-{time.monotonic_ns()}.json"
        common = ["--no-dashboard"]
        self.scheduler = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--port", "0", "--scheduler-file",
             str(self.file), *common],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not self.file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert self.file.exists(), "the scheduler did not start"
        self.address = json.loads(self.file.read_text())["address"]
        self.worker = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", "--nthreads", "1", "--scheduler-file",
             str(self.file), *common],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def kill_scheduler(self) -> None:
        self.scheduler.kill()
        self.scheduler.wait(timeout=30)

    def close(self) -> None:
        for proc in (self.worker, self.scheduler):
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait(timeout=30)


@pytest.mark.model
def test_a_lost_scheduler_stops_the_run_with_one_line_error_and_a_rerun_resumes(tmp_path: Path) -> None:
    from wirewatch.errors import ClusterError
    from wirewatch.pipeline_dask import dask_analyser, dask_client

    n = 16
    sources = write_inputs(tmp_path / "in", n=n, bad=False)
    db = tmp_path / "db.sqlite"
    settings = settings_for(db)
    cluster = _Cluster(tmp_path / "cluster")
    try:
        with dask_client(cluster.address, settings) as client:
            client.wait_for_workers(1, timeout=60)

            def kill_scheduler(o: Outcome) -> None:
                if cluster.scheduler.poll() is None:  # after the first stored article
                    cluster.kill_scheduler()

            with open_store(settings.db) as store, pytest.raises(ClusterError) as err:
                run_batch(
                    sources,
                    store,
                    settings,
                    analyser=dask_analyser(client, settings),
                    on_outcome=kill_scheduler,
                )
    finally:
        cluster.close()
    message = str(err.value)
    assert "\n" not in message and "[W701]" in message and cluster.address in message
    assert "run again resumes" in message
    with open_store(settings.db) as store:
        counts = store.counts()
    stored = counts["articles"]
    assert 1 <= stored < n and counts["failed"] == 0  # nothing was stored as failed for the cluster's fault

    again = _Cluster(tmp_path / "cluster2")
    try:
        with dask_client(again.address, settings) as client:
            client.wait_for_workers(1, timeout=60)
            report = dask_run(client, sources, db)
    finally:
        again.close()
    assert report.counts["unchanged"] == stored and report.counts["new"] == n - stored
    with sqlite3.connect(db) as con:
        (articles,) = con.execute("SELECT count(*) FROM articles").fetchone()
    assert articles == n
