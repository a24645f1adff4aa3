"""The ingest stage: inputs in, clean articles out.

Two entry points, split so the cheap part runs in the main process and the costly part in workers:

- :func:`read_sources` (main process, I/O): files, directories, stdin, URLs, feeds and JSONL become
  :class:`~wirewatch.records.RawDocument` values, or :class:`InputFailure` for inputs that can't be read;
- :func:`extract` (pure, in workers): one RawDocument becomes one :class:`~wirewatch.records.Article` with
  clean body text, title, date, authors, outlet, language, encoding and a stable id.
"""

from wirewatch.ingest.extract import extract
from wirewatch.ingest.sources import InputFailure, read_sources

__all__ = ["InputFailure", "extract", "read_sources"]
