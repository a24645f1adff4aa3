"""Tokenizer fixes: possessives written with curly or look-alike apostrophes split off like ``'s``.

Scraped news keeps its typography (``article.text`` is never normalised), so the tokenizer must treat
``Russia‘s`` (U+2018, a left quote used as an apostrophe), ``South Korea’s`` (U+2019), ``Kyivʼs`` (U+02BC) and
``Moscow´s`` (U+00B4) as it treats ``Russia's``: the name, then a possessive token. spaCy's English defaults
already split ``’s`` and a trailing ``’``/``‘`` (plural possessive ``soldiers’``); this module adds the rest
and gives every possessive token the norm ``'s`` (or ``'``), which is what the statistical model was trained
on.

Nothing here changes characters: tokens keep their text, so character offsets stay exact.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language

__all__ = ["APOSTROPHES", "POSSESSIVE_TEXTS", "fix_tokenizer"]

# Characters used as an apostrophe in news text, besides the ASCII one.
APOSTROPHES: tuple[str, ...] = ("’", "‘", "ʼ", "´", "`")

# Texts of a possessive token (lower-cased), for code that trims possessives off entity spans.
POSSESSIVE_TEXTS: frozenset[str] = frozenset({"'s", "'"} | {f"{a}s" for a in APOSTROPHES} | set(APOSTROPHES))

_APOS_CLASS = "[" + "".join(re.escape(a) for a in APOSTROPHES) + "]"
# One alternative, tried before spaCy's own suffixes: "Xs"/"XS" for an apostrophe X, and "sX" (plural
# possessive: "soldiers‘" → "soldiers" "‘"). Its text also marks a tokenizer as already fixed.
_SUFFIX = f"(?:{_APOS_CLASS}[sS]|(?<=[sS]){_APOS_CLASS})$"


def fix_tokenizer(nlp: Language) -> None:
    """Make ``nlp``'s tokenizer split possessives on every apostrophe variant (idempotent).

    Works on any English pipeline, including ``spacy.blank("en")``; call it before adding phrase patterns
    so that patterns are tokenized the same way as texts.
    """
    tokenizer: Any = nlp.tokenizer  # spaCy types it as a plain callable
    current = tokenizer.suffix_search
    old_pattern: str = current.__self__.pattern if current is not None else ""
    if old_pattern.startswith(_SUFFIX):
        return
    pattern = f"{_SUFFIX}|{old_pattern}" if old_pattern else _SUFFIX
    tokenizer.suffix_search = re.compile(pattern).search
    for a in APOSTROPHES:
        for s in ("s", "S"):
            nlp.vocab[f"{a}{s}"].norm_ = "'s"
        nlp.vocab[a].norm_ = "'"
