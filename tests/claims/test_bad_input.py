"""Awkward articles through the public API (``wirewatch.pipeline.analyze``): the claims stage never crashes
and every claim it returns keeps the interchange format's invariants (docs/data_format.md)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from wirewatch.errors import InputError
from wirewatch.pipeline import analyze
from wirewatch.records import Analysis
from wirewatch.settings import Settings

pytestmark = pytest.mark.model

SETTINGS = Settings()  # the defaults: languages "en", stages "claims"; no config file or environment

EVIDENTIALS = {"asserted", "reported", "alleged", "speculated"}
STRENGTHS = {"certain", "probable", "possible", "unknown"}
POLARITIES = {"positive", "negative"}
QUOTES = {"direct", "indirect", "mixed", "none"}
KINDS = {"statement", "denial", "no_comment"}
SOURCE_KINDS = {
    "outlet", "government", "military", "intelligence", "official", "expert", "person", "organization",
    "document", "anonymous", "unknown",
}  # fmt: skip


def check_span(span: Any, text: str, what: str) -> None:
    assert isinstance(span, dict), (what, span)
    start, end = span["start"], span["end"]
    assert isinstance(start, int) and isinstance(end, int), (what, span)
    assert 0 <= start <= end <= len(text), (what, span, len(text))
    assert span["text"] == text[start:end], (what, span)


def check_source(source: Any, text: str, what: str) -> None:
    assert isinstance(source["name"], str), (what, source)
    assert source["kind"] in SOURCE_KINDS, (what, source)
    assert source["country"] is None or re.fullmatch(r"[A-Z]{2}", source["country"]), (what, source)
    if source["span"] is not None:
        check_span(source["span"], text, what)


def check_claims(analysis: Analysis) -> list[dict[str, Any]]:
    """Every claim of ``analysis`` keeps the format's invariants; returns the claims."""
    text = analysis.article.text
    claims = list(analysis.claims)
    ids = [c["id"] for c in claims]
    assert len(set(ids)) == len(ids), ids
    for claim in claims:
        cid = claim["id"]
        assert re.fullmatch(re.escape(analysis.article.id) + r":c[1-9][0-9]*", cid), cid
        check_span(claim["content"], text, cid)
        content = claim["content"]
        assert claim["content_parts"], cid
        previous_end = content["start"]
        for part in claim["content_parts"]:
            check_span(part, text, cid)
            assert content["start"] <= part["start"] <= part["end"] <= content["end"], (cid, part, content)
            assert part["start"] >= previous_end, (cid, "parts out of order or overlapping")
            previous_end = part["end"]
        if claim["cue"] is not None:
            check_span(claim["cue"], text, cid)
        for source in [*claim["sources"], *claim["via"]]:
            check_source(source, text, cid)
        if claim["asked_by"] is not None:
            check_source(claim["asked_by"], text, cid)
        assert claim["quote"] in QUOTES, (cid, claim["quote"])
        assert claim["kind"] in KINDS, (cid, claim["kind"])
        certainty = claim["certainty"]
        assert certainty["evidential"] in EVIDENTIALS, (cid, certainty)
        assert certainty["strength"] in STRENGTHS, (cid, certainty)
        assert certainty["polarity"] in POLARITIES, (cid, certainty)
        assert certainty["term"] is None or isinstance(certainty["term"], str), (cid, certainty)
        probability = certainty["probability"]
        if probability is not None:
            lo, hi = probability
            assert 0 <= lo <= hi <= 1, (cid, certainty)
        assert claim["denies"] is None or claim["denies"] in ids, (cid, claim["denies"])
        assert claim["denies"] != cid, cid
    return claims


def run(text: str) -> tuple[Analysis, list[dict[str, Any]]]:
    """Analyse ``text`` as an English article whose claims stage ran, and check every claim."""
    analysis = analyze(text, settings=SETTINGS)
    assert analysis.article.language == "en", analysis.article.language
    assert "claims" not in analysis.skipped, analysis.skipped
    return analysis, check_claims(analysis)


# --- empty input -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["", "   ", " \n\n\t \r\n ", "\u00a0\n"], ids=["empty", "spaces", "ws", "nbsp"]
)
def test_empty_article_is_a_one_line_error(text: str) -> None:
    # decode() refuses empty and whitespace-only input: InputError W101 "empty input", naming the input
    with pytest.raises(InputError) as info:
        analyze(text, settings=SETTINGS)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("<text>: ")
    assert "empty" in message


# --- quotation marks -------------------------------------------------------------------------------------


def test_only_quotation_paragraphs() -> None:
    text = "\n\n".join(
        [
            "“We will not give up the city, whatever it costs us in the coming weeks.”",
            "“The bridge was destroyed overnight and nobody has told us when it will be rebuilt.”",
            "“They said the evacuation buses would come at noon. They never came.”",
            "“I have lived here for forty years and I have never seen anything like this.”",
        ]
    )
    run(text)


UNBALANCED = {
    "open_never_closed": (
        "The regional governor said on Tuesday that “the shelling of the eastern districts has not stopped "
        "since Sunday night. Residents were told to stay in shelters, and officials said that power would "
        "be restored by the end of the week.\n\nAccording to Reuters, at least twelve people were injured."
    ),
    "stray_closing": (
        "Officials said the convoy reached the city before dawn.” The army denied that any civilians had "
        "been hurt, and a spokesman told reporters that the operation was over.\n\nThe ministry said it "
        "would publish casualty figures on Friday."
    ),
    "straight_odd": (
        'The mayor said "the water supply will be restored tomorrow, and the hospital has power again. '
        'The defence ministry said "no strikes took place" in the area, according to state media.\n\n'
        'Witnesses told the BBC that "the explosions lasted for an hour.'
    ),
    "mixed_marks": (
        '“We need air defence now," the president said. "Not next month.” He added that '
        "“every day counts, and that the allies knew it.\n\n«They are lying», a spokesman replied."
    ),
}


@pytest.mark.parametrize("name", sorted(UNBALANCED))
def test_unbalanced_quotation_marks(name: str) -> None:
    _, claims = run(UNBALANCED[name])
    assert claims  # every text has a plain "said" outside the broken quotes


# --- a long live blog ------------------------------------------------------------------------------------

LIVE_BLOG_TEMPLATE = [
    "{hh}:{mm} BST — “We are holding our positions near {place},” {person} said in a video address.",
    "{hh}:{mm} BST — According to {outlet}, {n} drones were shot down over {place} overnight. "
    "{person} told reporters the figure could rise.",
    "{hh}:{mm} BST — “The situation in {place} is extremely difficult, {person} said, adding that "
    "evacuations would go on.",
    "{hh}:{mm} BST — A spokesman denied the report.” No further comment was given.",
    '{hh}:{mm} BST — The "humanitarian corridor out of {place} has reportedly reopened, {outlet} said.',
    "{hh}:{mm} BST — It is highly likely that the strike was deliberate, {person} said, citing {outlet}.",
    "{hh}:{mm} BST — Residents of {place} said the shelling stopped at dawn.",
    "{hh}:{mm} BST — Officials said at least {n} people were injured in {place}; {outlet} could not "
    "verify the figure.",
    "{hh}:{mm} BST — {person}, according to {outlet}, said talks would resume “as soon as possible.",
    "{hh}:{mm} BST — Power was restored to {n} homes in {place}.",
    "{hh}:{mm} BST — “Don't believe the rumours,” {person} wrote on Telegram. “Everything is calm.",
]
PEOPLE = ["Volodymyr Zelensky", "Dmitry Peskov", "John Kirby", "The governor", "A military spokesman"]
OUTLETS = ["Reuters", "the BBC", "Interfax-Ukraine", "the Kyiv Independent", "TASS", "Suspilne"]
PLACES = ["Kharkiv", "Odesa", "Zaporizhzhia", "Kherson", "Lviv", "Dnipro", "Sumy"]


def live_blog(words: int = 5000) -> str:
    paragraphs: list[str] = []
    total = 0
    k = 0
    while total < words:
        minute = (k * 4) % (24 * 60)
        paragraph = LIVE_BLOG_TEMPLATE[k % len(LIVE_BLOG_TEMPLATE)].format(
            hh=f"{minute // 60:02d}",
            mm=f"{minute % 60:02d}",
            person=PEOPLE[k % len(PEOPLE)],
            outlet=OUTLETS[k % len(OUTLETS)],
            place=PLACES[k % len(PLACES)],
            n=3 + k % 40,
        )
        paragraphs.append(paragraph)
        total += len(paragraph.split())
        k += 1
    return "\n\n".join(paragraphs)


def test_live_blog_of_5000_words() -> None:
    text = live_blog()
    assert len(text.split()) >= 5000
    analysis, claims = run(text)
    assert claims
    assert len(analysis.article.text) >= 0.9 * len(text)  # the updates are kept, not stripped as boilerplate
    # every sentence of the template ends in . (then maybe a quote mark) and none has an abbreviation
    sentences = len(re.findall(r"[.!?][”\"»]?(?:\s|$)", analysis.article.text))
    assert len(claims) <= 3 * sentences, (len(claims), sentences)


# --- other languages -------------------------------------------------------------------------------------

FOREIGN = {
    "de": (
        "Der Gouverneur der Region sagte am Dienstag, dass der Beschuss der östlichen Stadtteile seit "
        "Sonntagabend nicht aufgehört habe. Nach Angaben des Militärs wurden mindestens zwölf Menschen "
        "verletzt. „Wir halten die Stellung“, sagte ein Sprecher der Armee."
    ),
    "ru": (
        "Губернатор области заявил во вторник, что обстрел восточных районов города не прекращается с "
        "воскресного вечера. По данным военных, по меньшей мере двенадцать человек получили ранения. "
        "«Мы держим позиции», — сказал представитель армии."
    ),
}


@pytest.mark.parametrize("language", sorted(FOREIGN))
def test_non_english_article_skips_claims(language: str) -> None:
    analysis = analyze(FOREIGN[language], settings=SETTINGS)
    assert analysis.article.language == language
    assert analysis.claims == ()
    assert analysis.skipped.get("claims") == f"language {language}"
    check_claims(analysis)
