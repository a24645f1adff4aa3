"""The ruler's rules on blank pipelines with hand-made model entities (no model needed)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from wirewatch.nlp import entities
from wirewatch.nlp.ruler import FIXES_NAME, RULER_NAME


def run(pipeline: Language, text: str, model_ents: list[tuple[str, str]] = ()) -> Doc:  # type: ignore[assignment]
    """Tokenize ``text``, set ``model_ents`` ((substring, label)) as the "model's" entities, run the ruler."""
    doc = pipeline.make_doc(text)
    spans = []
    for sub, label in model_ents:
        start = text.index(sub)
        span = doc.char_span(start, start + len(sub), label=label)
        assert span is not None, sub
        spans.append(span)
    doc.ents = spans
    doc = pipeline.get_pipe(RULER_NAME)(doc)
    return pipeline.get_pipe(FIXES_NAME)(doc)


def ents(doc: Doc) -> list[tuple[str, str, str | None]]:
    return [(e.text, e.label, e.kind) for e in entities(doc)]


def test_outlets_become_org(blank: Language) -> None:
    doc = run(blank, "Ukrainian outlet LIGA said so.", [("LIGA", "PERSON")])
    assert ("LIGA", "ORG", "outlet") in ents(doc)


def test_the_is_left_out_and_both_outlets_found(blank: Language) -> None:
    text = "Meanwhile, the Kyiv Post and Interfax-Ukraine have reported it."
    doc = run(blank, text, [("the Kyiv Post", "ORG"), ("Interfax-Ukraine", "GPE")])
    found = {(e.text, e.label, e.kind, e.country) for e in entities(doc)}
    assert ("Kyiv Post", "ORG", "outlet", "UA") in found
    assert ("Interfax-Ukraine", "ORG", "outlet", "UA") in found


def test_soft_alias_does_not_cut_a_longer_entity(blank: Language) -> None:
    doc = run(blank, "Isaac Babel wrote it, Babel reported.", [("Isaac Babel", "PERSON")])
    assert ents(doc) == [("Isaac Babel", "PERSON", None), ("Babel", "ORG", "outlet")]


def test_demonym_relabels_exact_entity_only(blank: Language) -> None:
    doc = run(
        blank,
        "Ukrainian officials and Turkish Airlines.",
        [("Ukrainian", "GPE"), ("Turkish Airlines", "ORG")],
    )
    assert ents(doc) == [("Ukrainian", "NORP", "demonym"), ("Turkish Airlines", "ORG", None)]


def test_possessive_and_article_trimmed(blank: Language) -> None:
    text = "as reported by South Korea’s agency and The Hague’s court in the past week"
    doc = run(blank, text, [("South Korea’s", "GPE"), ("The Hague’s", "GPE"), ("the past week", "DATE")])
    assert [(e.text, e.label) for e in entities(doc)] == [
        ("South Korea", "GPE"),
        ("The Hague", "GPE"),
        ("the past week", "DATE"),
    ]


def test_region_rule(blank: Language) -> None:
    doc = run(blank, "Shelling hit the Tomsk and Omsk regions and Kemerovo Oblast.", [("Tomsk", "PRODUCT")])
    assert [(e.text, e.label) for e in entities(doc)] == [
        ("Tomsk", "GPE"),
        ("Omsk", "GPE"),
        ("Kemerovo Oblast", "GPE"),
    ]


def test_region_rule_lists(blank: Language) -> None:
    doc = run(blank, "in the Tomsk, Omsk and Kemerovo regions", [])
    assert [e.text for e in entities(doc)] == ["Tomsk", "Omsk", "Kemerovo"]


def test_region_rule_leaves_other_words(blank: Language) -> None:
    for text in (
        "in the Northern region",
        "the Nizhny Novgorod region",
        "in the Ukrainian region",
        "the Asia-Pacific region",
    ):
        doc = run(blank, text, [])
        assert all(e.label_ != "GPE" for e in doc.ents), text


def test_known_oblasts(blank: Language) -> None:
    text = "deserting positions in Russia‘s Kursk and Bryansk oblasts and in Kharkiv Oblast"
    doc = run(blank, text, [("Russia‘s", "GPE"), ("Kursk", "PRODUCT")])
    found = [(e.text, e.label, e.country) for e in entities(doc)]
    assert found == [
        ("Russia", "GPE", "RU"),
        ("Kursk", "GPE", "RU"),
        ("Bryansk", "GPE", "RU"),
        ("Kharkiv Oblast", "GPE", "UA"),
    ]


def test_offsets_exact_with_curly_quotes(blank: Language) -> None:
    text = "“The Kremlin‘s line,” said RIA Novosti’s editor, citing North Korea’s Mission to the UN."
    doc = run(blank, text, [])
    found = entities(doc)
    assert [e.text for e in found] == ["Kremlin", "RIA Novosti", "North Korea’s Mission to the UN"]
    assert all(text[e.start : e.end] == e.text for e in found)


def test_possessive_model_entity_is_trimmed_before_soft_patterns(blank: Language) -> None:
    doc = run(blank, "Kyiv’s mayor said so.", [("Kyiv’s", "ORG")])
    assert [(e.text, e.label, e.kind, e.country) for e in entities(doc)] == [("Kyiv", "GPE", "place", "UA")]


def test_a_place_and_its_area_in_one_entity_are_two_places(blank: Language) -> None:
    """ACLED-style "village, oblast" the model reads as one ORG, FAC or WORK_OF_ART."""
    text = "Drones hit Bilozerka, Kherson. Artillery hit Vovchansk, Kharkiv."
    doc = run(blank, text, [("Bilozerka, Kherson", "ORG"), ("Vovchansk, Kharkiv.", "WORK_OF_ART")])
    assert [(e.text, e.label) for e in entities(doc) if e.label == "GPE"] == [
        ("Bilozerka", "GPE"),
        ("Kherson", "GPE"),
        ("Vovchansk", "GPE"),
        ("Kharkiv", "GPE"),
    ]


def test_a_region_word_after_the_comma_makes_the_area(blank: Language) -> None:
    doc = run(
        blank,
        "Russian forces shelled Kherson, Kherson region, overnight.",
        [("Kherson, Kherson region", "ORG")],
    )
    assert [(e.text, e.label) for e in entities(doc) if e.label == "GPE"] == [
        ("Kherson", "GPE"),
        ("Kherson region", "GPE"),
    ]


def test_a_comma_inside_a_name_that_is_no_place_stays(blank: Language) -> None:
    doc = run(blank, "Lawyers at Smith, Jones and Partners said so.", [("Smith, Jones and Partners", "ORG")])
    assert [(e.text, e.label) for e in entities(doc)] == [("Smith, Jones and Partners", "ORG")]


def test_a_place_before_an_organisation_after_a_locative(blank: Language) -> None:
    text = "Near Svitlodarsk, Military Forces of Ukraine came under mortar fire."
    doc = run(blank, text, [("Svitlodarsk, Military Forces of Ukraine", "ORG")])
    assert [(e.text, e.label) for e in entities(doc)][:2] == [
        ("Svitlodarsk", "GPE"),
        ("Military Forces of Ukraine", "ORG"),
    ]
