"""Name keys shared by the gazetteer builder and the resolver, so both sides fold a name the same way.

``key`` is the exact-match key: ASCII transliteration (anyascii), lower case, apostrophes dropped, other
punctuation as spaces, a leading "the" dropped. "Kup'yans'k" → "kupyansk", "Київ" → "kiiv", "the Donbas" →
"donbas".

``skeleton`` is the transliteration-variant key: the key's consonants after folding the digraphs that
Ukrainian and Russian romanisations spell differently (kh/h, zh/z, g/h, ...), vowels and "y" dropped,
doubled letters once. Kharkov and Kharkiv, Kiev and Kyiv, Lugansk and Luhansk, Odessa and Odesa,
Kup'yans'k and Kupiansk share one. It finds candidates only: the resolver re-scores them with rapidfuzz on
the keys, so a skeleton collision ("Gori" / "Hora") never decides alone.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

__all__ = ["key", "skeleton"]

_APOSTROPHES = re.compile(r"['’ʼ`´ʹ‘]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_DIGRAPHS = (
    ("shch", "s"),
    ("kh", "h"),
    ("zh", "z"),
    ("ch", "c"),
    ("sh", "s"),
    ("ts", "c"),
    ("tz", "c"),
    ("ph", "f"),
    ("g", "h"),
    ("w", "v"),
    ("x", "ks"),
    ("q", "k"),
)
_VOWELS = re.compile(r"[aeiouy]")
_DOUBLES = re.compile(r"(.)\1+")


@lru_cache(maxsize=65536)
def key(name: str) -> str:
    """The exact-match key of a place name ("" when nothing of it is left)."""
    text = anyascii(name).lower()
    text = _APOSTROPHES.sub("", text)
    text = _NON_WORD.sub(" ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    return text


@lru_cache(maxsize=65536)
def skeleton(name: str) -> str:
    """The transliteration-variant key of a place name: see the module docstring."""
    text = key(name).replace(" ", "")
    if not text:
        return ""
    for a, b in _DIGRAPHS:
        text = text.replace(a, b)
    first = text[0]
    rest = _VOWELS.sub("", text[1:])
    return _DOUBLES.sub(r"\1", first + rest)
