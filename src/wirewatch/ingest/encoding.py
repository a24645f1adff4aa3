"""Bytes to text: byte-order marks, declared charsets, detection, binary rejection, NFC.

Order of evidence, strongest first (as browsers do, with one safety net):

1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
2. UTF-16 without a BOM, recognised by its pattern of NUL bytes in ASCII text;
3. the charset the input declares: the HTTP ``Content-Type`` header (``declared``), else an HTML
   ``<meta charset>`` / ``<meta http-equiv="Content-Type">`` or XML declaration in the first bytes.
   ``latin-1``/``iso-8859-1``/``ascii`` are read as ``cp1252``, as browsers do. A declaration the bytes
   contradict (strict decoding fails) is not trusted blindly: a UTF-8 declaration over bytes that hold
   valid multi-byte UTF-8 keeps UTF-8 and replaces the broken bytes; otherwise the bytes are detected;
4. strict UTF-8 (ASCII included);
5. charset-normalizer's best guess, else cp1252 with replacement characters.

Binary input (known magic numbers, NUL bytes, many control characters) and empty input raise
:class:`~wirewatch.errors.InputError`. The text comes back in Unicode NFC, without a BOM character.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata

import charset_normalizer

from wirewatch.errors import InputError

__all__ = ["BINARY_MESSAGE", "EMPTY_MESSAGE", "declared_charset", "decode", "is_binary", "to_nfc"]

logger = logging.getLogger(__name__)

BINARY_MESSAGE = "binary file, not text or HTML"
EMPTY_MESSAGE = "empty input"
BINARY_CODE = "W102"
EMPTY_CODE = "W101"

_BOMS: tuple[tuple[bytes, str], ...] = (  # UTF-32 first: its LE BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Signatures of common binary formats that can slip through a text check (all but gzip/zip contain
# NULs soon, but the first bytes are cheaper and certain).
_MAGIC: tuple[bytes, ...] = (
    b"\x89PNG",
    b"\x7fELF",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",  # JPEG
    b"PK\x03\x04",  # zip, docx, xlsx, epub
    b"\x1f\x8b",  # gzip (the reader decompresses .gz files; this one was not)
    b"%PDF-",
    b"\xfd7zXZ\x00",
    b"\xca\xfe\xba\xbe",  # Java class / Mach-O fat
    b"\xcf\xfa\xed\xfe",  # Mach-O
    b"SQLite format 3\x00",
)

_SAMPLE = 8192  # bytes looked at for the binary and UTF-16 checks
_CONTROL_RATIO = 0.05  # more control bytes than this (besides tab, newlines, form feed, ESC) = binary
_ALLOWED_CONTROLS = b"\t\n\r\f\x1b"
_CONTROL_BYTES = bytes(b for b in range(32) if b not in _ALLOWED_CONTROLS)
_CONTROL_CHARS = re.compile("[" + re.escape(_CONTROL_BYTES.decode("ascii")) + "]")

# WHATWG: these labels mean windows-1252 in practice.
_ALIASES = {
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "x-user-defined": "cp1252",
    "windows-874": "cp874",
    "x-mac-cyrillic": "mac-cyrillic",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-sjis": "shift_jis",
}

_CHARSET_PARAM = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE)
_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""", re.IGNORECASE)
_PRESCAN = 4096  # bytes searched for an in-document declaration (the HTML standard says 1024)


def decode(data: bytes, *, declared: str | None, name: str, nfc: bool = True) -> tuple[str, str]:
    """Decode ``data`` to NFC text; return ``(text, python_codec_name)``.

    ``declared`` is a charset name or a whole ``Content-Type`` header value (``text/html; charset=...``);
    ``name`` names the input in error messages. Never raises on undecodable bytes (they become U+FFFD);
    raises :class:`InputError` for binary or empty input. ``nfc=False`` skips the normalisation, for a
    caller that normalises only the text it extracts (an HTML page's markup need not be NFC).
    """
    if not data.strip():
        raise InputError(EMPTY_MESSAGE, input=name, code=EMPTY_CODE)
    text, encoding = _decode(data, declared, name)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputError(EMPTY_MESSAGE, input=name, code=EMPTY_CODE)
    if _control_ratio_text(text) > _CONTROL_RATIO:
        raise InputError(BINARY_MESSAGE, input=name, code=BINARY_CODE)
    return (to_nfc(text) if nfc else text), encoding


def to_nfc(text: str) -> str:
    """``text`` in Unicode NFC (a no-op, without copying, when it already is)."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _decode(data: bytes, declared: str | None, name: str) -> tuple[str, str]:
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(bom_codec, errors="replace"), bom_codec
    utf16 = _sniff_utf16(data)
    if utf16 is not None:
        return data.decode(utf16, errors="replace"), utf16
    if is_binary(data):
        raise InputError(BINARY_MESSAGE, input=name, code=BINARY_CODE)

    codec = _declared_codec(declared, data, name)
    if codec is not None and not _ascii_compatible(codec):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            logger.debug("%s: bytes are not valid %s as declared", name, codec)
            codec = None
    try:  # valid UTF-8 with any non-ASCII byte is UTF-8 whatever the label says; ASCII reads the same
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if codec == "utf-8":
        if _has_utf8_multibyte(data):  # real UTF-8 with some broken bytes
            text = data.decode("utf-8", errors="replace")
            logger.warning("%s: invalid UTF-8 bytes replaced by U+FFFD (%d)", name, text.count("\ufffd"))
            return text, "utf-8"
    elif codec is not None:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            logger.debug("%s: bytes are not valid %s as declared", name, codec)
    text, detected = _detect(data, name)
    if codec is not None:  # the page said one thing and is another: read it, but say so
        logger.warning("%s: declared %s but the bytes are not; read as %s", name, codec, detected)
    return text, detected


def _declared_codec(declared: str | None, data: bytes, name: str) -> str | None:
    """The codec the HTTP header, else the document itself, declares (known names only)."""
    for origin, label in (("http", _header_charset(declared)), ("document", declared_charset(data))):
        codec = _lookup(label)
        if codec is None:
            if label:
                logger.debug("%s: ignoring unknown %s charset %r", name, origin, label)
            continue
        if origin == "document" and codec.startswith(("utf-16", "utf-32")):
            return "utf-8"  # an in-document UTF-16 label on ASCII-readable bytes means UTF-8 (WHATWG)
        return codec
    return None


def _ascii_compatible(codec: str) -> bool:
    return not codec.startswith(("utf-16", "utf-32", "utf-7", "iso2022", "hz"))


def _detect(data: bytes, name: str) -> tuple[str, str]:
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is not None:
        codec = _lookup(best.encoding) or "cp1252"
        logger.debug("%s: detected %s", name, codec)
        return data.decode(codec, errors="replace"), codec
    logger.debug("%s: no charset detected, reading as cp1252", name)
    return data.decode("cp1252", errors="replace"), "cp1252"


def is_binary(data: bytes) -> bool:
    """True for a known binary signature, a NUL byte, or too many control bytes in the first 8 KB.

    Call it after checking for UTF-16/32 (whose ASCII text is full of NULs).
    """
    if data.startswith(_MAGIC):
        return True
    sample = data[:_SAMPLE]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > _CONTROL_RATIO * len(sample)


def _control_ratio_text(text: str) -> float:
    sample = text[:_SAMPLE]
    if not sample:
        return 0.0
    return len(_CONTROL_CHARS.findall(sample)) / len(sample)


def _sniff_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` for BOM-less UTF-16 whose NULs sit almost all on odd/even bytes."""
    sample = data[: _SAMPLE - (_SAMPLE % 2)]
    if len(sample) < 4 or len(data) % 2:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    for nuls, other, codec in ((odd_nuls, even_nuls, "utf-16-le"), (even_nuls, odd_nuls, "utf-16-be")):
        if nuls >= 0.3 * half and other <= 0.05 * nuls:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if _control_ratio_text(text) <= _CONTROL_RATIO:
                return codec
    return None


def _header_charset(declared: str | None) -> str | None:
    if not declared:
        return None
    if "=" not in declared and ";" not in declared and "/" not in declared:
        return declared.strip().strip("\"'") or None  # a bare charset name
    m = _CHARSET_PARAM.search(declared.encode("latin-1", errors="replace"))
    return m.group(1).decode("ascii") if m else None


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML ``<meta>`` tag or XML declaration in the first 4 KB names, if any."""
    head = data[:_PRESCAN]
    m = _XML_DECL.match(head)
    if m:
        return m.group(1).decode("ascii")
    for tag in _META.finditer(head):
        found = _CHARSET_PARAM.search(tag.group(0))
        if found:
            return found.group(1).decode("ascii")
    return None


def _lookup(label: str | None) -> str | None:
    """Python codec name for a charset label, browser aliases applied; ``None`` if unknown."""
    if not label:
        return None
    key = label.strip().lower()
    key = _ALIASES.get(key, key)
    try:
        return codecs.lookup(key).name
    except LookupError:
        return None


def _has_utf8_multibyte(data: bytes) -> bool:
    """True when the bytes contain at least one well-formed multi-byte UTF-8 sequence."""
    return _UTF8_MULTIBYTE.search(data) is not None


_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}",
)
