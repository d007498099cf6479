"""Seeing what the rules did: one article before/after, and two rulesets side by side.

An article's view is the text the text rules ran on (pasted text, or what extraction found in
a page) with every removal marked on it. The removals come from `clean/<key>.json` when that
record is current (same input bytes, same ruleset, same tool version); otherwise the article is
cleaned on the fly, so a view never shows a stale record.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.engine import normalize
from ingest.errors import InputError
from ingest.inputs import ReadOptions, display_path, read_document
from ingest.metadata import extractor
from ingest.output import read_body
from ingest.pipeline import clean_document
from ingest.record import Held, Record, Removed
from ingest.rules import Ruleset
from ingest.version import __version__

# One colour per category, for the terminal and the HTML report alike.
CATEGORY_COLOURS: dict[str, str] = {
    "paywall": "#d62728",
    "device-limit": "#e377c2",
    "donation": "#ff7f0e",
    "sponsor": "#bcbd22",
    "copyright": "#8c564b",
    "adblock": "#9467bd",
    "newsletter": "#1f77b4",
    "social": "#17becf",
    "related-links": "#2ca02c",
    "corrections": "#7f7f7f",
    "caption": "#aec7e8",
    "navigation": "#98df8a",
    "byline": "#c5b0d5",
    "junk": "#c7c7c7",
    "title": "#ffbb78",
    "language": "#f7b6d2",
    "comments": "#dbdb8d",
    "contact": "#9edae5",
    "boilerplate": "#e7ba52",  # lines repeated across a site's articles (ingest.repetition)
}
DEFAULT_COLOUR = "#ff9896"


def colour(category: str) -> str:
    return CATEGORY_COLOURS.get(category, DEFAULT_COLOUR)


def read_records(folder: Path) -> Iterator[tuple[Path, Record | InputError]]:
    """Every `<key>.json` in `folder`, in name order: its record, or the error that names it
    when it cannot be read or is not an ingest record (that record's error, not the reader's
    end)."""
    for path in sorted(folder.glob("*.json")):
        try:
            yield path, Record.read(path, display_path(path))
        except InputError as exc:
            yield path, exc


@dataclass(frozen=True)
class ArticleView:
    source: str
    key: str
    text: str  # what the text rules ran on, normalised as the engine sees it
    clean: str  # the body as `<key>.txt` holds it
    marks: tuple[Removed, ...]
    held_back: tuple[Held, ...]
    from_record: bool  # removals read from clean/<key>.json rather than cleaned now
    stale: str | None = None  # why the record was not read, when it was not

    @property
    def text_marks(self) -> tuple[Removed, ...]:
        return tuple(m for m in self.marks if m.span is not None)

    @property
    def page_marks(self) -> tuple[Removed, ...]:
        return tuple(m for m in self.marks if m.span is None)

    def segments(self) -> Iterator[tuple[str, Removed | None]]:
        """The text in order: kept stretches with None, removed stretches with their mark."""
        pos = 0
        for mark in sorted(self.text_marks, key=lambda m: m.span or (0, 0)):
            start, end = mark.span or (0, 0)
            if start < pos:  # overlapping records never come from the engine; show the first
                continue
            if start > pos:
                yield self.text[pos:start], None
            yield self.text[start:end], mark
            pos = end
        if pos < len(self.text):
            yield self.text[pos:], None

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "key": self.key,
            "from_record": self.from_record,
            "stale": self.stale,
            "text": self.text,
            "clean": self.clean,
            "removed": [m.to_json() for m in self.marks],
            "held_back": [h.to_json() for h in self.held_back],
        }


def view_article(
    path: Path,
    ruleset: Ruleset,
    *,
    clean_dir: Path | None = Path("clean"),
    url: str | None = None,
    read: ReadOptions | None = None,
) -> ArticleView:
    """The article at `path` with its removals marked: from its record in `clean_dir` when the
    record is current (a page is not extracted again), else cleaned now (`stale` says why)."""
    doc = read_document(path, read or ReadOptions())
    record, body, stale = _current_record(clean_dir, doc.key, doc.data, ruleset, page=doc.is_html)
    if record is None or body is None:
        result, record = clean_document(doc, ruleset, url=url)
        body = result.text
    # the text the rules ran on: a page's extraction, which the record keeps; pasted text as is
    text = record.extracted if doc.is_html else doc.text
    return ArticleView(
        source=record.source or doc.source,
        key=doc.key,
        text=normalize(text or ""),
        clean=body,
        marks=record.removed,
        held_back=record.held_back,
        from_record=stale is None,
        stale=stale,
    )


def _current_record(
    clean_dir: Path | None, key: str, data: bytes, ruleset: Ruleset, *, page: bool
) -> tuple[Record | None, str | None, str | None]:
    """`clean/<key>.json` and its body if they were made from these bytes, by these rules, this
    version of ingest and (for a page) this version of the extractor; else why not."""
    if clean_dir is None:
        return None, None, "no clean/ folder given"
    try:
        record = Record.read(clean_dir / f"{key}.json")
        body = read_body(clean_dir / f"{key}.json")
    except (OSError, InputError):
        return None, None, f"no readable record in {clean_dir}"
    changes = (
        (record.raw_sha256 != hashlib.sha256(data).hexdigest(), "the input changed"),
        (record.ruleset != ruleset.id, "the rules changed"),
        (record.tool_version != __version__, f"it was made by ingest {record.tool_version}"),
        (page and record.extractor != extractor(), f"it was extracted by {record.extractor}"),
        (
            page and record.extracted is None,
            "its page text is not in it (a record of before schema 2)",
        ),
        (record.text_sha256 != hashlib.sha256(body).hexdigest(), "its body file was changed"),
    )
    stale = next((why for changed, why in changes if changed), None)
    if stale is not None:
        return None, None, f"the record is stale: {stale}"
    return record, body.decode("utf-8").removesuffix("\n"), None


def marked(view: ArticleView) -> Iterator[tuple[str, Removed | None]]:
    """The view as pieces to print: kept text, and removed text followed by its label."""
    for piece, mark in view.segments():
        if mark is None:
            yield piece, None
        else:
            yield f"[-{piece}-]{{{mark.rule} · {mark.category}}}", mark


def unified(view: ArticleView) -> str:
    lines = difflib.unified_diff(
        view.text.splitlines(),
        view.clean.splitlines(),
        fromfile=f"{view.source} (before)",
        tofile=f"{view.key}.txt (after)",
        lineterm="",
    )
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class LineChange:
    text: str
    rules: tuple[str, ...]  # the rules that remove it, in the ruleset that does


@dataclass(frozen=True)
class Comparison:
    source: str
    removed: tuple[LineChange, ...]  # the current rules remove it; the baseline keeps it
    kept: tuple[LineChange, ...]  # the baseline removes it; the current rules keep it

    @property
    def changed(self) -> bool:
        return bool(self.removed or self.kept)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "removed": [{"text": c.text, "rules": list(c.rules)} for c in self.removed],
            "kept": [{"text": c.text, "rules": list(c.rules)} for c in self.kept],
        }


def compare(
    path: Path,
    current: Ruleset,
    baseline: Ruleset,
    *,
    url: str | None = None,
    read: ReadOptions | None = None,
) -> Comparison:
    """The lines one ruleset removes from an article and the other keeps, with the rules."""
    now = view_article(path, current, clean_dir=None, url=url, read=read)
    before = view_article(path, baseline, clean_dir=None, url=url, read=read)
    ours, theirs = now.clean.splitlines(), before.clean.splitlines()
    removed: list[LineChange] = []
    kept: list[LineChange] = []
    # a line's rules are looked for among the removals that differ between the two
    ours_only = _difference(now.marks, before.marks)
    theirs_only = _difference(before.marks, now.marks)
    matcher = difflib.SequenceMatcher(None, theirs, ours, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            removed += [LineChange(t, _rules_for(t, ours_only)) for t in theirs[i1:i2] if t]
        if tag in ("insert", "replace"):
            kept += [LineChange(t, _rules_for(t, theirs_only)) for t in ours[j1:j2] if t]
    return Comparison(now.source, tuple(removed), tuple(kept))


def _difference(marks: Sequence[Removed], other: Sequence[Removed]) -> list[Removed]:
    seen = {(m.rule, m.text) for m in other}
    return [m for m in marks if (m.rule, m.text) not in seen]


def _rules_for(line: str, marks: Sequence[Removed]) -> tuple[str, ...]:
    """The rules that removed this line: whole-line removals first, then overlapping ones."""
    words = " ".join(line.split())
    removed = [(" ".join(m.text.split()), m.rule) for m in marks]
    exact = [rule for text, rule in removed if text == words]
    overlapping = [rule for text, rule in removed if text and (text in words or words in text)]
    return tuple(dict.fromkeys(exact or overlapping))
