"""Certainty of a claim: evidential, strength, polarity, the hedge as written, and a yardstick probability.

Pure functions over two data files in ``data/`` (loaded once):

``certainty.tsv``
    terms (words and phrases) → evidential, strength, polarity and role (``cue``, ``hedge``, ``booster``,
    ``denial``). Seeded from two MIT lists (GenderGapTracker reporting verbs, wooorm/hedges); see its header.
``yardsticks.tsv``
    the UK PHIA probability yardstick and US ICD 203 bands, to whom they apply, and their names.

:func:`find_terms` finds every lexicon term in a string; :func:`grade` turns a claim's cue and window (the cue
and content, or the claim's sentence) into a :class:`Certainty`. The rules of :func:`grade`:

* Evidential starts at ``asserted`` with no cue, else at the cue's evidential (at least ``reported``; a cue
  that is not in the lexicon is ``reported``). Hedges in the window can only move it along
  asserted < reported < alleged < speculated ("allegedly" → alleged, "speculation" → speculated).
* A denial cue ("denied", "rejected", ...) gives ``reported / certain / negative`` whatever the window holds
  (the denied claim's own hedges, e.g. "allegations", belong to that claim). A denial word in the window
  counts only when there is no cue: with a cue, it is another attribution (a separate denial claim).
* Words whose role is ``cue`` count only as the cue, never as hedges found in the window ("cited by", "said").
* Strength: the strongest (certain > probable > possible) of the window's hedges and boosters; if none says
  anything, the cue's strength ("suggested" → possible). A negative hedge ("unlikely", "no evidence",
  "baseless") makes polarity negative. Plain grammatical negation ("not", "never") is left to the claims
  stage, which has the parse to find its scope.
* ``term`` is the hedge or booster as written in the window: the one that set the strength (first in the text
  among equals), else the one that set the evidential, else the first one; None when the window has none.
* ``probability`` only from a yardstick that applies (the text names it, or the source is a UK / US
  intelligence, military or defence body) and defines ``term``; everywhere else None.
* Unverifiable ("could not be independently verified", "unconfirmed") is ``reported / unknown``, not
  alleged: the writer passes the claim on without vouching for it; the words stay in ``term``.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "EVIDENTIALS",
    "POLARITIES",
    "ROLES",
    "STRENGTHS",
    "Certainty",
    "Entry",
    "Term",
    "Yardstick",
    "data_rows",
    "entries",
    "find_terms",
    "grade",
    "yardstick_for",
    "yardsticks",
]

EVIDENTIALS = ("asserted", "reported", "alleged", "speculated")  # in rising order of distance
STRENGTHS = ("unknown", "possible", "probable", "certain")  # in rising order
POLARITIES = ("positive", "negative")
ROLES = ("cue", "hedge", "booster", "denial")
CASES = ("any", "lower")

_DATA = "data"
# Source kinds a yardstick's 'kind=' list can name; 'government-defence' is a government body of defence.
_DEFENCE_NAME = re.compile(
    r"\b(?:defen[cs]e|mod|pentagon|war department|department of war|armed forces)\b", re.IGNORECASE
)
_SENTENCE_START = re.compile(r"(?:^|[.!?][\"”’')\]]*\s+|\n\s*)[\"“‘(\[]*$")


# --- the data ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of ``certainty.tsv``."""

    term: str
    evidential: str
    strength: str
    polarity: str
    role: str
    case: str = "any"
    source: str = "wirewatch"


@dataclass(frozen=True, slots=True)
class Term:
    """A lexicon hit in a string: ``text`` as written, ``start``/``end`` its char offsets (end exclusive)."""

    start: int
    end: int
    text: str
    entry: Entry

    @property
    def role(self) -> str:
        return self.entry.role


@dataclass(frozen=True, slots=True)
class Yardstick:
    """A probability yardstick: its bands (term → [lo, hi]), who it applies to, and its names."""

    name: str
    bands: dict[str, tuple[float, float]]
    countries: frozenset[str]
    kinds: frozenset[str]
    names: tuple[str, ...]


@dataclass(frozen=True)
class Certainty:
    """How sure a claim is (the interchange format's ``Certainty``)."""

    evidential: str
    strength: str
    polarity: str
    term: str | None = None
    probability: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "evidential": self.evidential,
            "strength": self.strength,
            "polarity": self.polarity,
            "term": self.term,
            "probability": list(self.probability) if self.probability is not None else None,
        }


def data_rows(name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of the tab-separated file ``claims/data/NAME`` with their line numbers (comments and blank
    lines skipped; the first other line names the columns); a row with the wrong number of columns fails."""
    text = resources.files("wirewatch.claims").joinpath(_DATA, name).read_text(encoding="utf-8")
    numbered = [(i, ln) for i, ln in enumerate(text.splitlines(), 1) if ln.strip() and not ln.startswith("#")]
    reader = csv.DictReader([ln for _, ln in numbered], delimiter="\t", quoting=csv.QUOTE_NONE)
    for (lineno, _), row in zip(numbered[1:], reader, strict=True):
        if None in row or any(v is None for v in row.values()):
            raise ValueError(f"{name}:{lineno}: wrong number of columns")
        yield lineno, {k: v.strip() for k, v in row.items()}


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").replace("‘", "'").split())


@cache
def entries() -> dict[str, Entry]:
    """The certainty lexicon, by term (lower case, single spaces)."""
    out: dict[str, Entry] = {}
    for lineno, r in data_rows("certainty.tsv"):
        e = Entry(
            _norm(r["term"]), r["evidential"], r["strength"], r["polarity"], r["role"], r["case"], r["source"]
        )
        bad = [
            (col, val)
            for col, val, ok in (
                ("evidential", e.evidential, EVIDENTIALS),
                ("strength", e.strength, STRENGTHS),
                ("polarity", e.polarity, POLARITIES),
                ("role", e.role, ROLES),
                ("case", e.case, CASES),
            )
            if val not in ok
        ]
        if not e.term or bad:
            raise ValueError(f"certainty.tsv:{lineno}: bad row {r}")
        if e.term in out:
            raise ValueError(f"certainty.tsv:{lineno}: duplicate term {e.term!r}")
        out[e.term] = e
    return out


@cache
def yardsticks() -> dict[str, Yardstick]:
    """The yardsticks of ``yardsticks.tsv``, by name."""
    bands: dict[str, dict[str, tuple[float, float]]] = {}
    countries: dict[str, set[str]] = {}
    kinds: dict[str, set[str]] = {}
    names: dict[str, list[str]] = {}
    for lineno, r in data_rows("yardsticks.tsv"):
        ys, what, value = r["yardstick"], r["what"], r["value"]
        bands.setdefault(ys, {})
        countries.setdefault(ys, set())
        kinds.setdefault(ys, set())
        names.setdefault(ys, [])
        if what == "band":
            lo, hi = float(r["lo"]), float(r["hi"])
            if not 0.0 <= lo <= hi <= 1.0:
                raise ValueError(f"yardsticks.tsv:{lineno}: bad band {lo}-{hi}")
            bands[ys][_norm(value)] = (lo, hi)
        elif what == "applies" and value.startswith("country="):
            countries[ys].update(value.removeprefix("country=").split("|"))
        elif what == "applies" and value.startswith("kind="):
            kinds[ys].update(value.removeprefix("kind=").split("|"))
        elif what == "named":
            names[ys].append(_norm(value))
        else:
            raise ValueError(f"yardsticks.tsv:{lineno}: bad row {r}")
    return {
        ys: Yardstick(ys, bands[ys], frozenset(countries[ys]), frozenset(kinds[ys]), tuple(names[ys]))
        for ys in bands
    }


def _phrase_pattern(term: str) -> str:
    words = [re.escape(w).replace("'", "['’]") for w in term.split(" ")]
    return r"\s+".join(words)


@cache
def _matcher() -> re.Pattern[str]:
    # Longest terms first, so that an alternation tried left to right takes the longest match at a position.
    terms = sorted(entries(), key=lambda t: (-len(t.split()), -len(t), t))
    return re.compile(r"(?<![\w'’-])(?:" + "|".join(_phrase_pattern(t) for t in terms) + r")(?![\w-])", re.I)


@cache
def _name_matcher() -> dict[str, re.Pattern[str]]:
    return {
        ys.name: re.compile(r"(?<!\w)(?:" + "|".join(_phrase_pattern(n) for n in ys.names) + r")(?!\w)", re.I)
        for ys in yardsticks().values()
        if ys.names
    }


# --- finding terms -------------------------------------------------------------------------------------


def _case_ok(text: str, start: int, end: int) -> bool:
    written = text[start:end]
    if written.islower():
        return True
    if written[:1].isupper() and written[1:].islower() and _SENTENCE_START.search(text[:start]):
        return re.match(r"\s*\d", text[end:]) is None
    return False


def find_terms(text: str) -> list[Term]:
    """Every lexicon term in ``text``: whole words, case-insensitive, longest match first, in text order."""
    lex = entries()
    out: list[Term] = []
    for m in _matcher().finditer(text):
        entry = lex[_norm(m.group())]
        if entry.case == "lower" and not _case_ok(text, m.start(), m.end()):
            continue
        out.append(Term(m.start(), m.end(), m.group(), entry))
    return out


# --- grading -------------------------------------------------------------------------------------------


def _cue_entry(cue: str) -> Entry | None:
    hit = entries().get(_norm(cue))
    if hit is not None:
        return hit
    found = find_terms(cue)
    for t in found:
        if t.role == "denial":
            return t.entry
    return found[0].entry if found else None


def yardstick_for(
    *, source_kind: str | None, source_country: str | None, source_name: str | None = None, text: str = ""
) -> Yardstick | None:
    """The yardstick that applies: one the text names, else the one of a UK / US intelligence or defence
    source (a ``government`` source counts when ``source_name`` names a defence body), else None."""
    named = _named_yardstick(text) if text else None
    if named is not None:
        return yardsticks()[named]
    if source_kind is None or source_country is None:
        return None
    kind = source_kind.lower()
    if kind == "government" and source_name and _DEFENCE_NAME.search(source_name):
        kind = "government-defence"
    country = source_country.upper()
    for ys in yardsticks().values():
        if country in ys.countries and kind in ys.kinds:
            return ys
    return None


@functools.lru_cache(maxsize=8)
def _named_yardstick(text: str) -> str | None:
    """The yardstick ``text`` names, if any (cached: every claim of an article asks about the same text)."""
    for name, pattern in _name_matcher().items():
        if pattern.search(text):
            return name
    return None


def _rank(order: tuple[str, ...], value: str) -> int:
    return order.index(value)


def grade(
    *,
    cue: str | None,
    window: str,
    source_kind: str | None = None,
    source_country: str | None = None,
    text: str = "",
    source_name: str | None = None,
    terms: list[Term] | None = None,
) -> Certainty:
    """Grade a claim from its cue (the attributing word as written, or None) and ``window`` (the cue and
    content, or the claim's sentence). ``source_kind`` / ``source_country`` / ``source_name`` describe the
    claim's first source and ``text`` is the article text (both only decide whether a yardstick applies).
    ``terms`` are the lexicon terms of ``window`` when the caller found them already (offsets into
    ``window``), e.g. from one :func:`find_terms` pass over the whole article."""
    cue_entry = _cue_entry(cue) if cue else None
    if cue_entry is not None and cue_entry.role == "denial":
        return Certainty("reported", "certain", "negative", None, None)

    hits = find_terms(window) if terms is None else terms
    if cue:
        # the cue's own occurrence in the window is the cue, not a hedge
        own = re.search(r"(?<!\w)" + _phrase_pattern(_norm(cue)) + r"(?!\w)", window, re.IGNORECASE)
        if own is not None:
            hits = [t for t in hits if t.end <= own.start() or t.start >= own.end()]
    qualifiers = [t for t in hits if t.role in ("hedge", "booster") or (t.role == "denial" and cue is None)]

    if cue is None:
        evidential, strength = "asserted", "unknown"
    elif cue_entry is None:
        evidential, strength = "reported", "unknown"
    else:
        evidential = max("reported", cue_entry.evidential, key=lambda v: _rank(EVIDENTIALS, v))
        strength = cue_entry.strength
    polarity = "positive"

    best_strength = max(
        (t for t in qualifiers), key=lambda t: _rank(STRENGTHS, t.entry.strength), default=None
    )
    best_evidential = max(
        (t for t in qualifiers if t.entry.evidential != "asserted"),
        key=lambda t: _rank(EVIDENTIALS, t.entry.evidential),
        default=None,
    )
    term_hit: Term | None = None
    if best_strength is not None and best_strength.entry.strength != "unknown":
        strength = best_strength.entry.strength
        term_hit = best_strength
    if best_evidential is not None:
        if _rank(EVIDENTIALS, best_evidential.entry.evidential) > _rank(EVIDENTIALS, evidential):
            evidential = best_evidential.entry.evidential
        term_hit = term_hit or best_evidential
    if any(t.entry.polarity == "negative" for t in qualifiers):
        polarity = "negative"
        if cue is None and any(t.role == "denial" for t in qualifiers):
            evidential = max(evidential, "reported", key=lambda v: _rank(EVIDENTIALS, v))
    if term_hit is None and qualifiers:
        term_hit = qualifiers[0]

    term = " ".join(term_hit.text.split()) if term_hit is not None else None
    probability: tuple[float, float] | None = None
    if term is not None:
        ys = yardstick_for(
            source_kind=source_kind,
            source_country=source_country,
            source_name=source_name,
            text=text or window,
        )
        if ys is not None:
            probability = ys.bands.get(_norm(term))
    return Certainty(evidential, strength, polarity, term, probability)
