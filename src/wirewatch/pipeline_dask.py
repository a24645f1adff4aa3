"""Ingest on a Dask cluster (``wirewatch ingest --dask local[:N]`` or ``--dask tcp://host:8786``).

The architecture is :func:`wirewatch.pipeline.run_batch`'s, with Dask workers in place of the process pool:

* this (client) process reads the inputs as a stream, skips those whose raw bytes are already stored before
  any work is sent (so a re-run resumes), and is the only writer: each article is stored in its own
  transaction (``Store.save_analysis`` / ``save_failure``), as it is without Dask;
* a Dask worker runs :func:`wirewatch.pipeline.analyze_batch` on a batch of ``NLP_BATCH`` inputs; the spaCy
  model and the gazetteer are loaded once per worker process by :class:`WarmPipeline`, a
  ``distributed.WorkerPlugin`` whose ``setup`` fills the per-process caches (``nlp.load``,
  ``geo.stage.open_default``) that ``analyze_batch`` reads, so no task ships a model;
* backpressure: at most ``window`` batches (default 2 × the cluster's threads) are submitted and not yet
  stored; ``distributed.as_completed`` wakes the client as they finish. Results are stored in input order
  (as with the process pool, so of two inputs with one canonical URL the later one stays), so memory stays
  flat whatever the input size;
* a worker that dies mid-batch (killed, out of memory) is replaced by its nanny and the scheduler runs its
  tasks again elsewhere; a batch that kills workers repeatedly (``distributed.scheduler.allowed-failures``)
  fails its inputs with a one-line error and the run goes on. Nothing is stored twice: results are stored
  only by this process, once per input.
"""

# mypy: disable-error-code="no-untyped-call"
# (distributed's API is untyped)

from __future__ import annotations

import contextlib
import logging
import os
import re
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from distributed import Client, WorkerPlugin

from wirewatch.errors import ClusterError, UsageError, WirewatchError
from wirewatch.pipeline import NLP_BATCH, Analyser, _chunks, _results, analyze_batch
from wirewatch.records import Analysis, RawDocument
from wirewatch.settings import Settings

__all__ = ["DaskTarget", "WarmPipeline", "dask_analyser", "dask_client", "parse_target"]

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 10
"""Seconds to wait for a remote scheduler before giving up with a one-line error."""

_LOCAL = re.compile(r"local(?::(\d+))?")
_REMOTE = re.compile(r"(tcp|tls)://[^\s/:]+(:\d+)?/?")


@dataclass(frozen=True, slots=True)
class DaskTarget:
    """Where to analyse: a cluster started here (``local``, ``workers`` processes) or a scheduler address."""

    address: str | None = None
    workers: int | None = None

    @property
    def local(self) -> bool:
        return self.address is None


def parse_target(value: str) -> DaskTarget:
    """``local``, ``local:N`` or ``tcp://host[:port]`` (or ``tls://``); else raises :class:`UsageError`."""
    value = value.strip()
    if m := _LOCAL.fullmatch(value):
        workers = int(m.group(1)) if m.group(1) else os.cpu_count() or 1
        if workers < 1:
            raise UsageError(f"{value!r}: the number of local workers must be at least 1")
        return DaskTarget(workers=workers)
    if _REMOTE.fullmatch(value):
        return DaskTarget(address=value.rstrip("/"))
    raise UsageError(
        f"{value!r} is not local, local:N (N worker processes) or a scheduler address tcp://HOST:8786"
    )


def warm(settings: Settings) -> None:
    """Load what :func:`analyze_batch` needs into this process's caches: the spaCy model, the gazetteer."""
    from wirewatch import nlp

    nlp.load(settings.spacy_model)
    if "geo" in settings.stage_set:
        from wirewatch.geo import stage as geo_stage

        geo_stage.open_default(settings, progress=False)


class WarmPipeline(WorkerPlugin):
    """Loads the spaCy model and the gazetteer once per worker process, as the worker starts (and again in
    a worker that replaces a dead one). A model that fails to load is logged; the tasks then fail with the
    pipeline's own one-line error (e.g. W501)."""

    name = "wirewatch-warm-pipeline"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def setup(self, worker: Any) -> None:
        try:
            warm(self.settings)
        except WirewatchError as e:
            log.error("wirewatch worker could not load the pipeline: %s", e)


@contextlib.contextmanager
def dask_client(target: DaskTarget | str, settings: Settings) -> Iterator[Client]:
    """A client on a new LocalCluster (closed at the end) or on a running scheduler, with the pipeline
    warmed on every worker. Raises :class:`ClusterError` (one line) when the scheduler can't be reached."""
    from distributed import LocalCluster

    if isinstance(target, str):
        target = parse_target(target)
    # distributed logs every start, stop and connection at INFO: show them only when wirewatch logs INFO
    logging.getLogger("distributed").setLevel(max(logging.getLogger().getEffectiveLevel(), logging.INFO))
    with contextlib.ExitStack() as stack:
        try:
            if target.local:
                cluster = stack.enter_context(
                    LocalCluster(
                        n_workers=target.workers,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=":0",  # a free port: never clash with another cluster
                        silence_logs=logging.ERROR,
                    )
                )
                client = stack.enter_context(Client(cluster, set_as_default=False))
            else:
                client = stack.enter_context(
                    Client(target.address, timeout=CONNECT_TIMEOUT, set_as_default=False)
                )
        except (OSError, TimeoutError) as e:
            where = target.address or f"a local cluster of {target.workers} workers"
            detail = " ".join(str(e).split()) or type(e).__name__
            raise ClusterError(f"cannot reach the Dask scheduler at {where}: {detail}") from e
        try:
            client.register_plugin(WarmPipeline(settings))
        except Exception as e:  # e.g. a worker without wirewatch installed can't unpickle the plugin
            detail = " ".join(str(e).split()) or type(e).__name__
            raise ClusterError(
                f"the Dask workers could not set up wirewatch (is this wirewatch version installed on every "
                f"worker?): {type(e).__name__}: {detail}"
            ) from e
        if not client.nthreads():
            log.warning("the Dask scheduler has no workers yet: the batch waits until one joins")
        yield client


def dask_analyser(client: Client, settings: Settings, *, window: int | None = None) -> Analyser:
    """An ``analyser`` for :func:`wirewatch.pipeline.run_batch` that runs the batches on ``client``'s
    workers, keeping at most ``window`` batches (default 2 × the cluster's threads) in flight."""

    def analyses(raws: Iterable[RawDocument]) -> Iterator[tuple[RawDocument, Analysis | WirewatchError]]:
        from distributed import as_completed

        limit = window or max(2 * sum(client.nthreads().values()), 2)
        pending: deque[tuple[list[RawDocument], Any]] = deque()  # submitted, not yet handed back; in order
        finished = as_completed(loop=client.loop)

        def ready() -> Iterator[tuple[RawDocument, Analysis | WirewatchError]]:
            while pending and pending[0][1].done():
                chunk, fut = pending.popleft()
                yield from zip(chunk, _results(fut, chunk), strict=True)
            finished.next_batch(block=False)  # forget finished futures, so their results can be freed

        def drain(until: int) -> Iterator[tuple[RawDocument, Analysis | WirewatchError]]:
            while len(pending) > until:
                if not pending[0][1].done():
                    next(finished)  # blocks until some batch finishes (at least one is in flight)
                yield from ready()

        try:
            for chunk in _chunks(raws, NLP_BATCH):
                key = f"wirewatch-analyze-{uuid.uuid4().hex}"
                fut = client.submit(analyze_batch, chunk, settings, key=key, pure=False)
                pending.append((chunk, fut))
                finished.add(fut)
                yield from ready()
                yield from drain(limit - 1)
            yield from drain(0)
        finally:
            for _, fut in pending:  # interrupted: don't leave work running on a shared cluster
                fut.cancel()
            finished.clear()

    return analyses
