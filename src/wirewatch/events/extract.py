"""The events stage: typed, dated, located events with actors and the claims that hold them.

For each sentence of a parsed article:

1. **Triggers** from ``events/data/triggers.tsv``, matched on lemmas with spaCy's ``PhraseMatcher`` (one pass
   per article; multi-word triggers such as "open fire" or "drone strike" included). Overlapping matches keep
   the highest priority, then the longest. Each trigger gives a PLOVER 2.0 type and mode and, for violent and
   strategic events, an ACLED event type and sub-event type.
2. **Instruments** (``instruments.tsv``) in the same sentence refine a generic violent trigger ("attacked",
   "hit", "struck") into its ACLED sub-event: "with drones" makes an Air/drone strike, "with artillery" a
   Shelling/artillery/missile attack.
3. **Actors**: the trigger's subject (or the agent of a passive, or for a noun trigger the subject of its
   verb) is the actor, its object or the object of "at / on / against" the recipient; each is named from the
   actor table (``actors.tsv``: "Russian forces" → Military Forces of Russia), else from an entity with its
   country and a sector word ("North Korean soldiers" → KP, military). "Pyongyang and Moscow" gives two.
4. **Size** is a number modifying the actor ("18 North Korean soldiers"); **fatalities** and **injuries**
   are read from the trigger's sentence and, for the first event of a paragraph, the rest of it
   (:mod:`wirewatch.events.numbers`).
5. **When**: the date phrase nearest the trigger in its sentence (:mod:`wirewatch.events.when`).
6. **Where**: the places of the trigger's sentence that are locations, not actors (demonyms, toponyms inside
   names and acting governments are left out), with ``relation`` and ``distance_km`` from the place's
   ``relative`` and ACLED's ``geo_precision`` (1 the town itself, 2 near a town or a district, 3 a region or
   country).
7. **Modality**: ``negated`` (a negation on the trigger), ``hypothetical`` (a condition or a modal: could,
   would, may), ``future`` (will, plans to).
8. **Holders**: the claims whose content contains the trigger, or, for a speech act (ACCUSE, REJECT,
   REQUEST, THREATEN, ...), the claim whose cue is the trigger. An event held only by claims that are
   alleged, or that a denial rejects, is an ``allegation``.

Mentions of the same event in one article (same type, mode and ACLED type, overlapping actors, and dates
and places that do not conflict) are merged: one event, several ``mentions``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from wirewatch.events import lexicon
from wirewatch.events.numbers import fatalities, injuries, number
from wirewatch.events.when import DURATION, TIME_PRECISION, parse_published, resolve_when
from wirewatch.nlp import lexicon as nlp_lexicon

__all__ = ["EVENTS_RULES_VERSION", "SPEECH_ACTS", "extract"]

EVENTS_RULES_VERSION = "1"
SPEECH_ACTS = frozenset({"ACCUSE", "REJECT", "REQUEST", "THREATEN", "AGREE", "CONCEDE", "SUPPORT"})
"""Types whose trigger can itself be a claim's cue ("accused", "denied"): the attribution performs them."""

_GENERIC = frozenset({"attack", "strike", "hit", "target", "fire", "shell", "bomb", "assault", "launch"})
_SECTOR_WORDS = {
    "forces": "military", "force": "military", "troops": "military", "troop": "military", "army": "military",
    "soldiers": "military", "soldier": "military", "military": "military", "servicemen": "military",
    "personnel": "military", "units": "military", "battalion": "military", "brigade": "military",
    "fighters": "military", "navy": "military", "aviation": "military", "jets": "military",
    "police": "police", "officers": "police", "government": "government", "officials": "government",
    "authorities": "government", "ministry": "government", "president": "government", "leader": "government",
    "minister": "government", "rebels": "rebel", "separatists": "rebel", "militants": "rebel",
    "civilians": "civilians", "residents": "civilians", "people": "civilians", "protesters": "protesters",
    "demonstrators": "protesters", "intelligence": "intelligence", "journalists": "media",
}  # fmt: skip
_LOCATION_PREPS = frozenset(
    {"in", "near", "at", "outside", "around", "on", "across", "along", "into", "of", "from"}
)
_NOT_TRIGGER_ENTS = frozenset(
    {
        "DATE",
        "TIME",
        "CARDINAL",
        "ORDINAL",
        "QUANTITY",
        "MONEY",
        "PERCENT",
        "PERSON",
        "ORG",
        "GPE",
        "LOC",
        "FAC",
    }
)
_SPECIFIC = {
    "populated": 0,
    "feature": 0,
    "admin2": 1,
    "admin1": 2,
    "region": 3,
    "country": 4,
    "continent": 5,
}
_REPORTING = frozenset(
    [
        "report",
        "say",
        "claim",
        "confirm",
        "indicate",
        "announce",
        "note",
        "mention",
        "state",
        "tell",
        "warn",
        "suggest",
        "reveal",
    ]
)
_LOCATED = frozenset({"ASSAULT", "COERCE", "PROTEST", "MOBILIZE", "RETREAT"})
_MODALS = frozenset({"could", "would", "might", "may", "should", "can"})
_FUTURE = frozenset({"will", "shall", "'ll"})
_LOCK = threading.Lock()
_MATCHERS: dict[int, tuple[PhraseMatcher, PhraseMatcher]] = {}
_ENTS_KEY = "wirewatch.events.ents"
_WORDS_KEY = "wirewatch.events.words"


@dataclass
class _Event:
    trigger: Span
    trig: lexicon.Trigger
    acled: tuple[str, str] | None
    mode: str | None
    actors: list[dict[str, Any]] = field(default_factory=list)
    size: int | None = None
    fatalities: int | None = None
    injuries: int | None = None
    when: dict[str, Any] = field(default_factory=dict)
    where: list[dict[str, Any]] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)
    negated: bool = False
    hypothetical: bool = False
    future: bool = False
    mentions: list[Span] = field(default_factory=list)


def extract(
    doc: Doc,
    article_id: str,
    *,
    published: str | None = None,
    claims: Sequence[dict[str, Any]] = (),
    places: Sequence[dict[str, Any]] = (),
) -> list[dict[str, Any]]:
    """The Event records of a parsed article (docs/data_format.md), in text order."""
    matcher = _matcher(doc.vocab)
    pub = parse_published(published)
    text = doc.text
    found: list[_Event] = []
    first_in_paragraph: set[int] = set()
    seen_paragraphs: set[int] = set()
    for span in _best_matches(doc, matcher):
        trigger = _TRIGGER_BY_KEY[span.label_]
        sent = span.sent
        acled = _acled(trigger, sent)
        event = _Event(trigger=span, trig=trigger, acled=acled, mode=trigger.mode, mentions=[span])
        event.actors = _actors(span, located=trigger.plover in _LOCATED)
        event.size = _size(event.actors)
        event.when = resolve_when(_date_phrase(sent, span), pub)
        event.where = _where(sent, places, event.actors)
        _local_country(event.actors, event.where, places)
        event.negated, event.hypothetical, event.future = _modality(span)
        _refine_type(event, span)
        _speech_act_type(event, span)
        paragraph = _paragraph_of(text, span.start_char)
        harm_text = sent.text
        if paragraph[0] not in seen_paragraphs:
            seen_paragraphs.add(paragraph[0])
            first_in_paragraph.add(len(found))
            harm_text = text[sent.start_char : paragraph[1]]
        if acled is not None or trigger.plover in {"ASSAULT", "COERCE"}:
            event.fatalities = fatalities(harm_text)
            event.injuries = injuries(harm_text)
        event.claims = _holders(span, trigger, claims)
        if trigger.plover == "AID" and event.mode is None:
            event.mode = _aid_mode(span)
        if trigger.plover == "REJECT":
            _rejected_accusers(event, claims)
        if not [w for w in event.where if w["from"] != "border"]:
            event.where += [w for w in _nearby_where(sent, paragraph, places) if w not in event.where]
            _local_country(event.actors, event.where, places)
        found.append(event)
    identity = {str(p.get("id")): p.get("geonameid") or p.get("name") for p in places}
    merged = _merge(found, identity)
    doc.user_data.pop(_ENTS_KEY, None)  # per-article caches: nothing of this call stays on the doc
    doc.user_data.pop(_WORDS_KEY, None)
    return [_record(article_id, n, e, claims) for n, e in enumerate(merged)]


# --- matching ---------------------------------------------------------------------------------------------

_TRIGGER_BY_KEY: dict[str, lexicon.Trigger] = {}


def _matcher(vocab: Vocab) -> tuple[PhraseMatcher, PhraseMatcher]:
    """Two phrase matchers over the trigger table, built once per vocabulary: one on lemmas ("shelled" →
    shell), one on lower-case forms (words the lemmatiser leaves alone or gets wrong: "deserting"). Phrase
    matchers hash whole phrases; a token-pattern ``Matcher`` with 380 patterns cost 80% of the stage."""
    with _LOCK:
        m = _MATCHERS.get(id(vocab))
        if m is not None:
            return m
        by_lemma = PhraseMatcher(vocab, attr="LEMMA")
        by_lower = PhraseMatcher(vocab, attr="LOWER")
        for items in lexicon.triggers().values():
            for t in items:
                key = f"{' '.join(t.words)}|{t.pos}|{t.plover}|{t.mode or ''}"
                _TRIGGER_BY_KEY[key] = t
                words = list(t.words)
                by_lemma.add(key, [Doc(vocab, words=words, lemmas=words)])
                by_lower.add(key, [Doc(vocab, words=words)])
        _MATCHERS[id(vocab)] = (by_lemma, by_lower)
        return by_lemma, by_lower


def _best_matches(doc: Doc, matchers: tuple[PhraseMatcher, PhraseMatcher]) -> list[Span]:
    spans = []
    seen: set[tuple[int, int, int]] = set()
    for matcher in matchers:
        for match_id, start, end in matcher(doc):
            if (match_id, start, end) in seen:
                continue
            seen.add((match_id, start, end))
            span = Span(doc, start, end, label=doc.vocab.strings[match_id])
            trigger = _TRIGGER_BY_KEY[span.label_]
            if not _pos_ok(span.root, trigger.pos) or span[0].ent_type_ in _NOT_TRIGGER_ENTS:
                continue  # "March" the month is no march; "Strike" in a name is no strike
            if trigger.pos == "VERB" and span.root.dep_ == "amod":
                continue  # "the occupied territories": a description, not an occupation
            head = span.root.head
            if (
                len(span) == 1
                and span.root.dep_ == "compound"
                and head.pos_ == "NOUN"
                and head.lemma_.lower() not in _EVENT_HEADS
            ):
                continue  # "border patrol agents", "protest leaders": a noun naming another noun's kind
            spans.append(span)
    spans.sort(key=lambda s: (-_TRIGGER_BY_KEY[s.label_].priority, -(s.end - s.start), s.start))
    taken: set[int] = set()
    kept = []
    for s in spans:
        if any(i in taken for i in range(s.start, s.end)):
            continue
        taken.update(range(s.start, s.end))
        kept.append(s)
    kept.sort(key=lambda s: s.start)
    starts = {s.start for s in kept}
    return [s for s in kept if not _light_verb(s, starts)]


_EVENT_HEADS = frozenset(
    [
        "effort",
        "mission",
        "talk",
        "operation",
        "campaign",
        "process",
        "attempt",
        "plan",
        "deal",
        "agreement",
        "action",
        "wave",
        "round",
    ]
)
"""Nouns that keep the event of the noun before them: "mediation effort", "protest wave"."""
_LIGHT = frozenset({"launch", "carry", "conduct", "hold", "stage", "make", "take"})


def _light_verb(span: Span, trigger_starts: set[int]) -> bool:
    """ "launched an investigation", "carried out airstrikes": the object names the event, not the verb."""
    root = span.root
    if root.lemma_.lower() not in _LIGHT or root.pos_ != "VERB":
        return False
    # "launched a mediation effort": a trigger anywhere in the object
    return any(c.dep_ == "dobj" and any(t.i in trigger_starts for t in c.subtree) for c in root.children)


def _pos_ok(token: Token, pos: str) -> bool:
    if pos == "VERB":
        return token.pos_ in {"VERB", "AUX"} or token.tag_.startswith("VB")
    if pos == "NOUN":
        return token.pos_ in {"NOUN", "PROPN"}
    return True


def _ents(doc: Doc) -> list[Span]:
    """``doc.ents`` once per article (spaCy builds the list anew at every access)."""
    cached = doc.user_data.get(_ENTS_KEY)
    if cached is None:
        cached = doc.user_data[_ENTS_KEY] = list(doc.ents)
    return cast(list[Span], cached)


def _words(sent: Span) -> tuple[list[str], list[str]]:
    """A sentence's lower-case forms and lemmas, once per sentence."""
    cache = doc_cache = sent.doc.user_data.setdefault(_WORDS_KEY, {})
    key = sent.start
    if key not in doc_cache:
        cache[key] = ([t.lower_ for t in sent], [t.lemma_.lower() for t in sent])
    return cast(tuple[list[str], list[str]], cache[key])


def _acled(trigger: lexicon.Trigger, sent: Span) -> tuple[str, str] | None:
    base = (
        (trigger.acled_event_type, trigger.acled_sub_event_type)
        if trigger.acled_event_type and trigger.acled_sub_event_type
        else None
    )
    if trigger.plover != "ASSAULT" and base is None:
        return None
    best: lexicon.Instrument | None = None
    table = lexicon.instruments()
    lowers, lemmas = _words(sent)
    for i in range(len(lowers)):
        for words in {lowers[i], lemmas[i]}:
            for inst in table.get(words, ()):
                n = len(inst.words)
                matched = tuple(lowers[i : i + n]) == inst.words or tuple(lemmas[i : i + n]) == inst.words
                if matched and (best is None or inst.priority > best.priority):
                    best = inst
    generic = trigger.words[0] in _GENERIC or base is None
    if best is not None and generic:  # "defused an artillery shell" stays a disrupted weapon
        return (best.acled_event_type, best.acled_sub_event_type)
    return base


# --- actors ---------------------------------------------------------------------------------------------


def _actors(trigger: Span, *, located: bool = False) -> list[dict[str, Any]]:
    """Actors and recipients; with ``located`` (violence, force) a place as the object ("shelled Kharkiv")
    is where it happened, not a recipient."""
    head = trigger.root
    verb = head
    if head.pos_ in {"NOUN", "PROPN"} and head.dep_ in {"dobj", "pobj", "nsubj", "attr"}:
        verb = head.head if head.dep_ != "pobj" else head.head.head
    elif head.pos_ == "ADJ" or head.dep_ == "amod":  # "on the run after deserting positions": the clause
        verb = head
        while verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i:
            verb = verb.head
    subjects = [c for c in verb.children if c.dep_ in {"nsubj"}]
    agents = [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    passive_subjects = [c for c in verb.children if c.dep_ == "nsubjpass"]
    objects = [c for c in verb.children if c.dep_ in {"dobj"}]
    preps = [
        g
        for c in verb.children
        if c.dep_ == "prep" and c.lower_ in {"at", "on", "against", "to", "with", "toward", "towards"}
        for g in c.children
        if g.dep_ == "pobj"
    ]
    if head.pos_ in {"NOUN", "PROPN"}:  # "strikes on Kharkiv", "attack against positions"
        preps += [
            g
            for c in head.children
            if c.dep_ == "prep" and c.lower_ in {"on", "against", "at", "to"}
            for g in c.children
            if g.dep_ == "pobj"
        ]
    preps += [  # "signed a pact with Kim Jong Un"
        g
        for o in objects
        for c in o.children
        if c.dep_ == "prep" and c.lower_ == "with"
        for g in c.children
        if g.dep_ == "pobj"
    ]
    actor_heads = subjects + agents if (subjects or agents) else []
    if head.pos_ in {"NOUN", "PROPN"} and verb.lemma_ in _REPORTING:
        # "outlets reported the presence of North Korean personnel": the reporter is no actor
        actor_heads = [g for c in head.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children]
    if not actor_heads and verb.dep_ == "pcomp" and verb.head.dep_ == "prep":
        # "accused North Korea of providing artillery": the accused is who provides
        actor_heads = [c for c in verb.head.head.children if c.dep_ == "dobj"]
    recipient_heads = objects + passive_subjects + preps
    if not actor_heads and verb.dep_ in {"xcomp", "advcl", "conj", "relcl", "acl"}:
        # "forces continued to shell", "troops shelled X, killing": the governing clause's subject
        up = verb.head
        actor_heads = [c for c in up.children if c.dep_ == "nsubj"]
    out: list[dict[str, Any]] = []
    for role, heads in (("actor", actor_heads), ("recipient", recipient_heads)):
        for h in heads:
            for conj in [h, *[c for c in h.conjuncts if c.i > h.i]]:
                if located and role == "recipient" and conj.ent_type_ in {"GPE", "LOC", "FAC"}:
                    continue
                a = _actor(conj, role)
                if a is not None and not any(x["name"] == a["name"] and x["role"] == role for x in out):
                    out.append(a)
    return out


def _actor(token: Token, role: str) -> dict[str, Any] | None:
    doc = token.doc
    if token.lower_ in {"group", "number", "unit", "team", "crowd"}:  # "a group of 18 soldiers"
        inner = [g for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children]
        if inner and inner[0].dep_ == "pobj":
            token = inner[0]
    if token.pos_ == "PRON" and token.lower_ in {"he", "she", "they"}:
        antecedent = _antecedent(token)
        if antecedent is None:
            return None
        token = antecedent
    left = token.left_edge.i
    words = [
        t
        for t in doc[left : token.i + 1]
        if (t.dep_ != "det" or t.i == token.i) and t.ent_type_ not in {"DATE", "TIME"} and not t.is_punct
    ]
    if not words:
        return None
    phrase = doc[words[0].i : token.i + 1]
    own = next((e for e in _ents(doc) if e.start <= token.i < e.end), None)
    entry = lexicon.actor(phrase.text) or lexicon.actor(own.text if own is not None else token.text)
    lex = nlp_lexicon()
    count = None
    for t in phrase:
        if t.dep_ == "nummod" and t.head.i == token.i:
            count = number(t.text)
    country = None
    for e in _ents(doc):  # "North Korean soldiers": a demonym of one or more tokens inside the phrase
        if e.label_ == "NORP" and phrase.start <= e.start and e.end <= phrase.end:
            country = country or lex.demonym(e.text)
    if entry is not None and (entry.country or not country):
        return _actor_record(
            role, entry.name, entry.country, entry.sector, phrase, entry.acled_name, entry.inter, count
        )
    if entry is not None:  # a generic entry ("soldiers") with the phrase's own country
        return _actor_record(role, phrase.text, country, entry.sector, phrase, None, None, count)
    if token.ent_type_ in {"GPE", "NORP", "ORG", "PERSON"} or country:
        ent = own
        name = ent.text if ent is not None and ent.label_ != "NORP" else phrase.text
        country = country or (lex.country(ent.text) if ent is not None else None)
        info = None
        if ent is not None:
            info = lex.lookup(ent.text) if hasattr(lex, "lookup") else None
        sector = _SECTOR_WORDS.get(token.lower_) or next(
            (_SECTOR_WORDS[t.lower_] for t in phrase if t.lower_ in _SECTOR_WORDS), None
        )  # "Russian President Vladimir Putin"
        if sector is None and info is not None:
            sector = getattr(info, "kind", None)
            country = country or getattr(info, "country", None)
        if sector is None and ent is not None and ent.label_ == "GPE":
            sector = "government"  # "North Korea", "Pyongyang" acting
        return _actor_record(role, name, country, sector, phrase, None, None, count)
    sector = _SECTOR_WORDS.get(token.lower_)
    if sector is not None:
        return _actor_record(role, phrase.text, None, sector, phrase, None, None, count)
    return None


def _antecedent(pronoun: Token) -> Token | None:
    """The nearest earlier PERSON (for he/she) or plural group subject (for they) in the paragraph."""
    doc = pronoun.doc
    wanted = {"PERSON"} if pronoun.lower_ in {"he", "she"} else {"NORP", "GPE", "ORG"}
    for ent in reversed([e for e in _ents(doc) if e.end <= pronoun.i and e.label_ in wanted]):
        if "\n\n" in doc[ent.end : pronoun.i].text:
            return None
        return ent.root
    return None


def _actor_record(
    role: str,
    name: str,
    country: str | None,
    sector: str | None,
    phrase: Span,
    acled_name: str | None,
    inter: int | None,
    count: int | None,
) -> dict[str, Any]:
    return {
        "role": role,
        "name": name,
        "country": country,
        "sector": sector,
        "span": {"start": phrase.start_char, "end": phrase.end_char, "text": phrase.text},
        "acled_name": acled_name,
        "inter": inter,
        "count": count,
    }


def _size(actors: list[dict[str, Any]]) -> int | None:
    return next((a["count"] for a in actors if a["role"] == "actor" and a.get("count")), None)


# --- when, where, modality, holders ---------------------------------------------------------------------


def _date_phrase(sent: Span, trigger: Span) -> str | None:
    dates = [e for e in sent.ents if e.label_ in {"DATE", "TIME"}]
    for word in ("overnight", "yesterday", "today", "tonight"):
        for t in sent:
            if t.lower_ == word and not any(e.start <= t.i < e.end for e in dates):
                dates.append(sent.doc[t.i : t.i + 1])
    dates = [e for e in dates if not DURATION.match(e.text.strip())]
    if not dates:
        return None
    best = min(dates, key=lambda e: abs(e.start - trigger.start))
    prev = sent.doc[best.start - 1] if best.start > 0 else None
    phrase = best.text
    if prev is not None and prev.lower_ in {"on", "in", "since", "by"}:
        phrase = f"{prev.text} {phrase}"
    return phrase


def _coherent(chosen: list[dict[str, Any]], places: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop a town abroad that nothing else in the article places in its country, when the sentence names
    an area elsewhere: "hit a Russian 2S4 Tyulpan near Patalakhivka, Luhansk region" read "Tyulpan" as
    Turpan in China, "Magura navy drones ... off Crimea" as a Romanian village."""
    areas = {p.get("country") for p in chosen if p.get("level") in {"admin1", "admin2", "region"}}
    if not areas:
        return chosen
    countries: dict[str, int] = {}
    for p in places:
        c = p.get("country")
        if c:
            countries[c] = countries.get(c, 0) + 1
    return [
        p
        for p in chosen
        if p.get("level") not in {"populated", "feature"}
        or p.get("country") in areas
        or countries.get(p.get("country") or "", 0) > 1
    ]


_QUOTES = frozenset("'\"’”")
_QUOTE_THEN_LOWER = re.compile(r"[!?.,]['\"’”]\s+(?=[a-z])")  # "Free them now!' in Kharkiv"


def _nearby_where(
    sent: Span, paragraph: tuple[int, int], places: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Where an event happened when its own sentence names no place: the rest of the sentence cut off by
    a quotation ("held a protest 'Free them now!' in Poltava": the next "sentence" starts in lower
    case), else the nearest earlier sentence of the paragraph that names one ("Shelling hit Kharkiv
    overnight. Two people were wounded.")."""
    doc = sent.doc
    end = sent.end
    for _ in range(3):  # "'Bring them home! Free them now!' in Poltava": two cuts inside the quotation
        if end >= len(doc):
            break
        nxt = doc[end].sent
        if nxt.start_char >= paragraph[1]:
            break
        cut = 0 if nxt.text[:1].islower() else _QUOTE_THEN_LOWER.search(nxt.text)
        if cut is not None:
            after = nxt.start_char + (cut if isinstance(cut, int) else cut.end())
            rest = [p for p in places if (p.get("mention") or {}).get("start", -1) >= after]
            found = [w for w in _where(nxt, rest, []) if w["from"] != "border"]
            if found:
                return found
            break
        if nxt.text.rstrip()[-1:] not in _QUOTES:
            break
        end = nxt.end
    start = sent.start
    while start > 0:
        prev = doc[start - 1].sent
        if prev.start_char < paragraph[0]:
            break
        found = [w for w in _where(prev, places, []) if w["from"] != "border"]
        if found:
            return found
        start = prev.start
    return []


def _where(
    sent: Span, places: Sequence[dict[str, Any]], actors: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The places the event happened at: the sentence's locations in text order, the town before the area
    that qualifies it ("near Hryhorivka, Donetsk"). When the town is not in the gazetteer, or resolves
    outside the area named after it, the area comes first: a region's centre is better than a namesake
    village in another region."""
    spans = [(a["span"]["start"], a["span"]["end"]) for a in actors if a.get("span")]
    text = sent.text
    chosen: list[dict[str, Any]] = []
    for p in places:
        m = p.get("mention") or {}
        start, end = m.get("start", -1), m.get("end", -1)
        if not (sent.start_char <= start < sent.end_char):
            continue
        if p.get("use") in {"demonym", "embedded"} and (p.get("relative") or {}).get("from") != "border":
            continue
        if p.get("metonymy") or any(s <= start and end <= e for s, e in spans):
            continue
        chosen.append(p)
    chosen = _coherent(chosen, places)
    ordered: list[dict[str, Any]] = []
    skip: set[int] = set()
    for i, p in enumerate(chosen):
        if i in skip:
            continue
        nxt = chosen[i + 1] if i + 1 < len(chosen) else None
        between = ""
        if nxt is not None:
            between = text[p["mention"]["end"] - sent.start_char : nxt["mention"]["start"] - sent.start_char]
        if nxt is not None and between.strip() == "," and nxt.get("level") in {"admin1", "admin2", "region"}:
            inside = p.get("lat") is not None and p.get("admin1") and p.get("admin1") == nxt.get("name")
            ordered += [p, nxt] if inside else [nxt, p]
            skip.add(i + 1)
            continue
        ordered.append(p)
    resolved = [p for p in ordered if p.get("lat") is not None] + [p for p in ordered if p.get("lat") is None]
    # a country or region after the places inside it ("Russia's Kursk Oblast": the oblast first)
    resolved.sort(key=lambda p: (p.get("lat") is None, p.get("level") in {"country", "region", "continent"}))
    out: list[dict[str, Any]] = []
    for p in resolved:
        rel = p.get("relative") or None
        relation = "in"
        if rel:
            relation = "distance" if rel.get("relation") == "distance" else "near"
        level = p.get("level")
        precision = 1 if level in {"populated", "feature"} else 2 if level == "admin2" else 3
        if relation != "in" and precision == 1:
            precision = 2
        out.append(
            {
                "place": p.get("id"),
                "relation": relation,
                "distance_km": (rel or {}).get("distance_km"),
                "from": (rel or {}).get("from"),
                "geo_precision": precision,
            }
        )
    return out


_WEAPONS = frozenset(
    [
        "artillery",
        "weapon",
        "weapons",
        "ammunition",
        "munition",
        "munitions",
        "shell",
        "shells",
        "missile",
        "missiles",
        "rocket",
        "rockets",
        "drone",
        "drones",
        "tank",
        "tanks",
        "arms",
        "howitzer",
        "howitzers",
        "mortar",
        "mortars",
        "rifle",
        "rifles",
    ]
)


def _aid_mode(trigger: Span) -> str | None:
    """AID's mode from what is given: weapons make it military."""
    root = trigger.root
    words = {t.lower_ for c in root.children if c.dep_ in {"dobj", "pobj", "prep"} for t in c.subtree}
    return "military" if words & _WEAPONS else None


def _rejected_accusers(event: _Event, claims: Sequence[dict[str, Any]]) -> None:
    """A denial's recipients are the sources of the claim it denies ("denied by Pyongyang" → the US)."""
    by_id = {str(c.get("id")): c for c in claims}
    for cid in event.claims:
        denied = by_id.get(str((by_id.get(cid) or {}).get("denies")))
        for src in (denied or {}).get("sources") or ():
            if not any(a["name"] == src.get("name") for a in event.actors):
                event.actors.append(
                    {
                        "role": "recipient",
                        "name": src.get("name"),
                        "country": src.get("country"),
                        "sector": src.get("kind"),
                        "span": src.get("span"),
                        "acled_name": None,
                        "inter": None,
                        "count": None,
                    }
                )


def _local_country(
    actors: list[dict[str, Any]], where: list[dict[str, Any]], places: Sequence[dict[str, Any]]
) -> None:
    """Protesters, civilians and police with no country named are the event place's own."""
    inside = [w for w in where if w.get("from") != "border"]
    if not inside:
        return
    place = next((p for p in places if p.get("id") == inside[0]["place"]), None)
    country = place.get("country") if place else None
    for a in actors:
        if a["country"] is None and a["sector"] in {"protesters", "civilians", "police", "government"}:
            a["country"] = country


_COOPERATIVE = frozenset({"SUPPORT", "AID", "CONSULT", "COOPERATE", "CONCEDE", "RETREAT"})
_HOSTILE = frozenset({"ASSAULT", "COERCE", "SANCTION", "PROTEST"})
_WILLING = frozenset(["willing", "ready", "prepared", "agree", "promise", "pledge", "offer", "commit", "vow"])
_REFUSING = frozenset(["refuse", "fail", "decline", "reject"])
_VOWING = frozenset(["swear", "vow", "threaten", "plan", "intend"])


_LABOUR = frozenset(
    """general hunger labour labor national nationwide indefinite warning open-ended day teachers workers
    union unions miners doctors nurses employees transport rail""".split()  # noqa: SIM905
)
_STRIKE_VERBS = frozenset(["organize", "organise", "call", "stage", "join", "declare", "announce", "end"])
_PERSONNEL = frozenset(
    """inspector worker diplomat ambassador envoy observer monitor peacekeeper staff mission personnel aid
    volunteer""".split()  # noqa: SIM905
)
_RESCUED = frozenset(
    [
        "wounded",
        "injured",
        "civilian",
        "resident",
        "people",
        "child",
        "refugee",
        "patient",
        "family",
        "citizen",
        "national",
    ]
)
_EASE = frozenset(
    ["lift", "ease", "cancel", "shorten", "relax", "end", "remove", "scrap", "revoke", "loosen"]
)
_RESTRICTIONS = frozenset(["restriction", "ban", "curfew", "sanction", "embargo", "blockade", "law", "limit"])
_IN_EFFECT = frozenset(["declare", "announce", "observe", "implement", "respect", "begin", "hold"])


def _refine_type(event: _Event, trigger: Span) -> None:
    """The type a trigger's neighbours decide: a teachers' or general strike is a PROTEST, not an attack;
    "called off a strike" concedes and "called on Arabs to unite" requests; withdrawing inspectors or
    diplomats is a SANCTION, not a military retreat; a declared ceasefire is in effect (RETREAT); lifting,
    cancelling or shortening a restriction is a CONCESSION."""
    root = trigger.root
    lemma = " ".join(event.trig.words)
    verb = root if root.pos_ in {"VERB", "AUX"} else root.head
    objects = {
        w for c in verb.children if c.dep_ in {"dobj", "nsubjpass"} for w in (c.lemma_.lower(), c.lower_)
    }
    if lemma == "strike" and root.pos_ == "NOUN" and not _instrument_near(trigger):
        words = {c.lower_ for c in root.children if c.dep_ in {"amod", "compound", "nummod", "poss"}}
        words |= {w for c in root.children for w in c.lower_.split("-")}
        if words & _LABOUR or (root.head.lemma_.lower() in _STRIKE_VERBS and root.dep_ == "dobj"):
            general = "general" in words or "nationwide" in words
            _retype(
                event, "PROTEST", "strike-gen" if general else "strike-lim", ("Protests", "Peaceful protest")
            )
    elif lemma == "call" and event.trig.plover == "CONSULT":
        if any(c.dep_ == "prt" and c.lower_ == "off" for c in root.children):
            _retype(event, "CONCEDE", "ease", None)  # "called off a four-day strike"
        elif any(c.dep_ == "prep" and c.lower_ == "on" for c in root.children) and any(
            c.dep_ in {"xcomp", "advcl"} for c in root.children
        ):
            _retype(event, "REQUEST", None, None)  # "called Thursday on Arabs to unite"
    elif lemma == "evacuate" and objects & _RESCUED:
        _retype(event, "AID", "humanitarian", None)  # "helicopters evacuated the wounded"
    elif event.trig.plover == "RETREAT" and event.trig.mode == "withdraw" and objects & _PERSONNEL:
        _retype(event, "SANCTION", "withdraw", None)  # "will withdraw weapons inspectors"
    elif lemma in {"ceasefire", "truce"} and root.head.lemma_.lower() in _IN_EFFECT:
        _retype(event, "RETREAT", "ceasefire", event.acled)  # "declared a unilateral ceasefire"
    elif event.trig.plover in {"COERCE", "SANCTION"}:
        eased = (root.dep_ == "dobj" and root.head.lemma_.lower() in _EASE) or (
            root.lemma_.lower() in _EASE and objects & _RESTRICTIONS
        )
        if eased:
            _retype(event, "CONCEDE", "ease", None)  # "shortened the curfew", "cancelled restrictions"


def _instrument_near(trigger: Span) -> bool:
    lowers, lemmas = _words(trigger.sent)
    table = lexicon.instruments()
    return any(w in table for w in (*lowers, *lemmas)) or any(
        w in {"air", "missile", "drone", "rocket", "artillery", "airstrike"} for w in lowers
    )


def _retype(event: _Event, plover: str, mode: str | None, acled: tuple[str, str] | None) -> None:
    event.trig = _retyped(event.trig, plover)
    event.mode, event.acled = mode, acled


def _speech_act_type(event: _Event, trigger: Span) -> None:
    """PLOVER 2.0 codes what an actor says it will or won't do as the verbal event, not the deed:
    refusing a cooperative act ("will not accept refugees", "failed to reach agreement") is REJECT; promising
    one ("will provide food aid", "is ready to contribute troops") is AGREE; announcing a hostile one ("would
    blockade Paris", "will withdraw unless ...") is THREATEN."""
    plover = event.trig.plover
    root = trigger.root
    verb = root if root.pos_ in {"VERB", "AUX"} else root.head
    governor = verb.head.lemma_.lower() if verb.dep_ in {"xcomp", "acomp", "ccomp"} else ""
    conditional = any(
        c.dep_ == "advcl" and any(m.lower_ == "unless" for m in c.children) for c in verb.children
    )
    demanded = verb.dep_ == "ccomp" and any(  # "said that China must drop barriers": a demand on another
        c.tag_ == "MD" and c.lower_ in {"must", "should"} for c in verb.children
    )
    if demanded and plover != "REQUEST":
        event.trig = _retyped(event.trig, "REQUEST")
        event.mode, event.acled = None, None
    elif conditional and event.future:  # "will withdraw its force unless ...": a threat
        event.trig = _retyped(event.trig, "THREATEN")
        event.mode, event.acled = None, None
    elif (event.negated or governor in _REFUSING) and plover in _COOPERATIVE | {"AGREE"}:
        event.trig = _retyped(event.trig, "REJECT")
        event.mode, event.negated, event.acled = None, False, None
    elif (event.future or governor in _WILLING | _VOWING) and plover in _HOSTILE and governor:
        event.trig = _retyped(event.trig, "THREATEN")  # "prepared to impose martial law", "sworn to fight"
        event.mode, event.acled = None, None
    elif (event.future or governor in _WILLING) and plover in _COOPERATIVE:
        event.trig = _retyped(event.trig, "AGREE")
        event.mode, event.acled = None, None
    elif (event.future or event.hypothetical or conditional) and plover in _HOSTILE:
        event.trig = _retyped(event.trig, "THREATEN")
        event.mode, event.acled = None, None  # announced, not done: no ACLED event


def _retyped(trigger: lexicon.Trigger, plover: str) -> lexicon.Trigger:
    return lexicon.Trigger(
        words=trigger.words,
        pos=trigger.pos,
        plover=plover,
        mode=None,
        acled_event_type=None,
        acled_sub_event_type=None,
        priority=trigger.priority,
    )


def _modality(trigger: Span) -> tuple[bool, bool, bool]:
    root = trigger.root
    verb = root if root.pos_ in {"VERB", "AUX"} else root.head
    kids = list(verb.children)
    negated = any(c.dep_ == "neg" for c in kids) or any(c.dep_ == "neg" for c in root.children)
    modal = {c.lower_ for c in kids if c.tag_ == "MD"}
    hypothetical = bool(modal & _MODALS) or any(
        c.dep_ == "mark" and c.lower_ in {"if", "unless"} for c in kids
    )
    planned = verb.dep_ == "xcomp" and verb.head.lemma_ in {"plan", "intend", "prepare", "threaten", "vow"}
    reported = "would" in modal and verb.dep_ == "ccomp" and verb.head.lemma_ in _REPORTING  # "said it would"
    future = bool(modal & _FUTURE) or planned or reported
    return negated, hypothetical, future


def _holders(trigger: Span, trig: lexicon.Trigger, claims: Sequence[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    s, e = trigger.start_char, trigger.end_char
    for c in claims:
        cue = c.get("cue") or {}
        if trig.plover in SPEECH_ACTS and cue and cue.get("start", -1) <= s < cue.get("end", -1):
            out.append(str(c["id"]))
            continue
        parts = c.get("content_parts") or [c.get("content") or {}]
        if any(p.get("start", -1) <= s and e <= p.get("end", -1) for p in parts):
            out.append(str(c["id"]))
    return out


def _paragraph_of(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n\n", 0, offset)
    end = text.find("\n\n", offset)
    return (0 if start < 0 else start + 2, len(text) if end < 0 else end)


# --- merging and records --------------------------------------------------------------------------------


def _merge(events: list[_Event], identity: dict[str, Any]) -> list[_Event]:
    out: list[_Event] = []
    for e in events:
        same = next((o for o in out if _same(o, e, identity)), None)
        if same is None:
            out.append(e)
            continue
        same.mentions.append(e.trigger)
        for a in e.actors:
            if not any(a["name"] == b["name"] and a["role"] == b["role"] for b in same.actors):
                same.actors.append(a)
        for w in e.where:
            if not any(w["place"] == x["place"] for x in same.where):
                same.where.append(w)
        same.claims += [c for c in e.claims if c not in same.claims]
        same.size = same.size or e.size
        same.fatalities = same.fatalities if same.fatalities is not None else e.fatalities
        if same.when.get("precision") == "unknown" and e.when.get("precision") != "unknown":
            same.when = e.when
    return out


def _same(a: _Event, b: _Event, identity: dict[str, Any]) -> bool:
    """Two mentions of one event: same type, mode, ACLED type and polarity, and actors, dates and places
    that do not conflict (either side may leave one unsaid)."""
    if (a.trig.plover, a.mode, a.acled, a.negated) != (b.trig.plover, b.mode, b.acled, b.negated):
        return False
    names_a = {x["country"] for x in a.actors if x["role"] == "actor" and x["country"]}
    names_b = {x["country"] for x in b.actors if x["role"] == "actor" and x["country"]}
    if names_a and names_b and not names_a & names_b:
        return False
    da, db = a.when, b.when
    if da.get("start") and db.get("start") and da["start"] != db["start"]:
        return False
    pa = {identity.get(w["place"]) for w in a.where if w["from"] != "border"}  # two mentions of one town
    pb = {identity.get(w["place"]) for w in b.where if w["from"] != "border"}
    return not (pa and pb and not pa & pb)


def _depth(token: Token) -> int:
    """How far the trigger sits below its sentence's root: 0 for the main verb ("agreed"), more inside
    subordinate clauses ("... that their countries should cooperate")."""
    depth = 0
    while token.head.i != token.i and depth < 50:
        token = token.head
        depth += 1
    return depth


def _record(article_id: str, n: int, e: _Event, claims: Sequence[dict[str, Any]]) -> dict[str, Any]:
    def span(s: Span) -> dict[str, Any]:
        return {"start": s.start_char, "end": s.end_char, "text": s.text}

    held = [c for c in claims if str(c.get("id")) in e.claims]
    denied = {str(c.get("denies")) for c in claims if c.get("denies")}
    allegation = bool(held) and all(
        (c.get("certainty") or {}).get("evidential") == "alleged" or str(c.get("id")) in denied for c in held
    )
    actors = [{k: v for k, v in a.items() if k != "count"} for a in e.actors]
    when = e.when or {"start": None, "end": None, "precision": "unknown", "text": None}
    return {
        "id": f"{article_id}:e{n}",
        "type": e.trig.plover,
        "mode": e.mode,
        "acled": {"event_type": e.acled[0], "sub_event_type": e.acled[1]} if e.acled else None,
        "trigger": span(e.trigger),
        "mentions": [span(m) for m in e.mentions],
        "actors": actors,
        "size": e.size,
        "fatalities": e.fatalities,
        "injuries": e.injuries,
        "when": when,
        "time_precision": TIME_PRECISION.get(when.get("precision") or "unknown", 3),
        "where": e.where,
        "claims": e.claims,
        "depth": _depth(e.trigger.root),
        "negated": e.negated,
        "hypothetical": e.hypothetical,
        "future": e.future,
        "allegation": allegation,
    }
