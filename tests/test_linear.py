"""Cleaning costs work in proportion to the text's length (issue 12), counted, not timed.

The work of one clean() is counted three ways: lines of ingest's code run (Python loops), the
characters RE2's wrapper encodes or converts between character and byte offsets (it does so
for every str it is handed), and the characters of the lines the engine builds (copies of the
text). A text twice as long, of the same make, must cost at most a little over twice as much.
bench/size.py times the same shapes up to 20 MB.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import re2
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ingest import CleanOptions, Ruleset, clean, engine, rules_from_toml

from .helpers import MARKER_RULE

ROOT = Path(__file__).resolve().parent.parent
INGEST = str(ROOT / "ingest")

# a text twice as long may cost this much more: what is not proportional to the length
# (passes, rules, language detection on a sample) only lowers the ratio
MAX_RATIO = 2.2


def work(text: str, ruleset: Ruleset, monkeypatch: pytest.MonkeyPatch) -> int:
    count = 0

    def counted(function: Callable[..., Any], size: Callable[..., int]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            nonlocal count
            count += size(*args)
            return function(*args)

        return call

    with monkeypatch.context() as patch:
        patch.setattr(re2, "_encode", counted(re2._encode, len))
        patch.setattr(
            re2._re2, "CharLenToBytes", counted(re2._re2.CharLenToBytes, lambda _, __, n: n)
        )
        patch.setattr(
            re2._re2, "BytesToCharLen", counted(re2._re2.BytesToCharLen, lambda _, a, b: b - a)
        )
        patch.setattr(
            engine._Line, "__init__", counted(engine._Line.__init__, lambda _, __, ___, t: len(t))
        )

        def lines(frame: FrameType, event: str, arg: Any) -> Any:
            nonlocal count
            count += event == "line"
            return lines

        def calls(frame: FrameType, event: str, arg: Any) -> Any:
            return lines if frame.f_code.co_filename.startswith(INGEST) else None

        before = sys.gettrace()
        sys.settrace(calls)
        try:
            clean(text, ruleset)
        finally:
            sys.settrace(before)
    return count


def _paragraphs() -> list[str]:
    seeds = sorted((ROOT / "raw").glob("*.txt"))
    return [p for s in seeds for p in s.read_text(encoding="utf-8").split("\n") if p.strip()]


def _joined(lines: Iterable[str], size: int, sep: str) -> str:
    out: list[str] = []
    total = 0
    for line in lines:
        if total >= size:
            break
        out.append(line)
        total += len(line) + len(sep)
    return sep.join(out)


def article(size: int) -> str:
    """The seeds' lines (furniture included), with a short line after every third: each
    opens a caption block (a short line that ends like a sentence, then a credit line)."""
    lines = (
        f"{line}\n\nThe minister in Kyiv, March {n % 28 + 1}.\nPhoto: Agency {n % 5}"
        if n % 3 == 2
        else line
        for n, line in enumerate(itertools.cycle(_paragraphs()))
    )
    return _joined(lines, size, "\n\n")


def tails(size: int) -> str:
    """A paywall's first line every other line: each starts a tail to the end of the text.
    (The lines between are ten words of the seeds, which no block rule takes for a caption.)"""
    words = " ".join(_paragraphs()).split()
    prose = itertools.cycle(" ".join(words[i : i + 10]) for i in range(0, len(words) - 10, 10))
    lines = (
        f"You have {n % 90 + 5}% of this article left to read" if n % 2 else next(prose)
        for n in itertools.count()
    )
    return _joined(lines, size, "\n")


def spans(size: int) -> str:
    """One long line with an address placeholder in every sentence, then a short article."""
    sentence = "Write to [email protected] for the report on the talks in Brüssel. "
    return sentence * (size // len(sentence)) + "\n\n" + "\n\n".join(_paragraphs()[:10])


@pytest.mark.parametrize("make", [article, tails, spans], ids=lambda f: f.__name__)
def test_a_text_twice_as_long_costs_about_twice_the_work(
    make: Callable[[int], str], ruleset: Ruleset, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean(make(5_000), ruleset)  # what a first clean builds (the prefilter, the profiles)
    small, large = (work(make(size), ruleset, monkeypatch) for size in (20_000, 40_000))
    assert large <= MAX_RATIO * small, f"{large / small:.2f} times the work"


# The span cutting of 011ccc8, one span at a time (a copy of the line each): the reference
# that cutting them all at once must agree with, recorded spans and pieces included.
def _raw_offset(pieces: tuple[tuple[int, int], ...], pos: int, end: bool = False) -> int:
    seen = 0
    for start, stop in pieces:
        length = stop - start
        if seen <= pos < seen + length or (end and seen < pos <= seen + length):
            return start + (pos - seen)
        seen += length
    if not pieces:
        return 0
    return pieces[-1][1] if pos > 0 else pieces[0][0]


def _cut_one(line: engine._Line, start: int, end: int) -> engine._Line:
    pieces: list[tuple[int, int]] = []
    seen = 0
    for a, b in line.pieces:
        lo, hi = seen, seen + (b - a)
        if hi <= start or lo >= end:
            pieces.append((a, b))
        else:
            if lo < start:
                pieces.append((a, a + (start - lo)))
            if hi > end:
                pieces.append((a + (end - lo), b))
        seen = hi
    kept = tuple(p for p in pieces if p[1] > p[0])
    return engine._Line(line.number, kept, line.text[:start] + line.text[end:])


def _cut_one_at_a_time(
    line: engine._Line, cuts: list[tuple[int, int]]
) -> tuple[engine._Line, list[tuple[tuple[int, int], str]]]:
    records = []
    for s, e in sorted(cuts, key=lambda x: -x[0]):
        text = line.text
        if s > 0 and e < len(text) and text[s - 1].isspace() and text[e].isspace():
            e += 1
        span = (_raw_offset(line.pieces, s), _raw_offset(line.pieces, e, end=True))
        records.append((span, text[s:e]))
        line = _cut_one(line, s, e)
    return line, records


def _separate_spans(length: int) -> st.SearchStrategy[list[tuple[int, int]]]:
    points = st.lists(st.integers(0, length), max_size=12).map(sorted)  # spans may touch
    return points.map(lambda p: [(a, b) for a, b in zip(p[::2], p[1::2], strict=False) if a < b])


@given(st.data())
@settings(max_examples=300, deadline=None)
def test_spans_cut_at_once_as_one_at_a_time(data: st.DataObject) -> None:
    text = data.draw(st.text(alphabet="ab é\t", max_size=30), "text")
    line = engine._Line(3, ((100, 100 + len(text)),), text)
    # a line already cut in an earlier pass is made of several pieces
    line, _ = _cut_one_at_a_time(line, data.draw(_separate_spans(len(text)), "earlier"))
    cuts = data.draw(_separate_spans(len(line.text)), "cuts")
    assume(cuts)  # the engine cuts lines that have spans
    expected, records = _cut_one_at_a_time(line, cuts)

    rule = rules_from_toml(MARKER_RULE).rules[0]
    state = engine._State([100], 0, CleanOptions(), frozenset())
    candidate = engine._Candidate(rule, 0, 0, 0)
    got = state._cut(line, [(s, e, candidate) for s, e in cuts])
    assert (got.pieces, got.text) == (expected.pieces, expected.text)
    assert [(r.span, r.text) for r in state.removals] == records
    for pos in range(-1, len(line.text) + 2):
        for end in (False, True):
            assert line.raw_offset(pos, end=end) == _raw_offset(line.pieces, pos, end)
