"""Reading inputs: files, directories, stdin, URLs, feeds and JSON Lines, into ``RawDocument`` records.

:func:`read_sources` is the entry point. It runs in the main process and only reads bytes (extraction happens
later, in workers). Each source string is one of:

=============================== =====================================================================
source                          read as
=============================== =====================================================================
``a.html`` ``.htm`` ``.xhtml``  one document, kind ``html``
``a.txt`` ``.md`` ``.markdown`` one document, kind ``text``
``.text``
``a.jsonl`` ``.ndjson``         one document per line (see :mod:`wirewatch.ingest.jsonl`), streamed
``a.xml`` ``.rss`` ``.atom``    an RSS/Atom feed: one document per item (see :mod:`~.feeds`)
any of these + ``.gz``          gunzipped first (any gzip-compressed file is, whatever its name)
another extension               sniffed: HTML, feed, JSON Lines, else text; obviously binary is refused
a directory                     every supported file below it, recursively, in sorted path order,
                                skipping hidden files and directories
``-``                           standard input, sniffed like an unknown extension
``http://`` ``https://`` URL    fetched (:mod:`~.fetch`); the response is sniffed as HTML, feed or text
=============================== =====================================================================

Nothing raises: every problem is yielded as an :class:`InputFailure` whose error names the input and says
what to do, and the batch goes on. URLs (given on the command line, in a feed, or on JSONL lines) are fetched
a few at a time in the background while results are yielded in input order.

Which layer rejects what: this module rejects inputs it cannot read at all — missing, unreadable, larger
than ``max_bytes`` (local files are checked by size before reading), corrupt gzip, **empty or
whitespace-only** (W122), obviously binary when the format had to be sniffed, malformed JSONL lines and
feeds. A file with a known text extension is passed on whatever its bytes; the extractor rejects what has no
article text in it (binary, markup only).

Error codes: W120 path, W121 unsupported input, W122 empty, W123 binary/unsupported type, W124 JSONL line,
W125 not a feed, W126 feed item without link or content, W127 feed where an article was expected,
W128 too large, W129 corrupt gzip, W130 directory without supported files, W199 unexpected.
"""

from __future__ import annotations

import codecs
import gzip
import logging
import os
import re
import stat
import sys
import urllib.parse
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

import httpx

from wirewatch.errors import FetchError, InputError, WirewatchError
from wirewatch.ingest.feeds import looks_like_feed, parse_feed
from wirewatch.ingest.fetch import Fetcher, FetchResult, human_bytes
from wirewatch.ingest.jsonl import JsonlError, iter_jsonl, looks_like_jsonl
from wirewatch.records import RawDocument
from wirewatch.settings import Settings

__all__ = [
    "FEED_SUFFIXES",
    "HTML_SUFFIXES",
    "JSONL_SUFFIXES",
    "TEXT_SUFFIXES",
    "InputFailure",
    "read_sources",
    "sniff",
]

log = logging.getLogger(__name__)

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
_SUPPORTED = HTML_SUFFIXES | TEXT_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES
_CHUNK = 64 * 1024
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(//)?")
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title)[\s>/]")
_BINARY_MAGIC = (
    (b"%PDF", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "gzip data"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_BINARY_TYPES = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True, slots=True)
class InputFailure:
    """An input that could not be read; ``data`` keeps whatever raw bytes were read, so nothing is lost."""

    name: str  # the input as the user gave it: a path, a URL, "<stdin>", "feed.xml#3", "a.jsonl:12"
    error: WirewatchError
    data: bytes | None = None


@dataclass(frozen=True, slots=True)
class _Meta:
    """What an input already said about a document (a JSONL line's fields, a feed item's)."""

    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    external_id: str | None = None

    def document(
        self,
        name: str,
        data: bytes,
        kind: str,
        *,
        url: str | None,
        content_type: str | None = None,
        record_format: str | None = None,
    ) -> RawDocument:
        return RawDocument(
            name=name,
            data=data,
            kind=kind,
            url=url,
            external_id=self.external_id,
            title=self.title,
            published=self.published,
            outlet=self.outlet,
            content_type=content_type,
            record_format=record_format,
        )


@dataclass(frozen=True, slots=True)
class _Job:
    """A URL still to fetch, with the metadata its input already gave."""

    name: str
    url: str
    top: bool  # given by the user directly: may turn out to be a feed
    meta: _Meta = _Meta()
    raw: bytes | None = None  # the JSONL line it came from, kept on failure


_Unit = RawDocument | InputFailure | _Job
_T = TypeVar("_T")


def _job_url(unit: _Unit) -> str | None:
    return unit.url if isinstance(unit, _Job) else None


def _fail(name: str, message: str, code: str, data: bytes | None = None) -> InputFailure:
    return InputFailure(name, InputError(message, input=name, code=code), data)


def _decoded_head(data: bytes) -> bytes:
    """The first 4 KB as UTF-8-ish bytes: UTF-16/32 with a BOM is decoded so markup can be recognised."""
    head = data[:4096]
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="ignore").encode("utf-8")
    return head.removeprefix(codecs.BOM_UTF8)


def _binary_kind(data: bytes) -> str | None:
    """What binary format ``data`` looks like ("a PDF", ...), or ``None`` when it may well be text."""
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            return what
    head = _decoded_head(data)
    if b"\x00" in head:
        return "binary data"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    if head and controls / len(head) > 0.1:
        return "binary data"
    return None


def sniff(data: bytes, content_type: str | None = None, *, allow_jsonl: bool = False) -> str:
    """Guess the kind of ``data``: ``html``, ``feed``, ``text``, ``binary`` or (when allowed) ``jsonl``.

    ``content_type`` is an HTTP ``Content-Type``; the bytes decide where they are clear (a feed served as
    ``text/html`` is a feed), the header where they are not.
    """
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    if ctype.startswith(_BINARY_TYPES):
        return "binary"
    head = _decoded_head(data)
    start = head.lstrip(b" \t\r\n").lower()
    if start.startswith(b"<"):
        if looks_like_feed(start):
            return "feed"
        if _HTML_START.search(start):
            return "html"
    if ctype in _HTML_TYPES:
        return "html"
    if ctype in _FEED_TYPES:
        return "feed"
    if _binary_kind(data) is not None:
        return "binary"
    if allow_jsonl and looks_like_jsonl(data):
        return "jsonl"
    return "text"


def _gunzip(data: bytes, *, cap: int, name: str) -> bytes:
    """Decompress every gzip member of ``data``, refusing more than ``cap`` bytes of output."""
    out = bytearray()
    rest = data
    while rest:
        d = zlib.decompressobj(wbits=31)
        try:
            out += d.decompress(rest, cap + 1 - len(out))
        except zlib.error as e:
            raise InputError(
                f"truncated or corrupt gzip ({e}); check the file or decompress it yourself",
                input=name,
                code="W129",
            ) from e
        if len(out) > cap:
            raise InputError(
                f"decompresses to more than the {human_bytes(cap)} cap (max_bytes setting); "
                "raise max_bytes or split the file",
                input=name,
                code="W128",
            )
        if not d.eof:
            raise InputError(
                "truncated or corrupt gzip (the data ends early); check the file or download it again",
                input=name,
                code="W129",
            )
        rest = d.unused_data.lstrip(b"\x00")  # trailing padding is allowed between/after members
    return bytes(out)


def _too_large(name: str, cap: int, what: str = "larger than") -> InputFailure:
    return _fail(
        name,
        f"{what} the {human_bytes(cap)} cap (max_bytes setting); raise max_bytes or split the input",
        "W128",
    )


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class _ChunkReader:
    """Iterates the chunks of a file (or of a stream, left open); keeps the error that stopped it."""

    def __init__(
        self, path: Path | None = None, *, gz: bool = False, stream: _Readable | None = None
    ) -> None:
        self._path = path
        self._gz = gz
        self._stream = stream
        self.error: Exception | None = None

    def __iter__(self) -> Iterator[bytes]:
        try:
            if self._stream is not None:
                yield from self._chunks(self._stream)
            elif self._path is not None:
                with gzip.open(self._path, "rb") if self._gz else self._path.open("rb") as fh:
                    yield from self._chunks(fh)
        except (OSError, EOFError, zlib.error) as e:
            self.error = e

    @staticmethod
    def _chunks(fh: _Readable) -> Iterator[bytes]:
        while chunk := fh.read(_CHUNK):
            yield chunk


def _split_suffix(filename: str) -> tuple[str, bool]:
    """``"a.html.gz"`` → ``(".html", True)``; ``"a.md"`` → ``(".md", False)``."""
    lower = filename.lower()
    gz = lower.endswith(".gz")
    if gz:
        lower = lower[:-3]
    return os.path.splitext(lower)[1], gz


class _Reader:
    def __init__(self, settings: Settings, fetcher: Fetcher, stdin: BinaryIO | None) -> None:
        self.settings = settings
        self.fetcher = fetcher
        self.stdin = stdin

    # -- driving -----------------------------------------------------------------------------------------

    def run(self, units: Iterable[_Unit]) -> Iterator[RawDocument | InputFailure]:
        """Resolve the jobs among ``units`` (fetching in the background) and yield everything in order."""
        for unit, result in self.fetcher.fetch_ordered(units, _job_url):
            if isinstance(unit, _Job):
                assert result is not None
                yield from self._guard(self._finish(unit, result), unit.name)
            else:
                yield unit

    def _guard(self, units: Iterable[_T], name: str) -> Iterator[_T | InputFailure]:
        try:
            yield from units
        except Exception as e:  # a bug must not sink the batch: it becomes this input's failure
            log.exception("%s: unexpected error while reading", name)
            yield _fail(
                name, f"unexpected error while reading ({type(e).__name__}: {e}); please report it", "W199"
            )

    def expand(self, source: str) -> Iterator[_Unit]:
        """Turn one source string into documents, failures and URL jobs, lazily."""
        return self._guard(self._expand(source), source)

    def _expand(self, source: str) -> Iterator[_Unit]:
        if source == "-":
            yield from self._stdin()
            return
        if not source.strip():
            yield _fail(repr(source), "empty input name; give a path, a URL or - for stdin", "W121")
            return
        m = _SCHEME.match(source)
        scheme = m.group(1).lower() if m else ""
        # "x://..." or "http:..." is a URL; "C:/..." (a drive letter) and "notes:1.txt" are paths
        if m and len(scheme) > 1 and (m.group(2) or scheme in ("http", "https")):
            if scheme in ("http", "https"):
                yield _Job(name=source, url=source, top=True)
            elif scheme == "file":
                path = urllib.parse.unquote(urllib.parse.urlsplit(source).path) or "/"
                yield _fail(source, f"file: URLs are not read; give the path itself ({path})", "W121")
            else:
                yield _fail(
                    source,
                    f"{scheme}: URLs are not supported; give a local path, - for stdin, or an http(s) URL",
                    "W121",
                )
            return
        yield from self._path(Path(source), source)

    # -- local files -------------------------------------------------------------------------------------

    def _path(self, path: Path, name: str) -> Iterator[_Unit]:
        try:
            st = path.stat()
        except FileNotFoundError:
            yield _fail(name, "no such file or directory; check the path", "W120")
            return
        except OSError as e:
            yield _fail(
                name, f"can't read it ({e.strerror or e}); check the path and its permissions", "W120"
            )
            return
        if stat.S_ISDIR(st.st_mode):
            yield from self._directory(path, name)
        else:
            yield from self._file(path, name, size=st.st_size if stat.S_ISREG(st.st_mode) else None)

    def _directory(self, root: Path, name: str) -> Iterator[_Unit]:
        errors: list[OSError] = []
        found: list[Path] = []
        for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for f in filenames:
                if f.startswith("."):
                    continue
                if _split_suffix(f)[0] in _SUPPORTED:
                    found.append(Path(dirpath, f))
                else:
                    log.debug("%s: skipping %s (unsupported extension)", name, f)
        for e in errors:
            where = e.filename or name
            yield _fail(
                str(where), f"can't read directory ({e.strerror or e}); check its permissions", "W120"
            )
        if not found and not errors:
            exts = ", ".join(sorted(_SUPPORTED))
            yield _fail(name, f"directory has no supported files ({exts}, or these + .gz)", "W130")
        for path in sorted(found, key=lambda p: p.relative_to(root).parts):
            child = str(path)
            try:
                st = path.stat()
            except OSError as e:
                yield _fail(child, f"can't read it ({e.strerror or e}); check its permissions", "W120")
                continue
            if stat.S_ISREG(st.st_mode):
                yield from self._guard(self._file(path, child, size=st.st_size), child)

    def _file(self, path: Path, name: str, *, size: int | None) -> Iterator[_Unit]:
        cap = self.settings.max_bytes
        suffix, gz = _split_suffix(path.name)
        if suffix in JSONL_SUFFIXES:  # streamed: the cap applies per line
            reader = _ChunkReader(path, gz=gz)
            yield from self._jsonl(reader, name, reader=reader)
            return
        if size is not None and size > cap:
            yield _too_large(name, cap)
            return
        try:
            with path.open("rb") as fh:
                data = fh.read(cap + 1)
        except OSError as e:
            yield _fail(name, f"can't read it ({e.strerror or e}); check its permissions", "W120")
            return
        if len(data) > cap:  # grew since stat, or not a regular file
            yield _too_large(name, cap)
            return
        if gz or data.startswith(b"\x1f\x8b"):
            try:
                data = _gunzip(data, cap=cap, name=name)
            except InputError as e:
                yield InputFailure(name, e, data)
                return
        yield from self._bytes(data, name, suffix)

    def _bytes(self, data: bytes, name: str, suffix: str | None) -> Iterator[_Unit]:
        """Classify bytes read from a file or stdin (``suffix`` ``None`` means: sniff everything)."""
        if not data.strip():
            what = "empty (0 bytes)" if not data else "empty (only whitespace)"
            yield _fail(name, f"{what}; nothing to read", "W122", data)
            return
        if suffix in HTML_SUFFIXES:
            kind = "html"
        elif suffix in TEXT_SUFFIXES:
            kind = "text"
        elif suffix in FEED_SUFFIXES:
            kind = "html" if sniff(data) == "html" else "feed"
        else:
            kind = sniff(data, allow_jsonl=True)
        if kind == "binary":
            what = _binary_kind(data) or "binary data"
            yield _fail(
                name,
                f"looks like {what}, not HTML, text, JSON Lines or an RSS/Atom feed; give a supported file",
                "W123",
                data,
            )
        elif kind == "feed":
            yield from self._feed(data, name, base_url=None)
        elif kind == "jsonl":
            yield from self._jsonl([data], name)
        else:
            yield RawDocument(name=name, data=data, kind=kind)

    def _stdin(self) -> Iterator[_Unit]:
        name = "<stdin>"
        stream: BinaryIO = self.stdin if self.stdin is not None else sys.stdin.buffer
        cap = self.settings.max_bytes
        try:
            head = stream.read(_CHUNK)
            if looks_like_jsonl(head):
                rest = _ChunkReader(stream=stream)
                yield from self._jsonl(_prepend(head, rest), name, reader=rest)
                return
            data = head + stream.read(max(0, cap + 1 - len(head)))
        except OSError as e:
            yield _fail(name, f"can't read standard input ({e})", "W120")
            return
        if len(data) > cap:
            yield _too_large(name, cap)
            return
        if data.startswith(b"\x1f\x8b"):
            try:
                data = _gunzip(data, cap=cap, name=name)
            except InputError as e:
                yield InputFailure(name, e, data)
                return
        yield from self._bytes(data, name, None)

    # -- JSON Lines and feeds ----------------------------------------------------------------------------

    def _jsonl(
        self, chunks: Iterable[bytes], name: str, *, reader: _ChunkReader | None = None
    ) -> Iterator[_Unit]:
        """One unit per non-blank line, then the error that stopped ``reader`` (or "empty" if no lines)."""
        lines = 0
        for rec in iter_jsonl(chunks, source=name, max_line_bytes=self.settings.max_bytes):
            lines += 1
            if isinstance(rec, JsonlError):
                yield InputFailure(rec.name, rec.error, rec.raw)
                continue
            meta = _Meta(rec.title, rec.published, rec.outlet, rec.external_id)
            if rec.html is not None:
                yield meta.document(
                    rec.name, rec.html.encode("utf-8"), "record", url=rec.url, record_format="html"
                )
            elif rec.text is not None:
                yield meta.document(
                    rec.name, rec.text.encode("utf-8"), "record", url=rec.url, record_format="text"
                )
            elif rec.url is not None:
                yield _Job(name=rec.name, url=rec.url, top=False, meta=meta, raw=rec.raw)
        if reader is not None and reader.error is not None:
            yield _read_error(name, reader.error)
        elif not lines:
            yield _fail(name, "empty (no JSON lines); nothing to read", "W122", b"")

    def _feed(self, data: bytes, name: str, *, base_url: str | None) -> Iterator[_Unit]:
        try:
            feed = parse_feed(data, name=name, base_url=base_url)
        except InputError as e:
            yield InputFailure(name, e, data)
            return
        if not feed.items:
            log.warning("%s: the feed has no items", name)
        for item in feed.items:
            item_name = f"{name}#{item.index}"
            meta = _Meta(item.title, item.published, feed.title, item.external_id)
            if item.content is not None and item.content_kind and (not item.summary_only or not item.url):
                # full content in the feed (or only a summary and no link to fetch): use it as it is
                yield meta.document(item_name, item.content, item.content_kind, url=item.url)
            elif item.url:
                yield _Job(name=item_name, url=item.url, top=False, meta=meta)
            else:
                yield _fail(item_name, "feed item has no link and no content; nothing to read", "W126")

    # -- fetched URLs ------------------------------------------------------------------------------------

    def _finish(self, job: _Job, result: FetchResult | FetchError) -> Iterator[RawDocument | InputFailure]:
        if isinstance(result, FetchError):
            yield InputFailure(job.name, result, job.raw)
            return
        data, url = result.data, result.url
        if not data.strip():
            yield InputFailure(
                job.name,
                FetchError("the response is empty; check the URL", input=job.url, code="W122"),
                data,
            )
            return
        kind = sniff(data, result.content_type)
        if kind == "feed":
            if job.top:
                yield from self.run(self._guard(self._feed(data, job.name, base_url=url), job.name))
            else:
                yield _fail(
                    job.name,
                    f"{job.url} is an RSS/Atom feed, not an article; give the feed as an input of its own",
                    "W127",
                    data,
                )
            return
        if kind == "binary":
            ctype = result.content_type or "no Content-Type"
            yield InputFailure(
                job.name,
                FetchError(
                    f"unsupported content ({ctype}); wirewatch reads HTML, text and RSS/Atom feeds",
                    input=job.url,
                    code="W123",
                ),
                data,
            )
            return
        yield job.meta.document(job.name, data, kind, url=url, content_type=result.content_type)


def _prepend(head: bytes, rest: Iterable[bytes]) -> Iterator[bytes]:
    yield head
    yield from rest


def _read_error(name: str, error: Exception) -> InputFailure:
    if isinstance(error, EOFError | zlib.error | gzip.BadGzipFile):
        return _fail(name, f"truncated or corrupt gzip ({error}); check the file", "W129")
    text = getattr(error, "strerror", None) or str(error)
    return _fail(name, f"reading stopped early ({text}); check the file", "W120")


def read_sources(
    sources: Iterable[str],
    settings: Settings,
    *,
    client: httpx.Client | None = None,
    stdin: BinaryIO | None = None,
    fetcher: Fetcher | None = None,
) -> Iterator[RawDocument | InputFailure]:
    """Read every source (path, directory, ``-``, URL) and yield its documents or failures, in input order.

    ``client`` is handed to the :class:`~wirewatch.ingest.fetch.Fetcher` (tests pass one built on
    ``httpx.MockTransport``); ``fetcher`` replaces the fetcher altogether (e.g. one with a fake resolver),
    and is then not closed. ``stdin`` defaults to ``sys.stdin.buffer``. Never raises for a bad input.
    """
    own = fetcher is None
    active = fetcher if fetcher is not None else Fetcher(settings, client=client)
    reader = _Reader(settings, active, stdin)
    try:
        yield from reader.run(u for source in sources for u in reader.expand(source))
    finally:
        if own:
            active.close()
