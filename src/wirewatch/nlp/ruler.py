"""The entity ruler and the lookup tables behind it, all driven by the data files in ``data/``.

Two components run after the statistical ``ner``:

``wirewatch_ruler``
    spaCy's ``entity_ruler`` with ``overwrite_ents=True`` and phrase patterns matched on ``ORTH``: every
    unambiguous alias of a news outlet, agency or cited body (``outlets.tsv``, ``bodies.tsv``) becomes an
    ``ORG`` whose ``ent_id_`` names the lexicon entry. It overrides the model ("LIGA" is not a PERSON,
    "Interfax-Ukraine" is not a GPE) and replaces any entity it overlaps ("the Kyiv Post" → "Kyiv Post").

``wirewatch_entity_fixes``
    (1) *soft* patterns: demonyms (``NORP``, ``countries.tsv``), oblast and town names (``GPE``/``LOC``,
    ``places.tsv``) and aliases marked ambiguous in the data ("Babel", "Wagner", "the Times"). A soft match
    relabels a model entity it covers or fills a gap, but never cuts a longer model entity ("Isaac Babel",
    "Donetsk People's Republic" and "Turkish Airlines" survive). (2) a region rule: a Title-case word before
    ``oblast(s)``, ``region(s)``, ``province(s)``, ``krai`` or ``district(s)``, alone or coordinated
    ("Kursk and Bryansk oblasts"), is a ``GPE``. (3) span clean-up, the same for every entity: a leading
    "the" is left out ("the Kyiv Post" → "Kyiv Post"; numeric entities keep theirs: "the past week"), and
    so is a trailing possessive ("South Korea’s" → "South Korea"). (4) a place and the area after it in one
    entity are two places: "Lvove, Kherson" (an ``ORG`` to the model), "Hlyboke, Kharkiv" (a ``FAC``),
    "Kherson, Kherson region" become two ``GPE`` when the part after the comma is a country or a place in
    ``places.tsv`` (or ends in a region word) and the part before it is one to three Title-case words; and
    a name the model calls an ``ORG``, ``PERSON`` or ``NORP`` right before ", <oblast or country>" is a
    ``GPE`` ("shelled Staromaiorske, Donetsk").

:func:`lexicon` answers look-ups for later stages (claims, geo, events) from the same files.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc, Span

from wirewatch.nlp.tokenizer import APOSTROPHES, POSSESSIVE_TEXTS, fix_tokenizer

__all__ = [
    "BODY_KINDS",
    "DATA_DIR",
    "FIXES_NAME",
    "OUTLET_KINDS",
    "RULER_NAME",
    "RULER_VERSION",
    "Country",
    "EntityInfo",
    "Lexicon",
    "Pattern",
    "add_ruler",
    "lexicon",
    "load_lexicon",
]

RULER_VERSION = 3  # bump when the rules or the data files change what entities or sentences come out
PARAGRAPHS_NAME = "wirewatch_paragraphs"
RULER_NAME = "wirewatch_ruler"
FIXES_NAME = "wirewatch_entity_fixes"
DATA_DIR = Path(__file__).resolve().parent / "data"

OUTLET_KINDS = frozenset({"outlet", "agency"})
BODY_KINDS = frozenset({"government", "military", "intelligence", "organization"})
PLACE_LABELS = frozenset({"GPE", "LOC"})

# Labels whose span keeps a leading "the" (it belongs to the expression: "the past week", "the first").
_KEEP_THE_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
# Names that keep their article: "The Hague", "The Gambia".
_KEEP_THE_BEFORE = frozenset({"hague", "gambia", "bahamas"})
_THE = frozenset({"the"})

# The region rule: designations after a region name, and Title-case words that are not region names.
_SINGLE_DESIGNATIONS = frozenset({"oblast", "krai"})  # part of the name: "Kursk Oblast"
_REGION_WORDS = frozenset(
    {"oblast", "oblasts", "krai", "region", "regions", "province", "provinces", "district", "districts"}
)
_SPLIT_LABELS = frozenset({"GPE", "LOC", "FAC", "ORG", "PERSON", "WORK_OF_ART", "PRODUCT"})
_APPOSED_LABELS = frozenset({"ORG", "PERSON", "NORP"})
_AFTER_AREA = frozenset({"region", "oblast", "with", "on", "in", "at", "and", "during", "overnight", "as"})
_LOCATIVE_BEFORE = frozenset({"in", "near", "at", "to", "outside", "around", "from"})
_NOT_REGION_NAMES = frozenset(
    """north south east west northern southern eastern western central middle northeast northwest
    southeast southwest northeastern northwestern southeastern southwestern border frontier capital
    autonomous greater occupied frontline front coastal industrial arctic pacific atlantic baltic
    balkan balkans caucasus mediterranean gulf black sea the this that these those each every both
    other same whole entire several many some all key new old upper lower far near""".split()  # noqa: SIM905
)


# --- the data ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntityInfo:
    """What the data files know about one outlet, agency, body, place or demonym.

    ``aliases`` are the spellings as written in the data (without the ``?`` marker). ``label`` is the spaCy
    label the ruler assigns; ``domains`` (outlets only) the outlet's web domains; ``level`` (places only)
    ``admin1``, ``populated`` or ``region``.
    """

    name: str
    kind: str
    country: str | None
    aliases: tuple[str, ...]
    label: str = "ORG"
    domains: tuple[str, ...] = ()
    level: str | None = None


@dataclass(frozen=True, slots=True)
class Country:
    """A row of ``countries.tsv``: ISO alpha-2 code, short name, other names, demonyms."""

    code: str
    name: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Pattern:
    """One phrase pattern: ``text`` as it appears in a text, the label and ``id`` it gives, and whether it
    is soft (applied only where the model has no longer entity around it)."""

    text: str
    label: str
    id: str
    soft: bool


def _norm_key(name: str) -> str:
    """The look-up key of a name: NFC, apostrophes unified, article and possessive dropped, case-folded."""
    s = unicodedata.normalize("NFC", name)
    for a in APOSTROPHES:
        s = s.replace(a, "'")
    s = " ".join(s.split())
    if s[:4].lower() == "the " and s[4:5]:
        s = s[4:]
    if s.endswith("'s"):
        s = s[:-2]
    elif s.endswith("s'"):
        s = s[:-1]
    return s.casefold().strip()


def _apostrophe_variants(text: str) -> list[str]:
    """``text`` plus copies with ``’`` and ``‘`` for its ASCII apostrophes (news keeps curly ones)."""
    if "'" not in text:
        return [text]
    return [text, text.replace("'", "’"), text.replace("'", "‘")]


def _read_tsv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a data file as dicts keyed by the header line; ``#`` lines are comments."""
    header: list[str] | None = None
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
                continue
            if len(cells) != len(header):
                raise ValueError(
                    f"{path}:{lineno}: expected {len(header)} tab-separated columns, got {len(cells)}"
                )
            yield lineno, dict(zip(header, (c.strip() for c in cells), strict=True))


def _split(cell: str) -> list[str]:
    return [x.strip() for x in cell.split("|") if x.strip()]


class Lexicon:
    """Outlets, agencies, bodies, places and countries from the data files, with case-insensitive look-ups.

    ``lookup`` ignores case, a leading "the", a trailing possessive and the apostrophe variant, so
    ``lookup("the Kyiv Post’s")`` finds the Kyiv Post.
    """

    def __init__(
        self,
        entries: Iterable[tuple[str, EntityInfo, list[tuple[str, bool]]]],
        countries: Iterable[Country],
    ) -> None:
        self.outlets: tuple[EntityInfo, ...]
        self.bodies: tuple[EntityInfo, ...]
        self.places: tuple[EntityInfo, ...]
        self.countries: tuple[Country, ...] = tuple(countries)
        self._by_id: dict[str, EntityInfo] = {}
        self._by_key: dict[str, str] = {}  # name key → entity id
        self._by_domain: dict[str, str] = {}
        self._patterns: list[Pattern] = []
        conflicts: list[str] = []
        groups: dict[str, list[EntityInfo]] = {"outlet": [], "body": [], "place": []}

        def key_to(key: str, ent_id: str, what: str) -> None:
            if not key:
                return
            other = self._by_key.setdefault(key, ent_id)
            if other != ent_id:
                conflicts.append(f"{what!r} names both {other!r} and {ent_id!r}")

        for table, info, aliases in entries:
            ent_id = f"{table}:{info.name}"
            if ent_id in self._by_id:
                conflicts.append(f"{ent_id!r} is listed twice")
            self._by_id[ent_id] = info
            groups[table].append(info)
            key_to(_norm_key(info.name), ent_id, info.name)
            for alias, soft in aliases:
                key_to(_norm_key(alias), ent_id, alias)
                for text in self._alias_texts(alias):
                    self._patterns.append(Pattern(text, info.label, ent_id, soft))
            for domain in info.domains:
                self._by_domain.setdefault(domain.lower(), ent_id)
        self.outlets, self.bodies, self.places = (tuple(groups[t]) for t in ("outlet", "body", "place"))

        self._country_by_key: dict[str, str] = {}
        self._country_by_code: dict[str, Country] = {}
        self._demonyms: dict[str, str] = {}
        for c in self.countries:
            self._country_by_code[c.code] = c
            for name in (c.name, *c.aliases):
                if self._country_by_key.setdefault(_norm_key(name), c.code) != c.code:
                    conflicts.append(f"country name {name!r} names two countries")
            demonym_id = f"demonym:{c.code}"
            if c.demonyms:
                self._by_id[demonym_id] = EntityInfo(
                    c.demonyms[0], "demonym", c.code, c.demonyms, label="NORP"
                )
            for d in c.demonyms:
                if self._demonyms.setdefault(_norm_key(d), c.code) != c.code:
                    conflicts.append(f"demonym {d!r} names two countries")
                for text in _apostrophe_variants(d):
                    self._patterns.append(Pattern(text, "NORP", demonym_id, True))
        if conflicts:
            raise ValueError("wirewatch.nlp data files disagree: " + "; ".join(conflicts))

    @staticmethod
    def _alias_texts(alias: str) -> list[str]:
        """The pattern texts of one alias: "the X" needs its article, in either case."""
        if alias[:4].lower() == "the ":
            rest = alias[4:]
            return [v for art in ("the ", "The ") for v in _apostrophe_variants(art + rest)]
        return _apostrophe_variants(alias)

    # -- look-ups

    def lookup(self, name: str) -> EntityInfo | None:
        """The outlet, agency, body or place that ``name`` (a name or alias, any case) refers to."""
        ent_id = self._by_key.get(_norm_key(name))
        return self._by_id[ent_id] if ent_id is not None else None

    def demonym(self, word: str) -> str | None:
        """The ISO alpha-2 code of a demonym: ``"Ukrainian"`` → ``"UA"``, ``"North Koreans"`` → ``"KP"``."""
        return self._demonyms.get(_norm_key(word))

    def country(self, name: str) -> str | None:
        """The ISO alpha-2 code of a country name: ``"North Korea"`` → ``"KP"``, ``"the UK"`` → ``"GB"``."""
        return self._country_by_key.get(_norm_key(name))

    def country_info(self, code: str) -> Country | None:
        """The ``countries.tsv`` row of an ISO alpha-2 code."""
        return self._country_by_code.get(code.upper())

    def by_domain(self, domain: str) -> EntityInfo | None:
        """The outlet publishing at a web domain (``www.`` and sub-domains fall back to the parent)."""
        host = domain.lower().strip(".")
        host = host.removeprefix("www.")
        while host:
            ent_id = self._by_domain.get(host)
            if ent_id is not None:
                return self._by_id[ent_id]
            _, _, host = host.partition(".")
            if "." not in host:
                break
        return None

    def demonym_keys(self) -> frozenset[str]:
        """Every demonym, case-folded (for rules that must not take a demonym for a name)."""
        return frozenset(self._demonyms)

    def by_id(self, ent_id: str) -> EntityInfo | None:
        """The entry behind an entity's ``ent_id_`` as set by the ruler (``"outlet:Kyiv Post"``)."""
        return self._by_id.get(ent_id)

    def patterns(self) -> list[Pattern]:
        """Every phrase pattern the data yields, strong and soft."""
        return list(self._patterns)


def _entries(data_dir: Path) -> Iterator[tuple[str, EntityInfo, list[tuple[str, bool]]]]:
    """(table, entry, [(alias, soft)]) for every row of outlets.tsv, bodies.tsv and places.tsv."""
    for table, fname, kinds in (("outlet", "outlets.tsv", OUTLET_KINDS), ("body", "bodies.tsv", BODY_KINDS)):
        path = data_dir / fname
        for lineno, row in _read_tsv(path):
            name, kind, country = row["name"], row["kind"], row["country"] or None
            if kind not in kinds:
                raise ValueError(f"{path}:{lineno}: kind {kind!r} is not one of {sorted(kinds)}")
            aliases: list[tuple[str, bool]] = []
            for raw in _split(row["aliases"]):
                alias = raw.lstrip("?").strip()
                soft = raw.startswith("?") or alias[:4].lower() == "the "
                if alias not in {a for a, _ in aliases}:
                    aliases.append((alias, soft))
            info = EntityInfo(
                name=name,
                kind=kind,
                country=country,
                aliases=tuple(a for a, _ in aliases),
                domains=tuple(_split(row.get("domains", ""))),
            )
            yield table, info, aliases
    path = data_dir / "places.tsv"
    for lineno, row in _read_tsv(path):
        label = row["label"]
        if label not in PLACE_LABELS:
            raise ValueError(f"{path}:{lineno}: label {label!r} is not GPE or LOC")
        names = list(dict.fromkeys([row["name"], *_split(row["aliases"])]))
        country, level, designation = row["country"] or None, row["level"] or None, row["designation"]
        yield (
            "place",
            EntityInfo(row["name"], "place", country, tuple(names), label, level=level),
            [(n, True) for n in names],
        )
        if designation:
            full = [f"{n} {d}" for n in names for d in (designation, designation.lower())]
            info = EntityInfo(
                f"{row['name']} {designation}", "place", country, tuple(full), label, level=level
            )
            yield "place", info, [(n, True) for n in full]


def _countries(data_dir: Path) -> Iterator[Country]:
    path = data_dir / "countries.tsv"
    for lineno, row in _read_tsv(path):
        code = row["code"]
        if len(code) != 2 or not code.isascii() or not code.isupper():
            raise ValueError(f"{path}:{lineno}: {code!r} is not an ISO 3166-1 alpha-2 code")
        yield Country(code, row["name"], tuple(_split(row["aliases"])), tuple(_split(row["demonyms"])))


def load_lexicon(data_dir: Path = DATA_DIR) -> Lexicon:
    """Read the data files in ``data_dir`` (uncached; :func:`lexicon` is the cached default)."""
    return Lexicon(_entries(data_dir), _countries(data_dir))


_LOCK = threading.Lock()


@cache
def _default_lexicon() -> Lexicon:
    return load_lexicon(DATA_DIR)


def lexicon() -> Lexicon:
    """The lexicon of the packaged data files, read once per process."""
    with _LOCK:
        return _default_lexicon()


# --- the pipeline components ---------------------------------------------------------------------------


def add_ruler(nlp: Language, lex: Lexicon | None = None) -> None:
    """Add the tokenizer fixes, ``wirewatch_ruler`` and ``wirewatch_entity_fixes`` to ``nlp`` (idempotent).

    The components go right after ``ner`` (at the end of a pipeline without one, e.g. ``spacy.blank("en")``).
    """
    if RULER_NAME in nlp.pipe_names:
        return
    lex = lex or lexicon()
    fix_tokenizer(nlp)
    where: dict[str, Any] = {"after": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = cast(
        EntityRuler,
        nlp.add_pipe(
            "entity_ruler",
            name=RULER_NAME,
            config={"overwrite_ents": True, "phrase_matcher_attr": "ORTH", "validate": False},
            **where,
        ),
    )
    strong: list[dict[str, str | list[dict[str, Any]]]] = [
        {"label": p.label, "pattern": p.text, "id": p.id} for p in lex.patterns() if not p.soft
    ]
    # With every component disabled, the ruler tokenizes its phrase patterns with the tokenizer alone
    # (otherwise it runs the whole model over each of them at load time).
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(strong)
    nlp.add_pipe(FIXES_NAME, after=RULER_NAME)
    if "parser" in nlp.pipe_names and PARAGRAPHS_NAME not in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS_NAME, before="parser")


@Language.component("wirewatch_paragraphs")
def paragraph_starts(doc: Doc) -> Doc:
    """A sentence starts after every line break: the parser otherwise runs a headline, a live blog's
    timestamp ("9:30 p.m.") or a dateline into the next paragraph's first sentence."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


class EntityFixes:
    """``wirewatch_entity_fixes``: soft patterns, the region rule and span clean-up (see the module doc)."""

    def __init__(self, nlp: Language, lex: Lexicon) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._labels: dict[int, tuple[str, str]] = {}
        by_key: dict[str, list[Doc]] = {}
        for p in lex.patterns():
            if p.soft:
                key = f"{p.label}|{p.id}"
                by_key.setdefault(key, []).append(nlp.make_doc(p.text))
        for key, docs in by_key.items():
            self.matcher.add(key, docs)
            label, _, ent_id = key.partition("|")
            self._labels[nlp.vocab.strings[key]] = (label, ent_id)
        self._demonym_keys = lex.demonym_keys()
        self.region_words = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.region_words.add("REGION_WORD", [nlp.make_doc(w) for w in sorted(_REGION_WORDS)])

    def __call__(self, doc: Doc) -> Doc:
        # Trim first, so that "Kyiv’s" (a model ORG) is seen as "Kyiv" by the soft patterns; trim again
        # for the spans the rules add ("the Times" → "Times").
        ents, changed = self._trim(doc, list(doc.ents))
        c1 = False
        matches = self.matcher(doc)
        if matches:
            ents, c1 = self._apply_soft(doc, ents, matches)
            changed = changed or c1
        ents, c2 = self._apply_region_rule(doc, ents)
        ents, c3 = self._split_appositions(doc, ents)
        ents, c4 = self._apposed_places(doc, ents)
        c2 = c2 or c3 or c4
        if c1 or c2:
            ents, _ = self._trim(doc, ents)
        if changed or c2:
            doc.ents = sorted(ents, key=lambda e: e.start)
        return doc

    def _apply_soft(
        self, doc: Doc, ents: list[Span], matches: list[tuple[int, int, int]]
    ) -> tuple[list[Span], bool]:
        changed = False
        taken: set[int] = set()
        for match_id, start, end in sorted(matches, key=lambda m: (m[1] - m[2], m[1])):
            if any(i in taken for i in range(start, end)):
                continue
            overlapping = [e for e in ents if e.start < end and e.end > start]
            if any(e.start < start or e.end > end for e in overlapping):
                continue  # a longer model entity wins
            label, ent_id = self._labels[match_id]
            if len(overlapping) == 1 and overlapping[0].label_ in PLACE_LABELS and label in PLACE_LABELS:
                label = overlapping[0].label_  # the model's GPE/LOC choice stands
            ents = [e for e in ents if not (e.start < end and e.end > start)]
            ents.append(Span(doc, start, end, label=label, span_id=ent_id))
            taken.update(range(start, end))
            changed = True
        return ents, changed

    def _region_candidate(self, doc: Doc, i: int) -> bool:
        tok = doc[i]
        if not tok.is_title or not tok.is_alpha or len(tok) < 3:
            return False
        if tok.lower_ in _NOT_REGION_NAMES or tok.lower_ in self._demonym_keys:
            return False
        return not (tok.tag_ and tok.tag_ not in ("NNP", "NNPS"))

    def _region_names(self, doc: Doc, kw: int) -> list[int]:
        """Token indices of the region names before the designation at ``kw``, nearest first.

        Follows coordination leftwards: "Kursk and Bryansk", "Kursk, Bryansk and Belgorod" (commas only
        once an "and" has been passed, so "Moscow, Kursk region" names one region).
        """
        names: list[int] = []
        j = kw - 1
        seen_and = False
        while j >= 0 and self._region_candidate(doc, j):
            names.append(j)
            k = j - 1
            if k >= 0 and doc[k].lower_ in ("and", "&"):
                seen_and = True
                k -= 1
                if k >= 0 and doc[k].text == ",":  # "A, B, and C"
                    k -= 1
            elif k >= 0 and doc[k].text == "," and seen_and:
                k -= 1
            else:
                break
            j = k
        if names:
            first = names[-1]
            before = doc[first - 1] if first > 0 else None
            if before is not None and (
                before.text in {"-", "–"} or (before.is_title and not before.is_sent_start)
            ):
                names.pop()  # part of a longer name ("Nizhny Novgorod", "Asia-Pacific")
        return names

    def _apply_region_rule(self, doc: Doc, ents: list[Span]) -> tuple[list[Span], bool]:
        changed = False
        for _, kw, _ in self.region_words(doc):
            names = self._region_names(doc, kw)
            if not names:
                continue
            scope_start, scope_end = min(names), kw + 1
            whole = len(names) == 1 and doc[kw].lower_ in _SINGLE_DESIGNATIONS
            for n in sorted(names):
                start, end = n, (kw + 1 if whole else n + 1)
                overlapping = [e for e in ents if e.start < end and e.end > start]
                if any(e.start < scope_start or e.end > scope_end for e in overlapping):
                    continue
                if any(e.label_ in PLACE_LABELS for e in overlapping):
                    continue  # already a place; keep the model's or the data's span
                ents = [e for e in ents if not (e.start < end and e.end > start)]
                ents.append(Span(doc, start, end, label="GPE"))
                changed = True
        return ents, changed

    def _split_appositions(self, doc: Doc, ents: list[Span]) -> tuple[list[Span], bool]:
        """ "Lvove, Kherson" → "Lvove" + "Kherson": a settlement and the area that locates it."""
        out: list[Span] = []
        changed = False
        for e in ents:
            comma = next((t.i for t in e[1:-1] if t.text == ","), None) if e.label_ in _SPLIT_LABELS else None
            if comma is None:
                out.append(e)
                continue
            end = e.end
            while end > comma + 2 and doc[end - 1].is_punct:
                end -= 1  # "Berestove, Kharkiv." (a WORK_OF_ART to the model)
            left, right = doc[e.start : comma], doc[comma + 1 : end]
            name = right[:-1] if len(right) > 1 and right[-1].lower_ in _REGION_WORDS else right
            lex = lexicon()
            info = lex.lookup(name.text)
            known = (info is not None and info.kind == "place") or lex.country(name.text) is not None
            located = e.start > 0 and doc[e.start - 1].lower_ in _LOCATIVE_BEFORE
            if not 1 <= len(left) <= 3 or not all(t.is_title for t in left):
                out.append(e)
            elif (known or len(name) < len(right)) and all(t.is_title or t.is_upper for t in name):
                out += [
                    Span(doc, left.start, left.end, label="GPE"),
                    Span(doc, right.start, end, label="GPE"),
                ]
                changed = True
            elif (
                located
                and e.label_ == "ORG"
                and (lex.lookup(right.text) or any(lex.country(t.text) for t in right))
            ):
                # "in proximity to Svitlodarsk, Military Forces of Ukraine"
                out += [
                    Span(doc, left.start, left.end, label="GPE"),
                    Span(doc, right.start, end, label="ORG"),
                ]
                changed = True
            else:
                out.append(e)
        return out, changed

    def _apposed_places(self, doc: Doc, ents: list[Span]) -> tuple[list[Span], bool]:
        """ "shelled Staromaiorske, Donetsk": a name the model calls an organisation, a person or a group,
        right before a comma and an oblast or country that ends the phrase, is the place that area holds."""
        lex = lexicon()
        ents = sorted(ents, key=lambda e: e.start)
        changed = False
        for n, e in enumerate(ents[:-1]):
            nxt = ents[n + 1]
            if (
                e.label_ not in _APPOSED_LABELS
                or e.ent_id_
                or nxt.label_ != "GPE"
                or nxt.start != e.end + 1
                or doc[e.end].text != ","
                or not 1 <= len(e) <= 3
                or not all(t.is_title for t in e)
                or e.text.lower() in self._demonym_keys
            ):
                continue
            after = doc[nxt.end] if nxt.end < len(doc) else None
            if after is not None and not (after.is_punct or after.lower_ in _AFTER_AREA):
                continue  # "Naftogaz, Ukraine's energy company": not an area
            info = lex.lookup(nxt.text)
            if (info is None or info.kind != "place") and lex.country(nxt.text) is None:
                continue
            ents[n] = Span(doc, e.start, e.end, label="GPE")
            changed = True
        return ents, changed

    @staticmethod
    def _trim(doc: Doc, ents: list[Span]) -> tuple[list[Span], bool]:
        out: list[Span] = []
        changed = False
        for e in ents:
            start, end = e.start, e.end
            while end - start > 1 and (
                doc[end - 1].lower_ in POSSESSIVE_TEXTS or doc[end - 1].is_space or doc[end - 1].is_quote
            ):
                end -= 1
            while end - start > 1 and (doc[start].is_space or doc[start].is_quote):
                start += 1
            if (
                end - start > 1
                and doc[start].lower_ in _THE
                and e.label_ not in _KEEP_THE_LABELS
                and doc[start + 1].lower_ not in _KEEP_THE_BEFORE
            ):
                start += 1
            if (start, end) == (e.start, e.end):
                out.append(e)
                continue
            out.append(Span(doc, start, end, label=e.label, kb_id=e.kb_id, span_id=e.id))
            changed = True
        return out, changed


def _make_entity_fixes(nlp: Language, name: str) -> EntityFixes:
    return EntityFixes(nlp, lexicon())


if not Language.has_factory(FIXES_NAME):
    Language.factory(
        FIXES_NAME,
        requires=["doc.ents"],
        assigns=["doc.ents"],
        func=_make_entity_fixes,
    )
