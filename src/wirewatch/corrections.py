"""Analysts' corrections, applied over the machine's records when they are read (API, pages, exports).

A correction never changes a stored record: it is a row of ``corrections`` (who, when, why), applied in
creation order:

* ``reject`` (claim, event, place): the record is left out;
* ``set_type`` (event): the PLOVER type is the value; the ACLED pair is cleared unless the value is the type
  the record had;
* ``set_date`` (event): ``when`` becomes the value's day (``YYYY-MM-DD``), precision ``day``;
* ``pick_candidate`` (place): the place becomes its candidate with the value's GeoNames id (name, level,
  country, admin-1, coordinates), ``approximate`` as the candidate says.

A corrected record carries ``corrections``: the ids applied. A correction whose ``anchor`` (the record's span
text when it was made) no longer matches the record is **stale** (a reprocess moved the record): it is not
applied, and :func:`apply` reports it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["ACTIONS", "KIND_OF", "anchor_of", "apply", "check", "corrected", "kind_of"]

ACTIONS = {
    "claim": ("reject",),
    "event": ("reject", "set_type", "set_date"),
    "place": ("reject", "pick_candidate"),
}
KIND_OF = {"c": "claim", "e": "event", "p": "place"}


def kind_of(target: str) -> str | None:
    """``"claim"``, ``"event"`` or ``"place"`` from a record id (``ARTICLE:c3``), else None."""
    _, _, local = target.rpartition(":")
    return KIND_OF.get(local[:1]) if local[1:].isdigit() else None


def anchor_of(record: Mapping[str, Any]) -> str | None:
    """The text a record points at: a claim's content, an event's trigger, a place's mention."""
    for key in ("content", "trigger", "mention"):
        span = record.get(key)
        if isinstance(span, Mapping) and span.get("text") is not None:
            return str(span["text"])
    return None


def check(kind: str, action: str, value: Any, record: Mapping[str, Any]) -> str | None:
    """Why ``action`` with ``value`` can't apply to ``record`` (one line), else None."""
    if action not in ACTIONS.get(kind, ()):
        return f"a {kind} can be corrected with {', '.join(ACTIONS.get(kind, ()))}, not {action!r}"
    if action == "set_type":
        from wirewatch.store.base import EVENT_TYPES

        if str(value).upper() not in EVENT_TYPES:
            return f"the type must be a PLOVER type ({', '.join(EVENT_TYPES)}), not {value!r}"
    if action == "set_date":
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            return f"the date must be YYYY-MM-DD, not {value!r}"
    if action == "pick_candidate" and not any(
        str(c.get("geonameid")) == str(value) for c in record.get("candidates") or ()
    ):
        return f"{value!r} is not the GeoNames id of one of this place's candidates"
    return None


def apply(
    records: Iterable[dict[str, Any]], corrections: Sequence[Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], list[int]]:
    """The records with the corrections applied (rejected ones left out), and the ids of stale corrections."""
    by_target: dict[str, list[Mapping[str, Any]]] = {}
    for c in corrections:
        by_target.setdefault(str(c["target"]), []).append(c)
    out: list[dict[str, Any]] = []
    stale: list[int] = []
    for record in records:
        mine = by_target.get(str(record.get("id")))
        if not mine:
            out.append(record)
            continue
        fixed = dict(record)
        applied: list[int] = []
        rejected = False
        for c in mine:
            if c.get("anchor") is not None and anchor_of(record) != c.get("anchor"):
                stale.append(int(c["id"]))
                continue
            applied.append(int(c["id"]))
            action, value = c["action"], c.get("value")
            if action == "reject":
                rejected = True
            elif action == "set_type":
                new = str(value).upper()
                if new != record.get("type"):
                    fixed["acled"] = None
                fixed["type"] = new
            elif action == "set_date":
                fixed["when"] = {
                    **(fixed.get("when") or {}),
                    "start": value,
                    "end": value,
                    "precision": "day",
                }
            elif action == "pick_candidate":
                chosen = next(
                    x for x in record.get("candidates") or () if str(x.get("geonameid")) == str(value)
                )
                for key in ("name", "geonameid", "level", "country", "admin1", "lat", "lon"):
                    if key in chosen:
                        fixed[key] = chosen[key]
        if rejected:
            continue
        if applied:
            fixed["corrections"] = applied
        out.append(fixed if applied else record)
    return out, stale


def corrected(store: Any, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``records`` (claims, events or places as the store lists them) with their corrections applied; an
    event's ``places`` too."""
    ids = [str(r.get("id")) for r in records]
    ids += [str(p.get("id")) for r in records for p in r.get("places") or ()]
    found = store.corrections(targets=ids) if ids else []
    if not found:
        return records
    fixed, _ = apply(records, found)
    for r in fixed:
        if r.get("places"):
            r["places"], _ = apply(r["places"], found)
    return fixed
