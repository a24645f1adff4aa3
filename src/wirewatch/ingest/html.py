"""Main text and metadata of an HTML page, with trafilatura (one parse, one extraction call).

:func:`extract_html` parses the page once with trafilatura's own loader, reads the declared language
from the tree, and asks :func:`trafilatura.bare_extraction` for text and metadata together. When
trafilatura finds no main text it falls back to :func:`trafilatura.baseline` (JSON-LD ``articleBody``,
``<article>``, ``<p>`` text, then the whole body), recorded as ``extractor="fallback:baseline"``.

The options in :data:`TRAFILATURA_OPTIONS` were chosen on the ScrapingHub article-extraction benchmark
(``wirewatch eval extraction``, 181 pages) as a whole, never per page. F1 / pages per second measured
through :func:`wirewatch.ingest.extract.extract`:

=================================  ======  ======
options (comments always off)      F1      pages/s
=================================  ======  ======
trafilatura defaults               0.960   17.8
favor_precision                    0.964   15.5
fast                               0.962   21.1
fast + favor_recall (chosen)       0.963   27.9
  ... and the repeated title dropped  0.965   23.7
=================================  ======  ======

A first paragraph that repeats the title is dropped (the title lives in ``Article.title``; the
benchmark's bodies never start with it). ``fast`` skips trafilatura's comparison with its readability
and jusText fallbacks, which costs about 40% of the time for a difference in F1 within the benchmark's
noise. Comments are not article text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Final

import trafilatura
from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html

from wirewatch.errors import ExtractionError

__all__ = [
    "EXTRACTOR",
    "FALLBACK_EXTRACTOR",
    "NO_TEXT_MESSAGE",
    "TRAFILATURA_OPTIONS",
    "PageText",
    "extract_html",
    "paragraphs",
]

logger = logging.getLogger(__name__)

EXTRACTOR: Final = f"trafilatura {trafilatura.__version__}"
FALLBACK_EXTRACTOR: Final = "fallback:baseline"
NO_TEXT_MESSAGE: Final = "no article text found (is it an article page? try the page's own URL or its text)"
NO_TEXT_CODE: Final = "W301"

TRAFILATURA_OPTIONS: Final[dict[str, Any]] = {
    "fast": True,  # no second opinion from trafilatura's readability/jusText fallbacks: ~1.8x faster
    "favor_recall": True,
    "include_comments": False,
    "include_tables": True,
    "with_metadata": True,
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_LANG_META = (
    "//meta[translate(@http-equiv,'CONTENT-LANGUAGE','content-language')='content-language']/@content"
)


@dataclass(frozen=True, slots=True)
class PageText:
    """What one HTML page yields: body paragraphs joined by ``"\\n\\n"``, and the page's metadata."""

    text: str
    extractor: str
    title: str | None = None
    published: str | None = None  # YYYY-MM-DD
    authors: tuple[str, ...] = ()
    sitename: str | None = None
    url: str | None = None  # the page's canonical link (or og:url), else the URL given
    declared_language: str | None = None  # <html lang> or a Content-Language meta


def paragraphs(text: str) -> str:
    """One paragraph per non-blank line, stripped, joined by ``"\\n\\n"``."""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def extract_html(html: str, *, url: str | None, name: str) -> PageText:
    """Extract the main text and metadata of ``html``; raise :class:`ExtractionError` when there is none."""
    tree = _parse(html)
    if tree is None:
        raise ExtractionError(NO_TEXT_MESSAGE, input=name, code=NO_TEXT_CODE)
    declared = _declared_language(tree)
    doc: Any = trafilatura.bare_extraction(tree, url=url, **TRAFILATURA_OPTIONS)  # copies the tree
    text = paragraphs(doc.text) if doc is not None and doc.text else ""
    extractor = EXTRACTOR
    if not text:
        logger.debug("%s: trafilatura found no main text, trying the baseline", name)
        _, base_text, _ = trafilatura.baseline(tree)
        text = paragraphs(base_text)
        extractor = FALLBACK_EXTRACTOR
        if doc is None:
            doc = extract_metadata(tree, default_url=url)
    title = _clean(getattr(doc, "title", None))
    text = _without_title(text, title)
    if not text:
        raise ExtractionError(NO_TEXT_MESSAGE, input=name, code=NO_TEXT_CODE)
    return PageText(
        text=text,
        extractor=extractor,
        title=title,
        published=_iso_date(getattr(doc, "date", None)),
        authors=_authors(getattr(doc, "author", None)),
        sitename=_clean(getattr(doc, "sitename", None)),
        url=_clean(getattr(doc, "url", None)) or url,
        declared_language=declared,
    )


def _without_title(text: str, title: str | None) -> str:
    """``text`` without a first paragraph that only repeats the title (the title lives apart)."""
    if not title:
        return text
    first, _, rest = text.partition("\n\n")
    if " ".join(first.split()).casefold() == title.casefold():
        return rest
    return text


def _parse(html: str) -> Any:
    """The page's tree; a bare fragment (which trafilatura's loader rejects) is wrapped in a document."""
    tree = load_html(html)
    if tree is None:
        tree = load_html(f"<html><body><div>{html}</div></body></html>")
    return tree


def _declared_language(tree: Any) -> str | None:
    root = tree.getroottree().getroot()
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if isinstance(lang, str) and lang.strip():
        return lang.strip()
    found = tree.xpath(_LANG_META)
    if found and str(found[0]).strip():
        return str(found[0]).split(",")[0].strip()
    return None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _iso_date(value: object) -> str | None:
    if isinstance(value, str) and _ISO_DATE.match(value):
        return value[:10]
    return None


def _authors(value: object) -> tuple[str, ...]:
    if not isinstance(value, str):
        return ()
    return tuple(a for a in (" ".join(part.split()) for part in value.split(";")) if a)
