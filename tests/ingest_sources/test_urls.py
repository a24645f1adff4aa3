"""URLs given to read_sources: fetched (in parallel, yielded in order), sniffed, and their failures."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx

from wirewatch.ingest.fetch import Fetcher
from wirewatch.ingest.sources import InputFailure, read_sources
from wirewatch.records import RawDocument
from wirewatch.settings import Settings

PUBLIC = "93.184.216.34"
HTML = b"<html><body><p>Report.</p></body></html>"


def fetcher_for(
    handler: Callable[[httpx.Request], httpx.Response], settings: Settings | None = None
) -> Fetcher:
    def resolve(host: str, port: int) -> Sequence[str]:
        return {"metadata.example": ["169.254.169.254"]}.get(host, [PUBLIC])

    client = httpx.Client(transport=httpx.MockTransport(handler))
    return Fetcher(settings or Settings(), client=client, resolver=resolve)


def test_url_via_mock_transport() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"location": "https://news.example/new"})
        return httpx.Response(200, content=HTML, headers={"content-type": "text/html"})

    (doc,) = read_sources(["https://news.example/old"], Settings(), fetcher=fetcher_for(handler))
    assert isinstance(doc, RawDocument)
    assert (doc.name, doc.url, doc.kind, doc.content_type, doc.data) == (
        "https://news.example/old",
        "https://news.example/new",
        "html",
        "text/html",
        HTML,
    )


def test_client_argument_is_used() -> None:
    # With allow_private the addresses are not checked, so the MockTransport client alone suffices.
    client = httpx.Client(
        transport=httpx.MockTransport(lambda r: httpx.Response(200, content=b"Plain words."))
    )
    (doc,) = read_sources(["http://10.9.8.7/x"], Settings(allow_private=True), client=client)
    assert isinstance(doc, RawDocument) and doc.kind == "text"


def test_response_sniffing_and_failures() -> None:
    bodies = {
        "/text": (b"Plain report text.", "text/plain"),
        "/mislabelled": (HTML, "text/plain"),
        "/pdf": (b"%PDF-1.4 ...", "application/pdf"),
        "/empty": (b"", "text/html"),
        "/big": (b"x" * 5000, "text/plain"),
    }

    def handler(request: httpx.Request) -> httpx.Response:
        body, ctype = bodies[request.url.path]
        return httpx.Response(200, content=body, headers={"content-type": ctype})

    urls = [f"https://news.example{p}" for p in bodies]
    out = list(
        read_sources(urls, Settings(max_bytes=1000), fetcher=fetcher_for(handler, Settings(max_bytes=1000)))
    )
    assert [o.name for o in out] == urls
    text, mislabelled, pdf, empty, big = out
    assert isinstance(text, RawDocument) and text.kind == "text"
    assert isinstance(mislabelled, RawDocument) and mislabelled.kind == "html"
    assert isinstance(pdf, InputFailure) and "unsupported content (application/pdf)" in str(pdf.error)
    assert isinstance(empty, InputFailure) and "response is empty" in str(empty.error)
    assert isinstance(big, InputFailure) and "larger than the 1 kB cap (max_bytes setting)" in str(big.error)
    for o in (pdf, empty, big):
        assert str(o.error).startswith(o.name + ": ")


def test_private_urls_and_metadata_hostname_are_refused() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(200, content=HTML)

    urls = ["http://127.0.0.1/", "http://10.0.0.1/", "http://metadata.example/latest"]
    out = list(read_sources(urls, Settings(), fetcher=fetcher_for(handler)))
    assert [o.name for o in out] == urls and all(isinstance(o, InputFailure) for o in out)
    texts = [str(o.error) for o in out if isinstance(o, InputFailure)]
    assert "127.0.0.1 is a loopback address" in texts[0]
    assert "10.0.0.1 is a private address" in texts[1]
    assert "metadata.example resolves to 169.254.169.254, a cloud metadata address" in texts[2]
    assert calls == []


def test_several_urls_are_fetched_concurrently_and_yielded_in_order(tmp_path: Path) -> None:
    barrier = threading.Barrier(3, timeout=5)  # three different hosts must be in flight at once

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host != "slow.example":
            barrier.wait()
        return httpx.Response(200, content=request.url.host.encode(), headers={"content-type": "text/plain"})

    (tmp_path / "local.txt").write_text("local words")
    sources = [
        "https://a.example/",
        str(tmp_path / "local.txt"),
        "https://b.example/",
        "https://c.example/",
        "https://slow.example/",
    ]
    out = list(read_sources(sources, Settings(), fetcher=fetcher_for(handler)))
    assert [o.name for o in out] == sources
    assert [o.data for o in out] == [
        b"a.example",
        b"local words",
        b"b.example",
        b"c.example",
        b"slow.example",
    ]


def test_jsonl_url_lines_are_fetched_keeping_their_metadata(tmp_path: Path) -> None:
    path = tmp_path / "links.jsonl"
    path.write_text(
        '{"id": "x1", "url": "https://news.example/1", "title": "Given title", "outlet": "Given outlet",'
        ' "published": "2024-06-01"}\n'
        '{"id": "x2", "url": "https://news.example/404"}\n'
        '{"id": "x3", "url": "ftp://news.example/3"}\n'
    )

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/404":
            return httpx.Response(404)
        return httpx.Response(200, content=HTML, headers={"content-type": "text/html"})

    ok, missing, ftp = read_sources([str(path)], Settings(), fetcher=fetcher_for(handler))
    assert isinstance(ok, RawDocument)
    assert (ok.name, ok.kind, ok.url, ok.external_id, ok.title, ok.outlet, ok.published) == (
        f"{path}:1",
        "html",
        "https://news.example/1",
        "x1",
        "Given title",
        "Given outlet",
        "2024-06-01",
    )
    assert isinstance(missing, InputFailure) and missing.name == f"{path}:2"
    assert "HTTP 404" in str(missing.error) and missing.data is not None and b'"x2"' in missing.data
    assert isinstance(ftp, InputFailure) and "only http and https" in str(ftp.error)
