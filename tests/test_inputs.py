"""Decoding inputs: declared charsets, UTF-8 with broken bytes, 8-bit pages."""

from __future__ import annotations

from ingest.inputs import decode_bytes

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


def test_language_detection_reads_a_bounded_sample_from_across_the_text() -> None:
    from ingest.language import SAMPLE_CHARS, sample

    short = "A short text stays whole."
    assert sample(short) == short
    text = " ".join(f"w{i:05d}" for i in range(20_000))
    taken = sample(text)
    assert len(taken) <= SAMPLE_CHARS + 8
    assert "w00000" in taken and "w19999" in taken  # both ends, not just the opening
    assert all(word.startswith("w") and len(word) == 6 for word in taken.split())  # whole words
