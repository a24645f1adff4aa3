"""Sources: who holds a claim, as a span with a normalised name, a kind and a country.

:class:`Sources` is made once per article. :meth:`Sources.of` turns a token range of the parse (a subject,
an agent, the object of "according to") into ``Source`` dicts of the interchange format, one per
coordinated name ("the Kyiv Post and Interfax-Ukraine" gives two), and remembers them so that later
pronouns ("He"), titles ("the minister") and short names ("Kim") resolve to the full source. The span always
stays the words as written; name, kind and country come from the resolved source.

Naming, in order: the nlp lexicon (outlets, agencies, bodies: "Ukrainian public broadcaster Suspilne" is
Suspilne, an outlet of UA), capitals and seats of power (``data/seats.tsv``: "Pyongyang" is KP's
government), country names (a government), a PERSON entity (its kind from the title nearest the name,
``data/source_words.tsv``: "Defense Minister Kim Yong-hyun" is government), else the phrase without its
determiner, its kind from the words in it ("Ukrainian intelligence officials" is intelligence). The
country comes from the lexicon, else from the first demonym or country name in the phrase.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from spacy.tokens import Doc, Span, Token

from wirewatch.claims.certainty import data_rows
from wirewatch.claims.spans import span, trim
from wirewatch.nlp import lexicon

__all__ = ["KIND_ORDER", "Sources", "seat", "source_words"]

KIND_ORDER = ("intelligence", "military", "government", "outlet", "document", "expert", "official",
              "anonymous", "organization", "person")  # fmt: skip
"""When several words of a phrase name a kind, the earliest kind here wins."""

_LEXICON_KIND = {"outlet": "outlet", "agency": "outlet", "government": "government", "military": "military",
                 "intelligence": "intelligence", "organization": "organization"}  # fmt: skip
PERSONAL = frozenset({"he", "she", "him", "her", "his"})
PLURAL = frozenset({"they", "them", "their", "its"})  # "its" resolves like "they": to a body, not a person
PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "us", "me", "his",
                      "their", "its", "our", "my", "your"})  # fmt: skip
_AGE = re.compile(r",\s*\d{1,3}$")
_CLOCK = re.compile(r"^\d{1,2}[:.]\d{2}$")
_STRIP_WORDS = ("the ", "a ", "an ", "both ", "either ", "neither ")


@cache
def source_words() -> dict[str, tuple[str, bool]]:
    """``data/source_words.tsv``: lower-case word → (kind, whether it is a person's title)."""
    return {r["word"]: (r["kind"], r["title"] == "yes") for _, r in data_rows("source_words.tsv")}


@cache
def _seats() -> dict[str, tuple[str, str]]:
    return {r["name"].lower(): (r["country"], r["kind"]) for _, r in data_rows("seats.tsv")}


def seat(name: str) -> tuple[str, str] | None:
    """(country, kind) of a capital or seat of power named ``name`` ("the Kremlin" → ("RU", "government"))."""
    key = name.strip().lower()
    if key.startswith("the "):
        key = key[4:]
    return _seats().get(key)


def _known(name: str, *, countries: bool = True) -> dict[str, Any] | None:
    """Name, kind and country of an outlet, agency or body of the lexicon, a seat of power ("Pyongyang"),
    or (with ``countries``) a country, which stands for its government."""
    info = lexicon().lookup(name)
    if info is not None and info.kind in _LEXICON_KIND:
        return {"name": info.name, "kind": _LEXICON_KIND[info.kind], "country": info.country}
    where = seat(name)
    if where is not None:
        return {"name": _strip_det(name), "kind": where[1], "country": where[0]}
    code = lexicon().country(name) if countries else None
    if code is not None:
        return {"name": _strip_det(name), "kind": "government", "country": code}
    return None


def _strip_det(text: str) -> str:
    lower = text.lower()
    for word in _STRIP_WORDS:
        if lower.startswith(word):
            return text[len(word) :]
    return text


class Sources:
    """Names the sources of one article and remembers them for later references."""

    def __init__(self, doc: Doc, text: str) -> None:
        self.doc = doc
        self.text = text
        self.history: list[dict[str, Any]] = []
        self.ents = tuple(doc.ents)  # spaCy builds new Span objects on every ``doc.ents``
        self._starts = [e.start for e in self.ents]
        self._end_chars = [e.end_char for e in self.ents]
        self._person_names = frozenset(e.text for e in self.ents if e.label_ == "PERSON")

    def _ents_in(self, first: int, last: int) -> list[Span]:
        """The entities inside tokens ``first..last`` (found by bisection: articles can be long)."""
        out = []
        for k in range(bisect.bisect_left(self._starts, first), len(self.ents)):
            ent = self.ents[k]
            if ent.start > last:
                break
            if ent.end <= last + 1:
                out.append(ent)
        return out

    def _ents_before(self, char: int, limit: int = 300) -> Iterator[Span]:
        """Entities ending at or before ``char``, nearest first."""
        hi = bisect.bisect_right(self._end_chars, char)
        for k in range(hi - 1, max(-1, hi - 1 - limit), -1):
            yield self.ents[k]

    # --- spans -------------------------------------------------------------------------------------------

    def _char_range(self, first: int, last: int) -> tuple[int, int] | None:
        if last < first:
            return None
        return trim(self.text, self.doc[first].idx, self.doc[last].idx + len(self.doc[last].text))

    def _span(self, start: int, end: int) -> dict[str, Any]:
        return span(self.text, start, end)

    # --- the public entry ----------------------------------------------------------------------------------

    def of(self, first: int, last: int, *, remember: bool = True) -> list[dict[str, Any]]:
        """The sources named by tokens ``first..last`` (inclusive): one per coordinated name."""
        while first < last and (self.doc[first].lower_ in ("both", "either", "neither", "a.m.", "p.m.")
                                or _CLOCK.match(self.doc[first].text)):  # fmt: skip
            first += 1  # "2:14 p.m. Senate Majority Leader ...": a live blog's timestamp is not the source
        sources = [s for s in (self.one(a, b) for a, b in self._coordinated(first, last)) if s is not None]
        if remember:
            self.history.extend(s for s in sources if s["name"].lower() not in PRONOUNS)
        return sources

    def _coordinated(self, first: int, last: int) -> list[tuple[int, int]]:
        """Split "A and B" / "A, B and C" into their ranges, unless the whole is one known name.

        The members are the phrase head and its chain of ``conj`` children; each split is the last "and",
        "or", "&" or comma before a member (the parser often attaches the "and" elsewhere)."""
        doc = self.doc
        head = self._head(first, last)
        members = [head]
        while True:
            nxt = [c for c in members[-1].children if c.dep_ == "conj" and members[-1].i < c.i <= last]
            if not nxt:
                break
            members.append(nxt[0])
        if len(members) == 1:
            return [(first, last)]
        whole = self._char_range(first, last)
        if whole is not None:
            name = _strip_det(self.text[whole[0] : whole[1]])
            if lexicon().lookup(name) or lexicon().country(name):
                return [(first, last)]
        cuts: list[int] = []
        for prev, member in itertools.pairwise(members):
            between = [t.i for t in doc[prev.i + 1 : member.i] if t.lower_ in ("and", "or", "&", ",")]
            if between:
                cuts.append(between[-1])
        ranges: list[tuple[int, int]] = []
        lo = first
        for cut in cuts:
            ranges.append((lo, cut - 1))
            lo = cut + 1
            while lo <= last and doc[lo].lower_ in ("and", "or", "&", ",", "both"):
                lo += 1
        ranges.append((lo, last))
        return [(a, b) for a, b in ranges if a <= b]

    def one(self, first: int, last: int) -> dict[str, Any] | None:
        """One source for tokens ``first..last``; pronouns, titles and short names are resolved."""
        se = self._char_range(first, last)
        if se is None:
            return None
        span = self._span(*se)
        text = span["text"]
        lower = text.lower()
        if lower in PRONOUNS:
            found = self._antecedent(se[0], lower) if lower in PERSONAL | PLURAL else None
            if found is not None:
                return {**found, "span": span}
            return {"name": text, "kind": "unknown", "country": None, "span": span}
        name = _AGE.sub("", _strip_det(text))  # "Ramos, 58" is Ramos
        short = len([t for t in self.doc[first : last + 1] if t.lower_ not in ("the", "a", "an")]) <= 2
        referred = self._reference(first, last, name, se[0]) if short else None
        if referred is not None:
            return {**referred, "span": span}
        known = self._named(first, last, name)
        if known is not None:
            return {**known, "span": span}
        return {"name": name, "kind": self._kind(first, last), "country": self._country(first, last),
                "span": span}  # fmt: skip

    # --- naming --------------------------------------------------------------------------------------------

    def _named(self, first: int, last: int, name: str) -> dict[str, Any] | None:
        """A source named by the lexicon, a seat of power, a country, or a PERSON entity."""
        known = _known(name)
        if known is not None:
            return known
        head = self._head(first, last)
        # the entity that holds the phrase's head names it ("Ukrainian public broadcaster Suspilne")
        for ent in self._ents_in(first, last):
            if ent.label_ in ("ORG", "PERSON", "GPE", "NORP", "FAC") and ent.start <= head.i < ent.end:
                known = _known(ent.text, countries=False)
                if known is not None:
                    return known
                if ent.label_ == "PERSON":
                    return self._person(ent.text, first, ent.start)
        return None

    def _person(self, name: str, first: int, name_start: int) -> dict[str, Any]:
        """A person: the title nearest before the name gives the kind; a source seen before keeps its own."""
        for prev in reversed(self.history):
            if prev["name"] == name and prev["kind"] != "person":
                return {"name": name, "kind": prev["kind"], "country": prev["country"]}
        words = source_words()
        kind = "person"
        for tok in reversed(self.doc[first:name_start]):
            entry = words.get(tok.lower_)
            if entry is not None and entry[1]:
                kind = "official" if entry[0] == "official" else entry[0]
                break
        return {"name": name, "kind": kind, "country": self._country(first, name_start - 1)}

    def _head(self, first: int, last: int) -> Token:
        toks = self.doc[first : last + 1]
        outside = [t for t in toks if not (first <= t.head.i <= last) or t.head.i == t.i]
        return outside[0] if outside else toks[-1]

    def _kind(self, first: int, last: int) -> str:
        words = source_words()
        kinds = {words[t.lower_][0] for t in self.doc[first : last + 1] if t.lower_ in words}
        for ent in self._ents_in(first, last):
            if ent.label_ in ("ORG", "NORP", "GPE"):
                kinds.add("organization")
            if ent.label_ == "PERSON":
                kinds.add("person")
        for kind in KIND_ORDER:
            if kind in kinds:
                return kind
        return "unknown"

    def _country(self, first: int, last: int) -> str | None:
        lex = lexicon()
        for ent in self._ents_in(first, last):
            if ent.label_ in ("GPE", "NORP"):
                code = lex.country(ent.text) or lex.demonym(ent.text)
                if code:
                    return code
        toks = self.doc[first : last + 1]
        for i in range(len(toks)):
            for n in (3, 2, 1):  # "North Korea’s Mission": two-word country names first
                if i + n <= len(toks):
                    words = toks[i : i + n].text
                    code = lex.demonym(words) or lex.country(words)
                    if code:
                        return code
        return None

    # --- references ----------------------------------------------------------------------------------------

    def _reference(self, first: int, last: int, name: str, before: int) -> dict[str, Any] | None:
        """ "the minister" → the last source whose phrase holds that title; "Kim" → the last "Kim ..."."""
        toks = [t for t in self.doc[first : last + 1] if t.lower_ not in ("the", "a", "an", "'s", "’s")]
        if not toks:
            return None
        words = source_words()
        if all(t.lower_ in words and words[t.lower_][1] for t in toks[-1:]) and len(toks) <= 2:
            title = toks[-1].lower_
            for prev in reversed(self.history):
                span = prev.get("span")
                if span and span["start"] < before and title in span["text"].lower().split():
                    return {k: v for k, v in prev.items() if k != "span"}
            for ent in self._ents_before(
                before
            ):  # "Defense Minister Kim Yong-hyun arrived. The minister said"
                if ent.label_ == "PERSON":
                    lead = self._title_start(ent.start)
                    if title in (t.lower_ for t in self.doc[lead : ent.start]):
                        return self._person(ent.text, lead, ent.start)
            return None
        if len(toks) == 1 and toks[0].pos_ == "PROPN":
            short = toks[0].text
            for prev in reversed(self.history):
                span = prev.get("span")
                if (
                    span
                    and span["start"] < before
                    and short in prev["name"].split()
                    and prev["name"] != short
                ):
                    return {k: v for k, v in prev.items() if k != "span"}
            for ent in self._ents_before(before):
                longer = ent.text != short and short in ent.text.split()
                if ent.label_ == "PERSON" and longer:
                    return self._person(ent.text, self._title_start(ent.start), ent.start)
        return None

    def _title_start(self, name_start: int) -> int:
        """The first token of the title words and demonyms before a name ("South Korean Defense Minister")."""
        i = name_start
        while i > 0 and i > name_start - 6:
            prev = self.doc[i - 1]
            if prev.pos_ in ("PROPN", "ADJ", "NOUN") and prev.dep_ in ("compound", "amod", "nmod"):
                i -= 1
            else:
                break
        return i

    def _antecedent(self, before: int, pronoun: str) -> dict[str, Any] | None:
        """The nearest earlier source (a person for he / she), else the nearest earlier entity."""
        person = pronoun in PERSONAL
        people = ("person", "government", "military", "intelligence", "official", "expert")
        best: dict[str, Any] | None = None
        best_at = -1
        recent = self.history[-60:]  # sentence by sentence, so the last ones are the nearest
        for prev in recent:
            span = prev.get("span")
            at = span["end"] if span else -1
            if not (best_at < at <= before):
                continue
            if person and (prev["kind"] not in people or not self._is_person_name(prev)):
                continue
            if not person and prev["kind"] == "person":
                continue
            best, best_at = {k: v for k, v in prev.items() if k != "span"}, at
        labels = ("PERSON",) if person else ("ORG", "GPE")
        for ent in self._ents_before(before):
            if ent.end_char <= best_at:
                break
            if ent.label_ not in labels:
                continue
            if any(p.get("span") and p["span"]["start"] <= ent.start_char < p["span"]["end"] for p in recent):
                continue  # inside a remembered source: that source (with its kind) is the better name
            if person:
                return self._person(ent.text, self._title_start(ent.start), ent.start)
            return self._entity(ent.text)
        return best

    def _is_person_name(self, source: dict[str, Any]) -> bool:
        if source["kind"] == "person":
            return True
        return source["name"] in self._person_names

    @staticmethod
    def _entity(text: str) -> dict[str, Any]:
        return _known(text) or {"name": _strip_det(text), "kind": "organization", "country": None}
