"""Notices in wordings the rules' examples do not hold, and article sentences sharing their words.

    python bench/notices.py [--rules DIR] [--json] [--misses]

A check that stands in for a held-out sample, on the data in bench/notices.toml: real paywall,
device-limit, donation and copyright notices (free-article meters, login prompts for
subscribers, "another device" dialogs, membership and donation appeals, rights lines) in en,
fr, es, de (a few it, pt), each set on a line of its own into an article of its language
(three paragraphs before it, one after), as a reader pastes it. None of these texts is among
the rules' examples (this script warns when one is): they measure whether a rule describes the
general form of a notice or only the sentences it was written from. Beside them, article
sentences that share the notices' words ("The charity's donations doubled last year"), set the
same way, must survive untouched.

Three samples of notices (SAMPLES below): "first", collected before the rules were extended
and in view while they were written; "fresh", written after that first round and in view
during a second; "third", written after the second round and not tuned to. Only the last is
a fair figure for notices nobody has seen; the others show what the rules learnt. Reports, per
category and language, how many notices the rules remove (the notice's line gone and no
article paragraph before it touched), and how many near-miss sentences survive. `--rules DIR`
measures another ruleset (another branch's, for a before/after figure); `--misses` lists the
notices left and the sentences removed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import Ruleset, clean, load_ruleset  # noqa: E402

DATA = Path(__file__).with_suffix(".toml")

# The samples of notices, in the order they were written, and how far the rules saw them.
SAMPLES = {
    "first": "collected before the rule changes, in view while they were written",
    "fresh": "written after the first round of changes, in view during the second",
    "third": "written after the second round, not tuned to",
}


class Item(NamedTuple):
    group: str  # the sample of a notice, the kind of a near miss
    category: str
    language: str
    text: str


def _items(tables: list[dict[str, Any]], group: str) -> list[Item]:
    return [
        Item(t[group], t.get("category", "*"), t["language"], text)
        for t in tables
        for text in t["texts"]
    ]


def _norm(text: str) -> str:
    return " ".join(text.split())


def set_into_article(item: Item, articles: dict[str, list[str]]) -> str:
    """The item on a line of its own after three paragraphs of an article, one after it."""
    a, b, c, d = articles[item.language]
    return "\n\n".join([a, b, c, item.text, d])


Counts = dict[tuple[str, str], list[int]]


def removed(
    items: list[Item], ruleset: Ruleset, articles: dict[str, list[str]]
) -> tuple[Counts, list[Item]]:
    """Per (category, language): [notices removed, notices]; and the notices left."""
    counts: Counts = defaultdict(lambda: [0, 0])
    left: list[Item] = []
    for item in items:
        before = articles[item.language][:3]
        out = _norm(clean(set_into_article(item, articles), ruleset).text)
        ok = _norm(item.text) not in out and all(_norm(p) in out for p in before)
        counts[item.category, item.language][0] += ok
        counts[item.category, item.language][1] += 1
        if not ok:
            left.append(item)
    return counts, left


def kept(
    items: list[Item], ruleset: Ruleset, articles: dict[str, list[str]]
) -> tuple[Counts, list[tuple[Item, list[str]]]]:
    """Per (kind, language): [sentences untouched, sentences]; and those a rule took."""
    counts: Counts = defaultdict(lambda: [0, 0])
    taken: list[tuple[Item, list[str]]] = []
    for item in items:
        result = clean(set_into_article(item, articles), ruleset)
        hit = [r.rule for r in result.removals]
        ok = not hit and _norm(item.text) in _norm(result.text)
        counts[item.group, item.language][0] += ok
        counts[item.group, item.language][1] += 1
        if not ok:
            taken.append((item, hit))
    return counts, taken


def _print_counts(title: str, counts: Counts) -> None:
    print(title)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (key, language), (ok, n) in sorted(counts.items()):
        print(f"  {key:<14}{language:<4}{ok:>4} / {n}")
        totals[key][0] += ok
        totals[key][1] += n
    for key, (ok, n) in sorted(totals.items()):
        print(f"  {key:<18}{ok:>4} / {n}   ({ok / n:.0%})")
    ok = sum(v[0] for v in counts.values())
    n = sum(v[1] for v in counts.values())
    print(f"  all               {ok:>4} / {n}   ({ok / n:.0%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rules", default=str(ROOT / "rules"), help="the ruleset to measure")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--misses", action="store_true", help="list what was left and taken")
    args = parser.parse_args()
    ruleset = load_ruleset(args.rules)
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    articles: dict[str, list[str]] = data["articles"]
    notices = _items(data["notices"], "sample")
    near_misses = _items(data["near_misses"], "kind")

    # a text among the rules' own examples measures nothing: say so
    examples = {
        _norm(e)
        for r in ruleset.rules
        for e in (*r.examples.remove, *r.examples.keep, *(c.text for c in r.examples.cases))
    }
    for item in (*notices, *near_misses):
        if _norm(item.text) in examples:
            print(f"warning: a rule's example, not held out: {item.text!r}", file=sys.stderr)

    samples = {
        sample: removed([i for i in notices if i.group == sample], ruleset, articles)
        for sample in SAMPLES
    }
    survived, taken = kept(near_misses, ruleset, articles)

    if args.json:
        figures = {
            f"notices_removed_{sample}": {f"{c}/{lang}": v for (c, lang), v in sorted(got.items())}
            for sample, (got, _) in samples.items()
        }
        figures["near_misses_kept"] = {
            f"{k}/{lang}": v for (k, lang), v in sorted(survived.items())
        }
        print(json.dumps(figures, indent=2))
        return
    print(f"ruleset: {args.rules}")
    for sample, (got, _) in samples.items():
        _print_counts(f"notices removed, {sample} sample ({SAMPLES[sample]}):", got)
    _print_counts("near-miss article sentences kept untouched:", survived)
    if args.misses:
        print("notices left:")
        for item in (i for _, left in samples.values() for i in left):
            print(f"  {item.group}/{item.category}/{item.language}: {item.text}")
        print("near misses removed:")
        for item, hit in taken:
            print(f"  {item.language}: {item.text}  <- {', '.join(hit) or 'changed'}")


if __name__ == "__main__":
    main()
