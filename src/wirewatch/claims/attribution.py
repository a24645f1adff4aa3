"""Rule-based attribution extraction over a parsed spaCy ``Doc`` (first version).

:func:`extract` finds the high-frequency news attributions with dependency rules and returns interchange-
format ``Claim`` dicts (ids ``f"{article_id}:c{n}"`` in text order):

* a reporting / belief verb ("said", "told", "denied", "believes", ...) with an ``nsubj`` source (or the
  ``agent`` of a passive, or none for "it was reported that") and a ``ccomp`` / ``xcomp`` / ``dobj`` content;
  "X said" after a direct quote is the same rule (the quote is the verb's ``ccomp``); a parenthetical
  "..., he said, ..." takes the clause it interrupts as its content (in parts around the parenthetical);
* "according to X": the rest of the sentence, without the phrase and its comma, is the content;
* "as reported by X" and other cue verbs without a subject that hang off a clause: the clause is the content;
* "citing X" / "cited by X": X goes to ``via`` when the clause already has a source, else X is the source.

Sources are named from the lexicon (outlets, agencies, bodies) else the span without a leading determiner;
"he" / "she" / "they" borrow the nearest preceding named person or organisation source (the span stays the
pronoun's). Certainty comes from :func:`wirewatch.claims.certainty.grade` over the sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from spacy.tokens import Doc, Span, Token

from wirewatch.claims.certainty import entries, grade
from wirewatch.nlp import lexicon

__all__ = ["CUE_LEMMAS", "DENIAL_LEMMAS", "RULES_VERSION", "cue_words", "extract"]

RULES_VERSION = "2"
"""Bump when the rules or their data change: stored analyses then show which rules made them."""

CUE_LEMMAS = frozenset(
    {
        "say", "tell", "report", "claim", "state", "add", "note", "suggest", "indicate", "accuse", "deny",
        "announce", "warn", "confirm", "believe", "think", "write", "argue", "insist", "explain", "comment",
        "allege", "acknowledge", "predict", "estimate", "ask", "admit", "concede", "declare", "reject",
        "dismiss", "refute", "assert", "reply", "respond", "expect", "fear", "hope", "know", "feel", "agree",
        "promise", "vow", "pledge", "urge", "recall", "conclude", "assess", "speculate", "testify", "tweet",
        "post", "reckon", "doubt", "stress", "emphasize", "maintain", "contend", "observe", "disclose",
        "reveal", "show", "find", "worry",
    }
)  # fmt: skip
DENIAL_LEMMAS = frozenset({"deny", "reject", "dismiss", "refute"})
_QUOTES = '"“”«»„'
_OPEN_QUOTES = '"“«„'
_CLOSE_QUOTES = '"”»'
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
_RESOLVABLE = frozenset({"he", "she", "they"})
_ANONYMOUS = frozenset(
    {"official", "officials", "source", "sources", "spokesman", "spokeswoman", "spokesperson"}
)
_KIND_OF = {"outlet": "outlet", "agency": "outlet", "government": "government", "military": "military",
            "intelligence": "intelligence", "organization": "organization"}  # fmt: skip
_DETERMINERS = ("the ", "a ", "an ")
_CONTENT_DEPS = ("ccomp", "xcomp")


@cache
def cue_words() -> frozenset[str]:
    """Single-word cue and denial forms from ``certainty.tsv`` plus the built-in lemmas (lower case)."""
    words = {t for t, e in entries().items() if e.role in ("cue", "denial") and " " not in t}
    return frozenset(words | CUE_LEMMAS)


@dataclass
class _Found:
    cue: tuple[int, int]
    cue_lemma: str
    content: list[tuple[int, int]]
    sources: list[dict[str, Any]]
    sent: Span
    via: list[dict[str, Any]] = field(default_factory=list)


# --- spans -------------------------------------------------------------------------------------------------


def _text(doc: Doc) -> str:
    """``doc.text``, computed once: spaCy rebuilds it from every token on each access."""
    cached = doc.user_data.get("wirewatch_text")
    if not isinstance(cached, str):
        cached = doc.user_data["wirewatch_text"] = doc.text
    return cached


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Char offsets ``[start, end)`` without surrounding whitespace, punctuation and quote marks."""
    text = _text(doc)
    strip = " \t\r\n,;:.—–-" + _QUOTES + "'‘’()[]"
    while start < end and text[start] in strip:
        start += 1
    while end > start and text[end - 1] in strip:
        end -= 1
    # keep a closing sentence stop or quote out, but never cut inside a word
    return (start, end) if end > start else None


def _tok_range(doc: Doc, first: int, last: int) -> tuple[int, int] | None:
    """Trimmed char offsets of tokens ``first..last`` (inclusive)."""
    if last < first:
        return None
    return _trim(doc, doc[first].idx, doc[last].idx + len(doc[last].text))


def _subtree(tok: Token) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i


def _minus(doc: Doc, outer: tuple[int, int], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Char spans of token range ``outer`` (inclusive) without the token ranges in ``holes``."""
    parts: list[tuple[int, int]] = []
    cur = outer[0]
    for hs, he in sorted(holes):
        if he < cur or hs > outer[1]:
            continue
        part = _tok_range(doc, cur, min(hs - 1, outer[1]))
        if part:
            parts.append(part)
        cur = max(cur, he + 1)
    part = _tok_range(doc, cur, outer[1])
    if part:
        parts.append(part)
    return parts


def _span(doc: Doc, se: tuple[int, int]) -> dict[str, Any]:
    return {"start": se[0], "end": se[1], "text": _text(doc)[se[0] : se[1]]}


def _quote_type(doc: Doc, parts: list[tuple[int, int]], sent: Span) -> str:
    """direct when every part sits between quotation marks, mixed when quotes are inside or only some parts
    are quoted, else indirect."""
    text = _text(doc)
    quoted = []
    for start, end in parts:
        before = text[sent.start_char : start].rstrip()
        after = text[end : sent.end_char].lstrip(" ,.;:!?")
        inside = _count_open(text[sent.start_char : start])
        opened = (bool(before) and before[-1] in _OPEN_QUOTES) or inside
        closed = bool(after) and after[0] in _CLOSE_QUOTES
        if not closed:
            after_raw = text[end : min(end + 3, len(text))]
            closed = any(c in _CLOSE_QUOTES for c in after_raw)
        quoted.append(bool(opened and closed))
        if not (opened and closed) and any(c in _QUOTES for c in text[start:end]):
            return "mixed"
    if all(quoted):
        return "direct"
    return "mixed" if any(quoted) else "indirect"


def _count_open(prefix: str) -> bool:
    """Whether a quotation is open at the end of ``prefix``."""
    straight = prefix.count('"') % 2 == 1
    curly = prefix.count("“") > prefix.count("”")
    return straight or curly


# --- sources -----------------------------------------------------------------------------------------------


def _source(doc: Doc, first: int, last: int, history: list[dict[str, Any]]) -> dict[str, Any] | None:
    se = _tok_range(doc, first, last)
    if se is None:
        return None
    text = _text(doc)[se[0] : se[1]]
    lower = text.lower()
    lex = lexicon()
    if lower in _PRONOUNS:
        if lower in _RESOLVABLE:
            found = _antecedent(doc, se[0], lower != "they", history)
            if found is not None:
                return {**found, "span": _span(doc, se)}
        return {"name": text, "kind": "unknown", "country": None, "span": _span(doc, se)}
    name = text
    for det in _DETERMINERS:
        if lower.startswith(det):
            name = text[len(det) :]
            break
    info = lex.lookup(text) or lex.lookup(name)
    ents = [e for e in doc.ents if e.start >= first and e.end <= last + 1]
    if info is None:
        for ent in ents:
            info = lex.lookup(ent.text)
            if info is not None:
                break
    country: str | None = None
    if info is not None:
        kind = _KIND_OF.get(info.kind, "organization")
        country = info.country
        name = info.name if len(ents) <= 1 and len(name) <= len(info.name) + 25 else name
    elif any(e.label_ == "PERSON" for e in ents):
        kind = "person"
        person = next(e for e in ents if e.label_ == "PERSON")
        name = person.text
    elif any(e.label_ in ("ORG", "NORP", "GPE") for e in ents) and not any(
        t.lower_ in _ANONYMOUS for t in doc[first : last + 1]
    ):
        kind = "organization"
    elif any(t.lower_ in _ANONYMOUS for t in doc[first : last + 1]):
        kind = "anonymous"
    else:
        kind = "unknown"
    if country is None:
        for tok in doc[first : last + 1]:
            code = lex.demonym(tok.text) or lex.country(tok.text)
            if code:
                country = code
                break
    return {"name": name, "kind": kind, "country": country, "span": _span(doc, se)}


def _antecedent(doc: Doc, before: int, person: bool, history: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The nearest named source (or PERSON / ORG entity) before char ``before``: a person for he / she."""
    wanted = ("person",) if person else ("organization", "government", "military", "intelligence", "outlet")
    best: dict[str, Any] | None = None
    best_at = -1
    for prev in history:
        at = prev["span"]["start"] if prev.get("span") else -1
        if prev["kind"] in wanted and prev["name"].lower() not in _PRONOUNS and best_at < at < before:
            best, best_at = prev, at
    labels = ("PERSON",) if person else ("ORG",)
    for ent in doc.ents:
        if ent.label_ in labels and best_at < ent.start_char < before:
            info = lexicon().lookup(ent.text)
            kind = (
                "person" if person else (_KIND_OF.get(info.kind, "organization") if info else "organization")
            )
            best_at = ent.start_char
            best = {"name": info.name if info else ent.text, "kind": kind,
                    "country": info.country if info else None}  # fmt: skip
    return best


def _subject(verb: Token) -> tuple[Token | None, bool]:
    """(subject token, whether it is the agent of a passive or an active subject)."""
    for child in verb.children:
        if child.dep_ == "agent":
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return pobj, True
    for child in verb.children:
        if child.dep_ in ("nsubj", "csubj"):
            return child, True
    for child in verb.children:
        if child.dep_ == "nsubjpass":
            return child, False
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        return _subject(verb.head)
    if verb.dep_ == "relcl":
        return verb.head, True
    return None, False


def _source_range(tok: Token) -> tuple[int, int]:
    """The subject's token range: its subtree, cut at a relative clause after the head."""
    first, last = _subtree(tok)
    for child in tok.rights:
        if child.dep_ in ("relcl", "acl") and child.i > tok.i:
            last = min(last, child.left_edge.i - 1)
    return first, last


# --- rules -------------------------------------------------------------------------------------------------


def _verb_claims(doc: Doc, history: list[dict[str, Any]]) -> list[_Found]:
    words = cue_words()
    found: list[_Found] = []
    for tok in doc:
        if tok.pos_ not in ("VERB", "AUX") or (tok.pos_ == "AUX" and tok.dep_ == "aux"):
            continue
        lemma = tok.lemma_.lower()
        if lemma not in CUE_LEMMAS and tok.lower_ not in words:
            continue
        if lemma in ("cite",) or (tok.dep_ == "aux"):
            continue
        if tok.lower_ == "according":
            continue
        sent = tok.sent
        comp = [c for c in tok.children if c.dep_ in _CONTENT_DEPS]
        subj, active = _subject(tok)
        content: list[tuple[int, int]] = []
        if comp:
            c = comp[0]
            rng = _subtree(c)
            holes = []
            if subj is not None and rng[0] <= subj.i <= rng[1]:
                holes.append(_source_range(subj))
            content = _minus(doc, rng, holes)
        elif tok.dep_ in ("parataxis", "advcl") and tok.head.pos_ in ("VERB", "AUX", "NOUN", "ADJ"):
            if tok.dep_ == "advcl" and not any(c.dep_ == "mark" and c.lower_ == "as" for c in tok.children):
                continue
            head = tok.head
            content = _minus(doc, _subtree(head), [_subtree(tok)])
        else:
            dobj = next((c for c in tok.children if c.dep_ == "dobj"), None)
            if (
                dobj is None
                or lemma in ("tell", "ask", "say")
                or dobj.pos_ == "PRON"
                or dobj.ent_type_ == "PERSON"
            ):
                continue
            content = [r for r in [_tok_range(doc, *_subtree(dobj))] if r]
        if not content:
            continue
        sources: list[dict[str, Any]] = []
        if subj is not None and active:
            src = _source(doc, *_source_range(subj), history)
            if src is None:
                continue
            sources.append(src)
        elif subj is not None and subj.lower_ != "it":
            # "He is believed to have fled": the passive subject is part of the content, no named source
            if not comp or comp[0].dep_ != "xcomp":
                continue
            content = [r for r in [_tok_range(doc, subj.left_edge.i, comp[0].right_edge.i)] if r]
        if not sources and lemma in ("think", "feel", "hope", "know", "agree", "find", "show"):
            continue
        cue = _tok_range(doc, tok.i, tok.i)
        if cue is None:
            continue
        if sources:
            history.append(sources[0])
        found.append(_Found(cue, lemma, content, sources, sent))
    return found


def _according_to(doc: Doc, history: list[dict[str, Any]]) -> list[_Found]:
    found: list[_Found] = []
    for tok in doc:
        if tok.lower_ != "according" or tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
            continue
        to = doc[tok.i + 1]
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is None:
            pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
        if pobj is None:
            continue
        sent = tok.sent
        first, last = tok.i, max(pobj.right_edge.i, to.i)
        hole_first, hole_last = first, last
        if hole_last + 1 < sent.end and doc[hole_last + 1].text == ",":
            hole_last += 1
        if hole_first - 1 >= sent.start and doc[hole_first - 1].text == ",":
            hole_first -= 1
        content = _minus(doc, (sent.start, sent.end - 1), [(hole_first, hole_last)])
        src = _source(doc, *_source_range(pobj), history)
        cue = _tok_range(doc, tok.i, to.i)
        if not content or src is None or cue is None:
            continue
        history.append(src)
        found.append(_Found(cue, "according to", content, [src], sent))
    return found


def _citing(doc: Doc, claims: list[_Found], history: list[dict[str, Any]]) -> list[_Found]:
    """Handle "citing X" / "cited by X": a relay for a claim of the same clause, else a claim of its own."""
    found: list[_Found] = []
    for tok in doc:
        if tok.lemma_.lower() != "cite" or tok.dep_ not in ("advcl", "acl", "conj", "xcomp", "parataxis"):
            continue
        if tok.lower_ == "cited":
            agent = next((c for c in tok.children if c.dep_ == "agent"), None)
            x = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        else:
            x = next((c for c in tok.children if c.dep_ == "dobj"), None)
        if x is None:
            continue
        src = _source(doc, *_source_range(x), history)
        if src is None:
            continue
        host = next((f for f in claims if f.sent == tok.sent and f.sources and f.cue[0] <= tok.head.idx + 1
                     and f.cue[1] >= tok.head.idx), None)  # fmt: skip
        if host is None:
            host = next((f for f in claims if f.sent == tok.sent and f.sources), None)
        if host is not None:
            host.via.append(src)
            hole = _subtree(tok)
            if hole[0] - 1 >= tok.sent.start and doc[hole[0] - 1].text == ",":
                hole = (hole[0] - 1, hole[1])
            cut = (doc[hole[0]].idx, doc[hole[1]].idx + len(doc[hole[1]].text))
            host.content = _cut(doc, host.content, cut)
            continue
        hole = _subtree(tok)
        if hole[0] - 1 >= tok.sent.start and doc[hole[0] - 1].text == ",":
            hole = (hole[0] - 1, hole[1])
        content = _minus(doc, (tok.sent.start, tok.sent.end - 1), [hole])
        cue = _tok_range(doc, tok.i, tok.i + 1 if tok.lower_ == "cited" else tok.i)
        if content and cue:
            found.append(_Found(cue, "cite", content, [src], tok.sent))
    return found


def _cut(doc: Doc, parts: list[tuple[int, int]], hole: tuple[int, int]) -> list[tuple[int, int]]:
    """``parts`` without the chars of ``hole`` (trimmed again)."""
    result: list[tuple[int, int]] = []
    for start, end in parts:
        pieces = [(start, end)] if end <= hole[0] or start >= hole[1] else [(start, hole[0]), (hole[1], end)]
        for ps, pe in pieces:
            trimmed = _trim(doc, ps, pe) if pe > ps else None
            if trimmed:
                result.append(trimmed)
    return result or parts


# --- the claim ---------------------------------------------------------------------------------------------


def extract(doc: Doc, article_id: str) -> list[dict[str, Any]]:
    """Claim dicts for the attributions found in ``doc`` (its text is the article text), in text order."""
    if not _text(doc).strip() or len(doc) == 0:
        return []
    history: list[dict[str, Any]] = []
    found = _verb_claims(doc, history)
    found += _according_to(doc, history)
    found += _citing(doc, found, history)
    found.sort(key=lambda f: (min(f.content[0][0], f.cue[0]), f.cue[0]))
    claims: list[dict[str, Any]] = []
    for n, f in enumerate(found, 1):
        parts = sorted(f.content)
        cue_text = _text(doc)[f.cue[0] : f.cue[1]]
        first = f.sources[0] if f.sources else None
        certainty = grade(
            cue=cue_text,
            window=f.sent.text,
            source_kind=first["kind"] if first else None,
            source_country=first["country"] if first else None,
            text=_text(doc),
            source_name=first["name"] if first else None,
        ).to_dict()
        denial = f.cue_lemma in DENIAL_LEMMAS
        if denial:
            certainty["polarity"] = "negative"
        claims.append(
            {
                "id": f"{article_id}:c{n}",
                "content": _span(doc, (parts[0][0], parts[-1][1])),
                "content_parts": [_span(doc, p) for p in parts],
                "cue": _span(doc, f.cue),
                "sources": f.sources,
                "via": f.via,
                "asked_by": None,
                "quote": _quote_type(doc, parts, f.sent),
                "certainty": certainty,
                "kind": "denial" if denial else "statement",
                "denies": None,
            }
        )
    return claims
