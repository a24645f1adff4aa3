"""Stable article identity: canonical URLs, normalised text, and the article id built from them.

An article's id is :func:`wirewatch.records.article_id_for` of its canonical URL when one is known (the
URL the input gave, else the page's own canonical link), else of its normalised body text. So the same
page fetched twice, or linked with tracking parameters, gets the same id.

:func:`canonical_url` is deliberately simple, so that it never merges two different pages:

- scheme and host are lower-cased; default ports (``:80`` for http, ``:443`` for https) are dropped;
- the fragment (``#...``) is dropped;
- tracking parameters are dropped: ``utm_*``, ``fbclid``, ``gclid`` (plus ``dclid``, ``msclkid``,
  ``mc_cid``, ``mc_eid``, ``igshid``); other parameters keep their order and spelling;
- an empty path becomes ``/``; the path is otherwise kept as written (no trailing-slash or
  ``index.html`` rewriting, no percent-encoding changes: servers differ on those);
- a string without a scheme and host (not an absolute URL) is returned stripped, unchanged.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import SplitResult, unquote_plus, urlsplit, urlunsplit

from wirewatch.records import article_id_for

__all__ = ["TRACKING_PARAMS", "article_id", "canonical_url", "normalise_text"]

TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """The canonical form of ``url`` (see the module docstring for the rules)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # e.g. a port that is not a number
        return url
    if not parts.scheme or not parts.hostname:
        return url
    scheme = parts.scheme.lower()
    host = parts.hostname  # urlsplit lower-cases it and drops userinfo
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        host = f"{userinfo}@{host}"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    query = parts.query
    if query:  # filter the raw segments, so kept parameters keep their exact spelling
        query = "&".join(
            p for p in query.split("&") if p and not _is_tracking(unquote_plus(p.split("=", 1)[0]))
        )
    return urlunsplit(SplitResult(scheme, host, parts.path or "/", query, ""))


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k.startswith("utm_") or k in TRACKING_PARAMS


def normalise_text(text: str) -> str:
    """NFC, case-folded, every whitespace run collapsed to one space, stripped."""
    folded = unicodedata.normalize("NFC", text).casefold()
    return " ".join(unicodedata.normalize("NFC", folded).split())


def article_id(url: str | None, text: str) -> str:
    """The article id: from the canonical ``url`` when given, else from the normalised ``text``."""
    if url and url.strip():
        return article_id_for(canonical_url=canonical_url(url), normalised_text=None)
    return article_id_for(canonical_url=None, normalised_text=normalise_text(text))
