"""The ingest stage's entry point: one :class:`RawDocument` in, one clean :class:`Article` out.

:func:`extract` is a pure function of its arguments (caches aside), so it runs in process-pool and Dask
workers. Steps: size cap → decoding (:mod:`.encoding`) → main text and metadata by input kind (HTML:
:mod:`.html`; scraped text or Markdown: :mod:`.scraped`; a JSONL record's text: kept as given, one
paragraph per line) → language (:mod:`.language`) → id (:mod:`.identity`).

Metadata the input itself gave (a feed's or JSONL record's title, date, outlet, URL) wins over what the
page says about itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from wirewatch.errors import ExtractionError, InputError
from wirewatch.ingest.encoding import decode, to_nfc
from wirewatch.ingest.html import NO_TEXT_CODE, NO_TEXT_MESSAGE, extract_html, paragraphs
from wirewatch.ingest.identity import article_id
from wirewatch.ingest.language import detect_language
from wirewatch.ingest.scraped import clean_scraped
from wirewatch.records import Article, RawDocument
from wirewatch.settings import Settings

__all__ = ["RECORD_EXTRACTOR", "TOO_LARGE_CODE", "VERBATIM_EXTRACTOR", "extract"]

logger = logging.getLogger(__name__)

RECORD_EXTRACTOR = "record"
VERBATIM_EXTRACTOR = "verbatim"  # record_format="verbatim": eval gold texts, analysed exactly as given
TOO_LARGE_CODE = "W103"
_KINDS = frozenset({"html", "text", "record"})
_HTML_START = ("<!doctype html", "<html", "<?xml")


@dataclass(frozen=True, slots=True)
class _Found:
    text: str
    extractor: str
    title: str | None = None
    published: str | None = None
    authors: tuple[str, ...] = ()
    outlet: str | None = None
    url: str | None = None
    declared_language: str | None = None


def extract(raw: RawDocument, settings: Settings) -> Article:
    """Decode ``raw``, find its article text and metadata, and return the :class:`Article`.

    Raises :class:`InputError` (too large, binary, empty, unknown kind) or :class:`ExtractionError` (no
    article text), each with a one-line message naming ``raw.name``.
    """
    if len(raw.data) > settings.max_bytes:
        mb = settings.max_bytes / 1_000_000
        raise InputError(
            f"larger than the {mb:g} MB cap (max_bytes setting); raise max_bytes to read it",
            input=raw.name,
            code=TOO_LARGE_CODE,
        )
    kind = _effective_kind(raw)
    declared = "utf-8" if raw.kind == "record" else raw.content_type  # records are UTF-8 by contract
    text, encoding = decode(raw.data, declared=declared, name=raw.name, nfc=False)
    if kind == "text" and text.lstrip()[:20].lower().startswith(_HTML_START):
        kind = "html"  # a page saved under a text name
    found = _find(kind, text, raw)
    # normalise what is kept, not the whole page; gold texts stay byte for byte (their offsets are the truth)
    body = found.text if found.extractor == VERBATIM_EXTRACTOR else to_nfc(found.text)
    if not body.strip():
        raise ExtractionError(NO_TEXT_MESSAGE, input=raw.name, code=NO_TEXT_CODE)

    title = _nfc_or_none(raw.title or found.title)
    declared_language = found.declared_language or raw.language
    language, score = detect_language(f"{title}\n{body}" if title else body, declared=declared_language)
    url = raw.url or found.url
    return Article(
        id=article_id(url, body),
        text=body,
        title=title,
        url=url,
        external_id=raw.external_id,
        outlet=_nfc_or_none(raw.outlet or found.outlet),
        published=raw.published or found.published,
        language=language,
        authors=tuple(to_nfc(a) for a in found.authors),
        source_name=raw.name,
        raw_sha256=raw.sha256,
        encoding=encoding,
        extractor=found.extractor,
        language_score=score,
    )


def _nfc_or_none(value: str | None) -> str | None:
    return to_nfc(value) if value else None


def _effective_kind(raw: RawDocument) -> str:
    if raw.kind not in _KINDS:
        raise InputError(f"unknown input kind {raw.kind!r} (expected html, text or record)", input=raw.name)
    if raw.kind == "record" and raw.record_format == "html":
        return "html"
    return raw.kind


def _find(kind: str, text: str, raw: RawDocument) -> _Found:
    if kind == "html":
        page = extract_html(text, url=raw.url, name=raw.name)
        return _Found(
            text=page.text,
            extractor=page.extractor,
            title=page.title,
            published=page.published,
            authors=page.authors,
            outlet=page.sitename,
            url=page.url,
            declared_language=page.declared_language,
        )
    if kind == "record" and raw.record_format == "verbatim":  # a gold text for evaluation: not one change
        return _Found(text=text, extractor=VERBATIM_EXTRACTOR)
    if kind == "record":  # a JSONL record's text field: already the article, keep it as given
        return _Found(text=paragraphs(text), extractor=RECORD_EXTRACTOR)
    scraped = clean_scraped(text)
    return _Found(text=scraped.text, extractor=scraped.extractor, title=scraped.title, url=scraped.url)
