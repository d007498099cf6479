"""Repetition across a batch: a line that recurs verbatim in several articles of one site is
that site's boilerplate (the signal behind CCNet's and RefinedWeb's line deduplication).

Two uses, one count:

- `ingest clean` and `ingest fetch`, once every article of the batch is cleaned
  (`ingest.pipeline.remove_repeated`): an article holding repeated lines is cleaned again with
  one more rule, `repeated-line`, scoped to its site, so that the lines leave through the engine
  like any rule's removal (raw line numbers and offsets, the guard) and its record names the
  other articles that hold each line (`evidence`).
- `ingest rules suggest`: the same lines as proposed site rules for `rules/sites/<domain>.toml`,
  with examples from the corpus, for a person to review and commit.

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
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import re2

from ingest.engine import CleanResult
from ingest.errors import InputError, RuleError
from ingest.inputs import display_path
from ingest.output import read_body
from ingest.record import Evidence, Record, Removed
from ingest.rules import Examples, Rule, Ruleset

RULE_ID = "repeated-line"
# Not one of the rule files' categories: what the line is (a promo, a tagline, a menu) is not
# known, only that the site prints it on many pages. `ingest rules suggest` proposes
# `navigation` for a person to correct.
CATEGORY = "boilerplate"
WHY = (
    "A line found verbatim in several articles of this site (each a different story): the "
    "site's boilerplate, not one article's text."
)
SUGGESTED_CATEGORY = "navigation"
# Horizontal space as the rule files write it: after normalisation it is every character
# str.split() splits a line on.
_SPACE = r"[\pZ\t]"
_RE2_SPECIAL = frozenset("\\.^$|?*+()[]{}")
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”»’)]*\s+")
_SLUG_WORDS = 5


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
    # The lines as the body has them (edges stripped), where one differs from its normalised
    # form (a no-break space, a double space): suggested rules match them as written.
    written: tuple[tuple[str, str], ...] = ()


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


def _written(text: str) -> list[tuple[str, str]]:
    """(normalised, as written) for the lines of `text` whose two forms differ."""
    pairs = ((normalise(line), line.strip()) for line in text.split("\n"))
    return [(n, w) for n, w in pairs if n and n != w]


def article_from_record(key: str, record: Record, body: str) -> Article:
    """An article from its record and its `.txt` body: the body's lines and the lines
    `repeated-line` removed, which it held before repetition."""
    lines = body_lines(body)
    written = _written(body)
    for entry in record.removed:
        if entry.rule == RULE_ID and entry.stage == "text":
            lines += body_lines(entry.text)
            written += _written(entry.text)
    held = tuple(sorted({h.rule for h in record.held_back}))
    return Article(
        key,
        record.site or None,
        tuple(lines),
        record.language,
        held,
        tuple(dict.fromkeys(written)),
    )


def read_articles(paths: Iterable[Path]) -> tuple[list[Article], list[str]]:
    """The articles of the ingest records in `paths` (folders of `<key>.json` and `<key>.txt`
    or `<key>.md`, or `.json` files), and a note on each `.json` that is not a usable record.

    A record whose body is missing or does not match its `text_sha256` (edited by hand, or
    written by a run that was stopped between the two) is not used: it cannot say what the
    article held.
    """
    import hashlib

    articles: list[Article] = []
    notes: list[str] = []
    for path in paths:
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        for file in files:
            if file.name.endswith(".http.json"):  # a fetched page's HTTP record
                continue
            try:
                record = Record.read(file, display_path(file))
                data = read_body(file)
            except InputError as exc:
                notes.append(f"not used: {exc}")
                continue
            except OSError as exc:
                notes.append(f"{file}: not used ({exc})")
                continue
            if record.text_sha256 not in (None, hashlib.sha256(data).hexdigest()):
                notes.append(f"{file}: not used (its body does not match its text_sha256)")
                continue
            articles.append(article_from_record(file.stem, record, data.decode("utf-8", "replace")))
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


def readable_pattern(written: str) -> str:
    """The pattern a person would write for a line as written: single spaces as spaces,
    other runs of space (a no-break space, a tab, two spaces) as `[\\pZ\\t]+`."""
    parts = re.split(r"(\s+)", written.strip())
    inner = "".join(
        (" " if part == " " else f"{_SPACE}+") if i % 2 else _escape(part)
        for i, part in enumerate(parts)
    )
    return f"^{_SPACE}*{inner}{_SPACE}*$"


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


def add_evidence(record: Record, repeats: Repeats) -> Record:
    """The record with each `repeated-line` removal's evidence: how many other articles of the
    site hold the line, and the first of their keys."""
    evidence = {line: (count, keys) for line, count, keys in repeats.evidence}

    def with_evidence(entry: Removed) -> Removed:
        if entry.rule != RULE_ID:
            return entry
        count, keys = evidence.get(normalise(entry.text), (0, ()))
        return replace(entry, evidence=Evidence(count, tuple(keys)))

    return replace(record, removed=tuple(map(with_evidence, record.removed)))


# ---- ingest rules suggest ------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """Proposed rules for one site: TOML for `rules/sites/<site>.toml`."""

    site: str
    toml: str
    rules: int
    articles: int  # the site's articles read
    skipped: tuple[str, ...] = ()  # lines not proposed, each with the reason


def suggest(
    articles: Sequence[Article],
    ruleset: Ruleset,
    options: RepetitionOptions | None = None,
    *,
    sites: Sequence[str] = (),
    category: str = SUGGESTED_CATEGORY,
) -> list[Suggestion]:
    """Site rules from the repeated lines of `articles`: one rule a line, its pattern the line
    whole, `examples.remove` the line as the corpus has it, `examples.keep` the site's own
    article sentences that share most words with it. Lines a rule already scoped to the site
    removes are not proposed again. Every proposed rule loads and passes its examples (checked
    here: a keep example that fails is dropped, a rule without one is not proposed)."""
    options = options or RepetitionOptions()
    found = find_repeated(articles, options)
    by_site: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if article.site is not None:
            by_site[article.site].append(article)
    taken = {rule.id for rule in ruleset.rules}
    out: list[Suggestion] = []
    for site, lines in found.items():
        if sites and site not in sites:
            continue
        group = sorted(by_site[site], key=lambda a: a.key)
        texts, skipped = _site_rules(site, lines, group, ruleset, taken, category)
        header = (
            f"# rules/sites/{site}.toml: proposed by `ingest rules suggest` from {len(group)} "
            f"articles of {site}.\n# Each rule is a line found verbatim in "
            f"{options.min_articles} or more of them (different stories). Review each one: "
            "drop\n# what is article text, set the category and the why, then run "
            "`ingest rules test`.\n"
        )
        out.append(Suggestion(site, header + "".join(texts), len(texts), len(group), skipped))
    return out


def _site_rules(
    site: str,
    lines: Mapping[str, tuple[str, ...]],
    group: Sequence[Article],
    ruleset: Ruleset,
    taken: set[str],
    category: str,
) -> tuple[list[str], tuple[str, ...]]:
    from ingest.engine import clean
    from ingest.rulecheck import rule_problems
    from ingest.rules import rules_from_toml

    own = [r.id for r in ruleset.rules if r.sites and r.applies_to(site)]
    site_rules = ruleset.only(*own)
    sentences = _sentences_of(group, lines)
    languages = {a.key: a.language for a in group}
    written: dict[str, str] = {}
    for article in group:
        for line, as_written in article.written:
            written.setdefault(line, as_written)
    texts: list[str] = []
    skipped: list[str] = []
    # the lines most articles hold first
    for line in sorted(lines, key=lambda ln: (-len(lines[ln]), ln)):
        if own and not clean(line, site_rules, site=site).text:
            skipped.append(f"{line!r}: a rule of the site already removes it")
            continue
        rule_id = _unique_id(site, line, taken)
        keep = _keep_examples(line, sentences)
        held = Counter(lang for k in lines[line] if (lang := languages.get(k)) and lang != "und")
        language = held.most_common(1)[0][0] if held else "*"
        while True:
            text = _rule_toml(
                rule_id, category, site, written.get(line, line), lines[line], language, keep
            )
            alone = rules_from_toml(text, f"{site}.toml")
            problems = rule_problems(alone.get(rule_id), alone)
            failing = [k for k in keep if any(repr(k) in p for p in problems)]
            if not problems or not failing or len(failing) == len(keep):
                break
            keep = [k for k in keep if k not in failing]
        if problems:
            skipped.append(f"{line!r}: its rule fails its examples ({problems[0]})")
            continue
        taken.add(rule_id)
        texts.append(text)
    return texts, tuple(skipped)


def _rule_toml(
    rule_id: str,
    category: str,
    site: str,
    line: str,
    holders: Sequence[str],
    language: str,
    keep: Sequence[str],
) -> str:
    def s(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string

    pattern = readable_pattern(line)
    if "'''" in pattern:  # TOML's literal strings cannot hold it
        pattern = pattern.replace("'", r"\x27")
    shown = ", ".join(holders[:5]) + (f" and {len(holders) - 5} more" if len(holders) > 5 else "")
    why = (
        f"A line {site} prints in {len(holders)} articles (different stories): the site's "
        "boilerplate, not one article's text."
    )
    return (
        f"\n# in {len(holders)} articles: {shown}\n"
        "[[rule]]\n"
        f"id = {s(rule_id)}\n"
        f"category = {s(category)}\n"
        f"why = {s(why)}\n"
        f"languages = [{s(language)}]\n"
        f"sites = [{s(site)}]\n"
        f"pattern = '''{pattern}'''\n"
        f"examples.remove = [{s(line)}]\n"
        f"examples.keep = [{', '.join(s(k) for k in keep)}]\n"
    )


def _unique_id(site: str, line: str, taken: set[str]) -> str:
    words = _slug(line).split("-")[:_SLUG_WORDS]
    base = f"{_slug(site)}-{'-'.join(w for w in words if w) or 'line'}"
    rule_id, n = base, 1
    while rule_id in taken:
        n += 1
        rule_id = f"{base}-{n}"
    return rule_id


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _sentences_of(group: Sequence[Article], repeated: Mapping[str, object]) -> list[str]:
    """The sentences of the site's article text: lines no other story repeats, split at
    sentence ends, those of six words or more that end as a sentence does."""
    found: dict[str, None] = {}
    for article in group:
        for line in article.lines:
            if line in repeated:
                continue
            for sentence in _SENTENCE_END.split(line):
                sentence = sentence.strip()
                if len(sentence.split()) >= 6 and sentence[-1:] in '.!?…"”»’)':
                    found.setdefault(sentence)
    return list(found)


def _keep_examples(line: str, sentences: Sequence[str], n: int = 2) -> list[str]:
    """The `n` sentences sharing most words (four letters or more) with `line`; the site's
    first sentence when none shares any (a rule needs a keep example)."""
    words = _words(line)
    scored = [
        (-len(words & _words(s)), len(s), i, s)
        for i, s in enumerate(sentences)
        if normalise(s) != line
    ]
    picked = [s for score, _, _, s in sorted(scored)[:n] if score < 0]
    if picked:
        return picked
    return [scored[0][3]] if scored else [_FALLBACK_KEEP]


# for a site whose articles have no sentence left but their repeated lines
_FALLBACK_KEEP = "The council will meet again on Monday to vote on the budget."


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) >= 4}
