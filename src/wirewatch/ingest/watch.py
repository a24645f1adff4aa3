"""Watching RSS/Atom feeds: poll them politely and ingest new items as they arrive (``wirewatch watch``).

A :class:`Watcher` polls each feed when it is due and keeps every feed's state in the store (``feeds`` table,
migration 0013), so a restarted watcher resumes where the last one stopped:

- **Conditional GET.** The feed's stored ``ETag`` / ``Last-Modified`` are sent as ``If-None-Match`` /
  ``If-Modified-Since``; a ``304 Not Modified`` downloads nothing and stores nothing.
- **Politeness.** One request at a time per host, at least ``host_delay`` seconds apart (:class:`HostGate`),
  and ``robots.txt`` honoured for the feed and every item URL (:class:`Robots`, fetched once per host and
  kept a day; a ``Crawl-delay`` longer than ``host_delay`` is obeyed). A robots.txt that answers 4xx allows
  everything; one that can't be fetched (5xx, network) allows nothing until it can.
- **Backoff.** A failed poll (network, HTTP status, not a feed, disallowed) is stored with its reason, and
  the feed is next due after ``every * 2**failures`` seconds, at most a day (:func:`backoff`). A success
  resets the count.
- **New items only.** Items are keyed by guid (else URL); keys already recorded for the feed are skipped
  without a request. New items go through :func:`~wirewatch.pipeline.run_batch` one by one as they are
  read (items that carry their full text in the feed are used as they are; the others' pages are fetched),
  each stored in its own transaction and recorded as seen right after; an input whose bytes are stored
  already is skipped by ``run_batch`` itself. Failed items are not recorded as seen: they are tried again
  the next time the feed changes. The validators are saved last, so a watcher stopped mid-poll fetches the
  feed again and finds the stored items already there.
- **Linking.** After each round of polls that stored articles, the weeks that got them are linked into
  stories (incrementally, as ``wirewatch link``); ``link=False`` (``watch --no-link``) leaves that to
  ``wirewatch link``.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import httpx

from wirewatch.errors import FetchError, UsageError, WirewatchError
from wirewatch.ingest.fetch import Fetcher, FetchResult
from wirewatch.ingest.sources import InputFailure, _Job, _Reader
from wirewatch.pipeline import BatchReport, Outcome, run_batch
from wirewatch.records import RawDocument
from wirewatch.settings import Settings
from wirewatch.store.base import Store

if TYPE_CHECKING:
    from wirewatch.link.run import LinkReport

__all__ = [
    "DAY",
    "HostGate",
    "PollResult",
    "Robots",
    "Watcher",
    "backoff",
    "parse_every",
    "read_feed_list",
]

log = logging.getLogger(__name__)

DAY = 86_400.0
ROBOTS_AGENT = "wirewatch"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": DAY}
_HTTP_STATUS = re.compile(r"\bHTTP (\d{3})\b")


def parse_every(text: str) -> float:
    """``"15m"`` → 900.0; ``30s``, ``2h``, ``1d`` or bare seconds. Raises :class:`UsageError`."""
    m = _DURATION.match(text)
    if m is None or float(m.group(1)) <= 0:
        raise UsageError(
            f"interval must be a positive number with an optional unit s, m, h or d, not {text!r}"
        )
    return float(m.group(1)) * _UNITS[m.group(2).lower()]


def backoff(every: float, failures: int, cap: float = DAY) -> float:
    """Seconds until a feed that failed ``failures`` times in a row is polled again: ``every * 2**failures``,
    at most ``cap`` (``every`` itself after a success)."""
    return min(every * 2.0 ** min(failures, 60), max(cap, every))


def read_feed_list(path: str | Path) -> list[str]:
    """The feed URLs of a list file: one per line; blank lines and ``#`` comments (whole or trailing) are
    skipped; duplicates are dropped. Raises :class:`UsageError` for a line that is not an http(s) URL."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"can't read the feed list ({e})", input=name) from e
    urls: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        line = line.split()[0]  # a trailing "# comment" (or anything after the URL) is ignored
        if not line.lower().startswith(("http://", "https://")):
            raise UsageError(f"line {number} is not an http(s) URL: {line!r}", input=name)
        urls.setdefault(line, None)
    return list(urls)


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _epoch(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()


def _host(url: str) -> str:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        return ""
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.scheme}://{(parsed.host or '').lower()}{port}"


class HostGate:
    """One request at a time per host (scheme, host and port), each at least ``delay`` seconds after the
    previous one to that host ended. Safe to share between threads."""

    def __init__(
        self,
        delay: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.delay = max(0.0, delay)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._hosts: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}
        self._delays: dict[str, float] = {}

    def set_delay(self, url: str, delay: float) -> None:
        """Wait at least ``delay`` seconds between requests to the host of ``url`` (e.g. its Crawl-delay)."""
        with self._lock:
            self._delays[_host(url)] = delay

    @contextmanager
    def hold(self, url: str) -> Iterator[None]:
        host = _host(url)
        with self._lock:
            lock = self._hosts.setdefault(host, threading.Lock())
        with lock:
            last = self._last.get(host)
            if last is not None:
                wait = last + max(self.delay, self._delays.get(host, 0.0)) - self._clock()
                if wait > 0:
                    self._sleep(wait)
            try:
                yield
            finally:
                self._last[host] = self._clock()


@dataclass(slots=True)
class _RobotsEntry:
    parser: urllib.robotparser.RobotFileParser | None  # None: everything allowed
    fetched: float


class Robots:
    """``robots.txt`` rules per host, fetched through ``gate`` on first need and kept ``ttl`` seconds."""

    def __init__(
        self,
        fetcher: Fetcher,
        gate: HostGate,
        *,
        agent: str = ROBOTS_AGENT,
        ttl: float = DAY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetcher = fetcher
        self._gate = gate
        self._agent = agent
        self._ttl = ttl
        self._clock = clock
        self._cache: dict[str, _RobotsEntry] = {}
        self.fetches = 0  # robots.txt requests made (tests)

    def allowed(self, url: str) -> bool:
        """May ``url`` be fetched? Raises :class:`FetchError` when the host's robots.txt can't be read."""
        host = _host(url)
        entry = self._cache.get(host)
        if entry is None or self._clock() - entry.fetched > self._ttl:
            entry = self._load(host, url)
            self._cache[host] = entry
        return entry.parser is None or entry.parser.can_fetch(self._agent, url)

    def _load(self, host: str, url: str) -> _RobotsEntry:
        robots_url = f"{host}/robots.txt"
        self.fetches += 1
        try:
            with self._gate.hold(robots_url):
                result = self._fetcher.fetch(robots_url)
        except FetchError as e:
            m = _HTTP_STATUS.search(e.message)
            if e.code == "W205" and m and 400 <= int(m.group(1)) < 500:
                return _RobotsEntry(None, self._clock())  # no robots.txt: everything is allowed
            raise FetchError(
                f"robots.txt could not be read ({e.message}); nothing is fetched from {host} until it can",
                input=url,
                code=e.code,
            ) from e
        parser = urllib.robotparser.RobotFileParser(robots_url)
        parser.parse(result.data.decode("utf-8", errors="replace").splitlines())
        delay = parser.crawl_delay(self._agent)
        if delay:
            self._gate.set_delay(url, float(delay))
        return _RobotsEntry(parser, self._clock())


@dataclass(slots=True)
class PollResult:
    """One poll of one feed. ``status``: ``changed`` (the feed was downloaded; ``new`` items were new),
    ``not-modified`` (304) or ``failed`` (``error`` says why; ``next_poll`` has the backoff)."""

    url: str
    status: str
    new: int = 0
    error: str | None = None
    next_poll: str | None = None
    report: BatchReport = field(default_factory=BatchReport)
    disallowed: list[str] = field(default_factory=list)  # item URLs robots.txt kept us from


class Watcher:
    """Polls feeds into ``store``; see the module docstring. ``every`` and ``host_delay`` are in seconds.

    ``fetcher`` replaces the fetcher built from ``settings`` (and is then not closed); ``clock`` (epoch
    seconds) and ``sleep`` replace the wall clock in tests.
    """

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        every: float = 900.0,
        host_delay: float = 1.0,
        fetcher: Fetcher | None = None,
        clock: Callable[[], float] = time.time,
        on_outcome: Callable[[Outcome], None] | None = None,
        link: bool = True,
        on_link: Callable[[LinkReport], None] | None = None,
    ) -> None:
        self.store = store
        self.link = link
        self._on_link = on_link
        self.settings = settings
        self.every = every
        self._own = fetcher is None
        self.fetcher = fetcher if fetcher is not None else Fetcher(settings)
        self.gate = HostGate(host_delay)
        self.robots = Robots(self.fetcher, self.gate)
        self._clock = clock
        self._on_outcome = on_outcome
        self._reader = _Reader(settings, self.fetcher, None)

    def close(self) -> None:
        if self._own:
            self.fetcher.close()

    def __enter__(self) -> Watcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- which feeds -----------------------------------------------------------------------------------

    def add(self, urls: Iterable[str]) -> None:
        """Register feeds not yet in the store (due at once); known feeds keep their state."""
        known = {f["url"] for f in self.store.feeds()}
        for url in urls:
            if url not in known:
                self.store.save_feed(url)

    def due(self, urls: Sequence[str]) -> list[str]:
        """Those of ``urls`` whose next poll time has come (never polled: due), in the given order."""
        now = _iso(self._clock())
        state = {f["url"]: f for f in self.store.feeds()}
        return [u for u in urls if u in state and (state[u]["next_poll"] or "") <= now]

    def seconds_to_next(self, urls: Sequence[str]) -> float:
        """Seconds until the first of ``urls`` is due (0 when one is due now)."""
        state = {f["url"]: f for f in self.store.feeds()}
        times = [_epoch(state[u]["next_poll"]) for u in urls if u in state and state[u]["next_poll"]]
        if len(times) < len([u for u in urls if u in state]):
            return 0.0
        return max(0.0, min(times, default=self.every) - self._clock())

    def run(
        self,
        urls: Sequence[str],
        *,
        once: bool = False,
        stop: threading.Event | None = None,
        on_poll: Callable[[PollResult], None] | None = None,
    ) -> list[PollResult]:
        """Register ``urls``, then poll each as it falls due until ``stop`` is set (with ``once``: poll the
        due ones once and return). Returns the results of the polls made with ``once`` (else nothing is kept:
        ``on_poll`` sees each)."""
        stop = stop or threading.Event()
        self.add(urls)
        results: list[PollResult] = []
        while not stop.is_set():
            stored = 0
            for url in self.due(urls):
                if stop.is_set():
                    break
                result = self.poll(url)
                stored += result.report.count("new") + result.report.count("updated")
                if once:
                    results.append(result)
                if on_poll is not None:
                    on_poll(result)
            if stored and self.link:
                self.link_new()
            if once:
                break
            stop.wait(min(max(self.seconds_to_next(urls), 0.5), self.every))
        return results

    def link_new(self) -> LinkReport | None:
        """Link the weeks that got articles since the last link (incremental, as ``wirewatch link``). A
        failure is logged, not raised: the articles are stored, and the next round links them."""
        from wirewatch.link.run import link_store

        try:
            report = link_store(self.store, threshold=self.settings.link_threshold)
        except WirewatchError as e:
            log.error("linking failed (the next round tries again): %s", e)
            return None
        if self._on_link is not None:
            self._on_link(report)
        return report

    # -- one feed --------------------------------------------------------------------------------------

    def poll(self, url: str) -> PollResult:
        """Poll one feed now and store what it brings and its new state; never raises for a feed's fault."""
        state = next((f for f in self.store.feeds() if f["url"] == url), None)
        if state is None:
            self.store.save_feed(url)
            state = {"etag": None, "last_modified": None, "error_count": 0}
        try:
            return self._poll(url, state)
        except WirewatchError as e:  # fetching or parsing the feed (items fail on their own)
            return self._failed(url, state, str(e))
        except Exception as e:  # a bug must not stop the other feeds: it is this feed's failure
            log.exception("%s: unexpected error while polling", url)
            return self._failed(
                url, state, f"{url}: unexpected error ({type(e).__name__}: {e}); please report it"
            )

    def _failed(self, url: str, state: dict[str, Any], why: str) -> PollResult:
        failures = int(state.get("error_count") or 0) + 1
        now = self._clock()
        next_poll = _iso(now + backoff(self.every, failures))
        self.store.save_feed(
            url, last_error=why, last_error_at=_iso(now), error_count=failures, next_poll=next_poll
        )
        log.info("%s: poll failed (%d in a row; next at %s): %s", url, failures, next_poll, why)
        return PollResult(url, "failed", error=why, next_poll=next_poll)

    def _poll(self, url: str, state: dict[str, Any]) -> PollResult:
        if not self.robots.allowed(url):
            raise FetchError("robots.txt disallows fetching this feed", input=url, code="W208")
        headers = {}
        if state.get("etag"):
            headers["If-None-Match"] = str(state["etag"])
        if state.get("last_modified"):
            headers["If-Modified-Since"] = str(state["last_modified"])
        with self.gate.hold(url):
            fetched = self.fetcher.fetch(url, headers=headers)
        now = self._clock()
        if fetched.status == 304:
            next_poll = _iso(now + self.every)
            self.store.save_feed(url, last_success=_iso(now), error_count=0, next_poll=next_poll)
            log.info("%s: not modified", url)
            return PollResult(url, "not-modified", next_poll=next_poll)
        units = list(self._reader._feed(fetched.data, url, base_url=fetched.url))
        if len(units) == 1 and isinstance(units[0], InputFailure) and units[0].name == url:
            raise units[0].error  # not a feed
        result = PollResult(url, "changed")
        keys: dict[str, str] = {}  # item name -> its key
        todo: list[RawDocument | _Job] = []
        for unit in units:
            if isinstance(unit, InputFailure):  # an item with neither link nor content
                log.warning("%s", unit.error)
                continue
            key = _item_key(unit)
            keys[unit.name] = key
            todo.append(unit)
        seen = self.store.seen_items(url, keys.values())
        todo = [u for u in todo if keys[u.name] not in seen]
        result.new = len(todo)

        def on_outcome(o: Outcome) -> None:
            if o.status != "failed" and o.name in keys:
                self.store.add_seen_items(url, [keys[o.name]])
            if self._on_outcome is not None:
                self._on_outcome(o)

        if todo:
            # run_batch takes read failures among ``raws`` too (stored with their error), as from read_sources
            raws = cast("Iterable[RawDocument]", self._items(todo, result))
            result.report = run_batch(
                [], self.store, self.settings, command="watch", raws=raws, on_outcome=on_outcome
            )
        next_poll = _iso(self._clock() + self.every)
        self.store.save_feed(
            url,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            last_success=_iso(now),
            error_count=0,
            next_poll=next_poll,
        )
        result.next_poll = next_poll
        log.info("%s: %d new items", url, result.new)
        return result

    def _items(
        self, todo: list[RawDocument | _Job], result: PollResult
    ) -> Iterator[RawDocument | InputFailure]:
        """The new items' documents, fetching (politely, one by one) the pages of those that need it."""
        for unit in todo:
            if isinstance(unit, RawDocument):
                yield unit
                continue
            try:
                if not self.robots.allowed(unit.url):
                    log.info("%s: robots.txt disallows %s; skipped", unit.name, unit.url)
                    result.disallowed.append(unit.url)
                    continue
            except FetchError as e:
                log.warning("%s: %s; skipped this time", unit.name, e)
                continue
            with self.gate.hold(unit.url):
                fetched: FetchResult | FetchError = self.fetcher.fetch_or_error(unit.url)
            yield from self._reader._finish(unit, fetched)


def _item_key(unit: RawDocument | _Job) -> str:
    if isinstance(unit, _Job):
        return unit.meta.external_id or unit.url
    return unit.external_id or unit.url or unit.name
