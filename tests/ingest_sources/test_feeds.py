"""RSS and Atom feeds, from files and URLs; items with full content, and link-only items that get fetched."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import httpx

from wirewatch.ingest.feeds import looks_like_feed, parse_feed
from wirewatch.ingest.fetch import Fetcher
from wirewatch.ingest.sources import InputFailure, read_sources
from wirewatch.records import RawDocument
from wirewatch.settings import Settings

PUBLIC = "93.184.216.34"

RSS_FULL = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Frontline Wire</title>
  <link>https://wire.example/</link>
  <item>
    <title>Strike on depot</title>
    <link>https://wire.example/a</link>
    <guid>wire-a</guid>
    <pubDate>Mon, 03 Jun 2024 23:30:00 -0500</pubDate>
    <description>Teaser only.</description>
    <content:encoded><![CDATA[<p>Officials said a strike hit a fuel depot.</p>]]></content:encoded>
  </item>
  <item>
    <title>Talks resume</title>
    <link>https://wire.example/b</link>
    <pubDate>Tue, 04 Jun 2024</pubDate>
    <content:encoded><![CDATA[<p>Negotiators met again.</p>]]></content:encoded>
  </item>
</channel>
</rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Desk</title>
  <id>urn:desk</id>
  <updated>2024-06-05T10:00:00Z</updated>
  <entry>
    <title>Plain entry</title>
    <id>urn:desk:1</id>
    <link href="https://desk.example/1"/>
    <updated>2024-06-05T10:00:00Z</updated>
    <content type="text">The ministry denied the report.</content>
  </entry>
  <entry>
    <title>HTML entry</title>
    <id>urn:desk:2</id>
    <link href="https://desk.example/2"/>
    <updated>2024-06-05</updated>
    <content type="html">&lt;p&gt;Shelling continued overnight.&lt;/p&gt;</content>
  </entry>
</feed>"""

RSS_LINKS = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Links Only</title>
  <item><title>One</title><link>https://news.example/1</link><description>Teaser 1</description></item>
  <item><title>Two</title><link>https://news.example/2</link></item>
  <item><title>Three</title><link>http://10.0.0.5/3</link></item>
  <item><title>Four</title><link>https://news.example/feed.xml</link></item>
  <item><title>Five</title></item>
</channel></rss>"""


def fetcher_for(handler: Callable[[httpx.Request], httpx.Response], dns: dict[str, Sequence[str]]) -> Fetcher:
    def resolve(host: str, port: int) -> Sequence[str]:
        return dns[host]

    return Fetcher(Settings(), client=httpx.Client(transport=httpx.MockTransport(handler)), resolver=resolve)


def test_rss_file_with_full_content(tmp_path: Path) -> None:
    path = tmp_path / "wire.rss"
    path.write_bytes(RSS_FULL)
    first, second = read_sources([str(path)], Settings())
    assert isinstance(first, RawDocument) and isinstance(second, RawDocument)
    assert first.name == f"{path}#1" and second.name == f"{path}#2"
    assert (first.kind, first.data) == ("html", b"<p>Officials said a strike hit a fuel depot.</p>")
    assert (first.url, first.title, first.outlet, first.external_id) == (
        "https://wire.example/a",
        "Strike on depot",
        "Frontline Wire",
        "wire-a",
    )
    assert first.published == "2024-06-04T04:30:00+00:00"  # full timestamp, in UTC
    assert second.published == "2024-06-04"  # the feed gave no time: a date


def test_atom_file_text_and_html_content(tmp_path: Path) -> None:
    path = tmp_path / "desk.atom"
    path.write_bytes(ATOM)
    plain, html = read_sources([str(path)], Settings())
    assert isinstance(plain, RawDocument) and isinstance(html, RawDocument)
    assert (plain.kind, plain.data, plain.outlet) == ("text", b"The ministry denied the report.", "Atom Desk")
    assert (html.kind, html.data) == ("html", b"<p>Shelling continued overnight.</p>")
    assert plain.published == "2024-06-05T10:00:00+00:00" and html.published == "2024-06-05"
    assert html.external_id == "urn:desk:2"


def test_xml_file_sniffed_as_feed_and_unknown_extension(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_bytes(ATOM)
    (tmp_path / "feed").write_bytes(RSS_FULL)
    out = list(read_sources([str(tmp_path / "a.xml"), str(tmp_path / "feed")], Settings()))
    assert [o.name.rsplit("/", 1)[-1] for o in out] == ["a.xml#1", "a.xml#2", "feed#1", "feed#2"]


def test_link_only_items_are_fetched(tmp_path: Path) -> None:
    path = tmp_path / "links.xml"
    path.write_bytes(RSS_LINKS)
    requested: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        if request.url.path == "/feed.xml":
            return httpx.Response(200, content=RSS_FULL, headers={"content-type": "application/rss+xml"})
        if request.url.path == "/2":
            return httpx.Response(404)
        return httpx.Response(
            200, content=b"<html><body>Story one</body></html>", headers={"content-type": "text/html"}
        )

    fetcher = fetcher_for(handler, {"news.example": [PUBLIC]})
    out = list(read_sources([str(path)], Settings(), fetcher=fetcher))
    assert [o.name for o in out] == [f"{path}#{i}" for i in range(1, 6)]
    one, two, three, four, five = out
    assert isinstance(one, RawDocument)
    assert (one.kind, one.url, one.title, one.outlet) == (
        "html",
        "https://news.example/1",
        "One",
        "Links Only",
    )
    assert one.content_type == "text/html" and one.data == b"<html><body>Story one</body></html>"
    assert (
        isinstance(two, InputFailure)
        and str(two.error) == "https://news.example/2: HTTP 404 Not Found [W205]"
    )
    assert isinstance(three, InputFailure) and "10.0.0.5 is a private address" in str(three.error)
    assert isinstance(four, InputFailure) and "is an RSS/Atom feed, not an article" in str(four.error)
    assert isinstance(five, InputFailure) and "no link and no content" in str(five.error)
    assert sorted(requested) == [
        "https://news.example/1",
        "https://news.example/2",
        "https://news.example/feed.xml",
    ]


def test_feed_from_a_url_expands_its_items() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/rss":
            return httpx.Response(200, content=RSS_LINKS, headers={"content-type": "text/xml"})
        return httpx.Response(
            200, content=f"Story at {request.url.path}".encode(), headers={"content-type": "text/plain"}
        )

    fetcher = fetcher_for(handler, {"news.example": [PUBLIC]})
    out = list(read_sources(["https://news.example/rss"], Settings(), fetcher=fetcher))
    assert [o.name for o in out] == [f"https://news.example/rss#{i}" for i in range(1, 6)]
    assert isinstance(out[0], RawDocument) and (out[0].kind, out[0].data) == ("text", b"Story at /1")
    assert isinstance(out[3], RawDocument) and out[3].kind == "text"  # served as text here, so read as text


def test_summary_used_only_when_there_is_no_link() -> None:
    rss = b"""<rss version="2.0"><channel><title>S</title>
      <item><title>A</title><description>&lt;p&gt;Summary A&lt;/p&gt;</description></item>
    </channel></rss>"""
    feed = parse_feed(rss, name="s.rss")
    assert feed.items[0].summary_only and feed.items[0].content == b"<p>Summary A</p>"
    assert feed.items[0].content_kind == "html"


def test_malformed_feed(tmp_path: Path) -> None:
    path = tmp_path / "broken.rss"
    path.write_bytes(b"<rss><channel><title>oops</tit")
    (tmp_path / "sitemap.xml").write_bytes(b'<?xml version="1.0"?><urlset><url><loc>x</loc></url></urlset>')
    broken, sitemap = read_sources([str(path), str(tmp_path / "sitemap.xml")], Settings())
    for out, name in ((broken, str(path)), (sitemap, str(tmp_path / "sitemap.xml"))):
        assert isinstance(out, InputFailure) and out.name == name
        text = str(out.error)
        assert text.startswith(name + ": not a valid RSS/Atom feed") and "\n" not in text
        assert out.data is not None


def test_looks_like_feed() -> None:
    assert looks_like_feed(RSS_FULL) and looks_like_feed(ATOM)
    assert looks_like_feed(b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">')
    assert not looks_like_feed(b"<html><body><feed>x</feed></body></html>")
    assert not looks_like_feed(b"Plain text about an rss feed")
