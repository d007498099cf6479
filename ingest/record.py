"""The record of one article: what `<key>.json` holds.

Every path writes a record through `Record.to_json` and reads one through `Record.from_json`:
clean and fetch write it, diff, audit, evidence and repetition read it, the datatrove steps
put it in a document's metadata. docs/record.md describes each field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.errors import InputError

# The record's layout. Records written before the field existed read as schema 0; schema 2
# added `extracted`; schema 3 `normalized_url`, `simhash` and `duplicate_of`.
SCHEMA = 3


@dataclass(frozen=True)
class Evidence:
    """Why a `repeated-line` removal was made: other articles of the site hold the line."""

    articles: int
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Removed:
    """One removal. Stage "html": an element removed from the page before extraction (its
    CSS `selector`; `lines` in the saved page). Stage "text": lines and a `span` of character
    offsets in the text the rules ran on (pasted, or extracted from the page)."""

    stage: str
    rule: str
    category: str
    lines: tuple[int, int]
    text: str
    span: tuple[int, int] | None = None
    selector: str | None = None
    facts: tuple[tuple[str, Any], ...] = ()  # what the rule read in the text (a date, a name)
    evidence: Evidence | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "stage": self.stage,
            "rule": self.rule,
            "category": self.category,
            "lines": list(self.lines),
        }
        if self.stage == "html":
            out["selector"] = self.selector
        else:
            out["span"] = list(self.span) if self.span is not None else None
        out["text"] = self.text
        if self.facts:
            out["facts"] = dict(self.facts)
        if self.evidence is not None:
            out["evidence"] = {"articles": self.evidence.articles, "keys": list(self.evidence.keys)}
        return out

    @classmethod
    def from_json(cls, entry: dict[str, Any]) -> Removed:
        span, facts, evidence = entry.get("span"), entry.get("facts"), entry.get("evidence")
        return cls(
            stage=entry["stage"],
            rule=entry["rule"],
            category=entry["category"],
            lines=(entry["lines"][0], entry["lines"][1]),
            text=entry["text"],
            span=(span[0], span[1]) if span else None,
            selector=entry.get("selector"),
            facts=tuple(facts.items()) if isinstance(facts, dict) else (),
            evidence=Evidence(int(evidence.get("articles", 0)), tuple(evidence.get("keys", ())))
            if isinstance(evidence, dict)
            else None,
        )


@dataclass(frozen=True)
class Held:
    """A removal the guard held back: the rule, where it would have cut, and why not."""

    rule: str
    category: str
    lines: tuple[int, int]
    words: int
    share: float
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "category": self.category,
            "lines": list(self.lines),
            "words": self.words,
            "share": self.share,
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, entry: dict[str, Any]) -> Held:
        lines = entry.get("lines")
        return cls(
            rule=entry["rule"],
            category=str(entry.get("category", "?")),
            lines=(lines[0], lines[1]) if isinstance(lines, list) and _ints(lines, 2) else (0, 0),
            words=entry["words"],
            share=float(entry["share"]),
            reason=entry.get("reason"),
        )


@dataclass(frozen=True)
class Record:
    """What `<key>.json` holds for one article."""

    title: str | None
    authors: tuple[str, ...]
    date: str | None
    date_modified: str | None
    language: str | None
    language_confidence: float | None
    site: str | None
    sitename: str | None
    description: str | None
    url: str | None
    final_url: str | None
    source: str | None
    truncated: bool
    percent_left: float | None
    reading_time_minutes: int | None
    word_count: int
    raw_sha256: str | None
    text_sha256: str | None
    ruleset: str | None
    tool_version: str | None
    extractor: str | None  # "trafilatura 2.3.1" for a page; None for pasted text
    fetched_at: str | None
    removed: tuple[Removed, ...]
    held_back: tuple[Held, ...]
    # For a page, the text extraction gave, which the text rules ran on (the removals' offsets
    # refer to it): `ingest diff` shows a current record without extracting again. None for
    # pasted text, whose input is that text.
    extracted: str | None = None
    # The page's one address (`ingest.urls.normalize`): what fetching keyed and de-duplicated.
    normalized_url: str | None = None
    # The body's 64-bit simhash (trafilatura's), in hex: near-duplicates differ in few bits.
    simhash: str | None = None
    # The key of the article this one repeats (the same text, or nearly: `ingest.duplicates`).
    duplicate_of: str | None = None
    schema: int = SCHEMA

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": self.schema,
            "title": self.title,
            "authors": list(self.authors),
            "date": self.date,
            "date_modified": self.date_modified,
            "language": self.language,
            "language_confidence": self.language_confidence,
            "site": self.site,
            "sitename": self.sitename,
            "description": self.description,
            "url": self.url,
            "normalized_url": self.normalized_url,
            "final_url": self.final_url,
            "source": self.source,
            "truncated": self.truncated,
            "percent_left": self.percent_left,
            "reading_time_minutes": self.reading_time_minutes,
            "word_count": self.word_count,
            "raw_sha256": self.raw_sha256,
            "text_sha256": self.text_sha256,
            "simhash": self.simhash,
            "duplicate_of": self.duplicate_of,
            "ruleset": self.ruleset,
            "tool_version": self.tool_version,
            "extractor": self.extractor,
            "fetched_at": self.fetched_at,
            "removed": [r.to_json() for r in self.removed],
            "held_back": [h.to_json() for h in self.held_back],
            "extracted": self.extracted,
        }

    @classmethod
    def read(cls, path: Path | str, where: str | None = None) -> Record:
        """The record in the file `path` (a `<key>.json`), or an InputError that names it
        (`where`, or else the path): unreadable, not JSON, or not an ingest record."""
        where = where or str(path)
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(where, f"is not a readable ingest record: {exc}", _FIX) from exc
        return cls.from_json(data, where)

    @classmethod
    def from_json(cls, data: Any, where: str = "<record>") -> Record:
        """The record `data` (parsed JSON) holds, or an InputError naming `where` and what is
        wrong with it. Fields a record of an older version lacks read as empty."""
        problem = record_problem(data)
        if problem is not None:
            raise InputError(where, f"is not an ingest record: {problem}", _FIX)
        text = {name: data.get(name) for name in _TEXT_FIELDS}
        count, confidence = data.get("word_count"), data.get("language_confidence")
        reading, left = data.get("reading_time_minutes"), data.get("percent_left")
        return cls(
            **text,
            authors=tuple(a for a in data.get("authors") or () if isinstance(a, str)),
            language_confidence=float(confidence) if _number(confidence) else None,
            truncated=data.get("truncated") is True,
            percent_left=float(left) if _number(left) else None,
            reading_time_minutes=reading if _int(reading) else None,
            word_count=count if _int(count) else 0,
            removed=tuple(Removed.from_json(e) for e in data["removed"]),
            held_back=tuple(Held.from_json(h) for h in data.get("held_back", [])),
            schema=data["schema"] if _int(data.get("schema")) else 0,
        )


_FIX = "clean its input again with ingest clean, or remove it"
_TEXT_FIELDS = (
    "title", "date", "date_modified", "language", "site", "sitename", "description", "url",
    "final_url", "source", "raw_sha256", "text_sha256", "ruleset", "tool_version", "extractor",
    "fetched_at", "extracted", "normalized_url", "simhash", "duplicate_of",
)  # fmt: skip


def record_problem(meta: Any) -> str | None:
    """What makes a parsed `<key>.json` unusable (a record of another tool, edited by hand,
    or cut short), or None. Checked before any field is read, so that a bad record is that
    article's error, never the run's end."""
    if not isinstance(meta, dict):
        return f"holds a JSON {type(meta).__name__}, not an ingest record"
    removed = meta.get("removed")
    if not isinstance(removed, list):
        return "has no 'removed' list"
    for n, entry in enumerate(removed):
        if not isinstance(entry, dict):
            return f"removed[{n}] is not an object"
        for name in ("rule", "category", "text", "stage"):
            if not isinstance(entry.get(name), str):
                return f"removed[{n}] has no '{name}' text"
        if not _ints(entry.get("lines"), 2) or (
            entry.get("span") is not None and not _ints(entry.get("span"), 2)
        ):
            return f"removed[{n}] has no valid 'lines' or 'span' (two whole numbers each)"
        if entry.get("selector") is not None and not isinstance(entry["selector"], str):
            return f"removed[{n}] has a 'selector' that is not text"
    held = meta.get("held_back", [])
    if not isinstance(held, list) or not all(
        isinstance(h, dict) and isinstance(h.get("rule"), str) and _int(h.get("words"))
        and _number(h.get("share"))
        for h in held
    ):  # fmt: skip
        return "has a 'held_back' that is not a list of {rule, words, share} objects"
    for name in _TEXT_FIELDS:
        if meta.get(name) is not None and not isinstance(meta[name], str):
            return f"has a '{name}' that is not text"
    count = meta.get("word_count")
    if count is not None and not _int(count):
        return "has a 'word_count' that is not a whole number"
    authors = meta.get("authors")
    if authors is not None and not isinstance(authors, list):
        return "has an 'authors' that is not a list"
    return None


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _ints(value: Any, length: int) -> bool:
    return isinstance(value, list) and len(value) == length and all(_int(v) for v in value)
