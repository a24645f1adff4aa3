"""Decoding: BOMs, declarations, detection, binary and empty input, NFC."""

from __future__ import annotations

import codecs

import pytest

from wirewatch.errors import InputError
from wirewatch.ingest.encoding import declared_charset, decode, is_binary

# Long enough for a statistical detector to be sure; characters outside ASCII in every line.
FRENCH = (
    "L’armée a annoncé jeudi que les troupes s’étaient retirées de la région après des combats "
    "acharnés. « Nous avons été contraints de reculer », a déclaré un officier à l’agence, précisant "
    "que les pertes étaient élevées. Le ministère a démenti ces informations — une fois de plus.\n"
) * 4
RUSSIAN = (
    "Министерство обороны России заявило в четверг, что войска продолжают наступление на востоке "
    "Украины. По словам представителя ведомства, подразделения заняли несколько населённых пунктов, "
    "однако украинская сторона эти сведения опровергла.\n"
) * 4


def test_utf8_without_declaration() -> None:
    assert decode(FRENCH.encode("utf-8"), declared=None, name="f") == (FRENCH, "utf-8")


def test_utf8_bom_is_removed() -> None:
    text, enc = decode(codecs.BOM_UTF8 + "Привет, мир".encode(), declared=None, name="f")
    assert (text, enc) == ("Привет, мир", "utf-8")


def test_cp1252_is_detected() -> None:
    text, enc = decode(FRENCH.encode("cp1252"), declared=None, name="f")
    assert text == FRENCH
    assert enc == "cp1252"


def test_koi8_r_is_detected() -> None:
    text, enc = decode(RUSSIAN.encode("koi8-r"), declared=None, name="f")
    assert text == RUSSIAN
    assert enc == "koi8-r"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    text, enc = decode(bom + RUSSIAN.encode(codec), declared=None, name="f")
    assert (text, enc) == (RUSSIAN, codec)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(codec: str) -> None:
    page = "<html><body><p>Troops were seen near the border on Tuesday, officials said.</p></body></html>"
    text, enc = decode(page.encode(codec), declared=None, name="f")
    assert (text, enc) == (page, codec)


def test_utf32_with_bom() -> None:
    text, enc = decode(codecs.BOM_UTF32_LE + "Київ".encode("utf-32-le"), declared=None, name="f")
    assert (text, enc) == ("Київ", "utf-32-le")


def test_http_charset_is_honoured() -> None:
    data = RUSSIAN.encode("cp1251")
    text, enc = decode(data, declared="text/html; charset=windows-1251", name="f")
    assert (text, enc) == (RUSSIAN, "cp1251")


def test_meta_charset_is_honoured() -> None:
    page = '<html><head><meta charset="koi8-r"></head><body>Привет, как дела?</body></html>'
    text, enc = decode(page.encode("koi8-r"), declared=None, name="f")
    assert (text, enc) == (page, "koi8-r")


def test_http_equiv_declaration_is_found() -> None:
    head = b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-5">'
    assert declared_charset(head) == "ISO-8859-5"


def test_latin1_label_reads_as_cp1252() -> None:
    text, enc = decode(b"\x93quoted\x94 text", declared="iso-8859-1", name="f")
    assert (text, enc) == ("“quoted” text", "cp1252")


def test_declared_utf8_with_broken_bytes_does_not_crash() -> None:
    data = "Zelensky said – “we will not give up”.".encode() + b" \xff\xfe broken"
    text, enc = decode(data, declared="utf-8", name="f")
    assert enc == "utf-8"
    assert text.startswith("Zelensky said – “we will not give up”.")
    assert "\ufffd" in text


def test_declared_utf8_over_cp1252_bytes_is_detected() -> None:
    text, _ = decode(FRENCH.encode("cp1252"), declared="text/html; charset=utf-8", name="f")
    assert text == FRENCH


def test_unknown_declared_charset_is_ignored() -> None:
    assert decode(b"plain text", declared="charset=no-such-codec", name="f") == ("plain text", "utf-8")


def test_nfc() -> None:
    text, _ = decode("Cafe\u0301 in Kyi\u0308v".encode(), declared=None, name="f")
    assert text == "Caf\u00e9 in Ky\u00efv"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(64),
        b"\x7fELF\x02\x01\x01" + bytes(64),
        b"text with a NUL\x00 byte in it and more text",
        bytes(range(1, 32)) * 20,
    ],
)
def test_binary_is_rejected(data: bytes) -> None:
    assert is_binary(data)
    with pytest.raises(InputError) as err:
        decode(data, declared=None, name="pic.png")
    assert str(err.value).startswith("pic.png: binary file, not text or HTML")


@pytest.mark.parametrize("data", [b"", b"   \n\t  ", codecs.BOM_UTF8 + b"  ", "  \n".encode("utf-16")])
def test_empty_is_rejected(data: bytes) -> None:
    with pytest.raises(InputError) as err:
        decode(data, declared=None, name="e.txt")
    assert err.value.message == "empty input"
