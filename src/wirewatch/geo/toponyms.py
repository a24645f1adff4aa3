"""Finding toponyms in a parsed article: which character spans name a place, and how.

The statistical model's ``GPE``, ``LOC`` and ``FAC`` entities are the start, and the entity ruler has
already fixed the labels of oblasts and frontline towns, split "Kursk and Bryansk oblasts" into two
entities and dropped "the" and "'s" (:mod:`wirewatch.nlp.ruler`). On top of them this module adds what
Mordecai 3's error analysis says NER misses in news:

* demonyms as country references ("Russian forces", "the Ukrainian border"), ``use="demonym"``; kept only
  when the ``geo_demonyms`` setting is on, except inside a border or territory phrase, which always names a
  place (docs/data_format.md);
* toponyms inside organisation and facility names ("Kharkiv Regional Military Administration",
  "University of California", "The Washington Post"), ``use="embedded"``: a Title-case run of one to three
  tokens that names a country, region, admin-1 or a populated place of at least
  :data:`EMBEDDED_MIN_POPULATION` people in the gazetteer (or a demonym);
* the designation after a name ("Donetsk Oblast", "Kursk and Bryansk oblasts", "Rapides Parish"), kept as
  :attr:`Mention.designation` so the resolver prefers an administrative area over the city of that name.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from wirewatch.geo.gazetteer import Entry, Gazetteer
from wirewatch.geo.names import key
from wirewatch.nlp import lexicon

__all__ = ["ADMIN_WORDS", "EMBEDDED_MIN_POPULATION", "Mention", "find"]

ADMIN_WORDS: dict[str, str] = {
    "oblast": "admin1",
    "oblasts": "admin1",
    "region": "admin1",
    "regions": "admin1",
    "province": "admin1",
    "provinces": "admin1",
    "governorate": "admin1",
    "governorates": "admin1",
    "krai": "admin1",
    "kray": "admin1",
    "state": "admin1",
    "prefecture": "admin1",
    "district": "admin2",
    "districts": "admin2",
    "raion": "admin2",
    "rayon": "admin2",
    "county": "admin2",
    "counties": "admin2",
    "parish": "admin2",
    "municipality": "admin2",
    "hromada": "admin2",
}
"""A word after a name that says which administrative level it names."""

_SETTLEMENT_WORDS = frozenset({"city", "town", "village", "settlement", "villages", "towns"})
_BORDER_WORDS = frozenset({"border", "borders", "frontier", "territory", "territories", "soil", "airspace"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_HOST_LABELS = frozenset({"ORG", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT", "LAW"})
_EMBEDDED_LEVELS = frozenset({"country", "region", "admin1", "continent"})
EMBEDDED_MIN_POPULATION = 100_000
"""A populated place must be at least this big to count inside an organisation's name: "Washington" in
"The Washington Post" counts, a hamlet called "Liga" in an outlet's name does not."""


@dataclass(frozen=True, slots=True)
class Mention:
    """One toponym as written: ``[start, end)`` of the article text."""

    start: int
    end: int
    text: str
    name: str  # what to look up: the mention without a designation word
    use: str  # literal | demonym | embedded
    designation: str | None = None  # admin1 | admin2 | populated, from a following or inner word
    designation_word: str | None = None  # the word as written ("oblasts", "Parish")
    country: str | None = None  # known from the lexicon (a country name or a demonym)
    sentence: int = 0  # the index of its sentence, for context windows
    label: str = ""  # the entity label it came from
    border: bool = False  # followed by "border" / "territory" / ...


def find(doc: Doc, gazetteer: Gazetteer, *, demonyms: bool = True, text: str | None = None) -> list[Mention]:
    """Every toponym in ``doc``, in text order, one per span (no overlaps). ``text`` is ``doc.text`` when
    the caller has it (spaCy builds that string anew from every token at each access)."""
    text = doc.text if text is None else text
    lex = lexicon()
    sent_of = _Sentences(doc)
    name_words: frozenset[str] | None = None
    out: list[Mention] = []
    for ent in doc.ents:
        if ent.label_ in _PLACE_LABELS:
            m = _literal(ent, sent_of)
            if m is not None and (ent.label_ != "FAC" or gazetteer.lookup(m.name, limit=1)):
                out.append(m)
        elif ent.label_ == "NORP":
            code = lex.demonym(ent.text)
            border = _border_after(ent)
            known = code is not None or any(e.kind == "demonym" for e in gazetteer.lookup(ent.text, limit=5))
            if known and (demonyms or border):
                out.append(
                    Mention(
                        ent.start_char,
                        ent.end_char,
                        ent.text,
                        ent.text,
                        "demonym",
                        country=code,
                        sentence=sent_of[ent.start],
                        label=ent.label_,
                        border=border,
                    )
                )
        elif ent.label_ in _MISFILED_LABELS and not ent.ent_id_:
            if name_words is None:
                name_words = _person_name_words(doc)
            m = _misfiled(ent, gazetteer, sent_of, name_words)
            if m is not None:
                out.append(m)
                continue
        if ent.label_ in _HOST_LABELS:
            out.extend(_embedded(ent, gazetteer, sent_of, demonyms=demonyms))
    out.extend(_unlabelled(doc, text, gazetteer, sent_of))
    out.sort(key=lambda m: (m.start, -m.end))
    kept: list[Mention] = []
    for m in out:
        if kept and m.start < kept[-1].end:
            continue
        kept.append(m)
    return kept


_GENERIC_WORDS = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "upper",
        "lower",
        "new",
        "great",
        "united",
        "national",
        "international",
        "royal",
        "republic",
        "federal",
        "capital",
        "metropolitan",
        "regional",
        "state",
        "city",
        "county",
        "atlantic",
        "pacific",
        "global",
        "world",
    ]
)
"""Words that name places in a gazetteer ("North Province", "Capital") but, alone inside an organisation's
name, describe it ("North Atlantic Treaty Organization", "Capital One")."""
_MISFILED_LABELS = frozenset({"ORG", "PERSON", "WORK_OF_ART", "PRODUCT"})
_LOCATIVE = frozenset({"in", "near", "at", "outside", "from", "to", "toward", "towards", "into", "across"})
_MISFILED_MIN_POPULATION = 20_000
_UNLABELLED_MIN_POPULATION = 5_000
_AFTER_LOCATIVE = re.compile(
    r"\b(?:in|near|at|outside|from|to|toward|towards|into|across) "
    r"((?:[A-Z][\w'’.-]*)(?: [A-Z][\w'’.-]*){0,2})"
)
_DATELINE = re.compile(r"^([A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3})(?=,| \(| ?[—–-] )", re.M)


def _exact(entries: list[Entry], text: str) -> list[Entry]:
    """Entries named exactly ``text`` (main name or abbreviation, not a stray alternate spelling)."""
    k = key(text)
    return [e for e in entries if e.kind in {"name", "abbreviation"} or key(e.name) == k]


def _is_place_name(gazetteer: Gazetteer, text: str, min_population: int, *, admin2: bool = False) -> bool:
    for e in _exact(gazetteer.lookup(text, limit=30), text):
        if e.level in {"country", "admin1", "region", "continent"} or (admin2 and e.level == "admin2"):
            return True
        if e.level == "populated" and e.population >= min_population:
            return True
    return False


def _misfiled(
    ent: Span, gazetteer: Gazetteer, sent_of: _Sentences, name_words: frozenset[str]
) -> Mention | None:
    """A whole ORG or PERSON entity that names a place: "Minnesota", "Tamil Nadu", "Walker County",
    "Alexandria" after "in" or before ", La."; a person's name ("Jackson" said) is left alone unless a
    preposition of place or an apposition says otherwise."""
    doc = ent.doc
    words = [t for t in ent if not t.is_punct]
    if not words or len(words) > 4 or not all(t.is_title or t.is_upper for t in words):
        return None
    before = doc[ent.start - 1].lower_ if ent.start > 0 else ""
    after = doc[ent.end : ent.end + 2]
    apposition = len(after) == 2 and after[0].text == "," and after[1].ent_type_ == "GPE"
    has_admin_word = ent[-1].lower_ in ADMIN_WORDS
    modifier = len(words) == 1 and _modifies_a_noun(ent) and not _part_of_a_name(ent, name_words)
    placed = before in _LOCATIVE or apposition or modifier
    if (
        ent.label_ == "PERSON"
        and not (placed or has_admin_word)
        and not _is_place_name(gazetteer, ent.text, 10**9)  # only countries and admin areas
    ):
        return None
    floor = 1_000 if placed else _MISFILED_MIN_POPULATION
    if not _is_place_name(gazetteer, ent.text, floor, admin2=has_admin_word):
        return None
    return _literal(ent, sent_of)


def _modifies_a_noun(ent: Span) -> bool:
    """ "Alexandria man", "the Alexandria area", "..., Alexandria, was arrested": a one-word name that
    modifies a common noun or stands in apposition reads as a place, not a person."""
    root = ent.root
    if root.dep_ == "compound":
        return root.head.pos_ == "NOUN"
    return root.dep_ == "appos" and ent.start > 0 and ent.doc[ent.start - 1].text == ","


def _part_of_a_name(ent: Span, name_words: frozenset[str]) -> bool:
    """True when the word also appears inside a longer PERSON name in the article ("Jesse Jackson")."""
    return ent.text in name_words


def _person_name_words(doc: Doc) -> frozenset[str]:
    """Every word of the article's multi-word PERSON names, computed once per article."""
    return frozenset(w for e in doc.ents if e.label_ == "PERSON" and len(e) > 1 for w in e.text.split())


def _unlabelled(doc: Doc, text: str, gazetteer: Gazetteer, sent_of: _Sentences) -> list[Mention]:
    """Place names the model left without a label: a Title-case proper-noun run after a preposition of
    place ("in Fargo"), and an upper-case dateline opening a line ("BEIRUT (AP) —", "COLUMBUS, Ohio —").

    Both are found with a regular expression over the text first, so that only the few matches cost token
    look-ups (a Python loop over every token would cost more than the rest of the stage)."""
    out: list[Mention] = []
    for match in _AFTER_LOCATIVE.finditer(text):
        span = doc.char_span(match.start(1), match.end(1), alignment_mode="contract")
        if span is None or not len(span):
            continue
        end = span.start
        while end < span.end and not span.doc[end].ent_type_ and span.doc[end].pos_ == "PROPN":
            end += 1
        if end == span.start:
            continue
        name = doc[span.start : end]
        if _is_place_name(gazetteer, name.text, _UNLABELLED_MIN_POPULATION):
            m = _literal(name, sent_of)
            if m is not None:
                out.append(m)
    for match in _DATELINE.finditer(text):
        words = match.group(1)
        if len(words) < 3 or not _is_place_name(gazetteer, words.title(), _UNLABELLED_MIN_POPULATION):
            continue
        line = doc.char_span(match.start(1), match.end(1), alignment_mode="contract")
        if line is None or any(t.ent_type_ for t in line):
            continue
        m = _literal(line, sent_of)
        if m is not None:
            out.append(m)
    return out


class _Sentences:
    """The sentence index of a token, by bisection over the sentence starts (no per-token list)."""

    def __init__(self, doc: Doc) -> None:
        self.starts = [s.start for s in doc.sents]

    def __getitem__(self, token_index: int) -> int:
        return max(bisect.bisect_right(self.starts, token_index) - 1, 0)


def _literal(ent: Span, sent_of: _Sentences) -> Mention | None:
    lex = lexicon()
    tokens = list(ent)
    word: Token | None = None
    inner = False
    if (len(tokens) > 1 and tokens[-1].lower_ in ADMIN_WORDS) or (
        len(tokens) > 1 and tokens[-1].lower_ in _SETTLEMENT_WORDS
    ):
        word, tokens, inner = tokens[-1], tokens[:-1], True
    else:
        word = _designation_after(ent)
    if not tokens:
        return None
    name = ent.doc[tokens[0].i : tokens[-1].i + 1].text  # not doc.text: that joins every token
    if not key(name):
        return None
    designation = None
    if word is not None:
        w = word.lower_
        designation = ADMIN_WORDS.get(w) or ("populated" if w in _SETTLEMENT_WORDS else None)
    full = ent.text if inner else name
    start = ent.start_char
    return Mention(
        start,
        start + len(full),
        full,
        name,
        "literal",
        designation=designation,
        designation_word=word.text if word is not None else None,
        country=lex.country(name),
        sentence=sent_of[ent.start],
        label=ent.label_,
        border=_border_after(ent),
    )


def _designation_after(ent: Span) -> Token | None:
    """The designation word that follows a name, directly ("Donetsk oblast") or after a coordination of
    names that shares it ("Kursk and Bryansk oblasts", "Kharkiv, Sumy and Chernihiv regions")."""
    doc = ent.doc
    i = ent.end
    if i < len(doc) and doc[i].lower_ in ADMIN_WORDS:
        return doc[i]
    if i < len(doc) and doc[i].lower_ in _SETTLEMENT_WORDS and doc[i].lower_ != "villages":
        return None
    steps = 0
    while i < len(doc) and steps < 8:
        t = doc[i]
        if t.lower_ in {"and", "or", ",", "&"} or (t.is_title and t.ent_type_ in {"GPE", "LOC"}):
            i += 1
            steps += 1
            continue
        if t.lower_ in ADMIN_WORDS and t.lower_.endswith("s") and steps:
            return t
        return None
    return None


def _border_after(ent: Span) -> bool:
    doc = ent.doc
    i = ent.end
    # "the Russian-Ukrainian border", "the Ukrainian and Belarusian borders"
    for _ in range(4):
        if i >= len(doc):
            return False
        t = doc[i]
        if t.lower_ in _BORDER_WORDS:
            return True
        if t.text in {"-", "–", "and", "/"} or t.ent_type_ == "NORP":
            i += 1
            continue
        return False
    return False


def _embedded(ent: Span, gazetteer: Gazetteer, sent_of: _Sentences, *, demonyms: bool) -> list[Mention]:
    """Toponyms inside an organisation, facility or event name, longest first, left to right."""
    lex = lexicon()
    doc = ent.doc
    out: list[Mention] = []
    i = ent.start
    while i < ent.end:
        found: tuple[int, str, str, str | None] | None = None
        for n in (3, 2, 1):
            j = i + n
            if j > ent.end:
                continue
            toks = doc[i:j]
            if not all(t.is_title or t.is_upper or t.lower_ in {"of", "-"} for t in toks):
                continue
            if toks[0].lower_ in {"of", "-"} or toks[-1].lower_ in {"of", "-"}:
                continue
            if n == 1 and toks[0].lower_ in _GENERIC_WORDS:
                continue
            text = toks.text
            code = lex.demonym(text)
            if code is not None:
                if demonyms:
                    found = (j, text, "demonym", code)
                break
            entries = _exact(gazetteer.lookup(text, limit=20), text)
            if any(
                e.level in _EMBEDDED_LEVELS
                or (e.level == "populated" and e.population >= EMBEDDED_MIN_POPULATION)
                for e in entries
                if e.kind != "demonym"
            ):
                found = (j, text, "embedded", lex.country(text))
                break
        if found is None:
            i += 1
            continue
        j, text, use, code = found
        start = doc[i].idx
        out.append(
            Mention(
                start,
                start + len(text),
                text,
                text,
                "demonym" if use == "demonym" else "embedded",
                country=code,
                sentence=sent_of[i],
                label=ent.label_,
            )
        )
        i = j
    return out
