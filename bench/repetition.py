"""Repetition on a dev set: the lines found repeated across pages, and what they take.

    python bench/repetition.py [--devset ../shared/devset] [--limit N] [--jobs N] [--pool]
                               [--min-repeats N]

Every page is extracted and cleaned as `ingest clean` cleans it; pages are grouped by site
(their address's domain) as a batch groups them, or with --pool all into one site: a worst
case, unrelated pages taken for one site, where every line found is one that recurs across the
web rather than one site's furniture. Each page holding a repeated line is cleaned again with
the `repeated-line` rule, as the batch's second phase does. Reports the lines found by their
length in words, the pages changed, and the `with` snippets (article text: a loss) and
`without` snippets (boilerplate: a gain) that the repeated lines took out of the bodies.
Works on ../shared/devset (pages.json) and ../shared/devset-meta (truth.json).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import ExtractError, clean, load_ruleset  # noqa: E402
from ingest.extraction import Page, extract  # noqa: E402
from ingest.inputs import decode_page  # noqa: E402
from ingest.pipeline import site_of  # noqa: E402
from ingest.repetition import (  # noqa: E402
    RULE_ID,
    Article,
    Repeats,
    RepetitionOptions,
    body_lines,
    find_repeated,
    with_repeats,
)

_RULES = load_ruleset(ROOT / "rules")
_NO_SITE = "no-site.invalid"  # pages without a domain, grouped only by --pool
_LENGTHS = ((1, 5), (6, 10), (11, 20), (21, 40), (41, 10**6))


def _norm(text: str) -> str:
    return " ".join(text.split())


def _clean(args: tuple[str, dict[str, Any], str, Repeats | None]) -> dict[str, Any]:
    url, entry, devset, repeats = args
    data = gzip.decompress((Path(devset) / entry["file"]).read_bytes())
    html, _ = decode_page(data, entry["file"], None)
    site = site_of(url) or _NO_SITE
    try:
        page = extract(html, _RULES, url=url, site=site)
    except ExtractError:
        page = Page(text="")
    rules = _RULES if repeats is None else with_repeats(_RULES, repeats)
    result = clean(
        page.text, rules, site=site, headline=page.title, links=page.links,
        removed_before=page.removed_words,
    )  # fmt: skip
    return {
        "url": url,
        "text": result.text,
        "repeated": [r.text for r in result.removals if r.rule == RULE_ID],
        "held": [h.rule for h in result.held_back if h.rule == RULE_ID],
    }


def _entries(devset: Path) -> list[tuple[str, dict[str, Any]]]:
    if (devset / "pages.json").is_file():
        pages = json.loads((devset / "pages.json").read_text(encoding="utf-8"))
        return sorted(pages.items())
    truth = json.loads((devset / "truth.json").read_text(encoding="utf-8"))
    return sorted(((e["url"], e) for e in truth.values()), key=lambda item: item[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", default=str(ROOT.parent / "shared" / "devset"))
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--pool", action="store_true", help="all pages as one site")
    parser.add_argument("--min-repeats", type=int, default=RepetitionOptions().min_articles)
    args = parser.parse_args()
    items = _entries(Path(args.devset))
    items = items[: args.limit] if args.limit else items
    options = RepetitionOptions(min_articles=args.min_repeats)
    with ProcessPoolExecutor(args.jobs) as pool:
        first = list(pool.map(_clean, [(u, e, args.devset, None) for u, e in items], chunksize=8))
        group = {u: "pool" if args.pool else site_of(u) or _NO_SITE for u, _ in items}
        articles = [Article(r["url"], group[r["url"]], tuple(body_lines(r["text"]))) for r in first]
        found = find_repeated(articles, options)
        tasks = []
        for (url, entry), article in zip(items, articles, strict=True):
            lines = found.get(group[url], {})
            if any(line in lines for line in article.lines):
                site = site_of(url) or _NO_SITE
                tasks.append((url, entry, args.devset, Repeats(site, tuple(lines), ())))
        second = {r["url"]: r for r in pool.map(_clean, tasks, chunksize=4)}

    lines = {line for site_lines in found.values() for line in site_lines}
    lengths = Counter(
        next(f"{lo}-{hi}" if hi < 10**6 else f">{lo - 1}" for lo, hi in _LENGTHS if lo <= n <= hi)
        for n in (len(line.split()) for line in lines)
    )
    lost: list[tuple[str, str]] = []
    gained = removed = held = 0
    entries = dict(items)
    for url, row in second.items():
        before = _norm(next(r["text"] for r in first if r["url"] == url))
        after = _norm(row["text"])
        removed += len(row["repeated"])
        held += bool(row["held"])
        for snippet in entries[url].get("with", []):
            if _norm(snippet) in before and _norm(snippet) not in after:
                taken = [t for t in row["repeated"] if _norm(snippet) in _norm(t)]
                lost.append((url, taken[0] if taken else snippet))
        gained += sum(
            _norm(s) in before and _norm(s) not in after for s in entries[url].get("without", [])
        )
    groups = Counter(a.site for a in articles)
    print(f"pages: {len(items)} in {len(groups)} groups ({'pooled' if args.pool else 'by site'})")
    print(f"repeated lines: {len(lines)} in {len(found)} groups; by words: {dict(lengths)}")
    print(f"pages changed: {len(second)}; lines removed: {removed}; held back on {held} pages")
    print(f"`without` snippets taken (boilerplate): {gained}")
    print(f"`with` snippets taken (article text): {len(lost)}")
    for url, line in lost:
        print(f"  {url}: {line[:100]!r} ({len(line.split())} words)")
    for line in sorted(lines, key=lambda ln: -len(found_holders(found, ln)))[:40]:
        print(f"  {len(found_holders(found, line)):4}  {line[:90]!r}")


def found_holders(found: dict[str, dict[str, tuple[str, ...]]], line: str) -> tuple[str, ...]:
    return next((keys for site_lines in found.values() for ln, keys in site_lines.items()
                 if ln == line), ())  # fmt: skip


if __name__ == "__main__":
    main()
