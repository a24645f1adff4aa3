"""JSONL export (one full ``Analysis`` per line) and the atomic file writer the exports share.

JSONL lines are the interchange format of ``docs/data_format.md`` as they are, so ``Analysis.from_dict``
reads each line back, and ``wirewatch ingest`` of a record file is not needed to move them between
databases or tools.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from wirewatch.errors import UsageError
from wirewatch.records import Analysis

__all__ = ["analyses_jsonl", "write_atomic"]


def analyses_jsonl(analyses: Iterable[Analysis]) -> Iterator[str]:
    """Each analysis as one line of JSON (``to_dict``; UTF-8 kept, no NaN), ending with a newline."""
    for analysis in analyses:
        yield json.dumps(analysis.to_dict(), ensure_ascii=False, allow_nan=False) + "\n"


def write_atomic(path: str | os.PathLike[str], chunks: Iterable[str]) -> None:
    """Write text to ``path`` so that it appears whole or not at all: into a temporary file in the same
    folder, flushed to disk, then renamed over ``path``. A folder that does not exist, or a ``path`` that is
    a folder, is a :class:`~wirewatch.errors.UsageError`; on any failure the temporary file is removed and
    an existing ``path`` is left as it was."""
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{target}: is a folder; give a file name for --out")
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(f"{target}: folder {str(folder)!r} does not exist; create it or give another path")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as a plain open() would make it, not mkstemp's 0600
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            for chunk in chunks:
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
