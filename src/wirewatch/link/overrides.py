"""Analysts' story decisions: merge stories of one week into one, or take articles out of a story into a
story of their own. Each is kept as an override (``story_overrides``, with who, when and why) that every later
link applies, and the affected week is linked again at once. Used by the CLI and by the web app."""

from __future__ import annotations

from typing import Any

from wirewatch.errors import UsageError
from wirewatch.settings import Settings
from wirewatch.store.base import Store

__all__ = ["merge_stories", "split_story"]


def _stories(store: Store, story_ids: list[str]) -> list[dict[str, Any]]:
    found = []
    for sid in story_ids:
        story = store.story(sid)
        if story is None:
            raise UsageError(f"{sid}: no such story (see `wirewatch stories`)")
        found.append(story)
    return found


def _blocks(store: Store, stories: list[dict[str, Any]]) -> set[str]:
    from wirewatch.link.run import block_of

    published = {str(r["id"]): r.get("published") for r in store.link_articles()}
    return {block_of(published.get(a)) for s in stories for a in s["articles"]}


def _relink(store: Store, settings: Settings, blocks: set[str]) -> None:
    from wirewatch.link.run import link_store

    link_store(store, threshold=settings.link_threshold, blocks=blocks)


def merge_stories(
    store: Store, settings: Settings, story_ids: list[str], *, note: str | None = None, who: str = "local"
) -> tuple[str, int]:
    """Merge two or more stories of one week; returns the merged story's id and the override's id."""
    if len(set(story_ids)) < 2:
        raise UsageError("name at least two stories to merge")
    stories = _stories(store, list(dict.fromkeys(story_ids)))
    blocks = _blocks(store, stories)
    if len(blocks) > 1:
        raise UsageError(
            f"these stories are in different weeks ({', '.join(sorted(blocks))}); stories of different "
            "weeks are chained (`continues`), not merged"
        )
    articles = [a for s in stories for a in s["articles"]]
    oid = store.add_story_override("merge", articles, note, who=who)
    _relink(store, settings, blocks)
    return str(store.story_of(articles[0])), oid


def split_story(
    store: Store,
    settings: Settings,
    story_id: str,
    articles: list[str],
    *,
    note: str | None = None,
    who: str = "local",
) -> tuple[str, int]:
    """Take ``articles`` (ids or unique id prefixes) out of a story into one of their own; returns the new
    story's id and the override's id."""
    (story,) = _stories(store, [story_id])
    if not articles:
        raise UsageError("name the articles to take out of the story")
    chosen = []
    for given in articles:
        found = [a for a in story["articles"] if a.startswith(given)]
        if len(found) != 1:
            raise UsageError(
                f"{given}: not one article of story {story['id']} (see `wirewatch story {story['id']}`)"
            )
        chosen.append(found[0])
    if set(chosen) == set(story["articles"]):
        raise UsageError("that is every article of the story; name the ones to take out")
    oid = store.add_story_override("split", chosen, note, who=who)
    _relink(store, settings, _blocks(store, [story]))
    return str(store.story_of(chosen[0])), oid
