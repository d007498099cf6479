"""Language detection on a bounded sample vs the whole text, on the dev set's article texts.

    python bench/language.py [--devset ../shared/devset] [--limit N] [--jobs N]

Extracts every dev-set page with ingest (selector rules, trafilatura, text rules), then
detects each body's language twice: reading the whole text, and reading the bounded sample
`ingest.language.sample` takes (several sizes). Reports agreement and time for each size.

Then cleans every extracted page text again with edge lines judged by 1, 2, 3 and langdetect's
own 7 random walks (`ingest.language.LINE_TRIALS`): how many pages come out differently from 7
(body, language or removals), and the time.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from langdetect.lang_detect_exception import LangDetectException  # noqa: E402

from ingest import ExtractError, clean, engine, load_ruleset  # noqa: E402
from ingest.engine import CleanResult  # noqa: E402
from ingest.extraction import Page, extract  # noqa: E402
from ingest.inputs import decode_page  # noqa: E402
from ingest.language import (  # noqa: E402
    LINE_TRIALS,
    MIN_LETTERS,
    SAMPLE_CHARS,
    SAMPLE_PIECES,
    _factory,
    letter_count,
    sample,
)
from ingest.pipeline import site_of  # noqa: E402

_RULES = load_ruleset(ROOT / "rules")


def _page(args: tuple[str, dict[str, Any], str]) -> Page | None:
    url, entry, devset = args
    html, _ = decode_page(gzip.decompress((Path(devset) / entry["file"]).read_bytes()), url, None)
    try:
        return extract(html, _RULES, url=url, site=site_of(url))
    except ExtractError:
        return None


def _clean(page: Page, url: str) -> CleanResult:
    return clean(
        page.text,
        _RULES,
        site=site_of(url),
        headline=page.title,
        links=page.links,
        removed_before=page.removed_words,
    )


def _line_trials(pages: list[tuple[str, Page]]) -> None:
    results = {}
    for trials in (7, 3, 2, 1):
        engine.LINE_TRIALS = trials
        started = time.perf_counter()
        results[trials] = [_clean(page, url) for url, page in pages]
        seconds = time.perf_counter() - started
        differ = sum(
            (a.text, a.language, a.removals) != (b.text, b.language, b.removals)
            for a, b in zip(results[7], results[trials], strict=True)
        )
        print(f"edge lines judged with {trials} walk(s): {differ} of {len(pages)} pages clean "
              f"differently from 7; cleaning {seconds:5.1f} s")  # fmt: skip
    engine.LINE_TRIALS = LINE_TRIALS


def _detect(text: str, max_length: int | None = None) -> str:
    detector = _factory().create()
    if max_length is not None:
        detector.max_text_length = max_length
    detector.append(text)
    try:
        return str(detector.get_probabilities()[0].lang)
    except LangDetectException:
        return "und"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", default=str(ROOT.parent / "shared" / "devset"))
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    pages = json.loads((Path(args.devset) / "pages.json").read_text(encoding="utf-8"))
    items = sorted(pages.items())[: args.limit or None]
    with ProcessPoolExecutor(args.jobs) as pool:
        found = list(pool.map(_page, [(u, e, args.devset) for u, e in items], chunksize=8))
    pages = [(url, page) for (url, _), page in zip(items, found, strict=True) if page]
    bodies = [_clean(page, url).text for url, page in pages]
    texts = [b for b in bodies if letter_count(b) >= MIN_LETTERS]
    started = time.perf_counter()
    whole = [_detect(t, max_length=10**9) for t in texts]
    reference = time.perf_counter() - started
    print(f"{len(texts)} article bodies; whole text: {reference:.1f} s")
    for limit in sorted({500, 1000, 2000, SAMPLE_CHARS, 3000, 5000}):
        started = time.perf_counter()
        got = [_detect(sample(t, limit, SAMPLE_PIECES)) for t in texts]
        seconds = time.perf_counter() - started
        agree = sum(a == b for a, b in zip(whole, got, strict=True)) / len(texts)
        chosen = "  <- shipped" if limit == SAMPLE_CHARS else ""
        print(
            f"sample of {limit:5} chars: agreement {agree:7.2%}, {seconds:5.1f} s "
            f"({seconds / reference:.2f} of the whole-text time){chosen}"
        )
    _line_trials(pages)


if __name__ == "__main__":
    main()
