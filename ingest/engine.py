"""`clean(text, ruleset)`: the pure heart of ingest.

Text and ruleset in, `CleanResult` out: no I/O, no clock, no hidden state. The engine only
deletes (whole lines or spans of a line) and normalises blank lines; it never rewrites or adds
article text. Every deletion is recorded with the rule that made it and where it was in the raw
text. Removals that would take an implausibly large share of an article, one rule's or all of
them together, are held back and reported instead of applied.

Cleaning runs to a fixpoint: once lines are gone, a line that moved into a rule's window
("first 10 lines") or next to a marker may match; passes repeat until nothing changes, which is
also what makes cleaning idempotent.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import re2

from ingest.headline import find_headline, headline_key, headline_matcher
from ingest.language import (
    LINE_TRIALS,
    TRIALS,
    UNDETERMINED,
    Language,
    foreign_edge_runs,
    is_foreign,
    load_profiles,
    probabilities,
)
from ingest.removals import Fact, HeldBack, Removal
from ingest.rules import (
    BUILTIN_SCOPES,
    PATTERN_SCOPES,
    TEMPLATE_FIELD,
    FactValue,
    Rule,
    Ruleset,
    Shape,
)
from ingest.text import CONTROLS

# Lines at the edges are tried before rules that need context to fire; specific scopes first
# so that a line inside a paywall tail is credited to the device-limit rule that names it.
_SCOPE_PRIORITY = {"line": 0, "block": 1, "span": 2, "tail": 3}
# Residue rules describe shapes, not wording; a line both kinds match is credited to the other.
_CATCH_ALL = frozenset({"junk"})
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# what extraction puts before a list item's text
_LIST_MARKS = "-*•·»\u203a> \t"
# Patterns per RE2 set, and the memory each set's automaton may use.
_SET_SIZE = 32
_SET_MEMORY = 64 << 20
# The controls that are never text (ingest.text.CONTROLS), and the vertical tab and form
# feed. A pattern, not str.translate: translating with a table looks up every character (0.9
# ms for a 25-paragraph article, against 0.05 ms).
_DROPPED = re.compile(f"{CONTROLS.pattern}|[\x0b\x0c]")
_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))  # UTF-8's 10xxxxxx
# a UTF-8 character's length by its first byte's top four bits (RE2's CharLenToBytes table)
_UTF8_LENGTH = b"\1\1\1\1\1\1\1\1\1\1\1\1\2\2\3\4"
# A line of prose, for shape rules' positions: a full sentence (or more) of some length.
# Headlines, labels, captions' credits and list items are shorter or stop without a full stop.
_PROSE_WORDS = 12
_SENTENCE_END = re.compile(r"[.!?…][\"'”“’»«)\]]*$")


@dataclass(frozen=True)
class CleanOptions:
    # A rule may remove at most this share of an article's words, and so may all removals
    # together (a page's selector rules included)...
    guard_share: float = 0.5
    # ...but a rule that removes no more words than this always applies (boilerplate-sized),
    # and a paywall notice is believed only after this many words of article.
    guard_min_words: int = 30
    # Passes until the fixpoint; each pass only deletes, so this bound is rarely reached.
    max_passes: int = 6


@dataclass(frozen=True)
class CleanResult:
    text: str
    removals: tuple[Removal, ...]
    facts: tuple[Fact, ...]
    held_back: tuple[HeldBack, ...]
    title: str | None
    language: Language
    passes: int
    # The line (1-based, in the text as it came) each paragraph of `text` comes from: what
    # the input said of that line (a page's heading, list item, quote) goes with it.
    lines: tuple[int, ...] = ()


@dataclass
class _Line:
    number: int  # 1-based raw line number
    # raw offsets that make up `text`: non-empty, but for the one piece of an empty line
    pieces: tuple[tuple[int, int], ...]
    text: str

    @functools.cached_property
    def _seen(self) -> list[int]:
        """Where each piece starts in `text`."""
        return list(itertools.accumulate((b - a for a, b in self.pieces[:-1]), initial=0))

    def raw_offset(self, pos: int, *, end: bool = False) -> int:
        """Raw offset of text position `pos`; `end` resolves piece boundaries leftwards."""
        # By bisection: a line cut by many spans has as many pieces, and each span asks.
        if not self.pieces:
            return 0
        total = len(self.text)
        if not (0 <= pos < total or (end and 0 < pos <= total)):  # in no piece
            return self.pieces[-1][1] if pos > 0 else self.pieces[0][0]
        if len(self.pieces) == 1:  # most lines
            return self.pieces[0][0] + pos
        seen = self._seen
        i = max(bisect.bisect_left(seen, pos) - 1, 0) if end else bisect.bisect_right(seen, pos) - 1
        return self.pieces[i][0] + (pos - seen[i])

    def keep(self, segments: Sequence[tuple[int, int]]) -> _Line:
        """The line with only these (ascending, separate, non-empty) stretches of its text:
        each piece split where text between them went, as cutting the gaps would split it."""
        pieces: list[tuple[int, int]] = []
        k, seen = 0, 0
        for a, b in self.pieces:
            lo, hi = seen, seen + (b - a)
            while k < len(segments) and segments[k][1] <= lo:
                k += 1
            j = k
            while j < len(segments) and segments[j][0] < hi:
                x, y = max(lo, segments[j][0]), min(hi, segments[j][1])
                pieces.append((a + (x - lo), a + (y - lo)))
                j += 1
            seen = hi
        text = "".join(self.text[x:y] for x, y in segments)
        return _Line(self.number, tuple(pieces), text)


@dataclass(frozen=True)
class _Candidate:
    rule: Rule
    order: int
    first: int  # line indices into the pass's lines, inclusive
    last: int
    span: tuple[int, int] | None = None  # (start, end) within line `first`, for span scope
    facts: tuple[tuple[str, FactValue], ...] = ()


@dataclass
class _Pass:
    """One pass's view of the document: the lines still present, as one text."""

    lines: list[_Line]
    texts: list[str] = field(init=False)  # stripped, '' for blank
    work: str = field(init=False)
    starts: list[int] = field(init=False)
    rank: list[int] = field(init=False)  # number of non-blank lines before each line
    n_content: int = field(init=False)

    def __post_init__(self) -> None:
        self.texts = [_visible(line.text) for line in self.lines]
        self.work = "\n".join(line.text for line in self.lines)
        self.starts = []
        offset = 0
        for line in self.lines:
            self.starts.append(offset)
            offset += len(line.text) + 1
        self.rank = []
        count = 0
        for t in self.texts:
            self.rank.append(count)
            count += 1 if t else 0
        self.n_content = count

    @functools.cached_property
    def data(self) -> bytes:
        """`work` in UTF-8: what the patterns search.

        Given a str, RE2's wrapper encodes all of it on every call, and counts its characters
        from the start up to where the search begins: a search from each of many lines of a
        long text cost the square of its length (issue 12). Given bytes it does neither, so
        the text is encoded once a pass and searched with byte offsets.
        """
        return self.work.encode()

    @functools.cached_property
    def byte_starts(self) -> list[int]:
        """Where each line starts in `data`."""
        if len(self.data) == len(self.work):  # ASCII: a byte a character
            return self.starts
        sizes = (len(line.text.encode()) + 1 for line in self.lines[:-1])
        return list(itertools.accumulate(sizes, initial=0))

    @functools.cached_property
    def content(self) -> list[int]:
        """The non-blank lines."""
        return [i for i, t in enumerate(self.texts) if t]

    @functools.cached_property
    def prose(self) -> list[int]:
        """Which of `content` are prose (for shape rules' positions; all of them ask)."""
        return [k for k, i in enumerate(self.content) if _is_prose(self.texts[i])]

    def line_at(self, byte: int) -> int:
        """The line that holds byte `byte` of `data`."""
        return bisect.bisect_right(self.byte_starts, byte) - 1


class _Chars:
    """Offsets in `work` of offsets in `data`, asked in ascending order as matches come: each
    counts on from the one before, so that all of them cost one reading of the text."""

    def __init__(self, p: _Pass) -> None:
        self.data = p.data
        self.ascii = len(p.data) == len(p.work)
        self.byte = self.char = 0

    def __call__(self, byte: int) -> int:
        if self.ascii:
            return byte
        if byte < self.byte:
            self.byte = self.char = 0
        # a character is a byte that does not continue one
        self.char += len(self.data[self.byte : byte].translate(None, _CONTINUATION_BYTES))
        self.byte = byte
        return self.char


def clean(
    text: str,
    ruleset: Ruleset,
    *,
    site: str | None = None,
    headline: str | None = None,
    links: frozenset[str] = frozenset(),
    removed_before: int = 0,
    page: bool = False,
    options: CleanOptions | None = None,
) -> CleanResult:
    """Clean `text` with `ruleset`. `site` (a domain) enables that site's scoped rules.

    `headline` is the page's known title (from HTML metadata): it is the result's title, and
    lines repeating it leave the body. Without it a line that reads as a headline is the title
    and stays in the body (`find_headline`). `links` are the texts of the page's links
    (`ingest.extraction.link_texts`); pasted text has none. `removed_before` is what earlier stages
    took from the article, in words (a page's selector rules: `Page.removed_words`): the guard
    judges them and this text's removals together. `page` says the text was extracted from a
    page, not pasted: the rules whose `inputs` leave out its kind do not run.
    """
    options = options or CleanOptions()
    # An RE2 set pays for itself over several texts: the first text a process cleans with a
    # ruleset (all that `ingest clean one.txt` cleans) scans rule by rule instead of building
    # the sets (0.36 s); the next ones build and use them (`warm_up` builds them ahead).
    prefilter = _pattern_prefilter(ruleset) if ruleset.id in _CLEANED else _each_rule
    _CLEANED.add(ruleset.id)
    together: list[HeldBack] = []
    while True:
        # When the removals together take too much, which of them misfired cannot be told:
        # the article is cleaned again without any of the large ones.
        result, more = _clean(
            text,
            ruleset,
            site=site,
            headline=headline,
            links=links,
            removed_before=removed_before,
            kind="page" if page else "text",
            options=options,
            disabled=frozenset(h.rule for h in together),
            prefilter=prefilter,
        )
        if not more:
            return replace(result, held_back=(*together, *result.held_back))
        together += more


def _clean(
    text: str,
    ruleset: Ruleset,
    *,
    site: str | None,
    headline: str | None,
    links: frozenset[str],
    removed_before: int,
    kind: str,
    options: CleanOptions,
    disabled: frozenset[str],
    prefilter: Callable[[bytes, _Indexed], _Indexed],
) -> tuple[CleanResult, list[HeldBack]]:
    """One cleaning of `text` without the `disabled` rules: the result, and the rules to hold
    back because the removals together take too much of the article (none: the result stands)."""
    raw = normalize(text)
    lines: list[_Line] = []
    offset = 0
    for number, line in enumerate(raw.split("\n"), start=1):
        lines.append(_Line(number, ((offset, offset + len(line)),), line))
        offset += len(line) + 1
    raw_lines = tuple(lines)
    line_words = [_words(line.text) for line in lines]
    rules = [r for r in ruleset.rules if r.applies_to(site) and kind in r.inputs]
    pattern_rules = [(i, r) for i, r in enumerate(rules) if r.scope in PATTERN_SCOPES]
    builtin_rules = [(i, r) for i, r in enumerate(rules) if r.scope in BUILTIN_SCOPES]
    shape_rules = [(i, r) for i, r in enumerate(rules) if r.shape is not None]
    neighbours = _Neighbours([_visible(line.text) for line in lines])

    state = _State(line_words, removed_before, options, disabled)
    # Detection dominates the cost of cleaning; passes see the same body and lines again.
    bodies: dict[str, Language] = {}
    foreign_lines: dict[tuple[str, str], bool] = {}

    def body_language(p: _Pass) -> Language:
        body = "\n".join(t for t in p.texts if t)
        if body not in bodies:
            found = probabilities(body, TRIALS)
            bodies[body] = found[0] if found else UNDETERMINED
        return bodies[body]

    def foreign(text: str, article: Language) -> bool:
        if (text, article.code) not in foreign_lines:
            foreign_lines[text, article.code] = is_foreign(text, article, LINE_TRIALS)
        return foreign_lines[text, article.code]

    # the prefilter answers for all the ruleset's patterns: the pass asks about its own
    every = list(enumerate(r for r in ruleset.rules if r.scope in PATTERN_SCOPES))
    order = {id(r): i for i, r in pattern_rules}
    # The body's language is needed by the foreign-language check alone, and detection is most
    # of the cost of cleaning: the other rules settle first, so that the body is judged once
    # (twice when a foreign run goes), and the final judgement is the one the result reports.
    textual = [(i, r) for i, r in builtin_rules if r.scope != "foreign-language"]
    by_language = [(i, r) for i, r in builtin_rules if r.scope == "foreign-language"]
    passes = 0
    current = _Pass(lines)
    while passes < options.max_passes:
        passes += 1
        candidates = [
            c
            for _, r in prefilter(current.data, every)
            if id(r) in order
            for c in _match(r, order[id(r)], current)
        ]
        lines, changed_a = state.apply(current, candidates)
        if changed_a:
            current = _Pass(lines)
        own = None if headline else _own_headline(raw_lines, current, state.removals)
        candidates = [c for i, r in textual for c in _builtin(r, i, current, headline, own, links)]
        lines, changed_b = state.apply(current, candidates)
        if changed_b:
            current = _Pass(lines)
        if (changed_a or changed_b) and passes < options.max_passes:
            continue
        # Shape rules judge what the rules that name their text leave: a line both would take
        # is credited to the one that names it.
        candidates = [c for i, r in shape_rules for c in _shape(r, i, current, neighbours)]
        lines, changed_s = state.apply(current, candidates)
        if changed_s:
            current = _Pass(lines)
            if passes < options.max_passes:
                continue
        candidates = [
            c for i, r in by_language for c in _foreign(r, i, current, body_language, foreign)
        ]
        lines, changed_c = state.apply(current, candidates)
        if not changed_c:
            break
        current = _Pass(lines)

    final = current
    own = None if headline else _own_headline(raw_lines, final, state.removals)
    result = CleanResult(
        text="\n\n".join(t for t in final.texts if t),
        removals=tuple(sorted(state.removals, key=lambda r: (r.span, r.rule))),
        facts=tuple(sorted(state.facts, key=lambda f: (f.line, f.rule, f.name))),
        held_back=tuple(state.held_back),
        title=headline or (final.texts[own] if own is not None else None),
        language=body_language(final),
        passes=passes,
        lines=tuple(line.number for line, t in zip(final.lines, final.texts, strict=True) if t),
    )
    return result, state.over_budget()


def _own_headline(lines: Sequence[_Line], p: _Pass, removals: Iterable[Removal]) -> int | None:
    """Where the text's own headline is among the lines of pass `p` (`find_headline`), judged
    with the lines the rules removed as bylines in their places: they confirm the headline
    above them. `lines` are the text's lines as it came in."""
    kept = {line.number: i for i, line in enumerate(p.lines)}
    bylines = {
        n
        for r in removals
        if r.category == "byline"
        for n in range(r.lines[0], r.lines[1] + 1)
        if n not in kept
    }
    texts = [
        p.texts[kept[line.number]]
        if line.number in kept
        else _visible(line.text)
        if line.number in bylines
        else ""
        for line in lines
    ]
    head = find_headline(texts, {n - 1 for n in bylines})
    return kept[head + 1] if head is not None else None


def normalize(text: str) -> str:
    """The text the engine works on: \r\n and \r become \n; other control characters go.

    Line numbers and offsets in removals refer to this text. Control characters (form feeds,
    NULs, C1 controls) are never article text, and patterns could not see them as space.
    """
    return _DROPPED.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def warm_up(ruleset: Ruleset) -> None:
    """Build ahead what the first clean() builds and every later one reuses: the prefilter of
    the ruleset's patterns, and langdetect's profiles (about 0.9 s together), so that
    worker processes forked afterwards inherit them instead of each building its own."""
    _pattern_prefilter(ruleset)
    _CLEANED.add(ruleset.id)
    load_profiles()


def _words(text: str) -> int:
    return sum(1 for word in text.split() if word.strip(_INVISIBLE))


_Indexed = list[tuple[int, Rule]]
# The ids of the rulesets this process has cleaned with (or warmed up).
_CLEANED: set[str] = set()


def _each_rule(_text: bytes, indexed: _Indexed) -> _Indexed:
    return indexed


def _pattern_prefilter(ruleset: Ruleset) -> Callable[[bytes, _Indexed], _Indexed]:
    """The prefilter of all the ruleset's patterns, whatever the site and kind of text: one
    for every clean() with this ruleset, so that warm_up() builds the one clean() uses."""
    return _prefilter(tuple(r for r in ruleset.rules if r.scope in PATTERN_SCOPES))


@functools.lru_cache(maxsize=64)
def _prefilter(rules: tuple[Rule, ...]) -> Callable[[bytes, _Indexed], _Indexed]:
    """One scan of the text per group of patterns: the rules that match it anywhere.

    An RE2 set answers "which of these patterns match?" in a single scan; only those rules
    then run their own match (for positions, groups and `cut`). Most rules match nothing in
    most articles, so the cost grows little with the number of rules (bench/speed.py). Sets
    hold _SET_SIZE patterns each, which keeps each one's automaton within _SET_MEMORY, and
    are built once per group: a ruleset with one rule more (a site's `repeated-line`) builds
    only its last set again.
    """
    groups = [
        (first, _pattern_set(rules[first : first + _SET_SIZE]))
        for first in range(0, len(rules), _SET_SIZE)
    ]

    def matching(text: bytes, indexed: _Indexed) -> _Indexed:
        hits: set[int] = set()
        for first, patterns in groups:
            size = min(_SET_SIZE, len(indexed) - first)
            try:
                found = range(size) if patterns is None else patterns.Match(text) or ()
            except re2.error:
                found = range(size)
            hits.update(first + n for n in found)
        return [pair for n, pair in enumerate(indexed) if n in hits]

    return matching


@functools.lru_cache(maxsize=256)
def _pattern_set(rules: tuple[Rule, ...]) -> Any:
    """An RE2 set of these rules' patterns; None when it is too large for a set (the rules
    then scan on their own)."""
    options = re2.Options()
    options.max_mem = _SET_MEMORY
    options.log_errors = False
    patterns = re2.Set.SearchSet(options)
    try:
        for rule in rules:
            patterns.Add(rule.compiled.pattern)
        patterns.Compile()
    except re2.error:
        return None
    return patterns


def _visible(text: str) -> str:
    return text.strip().strip(_INVISIBLE).strip()


def _match(rule: Rule, order: int, p: _Pass) -> Iterable[_Candidate]:
    cut = rule.compiled.groupindex.get("cut")  # RE2's span() takes group numbers only
    chars = _Chars(p)
    for m in _finditer(rule.compiled, p.data):
        start, end = m.span(cut) if cut is not None else m.span()  # in bytes
        if start < 0 or end <= start:
            continue
        first = p.line_at(start)
        if not _in_window(rule, p, first):
            continue
        last = p.line_at(end - 1)
        facts = _facts(rule, m)
        if rule.scope == "line":
            yield _Candidate(rule, order, first, last, facts=facts)
        elif rule.scope == "tail":
            yield _Candidate(rule, order, first, len(p.lines) - 1, facts=facts)
        elif rule.scope == "span":
            if first == last:
                base = p.starts[first]
                span = (chars(start) - base, chars(end) - base)
                yield _Candidate(rule, order, first, first, span, facts)
            else:
                yield _Candidate(rule, order, first, last, facts=facts)
        else:  # block: ends at the first end marker within max_lines non-blank lines
            if last + 1 >= len(p.lines):
                continue
            limit = bisect.bisect_left(p.rank, p.rank[first] + rule.max_lines + 1)
            endpos = p.byte_starts[limit] if limit < len(p.lines) else len(p.data)
            stop = rule.compiled_end.search(p.data, p.byte_starts[last + 1], endpos)
            if stop is None or stop.end() <= stop.start():
                continue
            yield _Candidate(rule, order, first, p.line_at(stop.end() - 1), facts=facts)


def _finditer(pattern: Any, data: bytes) -> Iterator[Any]:
    """The matches `pattern.finditer` finds in the str that `data` encodes, found in `data`.

    The wrapper's finditer steps on one character after an empty match in a str, but one byte
    in bytes: this steps a character, so that the searches (and the matches) are the same.
    """
    pos = 0
    while (m := pattern.search(data, pos)) is not None:
        yield m
        if pos == len(data):
            return
        pos = m.end() if m.end() != pos else pos + _UTF8_LENGTH[data[pos] >> 4]


def _in_window(rule: Rule, p: _Pass, line: int) -> bool:
    if rule.within is None:
        return True
    if rule.within.side == "first":
        return p.rank[line] < rule.within.lines
    return p.rank[line] >= p.n_content - rule.within.lines


def _overlaps(taken: list[tuple[int, int]], s: int, e: int) -> bool:
    """Whether [s, e) overlaps one of `taken`, separate spans in order: only the last one that
    starts before `e` can (comparing with all of them made many spans on a line quadratic)."""
    i = bisect.bisect_left(taken, e, key=lambda t: t[0])
    return i > 0 and taken[i - 1][1] > s


def _facts(rule: Rule, match: Any) -> tuple[tuple[str, FactValue], ...]:
    """The rule's facts with {group} templates filled; a fact that fills to nothing is dropped.

    Groups that did not take part in the match fill as empty, so "{a}{b}" works across
    alternatives that each capture the value in their own group.
    """
    if not rule.facts:
        return ()
    groups = {k: v.decode() for k, v in match.groupdict().items() if v is not None}
    out: list[tuple[str, FactValue]] = []
    for name, value in rule.facts:
        if isinstance(value, str):
            value = TEMPLATE_FIELD.sub(
                lambda m: " ".join((groups.get(m.group(1)) or "").split()), value
            )
            value = value.strip()
            if not value:
                continue
        out.append((name, value))
    return tuple(out)


def _builtin(
    rule: Rule,
    order: int,
    p: _Pass,
    known: str | None,
    head: int | None,
    links: frozenset[str],
) -> Iterable[_Candidate]:
    """`known` is the page's title; `head` the line of the text's own headline (`_own_headline`)."""
    if rule.scope == "repeated-headline":
        if known:  # a page's title: every copy of it leaves the body
            same, start = headline_matcher(known), 0
        else:  # the text's own headline stays; its repeats go
            if head is None:
                return
            key, start = headline_key(p.texts[head]), head + 1

            def same(text: str) -> bool:
                return headline_key(text) == key

        for i in range(start, len(p.lines)):
            if p.texts[i] and same(p.texts[i]):
                yield _Candidate(rule, order, i, i)
    elif rule.scope == "link-tail" and links:
        # the lines that end the text and are each one whole link of the page: a list of other
        # pages' headlines that extraction took in with the article
        run = []
        for i in reversed(range(len(p.lines))):
            if p.texts[i] and " ".join(p.texts[i].lstrip(_LIST_MARKS).split()) not in links:
                break
            run.append(i)
        content = [i for i in run if p.texts[i]]
        if content:
            yield _Candidate(rule, order, content[-1], content[0])


class _Neighbours:
    """The nearest non-blank line before and after each line of the raw text.

    A shape rule's neighbours are the text's as it came: a caption is still above its photo
    credit when a rule has already taken the credit away.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        self.before: list[int | None] = []
        last: int | None = None
        for i, text in enumerate(texts):
            self.before.append(last)
            last = i if text else last
        self.after: list[int | None] = [None] * len(texts)
        last = None
        for i in reversed(range(len(texts))):
            self.after[i] = last
            last = i if texts[i] else last

    def fit(self, first: int, last: int, shape: Shape) -> bool:
        """Whether the raw lines around the run of raw lines `first`..`last` (0-based) are
        what `shape` asks: the line before the run (`below`), after it (`above`), either."""
        for side, pattern in shape.compiled:
            ends = {
                "beside": (self.before[first], self.after[last]),
                "above": (self.after[last],),
                "below": (self.before[first],),
            }[side]
            if not any(n is not None and pattern.search(self.texts[n]) for n in ends):
                return False
        return True


def _is_prose(text: str) -> bool:
    return _words(text) >= _PROSE_WORDS and _SENTENCE_END.search(text) is not None


def _has_shape(shape: Shape, text: str) -> bool:
    if not shape.words[0] <= _words(text) <= shape.words[1]:
        return False
    if shape.sentence is not None and (_SENTENCE_END.search(text) is not None) != shape.sentence:
        return False
    if shape.case is not None:
        letters = [ch for ch in text.lstrip(_LIST_MARKS) if ch.isalpha()]
        if not letters:
            return False
        if shape.case == "upper":
            return all(ch.isupper() for ch in letters if ch.upper() != ch.lower())
        return letters[0].isupper()
    return True


def _shape(rule: Rule, order: int, p: _Pass, neighbours: _Neighbours) -> Iterable[_Candidate]:
    """Runs of at least `shape.run` lines in a row that each have the rule's shape and hold a
    match of its pattern (if it has one), where the rule's position allows, between the
    neighbours it asks for."""
    shape = rule.shape
    assert shape is not None
    content, prose = p.content, p.prose
    allowed: Sequence[int]
    if shape.position == "anywhere":
        allowed = range(len(content))
    else:
        if not prose:
            return  # a text of no prose has no before or after
        before = range(prose[0])
        after = range(prose[-1] + 1, len(content))
        allowed = {
            "before-prose": before,
            "after-prose": after,
            "outside-prose": [*before, *after],
            "end": after,
        }[shape.position]
    run: list[int] = []
    previous = -2
    for k in allowed:
        i = content[k]
        text = p.texts[i]
        fits = (
            _in_window(rule, p, i)
            and _has_shape(shape, text)
            and (rule.compiled is None or rule.compiled.search(text) is not None)
            # a line the neighbour patterns name (the heading over a list) is not in the run
            and not any(pattern.search(text) for _, pattern in shape.compiled)
        )
        if run and (not fits or k != previous + 1):
            yield from _shape_run(rule, order, p, run, neighbours, at_end=False)
            run = []
        if fits:
            run.append(i)
        previous = k
    yield from _shape_run(rule, order, p, run, neighbours, at_end=run[-1:] == content[-1:])


def _shape_run(
    rule: Rule, order: int, p: _Pass, run: list[int], neighbours: _Neighbours, *, at_end: bool
) -> Iterator[_Candidate]:
    """The run of lines (indices into the pass) as a candidate, if it is one."""
    shape = rule.shape
    assert shape is not None
    if len(run) < shape.run or (shape.position == "end" and not at_end):
        return
    if neighbours.fit(p.lines[run[0]].number - 1, p.lines[run[-1]].number - 1, shape):
        yield _Candidate(rule, order, run[0], run[-1])


def _foreign(
    rule: Rule,
    order: int,
    p: _Pass,
    body_language: Callable[[_Pass], Language],
    foreign: Callable[[str, Language], bool],
) -> Iterable[_Candidate]:
    content = p.content
    article = body_language(p)
    texts = [p.texts[i] for i in content]
    for lo, hi in foreign_edge_runs(texts, article, lambda line: foreign(line, article)):
        yield _Candidate(rule, order, content[lo], content[hi])


class _State:
    """What the passes have removed, held back and learned so far.

    The guard's article is the raw text plus what earlier stages took from it
    (`removed_before`), less what follows a paywall notice the text announces (see `_believed`).
    """

    def __init__(
        self,
        line_words: list[int],
        removed_before: int,
        options: CleanOptions,
        disabled: frozenset[str],
    ) -> None:
        self.line_words = line_words  # per raw line
        self.disabled = disabled  # rules held back because the removals together took too much
        self.removed_before = removed_before
        self.total_words = sum(line_words) + removed_before
        self.options = options
        self.removals: list[Removal] = []
        self.facts: list[Fact] = []
        self.held_back: list[HeldBack] = []
        self.removed_words: dict[str, int] = {}
        self.announced: int | None = None  # raw line of the first believed paywall notice

    def _believed(self, p: _Pass, c: _Candidate) -> bool:
        """A tail whose match says the text stops here (`truncated = true`) after some article:
        what follows is the paywall, however long, not article. At the top of a text, before
        any article, the notice is a banner over a page that may be whole, and it is judged
        like any other removal."""
        return (
            c.rule.scope == "tail"
            and ("truncated", True) in c.facts
            and sum(_words(line.text) for line in p.lines[: c.first])
            >= self.options.guard_min_words
        )

    def over_budget(self) -> list[HeldBack]:
        """The rules to hold back when all removals together take more than the guard's share
        of the article: every one that removed more than a boilerplate-sized removal. Small
        removals and a believed paywall tail stay; the guard cannot tell which of the others
        misfired, so the article keeps its text and `held_back` names them all."""
        end = self.announced or len(self.line_words) + 1
        article = sum(self.line_words[: end - 1]) + self.removed_before
        words: dict[str, int] = {}
        spans: dict[str, tuple[str, int, int]] = {}
        for r in self.removals:
            if r.lines[0] >= end:
                continue
            words[r.rule] = words.get(r.rule, 0) + _words(r.text)
            _, first, last = spans.get(r.rule, (r.category, r.lines[0], r.lines[1]))
            spans[r.rule] = (r.category, min(first, r.lines[0]), max(last, r.lines[1]))
        # Small removals always apply, so they are out of the reckoning on both sides: the
        # large ones are judged against the text the small ones leave. Cleaning the result
        # again (where the small ones are gone) then judges the large ones the same way, which
        # keeps cleaning idempotent.
        large = [rule for rule, n in words.items() if n > self.options.guard_min_words]
        small = sum(n for rule, n in words.items() if rule not in large)
        taken = sum(words[rule] for rule in large) + self.removed_before
        if not large or taken <= self.options.guard_share * (article - small):
            return []
        return [
            HeldBack(
                rule=rule,
                category=spans[rule][0],
                lines=spans[rule][1:],
                words=words[rule],
                share=round(words[rule] / max(article, 1), 4),
                reason="together",
            )
            for rule in sorted(large, key=lambda rule: (spans[rule][1], rule))
        ]

    def apply(self, p: _Pass, candidates: Sequence[_Candidate]) -> tuple[list[_Line], bool]:
        candidates = [c for c in candidates if c.rule.id not in self.disabled]
        claimed: dict[int, _Candidate] = {}
        spans: dict[int, list[tuple[int, int, _Candidate]]] = {}
        bounds: dict[int, list[tuple[int, int]]] = {}  # each line's spans, in order
        ordered = sorted(
            candidates,
            key=lambda c: (
                _SCOPE_PRIORITY.get(c.rule.scope, 9),
                c.rule.category in _CATCH_ALL,
                c.order,
                c.first,
            ),
        )
        groups: dict[str, list[_Candidate]] = {}
        for c in ordered:
            groups.setdefault(c.rule.id, []).append(c)
        applied: list[tuple[_Candidate, list[int]]] = []
        for rule_id, group in groups.items():
            new_lines: dict[int, _Candidate] = {}
            new_spans: list[tuple[int, int, int, _Candidate]] = []
            new_bounds: dict[int, list[tuple[int, int]]] = {}
            reach = -1
            for c in group:
                if c.span is None:
                    # A group comes in order of first line (the sort above), so the lines up
                    # to `reach` went to an earlier candidate or were claimed: only the rest
                    # are walked. Tail candidates, each to the end of the text, cost the
                    # square of its length when each walked all its lines.
                    for i in range(max(c.first, reach + 1), c.last + 1):
                        if i not in claimed and i not in new_lines:
                            new_lines[i] = c
                    reach = max(reach, c.last)
                elif c.first not in claimed and c.first not in new_lines:
                    s, e = c.span
                    mine = new_bounds.setdefault(c.first, [])
                    if not _overlaps(bounds.get(c.first, []), s, e) and not _overlaps(mine, s, e):
                        new_spans.append((c.first, s, e, c))
                        bisect.insort(mine, (s, e))
            words = sum(_words(p.lines[i].text) for i in new_lines)
            words += sum(_words(p.lines[j].text[s:e]) for j, s, e, _ in new_spans)
            if not any(p.texts[i] for i in new_lines) and not new_spans:
                continue
            before = self.removed_words.get(rule_id, 0)
            believed = self._believed(p, group[0])
            if (
                not believed
                and words > self.options.guard_min_words
                and before + words > self.options.guard_share * self.total_words
            ):
                rule = group[0].rule
                touched = sorted({*new_lines, *(j for j, *_ in new_spans)})
                self.held_back.append(
                    HeldBack(
                        rule=rule_id,
                        category=rule.category,
                        lines=(p.lines[touched[0]].number, p.lines[touched[-1]].number),
                        words=words,
                        share=round((before + words) / max(self.total_words, 1), 4),
                        reason="rule-share",
                    )
                )
                continue
            if believed:
                number = p.lines[group[0].first].number
                self.announced = min(self.announced or number, number)
            self.removed_words[rule_id] = before + words
            claimed.update(new_lines)
            for j, s, e, c in new_spans:
                spans.setdefault(j, []).append((s, e, c))
            for j, added in new_bounds.items():
                bounds[j] = sorted([*bounds.get(j, ()), *added])
            by_candidate: dict[int, tuple[_Candidate, list[int]]] = {}
            for i, c in sorted(new_lines.items()):
                by_candidate.setdefault(id(c), (c, []))[1].append(i)
            applied.extend(by_candidate.values())

        for c, indices in applied:
            self._record_lines(p, c, indices)
        new: list[_Line] = []
        for i, line in enumerate(p.lines):
            if i in claimed:
                continue
            if i in spans:
                line = self._cut(line, spans[i])
            new.append(line)
        return new, bool(claimed or spans)

    def _record_lines(self, p: _Pass, c: _Candidate, indices: list[int]) -> None:
        runs: list[list[int]] = [[indices[0]]]
        for i in indices[1:]:
            if i == runs[-1][-1] + 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        first_run = True
        for whole in runs:
            # blank lines at either end of a run are not part of the removal (trimmed by
            # index: popping them off the front one by one cost the run's length for each)
            lo, hi = 0, len(whole)
            while hi > lo and not p.texts[whole[hi - 1]]:
                hi -= 1
            while lo < hi and not p.texts[whole[lo]]:
                lo += 1
            run = whole[lo:hi]
            if not run:
                continue
            a, b = p.lines[run[0]], p.lines[run[-1]]
            facts = c.facts if first_run else ()
            span = (a.raw_offset(0), b.raw_offset(len(b.text), end=True))
            text = "\n".join(p.lines[i].text for i in run)
            self._add(c.rule, (a.number, b.number), span, text, facts)
            first_run = False

    def _cut(self, line: _Line, cuts: list[tuple[int, int, _Candidate]]) -> _Line:
        """The line without these spans, each recorded. They go last first, as if one at a
        time: a span between two spaces takes the one after it too, in the line as cut so far.

        The line is copied once, not once a span: a long line with many spans cost the
        product of its length and their number.
        """
        text = line.text
        # The line as cut so far: text[:end], then the stretches of text in `rest` (the
        # rightmost first).
        end = len(text)
        rest: list[tuple[int, int]] = []
        for s, e, c in sorted(cuts, key=lambda x: -x[0]):
            after = e if e < end else rest[-1][0] if rest else None  # where the next character is
            if s > 0 and after is not None and text[s - 1].isspace() and text[after].isspace():
                removed, stop = text[s:e] + text[after], after + 1
            else:
                removed, stop = text[s:e], e
            if stop <= end:
                if stop < end:
                    rest.append((stop, end))
            else:  # the space taken was the first character of rest
                a, b = rest.pop()
                if a + 1 < b:
                    rest.append((a + 1, b))
            span = (line.raw_offset(s), line.raw_offset(stop, end=True))
            self._add(c.rule, (line.number, line.number), span, removed, c.facts)
            end = s
        if end > 0:
            rest.append((0, end))
        return line.keep(rest[::-1])

    def _add(
        self,
        rule: Rule,
        lines: tuple[int, int],
        span: tuple[int, int],
        text: str,
        facts: tuple[tuple[str, FactValue], ...],
    ) -> None:
        self.removals.append(Removal(rule.id, rule.category, lines, span, text, facts))
        for name, value in facts:
            self.facts.append(Fact(name, value, rule.id, lines[0]))
