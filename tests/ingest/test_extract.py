"""HTML extraction, metadata precedence, size cap, language, identity: through ``extract()``."""

from __future__ import annotations

import pickle
from dataclasses import replace

import pytest
import trafilatura

import wirewatch.ingest.html as html_module
from wirewatch.errors import ExtractionError, InputError
from wirewatch.ingest.extract import extract
from wirewatch.ingest.identity import article_id, canonical_url, normalise_text
from wirewatch.ingest.language import detect_language, normalise_language_tag
from wirewatch.records import RawDocument, article_id_for
from wirewatch.settings import Settings

SETTINGS = Settings()
PARAGRAPHS = [
    "Ukrainian forces shot down 41 of 48 drones launched overnight, the air force said on Tuesday, "
    "adding that debris damaged several homes in the Kyiv region.",
    "Three people were injured in the capital, the city's military administration said. Emergency "
    "services worked through the night to put out fires in two districts.",
    "Russia's defence ministry said its forces had struck military targets, a claim Kyiv denied. "
    "Neither account could be independently verified.",
]
PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Drones shot down over Kyiv | Example Times</title>
  <meta property="og:title" content="Drones shot down over Kyiv">
  <meta property="og:site_name" content="Example Times">
  <meta name="author" content="Olena Petrenko">
  <meta property="article:published_time" content="2026-02-24T07:30:00+00:00">
  <link rel="canonical" href="https://www.example-times.com/world/drones-kyiv">
</head>
<body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
  <article>
    <h1>Drones shot down over Kyiv</h1>
    {"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
  </article>
  <footer><p>© 2026 Example Times. All rights reserved.</p></footer>
</body>
</html>"""


def _html(page: str = PAGE, **kw: object) -> RawDocument:
    return RawDocument(name="page.html", data=page.encode("utf-8"), kind="html", **kw)  # type: ignore[arg-type]


def test_html_text_and_metadata() -> None:
    article = extract(_html(), SETTINGS)
    assert article.text == "\n\n".join(PARAGRAPHS)
    assert article.title == "Drones shot down over Kyiv"
    assert article.published == "2026-02-24"
    assert article.authors == ("Olena Petrenko",)
    assert article.outlet == "Example Times"
    assert article.url == "https://www.example-times.com/world/drones-kyiv"
    assert article.language == "en"
    assert article.encoding == "utf-8"
    assert article.extractor == f"trafilatura {trafilatura.__version__}"
    assert article.source_name == "page.html"
    assert article.raw_sha256 == _html().sha256
    assert article.id == article_id_for(
        canonical_url="https://www.example-times.com/world/drones-kyiv", normalised_text=None
    )


def test_input_metadata_wins_over_the_page() -> None:
    raw = _html(
        url="https://feed.example.net/item/1?utm_source=rss",
        title="Feed title",
        published="2026-02-25",
        outlet="Feed Outlet",
        external_id="guid-1",
    )
    article = extract(raw, SETTINGS)
    assert (article.title, article.published, article.outlet) == ("Feed title", "2026-02-25", "Feed Outlet")
    assert article.url == "https://feed.example.net/item/1?utm_source=rss"
    assert article.external_id == "guid-1"
    assert article.id == article_id("https://feed.example.net/item/1", "")


def test_fallback_when_trafilatura_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_module.trafilatura, "bare_extraction", lambda *a, **k: None)
    article = extract(_html(), SETTINGS)
    assert article.extractor == "fallback:baseline"
    assert PARAGRAPHS[0] in article.text
    assert article.title == "Drones shot down over Kyiv"  # metadata read separately


def test_page_without_text_raises() -> None:
    page = "<html><head><title>x</title></head><body><script>var a = 1;</script></body></html>"
    with pytest.raises(ExtractionError) as err:
        extract(_html(page), SETTINGS)
    assert str(err.value).startswith("page.html: no article text found")


def test_size_cap() -> None:
    big = b"<html><body>" + b"<p>filler text</p>" * 1_200_000 + b"</body></html>"  # ~20 MB
    with pytest.raises(InputError) as err:
        extract(RawDocument(name="big.html", data=big, kind="html"), SETTINGS)
    assert str(err.value) == (
        "big.html: larger than the 10 MB cap (max_bytes setting); raise max_bytes to read it [W103]"
    )
    small = Settings(max_bytes=len(PAGE.encode()) - 1)
    with pytest.raises(InputError):
        extract(_html(), small)


def test_binary_and_empty_inputs() -> None:
    with pytest.raises(InputError, match="binary file"):
        extract(RawDocument(name="a.out", data=b"\x7fELF\x02\x01" + bytes(100), kind="text"), SETTINGS)
    with pytest.raises(InputError, match="empty input"):
        extract(RawDocument(name="e.html", data=b"\n\n", kind="html"), SETTINGS)


def test_unknown_kind() -> None:
    with pytest.raises(InputError, match="unknown input kind"):
        extract(RawDocument(name="x", data=b"text", kind="pdf"), SETTINGS)


def test_http_charset_and_russian_language() -> None:
    body = (
        "Министерство обороны заявило, что войска отразили атаку на севере региона. "
        "По данным ведомства, потери противника значительны, однако эти сведения не подтверждены."
    )
    page = f"<html><head><title>Новости</title></head><body><article><p>{body}</p></article></body></html>"
    raw = RawDocument(
        name="ru.html",
        data=page.encode("cp1251"),
        kind="html",
        content_type="text/html; charset=windows-1251",
    )
    article = extract(raw, SETTINGS)
    assert article.text == body
    assert article.encoding == "cp1251"
    assert article.language == "ru"
    assert article.language_score is not None and article.language_score > 0.8


def test_text_saved_as_html_is_read_as_html() -> None:
    raw = RawDocument(name="page.txt", data=PAGE.encode(), kind="text")
    assert extract(raw, SETTINGS).extractor == f"trafilatura {trafilatura.__version__}"


def test_records() -> None:
    text = "First paragraph of the record.\nSecond paragraph.\n\n\nThird one."
    raw = RawDocument(name="a.jsonl:1", data=text.encode(), kind="record", record_format="text", title="T")
    article = extract(raw, SETTINGS)
    assert article.text == "First paragraph of the record.\n\nSecond paragraph.\n\nThird one."
    assert (article.title, article.extractor) == ("T", "record")
    html_record = RawDocument(name="a.jsonl:2", data=PAGE.encode(), kind="record", record_format="html")
    assert extract(html_record, SETTINGS).text == "\n\n".join(PARAGRAPHS)


def test_id_from_text_when_no_url() -> None:
    a = extract(
        RawDocument(
            name="a.txt", data=b"# Same Story Title For Both\n" + PARAGRAPHS[0].encode(), kind="text"
        ),
        SETTINGS,
    )
    b = extract(
        RawDocument(
            name="b.txt", data=b"# Same Story Title For Both\n" + PARAGRAPHS[0].upper().encode(), kind="text"
        ),
        SETTINGS,
    )
    assert a.url is None
    assert a.id == b.id == article_id_for(canonical_url=None, normalised_text=normalise_text(PARAGRAPHS[0]))


def test_article_pickles_for_process_pools() -> None:
    article = extract(_html(), SETTINGS)
    assert pickle.loads(pickle.dumps(article)) == article


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://WWW.Example.COM:443/a/B?utm_source=x&id=3&fbclid=y#top",
            "https://www.example.com/a/B?id=3",
        ),
        ("http://example.com", "http://example.com/"),
        ("http://example.com:8080/x?gclid=1", "http://example.com:8080/x"),
        ("https://example.com/p?q=a%20b&UTM_Medium=m", "https://example.com/p?q=a%20b"),
        ("https://example.com/index.html", "https://example.com/index.html"),
        ("  not a url ", "not a url"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_normalise_text() -> None:
    assert normalise_text("  Cafe\u0301\n\tIN  Kyiv ") == "caf\u00e9 in kyiv"


def test_language_declared_wins_only_when_unsure() -> None:
    assert detect_language("ok", declared="de-DE") == ("de", None)  # too short to detect
    english = "The ministry said the troops had withdrawn from the region after heavy fighting overnight."
    lang, score = detect_language(english, declared="fr")
    assert lang == "en" and score is not None and score > 0.8
    assert normalise_language_tag("pt_BR") == "pt"


def test_short_english_full_of_place_names_is_not_read_as_a_creole() -> None:
    """py3langid answers Nigerian Pidgin (0.52) for this note; an unsure creole, English next: English."""
    note = "On 2 November 2023, Russian forces shelled Robotyne, Zaporizhia. Casualties unknown."
    assert detect_language(note)[0] == "en"
    pidgin = "Wetin dey happen for dis place? Dem no go gree make we waka comot, na wahala o."
    assert detect_language(pidgin)[0] == "pcm"  # confident Pidgin stays Pidgin
    assert normalise_language_tag("not a tag!") is None


def test_verbatim_record_keeps_every_character() -> None:
    """Gold texts for `wirewatch eval` are analysed byte for byte: offsets index the gold annotation."""
    from wirewatch.ingest.extract import VERBATIM_EXTRACTOR

    text = "  Officials said on Monday\r\nthat the cafe\u0301 was hit.\n\n\nNo one was hurt.\n"
    raw = RawDocument(name="gold.txt", data=text.encode("utf-8"), kind="record", record_format="verbatim")
    article = extract(raw, Settings())
    assert article.text == text
    assert article.extractor == VERBATIM_EXTRACTOR
    kept = extract(replace(raw, record_format="text"), Settings())
    assert kept.text != text  # the ordinary record path tidies paragraphs and applies NFC
