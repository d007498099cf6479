"""Pasted-text quality: each dev-set page's article as a person copies it, through `clean()`.

    python bench/pasted.py [--devset ../shared/devset] [--limit N] [--jobs N] [--json]
                           [--dump DIR]

For every page, the paste is the text a person gets by selecting the article in a browser and
copying it: the smallest element whose rendered text holds all the page's `with` snippets (or,
where no element holds them all, the smallest holding the most), rendered like a browser's
`innerText` (see `inner_text`). The paste is cleaned as pasted text: `clean(text, ruleset)`
with no site, no headline and no links. Scored like bench/devset.py, pass-through (the paste
itself) beside ingest (the clean text):

- `with` kept: share of all `with` snippets found in the output;
- `without` leaked: share of the `without` snippets present in the paste that are still in
  the output (a `without` snippet the paste does not hold does not count);
- words removed from `with` paragraphs: of the words on paste lines that hold a `with`
  snippet, the share a removal took out (a false positive's cost, in words);
- title: ingest's `result.title` against the page's og:title / <title> / <h1> (right when
  equal, whitespace-normalised, case-folded and without a space before a colon, to the whole
  title or one of its parts split at " | ", " - ", " – ", " — ", " · ", " :: ", " » ",
  " / "); precision is right titles of titles given, recall right titles of the pages whose
  paste holds the page's title as a line;

per language (langdetect on the paste, as ingest detects it) and per rule that took a
snippet out. Snippets match as in bench/devset.py: whitespace-normalised substrings.
`--dump DIR` writes each paste as DIR/<page>.txt, for `ingest clean DIR`.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lxml.html  # type: ignore[import-untyped]  # noqa: E402  (no stubs installed; elements are Any here)

from bench.devset import devset_arguments, devset_pages, print_counts  # noqa: E402
from ingest import Ruleset, clean, detect, load_ruleset  # noqa: E402
from ingest.inputs import decode_page  # noqa: E402


def _norm(text: str) -> str:
    return " ".join(text.split())


# --- innerText -------------------------------------------------------------------------------

# Not rendered at all (their text never reaches a selection).
_SKIP = frozenset(
    [
        "head",
        "title",
        "script",
        "style",
        "noscript",
        "template",
        "meta",
        "link",
        "base",
        "iframe",
        "object",
        "embed",
        "canvas",
        "video",
        "audio",
        "source",
        "track",
        "select",
        "option",
        "optgroup",
        "datalist",
        "textarea",
        "input",
        "svg",
        "math",
        "map",
        "area",
        "param",
        "dialog",
    ]
)
# display: block (or list-item, table...): the element starts and ends a line.
_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "details",
        "dd",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "listing",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "plaintext",
        "pre",
        "search",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "caption",
        "ul",
        "xmp",
        "frameset",
        "frame",
    ]
)
_CELL = frozenset(("td", "th"))
_PRE = frozenset(("pre", "listing", "plaintext", "xmp"))
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)", re.I)
_COLLAPSIBLE = re.compile(r"[ \t\n\r\f]+")  # not U+00A0: a browser keeps non-breaking spaces


def _hidden(el: Any) -> bool:
    if el.get("hidden") is not None:
        return True
    if el.tag == "input" and (el.get("type") or "").lower() == "hidden":
        return True
    return bool(_HIDDEN_STYLE.search(el.get("style") or ""))


# Items of the rendering: ("t", text) collapsible text, ("p", text) preformatted text,
# ("n", "") a forced line break (<br>, a newline in <pre>), ("b", k) k required line breaks.
Item = tuple[str, Any]


@dataclass
class Flow:
    """A subtree's rendering items, and each element's [start, end) range among them."""

    items: list[Item]
    spans: list[tuple[Any, int, int]]


def flow(root: Any) -> Flow:
    items: list[Item] = []
    spans: list[tuple[Any, int, int]] = []

    def text(value: str | None, pre: bool) -> None:
        if not value:
            return
        if not pre:
            items.append(("t", value))
            return
        for i, part in enumerate(value.replace("\r\n", "\n").split("\n")):
            if i:
                items.append(("n", ""))
            if part:
                items.append(("p", part))

    def walk(el: Any, pre: bool) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:  # a comment or processing instruction: only its tail shows
            return
        tag = tag.lower()
        if tag in _SKIP or _hidden(el):
            return
        start = len(items)
        if tag == "br":
            items.append(("n", ""))
            spans.append((el, start, len(items)))
            return
        pre = pre or tag in _PRE
        block = 2 if tag == "p" else 1 if tag in _BLOCK else 0
        if block:
            items.append(("b", block))
        text(el.text, pre)
        for child in el:
            walk(child, pre)
            text(child.tail, pre)
        if tag in _CELL:
            items.append(("p", "\t"))
        if block:
            items.append(("b", block))
        spans.append((el, start, len(items)))

    walk(root, False)
    return Flow(items, spans)


def render(items: Iterable[Item]) -> str:
    """innerText of a run of items: required line breaks collapse to the largest, leading and
    trailing ones go, spaces collapse within a line and leave its ends."""
    out: list[str] = []
    pending = 0
    at_start = True  # at the start of a line (nothing since the last newline)
    for kind, value in items:
        if kind == "b":
            pending = max(pending, value)
            continue
        if kind == "n":
            out.append("\n")
            at_start, pending = True, 0
            continue
        if kind == "t":
            value = _COLLAPSIBLE.sub(" ", value)
            if at_start or pending or (out and out[-1].endswith(" ")):
                value = value.lstrip(" ")
            if not value:
                continue
        if pending:
            if out:
                out.append("\n" * pending)
                at_start = True
                if kind == "t":
                    value = value.lstrip(" ")
            pending = 0
        out.append(value)
        at_start = False
    lines = "".join(out).split("\n")
    return "\n".join(line.rstrip(" \t") for line in lines).strip("\n")


def inner_text(element: Any) -> str:
    return render(flow(element).items)


def parse(html: str) -> Any:
    parser = lxml.html.HTMLParser(encoding="utf-8")
    return lxml.html.document_fromstring(html.encode("utf-8", "surrogatepass"), parser=parser)


@dataclass
class Paste:
    text: str
    held: int  # how many of the snippets the chosen element holds
    tag: str


def paste_of(html: str, snippets: list[str]) -> Paste:
    """The smallest element whose rendered text holds all `snippets` (or the most of them),
    rendered as innerText. Ties in size go to the deepest element; where no element holds
    any snippet, the whole <body>."""
    doc = parse(html)
    body = doc.find("body")
    root = body if body is not None else doc
    fl = flow(root)
    # Each item's text as the matching sees it: line breaks are whitespace.
    parts = [" " if kind in "bn" else value for kind, value in fl.items]
    offsets = [0]
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    whole = "".join(parts)
    wanted = [s for s in dict.fromkeys(_norm(s) for s in snippets) if s]
    best: tuple[int, int, int] | None = None  # (-held, size, order)
    chosen: tuple[Any, int, int] | None = None
    # spans are in post-order: a descendant comes before its ancestors, so on equal size
    # the earlier (deeper) element wins.
    for order, (el, start, end) in enumerate(fl.spans):
        norm = _norm(whole[offsets[start] : offsets[end]])
        if not norm:
            continue
        held = sum(s in norm for s in wanted)
        key = (-held, len(norm), order)
        if best is None or key < best:
            best, chosen = key, (el, start, end)
    if best is None or best[0] == 0:
        # no element holds any snippet (the article is written by a script, or hidden until
        # one shows it): the person selects the whole page
        return Paste(render(fl.items), 0, str(root.tag))
    assert chosen is not None
    el, start, end = chosen
    return Paste(render(fl.items[start:end]), -best[0], str(el.tag))


# --- the page title ----------------------------------------------------------------------------

_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|·|::|»|/)\s+")


def _title_key(title: str) -> str:
    """What a title is compared by: whitespace-normalised, case-folded, no space before a
    colon or other closing mark ("Abrechnung : Musik-Stars" is "Abrechnung: Musik-Stars")."""
    return re.sub(r"\s+([:;,.!?])", r"\1", _norm(title)).casefold()


def page_titles(html: str) -> list[str]:
    """The page's titles: og:title and <title>, and their parts between title separators, and
    the headline the page prints, its <h1> (which sites often word apart from <title>)."""
    doc = parse(html)
    found: list[str] = []
    for value in doc.xpath("//meta[@property='og:title']/@content | //head/title//text()"):
        value = _norm(str(value))
        if value:
            found.append(value)
            found.extend(p for p in _TITLE_SEPARATORS.split(value) if p.strip())
    found.extend(_norm(h1.text_content()) for h1 in doc.xpath("//body//h1"))
    return [t for t in dict.fromkeys(map(_title_key, found)) if t]


# --- one page --------------------------------------------------------------------------------

_RULES: Ruleset | None = None


def _rules() -> Ruleset:
    """The project's rules, loaded once; worker processes inherit them where they fork."""
    global _RULES
    if _RULES is None:
        _RULES = load_ruleset(ROOT / "rules")
    return _RULES


def _removed_word_share(
    text: str, spans: list[tuple[int, int]], snippets: list[str]
) -> tuple[int, int]:
    """Words on lines holding a `with` snippet, and how many of them the removals took."""
    spans = sorted(spans)
    total = removed = 0
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        norm = _norm(line)
        if not any(s and s in norm for s in snippets):
            continue
        for word in re.finditer(r"\S+", line):
            total += 1
            at = start + word.start()
            removed += any(a <= at < b for a, b in spans)
    return total, removed


def _page(args: tuple[str, dict[str, Any], str, str | None]) -> dict[str, Any]:
    url, entry, devset, dump = args
    data = gzip.decompress((Path(devset) / entry["file"]).read_bytes())
    html, _ = decode_page(data, entry["file"], None)
    with_ = [_norm(s) for s in entry.get("with", [])]
    without = [_norm(s) for s in entry.get("without", [])]
    paste = paste_of(html, with_)
    if dump:
        name = Path(entry["file"]).name.removesuffix(".gz").removesuffix(".html")
        (Path(dump) / f"{name}.txt").write_text(paste.text + "\n", encoding="utf-8")
    result = clean(paste.text, _rules())
    spans = [r.span for r in result.removals]
    with_words, with_removed = _removed_word_share(paste.text, spans, with_)
    titles = page_titles(html)
    return {
        "url": url,
        "language": detect(paste.text).code,
        "held_none": paste.held == 0 and bool(with_),
        "whole_body": paste.tag == "body",
        "held_all": paste.held == len([s for s in dict.fromkeys(with_) if s]),
        "paste": _norm(paste.text),
        "ingest": _norm(result.text),
        "paste_lines": sum(bool(line.strip()) for line in paste.text.split("\n")),
        "removed": [(r.rule, r.category, _norm(r.text)) for r in result.removals],
        "held_back": [h.rule for h in result.held_back],
        "with": with_,
        "without": without,
        "with_words": with_words,
        "with_words_removed": with_removed,
        "title": _title_key(result.title or "") or None,
        "page_titles": titles,
        "title_in_paste": any(_title_key(line) in titles for line in paste.text.split("\n")),
    }


# --- scoring ---------------------------------------------------------------------------------


def score(rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    kept = total_with = leaked = present = 0
    for row in rows:
        out = row[key]
        for s in row["with"]:
            total_with += 1
            kept += s in out
        for s in row["without"]:
            if s in row["paste"]:
                present += 1
                leaked += s in out
    words = sum(r["with_words"] for r in rows)
    removed = sum(r["with_words_removed"] for r in rows) if key == "ingest" else 0
    return {
        "with_kept": kept / max(total_with, 1),
        "with": total_with,
        "without_leaked": leaked / max(present, 1),
        "without_present": present,
        "without_leaked_count": leaked,
        "with_paragraph_words_removed": removed / max(words, 1),
        "with_paragraph_words": words,
    }


def figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_language: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_language[row["language"]].append(row)
    per_rule: dict[str, Counter[str]] = defaultdict(Counter)
    per_category: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        for rule, category, text in row["removed"]:
            for counter in (per_rule[rule], per_category[category]):
                counter["removals"] += 1
                # a snippet counts for the rule when its removal took it out of the text
                counter["without_removed"] += sum(
                    s in text and s in row["paste"] and s not in row["ingest"]
                    for s in row["without"]
                )
                counter["with_removed"] += sum(
                    s in text and s in row["paste"] and s not in row["ingest"] for s in row["with"]
                )
        for rule in row["held_back"]:
            per_rule[rule]["held_back"] += 1
    titled = [r for r in rows if r["title"]]
    right = sum(r["title"] in r["page_titles"] for r in titled)
    findable = [r for r in rows if r["title_in_paste"]]
    found = sum(r["title"] in r["page_titles"] for r in findable)
    return {
        "pages": len(rows),
        "pages_without_element_holding_all_with": sum(not r["held_all"] for r in rows),
        "pages_without_element_holding_any_with": sum(r["held_none"] for r in rows),
        "pages_pasted_whole_body": sum(r["whole_body"] for r in rows),
        "pass_through": score(rows, "paste"),
        "ingest": score(rows, "ingest"),
        "title": {
            "pages_with_title": len(titled),
            "right": right,
            "precision": right / max(len(titled), 1),
            "pages_with_title_in_paste": len(findable),
            "right_of_those": found,
            "recall": found / max(len(findable), 1),
        },
        "languages": {
            lang: {
                "pages": len(subset),
                "pass_through": score(subset, "paste"),
                "ingest": score(subset, "ingest"),
            }
            for lang, subset in sorted(by_language.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        },
        "categories": {c: dict(v) for c, v in sorted(per_category.items())},
        "rules": {rule: dict(c) for rule, c in sorted(per_rule.items())},
    }


def main() -> None:
    parser = devset_arguments(__doc__ or "")
    parser.add_argument("--dump", metavar="DIR", help="write each paste as DIR/<page>.txt")
    args = parser.parse_args()
    items = devset_pages(args)
    if args.dump:
        Path(args.dump).mkdir(parents=True, exist_ok=True)
    work = [(u, e, args.devset, args.dump) for u, e in items]
    _rules()
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            rows = list(pool.map(_page, work, chunksize=8))
    else:
        rows = [_page(w) for w in work]
    fig = figures(rows)
    if args.json:
        print(json.dumps(fig, indent=2))
        return
    p, i = fig["pass_through"], fig["ingest"]
    print(f"pages: {fig['pages']}; no element holds all `with` snippets: "
          f"{fig['pages_without_element_holding_all_with']} (none of them: "
          f"{fig['pages_without_element_holding_any_with']}, pasted whole)")  # fmt: skip
    print(f"pastes that are the whole <body>: {fig['pages_pasted_whole_body']}")
    print(f"`without` snippets present in the pastes: {p['without_present']}")
    print(f"{'':16}{'with kept':>12}{'without leaked':>18}{'with-para words removed':>26}")
    for name, s in (("pass-through", p), ("ingest", i)):
        leak = f"{s['without_leaked']:.1%} ({s['without_leaked_count']})"
        print(f"{name:16}{s['with_kept']:>12.1%}{leak:>18}"
              f"{s['with_paragraph_words_removed']:>26.2%}")  # fmt: skip
    t = fig["title"]
    print(f"title: {t['right']} of {t['pages_with_title']} ingest titles match the page's "
          f"({t['precision']:.1%} precision); {t['right_of_those']} of the "
          f"{t['pages_with_title_in_paste']} pastes that hold the page's title as a line have "
          f"it ({t['recall']:.1%} recall)")  # fmt: skip
    print("\nper language (pages; pass-through -> ingest):")
    for lang, d in fig["languages"].items():
        a, b = d["pass_through"], d["ingest"]
        print(
            f"  {lang:4}{d['pages']:5}  with {a['with_kept']:6.1%} -> {b['with_kept']:6.1%}"
            f"   without {a['without_leaked']:6.1%} -> {b['without_leaked']:6.1%}"
            f" (of {a['without_present']})   words removed {b['with_paragraph_words_removed']:.2%}"
        )
    print_counts(
        "per category (removals, `without` snippets removed, `with` snippets removed):",
        fig["categories"],
        held=False,
    )
    print_counts("per rule (removals, `without` removed, `with` removed, held back):", fig["rules"])


if __name__ == "__main__":
    main()
