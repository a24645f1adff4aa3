"""The fetcher: schemes, address checks (incl. redirects and DNS rebinding), caps, errors, concurrency."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import ClassVar

import httpx
import pytest

import wirewatch
from wirewatch.errors import FetchError
from wirewatch.ingest.fetch import MAX_REDIRECTS, Fetcher, check_address
from wirewatch.settings import Settings

PUBLIC = "93.184.216.34"
PAGE = b"<html><body><p>Report.</p></body></html>"


def fake_dns(table: dict[str, Sequence[str]]) -> Callable[[str, int], Sequence[str]]:
    def resolve(host: str, port: int) -> Sequence[str]:
        if host not in table:
            raise OSError(f"[Errno -2] Name or service not known: {host}")
        return table[host]

    return resolve


def mock_fetcher(
    handler: Callable[[httpx.Request], httpx.Response],
    dns: dict[str, Sequence[str]] | None = None,
    **settings: object,
) -> Fetcher:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return Fetcher(Settings().replace(**settings), client=client, resolver=fake_dns(dns or {}))


def page(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=PAGE, headers={"content-type": "text/html; charset=utf-8"})


def refused(fetcher: Fetcher, url: str) -> str:
    with pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    text = str(info.value)
    assert "\n" not in text and text.startswith(url + ": ")
    return text


def test_fetch_ok_sends_user_agent() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return page(request)

    result = mock_fetcher(handler, {"news.example": [PUBLIC]}).fetch("https://news.example/a")
    assert (result.url, result.data, result.content_type) == (
        "https://news.example/a",
        PAGE,
        "text/html; charset=utf-8",
    )
    assert seen[0].headers["user-agent"] == Settings().user_agent.format(version=wirewatch.__version__)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("http://10.0.0.1/", "10.0.0.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "a cloud metadata address"),
        ("http://[::1]:8080/", "is a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "is a loopback address"),
        ("http://[::ffff:a9fe:a9fe]/", "a cloud metadata address"),
        ("http://[fd00:ec2::254]/", "a cloud metadata address"),
        ("http://0.0.0.0/", "an unspecified address"),
        ("http://224.0.0.1/", "a multicast address"),
        ("http://100.64.0.1/", "a non-public address"),
    ],
)
def test_private_literal_addresses_are_refused(url: str, why: str) -> None:
    text = refused(mock_fetcher(page), url)
    assert why in text and "allow_private" in text and "[W202]" in text


def test_hostname_resolving_to_metadata_is_refused() -> None:
    fetcher = mock_fetcher(page, {"cdn.example.com": ["169.254.169.254"]})
    text = refused(fetcher, "http://cdn.example.com/x")
    assert "cdn.example.com resolves to 169.254.169.254, a cloud metadata address" in text


def test_any_private_address_among_several_refuses() -> None:
    fetcher = mock_fetcher(page, {"mixed.example": [PUBLIC, "192.168.1.5"]})
    assert "resolves to 192.168.1.5, a private address" in refused(fetcher, "http://mixed.example/")


def test_redirect_from_public_to_private_is_refused() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        if request.url.host == "news.example":
            return httpx.Response(302, headers={"location": "http://internal.example/admin"})
        return page(request)

    fetcher = mock_fetcher(handler, {"news.example": [PUBLIC], "internal.example": ["10.1.2.3"]})
    text = refused(fetcher, "http://news.example/story")
    assert "redirected to http://internal.example/admin, which resolves to 10.1.2.3" in text
    assert calls == ["http://news.example/story"]  # the private host was never contacted


def test_redirects_are_followed_relative_and_capped() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        n = int(request.url.path.strip("/") or 0)
        if n < 3:
            return httpx.Response(301, headers={"location": f"/{n + 1}"})
        return page(request)

    result = mock_fetcher(handler, {"a.example": [PUBLIC]}).fetch("https://a.example/")
    assert result.url == "https://a.example/3" and result.data == PAGE

    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "/again"})

    text = refused(mock_fetcher(loop, {"a.example": [PUBLIC]}), "https://a.example/")
    assert f"more than {MAX_REDIRECTS} redirects" in text


def test_redirect_to_another_scheme_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "file:///etc/passwd"})

    text = refused(mock_fetcher(handler, {"a.example": [PUBLIC]}), "https://a.example/")
    assert "redirected to file:/etc/passwd, which uses file; only http and https" in text


@pytest.mark.parametrize("status", [404, 500])
def test_http_errors(status: int) -> None:
    fetcher = mock_fetcher(lambda r: httpx.Response(status), {"a.example": [PUBLIC]})
    text = refused(fetcher, "https://a.example/gone")
    assert f"HTTP {status}" in text and "[W205]" in text


def test_oversize_by_content_length_and_by_stream() -> None:
    def declared(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-length": "5000"}, content=b"x" * 5000)

    def undeclared(request: httpx.Request) -> httpx.Response:
        chunks: Iterator[bytes] = iter([b"x" * 600] * 5)
        return httpx.Response(200, content=chunks)  # streamed, no Content-Length

    for handler in (declared, undeclared):
        text = refused(
            mock_fetcher(handler, {"a.example": [PUBLIC]}, max_bytes=1000), "https://a.example/big"
        )
        assert "response larger than the 1 kB cap (max_bytes setting)" in text


def test_connection_errors_and_timeouts() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    assert "could not connect: [Errno 111] Connection refused" in refused(
        mock_fetcher(down, {"a.example": [PUBLIC]}), "https://a.example/"
    )
    text = refused(mock_fetcher(slow, {"a.example": [PUBLIC]}, fetch_timeout=3.0), "https://a.example/")
    assert "could not connect: timed out after 3 s (fetch_timeout setting)" in text


def test_unresolvable_host_and_bad_schemes() -> None:
    fetcher = mock_fetcher(page)
    assert "could not resolve host 'nowhere.example'" in refused(fetcher, "https://nowhere.example/")
    assert "uses ftp; only http and https" in refused(fetcher, "ftp://a.example/")
    assert "has no host" in refused(fetcher, "http:///path")


def test_allow_private_skips_the_checks() -> None:
    fetcher = mock_fetcher(page, allow_private=True)
    assert fetcher.fetch("http://10.0.0.1/").data == PAGE


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        (PUBLIC, None),
        ("2606:2800:220:1:248:1893:25c8:1946", None),
        ("127.0.0.2", "loopback"),
        ("172.16.0.1", "private"),
        ("fe80::1%eth0", "link-local"),
        ("169.254.1.1", "link-local"),
        ("fc00::1", "private"),
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("not-an-ip", "unparseable"),
    ],
)
def test_check_address(address: str, reason: str | None) -> None:
    assert check_address(address) == reason


def test_fetch_many_keeps_order_and_bounds_each_host() -> None:
    lock = threading.Lock()
    in_flight: dict[str, int] = {}
    peak: dict[str, int] = {}
    barrier = threading.Barrier(2, timeout=5)  # fails unless two requests to a.example run at once

    def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        with lock:
            in_flight[host] = in_flight.get(host, 0) + 1
            peak[host] = max(peak.get(host, 0), in_flight[host])
        try:
            if request.url.path in ("/0", "/1") and host == "a.example":
                barrier.wait()
            threading.Event().wait(0.02)
            return httpx.Response(200, content=request.url.path.encode())
        finally:
            with lock:
                in_flight[host] -= 1

    urls = [f"https://{h}/{i}" for i in range(6) for h in ("a.example", "b.example")]
    fetcher = mock_fetcher(handler, {"a.example": [PUBLIC], "b.example": [PUBLIC]}, per_host_concurrency=2)
    results = list(fetcher.fetch_many(urls))
    assert [u for u, _ in results] == urls
    assert all(not isinstance(r, FetchError) and r.data == u[u.rindex("/") :].encode() for u, r in results)
    assert peak == {"a.example": 2, "b.example": 2}


def test_fetch_many_returns_errors_in_place() -> None:
    fetcher = mock_fetcher(page, {"a.example": [PUBLIC]})
    out = list(fetcher.fetch_many(["https://a.example/", "http://127.0.0.1/", "https://a.example/2"]))
    assert [isinstance(r, FetchError) for _, r in out] == [False, True, False]


# -- a real server on 127.0.0.1 -----------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Handler.hits.append(self.path)
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/page")
            self.end_headers()
            return
        body = PAGE if self.path == "/page" else b"not found"
        self.send_response(200 if self.path == "/page" else 404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    _Handler.hits = []
    try:
        yield f"127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_real_server_with_allow_private(server: str) -> None:
    with Fetcher(Settings(allow_private=True, fetch_timeout=5.0)) as fetcher:
        result = fetcher.fetch(f"http://{server}/moved")
        assert result.data == PAGE and result.url == f"http://{server}/page"
        with pytest.raises(FetchError, match="HTTP 404"):
            fetcher.fetch(f"http://{server}/missing")
    with Fetcher(Settings(fetch_timeout=5.0)) as strict, pytest.raises(FetchError, match="loopback"):
        strict.fetch(f"http://{server}/page")
    assert _Handler.hits == ["/moved", "/page", "/missing"]


def test_pinned_connection_goes_to_the_resolved_address(server: str) -> None:
    port = server.split(":")[1]
    resolver = fake_dns({"news.test": ["127.0.0.1"]})
    with Fetcher(Settings(allow_private=True, fetch_timeout=5.0), resolver=resolver) as fetcher:
        assert fetcher.fetch(f"http://news.test:{port}/page").data == PAGE


def test_dns_rebinding_is_refused_at_connect(server: str) -> None:
    port = server.split(":")[1]
    answers = iter([[PUBLIC], ["127.0.0.1"], ["127.0.0.1"]])

    def rebinding(host: str, port: int) -> Sequence[str]:
        return next(answers)  # public for the check, loopback for the connection

    fetcher = Fetcher(Settings(fetch_timeout=5.0), resolver=rebinding)
    with fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(f"http://evil.test:{port}/page")
    assert "evil.test resolves to 127.0.0.1, a loopback address" in str(info.value)
    assert _Handler.hits == []
