"""Possessives written with curly and look-alike apostrophes split like ``'s`` (no model needed)."""

from __future__ import annotations

from typing import Any

import pytest
import spacy
from spacy.language import Language

from wirewatch.nlp import fix_tokenizer


@pytest.fixture(scope="module")
def tok() -> Language:
    pipeline = spacy.blank("en")
    fix_tokenizer(pipeline)
    return pipeline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russia‘s Kursk", ["Russia", "‘s", "Kursk"]),  # U+2018 used as an apostrophe
        ("South Korea’s Yonhap", ["South", "Korea", "’s", "Yonhap"]),  # U+2019
        ("Russia's Kursk", ["Russia", "'s", "Kursk"]),
        ("Kyivʼs mayor", ["Kyiv", "ʼs", "mayor"]),  # U+02BC
        ("Moscow´s claim", ["Moscow", "´s", "claim"]),  # U+00B4
        ("RUSSIA‘S ARMY", ["RUSSIA", "‘S", "ARMY"]),
        ("the soldiers’ positions", ["the", "soldiers", "’", "positions"]),
        ("the soldiers‘ positions", ["the", "soldiers", "‘", "positions"]),
        ("the boss said", ["the", "boss", "said"]),
        ("a ‘special Buryat battalion’", ["a", "‘", "special", "Buryat", "battalion", "’"]),
    ],
)
def test_possessive_split(tok: Language, text: str, expected: list[str]) -> None:
    doc = tok(text)
    assert [t.text for t in doc] == expected
    assert all(text[t.idx : t.idx + len(t)] == t.text for t in doc)  # offsets untouched


@pytest.mark.parametrize("possessive", ["‘s", "’s", "ʼs", "´s", "`s"])
def test_possessive_norm(tok: Language, possessive: str) -> None:
    doc = tok(f"Russia{possessive} army")
    assert doc[1].text == possessive
    assert doc[1].norm_ == "'s"


def test_idempotent(tok: Language) -> None:
    tokenizer: Any = tok.tokenizer
    before = tokenizer.suffix_search.__self__.pattern
    fix_tokenizer(tok)
    assert tokenizer.suffix_search.__self__.pattern == before
