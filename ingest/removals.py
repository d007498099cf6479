"""What cleaning takes out of an article and what it reads in it: the types the text rules and
the page's selector rules both produce, on the ground floor so that extraction, metadata and
the engine share them without importing one another."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.rules import FactValue


@dataclass(frozen=True)
class Removal:
    rule: str
    category: str
    lines: tuple[int, int]  # 1-based, inclusive, in the raw text
    span: tuple[int, int]  # character offsets in the raw text (newlines normalised to \n)
    text: str
    facts: tuple[tuple[str, FactValue], ...] = ()
    selector: str | None = None  # for removals from a page's HTML, the CSS selector


@dataclass(frozen=True)
class HeldBack:
    rule: str
    category: str
    lines: tuple[int, int]
    words: int  # what the rule would have removed in this article
    share: float  # ... as a share of the article's words (one HTML element: of the page's)
    # Why: "rule-share" (the rule alone would take more than the guard's share), "together"
    # (all removals together would); for selector rules "holds-article" (the element, or the
    # rule's elements together, hold the article's opening and most of its words),
    # "page-share", "max-words" (more prose than the rule allows), "page-root" (html, body...).
    reason: str


@dataclass(frozen=True)
class Fact:
    name: str
    value: FactValue
    rule: str
    line: int
