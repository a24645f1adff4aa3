"""Character spans of the interchange format, shared by the attribution rules and the source namer."""

from __future__ import annotations

from typing import Any

__all__ = ["STRIP", "span", "trim"]

STRIP = " \t\r\n,;:.—–-" + '"“”«»„' + "'‘’()[]"
"""What a span never starts or ends with: whitespace, punctuation and quotation marks."""


def trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Char offsets ``[start, end)`` of ``text`` without the :data:`STRIP` characters around them (never
    cutting inside a word); None when nothing is left."""
    while start < end and text[start] in STRIP:
        start += 1
    while end > start and text[end - 1] in STRIP:
        end -= 1
    return (start, end) if end > start else None


def span(text: str, start: int, end: int) -> dict[str, Any]:
    """The ``Span`` record of ``text[start:end]``."""
    return {"start": start, "end": end, "text": text[start:end]}
