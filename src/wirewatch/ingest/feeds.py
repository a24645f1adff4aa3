"""RSS and Atom feeds: recognise them and turn their items into :class:`FeedItem` records.

This module only parses; :mod:`wirewatch.ingest.sources` turns items into ``RawDocument`` records and fetches
the links of items that carry no content of their own. Parsing uses feedparser 6 on the bytes (never on a
string, which feedparser would take for a URL or file name), with HTML sanitising off (the raw item content is
kept; the extractor and the renderers deal with markup) and relative links resolved against the feed's URL.
"""

from __future__ import annotations

import io
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from wirewatch.errors import InputError

__all__ = ["Feed", "FeedItem", "looks_like_feed", "parse_feed"]

log = logging.getLogger(__name__)

_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:rdf)[\s>/]")
_HTML_ROOT = re.compile(rb"<(?:!doctype\s+html|html)[\s>/]")
_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")
_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One item of a feed. ``content`` is the item's own full text, if it carries one, else ``None``."""

    index: int  # 1-based position in the feed
    url: str | None
    title: str | None
    published: str | None  # ISO 8601: YYYY-MM-DD, or a full UTC timestamp when the feed gives a time
    external_id: str | None  # the item's guid / atom:id
    content: bytes | None
    content_kind: str | None  # "html" or "text" when content is set
    summary_only: bool = False  # content is the item's summary/description, not a full body


@dataclass(frozen=True, slots=True)
class Feed:
    title: str | None
    items: tuple[FeedItem, ...]
    version: str  # feedparser's name for the format, e.g. "rss20", "atom10"


def looks_like_feed(data: bytes) -> bool:
    """Does the start of ``data`` look like an RSS, RDF or Atom document (and not like HTML)?"""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    feed = _FEED_ROOT.search(head)
    if feed is None:
        return False
    html = _HTML_ROOT.search(head)
    return html is None or html.start() > feed.start()


def _iso(parsed: Any, raw: Any) -> str | None:
    if not isinstance(parsed, time.struct_time):
        return None
    try:
        dt = datetime(*parsed[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None
    if isinstance(raw, str) and _HAS_TIME.search(raw):
        return dt.isoformat()
    return dt.date().isoformat()


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def _content(entry: Any) -> tuple[bytes, str, bool] | None:
    parts = entry.get("content") or []
    chosen = None
    for part in parts:  # prefer an HTML body over a plain-text alternative
        if _text(part.get("value")) and str(part.get("type", "")).lower() in _HTML_TYPES:
            chosen = part
            break
    if chosen is None:
        chosen = next((p for p in parts if _text(p.get("value"))), None)
    summary = False
    if chosen is None:
        detail = entry.get("summary_detail")
        if not (detail and _text(detail.get("value"))):
            return None
        chosen, summary = detail, True
    kind = "html" if str(chosen.get("type", "")).lower() in _HTML_TYPES else "text"
    return str(chosen["value"]).encode("utf-8"), kind, summary


def parse_feed(data: bytes, *, name: str, base_url: str | None = None) -> Feed:
    """Parse an RSS/Atom document; raise :class:`InputError` (W125) when it is not one.

    A feed that parses with errors but still yields items is accepted (the errors are logged); one that
    yields no items and either failed to parse or was not recognised as a feed is rejected.
    """
    headers = {"content-location": base_url} if base_url else {}
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=False)
    entries = list(parsed.get("entries") or [])
    version = str(parsed.get("version") or "")
    if not entries and (parsed.get("bozo") or not version):
        why = parsed.get("bozo_exception")
        detail = f" ({' '.join(str(why).split())})" if why else ""
        raise InputError(
            f"not a valid RSS/Atom feed{detail}; check that the file or URL is a feed",
            input=name,
            code="W125",
        )
    if parsed.get("bozo"):
        why = parsed.get("bozo_exception")
        log.warning("%s: feed has errors (%s); reading its %d items anyway", name, why, len(entries))
    title = _text(parsed.get("feed", {}).get("title"))
    items = []
    for i, entry in enumerate(entries, 1):
        published = _iso(entry.get("published_parsed"), entry.get("published")) or _iso(
            entry.get("updated_parsed"), entry.get("updated")
        )
        content = _content(entry)
        items.append(
            FeedItem(
                index=i,
                url=_text(entry.get("link")),
                title=_text(entry.get("title")),
                published=published,
                external_id=_text(entry.get("id")),
                content=content[0] if content else None,
                content_kind=content[1] if content else None,
                summary_only=content[2] if content else False,
            )
        )
    return Feed(title=title, items=tuple(items), version=version)
