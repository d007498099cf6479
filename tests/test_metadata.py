"""Metadata from text: dates, authors, language, truncation, hashes."""

from __future__ import annotations

import hashlib

import pytest

from ingest import Ruleset, Source, build_record, clean
from ingest.language import Language
from ingest.metadata import authors, parse_date
from ingest.removals import Fact


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("March 1, 2024, at 10:51 am", "2024-03-01T10:51"),
        ("March 1, 2024, at 7:47 pm", "2024-03-01T19:47"),
        ("25/11/2024", "2024-11-25"),
        ("03/04/2024", "2024-04-03"),  # day first when both readings are possible
        ("2024-11-25", "2024-11-25"),
        ("1 mars 2024 à 10h51", "2024-03-01T10:51"),
        ("1er mars 2024", "2024-03-01"),
        ("1 de marzo de 2024", "2024-03-01"),
        ("1. März 2024, 10:51 Uhr", "2024-03-01T10:51"),
        ("01.03.2024", "2024-03-01"),
        ("Feb. 26, 2024", "2024-02-26"),
    ],
)
def test_dates_become_iso_8601(text: str, iso: str) -> None:
    assert parse_date(text) == iso
    # the article's language is tried first (one locale to load); any language reads the same
    for code in ("en", "fr", "de", "pl", "ja"):
        assert parse_date(text, Language(code, 1.0)) == iso, code


@pytest.mark.parametrize("text", ["March 1", "yesterday", "3 days ago", "", None, 42])
def test_no_year_no_date_so_the_clock_never_leaks_in(text: object) -> None:
    assert parse_date(text) is None


def test_authors_are_split_and_deduplicated() -> None:
    facts = [
        Fact("author", "Jane Doe and John Smith", "r", 1),
        Fact("author", "Jean Dupont et Marie Curie, Jane Doe", "r", 2),
        Fact("author", "Ana García y Luis Pérez", "r", 3),
        Fact("date", "2024-01-01", "r", 4),
    ]
    assert authors(facts) == [
        "Jane Doe",
        "John Smith",
        "Jean Dupont",
        "Marie Curie",
        "Ana García",
        "Luis Pérez",
    ]


def test_metadata_fields_from_a_pasted_article(ruleset: Ruleset) -> None:
    raw = (
        "Troops to Ukraine: talks resume\n\nBy Jane Doe\n\nPublished on March 1, 2024\n\n"
        "The talks on sending troops resumed on Monday in Paris, diplomats said, after weeks of "
        "disagreement between the allies about the scale of the mission.\n\n"
        "You have 40% of this article left to read. The rest is for subscribers only."
    )
    data = raw.encode()
    result = clean(raw, ruleset)
    meta = build_record(result, Source(source="raw/x.txt", raw=data), ruleset.id).to_json()
    assert meta["title"] == "Troops to Ukraine: talks resume"
    assert meta["authors"] == ["Jane Doe"]
    assert meta["date"] == "2024-03-01"
    assert meta["language"] == "en" and meta["language_confidence"] > 0.9
    assert meta["truncated"] is True and meta["percent_left"] == 40.0
    assert meta["word_count"] == len(result.text.split())
    assert meta["raw_sha256"] == hashlib.sha256(data).hexdigest()
    assert meta["text_sha256"] == hashlib.sha256((result.text + "\n").encode()).hexdigest()
    assert meta["ruleset"] == ruleset.id
    assert [r["rule"] for r in meta["removed"]] == [
        "byline-by",
        "published-line",
        "paywall-percent-left-en",
    ]
    assert meta["removed"][0]["facts"] == {"author": "Jane Doe"}


def test_too_short_to_tell_is_und(ruleset: Ruleset) -> None:
    result = clean("Hello there", ruleset)
    meta = build_record(result, Source(source="-", raw=b"Hello there"), ruleset.id).to_json()
    assert meta["language"] == "und" and meta["language_confidence"] == 0.0
