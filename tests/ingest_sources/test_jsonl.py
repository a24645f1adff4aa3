"""The JSON Lines parser on its own: line splitting, field checks, sniffing."""

from __future__ import annotations

import pytest

from wirewatch.errors import InputError
from wirewatch.ingest.jsonl import (
    JsonlError,
    JsonlRecord,
    iter_jsonl,
    looks_like_jsonl,
    parse_line,
    split_lines,
)


def test_split_lines_across_chunks_with_cap() -> None:
    chunks = [b"ab", b"c\nde", b"f\r\n", b"0123456789", b"xyz\nlast"]
    assert list(split_lines(chunks, max_line_bytes=5)) == [(1, b"abc"), (2, b"def"), (3, None), (4, b"last")]


def test_parse_line_fields() -> None:
    rec = parse_line(b'{"id": 12, "url": " https://x.example/a ", "text": "Body", "extra": 1}', name="f:1")
    assert (rec.external_id, rec.url, rec.text, rec.html) == ("12", "https://x.example/a", "Body", None)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"{", "not valid JSON"),
        (b'"a string"', "a JSON str, not an object"),
        (b'{"title": "t", "text": "  "}', "no 'text', 'html' or 'url'"),
        (b'{"html": ["x"]}', "'html' must be a string"),
        (b'{"text": "\xff"}', "not valid UTF-8"),
    ],
)
def test_parse_line_errors(line: bytes, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_line(line, name="batch.jsonl:4")
    assert message in str(info.value) and str(info.value).startswith("batch.jsonl:4: ")


def test_iter_jsonl_bom_blank_lines_and_errors() -> None:
    data = b'\xef\xbb\xbf{"text": "a"}\n\n   \nnope\n{"text": "b"}\n'
    out = list(iter_jsonl([data], source="s.jsonl", max_line_bytes=1000))
    assert [type(o) for o in out] == [JsonlRecord, JsonlError, JsonlRecord]
    assert [o.name for o in out] == ["s.jsonl:1", "s.jsonl:4", "s.jsonl:5"]


def test_looks_like_jsonl() -> None:
    assert looks_like_jsonl(b'\n{"text": "a"}\n')
    assert not looks_like_jsonl(b'{\n  "pretty": true\n}\n')
    assert not looks_like_jsonl(b"plain")
