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

import dask
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


# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
TRIM_THRESHOLD = 128 << 20
"""Free memory glibc keeps at the top of a worker's heap before giving it back to the system (bytes)."""
MMAP_THRESHOLD = 32 << 20
"""Allocations from this size up are mapped and unmapped one by one (bytes; 32 MiB is glibc's maximum)."""


def tune_malloc() -> bool:
    """Undo the Dask nanny's ``MALLOC_TRIM_THRESHOLD_=65536`` in this worker process.

    The nanny starts every worker with that variable (``distributed.nanny.pre-spawn-environ``) so that
    workers holding arrays give freed memory back quickly. Setting it also freezes glibc's mmap threshold at
    128 KiB, so spaCy's arrays are mapped and unmapped on every document, and the heap is trimmed after most
    frees: measured here, the pipeline ran 1.33× slower in such a process than in a plain one. The pipeline
    frees everything it allocates between documents, so large thresholds cost no memory growth. Returns
    False where there is no glibc (the variable does nothing there either).
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name or not os.environ.get("MALLOC_TRIM_THRESHOLD_"):
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)) and bool(
        mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
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
        tune_malloc()
        try:
            warm(self.settings)
        except WirewatchError as e:
            log.error("wirewatch worker could not load the pipeline: %s", e)


LOCAL_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.tick.interval": "200ms",
    "distributed.diagnostics.nvml": False,
}
"""Dask settings for a cluster started here. Dask's defaults suit interactive work: each worker samples its
task thread's stack every 10 ms for the dashboard's profile, polls its memory every 100 ms and its system
every 500 ms, all under the GIL. With one CPU-bound task thread per worker those cost the analysis time
(measured: a worker's event-loop thread used 7% of a core). docs/scale.md shows how to set the same on
workers started by hand (``DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False`` ...)."""


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
                # for the cluster's lifetime: a nanny passes the settings to a worker it restarts, too
                stack.enter_context(dask.config.set(LOCAL_CONFIG))
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


def dask_analyser(
    client: Client, settings: Settings, *, window: int | None = None, hold: int | None = None
) -> Analyser:
    """An ``analyser`` for :func:`wirewatch.pipeline.run_batch` that runs the batches on ``client``'s
    workers: at most ``window`` batches (default 2 × the cluster's threads) submitted and not finished, and at
    most ``hold`` (default 4 × ``window``) submitted and not yet handed back.

    Results are handed back in input order. A slow batch at the head therefore holds back those finished after
    it; ``hold`` > ``window`` lets the workers go on meanwhile (with ``hold == window`` they would sit idle
    until the head finished)."""

    def analyses(raws: Iterable[RawDocument]) -> Iterator[tuple[RawDocument, Analysis | WirewatchError]]:
        from distributed import as_completed

        where = client.scheduler.address if client.scheduler is not None else "?"
        limit = window or max(2 * sum(client.nthreads().values()), 2)
        most = max(hold or 4 * limit, limit)
        pending: deque[tuple[list[RawDocument], Any]] = deque()  # submitted, not yet handed back; in order
        finished = as_completed(loop=client.loop)

        def ready() -> Iterator[tuple[RawDocument, Analysis | WirewatchError]]:
            # First forget the finished futures (so their results can be freed once handed back): any batch
            # that finishes from here on is queued in ``finished``, so ``drain`` never waits for nothing.
            finished.next_batch(block=False)
            while pending and pending[0][1].done():
                if pending[0][1].status == "cancelled":  # only the client cancels: it lost the scheduler
                    raise lost()
                chunk, fut = pending.popleft()
                yield from zip(chunk, _results(fut, chunk), strict=True)

        def full(running: int, held: int) -> bool:
            return sum(not fut.done() for _, fut in pending) >= running or len(pending) >= held

        def drain(running: int, held: int) -> Iterator[tuple[RawDocument, Analysis | WirewatchError]]:
            yield from ready()
            while pending and full(running, held):
                next(finished)  # blocks until some batch finishes (the head at least is in flight)
                yield from ready()

        def lost() -> ClusterError:
            waiting = sum(len(chunk) for chunk, _ in pending)
            return ClusterError(
                f"lost the Dask scheduler at {where}: {waiting} input(s) in flight were not analysed; every "
                "article handed back is stored, so the same command run again resumes"
            )

        try:
            for chunk in _chunks(raws, NLP_BATCH):
                if client.status not in ("running", "newly-created"):
                    raise lost()
                key = f"wirewatch-analyze-{uuid.uuid4().hex}"
                fut = client.submit(analyze_batch, chunk, settings, key=key, pure=False)
                pending.append((chunk, fut))
                finished.add(fut)
                yield from drain(limit, most)
            yield from drain(0, 0)
        finally:
            for _, fut in pending:  # interrupted: don't leave work running on a shared cluster
                fut.cancel()
            finished.clear()

    return analyses
