"""Background ingests for the web app's form: one worker thread, so that a page answers at once and the
analyses run one after the other (the spaCy model is loaded once, by the first job)."""

from __future__ import annotations

import gc
import re
import shutil
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from wirewatch.errors import WirewatchError
from wirewatch.settings import Settings

__all__ = ["IngestJobs", "Job"]

KEEP = 200
"""How many finished jobs a server remembers."""


@dataclass(slots=True)
class Job:
    id: str
    what: str
    """What was submitted, for people: the URL, the file's name, or the text's title."""
    status: str = "queued"
    """queued | running | done | failed"""
    result: str | None = None
    """new | updated | unchanged | skipped | failed, once done."""
    article: str | None = None
    error: str | None = None
    who: str = "local"
    created: float = field(default_factory=time.time)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _safe_name(name: str) -> str:
    base = re.sub(r"[^\w.-]+", "_", Path(name.replace("\\", "/")).name).strip("._") or "upload"
    return base[:100]


class IngestJobs:
    """Queue ingests of a URL, a pasted text or an uploaded file; :meth:`get` tells how each went."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="wirewatch-ingest")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def submit(
        self,
        *,
        url: str | None = None,
        text: str | None = None,
        file: tuple[str, bytes] | None = None,
        title: str | None = None,
        published: str | None = None,
        outlet: str | None = None,
        who: str = "local",
    ) -> Job:
        what = url or (file[0] if file else None) or title or (text or "")[:60]
        job = Job(id=uuid.uuid4().hex[:12], what=what, who=who)
        with self._lock:
            self._jobs[job.id] = job
            for old in sorted(self._jobs.values(), key=lambda j: j.created)[:-KEEP]:
                self._jobs.pop(old.id, None)
        self._pool.submit(self._run, job, url, text, file, title, published, outlet)
        return job

    def _run(
        self,
        job: Job,
        url: str | None,
        text: str | None,
        file: tuple[str, bytes] | None,
        title: str | None,
        published: str | None,
        outlet: str | None,
    ) -> None:
        from wirewatch.pipeline import run_batch
        from wirewatch.records import RawDocument
        from wirewatch.store import open_store

        job.status = "running"
        folder = tempfile.mkdtemp(prefix="wirewatch-upload-")
        try:
            sources: list[str] = []
            raws = None
            if url:
                sources = [url]
            elif file is not None:
                path = Path(folder) / _safe_name(file[0])
                path.write_bytes(file[1])
                sources = [str(path)]
            else:
                raws = [
                    RawDocument(
                        name=title or "pasted text", data=(text or "").encode("utf-8"), kind="text",
                        title=title, published=published, outlet=outlet,
                    )
                ]  # fmt: skip
            with open_store(self.settings.db, shared=True) as store:
                report = run_batch(
                    sources, store, self.settings, command="serve ingest", published=published,
                    outlet=outlet, raws=raws,
                )  # fmt: skip
            outcome = report.outcomes[0] if report.outcomes else None
            if outcome is None:
                job.status, job.error = "failed", "nothing was read from this input"
            else:
                job.result, job.article, job.error = outcome.status, outcome.article_id, outcome.error
                job.status = "failed" if outcome.status == "failed" else "done"
        except WirewatchError as e:
            job.status, job.error = "failed", str(e)
        except Exception as e:  # a job must end, whatever broke; the server goes on
            job.status, job.error = "failed", f"{type(e).__name__}: {e}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            # the model and gazetteer the first job loaded stay for the server's life: freeze them too, so
            # that the collector stops walking them during requests
            gc.collect()
            gc.freeze()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
