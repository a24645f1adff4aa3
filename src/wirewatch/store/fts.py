"""Full-text queries: what a user types, made safe for SQLite FTS5 ``MATCH``.

A query is first tried as written, so FTS5 syntax works (``Suspilne desert*``, ``"cited by"``, ``a OR b``,
``title:Kyiv``). When FTS5 rejects it (an unbalanced quote, ``Kyiv's``, ``al-Qaeda``), :func:`quote_terms`
turns each whitespace-separated word into a quoted string, keeping a trailing ``*`` as a prefix search.
"""

from __future__ import annotations

__all__ = ["quote_terms"]


def quote_terms(query: str) -> str | None:
    """Each word of ``query`` as an FTS5 string (all must match); ``None`` if no word is left.

    >>> quote_terms('Kyiv\\'s "desert*')
    '"Kyiv\\'s" "desert"*'
    """
    terms: list[str] = []
    for word in query.split():
        prefix = word.endswith("*")
        core = word.strip('"').rstrip("*").strip('"')
        if not core:
            continue
        terms.append('"' + core.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(terms) or None
