"""Local inputs: files by extension, gzip, JSON Lines, directories, stdin, and the inputs that must fail."""

from __future__ import annotations

import gzip
import io
import os
import time
from pathlib import Path

import pytest

from wirewatch.ingest.sources import InputFailure, read_sources, sniff
from wirewatch.records import RawDocument
from wirewatch.settings import Settings

Out = RawDocument | InputFailure
HTML = b"<!DOCTYPE html><html><head><title>T</title></head><body><p>Shelling near Kharkiv.</p></body></html>"


def read(*sources: str | Path, settings: Settings | None = None, stdin: bytes | None = None) -> list[Out]:
    stream = io.BytesIO(stdin) if stdin is not None else None
    return list(read_sources([str(s) for s in sources], settings or Settings(), stdin=stream))


def docs(results: list[Out]) -> list[RawDocument]:
    assert all(isinstance(o, RawDocument) for o in results), results
    return [o for o in results if isinstance(o, RawDocument)]


def failures(results: list[Out]) -> list[InputFailure]:
    assert all(isinstance(o, InputFailure) for o in results), results
    return [o for o in results if isinstance(o, InputFailure)]


def only(results: list[Out]) -> RawDocument | InputFailure:
    assert len(results) == 1, results
    return results[0]


def failure(results: list[Out]) -> InputFailure:
    out = only(results)
    assert isinstance(out, InputFailure), out
    message = str(out.error)
    assert "\n" not in message and out.name in message  # one line, naming the input
    return out


def test_html_file(tmp_path: Path) -> None:
    for name in ("a.html", "b.HTM", "c.xhtml"):
        (tmp_path / name).write_bytes(HTML)
        doc = only(read(tmp_path / name))
        assert isinstance(doc, RawDocument)
        assert (doc.kind, doc.data, doc.name, doc.url) == ("html", HTML, str(tmp_path / name), None)


def test_html_gz_file(tmp_path: Path) -> None:
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(HTML))
    doc = only(read(path))
    assert isinstance(doc, RawDocument) and doc.kind == "html" and doc.data == HTML


def test_truncated_gzip_fails_and_keeps_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "page.htm.gz"
    blob = gzip.compress(HTML * 50)
    path.write_bytes(blob[: len(blob) // 2])
    out = failure(read(path))
    assert "truncated or corrupt gzip" in str(out.error)
    assert out.data == blob[: len(blob) // 2]


def test_corrupt_gzip(tmp_path: Path) -> None:
    path = tmp_path / "page.html.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage-garbage-garbage")
    assert "truncated or corrupt gzip" in str(failure(read(path)).error)


def test_gzip_bomb_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "bomb.html.gz"
    path.write_bytes(gzip.compress(b" " * 2_000_000))
    out = failure(read(path, settings=Settings(max_bytes=1_000_000)))
    assert "decompresses to more than the 1 MB cap (max_bytes setting)" in str(out.error)


@pytest.mark.parametrize("name", ["a.txt", "b.md", "c.markdown", "d.text"])
def test_text_files(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("# Headline\n\nOfficials said the strike hit a depot.\n")
    doc = only(read(tmp_path / name))
    assert isinstance(doc, RawDocument) and doc.kind == "text"


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    (tmp_path / "page.php").write_bytes(b"\n  " + HTML)
    (tmp_path / "notes.log").write_bytes(b"Officials said the strike hit a depot.")
    (tmp_path / "data.out").write_bytes(b'{"text": "one"}\n{"text": "two"}\n')
    (tmp_path / "README").write_bytes(b"plain words <b>bold</b>")
    kinds = [
        (d.name.rsplit("/", 1)[-1], d.kind)
        for d in docs(
            read(tmp_path / "page.php", tmp_path / "notes.log", tmp_path / "data.out", tmp_path / "README")
        )
    ]
    assert kinds == [
        ("page.php", "html"),
        ("notes.log", "text"),
        ("data.out:1", "record"),
        ("data.out:2", "record"),
        ("README", "text"),
    ]


def test_binary_unknown_extension_is_refused_early(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.7\n\x00\x01\x02 binary")
    out = failure(read(path))
    assert "looks like a PDF" in str(out.error) and out.error.code == "W123"
    assert out.data is not None


def test_empty_file_is_rejected_here_with_a_clear_message(tmp_path: Path) -> None:
    # The reading layer rejects empty and whitespace-only inputs (W122); the extractor never sees them.
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b" \n\t\n")
    first, second = read(tmp_path / "empty.html", tmp_path / "blank.txt")
    assert isinstance(first, InputFailure) and "empty (0 bytes)" in str(first.error)
    assert isinstance(second, InputFailure) and "only whitespace" in str(second.error)
    assert first.data == b"" and second.data == b" \n\t\n"


def test_20_mb_file_fails_fast_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    with path.open("wb") as fh:
        fh.truncate(20_000_000)  # sparse: no 20 MB written
    started = time.perf_counter()
    out = failure(read(path))
    assert time.perf_counter() - started < 1.0
    assert "larger than the 10 MB cap (max_bytes setting)" in str(out.error)
    assert out.data is None and out.error.code == "W128"


def test_missing_path_and_unknown_schemes(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.html")
    out = failures(read(missing, "ftp://example.org/a.html", "file:///etc/hosts", ""))
    assert [o.name for o in out] == [missing, "ftp://example.org/a.html", "file:///etc/hosts", "''"]
    assert "no such file or directory; check the path" in str(out[0].error)
    assert "ftp: URLs are not supported" in str(out[1].error)
    assert "give the path itself (/etc/hosts)" in str(out[2].error)
    assert "empty input name" in str(out[3].error)
    for o in out[:3]:
        assert str(o.error).startswith(o.name + ": ")


def test_jsonl_file_with_a_malformed_line(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text(
        '{"id": "a1", "text": "Kyiv said X.", "title": "T", "published": "2024-06-01", "outlet": "O"}\n'
        "\n"
        "{not json\n"
        '{"id": 7, "html": "<p>Hi</p>", "url": "https://example.org/x"}\n'
        "[1, 2]\n"
        '{"title": "no body"}\n'
        '{"text": 5}\n'
        '{"text": "last"}'  # no trailing newline
    )
    out = read(path)
    names = [o.name.rsplit("/", 1)[-1] for o in out]
    assert names == [
        "batch.jsonl:1",
        "batch.jsonl:3",
        "batch.jsonl:4",
        "batch.jsonl:5",
        "batch.jsonl:6",
        "batch.jsonl:7",
        "batch.jsonl:8",
    ]
    first, bad_json, html, array, empty, wrong_type, last = out
    assert isinstance(first, RawDocument)
    assert (first.kind, first.record_format, first.data) == ("record", "text", b"Kyiv said X.")
    assert (first.external_id, first.title, first.published, first.outlet) == ("a1", "T", "2024-06-01", "O")
    assert isinstance(html, RawDocument)
    assert (html.record_format, html.data, html.external_id, html.url) == (
        "html",
        b"<p>Hi</p>",
        "7",
        "https://example.org/x",
    )
    assert isinstance(bad_json, InputFailure) and "not valid JSON" in str(bad_json.error)
    assert bad_json.data == b"{not json"
    assert isinstance(array, InputFailure) and "not an object" in str(array.error)
    assert isinstance(empty, InputFailure) and "no 'text', 'html' or 'url'" in str(empty.error)
    assert isinstance(wrong_type, InputFailure) and "'text' must be a string" in str(wrong_type.error)
    assert isinstance(last, RawDocument) and last.data == b"last"
    for o in (bad_json, array, empty, wrong_type):
        assert str(o.error).startswith(o.name + ": ")


def test_jsonl_gz_and_ndjson(tmp_path: Path) -> None:
    (tmp_path / "a.ndjson").write_text('{"text": "one"}\n')
    (tmp_path / "b.jsonl.gz").write_bytes(gzip.compress(b'{"text": "two"}\n{"text": "three"}\n'))
    assert [d.data for d in read(tmp_path / "a.ndjson", tmp_path / "b.jsonl.gz")] == [
        b"one",
        b"two",
        b"three",
    ]


def test_empty_and_truncated_jsonl(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("\n\n")
    lines = [b'{"text": "one"}'] + [b'{"text": "%s"}' % os.urandom(40).hex().encode() for _ in range(3000)]
    blob = gzip.compress(b"\n".join(lines))  # incompressible, so the first chunks decompress before the cut
    (tmp_path / "cut.jsonl.gz").write_bytes(blob[: len(blob) - 20])
    empty, *rest = read(tmp_path / "empty.jsonl", tmp_path / "cut.jsonl.gz")
    assert isinstance(empty, InputFailure) and "empty (no JSON lines)" in str(empty.error)
    assert isinstance(rest[0], RawDocument) and rest[0].data == b"one"
    assert isinstance(rest[-1], InputFailure) and "truncated or corrupt gzip" in str(rest[-1].error)
    assert rest[-1].name == str(tmp_path / "cut.jsonl.gz")


def test_jsonl_cap_applies_per_line(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text('{"text": "' + "x" * 3000 + '"}\n{"text": "short"}\n')
    out = read(path, settings=Settings(max_bytes=1000))
    assert isinstance(out[0], InputFailure) and "longer than the 1 kB cap" in str(out[0].error)
    assert isinstance(out[1], RawDocument) and out[1].data == b"short"


def test_directory_recursion_sorted_and_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / "z.txt").write_text("zed")
    (tmp_path / "b" / "one.html").write_bytes(HTML)
    (tmp_path / "a" / "deep" / "two.md").write_text("two")
    (tmp_path / "a" / "three.html.gz").write_bytes(gzip.compress(HTML))
    (tmp_path / "a" / "rows.jsonl").write_text('{"text": "row"}\n')
    (tmp_path / "a" / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / ".hidden.txt").write_text("secret")
    (tmp_path / ".git" / "x.txt").write_text("git")
    out = docs(read(tmp_path))
    rel = [o.name[len(str(tmp_path)) + 1 :] for o in out]
    assert rel == ["a/deep/two.md", "a/rows.jsonl:1", "a/three.html.gz", "b/one.html", "z.txt"]
    assert [o.kind for o in out] == ["text", "record", "html", "html", "text"]


def test_directory_without_supported_files(tmp_path: Path) -> None:
    (tmp_path / "x.png").write_bytes(b"\x89PNG")
    out = failure(read(tmp_path))
    assert "directory has no supported files" in str(out.error)


def test_stdin_html_text_jsonl_and_empty() -> None:
    html = only(read("-", stdin=HTML))
    assert isinstance(html, RawDocument) and (html.name, html.kind) == ("<stdin>", "html")
    text = only(read("-", stdin=b"Plain words."))
    assert isinstance(text, RawDocument) and text.kind == "text"
    rows = read("-", stdin=b'{"text": "a"}\n{"url": 1}\n{"text": "b"}\n')
    assert [o.name for o in rows] == ["<stdin>:1", "<stdin>:2", "<stdin>:3"]
    assert isinstance(rows[1], InputFailure) and isinstance(rows[2], RawDocument)
    empty = failure(read("-", stdin=b""))
    assert "empty" in str(empty.error)
    too_big = failure(read("-", stdin=b"x" * 2000, settings=Settings(max_bytes=1000)))
    assert "larger than the 1 kB cap (max_bytes setting)" in str(too_big.error)


def test_stdin_feed() -> None:
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        b"<item><title>A</title><description>Only a summary.</description></item></channel></rss>"
    )
    doc = only(read("-", stdin=rss))
    assert isinstance(doc, RawDocument) and (doc.name, doc.outlet, doc.title) == ("<stdin>#1", "Wire", "A")


def test_batch_goes_on_after_failures(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("fine")
    out = read(tmp_path / "missing.txt", tmp_path / "ok.txt")
    assert isinstance(out[0], InputFailure) and isinstance(out[1], RawDocument)


@pytest.mark.parametrize(
    ("data", "ctype", "kind"),
    [
        (HTML, None, "html"),
        (b"\xef\xbb\xbf<html><body>x</body></html>", None, "html"),
        ("<html><body>x</body></html>".encode("utf-16"), None, "html"),
        (b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"></feed>', None, "feed"),
        (b'<?xml version="1.0"?><rss version="2.0"></rss>', "text/html", "feed"),
        (b"just text", "text/html", "html"),
        (b"just text", None, "text"),
        (b"x", "image/png", "binary"),
        (b"\x00\x01\x02\x03", None, "binary"),
    ],
)
def test_sniff(data: bytes, ctype: str | None, kind: str) -> None:
    assert sniff(data, ctype) == kind
