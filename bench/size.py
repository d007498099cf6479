"""Cleaning time against the size of one text (issue 12; a script, not a timed test).

    python bench/size.py [--shape realistic] [--from-kb 50] [--to-mb 20] [--limit S]

One text per step, doubling from --from-kb to --to-mb (the last step is --to-mb itself),
cleaned with the shipped rules; for each step the size, wall seconds, CPU seconds and both per
MB. Cleaning is linear when the seconds per MB stay flat down the table. The machine may be
shared: CPU time leaves out what the host steals, wall time is what a user waits.

Shapes (--shape, or `all` for each in turn):

realistic     one long article: the seeds' kept paragraphs, with the lines the rules took out
              of the seeds between them (bylines, captions, device-limit notices and blocks,
              newsletter and social prompts...), a seed's furniture at the top and a seed's
              paywall tail at the end
one-line      the realistic text with every line break a space: one line of the whole size
many-lines    millions of short lines, half of them lone punctuation that a rule removes
many-matches  one rule matching thousands of times on one line ("[email protected]"
              in every sentence), a caption block opening on every line of the rest, and a
              paywall tail starting every 50 lines

Steps stop once one has taken longer than --limit seconds (for running old code).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import Ruleset, clean, load_ruleset  # noqa: E402

MB = 1_000_000


def _seeds() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "raw").glob("*.txt"))]


def realistic_parts(rules: Ruleset) -> tuple[str, list[str], str]:
    """(head, middle paragraphs to cycle through, tail) built from the seeds and what the
    rules do to them."""
    seeds = _seeds()
    prose: list[str] = []
    furniture: list[str] = []
    for seed in seeds:
        result = clean(seed, rules)
        prose.extend(p for p in result.text.split("\n\n")[1:] if len(p.split()) >= 12)
        # what a rule takes out anywhere in a text: not tails, not windows at the edges
        furniture.extend(
            r.text
            for r in result.removals
            if rules.get(r.rule).scope in ("line", "block") and rules.get(r.rule).within is None
        )
    middle: list[str] = []
    boiler = itertools.cycle(furniture)
    for i, paragraph in enumerate(prose):
        middle.append(paragraph)
        if i % 3 == 2:
            middle.append(next(boiler))
    head = "\n".join(seeds[4].split("\n")[:20])  # dateline, language switcher, byline...
    lines = seeds[1].split("\n")
    tail = "\n".join(lines[next(i for i, t in enumerate(lines) if t.startswith("You have")) :])
    return head, middle, tail


def grown(head: str, middle: list[str], tail: str, size: int, sep: str = "\n\n") -> str:
    """head, then `middle` cycled until the text has `size` UTF-8 bytes, then tail."""
    parts = [head]
    total = len(head.encode()) + len(tail.encode())
    for paragraph in itertools.cycle(middle):
        if total >= size:
            break
        parts.append(paragraph)
        total += len(paragraph.encode()) + len(sep)
    parts.append(tail)
    return sep.join(parts)


def shapes(rules: Ruleset) -> dict[str, Callable[[int], str]]:
    head, middle, tail = realistic_parts(rules)
    words = " ".join(middle).split()
    sentences = [" ".join(words[i : i + 8]) + "." for i in range(0, len(words) - 8, 8)]

    def realistic(size: int) -> str:
        return grown(head, middle, tail, size)

    def one_line(size: int) -> str:
        return " ".join(grown(head, middle, tail, size).split("\n"))

    def many_lines(size: int) -> str:
        # two words a line, and a lone punctuation mark (junk-lone-punctuation) between them
        pairs = [" ".join(words[i : i + 2]) for i in range(0, 2000, 2)]
        lines = [
            line for pair in zip(pairs, itertools.cycle(".•_*"), strict=False) for line in pair
        ]
        return grown(head, lines, tail, size, sep="\n")

    def many_matches(size: int) -> str:
        # half the text one line with a span in every sentence (junk-email-protected)...
        mail = [s.replace(" ", " [email protected] ", 1) for s in sentences[:200]]
        line = grown("", mail, "", size // 2, sep=" ")
        # ...the other half short lines that each open a caption block (caption-alt-text-pair),
        # every other one closed by a credit line, and every 50th a paywall tail's first line
        # (paywall-percent-left-en: each runs to the end of the text)
        lines = []
        for i, sentence in enumerate(sentences[:1000]):
            lines.append(sentence)
            if i % 2:
                lines.append(f"Photo: Agency {i % 7}")
            if i % 50 == 49:
                lines.append(f"You have {i % 90 + 5}% of this article left to read.")
        return line + "\n" + grown(head, lines, tail, size - size // 2, sep="\n")

    return {
        "realistic": realistic,
        "one-line": one_line,
        "many-lines": many_lines,
        "many-matches": many_matches,
    }


def sizes(start: int, stop: int) -> list[int]:
    out = []
    size = start
    while size < stop:
        out.append(size)
        size *= 2
    return [*out, stop]


def run(
    name: str, make: Callable[[int], str], rules: Ruleset, steps: list[int], limit: float
) -> None:
    print(f"\n{name}")
    print(f"{'size':>10} {'lines':>9} {'wall s':>8} {'cpu s':>8} {'wall s/MB':>10} {'cpu s/MB':>9}")
    for size in steps:
        text = make(size)
        mb = len(text.encode()) / MB
        wall, cpu = time.perf_counter(), time.process_time()
        clean(text, rules)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"{mb:>8.2f}MB {text.count(chr(10)) + 1:>9} {wall:>8.2f} {cpu:>8.2f}"
            f" {wall / mb:>10.2f} {cpu / mb:>9.2f}",
            flush=True,
        )
        if wall > limit:
            print(f"(stopped: over {limit:g} s)")
            break


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", default="realistic", help="a shape, or 'all'")
    parser.add_argument("--from-kb", type=float, default=50)
    parser.add_argument("--to-mb", type=float, default=20)
    parser.add_argument("--limit", type=float, default=float("inf"))
    args = parser.parse_args()
    rules = load_ruleset(ROOT / "rules")
    made = shapes(rules)
    names = list(made) if args.shape == "all" else [args.shape]
    steps = sizes(int(args.from_kb * 1000), int(args.to_mb * MB))
    clean(made["realistic"](10_000), rules)  # build the prefilter and profiles outside the timing
    for name in names:
        run(name, made[name], rules, steps, args.limit)


if __name__ == "__main__":
    main()
