"""Is the first line of a text its headline?

Pasted article text often starts with the headline, and often does not. A first line that is a
full paragraph (it ends like a sentence) is body, not a title.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

MAX_WORDS = 30
MAX_CHARS = 250
_CLOSERS = "\"'”’»)]"
_NOT_HEADLINE_ENDINGS = (".", ":", ";", ",", "…")
_KEY_STRIP = " .:;,!?\"'“”‘’«»"
# What joins a page title's parts: "Headline | Section | Site | 23.05.2011", "Site - Headline".
# Not a colon, which belongs to headlines ("Kenji Fujimori: trial resumes").
_PART_MARKS = "|·»–—/-"
_PARTS = re.compile(rf"\s+(?:[{re.escape(_PART_MARKS)}]|::)\s+")
# A copy of the headline may carry this many words of section and site name beside it.
_MAX_LABEL_WORDS = 3
_MIN_CORE_WORDS = 3


def find_headline(texts: Sequence[str]) -> int | None:
    """Index of the headline among `texts` (stripped lines, '' for blank), or None."""
    content = [i for i, t in enumerate(texts) if t]
    if len(content) < 2:
        return None  # a lone line is the whole text, not a title over a body
    first = content[0]
    text = texts[first]
    words = text.split()
    if not 2 <= len(words) <= MAX_WORDS or len(text) > MAX_CHARS:
        return None
    if text.rstrip(_CLOSERS).endswith(_NOT_HEADLINE_ENDINGS):
        return None
    if not any(ch.isalpha() for ch in text):
        return None
    return first


def headline_key(text: str) -> str:
    """What two lines must share to count as the same headline."""
    return " ".join(text.casefold().split()).strip(_KEY_STRIP)


def headline_matcher(title: str) -> Callable[[str], bool]:
    """Is a line of the text a copy of the page's `title`?

    A page's title often carries its site, section or date ("Headline | Section | Site |
    23.05.2011") and the printed headline does not, or carries others. A line matches when it is
    the title, or the title's headline part (its longest part, three words or more) with at most
    a few words of labels, dates or numbers set off beside it.
    """
    whole = headline_key(title)
    parts = _PARTS.split(title)
    core = headline_key(max(parts, key=len)) if len(parts) > 1 else ""
    if len(core.split()) < _MIN_CORE_WORDS:
        core = ""

    def matches(line: str) -> bool:
        key = headline_key(line)
        if key == whole or (core and key == core):
            return True
        if not core or len(key) <= len(core):
            return False
        if key.startswith(core):
            rest = key[len(core) :]
            mark = rest.lstrip()[:1]
        elif key.endswith(core):
            rest = key[: -len(core)]
            mark = rest.rstrip()[-1:]
        else:
            return False
        labels = [w for w in _PARTS.split(f" {rest} ") if any(c.isalpha() for c in w)]
        if not labels:  # a date or a number glued on
            return True
        words = sum(len(w.split()) for w in labels)
        return bool(mark) and mark in _PART_MARKS and words <= _MAX_LABEL_WORDS

    return matches
