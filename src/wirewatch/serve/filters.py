"""The filters every list of the JSON API shares (issue 8), defined once as a FastAPI dependency.

``/api/articles``, ``/api/claims``, ``/api/events``, ``/api/places``, ``/api/stories``, ``/api/map`` and
``/api/export`` take them all; docs/api.md ("Filters") says at which level each applies in each list. A bad
value (a date that is not ``YYYY-MM-DD``, an unknown event type, source kind or certainty) is a
:class:`~wirewatch.errors.UsageError`, which the API answers with its 400 envelope.
"""

from __future__ import annotations

from typing import Any

from fastapi import Query

from wirewatch.store.base import (
    EVENT_TYPES,
    EVIDENTIALS,
    SOURCE_KINDS,
    SharedFilters,
    check_shared_filters,
)

__all__ = ["ListFilters"]


class ListFilters:
    """The shared list filters as query parameters; use as ``f: ListFilters = Depends()`` and pass
    ``**f.kwargs()`` to the store's list (``Store.articles``, ``claims``, ``events``, ``places``, ``stories``,
    ``event_points``). The values are checked (and normalised) when the request arrives."""

    def __init__(
        self,
        since: str | None = Query(
            None,
            description="YYYY-MM-DD, inclusive: the article's publication day (events: the event's date; "
            "stories: the story's last article).",
        ),
        until: str | None = Query(
            None,
            description="YYYY-MM-DD, inclusive: the article's publication day (events: the event's date; "
            "stories: the story's first article).",
        ),
        type: str | None = Query(
            None,
            description="A PLOVER event type, any case ("
            + ", ".join(EVENT_TYPES)
            + "): events of that type; other lists keep what belongs to an article with such an event "
            "(claims: the claims holding one).",
        ),
        country: str | None = Query(
            None,
            description="An ISO 3166 alpha-2 code, any case: a place in that country or an event actor from "
            "it (places: the place's own country).",
        ),
        admin1: str | None = Query(
            None,
            description="A first-level division's name, ignoring case (e.g. Kharkiv Oblast): a place in it "
            "(events: a linked place in it).",
        ),
        source: str | None = Query(
            None, description="A claim's source or relay name (substring, ignoring case)."
        ),
        source_kind: str | None = Query(
            None, description="A claim's source or relay of this kind: " + " | ".join(SOURCE_KINDS) + "."
        ),
        certainty: str | None = Query(
            None,
            description="A claim with this evidential ("
            + " | ".join(EVIDENTIALS)
            + "); events: held by such a claim.",
        ),
        min_origins: int | None = Query(
            None, ge=0, description="The article's story has at least N independent origins."
        ),
        q: str | None = Query(
            None, description="Full-text query over the article's title and text (FTS5 syntax works)."
        ),
    ) -> None:
        self.checked: SharedFilters = check_shared_filters(
            since=since,
            until=until,
            type=type,
            country=country,
            admin1=admin1,
            source=source,
            source_kind=source_kind,
            certainty=certainty,
            min_origins=min_origins,
            search=q,
        )

    def kwargs(self) -> dict[str, Any]:
        """The filters as keyword arguments of the store's lists (``q`` is their ``search``)."""
        f = self.checked
        return {
            "since": f.since,
            "until": f.until,
            "type": f.type,
            "country": f.country,
            "admin1": f.admin1,
            "source": f.source,
            "source_kind": f.source_kind,
            "certainty": f.certainty,
            "min_origins": f.min_origins,
            "search": f.search,
        }
