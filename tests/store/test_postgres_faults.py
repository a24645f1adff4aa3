"""PostgreSQL going away mid-run: every connection of the store is dropped (``pg_terminate_backend``, what a
server restart does to its clients) while articles are being saved. No article is lost and none is stored
twice: a method whose connection broke is run again on a fresh connection."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from tests.store.conftest import PRODUCER, make_analysis, postgres_schema, postgres_url

from wirewatch.errors import StoreError
from wirewatch.store import open_store

pytestmark = pytest.mark.postgres


def with_app_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), ("application_name", name)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def terminate(app: str) -> int:
    """Drop every server connection of application ``app``; how many there were."""
    import psycopg

    with psycopg.connect(postgres_url(), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", (app,)
        ).fetchall()
    return len(rows)


@pytest.fixture
def url() -> Iterator[str]:
    with postgres_schema() as schema_url:
        yield schema_url


def test_dropped_connections_lose_and_duplicate_nothing(url: str, caplog: pytest.LogCaptureFixture) -> None:
    app = f"ww-fault-{uuid.uuid4().hex[:8]}"
    n = 200
    stop = threading.Event()
    dropped: list[int] = []

    def killer() -> None:  # drops all the store's connections, as a restart does, 8 times while it saves
        while len(dropped) < 8 and not stop.wait(0.15):
            dropped.append(terminate(app))

    statuses = []
    with open_store(with_app_name(url, app)) as store:
        run = store.start_run("ingest", PRODUCER, {})
        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        try:
            for i in range(n):
                analysis, raw = make_analysis(i)
                if store.known_raw(raw) is None:
                    statuses.append(store.save_analysis(analysis, raw, run))
        finally:
            stop.set()
            thread.join()
        store.finish_run(run, {"new": n})
        assert len(dropped) == 8 and sum(dropped) >= 8  # every drop hit a connection while the saves ran
        retried = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
        assert retried and all("connection" in m for m in retried)  # each retry was for a lost connection
        (count, distinct) = store.connection.execute(  # type: ignore[attr-defined]
            "SELECT count(*), count(DISTINCT id) FROM articles"
        ).fetchone()
        assert count == distinct == n
        ids = {make_analysis(i)[0].article.id for i in range(n)}
        assert {a["id"] for a in store.articles(limit=n + 10)} == ids
        # a save whose COMMIT's answer was lost is run again and finds the article: "unchanged", never twice
        assert set(statuses) <= {"new", "unchanged"} and len(statuses) == n
        (finished,) = store.connection.execute(  # type: ignore[attr-defined]
            "SELECT count(*) FROM runs WHERE finished_at IS NOT NULL"
        ).fetchone()
        assert finished == 1


def test_a_server_gone_for_good_is_one_store_error(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from wirewatch.store import postgres

    monkeypatch.setattr(postgres, "RETRY_DELAYS", (0.01, 0.01))
    with open_store(url) as store:
        pool: Any = store.pool  # type: ignore[attr-defined]
        pool.close()  # no connection can be had any more: as a server that never comes back
        analysis, raw = make_analysis(1)
        started = time.monotonic()
        with pytest.raises(StoreError) as err:
            store.save_analysis(analysis, raw, 1)
        assert time.monotonic() - started < 20
    assert "\n" not in str(err.value) and "[W400]" in str(err.value)
