"""The :class:`Store` interface every database backend implements, and helpers they share.

The stages and the CLI talk only to :class:`Store`; ``open_store`` picks the backend from the URL. A backend
keeps four promises:

- **Nothing is lost**: raw input bytes are kept (content-addressed), and a failed input is stored with its
  error, never over an article that was stored fine.
- **Idempotent**: saving the same analysis again returns ``"unchanged"`` and writes nothing.
- **One transaction per article**: an article, its entities and its search index entry appear together or
  not at all, even if the process is killed mid-save.
- **Provenance**: every article row records the producer (wirewatch and model versions) and the run.
"""

from __future__ import annotations

import hashlib
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any, Literal, Self

from wirewatch.errors import UsageError, WirewatchError
from wirewatch.records import Analysis, RawDocument

__all__ = [
    "ARTICLE_FIELDS",
    "ARTICLE_STATUSES",
    "CLAIM_KINDS",
    "EVENT_TYPES",
    "EVIDENTIALS",
    "FEED_FIELDS",
    "PLACE_LEVELS",
    "SOURCE_KINDS",
    "EventFilters",
    "SaveResult",
    "SharedFilters",
    "Store",
    "check_claim_filters",
    "check_event_filters",
    "check_place_filters",
    "check_shared_filters",
    "dumps_json",
    "failure_article_id",
    "utc_now",
]

SaveResult = Literal["new", "updated", "unchanged"]

#: The keys of each dict :meth:`Store.feeds` returns, in order (``feeds --json``); times are ISO 8601 UTC.
FEED_FIELDS: tuple[str, ...] = (
    "url",
    "etag",
    "last_modified",
    "last_success",
    "last_error",
    "last_error_at",
    "error_count",
    "next_poll",
    "items_seen",
    "added_at",
)

ARTICLE_STATUSES: tuple[str, ...] = ("ok", "failed", "skipped")

#: The keys of each dict :meth:`Store.articles` returns, in order (``articles --json``).
ARTICLE_FIELDS: tuple[str, ...] = (
    "id",
    "external_id",
    "url",
    "outlet",
    "title",
    "published",
    "language",
    "status",
    "error",
    "duplicate_of",
    "ingested_at",
)


#: ``Claim.kind`` values (the interchange format).
CLAIM_KINDS: tuple[str, ...] = ("statement", "denial", "no_comment")

#: ``Source.kind`` values; disjoint from :data:`CLAIM_KINDS`, so one ``kind`` filter takes either.
SOURCE_KINDS: tuple[str, ...] = (
    "outlet",
    "government",
    "military",
    "intelligence",
    "official",
    "expert",
    "person",
    "organization",
    "document",
    "anonymous",
    "unknown",
)

#: ``Certainty.evidential`` values.
EVIDENTIALS: tuple[str, ...] = ("asserted", "reported", "alleged", "speculated")


def check_claim_filters(
    *, kind: str | None = None, evidential: str | None = None, limit: int | None = None
) -> None:
    """Raise :class:`~wirewatch.errors.UsageError` for a ``kind``, ``evidential`` or ``limit`` that
    :meth:`Store.claims` does not take (so a command can check before it opens a database)."""
    if kind is not None and kind not in CLAIM_KINDS and kind not in SOURCE_KINDS:
        raise UsageError(
            f"claim kind {kind!r} is not known; give a claim kind ({', '.join(CLAIM_KINDS)}) "
            f"or a source kind ({', '.join(SOURCE_KINDS)})"
        )
    if evidential is not None and evidential not in EVIDENTIALS:
        raise UsageError(f"evidential must be one of {', '.join(EVIDENTIALS)}, not {evidential!r}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise UsageError(f"limit must be a whole number ≥ 0, not {limit!r}")


#: ``Place.level`` values, from the largest to the smallest.
PLACE_LEVELS: tuple[str, ...] = ("continent", "region", "country", "admin1", "admin2", "populated", "feature")


def check_place_filters(
    *, country: str | None = None, level: str | None = None, limit: int | None = None
) -> str | None:
    """Raise :class:`~wirewatch.errors.UsageError` for a ``country``, ``level`` or ``limit`` that
    :meth:`Store.places` does not take, so a command can check before it opens a database.

    Returns ``country`` upper-cased (ISO 3166 alpha-2 codes are stored upper-case; ``ua`` means ``UA``).
    """
    code = None
    if country is not None:
        code = country.strip().upper()
        if len(code) != 2 or not code.isascii() or not code.isalpha():
            raise UsageError(f"country must be a two-letter ISO 3166 code such as UA, not {country!r}")
    if level is not None and level not in PLACE_LEVELS:
        raise UsageError(f"level must be one of {', '.join(PLACE_LEVELS)}, not {level!r}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise UsageError(f"limit must be a whole number ≥ 0, not {limit!r}")
    return code


TOKEN_ROLES = ("viewer", "analyst", "admin")
"""API roles, each allowed what the one before it is: read; read, ingest and correct; tokens and settings."""


def check_story_filters(
    *,
    since: str | None = None,
    until: str | None = None,
    min_origins: int | None = None,
    limit: int | None = None,
) -> None:
    """Raise :class:`~wirewatch.errors.UsageError` for a filter :meth:`Store.stories` does not take."""
    check_place_filters(limit=limit)
    first, last = _check_day("since", since), _check_day("until", until)
    if first is not None and last is not None and first > last:
        raise UsageError(f"since ({first}) is after until ({last}); no story can match")
    if min_origins is not None and (
        isinstance(min_origins, bool) or not isinstance(min_origins, int) or min_origins < 0
    ):
        raise UsageError(f"min-origins must be a whole number ≥ 0, not {min_origins!r}")


#: The 16 PLOVER 2.0 event types (``Event.type``), in the order of the PLOVER codebook.
EVENT_TYPES: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class EventFilters:
    """The filters of :meth:`Store.events`, checked and normalised by :func:`check_event_filters`:
    ``type`` and ``country`` upper-cased, dates as given (``YYYY-MM-DD``)."""

    type: str | None = None
    country: str | None = None
    since: str | None = None
    until: str | None = None


def _check_day(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip()
    try:
        if not _DAY.match(text):
            raise ValueError(text)
        date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{name} must be a date written YYYY-MM-DD, e.g. 2024-06-01, not {value!r}"
        ) from None
    return text


def check_event_filters(
    *,
    type: str | None = None,
    country: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
) -> EventFilters:
    """Raise :class:`~wirewatch.errors.UsageError` for a filter :meth:`Store.events` does not take, so a
    command can check before it opens a database; return the filters normalised.

    ``type`` is one of :data:`EVENT_TYPES` in any case (``assault`` = ``ASSAULT``); ``country`` a two-letter
    ISO 3166 code in any case; ``since`` and ``until`` real dates written ``YYYY-MM-DD``, ``since`` not after
    ``until``; ``limit`` a whole number ≥ 0.
    """
    kind = None
    if type is not None:
        kind = type.strip().upper()
        if kind not in EVENT_TYPES:
            raise UsageError(f"event type must be a PLOVER type ({', '.join(EVENT_TYPES)}), not {type!r}")
    code = check_place_filters(country=country, limit=limit)
    first, last = _check_day("since", since), _check_day("until", until)
    if first is not None and last is not None and first > last:
        raise UsageError(f"since ({first}) is after until ({last}); no event can match")
    return EventFilters(type=kind, country=code, since=first, until=last)


@dataclass(frozen=True, slots=True)
class SharedFilters:
    """The filters every list takes (issue 8; docs/api.md says at which level each applies), checked and
    normalised by :func:`check_shared_filters`: dates as given (``YYYY-MM-DD``), ``type`` and ``country``
    upper-cased, ``certainty`` lower-cased, a blank ``admin1``, ``source`` or ``search`` ``None``."""

    since: str | None = None
    until: str | None = None
    type: str | None = None
    country: str | None = None
    admin1: str | None = None
    source: str | None = None
    source_kind: str | None = None
    certainty: str | None = None
    min_origins: int | None = None
    search: str | None = None


def _text(value: str | None) -> str | None:
    return None if value is None else (value.strip() or None)


def check_shared_filters(
    *,
    since: str | None = None,
    until: str | None = None,
    type: str | None = None,
    country: str | None = None,
    admin1: str | None = None,
    source: str | None = None,
    source_kind: str | None = None,
    certainty: str | None = None,
    min_origins: int | None = None,
    search: str | None = None,
    limit: int | None = None,
) -> SharedFilters:
    """Raise :class:`~wirewatch.errors.UsageError` for a shared filter no list takes, so a command or route
    can check before it opens a database; return the filters normalised (:class:`SharedFilters`).

    ``since`` / ``until`` as :func:`check_event_filters` (real dates ``YYYY-MM-DD``, ``since`` not after
    ``until``); ``type`` one of :data:`EVENT_TYPES`, any case; ``country`` a two-letter ISO 3166 code, any
    case; ``source_kind`` one of :data:`SOURCE_KINDS`; ``certainty`` one of :data:`EVIDENTIALS`, any case;
    ``min_origins`` and ``limit`` whole numbers ≥ 0; ``admin1``, ``source`` and ``search`` any text.
    """
    checked = check_event_filters(type=type, country=country, since=since, until=until, limit=limit)
    if source_kind is not None and source_kind not in SOURCE_KINDS:
        raise UsageError(f"source kind must be one of {', '.join(SOURCE_KINDS)}, not {source_kind!r}")
    evidential = None
    if certainty is not None:
        evidential = certainty.strip().lower()
        if evidential not in EVIDENTIALS:
            raise UsageError(f"certainty must be one of {', '.join(EVIDENTIALS)}, not {certainty!r}")
    if min_origins is not None and (
        isinstance(min_origins, bool) or not isinstance(min_origins, int) or min_origins < 0
    ):
        raise UsageError(f"min-origins must be a whole number ≥ 0, not {min_origins!r}")
    return SharedFilters(
        since=checked.since,
        until=checked.until,
        type=checked.type,
        country=checked.country,
        admin1=_text(admin1),
        source=_text(source),
        source_kind=source_kind,
        certainty=evidential,
        min_origins=min_origins,
        search=_text(search),
    )


def utc_now() -> str:
    """The current time as ISO 8601 UTC with microseconds, e.g. ``2024-06-01T12:00:00.000000Z``.

    One fixed width, so the strings sort in time order.
    """
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def dumps_json(value: Any) -> str:
    """Canonical JSON for storage: sorted keys, compact, UTF-8 kept, no NaN (so ``json_valid`` holds).

    Values JSON doesn't know (paths, sets) are written with ``str``.
    """
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False, default=str
    )


def failure_article_id(name: str, data: bytes | None, url: str | None) -> str:
    """The id of the ``failed`` article row for an input: sha256 of the URL, else the bytes, else the name.

    Empty bytes count as no bytes, so two different empty files don't share one row.
    """
    if url:
        basis = url.encode("utf-8")
    elif data:
        basis = data
    else:
        basis = name.encode("utf-8")
    return hashlib.sha256(basis).hexdigest()[:16]


class Store(ABC):
    """A wirewatch database. Use as a context manager, or call :meth:`close`."""

    @abstractmethod
    def start_run(self, command: str, producer: dict[str, str], settings: dict[str, object]) -> int:
        """Record the start of a command (``ingest``, ``reprocess``, ...) and return the run id."""

    @abstractmethod
    def finish_run(self, run_id: int, counts: dict[str, int]) -> None:
        """Record that run ``run_id`` ended, with its counts (new, updated, unchanged, failed, ...)."""

    @abstractmethod
    def known_raw(self, raw: str | RawDocument) -> str | None:
        """The id of an article (status ok or skipped) stored from exactly these bytes, else ``None``.

        Given a sha256, any article from those bytes counts. Given the :class:`RawDocument`, the input's
        own details (url, external_id, title, published, outlet, kind, ...; not its name) must match too:
        two JSONL records with the same text but different URLs are different articles. Prefer this form.
        """

    @abstractmethod
    def save_analysis(self, analysis: Analysis, raw: RawDocument, run_id: int) -> SaveResult:
        """Store one analysed article with its raw input in one transaction.

        Returns ``"new"`` (no row, or only a ``failed`` row, had this id), ``"updated"`` (the text or the
        analysis changed; entities, claims, places and events are replaced) or ``"unchanged"`` (nothing
        written).
        """

    @abstractmethod
    def save_failure(
        self,
        name: str,
        error: WirewatchError,
        data: bytes | None,
        run_id: int,
        *,
        url: str | None = None,
        raw: RawDocument | None = None,
    ) -> None:
        """Store a per-document failure: an ``errors`` row, the raw bytes if any, and a ``failed`` article.

        The article id is :func:`failure_article_id`; an ``ok`` or ``skipped`` article with that id is left
        as it is. ``raw``, when the input was read, gives the input's kind and metadata for ``reprocess``.
        """

    @abstractmethod
    def articles(
        self,
        *,
        search: str | None = None,
        status: str | None = None,
        since: str | None = None,
        until: str | None = None,
        type: str | None = None,
        country: str | None = None,
        admin1: str | None = None,
        source: str | None = None,
        source_kind: str | None = None,
        certainty: str | None = None,
        min_origins: int | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Article summaries (:data:`ARTICLE_FIELDS`), ordered by ``ingested_at`` then ``id``.

        ``search`` is a full-text query over title and text; ``status`` one of :data:`ARTICLE_STATUSES`.

        The shared filters (issue 8; see :func:`check_shared_filters`, and docs/api.md for the level each
        applies at) keep a record whose article matches: ``since`` / ``until`` its publication day
        (inclusive; an undated article is left out when either is given); ``type`` it has an event of that
        PLOVER type; ``country`` it has a place in that country or an event actor from it; ``admin1`` it has
        a place in that first-level division (its name, ignoring case); ``source`` it has a claim with a
        source or relay whose name contains it, ignoring case; ``source_kind`` a claim with a source or relay
        of that kind; ``certainty`` a claim with that evidential; ``min_origins`` its story has at least that
        many independent origins (an article in no story has 0); ``search`` a full-text query over its
        title and text (FTS5 syntax; a query FTS5 refuses is searched as quoted words).
        A bad filter is a :class:`~wirewatch.errors.UsageError`. Filters combine (AND).
        """

    @abstractmethod
    def article(self, article_id: str) -> dict[str, Any] | None:
        """One article summary (as in :meth:`articles`) by id or unique id prefix, else ``None``."""

    @abstractmethod
    def analysis(self, article_id: str) -> Analysis | None:
        """The stored :class:`Analysis` by id or unique id prefix (≥ 6 characters).

        ``None`` when there is no such article, or it failed (see :meth:`article` for its error).
        """

    @abstractmethod
    def claims(
        self,
        *,
        source: str | None = None,
        kind: str | None = None,
        evidential: str | None = None,
        denied: bool = False,
        article: str | None = None,
        since: str | None = None,
        until: str | None = None,
        type: str | None = None,
        country: str | None = None,
        admin1: str | None = None,
        source_kind: str | None = None,
        certainty: str | None = None,
        min_origins: int | None = None,
        search: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Stored claims: each the full ``Claim`` dict with ``"article"`` (its article id) added, ordered by
        article (``ingested_at``, then id) and then by position in the article's analysis.

        ``source`` keeps claims with a source or a relay (``via``) whose name contains it, ignoring case;
        ``kind`` a claim kind (:data:`CLAIM_KINDS`: the claim's own kind) or a source kind
        (:data:`SOURCE_KINDS`: a claim with a source of that kind; relays don't count); ``evidential`` one of
        :data:`EVIDENTIALS`; ``denied`` keeps claims that a stored denial's ``denies`` points at;
        ``article`` an article id or unique prefix. A bad ``kind``, ``evidential`` or ``limit`` is a
        :class:`~wirewatch.errors.UsageError` (see :func:`check_claim_filters`).

        The shared filters (:func:`check_shared_filters`): ``source`` as above; ``source_kind`` keeps claims
        with a source or relay of that kind; ``certainty`` is ``evidential`` again; ``type`` keeps claims
        that hold an event of that type (the event's ``claims`` names them); ``since``, ``until``,
        ``country``, ``admin1``, ``min_origins`` and ``search`` are on the claim's article, as in
        :meth:`articles`. All filters combine (AND).
        """

    @abstractmethod
    def places(
        self,
        *,
        country: str | None = None,
        level: str | None = None,
        article: str | None = None,
        resolved: bool | None = None,
        since: str | None = None,
        until: str | None = None,
        type: str | None = None,
        admin1: str | None = None,
        source: str | None = None,
        source_kind: str | None = None,
        certainty: str | None = None,
        min_origins: int | None = None,
        search: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Stored places: each the full ``Place`` dict with ``"article"`` (its article id) added, ordered by
        article (``ingested_at``, then id) and then by position in the article's analysis.

        ``country`` an ISO 3166 alpha-2 code, any case (``ua`` = ``UA``); ``level`` one of
        :data:`PLACE_LEVELS`; ``article`` an article id or unique prefix; ``resolved`` ``True`` keeps the
        places with coordinates, ``False`` those without (``None``: both). A bad ``country``, ``level`` or
        ``limit`` is a :class:`~wirewatch.errors.UsageError` (see :func:`check_place_filters`).

        The shared filters (:func:`check_shared_filters`): ``country`` as above; ``admin1`` keeps places in
        that first-level division (its name, ignoring case); ``since``, ``until``, ``type``, ``source``,
        ``source_kind``, ``certainty``, ``min_origins`` and ``search`` are on the place's article, as in
        :meth:`articles`. Filters combine (AND).
        """

    @abstractmethod
    def events(
        self,
        *,
        type: str | None = None,
        country: str | None = None,
        since: str | None = None,
        until: str | None = None,
        article: str | None = None,
        admin1: str | None = None,
        source: str | None = None,
        source_kind: str | None = None,
        certainty: str | None = None,
        min_origins: int | None = None,
        search: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Stored events: each the full ``Event`` dict with ``"article"`` (its article id) and ``"places"``
        (the ``Place`` dicts of that article its ``where`` entries point at, in that order, each once; an id
        that names no stored place is skipped) added, ordered by article (``ingested_at``, then id) and then
        by position in the article's analysis.

        ``type`` a PLOVER type (:data:`EVENT_TYPES`, any case); ``country`` an ISO 3166 alpha-2 code, any
        case, matching an actor's country or a linked place's country; ``since`` / ``until`` ``YYYY-MM-DD``,
        inclusive, on the event date (``when.start``, else ``when.end``; an event with neither is left out
        when either is given); ``article`` an article id or unique prefix. A bad filter is a
        :class:`~wirewatch.errors.UsageError` (see :func:`check_shared_filters`).

        The other shared filters: ``admin1`` keeps events with a linked place (``where``) in that first-level
        division (its name, ignoring case); ``certainty`` events held by a claim (the event's ``claims``)
        with that evidential; ``source``, ``source_kind``, ``min_origins`` and ``search`` are on the event's
        article, as in :meth:`articles`. Filters combine (AND).
        """

    @abstractmethod
    def link_articles(self) -> list[dict[str, Any]]:
        """Every ``ok`` article for the link stage: ``id``, ``published``, ``outlet``, ``url`` and the
        ``block`` and ``story`` it was last linked in (None when never linked), in ingest order."""

    @abstractmethod
    def save_block(
        self, block: str, stories: list[dict[str, Any]], copies: list[tuple[str, str, float, float]]
    ) -> None:
        """Replace the stories and copies of one link block in one transaction: ``stories`` are Story dicts,
        ``copies`` are ``(article, canonical, jaccard, containment)``."""

    @abstractmethod
    def add_story_override(
        self, kind: str, articles: list[str], note: str | None = None, *, who: str = "local"
    ) -> int:
        """Record an analyst's ``merge`` (these articles belong together) or ``split`` (these articles are a
        story of their own), by ``who``; returns its id. The link stage applies every override after
        clustering."""

    @abstractmethod
    def story_overrides(self) -> list[dict[str, Any]]:
        """Every override, oldest first: ``id``, ``kind``, ``articles``, ``created_at``, ``note``, ``who``."""

    @abstractmethod
    def event_points(
        self,
        *,
        type: str | None = None,
        country: str | None = None,
        since: str | None = None,
        until: str | None = None,
        admin1: str | None = None,
        source: str | None = None,
        source_kind: str | None = None,
        certainty: str | None = None,
        min_origins: int | None = None,
        search: str | None = None,
        limit: int | None = None,
        features: bool = False,
    ) -> list[dict[str, Any]]:
        """The map's points: one per event and place with coordinates, ``event``, ``article``, ``type``,
        ``date`` (``when.start``, else ``when.end``), ``place``, ``name``, ``lat``, ``lon``,
        ``geo_precision``, ``origins`` (the independent origins of the article's story, 0 when it is in
        none), the newest first (by day, then event id and place order); filters as :meth:`events`, except
        that ``country`` and ``admin1`` are on the point's own place (``country`` also on the event's
        actors). With ``features``, also ``feature``: the point as a GeoJSON Feature, serialised, its
        coordinates rounded to 5 decimals (about a metre; properties ``event``, ``type``, ``date``,
        ``article``, ``name``, ``geo_precision``, ``origins``). No record is decoded: this is the map's
        fast path."""

    @abstractmethod
    def sources(self, *, kind: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """Who holds and relays the stored claims: ``name``, ``kind``, ``country``, ``claims`` (as a source),
        ``relayed`` (as a ``via`` relay), most claims first."""

    @abstractmethod
    def add_correction(
        self, target: str, kind: str, action: str, value: Any, anchor: str | None, why: str | None, who: str
    ) -> int:
        """Record an analyst's correction of one record (see :mod:`wirewatch.corrections`); returns its id."""

    @abstractmethod
    def corrections(self, *, targets: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Corrections, oldest first (of ``targets`` when given): ``id``, ``target``, ``kind``, ``action``,
        ``value`` (decoded), ``anchor``, ``why``, ``who``, ``created_at``: the audit log."""

    @abstractmethod
    def token_name(self, token: str) -> str | None:
        """The name of a live token, else ``None`` (who made a correction)."""

    @abstractmethod
    def claim_chains(self) -> list[dict[str, Any]]:
        """Every claim's sources and relays, one row each: ``claim``, ``role`` (source | via), ``position``,
        ``name``, ``kind`` and the article's ``outlet`` (the source graph)."""

    @abstractmethod
    def token_info(self, token: str) -> dict[str, Any] | None:
        """A live token's ``id``, ``name`` and ``role``, else ``None`` (a UI session remembers the id)."""

    @abstractmethod
    def create_token(self, name: str, role: str) -> tuple[int, str]:
        """A new API token with ``role`` (viewer, analyst, admin): its id and the token itself, which is
        shown once; only its SHA-256 is stored."""

    @abstractmethod
    def token_role(self, token: str) -> str | None:
        """The role of a live (not revoked) token, else ``None``."""

    @abstractmethod
    def tokens(self) -> list[dict[str, Any]]:
        """Every token without its secret: ``id``, ``name``, ``role``, ``created_at``, ``revoked_at``."""

    @abstractmethod
    def revoke_token(self, token_id: int) -> bool:
        """Revoke a token; False when there is no live token with that id."""

    # -- watched feeds (``wirewatch watch``; migration 0013) ------------------------------------------------

    def feeds(self) -> list[dict[str, Any]]:
        """Every watched feed's state, by URL: the keys of :data:`FEED_FIELDS` (``None`` where unset)."""
        raise NotImplementedError(f"{type(self).__name__} does not keep watched feeds")

    def save_feed(self, url: str, **state: Any) -> None:
        """Add feed ``url`` if it is new (``added_at`` now, ``error_count`` and ``items_seen`` 0), then set
        the given columns (names from :data:`FEED_FIELDS` except ``url``, ``items_seen`` and ``added_at``;
        ``None`` clears one). One transaction."""
        raise NotImplementedError(f"{type(self).__name__} does not keep watched feeds")

    def seen_items(self, url: str, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` (item guids or URLs) are recorded as seen in feed ``url``."""
        raise NotImplementedError(f"{type(self).__name__} does not keep watched feeds")

    def add_seen_items(self, url: str, keys: Iterable[str]) -> int:
        """Record ``keys`` as seen in feed ``url`` (which must exist; keys already recorded are ignored),
        add the number newly recorded to its ``items_seen``, and return that number. One transaction."""
        raise NotImplementedError(f"{type(self).__name__} does not keep watched feeds")

    @abstractmethod
    def story_of(self, article_id: str) -> str | None:
        """The id of the story an article was last linked into, else ``None``."""

    @abstractmethod
    def block_stories(self, block: str) -> list[dict[str, Any]]:
        """The Story records last written for one link block."""

    @abstractmethod
    def stories(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        min_origins: int | None = None,
        contested: bool | None = None,
        type: str | None = None,
        country: str | None = None,
        admin1: str | None = None,
        source: str | None = None,
        source_kind: str | None = None,
        certainty: str | None = None,
        search: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Story records, newest first (by ``last_seen``, undated last). ``since`` / ``until`` (inclusive,
        YYYY-MM-DD) are on ``last_seen`` and ``first_seen`` (the story overlaps the window);
        ``min_origins`` on ``independent_origins``. The other shared filters (``type``, ``country``,
        ``admin1``, ``source``, ``source_kind``, ``certainty``, ``search``) keep a story with an article that
        passes them all, each as in :meth:`articles`. A bad filter is a
        :class:`~wirewatch.errors.UsageError`. Filters combine (AND)."""

    @abstractmethod
    def story(self, story_id: str) -> dict[str, Any] | None:
        """One Story record by id or unique id prefix (≥ 4 characters), else ``None``; with
        ``continued_by``: the ids of the stories of the following week that continue it."""

    @abstractmethod
    def raw_documents(self) -> Iterator[RawDocument]:
        """Every stored input rebuilt as a :class:`RawDocument`, in the order first stored (for reprocess)."""

    @abstractmethod
    def counts(self) -> dict[str, int]:
        """Row counts: articles (and by status), raw_blobs, entities, claims, places, events, errors, runs."""

    @abstractmethod
    def close(self) -> None:
        """Close the connection; the store can't be used afterwards. Closing twice is fine."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
