"""Frozen records that flow between the stages, and their JSON shapes.

The field names are the contract of ``docs/data_format.md`` (the interchange format): add fields freely,
rename none. Every ``to_dict`` returns plain JSON-ready values; every ``from_dict`` accepts what ``to_dict``
wrote, so a record survives a round trip through the database, the API and JSONL files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Analysis",
    "Article",
    "Entity",
    "RawDocument",
    "Span",
    "article_id_for",
]


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` of ``article.text`` with the text it covers."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        return cls(start, end, text[start:end])

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One input as read, before extraction: the bytes plus whatever the input itself said about them.

    ``kind`` tells the extractor how to read ``data``: ``html``, ``text`` (plain text or Markdown of a
    scraped page), or ``record`` (a JSONL object whose fields are already separated; ``data`` holds its
    ``text`` or ``html`` field encoded as UTF-8 and ``record_format`` says which).
    """

    name: str  # what the user gave: a path, a URL, "<stdin>", "file.jsonl:12"
    data: bytes
    kind: str  # html | text | record
    url: str | None = None
    external_id: str | None = None
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    content_type: str | None = None  # the HTTP Content-Type header, when fetched
    record_format: str | None = None  # for kind == "record": "text" or "html"
    language: str | None = None  # the language the input declares; used when detection is unsure

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True, slots=True)
class Article:
    """A clean article: body text (title apart), metadata, and how it was produced."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    external_id: str | None = None
    outlet: str | None = None
    published: str | None = None
    language: str | None = None
    authors: tuple[str, ...] = ()
    source_name: str | None = None  # the input it came from
    raw_sha256: str | None = None
    encoding: str | None = None
    extractor: str | None = None  # e.g. "trafilatura 2.3.1", "fallback:html-text", "scraped-text"
    language_score: float | None = None

    def to_dict(self, *, with_text: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "external_id": self.external_id,
            "url": self.url,
            "outlet": self.outlet,
            "title": self.title,
            "published": self.published,
            "language": self.language,
            "language_score": self.language_score,
            "authors": list(self.authors),
            "extractor": self.extractor,
            "encoding": self.encoding,
            "raw_sha256": self.raw_sha256,
            "source_name": self.source_name,
        }
        if with_text:
            d["text"] = self.text
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        return cls(
            id=d["id"],
            text=d.get("text", ""),
            title=d.get("title"),
            url=d.get("url"),
            external_id=d.get("external_id"),
            outlet=d.get("outlet"),
            published=d.get("published"),
            language=d.get("language"),
            authors=tuple(d.get("authors") or ()),
            source_name=d.get("source_name"),
            raw_sha256=d.get("raw_sha256"),
            encoding=d.get("encoding"),
            extractor=d.get("extractor"),
            language_score=d.get("language_score"),
        )


@dataclass(frozen=True, slots=True)
class Entity:
    """A named entity span; ``kind`` and ``country`` come from the entity ruler's data files."""

    label: str
    start: int
    end: int
    text: str
    kind: str | None = None  # e.g. "outlet", "agency", "government", "military", "intelligence", "demonym"
    country: str | None = None  # ISO 3166 alpha-2
    name: str | None = None  # the normalised name, when a data file knows one

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind,
            "country": self.country,
        }
        if self.name is not None:
            d["name"] = self.name
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entity:
        return cls(
            label=d["label"],
            start=d["start"],
            end=d["end"],
            text=d["text"],
            kind=d.get("kind"),
            country=d.get("country"),
            name=d.get("name"),
        )


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything wirewatch knows about one article: the ``Analysis`` of the interchange format.

    ``claims``, ``places`` and ``events`` are plain JSON dicts until their stages exist; ``skipped`` maps a
    stage name to the reason it did not run (e.g. ``{"nlp": "language ru"}``): skipped, not failed.
    """

    article: Article
    entities: tuple[Entity, ...] = ()
    claims: tuple[dict[str, Any], ...] = ()
    places: tuple[dict[str, Any], ...] = ()
    events: tuple[dict[str, Any], ...] = ()
    producer: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "article": self.article.to_dict(),
            "entities": [e.to_dict() for e in self.entities],
            "claims": list(self.claims),
            "places": list(self.places),
            "events": list(self.events),
            "producer": dict(self.producer),
            "skipped": dict(self.skipped),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Analysis:
        return cls(
            article=Article.from_dict(d["article"]),
            entities=tuple(Entity.from_dict(e) for e in d.get("entities", ())),
            claims=tuple(d.get("claims", ())),
            places=tuple(d.get("places", ())),
            events=tuple(d.get("events", ())),
            producer=dict(d.get("producer", {})),
            skipped=dict(d.get("skipped", {})),
        )


def article_id_for(*, canonical_url: str | None, normalised_text: str | None) -> str:
    """The stable article id: the first 16 hex digits of sha256 of the canonical URL, else of the text."""
    basis = canonical_url if canonical_url else (normalised_text or "")
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]
