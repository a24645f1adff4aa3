"""Rule-based attribution over a parsed spaCy ``Doc``: cue, source, content, quote type, relays, denials.

:func:`extract` returns interchange-format ``Claim`` dicts (ids ``f"{article_id}:c{n}"`` in text order). It
reads the article sentence by sentence, so that pronouns and titles resolve to sources named earlier
(:class:`wirewatch.claims.sources.Sources`), and applies these rules to each sentence:

* a reporting / belief verb ("said", "told", "suggested", "denied", "believes", ...) with an ``nsubj`` source
  (or the ``agent`` of a passive, or none for "it was reported that") and a ``ccomp`` / ``xcomp`` / object
  content; "X said" after a direct quote is the same rule; a parenthetical "..., he said, ..." takes the
  clause it interrupts (in parts around the parenthetical); a participle cue without a subject ("...,
  noting that") takes the subject of the verb it hangs on; "a report by X suggested" has the source X;
  "allegations denied by X" is a denial whose content is the noun;
* "according to X": the rest of the sentence is the content;
* noun cues: "speculation that ...", "reports of ...", "X's claim that ...", "claims by X that ...";
* relays: "cited by X", "as reported by X", "quoted by X" add X to the claim's ``via``; "citing X" and
  "quoting X" make X the source and the citer a relay; a claim whose cue sits inside another claim's
  content was relayed by that claim's sources;
* hedged clauses with no cue ("local authorities are allegedly conducting a search"): the source carries
  over from the claim of the previous sentence of the paragraph, else none is named;
* no comment: "did not respond", "declined to comment", "reached out to X ... no response" give a
  ``no_comment`` record naming those asked (``sources``) and who asked (``asked_by``);
* what the article asserts itself: the main clause of a sentence that no rule above covers, when it has a
  subject and a finite verb and is not a question, first or second person, or inside a quotation.

A denial's ``denies`` is the earlier claim it rejects: for "denied the allegations" the nearest earlier
accusation or report, else the earlier claim whose content shares most words with the denial's.
Certainty comes from :func:`wirewatch.claims.certainty.grade` over the cue and content.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from spacy.tokens import Doc, Span, Token

from wirewatch.claims import spans
from wirewatch.claims.certainty import Term, entries, find_terms, grade
from wirewatch.claims.sources import Sources

__all__ = ["CUE_LEMMAS", "DENIAL_LEMMAS", "RULES_VERSION", "cue_words", "extract"]

RULES_VERSION = "2"
"""Bump when the rules or their data change: stored analyses then show which rules made them."""

CUE_LEMMAS = frozenset(
    {
        "say", "tell", "report", "claim", "state", "add", "note", "suggest", "indicate", "accuse", "deny",
        "announce", "warn", "confirm", "believe", "think", "write", "argue", "insist", "explain", "comment",
        "allege", "acknowledge", "predict", "estimate", "ask", "admit", "concede", "declare", "reject",
        "dismiss", "refute", "assert", "reply", "respond", "expect", "fear", "hope", "feel", "agree",
        "promise", "vow", "pledge", "urge", "recall", "conclude", "assess", "speculate", "testify", "tweet",
        "post", "reckon", "doubt", "stress", "emphasize", "contend", "observe", "disclose",
        "reveal", "show", "find", "worry",
    }
)  # fmt: skip
SPEECH_ACT_LEMMAS = frozenset(
    {
        "call", "praise", "thank", "criticize", "criticise", "slam", "mock", "condemn", "blame", "describe",
        "refer", "mention", "discuss", "joke", "question", "propose", "demand", "defend", "apologize",
        "apologise", "welcome", "hail", "boast", "complain", "lament", "recommend", "caution", "advise",
        "signal", "talk", "speak", "brand", "label", "dub", "decry", "denounce", "applaud", "rebuke", "point",
    }
)  # fmt: skip
"""Verbs that perform a speech act about a thing (PolNeAR annotates them; so do analysts: "X condemned Y")."""
STANCE_LEMMAS = frozenset(
    {"prefer", "support", "oppose", "endorse", "favor", "favour", "back", "refuse", "threaten",
     "plan", "intend", "seek", "offer"}
)  # fmt: skip
"""Verbs of a held position; only with a named holder."""
PREP_CONTENT = {"call": ("for", "on"), "refer": ("to",), "talk": ("about",), "speak": ("about", "of"),
                "comment": ("on",), "respond": ("to",), "joke": ("about",), "complain": ("about", "of"),
                "warn": ("of", "about", "against"), "point": ("to",), "apologize": ("for",),
                "apologise": ("for",), "boast": ("about", "of"), "say": ("of",)}  # fmt: skip
DENIAL_LEMMAS = frozenset({"deny", "reject", "dismiss", "refute"})
_SAID_OBJECTS = frozenset(
    {"so", "yes", "no", "that", "this", "it", "something", "anything", "nothing", "much"}
)
"""What "said" can take as its content besides a noun: "half said so", "by the time he said that"."""
RECIPIENT_LEMMAS = frozenset({"tell", "ask", "remind", "inform", "assure", "brief", "urge", "warn"})
"""Verbs whose object is whom the speaker addressed, not what was said."""
QUOTE_ONLY_LEMMAS = frozenset({"continue", "go", "begin", "quip", "joke", "charge", "chime", "counter"})
"""Cues only next to a quotation: '"...," he continued' / 'Kelly charged'."""
VERB_CUES = CUE_LEMMAS | SPEECH_ACT_LEMMAS | STANCE_LEMMAS | QUOTE_ONLY_LEMMAS
RELAY_LEMMAS = frozenset({"cite", "quote", "report", "carry"})
NOUN_CUES = frozenset(
    {
        "speculation", "report", "reports", "claim", "claims", "allegation", "allegations", "rumor", "rumors",
        "rumour", "rumours", "suggestion", "suggestions", "assertion", "assertions", "accusation",
        "accusations", "statement", "belief", "fear", "fears", "warning", "warnings", "assessment",
        "estimate", "estimates", "indication", "indications", "denial", "denials", "charge", "charges",
    }
)  # fmt: skip
NOUNS_OF = frozenset({"report", "reports", "claim", "claims", "allegation", "allegations", "rumor", "rumors",
                      "rumour", "rumours", "accusation", "accusations", "speculation"})  # fmt: skip
"""Noun cues whose content can be an "of" phrase ("reports of casualties")."""
STANCE_NOUNS = frozenset(
    {
        "critique", "criticism", "criticisms", "support", "opposition", "praise", "concern", "concerns",
        "comments", "comment", "remarks", "views", "view", "position", "stance", "call", "calls", "plea",
        "pleas", "demand", "demands", "endorsement", "condemnation", "doubts", "objection", "objections",
        "complaint", "complaints", "opinion", "message", "appeal", "apology", "tribute", "thoughts",
        "announcement", "proposal", "promise", "pledge", "question", "questions", "vow", "description",
        "characterization", "rejection", "assessment",
    }
)  # fmt: skip
"""Nouns of a stance or speech act held by someone ("his critique of", "Kyiv's appeal for")."""
MEDIA_NOUNS = frozenset({"statement", "interview", "part", "post", "tweet", "speech", "release", "letter",
                         "email", "conference", "briefing", "address", "video", "message", "op-ed", "article",
                         "appearance", "broadcast", "podcast", "remarks"})  # fmt: skip
STANCE_PREPS = frozenset({"of", "for", "about", "on", "against", "to", "over", "with"})
LIGHT_VERBS = frozenset(
    {
        "express", "voice", "unleash", "launch", "make", "issue", "offer", "reiterate", "repeat", "renew",
        "level", "give", "raise", "share", "air", "send", "deliver",
    }
)  # fmt: skip
NOT_CUES = frozenset({"be", "have", "make", "ensure", "mean", "prove", "seem", "appear", "see", "require"})
"""Verbs with a "that" clause that attribute nothing ("made sure that", "it means that")."""
HEDGE_ADVERBS = frozenset({"reportedly", "allegedly", "purportedly", "supposedly", "reputedly", "ostensibly"})
REPORT_SUBJECTS = frozenset({"report", "reports", "statement", "study", "analysis", "assessment",
                             "investigation", "survey", "article", "story", "dispatch", "broadcast",
                             "post", "release", "document", "memo", "letter"})  # fmt: skip
"""Subjects of a cue verb that stand for whoever made them: "a report by LIGA suggested" is LIGA's claim."""
ACCUSATION_NOUNS = frozenset({"allegation", "allegations", "accusation", "accusations", "claim", "claims",
                              "charge", "charges", "report", "reports", "it", "this", "that", "them",
                              "suggestion", "suggestions", "rumors", "rumours", "assertion"})  # fmt: skip
NO_COMMENT = re.compile(
    r"\b(?:(?:did|does|do|has|have|had|could|would)(?: not|n['’]t)(?: immediately)? "
    r"(?:respond|reply|return|answer|comment|be reached)\w*"
    r"|(?:declined|refused) to (?:comment|respond|answer)"
    r"|no (?:immediate )?(?:response|reply|comment|answer)"
    r"|(?:could|can) ?not be reached|unavailable for comment|not available for comment)\b",
    re.IGNORECASE,
)
ASKING_LEMMAS = frozenset({"reach", "contact", "ask", "approach", "email", "call", "query", "request"})
_QUOTES = '"“”«»„'
_OPEN_QUOTES = '"“«„'
_CLOSE_QUOTES = '"”»'
_CONTENT_DEPS = ("ccomp", "xcomp")
_RELATIVE = frozenset({"which", "who", "that", "whom"})
_OPINION_WORDS = frozenset({"i", "we", "you", "my", "our", "your", "us", "me"})
_SOURCE_MODIFIERS = frozenset({"media", "government", "intelligence", "military", "police", "official"})
_DANGLING = frozenset({"ADP", "DET", "CCONJ", "SCONJ", "PART"})
_BELIEF_LEMMAS = frozenset({"think", "feel", "hope", "know", "agree", "find", "show"})


@cache
def cue_words() -> frozenset[str]:
    """Single-word cue and denial forms from ``certainty.tsv`` plus the built-in lemmas (lower case)."""
    words = {t for t, e in entries().items() if e.role in ("cue", "denial") and " " not in t}
    return frozenset(words | CUE_LEMMAS)


@dataclass
class _Found:
    """A claim under construction: char ranges, the sentence, and what the rules learnt about it."""

    cue: tuple[int, int] | None
    cue_lemma: str
    content: list[tuple[int, int]]
    sources: list[dict[str, Any]]
    sent: Span
    via: list[dict[str, Any]] = field(default_factory=list)
    kind: str = "statement"
    asked_by: dict[str, Any] | None = None
    rule: str = "verb"
    cue_token: int | None = None
    denied_noun: bool = False  # a denial of "the allegations" / "it": denies the nearest earlier accusation
    denies: int | None = None  # index into the article's found list, set at the end


# --- spans -------------------------------------------------------------------------------------------------


def _text(doc: Doc) -> str:
    """``doc.text``, computed once: spaCy rebuilds it from every token on each access."""
    cached = doc.user_data.get("wirewatch_text")
    if not isinstance(cached, str):
        cached = doc.user_data["wirewatch_text"] = doc.text
    return cached


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Char offsets ``[start, end)`` without surrounding whitespace, punctuation and quote marks."""
    return spans.trim(_text(doc), start, end)


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
    return spans.span(_text(doc), *se)


def _quote_type(doc: Doc, parts: list[tuple[int, int]], sent: Span) -> str:
    """direct when every part sits between quotation marks, mixed when quotes are inside or only some parts
    are quoted, else indirect. Whether a quotation is open is read from the paragraph's start."""
    text = _text(doc)
    quoted = []
    for start, end in parts:
        if text[start : start + 5].lower() == "that " and text[start + 5 : start + 6] in _OPEN_QUOTES:
            start += 6  # 'noting that "the possibility ..."' is a direct quote
        prefix = text[_paragraph_start(text, start) : start]
        before = prefix.rstrip()
        after = text[end : end + 4].lstrip(" ,.;:!?")
        opened = (bool(before) and before[-1] in _OPEN_QUOTES) or _count_open(prefix)
        closed = bool(after) and after[0] in _CLOSE_QUOTES
        if not closed and opened and _count_open(prefix + text[start:end]):
            rest = text[end : _paragraph_end(text, end)]
            marks = [c for c in rest if c in _QUOTES]
            closed = bool(marks) and (marks[0] in _CLOSE_QUOTES or marks[0] == '"')
        quoted.append(bool(opened and closed))
        if not (opened and closed) and any(c in _QUOTES for c in text[start:end]):
            return "mixed"
    if all(quoted):
        return "direct"
    return "mixed" if any(quoted) else "indirect"


def _paragraph_start(text: str, char: int, back: int = 3000) -> int:
    """Where the paragraph holding ``char`` starts; in a text with no paragraph break before ``char``, at most
    ``back`` characters before it, so that such a text is not rescanned from its start for every question."""
    para = text.rfind("\n\n", 0, char)
    return para + 2 if para >= 0 else max(0, char - back)


def _paragraph_end(text: str, char: int) -> int:
    end = text.find("\n\n", char)
    return end if end >= 0 else len(text)


def _next_close_quote(text: str, start: int, stop: int) -> int:
    """The first closing quotation mark in ``text[start:stop]`` (-1 if none)."""
    return min((k for k in (text.find(c, start, stop) for c in '”»"') if k >= 0), default=-1)


def _count_open(prefix: str) -> bool:
    """Whether a quotation is open at the end of ``prefix``."""
    straight = prefix.count('"') % 2 == 1
    curly = prefix.count("“") > prefix.count("”")
    return straight or curly


# --- per-sentence context ----------------------------------------------------------------------------------


@dataclass
class _Ctx:
    """One article's state: the parse, token attributes read once, the sources named so far, the claims."""

    doc: Doc
    text: str
    names: Sources
    found: list[_Found] = field(default_factory=list)
    paragraph_breaks: list[int] = field(default_factory=list)
    pending_quotes: list[Span] = field(default_factory=list)
    by_sentence: dict[int, list[_Found]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # spaCy makes a new Token object, and looks strings up, on every access: read each attribute once
        self.toks = list(self.doc)
        self.lower = [t.lower_ for t in self.toks]
        self.lemma = [t.lemma_.lower() for t in self.toks]
        self.pos = [t.pos_ for t in self.toks]
        self.dep = [t.dep_ for t in self.toks]
        self.tag = [t.tag_ for t in self.toks]
        self.paragraph_breaks = [m.start() for m in re.finditer(r"\n\s*\n", self.text)]

    def add(self, f: _Found) -> None:
        self.found.append(f)
        self.by_sentence.setdefault(f.sent.start, []).append(f)

    def paragraph(self, char: int) -> int:
        return bisect.bisect_right(self.paragraph_breaks, char)

    def in_sentence(self, sent: Span) -> list[_Found]:
        return self.by_sentence.get(sent.start, [])

    def where(self, sent: Span, keep: Callable[[int], bool]) -> Iterator[Token]:
        """The tokens of ``sent`` whose index passes ``keep`` (a test on the attribute lists)."""
        toks = self.toks
        for i in range(sent.start, sent.end):
            if keep(i):
                yield toks[i]


def _subject(verb: Token) -> tuple[Token | None, bool]:
    """(subject token, whether it holds the claim: an active subject or a passive's agent)."""
    for child in verb.children:
        if child.dep_ == "agent":
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return pobj, True
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    if len(subjects) > 1:  # "9:30 p.m. Donald Trump says": a live blog's time is no subject
        subjects = [
            c for c in subjects if c.ent_type_ not in ("TIME", "DATE") and c.lower_ not in ("a.m.", "p.m.")
        ]
    for child in subjects:
        if child.lower_ in _RELATIVE and verb.dep_ == "relcl":
            return verb.head, True
        return child, True
    for child in verb.children:
        if child.dep_ == "nsubjpass":
            return child, False
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        return _subject(verb.head)
    participle = (
        verb.dep_ in ("advcl", "xcomp") and verb.tag_ in ("VBG", "VB") and verb.head.pos_ in ("VERB", "AUX")
    )
    if participle and not any(c.dep_ == "mark" for c in verb.children):
        return _subject(verb.head)  # "Kim commented on it, noting that ...": the subject is its head's
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in ("VERB", "AUX"):
        return _subject(verb.head.head)  # "began by saying", "after telling reporters"
    if verb.dep_ == "relcl" or (verb.dep_ == "acl" and verb.tag_ == "VBG"):
        return verb.head, True  # "Pope Francis calling Christmas a sham", "the PAC backing Bush"
    return None, False


def _source_range(tok: Token) -> tuple[int, int]:
    """The subject's token range: its subtree, cut at a relative clause or a participle phrase after it."""
    first, last = _subtree(tok)
    for child in tok.rights:
        if child.dep_ in ("relcl", "acl") and child.i > tok.i:
            last = min(last, child.left_edge.i - 1)
            doc = tok.doc
            while last > tok.i and doc[last].is_punct:
                last -= 1
    return first, last


def _holder(tok: Token) -> Token:
    """ "An earlier report by LIGA": the one who made the report (LIGA); otherwise the token itself."""
    if tok.lower_ in REPORT_SUBJECTS or tok.lemma_.lower() in REPORT_SUBJECTS:
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ in ("by", "from", "of"):
                pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                if pobj is not None and (pobj.ent_type_ or pobj.pos_ == "PROPN"):
                    return pobj
        poss = next((c for c in tok.children if c.dep_ == "poss"), None)
        if poss is not None and (poss.ent_type_ or poss.pos_ == "PROPN"):
            return poss
    return tok


def _is_relay(tok: Token) -> bool:
    """ "cited by X", "as reported by X", "citing X", "quoting X": a relay, handled by :func:`_relays`."""
    lemma = tok.lemma_.lower()
    if lemma not in RELAY_LEMMAS or tok.dep_ not in ("advcl", "acl", "conj", "xcomp", "parataxis"):
        return False
    if tok.tag_ == "VBN":
        return any(c.dep_ == "agent" for c in tok.children)
    return tok.tag_ == "VBG" and lemma in ("cite", "quote") and any(c.dep_ == "dobj" for c in tok.children)


def _that_clause_by_someone(verb: Token) -> bool:
    """Any verb whose subject names someone and whose clause starts with "that" ("X hinted that ...",
    "Kyiv conceded that ..."): the that-clause is what the subject holds."""
    if verb.lemma_.lower() in NOT_CUES or verb.pos_ != "VERB":
        return False
    comp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    if comp is None or not any(m.dep_ == "mark" and m.lower_ == "that" for m in comp.children):
        return False
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return subj is not None and (subj.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
                                 or subj.lower_ in ("he", "she", "they", "i", "we", "who"))  # fmt: skip


def _has_mark(verb: Token, word: str) -> bool:
    return any(c.dep_ == "mark" and c.lower_ == word for c in verb.children)


def _no_object_content(dobj: Token, lemma: str) -> bool:
    """Whether a verb's object can't be a claim's content: a person told or asked, "said it"."""
    if lemma == "say":
        return dobj.lower_ not in _SAID_OBJECTS and dobj.pos_ != "NOUN"
    if lemma in RECIPIENT_LEMMAS:
        return True  # the one told, asked or warned is not what was said
    if dobj.pos_ == "PRON" and lemma in SPEECH_ACT_LEMMAS | DENIAL_LEMMAS | {"accuse"}:
        return dobj.lower_ in ("it", "that", "this") and lemma in SPEECH_ACT_LEMMAS
    return dobj.pos_ == "PRON"


def _content_prep(verb: Token, lemma: str) -> Token | None:
    """The preposition whose object is the content of a verb with no object ("called for", "referred to")."""
    wanted = PREP_CONTENT.get(lemma)
    if not wanted:
        return None
    for child in verb.children:
        has_object = any(c.dep_ in ("pobj", "pcomp") for c in child.children)
        if child.dep_ == "prep" and child.lower_ in wanted and child.i > verb.i and has_object:
            return child
    return None


def _content_of_object(doc: Doc, verb: Token, dobj: Token) -> list[tuple[int, int]]:
    """The object as content; "accused X of doing Y" keeps the "of" phrase with it, "called X a liar" the
    predicate."""
    last = dobj.right_edge.i
    for child in verb.children:
        if child.i > dobj.i and child.dep_ in ("oprd", "xcomp", "ccomp"):
            last = max(last, child.right_edge.i)
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.i <= dobj.i:
            continue
        pobj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
        if prep.lower_ in ("of", "for", "over") or (
            prep.lower_ in ("near", "in", "around", "outside", "inside", "across", "along")
            and pobj is not None
            and pobj.ent_type_ not in ("DATE", "TIME")
        ):  # "accused X of doing Y", "reported fighting near Bakhmut" (the parser hangs "near" on the verb)
            last = max(last, prep.right_edge.i)
    return [r for r in [_tok_range(doc, dobj.left_edge.i, last)] if r]


def _verb_rule(sent: Span, ctx: _Ctx) -> None:
    doc = ctx.doc
    words = cue_words()
    pos, dep, lemmas, lower = ctx.pos, ctx.dep, ctx.lemma, ctx.lower

    def candidate(i: int) -> bool:
        if pos[i] not in ("VERB", "AUX") or dep[i] in ("aux", "auxpass"):
            return False
        return lemmas[i] in VERB_CUES or lower[i] in words or _that_clause_by_someone(ctx.toks[i])

    for tok in ctx.where(sent, candidate):
        lemma = lemmas[tok.i]
        if lemma == "cite" or tok.lower_ == "according" or _is_relay(tok):
            continue
        if lemma == "point" and not any(c.dep_ == "prt" or c.lower_ == "to" for c in tok.children):
            continue  # "pointed out that", "pointed to"; not "pointed a rifle"
        if lemma in STANCE_LEMMAS and tok.dep_ in ("advcl", "xcomp", "acl") and tok.tag_ == "VB":
            continue  # "employing troops to support their efforts": a purpose, not a stance
        if lemma in QUOTE_ONLY_LEMMAS and not _next_to_quote(ctx, tok):
            continue  # '"...," he continued' is an attribution; "the army continued to advance" is not
        if _quoted_at(ctx, tok.idx):
            continue  # "I think ..." inside someone's quotation belongs to the quotation's attribution
        comp = [c for c in tok.children if c.dep_ in _CONTENT_DEPS]
        subj, active = _subject(tok)
        prep: Token | None = None
        denial_of_noun = False
        content: list[tuple[int, int]] = []
        if comp:
            c = comp[0]
            holes = []
            if subj is not None and c.left_edge.i <= subj.i <= c.right_edge.i:
                holes.append(_source_range(subj))
            for tail in c.children:  # "..., claiming that ...": a second speech act, not this content
                after_comma = doc[tail.left_edge.i - 1].text == ","
                speech = tail.dep_ == "advcl" and tail.tag_ == "VBG" and ctx.lemma[tail.i] in VERB_CUES
                if speech and tail.i > c.i and after_comma:
                    holes.append((tail.left_edge.i - 1, tail.right_edge.i))
            content = _minus(doc, _subtree(c), holes)
        elif tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN", "PRON") and subj is not None and active:
            # "allegations denied by Pyongyang": the noun (without the participle phrase) is the content
            noun = tok.head
            content = _minus(doc, (noun.left_edge.i, noun.i), [])
            denial_of_noun = noun.lower_ in ACCUSATION_NOUNS
        elif (
            tok.dep_ == "parataxis" or (tok.dep_ == "advcl" and _has_mark(tok, "as"))
        ) and tok.head.pos_ in (
            "VERB",
            "AUX",
            "NOUN",
            "ADJ",
        ):  # "..., he said, ..." / "..., as officials said"
            content = _minus(doc, _subtree(tok.head), [_subtree(tok)])
        elif (
            clause := next((c for c in tok.children if c.dep_ == "advcl" and _has_mark(c, "for")), None)
        ) is not None:
            content = [r for r in [_tok_range(doc, *_subtree(clause))] if r]  # "calling for X to do Y"
        else:
            dobj = next((c for c in tok.children if c.dep_ == "dobj"), None)
            prep = _content_prep(tok, lemma) if dobj is None else None
            if prep is not None:  # "called for a ceasefire", "referred to the strikes", "talked about X"
                content = [r for r in [_tok_range(doc, prep.i + 1, prep.right_edge.i)] if r]
            elif dobj is None or _no_object_content(dobj, lemma):
                content = _fallback_content(ctx, tok, subj) if lemma not in STANCE_LEMMAS else []
                if not content:
                    continue
            else:
                denial_of_noun = dobj.lower_ in ACCUSATION_NOUNS
                content = _content_of_object(doc, tok, dobj)
        if not content:
            continue
        sources: list[dict[str, Any]] = []
        if subj is not None and active:
            relative = next((c for c in tok.children if c.dep_ == "nsubj" and c.lower_ in _RELATIVE), None)
            holder = _holder(subj)
            first, last = _source_range(holder)
            if holder is not subj:
                first = max(first, holder.left_edge.i)
            sources = ctx.names.of(first, last, remember=relative is None)
            if not sources:
                continue
            if relative is not None and tok.dep_ == "relcl":  # "Barkley, who said ...": the span is "who"
                span = _span(doc, (relative.idx, relative.idx + len(relative.text)))
                sources = [{**src, "span": span} for src in sources]
        elif subj is not None and subj.lower_ != "it":
            # "He is believed to have fled": the passive subject is part of the content, no named source
            if not comp or comp[0].dep_ != "xcomp":
                continue
            content = [r for r in [_tok_range(doc, subj.left_edge.i, comp[0].right_edge.i)] if r]
        if not sources and (lemma in _BELIEF_LEMMAS or lemma in STANCE_LEMMAS or lemma in SPEECH_ACT_LEMMAS):
            continue
        cue = _cue_span(doc, tok, prep.i if prep is not None else -1)
        if cue is None:
            continue
        f = _Found(cue, lemma, content, sources, sent, rule="verb", cue_token=tok.i)
        f.denied_noun = denial_of_noun and lemma in DENIAL_LEMMAS
        if lemma in DENIAL_LEMMAS:
            f.kind = "denial"
        ctx.add(f)


def _according_to(sent: Span, ctx: _Ctx) -> None:
    doc = ctx.doc
    for tok in ctx.where(sent, lambda i: ctx.lower[i] == "according"):
        if tok.i + 1 >= sent.end or ctx.lower[tok.i + 1] != "to":
            continue
        to = doc[tok.i + 1]
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is None:
            pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
        if pobj is None:
            continue
        first, last = tok.i, max(pobj.right_edge.i, to.i)
        hole_first, hole_last = first, last
        if hole_last + 1 < sent.end and doc[hole_last + 1].text == ",":
            hole_last += 1
        if hole_first - 1 >= sent.start and doc[hole_first - 1].text == ",":
            hole_first -= 1
        content = _minus(doc, (sent.start, sent.end - 1), [(hole_first, hole_last)])
        holder = _holder(pobj)
        src_first, src_last = _subtree(holder) if holder is pobj else _source_range(holder)
        sources = ctx.names.of(src_first, src_last)
        cue = _tok_range(doc, tok.i, to.i)
        if not content or not sources or cue is None:
            continue
        ctx.add(_Found(cue, "according to", content, sources, sent, rule="according",
                                cue_token=tok.i))  # fmt: skip


def _noun_cues(sent: Span, ctx: _Ctx) -> None:
    """ "speculation that X", "reports of X", "LIGA's report that X", "claims by officials that X"."""
    doc = ctx.doc
    for tok in ctx.where(sent, lambda i: ctx.lower[i] in NOUN_CUES and ctx.pos[i] == "NOUN"):
        if tok.dep_ == "nsubj" and tok.head.lemma_.lower() in VERB_CUES:
            continue  # "a report by X suggested": the verb rule has it
        if _quoted_at(ctx, tok.idx):
            continue
        content: list[tuple[int, int]] = []
        that = next((c for c in tok.children if c.dep_ in ("acl", "ccomp", "relcl")
                     and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)  # fmt: skip
        if that is not None:
            content = [r for r in [_tok_range(doc, *_subtree(that))] if r]
        elif tok.lower_ in NOUNS_OF:
            prep = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("of", "about")), None)
            pobj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None) if prep else None
            if pobj is not None and prep is not None:
                content = [r for r in [_tok_range(doc, pobj.left_edge.i, prep.right_edge.i)] if r]
        if not content:
            continue
        sources: list[dict[str, Any]] = []
        poss = next((c for c in tok.children if c.dep_ == "poss"), None)
        by = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ in ("by", "from")), None)
        by_obj = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
        if poss is not None and poss.lower_ not in ("its", "their", "his", "her"):
            sources = ctx.names.of(*_subtree(poss))
        elif by_obj is not None:
            sources = ctx.names.of(*_source_range(by_obj))
        else:
            mods = [c for c in tok.lefts if c.dep_ in ("compound", "amod", "nmod")
                    and (c.ent_type_ in ("NORP", "ORG", "GPE") or c.lower_ in _SOURCE_MODIFIERS)]  # fmt: skip
            if mods:
                sources = ctx.names.of(mods[0].left_edge.i, tok.i - 1)
        cue = _tok_range(doc, tok.i, tok.i)
        if cue is not None:
            ctx.add(_Found(cue, tok.lower_, content, sources, sent, rule="noun", cue_token=tok.i))


def _stance_nouns(sent: Span, ctx: _Ctx) -> None:
    """ "his critique of his opponents", "Moscow's support for the separatists", "criticism of X by Y",
    "Christie voiced concerns about X": the noun and its preposition are the cue, the object the content."""
    doc = ctx.doc
    for tok in ctx.where(sent, lambda i: ctx.lower[i] in STANCE_NOUNS and ctx.pos[i] == "NOUN"):
        if _quoted_at(ctx, tok.idx) or any(f.cue_token == tok.i for f in ctx.in_sentence(sent)):
            continue
        prep = next((c for c in tok.children if c.dep_ == "prep" and c.i == tok.i + 1
                     and c.lower_ in STANCE_PREPS), None)  # fmt: skip
        pobj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None) if prep else None
        if prep is None or pobj is None:
            continue
        sources: list[dict[str, Any]] = []
        poss = next((c for c in tok.children if c.dep_ == "poss"), None)
        by = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "by" and c.i > prep.i), None)
        by_obj = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
        governor = _governing_verb(tok)
        subj, active = _subject(governor) if governor is not None else (None, False)
        if poss is not None and poss.pos_ == "PRON" and subj is not None and active:
            sources = ctx.names.of(*_source_range(subj))  # "Trump is doubling down on his support for"
        elif poss is not None:
            sources = ctx.names.of(*_subtree(poss))
        elif by_obj is not None:
            sources = ctx.names.of(*_source_range(by_obj))
        elif tok.dep_ == "dobj" and tok.head.lemma_.lower() in LIGHT_VERBS:
            subj, active = _subject(tok.head)
            if subj is not None and active:
                sources = ctx.names.of(*_source_range(subj))
        if not sources:
            continue
        content = _tok_range(doc, pobj.left_edge.i, pobj.right_edge.i)
        cue = _tok_range(doc, tok.i, prep.i)
        if content and cue:
            ctx.add(_Found(cue, tok.lower_, [content], sources, sent, rule="noun", cue_token=tok.i))


def _governing_verb(tok: Token) -> Token | None:
    """The verb a noun phrase hangs on, through prepositions: "doubling down on [his support]"."""
    up = tok
    for _ in range(4):
        if up.dep_ in ("dobj", "pobj", "prep", "attr") and up.head.i != up.i:
            up = up.head
            if up.pos_ in ("VERB", "AUX"):
                return up
        else:
            return None
    return None


def _host(ctx: _Ctx, sent: Span, tok: Token) -> _Found | None:
    """The claim of ``sent`` that a relay phrase at ``tok`` belongs to: one with a source, nearest first."""
    candidates = [f for f in ctx.in_sentence(sent) if f.sources and f.rule in ("verb", "according")]
    if not candidates:
        return None
    return min(candidates, key=lambda f: abs((f.cue_token or 0) - tok.i))


def _relays(sent: Span, ctx: _Ctx) -> None:
    """ "cited by X" / "as reported by X" / "quoted by X" add a relay; "citing X" / "quoting X" a source."""
    doc = ctx.doc
    for tok in ctx.where(sent, lambda i: ctx.lemma[i] in RELAY_LEMMAS):
        if not _is_relay(tok) and not (tok.lemma_.lower() == "cite" and tok.dep_ in ("advcl", "acl", "conj")):
            continue
        passive = tok.tag_ == "VBN"
        if passive:
            agent = next((c for c in tok.children if c.dep_ == "agent"), None)
            x = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        else:
            x = next((c for c in tok.children if c.dep_ == "dobj"), None)
        if x is None:
            continue
        relay = ctx.names.of(*_source_range(x))
        if not relay:
            continue
        hole = _subtree(tok)
        mark = next((c for c in tok.children if c.dep_ == "mark"), None)
        if hole[0] - 1 >= sent.start and doc[hole[0] - 1].text == ",":
            hole = (hole[0] - 1, hole[1])
        if hole[1] + 1 < sent.end and doc[hole[1] + 1].text == "," and doc[hole[0]].text == ",":
            hole = (hole[0], hole[1] + 1)
        cut = (doc[hole[0]].idx, doc[hole[1]].idx + len(doc[hole[1]].text))
        host = _host(ctx, sent, tok)
        if host is not None:
            if passive:
                host.via.extend(relay)  # the relay handed the claim on: further along its path
            else:
                host.via = host.sources + host.via  # "Reuters reported, citing officials"
                host.sources = relay
            host.content = _cut(doc, host.content, cut)
            continue
        content = _minus(doc, (sent.start, sent.end - 1), [hole])
        last = mark.i if mark is not None and passive else (tok.i + 1 if passive else tok.i)
        cue = _tok_range(doc, mark.i if mark is not None else tok.i, max(last, tok.i))
        if content and cue:
            ctx.add(_Found(cue, tok.lemma_.lower(), content, relay, sent, rule="relay",
                                    cue_token=tok.i))  # fmt: skip


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


def _covered(f: _Found, char: int) -> bool:
    return any(s <= char < e for s, e in f.content)


def _hedged(sent: Span, ctx: _Ctx) -> None:
    """A clause hedged with "allegedly" / "reportedly" that no cue covers: an attribution of its own."""
    doc = ctx.doc
    here = ctx.in_sentence(sent)
    for tok in ctx.where(sent, lambda i: ctx.lower[i] in HEDGE_ADVERBS):
        if any(_covered(f, tok.idx) for f in here):
            continue  # the hedge of a claim already found: its certainty term
        verb = tok.head
        holes = [_subtree(c) for c in verb.children if c.dep_ == "conj" and c.i > verb.i]
        holes += [(c.i, c.i) for c in verb.children if c.dep_ in ("cc", "mark") or (c.dep_ == "punct"
                  and c.i > verb.i)]  # fmt: skip
        content = _minus(doc, _subtree(verb), holes)
        if not content:
            continue
        sources = _carried(ctx, sent)
        cue = None if sources else _tok_range(doc, tok.i, tok.i)
        ctx.add(_Found(cue, tok.lower_, content, sources, sent, rule="hedged", cue_token=tok.i))


def _carried(ctx: _Ctx, sent: Span) -> list[dict[str, Any]]:
    """The sources of the last sourced claim of this or the previous sentence, within one paragraph."""
    para = ctx.paragraph(sent.start_char)
    for start in (sent.start, sent.start - 1):  # this sentence, else the one right before it
        if start < 0:
            continue
        holder = ctx.doc[start].sent.start
        held = [f for f in ctx.by_sentence.get(holder, []) if f.sources and f.kind == "statement"]
        if held and ctx.paragraph(held[-1].sent.start_char) == para:
            return [dict(s) for s in held[-1].sources]
    return []


def _no_comment(sent: Span, ctx: _Ctx) -> None:
    """ "X did not respond", "declined to comment", "reached out to X ... no response"."""
    doc = ctx.doc
    match = NO_COMMENT.search(sent.text)
    if match is None:
        return
    cue_start = sent.start_char + match.start()
    asked: list[dict[str, Any]] = []
    asked_by: dict[str, Any] | None = None
    for tok in sent:
        if tok.lemma_.lower() not in ASKING_LEMMAS or tok.pos_ != "VERB":
            continue
        objs = [c for c in tok.children if c.dep_ == "dobj"]
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ == "to":
                objs += [c for c in prep.children if c.dep_ == "pobj"]
        if not objs:
            continue
        first, last = _source_range(objs[0])
        j = last + 1  # "the Mission" + "to the United Nations", which the parser hangs on the verb
        if j < sent.end and doc[j].lower_ == "to" and doc[last].pos_ == "PROPN":
            j += 1
            if j < sent.end and doc[j].lower_ == "the":
                j += 1
            while j < sent.end and doc[j].pos_ == "PROPN":
                last = j
                j += 1
        asked = ctx.names.of(first, last)
        subj, active = _subject(tok)
        if subj is not None and active:
            by = ctx.names.of(*_source_range(subj))
            asked_by = by[0] if by else None
        break
    if not asked:
        for tok in sent:
            if tok.idx >= cue_start - 1 and tok.pos_ in ("VERB", "AUX"):
                subj, _ = _subject(tok)
                if subj is not None and subj.lower_ not in ("it", "there"):
                    asked = ctx.names.of(*_source_range(subj))
                break
    content = _trim(doc, sent.start_char, sent.end_char)
    cue = _trim(doc, cue_start, sent.start_char + match.end())
    if content is None or cue is None:
        return
    ctx.add(_Found(cue, "no comment", [content], asked, sent, kind="no_comment", asked_by=asked_by,
                            rule="no_comment"))  # fmt: skip


def _asserted(sent: Span, ctx: _Ctx) -> None:
    """The main clause of a sentence no attribution covers, when it reads as the article's own statement."""
    doc = ctx.doc
    here = ctx.in_sentence(sent)
    if any(f.kind == "no_comment" for f in here):
        return
    text = sent.text.strip()
    if not text or text.endswith("?") or _inside_quote(ctx, sent):
        return
    taken: list[tuple[int, int]] = []
    for f in here:
        taken += f.content
        if f.cue:
            taken.append(f.cue)
        taken += [(s["span"]["start"], s["span"]["end"]) for s in f.sources if s.get("span")]
    root = sent.root
    if root.pos_ not in ("VERB", "AUX") or any(a <= root.idx < b for a, b in taken):
        return
    if root.lemma_.lower() in CUE_LEMMAS:
        return
    if not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in root.children):
        return
    span_range = range(sent.start, sent.end)
    if not any(ctx.tag[i] in ("VBD", "VBZ", "VBP", "MD") for i in span_range):
        return
    if any(ctx.lower[i] in _OPINION_WORDS for i in span_range):
        return
    free: list[int] = [
        t.i for t in ctx.toks[sent.start : sent.end] if not any(a <= t.idx < b for a, b in taken)
    ]
    # the longest run of free tokens that holds the root
    runs: list[list[int]] = []
    for i in free:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    run = next((r for r in runs if root.i in r), None)
    if run is None:
        return
    while run and (
        doc[run[-1]].is_punct or doc[run[-1]].pos_ in _DANGLING or doc[run[-1]].lower_ in _RELATIVE
    ):
        run.pop()
    if len([i for i in run if not doc[i].is_punct]) < 4:
        return  # "This development follows [speculation that ...]": what is left is no statement
    span = _tok_range(doc, run[0], run[-1])
    if span is None:
        return
    ctx.add(_Found(None, "", [span], [], sent, rule="asserted"))


def _fallback_content(ctx: _Ctx, verb: Token, subj: Token | None) -> list[tuple[int, int]]:
    """The content of a cue verb the parse gave none: a "that" clause hung lower in the tree ("said on
    Friday during a news conference that ..."), else the quotation right after the verb ('continued: "..."')
    or right before the speaker ('"...," Ramos, 58, told AFP')."""
    doc, text = ctx.doc, ctx.text
    patient = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    if patient is not None and any(c.dep_ == "agent" for c in verb.children):
        return [r for r in [_tok_range(doc, *_subtree(patient))] if r]  # "the attack was condemned by X"
    for t in verb.subtree:
        if t.i > verb.i and t.dep_ == "mark" and t.lower_ == "that" and t.head.i > verb.i:
            up = t.head.head
            while up.i != verb.i and up.pos_ not in ("VERB", "AUX") and up.head.i != up.i:
                up = up.head
            if up.i == verb.i:  # hung below a noun or preposition of this verb, not another clause
                return [r for r in [_tok_range(doc, t.i, t.head.right_edge.i)] if r]
    # the whole paragraph back to its start, however long: a quotation may open far before its speaker
    para_start, para_end = _paragraph_start(text, verb.idx, back=verb.idx), _paragraph_end(text, verb.idx)
    after_at = verb.idx + len(verb.text)
    sent_text = text[verb.sent.start_char : verb.sent.end_char].rstrip()
    if sent_text.endswith(":"):  # 'Cruz called them on it: "..."': the quotation after the colon
        after_at = verb.sent.start_char + len(sent_text)
    rest = text[after_at:para_end]
    gap = len(rest) - len(rest.lstrip(" ,:\u00a0\n"))
    if rest[gap : gap + 1] in tuple(_OPEN_QUOTES) and rest[gap : gap + 1]:
        start = after_at + gap + 1
        close = _next_close_quote(text, start, para_end)
        return [r for r in [_trim(doc, start, close if close >= 0 else para_end)] if r]
    lead = min(verb.idx, subj.left_edge.idx) if subj is not None else verb.idx
    before = text[para_start:lead].rstrip(" ,\u00a0")
    if before and before[-1] in _CLOSE_QUOTES:
        close = para_start + len(before) - 1
        opened = _last_open_quote(text[para_start:close])
        if opened >= 0:
            return [r for r in [_trim(doc, para_start + opened + 1, close)] if r]
    return []


def _next_to_quote(ctx: _Ctx, tok: Token) -> bool:
    """Whether a quotation mark ends right before the verb's clause or opens right after the verb."""
    text = ctx.text
    sent = tok.sent
    before = text[sent.start_char : tok.idx].rstrip()
    end = sent.end_char + 3 if text[sent.start_char : sent.end_char].rstrip().endswith(":") else sent.end_char
    after = text[tok.idx + len(tok.text) : end].lstrip(" ,:\u00a0\n")
    closing = any(c in _CLOSE_QUOTES for c in before[-40:])
    return closing or (bool(after) and after[0] in _OPEN_QUOTES)


def _cue_span(doc: Doc, tok: Token, content_prep: int = -1) -> tuple[int, int] | None:
    """The cue verb with its auxiliaries, negation and adverbs right before it ("has also said", "did not
    suggest") and a particle right after it ("points out"); "called for" / "called on" keep the
    preposition."""
    first = last = tok.i
    left = sorted((c for c in tok.children if c.i < tok.i and c.dep_ in ("aux", "auxpass", "neg", "advmod")),
                  key=lambda c: -c.i)  # fmt: skip
    for child in left:
        if (
            child.i == first - 1
            and child.pos_ != "PUNCT"
            and not (child.dep_ == "advmod" and child.tag_ == "WRB")
        ):
            first = child.i
    for child in sorted(tok.children, key=lambda c: c.i):
        if child.i <= last:
            continue
        if child.i == last + 1 and (
            child.dep_ == "prt" or (tok.lemma_ == "call" and child.lower_ in ("for", "on"))
        ):
            last = child.i
        elif child.i == last + 1 and child.dep_ == "dobj" and tok.lemma_ == "tell" and child.pos_ == "PROPN":
            last = child.right_edge.i  # "told Reuters": the one told is part of the cue
        elif child.i == last + 1 and child.dep_ == "prep" and _medium(child):
            last = child.right_edge.i  # "said in a statement", "told Reuters in an interview"
        elif child.i == last + 1 and child.dep_ == "prep" and child.i == content_prep:
            last = child.i  # "commented on", "referred to"
    return _tok_range(doc, first, last)


def _medium(prep: Token) -> bool:
    """ "in a statement", "during an interview", "in part": the channel of a speech act."""
    pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    return prep.lower_ in ("in", "during", "on") and pobj is not None and pobj.lemma_.lower() in MEDIA_NOUNS


def _quoted_at(ctx: _Ctx, char: int) -> bool:
    """Whether ``char`` lies inside a quotation that opened earlier in its paragraph and closes later."""
    if not _count_open(ctx.text[_paragraph_start(ctx.text, char) : char]):
        return False
    return any(c in _CLOSE_QUOTES for c in ctx.text[char : _paragraph_end(ctx.text, char)])


def _inside_quote(ctx: _Ctx, sent: Span) -> bool:
    before = ctx.text[max(0, sent.start_char - 2000) : sent.start_char]
    para_start = before.rfind("\n\n")
    before = before[para_start + 2 :] if para_start >= 0 else before
    stripped = sent.text.lstrip()
    return _count_open(before) or (bool(stripped) and stripped[0] in _OPEN_QUOTES)


def _quote_continuation(sent: Span, ctx: _Ctx) -> None:
    """A quoted sentence with no cue of its own continues the nearest quotation of the same paragraph:
    '"We will hold," the general said. "The enemy is exhausted."' is one attribution in two parts."""
    if ctx.in_sentence(sent) or not _inside_quote(ctx, sent):
        return
    part = _trim(ctx.doc, sent.start_char, sent.end_char)
    if part is None:
        return
    para = ctx.paragraph(sent.start_char)
    first = para - 1 if _continues_previous_paragraph(ctx, para) else para
    host = None
    for f in reversed(ctx.found):  # sentence order: the nearest quotation first
        at = ctx.paragraph(f.sent.start_char)
        if at < first:
            break
        quoting = any(c in _QUOTES for c in ctx.text[f.sent.start_char : f.sent.end_char])
        if f.sources and f.rule in ("verb", "according", "relay") and quoting:
            host = f
            break
    if host is None:
        return
    host.content = sorted([*host.content, part])
    ctx.pending_quotes.append(sent)


def _continues_previous_paragraph(ctx: _Ctx, para: int) -> bool:
    """A paragraph that opens with a quotation mark after a paragraph whose quotation was left open: the
    newspaper convention for one quotation over several paragraphs."""
    if para < 1 or para > len(ctx.paragraph_breaks):
        return False
    prev_start = ctx.paragraph_breaks[para - 2] if para >= 2 else 0
    prev_end = ctx.paragraph_breaks[para - 1]
    here = ctx.text[prev_end : prev_end + 12].lstrip()
    return bool(here) and here[0] in _OPEN_QUOTES and _count_open(ctx.text[prev_start:prev_end])


def _quote_backfill(ctx: _Ctx) -> None:
    """'"A. B," he said.': the quoted sentences before the cue's sentence join its quotation."""
    doc = ctx.doc
    sents = list(doc.sents)
    claimed = {f.sent.start for f in ctx.found} | {s.start for s in ctx.pending_quotes}
    for k, sent in enumerate(sents):
        if sent.start in claimed or not _inside_quote(ctx, sent):
            continue
        para = ctx.paragraph(sent.start_char)
        for nxt in sents[k + 1 : k + 4]:
            if ctx.paragraph(nxt.start_char) != para:
                break
            hosts = [f for f in ctx.found if f.sent.start == nxt.start and f.sources and f.rule == "verb"
                     and f.cue and any(ctx.text[s:e] and s < f.cue[0] for s, e in f.content)]  # fmt: skip
            if hosts:
                part = _trim(doc, sent.start_char, sent.end_char)
                if part is not None:
                    hosts[0].content = sorted([*hosts[0].content, part])
                    claimed.add(sent.start)
                break
            if nxt.start not in claimed and _inside_quote(ctx, nxt):
                continue
            break


def _last_open_quote(prefix: str) -> int:
    """Index in ``prefix`` of the quotation mark that is still open at its end (-1 if none)."""
    depth_curly = 0
    straight_open = -1
    curly_open: list[int] = []
    for k, c in enumerate(prefix):
        if c in "“«„":
            curly_open.append(k)
            depth_curly += 1
        elif c in "”»" and curly_open:
            curly_open.pop()
        elif c == '"':
            straight_open = -1 if straight_open >= 0 else k
    return max(curly_open[-1] if curly_open else -1, straight_open)


def _whole_quotations(ctx: _Ctx, f: _Found) -> None:
    """A content that starts or ends inside a quotation takes the whole quotation: '"A, B," he said, "C."'
    quotes A and B, whatever the parse cut; a quotation never swallows the claim's own cue."""
    text = ctx.text
    cue = f.cue or (-1, -1)
    parts: list[tuple[int, int]] = []
    for start, end in f.content:
        para_start = _paragraph_start(text, start)
        opened = _last_open_quote(text[para_start:start])
        if opened >= 0 and not (para_start + opened <= cue[0] < start):
            start = para_start + opened + 1
        if _count_open(text[para_start:end]):
            close = _next_close_quote(text, end, _paragraph_end(text, end))
            if close >= 0 and not (end <= cue[0] < close):
                end = close
        trimmed = _trim(ctx.doc, start, end)
        if trimmed:
            parts.append(trimmed)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(parts):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    if merged:
        f.content = merged


_HEADLINE = re.compile(r"^(?P<who>[^:\n\d]{2,60}?)\s*:\s+(?P<what>\S[^\n]*)$")


def _headline(sent: Span, ctx: _Ctx) -> None:
    """A short paragraph "Zelensky: Russia will pay" (a headline's colon) is Zelensky's claim."""
    if ctx.in_sentence(sent):
        return
    text = ctx.text
    para = text.rfind("\n", 0, sent.start_char)
    line_start = para + 1 if para >= 0 else 0
    if text[line_start : sent.start_char].strip():
        return  # not the first sentence of its line
    line_end = text.find("\n", sent.start_char)
    line_end = line_end if line_end >= 0 else len(text)
    line = text[line_start:line_end]
    m = _HEADLINE.match(line)
    if m is None or len(line.split()) > 30 or len(m.group("who").split()) > 6:
        return
    colon = text.index(":", line_start + m.end("who"))
    who = [t for t in ctx.toks[sent.start : sent.end] if t.idx < colon]
    if not who or not any(t.pos_ == "PROPN" for t in who):
        return
    sources = ctx.names.of(who[0].i, who[-1].i)
    content = _trim(ctx.doc, line_start + m.start("what"), line_end)
    if sources and content:
        ctx.add(_Found((colon, colon + 1), ":", [content], sources, sent, rule="headline"))


# --- relations between claims ------------------------------------------------------------------------------


def _nest(found: list[_Found]) -> None:
    """A claim whose cue lies inside another claim's content was relayed by that claim's sources."""
    hosts = [f for f in found if f.sources and f.kind == "statement"]
    starts = sorted((f.content[0][0], k) for k, f in enumerate(hosts))
    keys = [start for start, _ in starts]
    for inner in found:
        if inner.cue is None or inner.via or not inner.sources or inner.rule == "asserted":
            continue
        # hosts whose content starts before the cue, nearest first: a content spans a paragraph at most
        near = [hosts[k] for _, k in starts[max(0, bisect.bisect_right(keys, inner.cue[0]) - 40) :
                                             bisect.bisect_right(keys, inner.cue[0])]]  # fmt: skip
        outer = [f for f in near if f is not inner
                 and any(s <= inner.cue[0] and inner.cue[1] <= e for s, e in f.content)]  # fmt: skip
        if outer:
            host = min(outer, key=lambda f: sum(e - s for s, e in f.content))
            inner.via = [dict(s) for s in host.sources] + [dict(v) for v in host.via]


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 3}


def _anchor(f: _Found) -> int:
    return f.cue[0] if f.cue else f.content[0][0]


def _link_denials(found: list[_Found], text: str) -> None:
    for k, f in enumerate(found):
        if f.kind != "denial":
            continue
        anchor = _anchor(f)
        inside = f.content[0][0], f.content[-1][1]  # "dismissed speculation that ...": the claim it names
        earlier = [(j, g) for j, g in enumerate(found) if j != k and g.kind == "statement"
                   and g.rule != "asserted"
                   and (_anchor(g) < anchor or inside[0] <= _anchor(g) < inside[1])]  # fmt: skip
        if not earlier:
            continue
        if f.denied_noun:
            accusing = [(j, g) for j, g in earlier if g.cue_lemma in ("accuse", "allege", "claim", "charge")
                        or g.cue_lemma in ACCUSATION_NOUNS]  # fmt: skip
            pool = accusing or earlier
            f.denies = max(pool, key=lambda jg: jg[1].cue[0] if jg[1].cue else 0)[0]
            continue
        mine = _words(" ".join(text[s:e] for s, e in f.content))
        best, best_score = None, 0.0
        for j, g in earlier:
            theirs = _words(" ".join(text[s:e] for s, e in g.content))
            if mine and theirs:
                score = len(mine & theirs) / min(len(mine), len(theirs))
                if score > best_score:
                    best, best_score = j, score
        if best is not None and best_score >= 0.3:
            f.denies = best


# --- the claim ---------------------------------------------------------------------------------------------

_RULES = (
    _headline,
    _verb_rule,
    _according_to,
    _noun_cues,
    _stance_nouns,
    _relays,
    _hedged,
    _no_comment,
    _quote_continuation,
    _asserted,
)


def extract(doc: Doc, article_id: str) -> list[dict[str, Any]]:
    """Claim dicts for the attributions found in ``doc`` (its text is the article text), in text order."""
    text = _text(doc)
    if not text.strip() or len(doc) == 0:
        return []
    ctx = _Ctx(doc, text, Sources(doc, text))
    for sent in doc.sents:
        for rule in _RULES:
            rule(sent, ctx)
    _quote_backfill(ctx)
    found = [f for f in ctx.found if f.content]
    for f in found:
        if f.rule in ("verb", "according", "relay") and any(c in _QUOTES for c in f.sent.text):
            _whole_quotations(ctx, f)
    _nest(found)
    found.sort(key=lambda f: (min(f.content[0][0], f.cue[0] if f.cue else f.content[0][0]),
                              f.cue[0] if f.cue else 0))  # fmt: skip
    _link_denials(found, text)
    ids = [f"{article_id}:c{n}" for n in range(1, len(found) + 1)]
    terms = find_terms(text)  # one pass over the article; each claim takes the terms of its window
    return [_claim(doc, f, ids[n], ids[f.denies] if f.denies is not None else None, terms)
            for n, f in enumerate(found)]  # fmt: skip


def _claim(doc: Doc, f: _Found, claim_id: str, denies: str | None, terms: list[Term]) -> dict[str, Any]:
    term_starts = [t.start for t in terms]
    text = _text(doc)
    parts = sorted(f.content)
    first = f.sources[0] if f.sources else None
    if f.kind == "no_comment":
        certainty: dict[str, Any] = {"evidential": "asserted", "strength": "unknown", "polarity": "positive",
                                     "term": None, "probability": None}  # fmt: skip
        quote = "none"
    else:
        lo = min([parts[0][0]] + ([f.cue[0]] if f.cue else []))
        hi = max([parts[-1][1]] + ([f.cue[1]] if f.cue else []))
        certainty = grade(
            cue=text[f.cue[0] : f.cue[1]] if f.cue and f.rule != "hedged" else None,
            window=text[lo:hi],
            terms=[
                dataclasses.replace(t, start=t.start - lo, end=t.end - lo)
                for t in terms[bisect.bisect_left(term_starts, lo) : bisect.bisect_left(term_starts, hi)]
                if t.end <= hi
            ],
            source_kind=first["kind"] if first else None,
            source_country=first["country"] if first else None,
            text=text,
            source_name=first["name"] if first else None,
        ).to_dict()
        if f.rule == "hedged" and certainty["evidential"] == "asserted":
            certainty["evidential"] = "reported"
        if f.kind == "denial":
            certainty["polarity"] = "negative"
        quote = "none" if f.rule == "asserted" else _quote_type(doc, parts, f.sent)
    return {
        "id": claim_id,
        "content": _span(doc, (parts[0][0], parts[-1][1])),
        "content_parts": [_span(doc, p) for p in parts],
        "cue": _span(doc, f.cue) if f.cue else None,
        "sources": f.sources,
        "via": f.via,
        "asked_by": f.asked_by,
        "quote": quote,
        "certainty": certainty,
        "kind": f.kind,
        "denies": denies,
    }
