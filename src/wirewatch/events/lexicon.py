"""The event stage's data: PLOVER taxonomy, ACLED types, trigger and instrument lexicons, and actor table.

Five tab-separated files in ``events/data/`` (each with a '#' header that says what its columns mean and where
it comes from), read once per process and checked against each other:

``plover.tsv``
    the 16 PLOVER 2.0 event types (:data:`PLOVER_TYPES`) and their modes (a row with an empty mode defines the
    type). Modes PLOVER does not list are marked "wirewatch extension" in the definition.
``acled.tsv``
    ACLED's 6 event types and 25 sub-event types with their disorder type, and the PLOVER type and mode
    wirewatch usually gives each.
``triggers.tsv``
    lemmas (one or more tokens) that say an event happened, with the part of speech of the first token, the
    PLOVER type and mode, the ACLED pair (or none) and a priority: when several fire in one clause the highest
    wins. :func:`triggers` indexes them by the first lemma.
``instruments.tsv``
    weapons and means ("drone", "artillery", "IED") that turn a generic trigger ("attack", "strike") into an
    ACLED sub-event and an ASSAULT mode. :func:`instruments` indexes them by the first word.
``actors.tsv``
    forces, governments, groups and victims as news names them: country, sector, ACLED actor name and
    interaction code. :func:`actor` looks up a phrase (case-insensitive, a leading "the" dropped; singular and
    plural only as the alias list spells them).

Every row is checked as it is read: a PLOVER type or mode, or an ACLED pair, that the taxonomy files do not
define, a bad part of speech, sector, country code, interaction code or priority, a duplicate key, or a wrong
number of columns raises ``ValueError`` naming ``file:line``. The ``_load_*`` functions take the file's path
(tests give them a broken copy); the public functions read the package's files and cache the result.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

__all__ = [
    "ACTOR_SECTORS",
    "PLOVER_TYPES",
    "POS_TAGS",
    "ActorEntry",
    "Instrument",
    "Trigger",
    "acled_disorder",
    "acled_pairs",
    "actor",
    "actor_entries",
    "instruments",
    "plover_modes",
    "triggers",
]

PLOVER_TYPES: tuple[str, ...] = (
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
POS_TAGS = ("VERB", "NOUN", "ANY")
ACTOR_SECTORS = (
    "military",
    "government",
    "intelligence",
    "police",
    "rebel",
    "militia",
    "civilians",
    "media",
    "international",
    "protesters",
    "other",
)
DISORDER_TYPES = (
    "Political violence",
    "Demonstrations",
    "Political violence; Demonstrations",
    "Strategic developments",
)

_DATA = "data"
_COUNTRY = re.compile(r"[A-Z]{2}")


# --- records ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Trigger:
    """One row of ``triggers.tsv``: lemmas that say an event happened and what event they say."""

    words: tuple[str, ...]
    pos: str
    plover: str
    mode: str | None
    acled_event_type: str | None
    acled_sub_event_type: str | None
    priority: int


@dataclass(frozen=True, slots=True)
class Instrument:
    """One row of ``instruments.tsv``: a weapon or means that sets a generic trigger's ACLED sub-event."""

    words: tuple[str, ...]
    acled_event_type: str
    acled_sub_event_type: str
    plover_mode: str | None
    priority: int


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """One row of ``actors.tsv``."""

    name: str
    aliases: tuple[str, ...]
    country: str | None
    sector: str
    acled_name: str | None
    inter: int | None


# --- reading ---------------------------------------------------------------------------------------------


def _data(name: str) -> Traversable:
    return resources.files("wirewatch.events").joinpath(_DATA, name)


def _rows(path: Traversable) -> Iterator[tuple[str, dict[str, str]]]:
    """The rows of a tab-separated data file as ``("name:line", row)`` (comments and blank lines skipped; the
    first other line names the columns); a row with the wrong number of columns raises ``ValueError``."""
    name = path.name
    text = path.read_text(encoding="utf-8")
    numbered = [(i, ln) for i, ln in enumerate(text.splitlines(), 1) if ln.strip() and not ln.startswith("#")]
    if not numbered:
        raise ValueError(f"{name}: no header line")
    reader = csv.DictReader([ln for _, ln in numbered], delimiter="\t", quoting=csv.QUOTE_NONE)
    for (lineno, _), row in zip(numbered[1:], reader, strict=True):
        where = f"{name}:{lineno}"
        if None in row or any(v is None for v in row.values()):
            raise ValueError(f"{where}: wrong number of columns")
        yield where, {k: v.strip() for k, v in row.items()}


def _opt(value: str) -> str | None:
    return value or None


def _int(where: str, column: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{where}: {column} {value!r} is not an integer") from None


def _words(where: str, value: str) -> tuple[str, ...]:
    words = tuple(value.split())
    if not words or value != value.lower():
        raise ValueError(f"{where}: words {value!r} must be non-empty lower case")
    return words


def _load_plover(path: Traversable) -> dict[str, frozenset[str]]:
    modes: dict[str, set[str]] = {}
    for where, row in _rows(path):
        kind, mode = row["type"], row["mode"]
        if kind not in PLOVER_TYPES:
            raise ValueError(f"{where}: unknown PLOVER type {kind!r}")
        if not row["definition"]:
            raise ValueError(f"{where}: empty definition")
        if not mode:
            if kind in modes:
                raise ValueError(f"{where}: type {kind} defined twice")
            modes[kind] = set()
            continue
        if kind not in modes:
            raise ValueError(f"{where}: mode {mode!r} before its type {kind}'s own row")
        if mode in modes[kind] or mode != mode.lower() or " " in mode:
            raise ValueError(f"{where}: duplicate or malformed mode {mode!r}")
        modes[kind].add(mode)
    missing = [t for t in PLOVER_TYPES if t not in modes]
    if missing:
        raise ValueError(f"{path.name}: types not defined: {', '.join(missing)}")
    return {t: frozenset(modes[t]) for t in PLOVER_TYPES}


def _load_acled(path: Traversable, modes: dict[str, frozenset[str]]) -> dict[tuple[str, str], str]:
    disorder: dict[tuple[str, str], str] = {}
    for where, row in _rows(path):
        pair = (row["event_type"], row["sub_event_type"])
        if not all(pair) or pair in disorder:
            raise ValueError(f"{where}: empty or duplicate pair {pair!r}")
        if row["disorder_type"] not in DISORDER_TYPES:
            raise ValueError(f"{where}: unknown disorder type {row['disorder_type']!r}")
        _check_plover(where, row["plover"], row["plover_mode"], modes, required=False)
        disorder[pair] = row["disorder_type"]
    return disorder


def _check_plover(
    where: str, kind: str, mode: str, modes: dict[str, frozenset[str]], *, required: bool = True
) -> None:
    if not kind and not required and not mode:
        return
    if kind not in modes:
        raise ValueError(f"{where}: unknown PLOVER type {kind!r}")
    if mode and mode not in modes[kind]:
        raise ValueError(f"{where}: {mode!r} is not a mode of {kind}")


def _check_acled(where: str, event_type: str, sub: str, pairs: frozenset[tuple[str, str]]) -> None:
    if (event_type or sub) and (event_type, sub) not in pairs:
        raise ValueError(f"{where}: ({event_type!r}, {sub!r}) is not an ACLED event / sub-event type")


def _by_first(items: list[Trigger]) -> dict[str, list[Trigger]]:
    index: dict[str, list[Trigger]] = {}
    for item in items:
        index.setdefault(item.words[0], []).append(item)
    for entries in index.values():
        entries.sort(key=lambda e: (-e.priority, -len(e.words), e.words))
    return index


def _load_triggers(path: Traversable) -> dict[str, list[Trigger]]:
    modes, pairs = plover_modes(), acled_pairs()
    seen: set[tuple[tuple[str, ...], str]] = set()
    items: list[Trigger] = []
    for where, row in _rows(path):
        words = _words(where, row["words"])
        if row["pos"] not in POS_TAGS:
            raise ValueError(f"{where}: pos {row['pos']!r} is not one of {', '.join(POS_TAGS)}")
        if (words, row["pos"]) in seen:
            raise ValueError(f"{where}: duplicate trigger {row['words']!r} {row['pos']}")
        seen.add((words, row["pos"]))
        _check_plover(where, row["plover"], row["mode"], modes)
        _check_acled(where, row["acled_event_type"], row["acled_sub_event_type"], pairs)
        items.append(
            Trigger(
                words=words,
                pos=row["pos"],
                plover=row["plover"],
                mode=_opt(row["mode"]),
                acled_event_type=_opt(row["acled_event_type"]),
                acled_sub_event_type=_opt(row["acled_sub_event_type"]),
                priority=_int(where, "priority", row["priority"]),
            )
        )
    return _by_first(items)


def _load_instruments(path: Traversable) -> dict[str, list[Instrument]]:
    modes, pairs = plover_modes(), acled_pairs()
    seen: set[tuple[str, ...]] = set()
    index: dict[str, list[Instrument]] = {}
    for where, row in _rows(path):
        words = _words(where, row["words"])
        if words in seen:
            raise ValueError(f"{where}: duplicate instrument {row['words']!r}")
        seen.add(words)
        if not row["acled_event_type"]:
            raise ValueError(f"{where}: an instrument needs an ACLED pair")
        _check_acled(where, row["acled_event_type"], row["acled_sub_event_type"], pairs)
        _check_plover(where, "ASSAULT", row["plover_mode"], modes)
        item = Instrument(
            words=words,
            acled_event_type=row["acled_event_type"],
            acled_sub_event_type=row["acled_sub_event_type"],
            plover_mode=_opt(row["plover_mode"]),
            priority=_int(where, "priority", row["priority"]),
        )
        index.setdefault(words[0], []).append(item)
    for entries in index.values():
        entries.sort(key=lambda e: (-e.priority, -len(e.words), e.words))
    return index


def _norm(text: str) -> str:
    text = " ".join(text.lower().replace("’", "'").replace("‘", "'").split())
    return text[4:] if text.startswith("the ") else text


def _load_actors(path: Traversable) -> tuple[tuple[ActorEntry, ...], dict[str, ActorEntry]]:
    entries: list[ActorEntry] = []
    index: dict[str, ActorEntry] = {}
    for where, row in _rows(path):
        aliases = tuple(a.strip() for a in row["aliases"].split("|") if a.strip())
        if not row["name"] or any(a != a.lower() for a in aliases):
            raise ValueError(f"{where}: empty name or an alias not in lower case")
        if row["sector"] not in ACTOR_SECTORS:
            raise ValueError(f"{where}: sector {row['sector']!r} is not one of {', '.join(ACTOR_SECTORS)}")
        if row["country"] and not _COUNTRY.fullmatch(row["country"]):
            raise ValueError(f"{where}: country {row['country']!r} is not an ISO 3166-1 alpha-2 code")
        inter = _int(where, "inter", row["inter"]) if row["inter"] else None
        if inter is not None and not 1 <= inter <= 8:
            raise ValueError(f"{where}: inter {inter} is not an ACLED interaction code (1-8)")
        entry = ActorEntry(
            name=row["name"],
            aliases=aliases,
            country=_opt(row["country"]),
            sector=row["sector"],
            acled_name=_opt(row["acled_name"]),
            inter=inter,
        )
        for key in {_norm(entry.name), *(_norm(a) for a in aliases)}:
            other = index.get(key)
            if other is not None and other.name != entry.name:
                raise ValueError(f"{where}: {key!r} already names {other.name!r}")
            index[key] = entry
        entries.append(entry)
    return tuple(entries), index


# --- the API ---------------------------------------------------------------------------------------------


@cache
def plover_modes() -> dict[str, frozenset[str]]:
    """Each PLOVER type (all 16, in :data:`PLOVER_TYPES` order) → its modes (empty set when it has none)."""
    return _load_plover(_data("plover.tsv"))


@cache
def _acled() -> dict[tuple[str, str], str]:
    return _load_acled(_data("acled.tsv"), plover_modes())


def acled_pairs() -> frozenset[tuple[str, str]]:
    """All ACLED (event type, sub-event type) pairs."""
    return frozenset(_acled())


def acled_disorder(event_type: str, sub_event_type: str) -> str | None:
    """ACLED's disorder type for the pair, or None when the pair is not ACLED's."""
    return _acled().get((event_type, sub_event_type))


@cache
def triggers() -> dict[str, list[Trigger]]:
    """Triggers keyed by their first lemma (lower case); each list highest priority first, then longest."""
    return _load_triggers(_data("triggers.tsv"))


@cache
def instruments() -> dict[str, list[Instrument]]:
    """Instruments keyed by their first word (lower case); each list highest priority first, then longest."""
    return _load_instruments(_data("instruments.tsv"))


@cache
def _actors() -> tuple[tuple[ActorEntry, ...], dict[str, ActorEntry]]:
    return _load_actors(_data("actors.tsv"))


def actor_entries() -> tuple[ActorEntry, ...]:
    """Every row of ``actors.tsv``, in file order."""
    return _actors()[0]


def actor(text: str) -> ActorEntry | None:
    """The actor whose name or an alias is ``text`` (case-insensitive, whitespace collapsed, curly quotes
    straightened, a leading "the" dropped); None when none is. No inflection: "Russian force" matches only
    because the alias list holds it."""
    return _actors()[1].get(_norm(text))
