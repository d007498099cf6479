"""Repetition across a batch: a line that recurs verbatim in several articles of one site is
that site's boilerplate (the signal behind CCNet's and RefinedWeb's line deduplication).

`ingest clean` and `ingest fetch`, once every article of the batch is cleaned
(`ingest.pipeline.remove_repeated`): an article holding repeated lines is cleaned again with
one more rule, `repeated-line`, scoped to its site, so that the lines leave through the engine
like any rule's removal (raw line numbers and offsets, the guard) and its record names the
other articles that hold each line (`evidence`).

What counts:

- A line is one non-blank line of a clean body, whitespace-normalised.
- An article's lines are those of its body before repetition: its `.txt` plus what
  `repeated-line` took from it, so that a record an earlier run wrote counts as it did then.
- Only within one site (the record's `site`); articles without a site are never grouped.
- Stories, not records: a line counts when at least `min_articles` articles hold it that are
  pairwise different stories. Two articles are one story when the lines they share hold at
  least `same_story` of the words of the shorter one: a page fetched twice, a wire story on
  two pages, the versions of a story updated through the day share their paragraphs because
  they are one text, not because the site prints them on every page.

Pure but for `read_articles`, which reads records; no clock, no global state but caches.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import re2

from ingest.engine import CleanResult
from ingest.errors import RuleError
from ingest.rules import Examples, Rule, Ruleset

RULE_ID = "repeated-line"
# Not one of the rule files' categories: what the line is (a promo, a tagline, a menu) is not
# known, only that the site prints it on many pages.
CATEGORY = "boilerplate"
WHY = (
    "A line found verbatim in several articles of this site (each a different story): the "
    "site's boilerplate, not one article's text."
)
# Horizontal space as the rule files write it: after normalisation it is every character
# str.split() splits a line on.
_SPACE = r"[\pZ\t]"
_RE2_SPECIAL = frozenset("\\.^$|?*+()[]{}")


@dataclass(frozen=True)
class RepetitionOptions:
    # A line is boilerplate once this many articles of one site (different stories) hold it.
    min_articles: int = 3
    # Two articles are one story when their shared lines hold this share of the words of the
    # shorter one.
    same_story: float = 0.5
    # Keys of the other articles named in a removal's evidence (the count names them all).
    evidence_keys: int = 10


@dataclass(frozen=True)
class Article:
    """One article as repetition sees it: its site and its lines before repetition."""

    key: str
    site: str | None
    lines: tuple[str, ...]  # normalised, non-blank, in order (repeated-line's last)
    language: str | None = None
    held_back: tuple[str, ...] = ()  # the rules its record says the guard held back


@dataclass(frozen=True)
class Repeats:
    """What an article's second cleaning needs: its site's repeated lines (the rule's
    pattern) and, for each line it holds, the other articles that hold it."""

    site: str
    lines: tuple[str, ...]
    evidence: tuple[tuple[str, int, tuple[str, ...]], ...]  # line, count of others, keys
    held_back: tuple[str, ...] = ()  # the rules the first cleaning held back


def normalise(line: str) -> str:
    return " ".join(line.split())


def body_lines(text: str) -> list[str]:
    """The normalised non-blank lines of a body."""
    return [n for n in (normalise(line) for line in text.split("\n")) if n]


def article_from_record(key: str, meta: Mapping[str, Any], body: str) -> Article:
    """An article from its record and its `.txt` body: the body's lines and the lines
    `repeated-line` removed, which it held before repetition."""
    lines = body_lines(body)
    for entry in meta.get("removed", []):
        if entry.get("rule") == RULE_ID and entry.get("stage") == "text":
            lines += body_lines(str(entry.get("text", "")))
    site = meta.get("site")
    language = meta.get("language")
    held = tuple(sorted({str(h.get("rule")) for h in meta.get("held_back", [])}))
    return Article(
        key,
        site if isinstance(site, str) and site else None,
        tuple(lines),
        language if isinstance(language, str) else None,
        held,
    )


def read_articles(paths: Iterable[Path]) -> tuple[list[Article], list[str]]:
    """The articles of the ingest records in `paths` (folders of `<key>.json` and `<key>.txt`,
    or `.json` files), and a note on each `.json` that is not a usable record.

    A record whose `.txt` is missing or does not match its `text_sha256` (edited by hand, or
    written by a run that was stopped between the two) is not used: it cannot say what the
    article held.
    """
    import hashlib

    # review imports the pipeline, which imports this module
    from ingest.review import record_problem

    articles: list[Article] = []
    notes: list[str] = []
    for path in paths:
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        for file in files:
            if file.name.endswith(".http.json"):  # a fetched page's HTTP record
                continue
            try:
                meta = json.loads(file.read_text(encoding="utf-8"))
                problem = record_problem(meta)
                if problem is not None:
                    raise ValueError(problem)
                data = file.with_suffix(".txt").read_bytes()
            except (OSError, ValueError) as exc:
                notes.append(f"{file}: not used ({exc})")
                continue
            if meta.get("text_sha256") not in (None, hashlib.sha256(data).hexdigest()):
                notes.append(f"{file}: not used (its .txt does not match its text_sha256)")
                continue
            articles.append(article_from_record(file.stem, meta, data.decode("utf-8", "replace")))
    return articles, notes


def find_repeated(
    articles: Iterable[Article], options: RepetitionOptions | None = None
) -> dict[str, dict[str, tuple[str, ...]]]:
    """Per site, each repeated line and the keys of every article holding it (sorted)."""
    options = options or RepetitionOptions()
    by_site: dict[str, dict[str, Article]] = defaultdict(dict)
    for article in articles:
        if article.site is not None:
            by_site[article.site][article.key] = article  # a key once (the last read)
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for site in sorted(by_site):
        lines = _site_repeated(sorted(by_site[site].values(), key=lambda a: a.key), options)
        if lines:
            found[site] = lines
    return found


def _site_repeated(
    group: Sequence[Article], options: RepetitionOptions
) -> dict[str, tuple[str, ...]]:
    holders: dict[str, list[int]] = defaultdict(list)
    for i, article in enumerate(group):
        for line in dict.fromkeys(article.lines):
            holders[line].append(i)
    linesets = [frozenset(a.lines) for a in group]
    words = [sum(len(line.split()) for line in s) for s in linesets]
    same: dict[tuple[int, int], bool] = {}

    def one_story(i: int, j: int) -> bool:
        pair = (min(i, j), max(i, j))
        if pair not in same:
            shared = sum(len(line.split()) for line in linesets[i] & linesets[j])
            same[pair] = shared >= options.same_story * max(min(words[i], words[j]), 1)
        return same[pair]

    repeated: dict[str, tuple[str, ...]] = {}
    for line in sorted(holders):
        held = holders[line]
        if len(held) < options.min_articles:
            continue
        # Longest first: a short article made mostly of the site's lines is one story with
        # every other, and would otherwise stand for all of them.
        stories: list[int] = []
        for i in sorted(held, key=lambda i: (-words[i], group[i].key)):
            if not any(one_story(i, j) for j in stories):
                stories.append(i)
                if len(stories) >= options.min_articles:
                    repeated[line] = tuple(group[i].key for i in held)
                    break
    return repeated


def repeats_for(
    article: Article,
    site_lines: Mapping[str, tuple[str, ...]],
    options: RepetitionOptions | None = None,
) -> Repeats | None:
    """What `article`'s second cleaning needs, or None when it holds no repeated line."""
    options = options or RepetitionOptions()
    if article.site is None:
        return None
    held = [line for line in dict.fromkeys(article.lines) if line in site_lines]
    if not held:
        return None
    evidence = []
    for line in held:
        others = [k for k in site_lines[line] if k != article.key]
        evidence.append((line, len(others), tuple(others[: options.evidence_keys])))
    return Repeats(article.site, tuple(site_lines), tuple(evidence), article.held_back)


def _words_pattern(line: str) -> str:
    return f"{_SPACE}+".join(_escape(word) for word in line.split())


def _escape(text: str) -> str:
    return "".join("\\" + ch if ch in _RE2_SPECIAL else ch for ch in text)


@functools.lru_cache(maxsize=64)
def line_rule(site: str, lines: tuple[str, ...]) -> Rule:
    """The `repeated-line` rule for a site: its lines, each whole. One rule a site, not one an
    article, so that the engine's prefilter for it (about 0.4 s to build) serves them all."""
    pattern = f"^{_SPACE}*(?:{'|'.join(map(_words_pattern, lines))}){_SPACE}*$"
    options = re2.Options()
    options.max_mem = 64 << 20  # a site may have hundreds of lines
    options.log_errors = False
    return Rule(
        id=RULE_ID,
        category=CATEGORY,
        why=WHY,
        scope="line",
        file="<repetition>",
        languages=("*",),
        sites=(site,),
        pattern=pattern,
        examples=Examples(remove=lines[:1]),
        compiled=re2.compile("(?m)" + pattern, options),
    )


def with_repeats(ruleset: Ruleset, repeats: Repeats) -> Ruleset:
    """`ruleset` and the site's `repeated-line` rule, under the ruleset's own id: the record
    says which rule files cleaned it, and this rule is in none of them."""
    if any(rule.id == RULE_ID for rule in ruleset.rules):
        rule = ruleset.get(RULE_ID)
        raise RuleError(
            rule.file, RULE_ID, "uses the id of the repetition rule", "give it another id"
        )
    return replace(ruleset, rules=(*ruleset.rules, line_rule(repeats.site, repeats.lines)))


def pushes_guard(result: CleanResult, repeats: Repeats) -> bool:
    """Whether the repeated lines made the guard hold back a rule the first cleaning applied:
    the guard holds back every large removal when together they take too much, and the
    repeated lines must not cost an article a paywall notice the rules had removed."""
    held = {h.rule for h in result.held_back if h.rule != RULE_ID}
    return not held <= set(repeats.held_back)


def add_evidence(meta: dict[str, Any], repeats: Repeats) -> dict[str, Any]:
    """The record with each `repeated-line` removal's evidence: how many other articles of the
    site hold the line, and the first of their keys."""
    evidence = {line: (count, keys) for line, count, keys in repeats.evidence}
    for entry in meta["removed"]:
        if entry["rule"] != RULE_ID:
            continue
        count, keys = evidence.get(normalise(entry["text"]), (0, ()))
        entry["evidence"] = {"articles": count, "keys": list(keys)}
    return meta
