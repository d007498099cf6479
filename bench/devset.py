"""Dev-set quality: `with` snippets kept and `without` snippets leaked, per language and rule.

    python bench/devset.py [--devset ../shared/devset] [--limit N] [--jobs N] [--json]

For every page: trafilatura.extract() with its defaults, and ingest (selector rules,
trafilatura with ingest's settings, text rules). Pages are decoded as `ingest clean` decodes
them, for trafilatura too, except the `bytes` row: trafilatura given the raw bytes to decode
itself, which is how the dev set's README measured it. Reports the share of `with` snippets kept and
of `without` snippets leaked, overall and per language, and per rule the snippets it took out
(`without`: good; `with`: a false positive). ingest is scored on the `.txt` body (what
trafilatura's text is compared with), and also with the title, which ingest moves into the
`.json` rather than dropping.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import ExtractError, clean, detect, load_ruleset  # noqa: E402
from ingest.extraction import ExtractOptions, Page, extract  # noqa: E402
from ingest.inputs import declared_url, decode_page  # noqa: E402
from ingest.pipeline import site_of  # noqa: E402


def _norm(text: str) -> str:
    return " ".join(text.split())


def _page(args: tuple[str, dict[str, Any], str]) -> dict[str, Any]:
    import trafilatura

    url, entry, devset = args
    data = gzip.decompress((Path(devset) / entry["file"]).read_bytes())
    # Every row reads the page as ingest decodes it, except `bytes`: trafilatura decoding the
    # bytes itself, as the dev set's README measured it.
    html, _ = decode_page(data, entry["file"], None)
    extracted = trafilatura.extract(html, url=url) or ""
    own = trafilatura.extract(data, url=url) or ""
    precision = trafilatura.extract(html, url=url, favor_precision=True) or ""
    settings = ExtractOptions()
    chosen = trafilatura.extract(
        html, url=url, include_comments=settings.include_comments,
        favor_precision=settings.favor_precision, include_tables=settings.include_tables,
    ) or ""  # fmt: skip
    site = site_of(url) or site_of(declared_url(html))  # as `ingest clean` finds it
    try:
        page = extract(html, _RULES, url=url, site=site)
    except ExtractError:
        page = Page(text="")
    result = clean(
        page.text, _RULES, site=site, headline=page.title, links=page.links,
        removed_before=page.removed_words, page=True,
    )  # fmt: skip
    removed = [(r.rule, _norm(r.text)) for r in (*page.removals, *result.removals)]
    return {
        "url": url,
        "language": detect(extracted).code,
        "plain": _norm(extracted),
        "bytes": _norm(own),
        "precision": _norm(precision),
        "chosen": _norm(chosen),
        "ingest": _norm(result.text),
        "ingest_title": _norm((page.title or "") + "\n" + result.text),
        "removed": removed,
        "held_back": [h.rule for h in (*page.held_back, *result.held_back)],
        "with": entry.get("with", []),
        "without": entry.get("without", []),
    }


_RULES = load_ruleset(ROOT / "rules")


def devset_arguments(doc: str) -> argparse.ArgumentParser:
    """The options every dev-set benchmark takes."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--devset", default=str(ROOT.parent / "shared" / "devset"))
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser


def devset_pages(args: argparse.Namespace) -> list[tuple[str, dict[str, Any]]]:
    """The dev set's pages, sorted by URL, the first --limit of them."""
    pages = json.loads((Path(args.devset) / "pages.json").read_text(encoding="utf-8"))
    items = sorted(pages.items())
    return items[: args.limit] if args.limit else items


def main() -> None:
    args = devset_arguments(__doc__).parse_args()
    items = devset_pages(args)
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(_page, [(u, e, args.devset) for u, e in items], chunksize=8))

    def score(key: str, subset: list[dict[str, Any]]) -> tuple[float, float, int, int]:
        kept = total_with = leaked = total_without = 0
        for row in subset:
            text = row[key]
            for snippet in row["with"]:
                total_with += 1
                kept += _norm(snippet) in text
            for snippet in row["without"]:
                total_without += 1
                leaked += _norm(snippet) in text
        return (
            kept / max(total_with, 1),
            leaked / max(total_without, 1),
            total_with,
            total_without,
        )

    by_language: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_language[row["language"]].append(row)
    per_rule: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        for rule, text in row["removed"]:
            per_rule[rule]["removals"] += 1

            # a snippet counts for the rule when the rule's removal took it out of the text
            def gone(s: str, row: dict[str, Any] = row, text: str = text) -> bool:
                return (
                    _norm(s) in text and _norm(s) in row["plain"] and _norm(s) not in row["ingest"]
                )

            per_rule[rule]["without_removed"] += sum(gone(s) for s in row["without"])
            per_rule[rule]["with_removed"] += sum(gone(s) for s in row["with"])
        for rule in row["held_back"]:
            per_rule[rule]["held_back"] += 1

    figures = {
        "pages": len(rows),
        "trafilatura": dict(
            zip(("with_kept", "without_leaked"), score("plain", rows)[:2], strict=True)
        ),
        "ingest": dict(
            zip(("with_kept", "without_leaked"), score("ingest", rows)[:2], strict=True)
        ),
        "languages": {
            lang: {
                "pages": len(subset),
                "trafilatura": score("plain", subset)[:2],
                "ingest": score("ingest", subset)[:2],
            }
            for lang, subset in sorted(by_language.items(), key=lambda kv: -len(kv[1]))
        },
        "rules": {rule: dict(c) for rule, c in sorted(per_rule.items())},
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"pages: {len(rows)}")
    print(f"{'':30}{'with kept':>12}{'without leaked':>16}")
    for name, key in (
        ("trafilatura defaults (bytes)", "bytes"),
        ("trafilatura defaults", "plain"),
        ("trafilatura favor_precision", "precision"),
        ("trafilatura, ingest's settings", "chosen"),
        ("ingest, the .txt body", "ingest"),
        ("ingest, body + title", "ingest_title"),
    ):
        k, leak, *_ = score(key, rows)
        print(f"{name:30}{k:>12.1%}{leak:>16.1%}")
    print("\nper language (pages; trafilatura -> ingest):")
    for lang, data in figures["languages"].items():
        (k0, l0), (k1, l1) = data["trafilatura"], data["ingest"]
        kept, leaked = f"with {k0:6.1%} -> {k1:6.1%}", f"without {l0:6.1%} -> {l1:6.1%}"
        print(f"  {lang:4} {data['pages']:4}  {kept}   {leaked}")
    print_counts(
        "per rule (removals, `without` snippets removed, `with` snippets removed, held back):",
        figures["rules"],
    )


def print_counts(title: str, rows: dict[str, dict[str, int]], *, held: bool = True) -> None:
    """A table of what each rule (or category) removed and which snippets went with it."""
    print("\n" + title)
    for name, c in rows.items():
        line = f"  {name:36}{c.get('removals', 0):6}{c.get('without_removed', 0):6}"
        line += f"{c.get('with_removed', 0):6}"
        print(line + (f"{c.get('held_back', 0):6}" if held else ""))


if __name__ == "__main__":
    main()
