"""An article's body as Markdown (`--format md`): what a page's markup said of a paragraph (a
heading, a list item, a quote) kept, and nothing read into text that did not say it.

The text rules run on the plain text whatever the format; Markdown is how the kept paragraphs
are written. Pasted text has no markup: its paragraphs are written as paragraphs, a line that
Markdown would read as structure ("# 1", "- 5 °C", "1984. A year") escaped. `plain` reads the
plain body back out of a `.md` this module wrote, so that `<key>.json`'s `text_sha256` vouches
for a `.md` as for a `.txt`, and the readers of clean/ (diff, audit, repeated lines,
duplicates) work on either.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

# What a paragraph is, for Markdown: "" (a paragraph), "h1" … "h6", "ul", "ol", "quote".
PARAGRAPH = ""
_HEADING = re.compile(r"h[1-6]")
# trafilatura's text starts a list item with this
_ITEM = "- "
# How far ahead of the last matched block a line's block is looked for: trafilatura's text
# skips a block now and then (an empty one, a nested list's holder).
_LOOKAHEAD = 8

# The starts of a line that Markdown reads as structure, not text: a heading, a quote, a list
# item, a thematic break, a code fence, an HTML block, or an escape of our own.
_STRUCTURE = re.compile(
    r"""\#{1,6}(?:[ \t]|$) | > | [-+*](?:[ \t]|$) | ([-*_])(?:[ \t]*\1){2,}[ \t]*$
    | ```|~~~ | <[A-Za-z/!?] | \\""",
    re.VERBOSE,
)
_ORDERED = re.compile(r"(\d{1,9})([.)])(?=[ \t]|$)")
_ESCAPED_ORDERED = re.compile(r"(\d{1,9})\\([.)])")
_HEADING_MARK = re.compile(r"\#{1,6} ")
_ORDERED_MARK = re.compile(r"\d{1,9}\. ")


def line_kinds(body: Any, text: str) -> tuple[str, ...]:
    """What each line of `text` (trafilatura's text of the extracted `body`, its XML element)
    is in the markup: the line's block found in order among the body's blocks by its words.
    A line no block accounts for (one the extraction joined or split) is a paragraph."""
    blocks = _blocks(body) if body is not None else []
    kinds: list[str] = []
    at = 0
    for line in text.split("\n"):
        words = " ".join(line.split())
        found = PARAGRAPH
        for i in range(at, min(at + _LOOKAHEAD, len(blocks))):
            kind, block = blocks[i]
            if block == words or (kind in ("ul", "ol") and _ITEM + block == words):
                found, at = kind, i + 1
                break
        kinds.append(found)
    return tuple(kinds)


def _blocks(body: Any) -> list[tuple[str, str]]:
    blocks: list[tuple[str, str]] = []
    for element in body.iter("head", "p", "item", "quote"):
        if element.tag == "quote" and len(element):  # its paragraphs speak for it
            continue
        # as the page's text is (extraction.py composes it)
        words = unicodedata.normalize("NFC", " ".join(" ".join(element.itertext()).split()))
        if not words:
            continue
        kind = PARAGRAPH
        if element.tag == "head":
            rend = str(element.get("rend") or "")
            kind = rend if _HEADING.fullmatch(rend) else "h2"
        elif element.tag == "item":
            holder = element.getparent()
            kind = "ol" if holder is not None and holder.get("rend") == "ol" else "ul"
        elif element.tag == "quote" or any(a.tag == "quote" for a in element.iterancestors()):
            kind = "quote"
        blocks.append((kind, words))
    return blocks


def render_paragraphs(paragraphs: Sequence[str], kinds: Sequence[str]) -> str:
    """The Markdown of a body's `paragraphs`, each of its kind (PARAGRAPH where `kinds` is
    shorter); paragraphs are separated by a blank line, as in the plain body."""
    out: list[str] = []
    number = 0
    for i, text in enumerate(paragraphs):
        kind = kinds[i] if i < len(kinds) else PARAGRAPH
        item = text.removeprefix(_ITEM) if text.startswith(_ITEM) else None
        number = number + 1 if kind == "ol" and item is not None else 0
        if _HEADING.fullmatch(kind):
            out.append("#" * int(kind[1]) + " " + text)
        elif kind == "ul" and item is not None:
            out.append(text)
        elif kind == "ol" and item is not None:
            out.append(f"{number}. {item}")
        elif kind == "quote":
            out.append("> " + text)
        else:
            out.append(escape(text))
    return "\n\n".join(out)


def escape(text: str) -> str:
    """`text` as a Markdown paragraph that reads as this text, not as structure."""
    if _STRUCTURE.match(text):
        return "\\" + text
    return _ORDERED.sub(r"\1\\\2", text, count=1) if _ORDERED.match(text) else text


def plain(markdown: str) -> str:
    """The plain body a Markdown body that `render_paragraphs` wrote was made from."""
    return "\n\n".join(_plain(p) for p in markdown.split("\n\n")) if markdown else ""


def _plain(paragraph: str) -> str:
    if paragraph.startswith("\\"):
        return paragraph[1:]
    if paragraph.startswith("> "):
        return paragraph[2:]
    if escaped := _ESCAPED_ORDERED.match(paragraph):
        return escaped.expand(r"\1\2") + paragraph[escaped.end() :]
    for mark, replacement in ((_HEADING_MARK, ""), (_ORDERED_MARK, _ITEM)):
        if found := mark.match(paragraph):
            return replacement + paragraph[found.end() :]
    return paragraph
