"""JSON Lines inputs: one article per line, as an object with any of these fields.

========== ==================================================================
field      meaning
========== ==================================================================
id         the user's own id for the article (→ ``RawDocument.external_id``)
url        where it was published; fetched when neither ``html`` nor ``text`` is given
title      headline
published  publication date, as given
outlet     publisher
html       the page's HTML (→ kind ``record``, ``record_format`` ``html``)
text       the article body (→ kind ``record``, ``record_format`` ``text``)
========== ==================================================================

When a line has both ``html`` and ``text``, the ``html`` is read and the ``text`` is ignored. Blank lines are
skipped; every other line that is not such an object is reported as an error named ``file.jsonl:LINE``, and
the lines after it are still read. The file is streamed, so ``max_bytes`` caps each line, not the file.
This module only parses; :mod:`wirewatch.ingest.sources` makes documents and fetches URL-only lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from wirewatch.errors import InputError
from wirewatch.ingest.fetch import human_bytes

__all__ = [
    "FIELDS",
    "JsonlError",
    "JsonlRecord",
    "iter_jsonl",
    "looks_like_jsonl",
    "parse_line",
    "split_lines",
]

FIELDS = ("id", "url", "title", "published", "outlet", "text", "html")


@dataclass(frozen=True, slots=True)
class JsonlRecord:
    """One well-formed line. Empty strings count as absent."""

    name: str  # "file.jsonl:12"
    line: int
    raw: bytes
    external_id: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    text: str | None = None
    html: str | None = None


@dataclass(frozen=True, slots=True)
class JsonlError:
    """One malformed line: its name, the error and the bytes read (``None`` for an over-long line)."""

    name: str
    line: int
    error: InputError
    raw: bytes | None


def split_lines(chunks: Iterable[bytes], *, max_line_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """Split a stream of byte chunks into ``(line number, line)``; a line longer than the cap gives ``None``.

    Line numbers start at 1; the trailing newline (and ``\\r``) is removed. Memory stays within about one
    line plus one chunk.
    """
    buf = bytearray()
    number = 0
    overflow = False
    for chunk in chunks:
        start = 0
        while True:
            nl = chunk.find(b"\n", start)
            piece = chunk[start:] if nl < 0 else chunk[start:nl]
            if not overflow:
                buf += piece
                if len(buf) > max_line_bytes:
                    overflow = True
                    buf.clear()
            if nl < 0:
                break
            number += 1
            yield number, None if overflow else bytes(buf).rstrip(b"\r")
            buf.clear()
            overflow = False
            start = nl + 1
    if buf or overflow:
        number += 1
        yield number, None if overflow else bytes(buf).rstrip(b"\r")


def looks_like_jsonl(data: bytes) -> bool:
    """Is the first non-blank line of ``data`` a JSON object (and so ``data`` likely JSON Lines)?"""
    for line in data[:1_000_000].lstrip(b"\xef\xbb\xbf").splitlines():
        if not line.strip():
            continue
        if not line.lstrip().startswith(b"{"):
            return False
        try:
            return isinstance(json.loads(line), dict)
        except ValueError:
            return False
    return False


def _bad(name: str, message: str) -> InputError:
    return InputError(message, input=name, code="W124")


def parse_line(raw: bytes, *, name: str, line: int = 0) -> JsonlRecord:
    """Parse one non-blank line; raise :class:`InputError` (W124) naming ``name`` when it is malformed."""
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _bad(
            name, f"line is not valid UTF-8 ({e.reason} at byte {e.start}); save the file as UTF-8"
        ) from e
    try:
        obj = json.loads(decoded.lstrip("\ufeff"))
    except ValueError as e:
        raise _bad(name, f"line is not valid JSON ({e}); each line must be one JSON object") from e
    if not isinstance(obj, dict):
        raise _bad(name, f"line is a JSON {type(obj).__name__}, not an object; each line must be one object")
    values: dict[str, str | None] = {}
    for key in FIELDS:
        value = obj.get(key)
        if key == "id" and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if value is not None and not isinstance(value, str):
            raise _bad(name, f"field {key!r} must be a string, not {type(value).__name__}")
        values[key] = value.strip() if key not in ("text", "html") and value else value
    text, html = values["text"], values["html"]
    has_body = bool((text and text.strip()) or (html and html.strip()))
    if not has_body and not values["url"]:
        raise _bad(name, "line has no 'text', 'html' or 'url'; give at least one of them")
    return JsonlRecord(
        name=name,
        line=line,
        raw=raw,
        external_id=values["id"] or None,
        url=values["url"] or None,
        title=values["title"] or None,
        published=values["published"] or None,
        outlet=values["outlet"] or None,
        text=text if text and text.strip() else None,
        html=html if html and html.strip() else None,
    )


def iter_jsonl(
    chunks: Iterable[bytes], *, source: str, max_line_bytes: int
) -> Iterator[JsonlRecord | JsonlError]:
    """Parse a JSON Lines stream named ``source``; yield a record or an error per non-blank line, in order."""
    for number, raw in split_lines(chunks, max_line_bytes=max_line_bytes):
        name = f"{source}:{number}"
        if raw is None:
            error = _bad(
                name,
                f"line is longer than the {human_bytes(max_line_bytes)} cap (max_bytes setting); "
                "raise max_bytes or shorten the line",
            )
            yield JsonlError(name, number, error, None)
            continue
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if not raw.strip():
            continue
        try:
            yield parse_line(raw, name=name, line=number)
        except InputError as e:
            yield JsonlError(name, number, e, raw)
