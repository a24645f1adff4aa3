"""Fetching URLs safely: http(s) only, public addresses only, capped in size and time.

Rules (``docs`` and DESIGN.md, "Rules that hold everywhere"):

- Only ``http`` and ``https`` URLs are fetched.
- Unless ``settings.allow_private`` is on, the host is resolved and the fetch is refused when **any** of its
  addresses is private, loopback, link-local, multicast, reserved, unspecified, otherwise non-global, or a
  cloud metadata address (``169.254.169.254``, ``fd00:ec2::254``, ...). IPv4 addresses embedded in IPv6
  (IPv4-mapped, 6to4, NAT64, Teredo) are unwrapped and checked too. The check runs on the first request and
  again on every redirect hop; redirects are followed by hand, at most :data:`MAX_REDIRECTS`.
- The body is streamed and the fetch aborts past ``settings.max_bytes`` (a ``Content-Length`` above the cap is
  refused before reading); ``settings.fetch_timeout`` bounds the whole fetch (see :meth:`Fetcher.fetch`).

DNS rebinding. Checking an address and then letting the HTTP library resolve the name again leaves a window:
a hostile DNS server can answer "public" to the check and "127.0.0.1" to the connect. When the
:class:`Fetcher` builds its own client (the normal case), it closes that window by installing a network
backend (:class:`PinnedBackend`) that resolves the host itself, checks every address, and connects to the
address it checked; TLS still verifies the certificate against the host name. A client injected by the
caller (tests, ``httpx.MockTransport``, a proxy setup) gets only the check before each request: with such a
client, or through an HTTP proxy, the addresses actually connected to are outside wirewatch's control.
Name resolution itself (``getaddrinfo``) is not bounded by ``fetch_timeout``.

Every failure raises :class:`~wirewatch.errors.FetchError`, whose ``str`` is one line naming the URL.
Codes: W201 scheme/URL, W202 refused address, W203 unresolvable host, W204 connection/timeout,
W205 HTTP status, W206 too large, W207 redirects.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import httpcore
import httpx

import wirewatch
from wirewatch.errors import FetchError
from wirewatch.settings import Settings

__all__ = [
    "MAX_REDIRECTS",
    "FetchResult",
    "Fetcher",
    "PinnedBackend",
    "Resolver",
    "check_address",
    "human_bytes",
    "system_resolver",
]

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
MAX_THREADS = 8  # worker threads of one fetch_many / fetch_ordered call
READ_CHUNK = 64 * 1024
ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/plain;q=0.9,*/*;q=0.5"
)

Resolver = Callable[[str, int], Sequence[str]]
"""``resolver(host, port) -> addresses`` (IP address strings); raises ``OSError`` when the name is unknown."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_METADATA: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, ...
        "169.254.170.2",  # AWS ECS task metadata
        "100.100.100.200",  # Alibaba Cloud
        "fd00:ec2::254",  # AWS IPv6
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A fetched body: ``url`` is the final URL after redirects, ``content_type`` the response header."""

    url: str
    data: bytes
    content_type: str | None
    status: int = 200  # 304 only for a conditional request (``headers`` with If-None-Match/If-Modified-Since)
    etag: str | None = None  # the response's ETag and Last-Modified, for the next conditional request
    last_modified: str | None = None


def human_bytes(n: int) -> str:
    """``10_000_000`` → ``"10 MB"``, ``1500`` → ``"1.5 kB"`` (decimal units, as the settings are written)."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB"
    if n >= 1_000:
        return f"{n / 1_000:g} kB"
    return f"{n} bytes"


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``getaddrinfo`` gives for ``host`` (TCP), in its order, without duplicates."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[str, None] = {}
    for info in infos:
        seen.setdefault(str(info[4][0]), None)
    return list(seen)


def _embedded_ipv4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr.sixtofour is not None:
        return addr.sixtofour
    if addr.teredo is not None:
        return addr.teredo[1]  # the client address
    if addr in _NAT64:
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return None


def check_address(address: str) -> str | None:
    """Why ``address`` may not be fetched ("loopback", "private", ...), or ``None`` when it is public."""
    try:
        addr: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "unparseable"
    candidates: list[IPAddress] = [addr]
    if isinstance(addr, ipaddress.IPv6Address):
        inner = _embedded_ipv4(addr)
        if inner is not None:
            candidates.insert(0, inner)  # the embedded IPv4 address says more than its wrapper
    for a in candidates:
        if a in _METADATA:
            return "cloud metadata"
        for reason, flag in (
            ("unspecified", a.is_unspecified),
            ("loopback", a.is_loopback),
            ("link-local", a.is_link_local),
            ("multicast", a.is_multicast),
            ("reserved", a.is_reserved),
            ("private", a.is_private),
        ):
            if flag:
                return reason
        if not a.is_global:
            return "non-public"
    return None


def _literal_ip(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]").split("%", 1)[0]))
    except ValueError:
        return None


class _AddressRefused(Exception):
    """Raised inside the network backend; turned into a :class:`FetchError` naming the URL."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        super().__init__(f"{host} resolves to {address}")
        self.host = host
        self.address = address
        self.reason = reason


class PinnedBackend(httpcore.NetworkBackend):
    """An httpcore network backend that resolves with ``resolver``, checks, and connects to what it checked.

    With ``check=False`` it only routes through ``resolver`` (useful with a fake resolver in tests).
    """

    def __init__(self, resolver: Resolver, *, check: bool = True) -> None:
        self._resolver = resolver
        self._check = check
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        literal = _literal_ip(host)
        try:
            addresses = [literal] if literal else list(self._resolver(host, port))
        except OSError as e:
            raise httpcore.ConnectError(f"could not resolve {host}: {e}") from e
        if not addresses:
            raise httpcore.ConnectError(f"could not resolve {host}: no addresses")
        if self._check:
            for a in addresses:
                reason = check_address(a)
                if reason is not None:
                    raise _AddressRefused(host, a, reason)
        options = list(socket_options or ())
        last: Exception | None = None
        for a in addresses:
            try:
                return self._inner.connect_tcp(a, port, timeout, local_address, options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                last = e
        assert last is not None
        raise last

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _pinned_client(resolver: Resolver, *, check: bool) -> httpx.Client:
    """An ``httpx.Client`` whose connections go through :class:`PinnedBackend` (no environment proxies)."""
    transport = httpx.HTTPTransport(trust_env=False)
    # httpx 0.28 has no public hook for the network backend; swap the (still unused) connection pool.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=True),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=PinnedBackend(resolver, check=check),
    )
    return httpx.Client(transport=transport, trust_env=False)


class Fetcher:
    """Fetches URLs under the rules of this module; safe to share between threads.

    ``client`` is used as given (and not closed) when passed; otherwise the fetcher builds a pinned client
    (see the module docstring) and closes it in :meth:`close`. ``resolver`` replaces DNS (tests fake it).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        client: httpx.Client | None = None,
        resolver: Resolver | None = None,
    ) -> None:
        self.settings = settings
        self._resolver: Resolver = resolver or system_resolver
        self._client_given = client
        self._client_made: httpx.Client | None = None  # built on first use: loading CA certificates is slow
        try:
            agent = settings.user_agent.format(version=wirewatch.__version__)
        except (KeyError, IndexError, ValueError):  # other braces in a user's setting: send it as written
            agent = settings.user_agent
        self._headers = {"User-Agent": agent, "Accept": ACCEPT}
        self._host_locks: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------------------

    @property
    def client(self) -> httpx.Client:
        """The client requests go through (built, pinned, on first use unless one was given)."""
        if self._client_given is not None:
            return self._client_given
        with self._lock:
            if self._client_made is None:
                self._client_made = _pinned_client(self._resolver, check=not self.settings.allow_private)
            return self._client_made

    def close(self) -> None:
        """Close the client if this fetcher created it."""
        with self._lock:
            made, self._client_made = self._client_made, None
        if made is not None:
            made.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one URL ---------------------------------------------------------------------------------------

    def check_url(self, url: str, *, original: str | None = None) -> httpx.URL:
        """Parse ``url`` and apply the scheme and address rules; raise :class:`FetchError` if refused.

        ``original`` is the URL the user gave, when ``url`` is a redirect target (errors name both).
        """
        name = original or url
        hop = f"redirected to {url}, which " if original and original != url else ""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, ValueError, TypeError) as e:
            raise FetchError(f"{hop}is not a valid URL ({e}); check it", input=name, code="W201") from e
        if parsed.scheme not in ("http", "https"):
            scheme = parsed.scheme or "no scheme"
            hint = "" if hop else " (give local files as paths)"
            raise FetchError(
                f"{hop}uses {scheme!s}; only http and https URLs are fetched{hint}",
                input=name,
                code="W201",
            )
        host = parsed.host
        if not host:
            raise FetchError(f"{hop}has no host; check the URL", input=name, code="W201")
        if self.settings.allow_private:
            return parsed
        literal = _literal_ip(host)
        if literal is not None:
            addresses = [literal]
        else:
            port = parsed.port or (443 if parsed.scheme == "https" else 80)
            try:
                addresses = list(self._resolver(host, port))
            except (OSError, UnicodeError) as e:
                raise FetchError(
                    f"{hop}could not resolve host {host!r} ({e}); check the URL and your network",
                    input=name,
                    code="W203",
                ) from e
            if not addresses:
                raise FetchError(f"{hop}host {host!r} has no addresses", input=name, code="W203")
        for a in addresses:
            reason = check_address(a)
            if reason is not None:
                raise _refused(name, hop, host, a, reason)
        return parsed

    def fetch(self, url: str, *, headers: Mapping[str, str] | None = None) -> FetchResult:
        """GET ``url`` under every rule of this module and return its body; raise :class:`FetchError`.

        ``headers`` are sent as well. With ``If-None-Match`` or ``If-Modified-Since`` among them (a
        conditional GET), a ``304 Not Modified`` answer is returned as a result with ``status`` 304 and no
        data instead of raising.

        ``fetch_timeout`` is an overall deadline: each hop's connect/read timeouts are set to the time left,
        and the deadline is checked again between body chunks, so a fetch ends at most about one read
        timeout after the deadline (a single stalled socket read can't be interrupted from outside).
        """
        settings = self.settings
        deadline = time.monotonic() + settings.fetch_timeout
        current = url
        sent = {**self._headers, **(headers or {})}
        conditional = any(k.lower() in ("if-none-match", "if-modified-since") for k in sent)
        for _hop in range(MAX_REDIRECTS + 1):
            self.check_url(current, original=url)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _timeout(url, settings)
            try:
                request = self.client.build_request(
                    "GET", current, headers=sent, timeout=httpx.Timeout(remaining)
                )
                response = self.client.send(request, stream=True, follow_redirects=False)
            except _AddressRefused as e:
                hop = f"redirected to {current}, which " if current != url else ""
                raise _refused(url, hop, e.host, e.address, e.reason) from None
            except httpx.TimeoutException as e:
                raise _timeout(url, settings) from e
            except (httpx.HTTPError, httpx.InvalidURL) as e:
                raise FetchError(
                    f"could not connect: {_reason(e)}; check the URL and your network", input=url, code="W204"
                ) from e
            try:
                if response.status_code == 304 and conditional:
                    return FetchResult(
                        url=str(response.url),
                        data=b"",
                        content_type=response.headers.get("content-type"),
                        status=304,
                        etag=response.headers.get("etag"),
                        last_modified=response.headers.get("last-modified"),
                    )
                if response.has_redirect_location:  # not is_redirect: a 300 or 304 has no Location
                    location = response.headers["location"]
                    try:
                        current = str(response.url.join(location))
                    except (httpx.InvalidURL, ValueError) as e:
                        raise FetchError(
                            f"redirected to an invalid location {location!r}", input=url, code="W207"
                        ) from e
                    log.debug("%s: redirected to %s", url, current)
                    continue
                if not 200 <= response.status_code < 300:
                    phrase = response.reason_phrase or ""
                    raise FetchError(
                        f"HTTP {response.status_code} {phrase}".rstrip()
                        + ("" if current == url else f" (after redirect to {current})"),
                        input=url,
                        code="W205",
                    )
                data = self._read_body(url, response, deadline)
                return FetchResult(
                    url=str(response.url),
                    data=data,
                    content_type=response.headers.get("content-type"),
                    status=response.status_code,
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
            finally:
                response.close()
        raise FetchError(
            f"more than {MAX_REDIRECTS} redirects; open the URL in a browser to find where it leads",
            input=url,
            code="W207",
        )

    def _read_body(self, url: str, response: httpx.Response, deadline: float) -> bytes:
        cap = self.settings.max_bytes
        too_big = FetchError(
            f"response larger than the {human_bytes(cap)} cap (max_bytes setting); "
            "raise max_bytes to fetch it",
            input=url,
            code="W206",
        )
        length = response.headers.get("content-length")
        if length is not None and length.strip().isdigit() and int(length) > cap:
            raise too_big
        chunks: list[bytes] = []
        total = 0
        try:
            for chunk in response.iter_bytes(READ_CHUNK):
                total += len(chunk)
                if total > cap:
                    raise too_big
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise _timeout(url, self.settings)
        except httpx.TimeoutException as e:
            raise _timeout(url, self.settings) from e
        except httpx.HTTPError as e:
            raise FetchError(f"could not read the response: {_reason(e)}", input=url, code="W204") from e
        return b"".join(chunks)

    # -- many URLs -------------------------------------------------------------------------------------

    def _host_lock(self, url: str) -> threading.BoundedSemaphore:
        try:
            host = (httpx.URL(url).host or "").lower()
        except (httpx.InvalidURL, ValueError, TypeError):
            host = ""
        with self._lock:
            lock = self._host_locks.get(host)
            if lock is None:
                lock = threading.BoundedSemaphore(max(1, self.settings.per_host_concurrency))
                self._host_locks[host] = lock
            return lock

    def fetch_or_error(self, url: str) -> FetchResult | FetchError:
        """:meth:`fetch`, holding the host's semaphore, returning (not raising) the error."""
        with self._host_lock(url):
            try:
                return self.fetch(url)
            except FetchError as e:
                return e
            except Exception as e:  # a bug must not sink the batch: report it as this URL's failure
                log.exception("unexpected error fetching %s", url)
                return FetchError(f"unexpected error: {_reason(e)}", input=url, code="W204")

    def fetch_many(self, urls: Iterable[str]) -> Iterator[tuple[str, FetchResult | FetchError]]:
        """Fetch ``urls`` concurrently (per-host limit ``per_host_concurrency``), yielding in input order."""
        for url, result in self.fetch_ordered(urls, lambda u: u):
            assert result is not None
            yield url, result

    def fetch_ordered(
        self, items: Iterable[T], url_of: Callable[[T], str | None]
    ) -> Iterator[tuple[T, FetchResult | FetchError | None]]:
        """Yield ``(item, result)`` for each item in order, fetching ``url_of(item)`` in the background.

        Items whose ``url_of`` is ``None`` pass through with ``None``. ``items`` is read lazily, at most
        ``2 * MAX_THREADS`` fetches ahead of the consumer (and at most ``4 * MAX_THREADS`` items held), so a
        long stream of inputs is never read into memory at once.
        """
        max_fetching = 2 * MAX_THREADS
        max_held = 4 * MAX_THREADS
        window: deque[tuple[T, Future[FetchResult | FetchError] | None]] = deque()
        fetching = 0
        source = iter(items)
        exhausted = False
        pool = ThreadPoolExecutor(max_workers=MAX_THREADS, thread_name_prefix="wirewatch-fetch")
        try:
            while True:
                while window and (window[0][1] is None or window[0][1].done()):
                    item, future = window.popleft()
                    if future is None:
                        yield item, None
                    else:
                        fetching -= 1
                        yield item, future.result()
                if exhausted and not window:
                    return
                if not exhausted and fetching < max_fetching and len(window) < max_held:
                    try:
                        nxt = next(source)
                    except StopIteration:
                        exhausted = True
                        continue
                    url = url_of(nxt)
                    if url is None:
                        window.append((nxt, None))
                    else:
                        window.append((nxt, pool.submit(self.fetch_or_error, url)))
                        fetching += 1
                    continue
                item, future = window.popleft()
                if future is None:  # pragma: no cover - ready items were yielded above
                    yield item, None
                else:
                    fetching -= 1
                    yield item, future.result()
        finally:
            pool.shutdown(wait=False, cancel_futures=True)


def _reason(e: BaseException) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text


def _timeout(url: str, settings: Settings) -> FetchError:
    return FetchError(
        f"could not connect: timed out after {settings.fetch_timeout:g} s (fetch_timeout setting); "
        "try again or raise fetch_timeout",
        input=url,
        code="W204",
    )


def _refused(name: str, hop: str, host: str, address: str, reason: str) -> FetchError:
    article = "an" if reason[0] in "aeiou" else "a"
    if _literal_ip(host) == address:
        what = f"{hop or host + ' '}is {article} {reason} address"
    else:
        what = f"{hop or host + ' '}resolves to {address}, {article} {reason} address"
    return FetchError(
        f"refused: {what}; private addresses are not fetched "
        "(--allow-private, or the allow_private setting, allows them)",
        input=name,
        code="W202",
    )
