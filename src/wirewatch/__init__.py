"""wirewatch: conflict news into an auditable record of who claims what, citing whom, how sure, where
and when.

The library API::

    from wirewatch import analyze, open_store
    analysis = analyze(html_or_text, url=..., published="2024-10-16")  # -> Analysis, docs/data_format.md
    with open_store("wirewatch.db") as store:
        store.articles(search="Suspilne")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Analysis", "Article", "Entity", "RawDocument", "Span", "__version__", "analyze", "open_store"]

if TYPE_CHECKING:
    from wirewatch.pipeline import analyze
    from wirewatch.records import Analysis, Article, Entity, RawDocument, Span
    from wirewatch.store import open_store


def __getattr__(name: str) -> Any:  # lazy: importing wirewatch must not load spaCy
    if name == "analyze":
        from wirewatch.pipeline import analyze

        return analyze
    if name == "open_store":
        from wirewatch.store import open_store

        return open_store
    if name in {"Analysis", "Article", "Entity", "RawDocument", "Span"}:
        from wirewatch import records

        return getattr(records, name)
    raise AttributeError(f"module 'wirewatch' has no attribute {name!r}")
