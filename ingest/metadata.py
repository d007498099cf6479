"""Article metadata: what the text states (facts found by rules) plus hashes and provenance.

Pure: the same result and source give the same record. No wall-clock time goes in.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ingest.engine import CleanResult
from ingest.headmeta import byline_names
from ingest.language import Language
from ingest.record import Held, Record, Removed
from ingest.removals import Fact
from ingest.version import __version__

if TYPE_CHECKING:  # a type only: building a pasted text's record needs no page machinery
    from ingest.extraction import Page

_YEAR = re.compile(r"(?:1[89]|2[0-9])[0-9]{2}")
_TIME = re.compile(r"(?<![\d.])[012]?\d[ ]?[:h][ ]?[0-5]\d(?!\d)")


@dataclass(frozen=True)
class Source:
    source: str  # file path or URL as given
    raw: bytes  # the input's bytes, for raw_sha256
    url: str | None = None
    final_url: str | None = None
    site: str | None = None
    fetched_at: str | None = None  # from the HTTP record: the only clock time we record
    normalized_url: str | None = None


def build_record(
    result: CleanResult, src: Source, ruleset_id: str, page: Page | None = None
) -> Record:
    """The record of one article. For pages, the page's own metadata comes first (it is
    structured: <title>, meta tags, JSON-LD) and what the text states fills the gaps."""
    facts = result.facts
    text = result.text
    body = text + "\n" if text else ""
    # A page's authors come from its metadata and its printed byline, people each once; the
    # byline lines the text rules removed fill in for a page that names nobody that way.
    names = list(page.authors) if page and page.authors else authors(facts)
    html_removals = page.removals if page else ()
    held = (page.held_back if page else ()) + result.held_back
    return Record(
        title=(page.title if page else None) or result.title,
        authors=tuple(names),
        date=(page.date if page else None) or parse_date(_first(facts, "date"), result.language),
        date_modified=parse_date(_first(facts, "date_modified"), result.language),
        language=result.language.code,
        language_confidence=result.language.confidence,
        site=src.site,
        sitename=page.sitename if page else None,
        description=page.description if page else None,
        url=src.url,
        final_url=src.final_url,
        source=src.source,
        truncated=any(f.name == "truncated" and f.value is True for f in facts),
        percent_left=_number(_first(facts, "percent_left")),
        reading_time_minutes=_int(_first(facts, "reading_time")),
        word_count=len(text.split()),
        raw_sha256=hashlib.sha256(src.raw).hexdigest(),
        text_sha256=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        ruleset=ruleset_id,
        tool_version=__version__,
        extractor=extractor() if page else None,
        fetched_at=src.fetched_at,
        # stage "html": lines in the saved page, removed before extraction (with the selector);
        # stage "text": lines and offsets in the text that was cleaned (pasted or extracted).
        removed=tuple(
            Removed("html", r.rule, r.category, r.lines, r.text, selector=r.selector)
            for r in html_removals
        )
        + tuple(
            Removed("text", r.rule, r.category, r.lines, r.text, span=r.span, facts=r.facts)
            for r in result.removals
        ),
        held_back=tuple(
            Held(h.rule, h.category, h.lines, h.words, h.share, h.reason) for h in held
        ),
        extracted=page.text if page else None,
        normalized_url=src.normalized_url,
        simhash=fingerprint(text) if text else None,
    )


def fingerprint(text: str) -> str:
    """The body's simhash (trafilatura's: 64 bits over its longer words), 16 hex digits."""
    from trafilatura.deduplication import Simhash

    return f"{Simhash(text).hash:016x}"


def extractor() -> str:
    """The extractor that pages go through, with its version: a record made with another
    version may have its text (and so its removals' offsets) elsewhere."""
    return f"trafilatura {importlib.metadata.version('trafilatura')}"


def _first(facts: Sequence[Fact], name: str) -> Any:
    return next((f.value for f in facts if f.name == name), None)


def authors(facts: Sequence[Fact]) -> list[str]:
    """The people the bylines a rule removed name (`byline_names`), each once."""
    found: list[str] = []
    for fact in facts:
        if fact.name == "author" and isinstance(fact.value, str):
            found += [n for n in byline_names(fact.value) if n not in found]
    return found


def parse_date(value: Any, language: Language | None = None) -> str | None:
    """ISO 8601 for a date string a rule captured; None when it states no full date.

    Only strings that carry a year are parsed: dateparser would fill a missing year from
    the clock, and our output must not depend on when it was made. The article's language is
    tried first: dateparser then loads one locale, not eight (0.5 s at a process's first date).
    """
    if not isinstance(value, str) or not _YEAR.search(value):
        return None
    value = " ".join(value.split())
    code = language.code if language is not None else None
    if code in _DATE_LANGUAGES:
        found = _parse_date(value, (code,))
        if found is not None:
            return found
    return _parse_date(value, _DATE_LANGUAGES)


_DATE_LANGUAGES = ("en", "fr", "es", "de", "it", "pt", "nl", "pl")


@functools.cache
def _parse_date(value: str, languages: tuple[str, ...]) -> str | None:
    data = _date_parser(languages).get_date_data(value)
    when = data.date_obj
    if when is None:
        return None
    if _TIME.search(value):  # dateparser says period="day" even when it read a time
        return str(when.strftime("%Y-%m-%dT%H:%M"))
    return str(when.strftime("%Y-%m-%d"))


@functools.cache
def _date_parser(languages: tuple[str, ...]) -> Any:
    from dateparser.date import DateDataParser  # imported on first use: it costs 0.15 s

    return DateDataParser(
        languages=list(languages),
        settings={
            "REQUIRE_PARTS": ["day", "month", "year"],
            # Day first unless impossible: 25/11/2024 and 03/04/2024 are both day-month.
            "DATE_ORDER": "DMY",
            "RETURN_AS_TIMEZONE_AWARE": False,
            "PREFER_DATES_FROM": "past",
        },
    )


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", ".").strip(" %"))
        except ValueError:
            return None
    return None


def _int(value: Any) -> int | None:
    number = _number(value)
    return round(number) if number is not None else None
