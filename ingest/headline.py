"""Is the first line of a text its headline?

Pasted article text often starts with the headline, and often does not. A first line that is a
full paragraph (it ends like a sentence) is body, not a title.
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_WORDS = 30
MAX_CHARS = 250
_CLOSERS = "\"'”’»)]"
_NOT_HEADLINE_ENDINGS = (".", ":", ";", ",", "…")
_KEY_STRIP = " .:;,!?\"'“”‘’«»"


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
