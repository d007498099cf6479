"""Decoding inputs: declared charsets, UTF-8 with broken bytes, 8-bit pages."""

from __future__ import annotations

import unicodedata

import pytest

from ingest.errors import InputError
from ingest.inputs import decode_bytes, decode_page, looks_like_html

PROSE = "Le président a parlé à l’Assemblée, déjà très divisée, de la réforme des retraites. "


def test_utf8_with_a_few_broken_bytes_stays_utf8() -> None:
    # One stray Latin-1 byte in a long UTF-8 page: reading the whole page as some 8-bit
    # charset would garble every accented letter to save one.
    data = (PROSE * 20).encode("utf-8") + b"caf\xe9 " + (PROSE * 20).encode("utf-8")
    text, charset = decode_bytes(data, "page.html")
    assert charset == "utf-8"
    assert "président" in text and "Assemblée" in text
    assert text.count("\ufffd") == 1


def test_latin1_text_is_not_taken_for_broken_utf8() -> None:
    text, charset = decode_bytes((PROSE * 5).replace("’", "'").encode("latin-1"), "a.txt")
    assert charset == "cp1252"
    assert "président" in text and "\ufffd" not in text


def test_a_declared_charset_wins_when_it_decodes_the_bytes() -> None:
    text, charset = decode_bytes("Привет, мир. Новости дня.".encode("koi8-r"), "p.html", "koi8-r")
    assert charset == "koi8-r" and text.startswith("Привет")


PAGE = f"<!DOCTYPE html><html><head><title>Réforme</title></head><body><p>{PROSE * 4}</p></body>"
ASCII_PAGE = (
    unicodedata.normalize("NFKD", PAGE.replace("’", "'")).encode("ascii", "ignore").decode()
)


@pytest.mark.parametrize(
    "declared",
    ["undefined", "unicode_escape", "utf-7", "rot13", "base64", "no-such-charset", "utf-8\x00"],
)
def test_a_declared_charset_that_fails_in_any_way_is_ignored(declared: str) -> None:
    # 'undefined' is a Python codec that raises UnicodeError (not UnicodeDecodeError) on any
    # input; the others are codecs no page is written in, or no codec at all.
    text, charset = decode_bytes(PAGE.encode("utf-8"), "p.html", declared)
    assert charset == "utf-8" and "Le président a parlé" in text


def test_a_meta_charset_naming_the_undefined_codec_is_ignored() -> None:
    page = PAGE.replace("<head>", '<head><meta charset="undefined">')
    text, charset = decode_page(page.encode("utf-8"), "p.html", None)
    assert charset == "utf-8" and "Le président a parlé" in text


@pytest.mark.parametrize("declared", ["utf-16", "utf-16-le", "utf-32"])
@pytest.mark.parametrize("page", [PAGE, ASCII_PAGE])
def test_utf16_declared_over_utf8_bytes_is_not_believed(declared: str, page: str) -> None:
    data = page.encode("utf-8")
    data += b" " * (len(data) % 4)  # a whole number of UTF-16/32 code units: they decode
    text, charset = decode_bytes(data, "p.html", declared)
    assert charset == "utf-8" and text.rstrip() == page


def test_real_utf16_without_a_bom_is_read_by_its_declared_charset() -> None:
    text, charset = decode_bytes(PAGE.encode("utf-16-le"), "p.html", "utf-16-le")
    assert charset == "utf-16-le" and text == PAGE


def test_a_legacy_charset_declared_over_utf8_bytes_gives_way_to_utf8() -> None:
    # "charset=iso-8859-1" is many servers' default whatever the page is; Latin-1 decodes
    # any bytes "cleanly", into "prÃ©sident".
    text, charset = decode_bytes(PAGE.encode("utf-8"), "p.html", "iso-8859-1")
    assert charset == "utf-8" and "Le président a parlé" in text


def test_an_ebcdic_charset_declared_over_an_ascii_page_is_ignored() -> None:
    text, charset = decode_bytes(ASCII_PAGE.encode("ascii"), "p.html", "cp500")
    assert charset == "utf-8" and text == ASCII_PAGE


def test_language_detection_reads_a_bounded_sample_from_across_the_text() -> None:
    from ingest.language import SAMPLE_CHARS, sample

    short = "A short text stays whole."
    assert sample(short) == short
    text = " ".join(f"w{i:05d}" for i in range(20_000))
    taken = sample(text)
    assert len(taken) <= SAMPLE_CHARS + 8
    assert "w00000" in taken and "w19999" in taken  # both ends, not just the opening
    assert all(word.startswith("w") and len(word) == 6 for word in taken.split())  # whole words


def test_nul_bytes_are_judged_alike_wherever_they_stand() -> None:
    # a stray NUL is a control character like the others: dropped when cleaning, whether in
    # the first 8 KB or after them; NULs in number make a file binary wherever they start
    text = PROSE * 200
    for at in (10, len(text) - 10):
        data = (text[:at] + "\x00" + text[at:]).encode("utf-8")
        decoded, charset = decode_bytes(data, "a.txt")
        assert charset == "utf-8" and "\x00" in decoded
    for start in (0, len(text)):
        blob = text[:start].encode("utf-8") + bytes(range(256)) * 200
        with pytest.raises(InputError, match="is binary"):
            decode_bytes(blob, "a.txt")


@pytest.mark.parametrize(
    ("start", "html"),
    [
        ("<!DOCTYPE html><html><body><p>x</p></body></html>", True),
        ("  <!-- saved by a browser -->\n<html lang='de'>", True),
        (b"<HEAD><title>t</title></HEAD>", True),
        ("<?xml version='1.0'?>\n<div>nav</div><body><p>x</p>", True),
        ("The talks resumed on Monday in Brussels.", False),
        ("Use the <html> tag to start a page, the tutorial says.", False),
        (b"\x89PNG\r\n\x1a\n", False),
    ],
)
def test_one_sniffer_tells_a_page_from_text(start: str | bytes, html: bool) -> None:
    assert looks_like_html(start) is html


@pytest.mark.parametrize("charset", ["cp1250", "iso-8859-2"])
def test_a_page_declaring_its_charset_in_an_xml_declaration_reads_in_it(charset: str) -> None:
    # Detection alone reads these bytes as cp1252 and garbles every Polish letter.
    text = "Zażółć gęślą jaźń. Łódź i Kraków: źródło, świeże śliwki, żółw."
    page = f'<?xml version="1.0" encoding="{charset}"?>\n<html><body><p>{text}</p></body></html>'
    decoded, used = decode_page(page.encode(charset), "page.html", None)
    assert text in decoded and used == charset
