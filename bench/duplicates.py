"""Duplicates: how often different articles are taken for copies, and copies are found.

    python bench/duplicates.py [--jobs N] [--limit N]

The texts are trafilatura's extractions of the pages of both dev sets (../shared/devset and
../shared/devset-meta), each text once. ingest's duplicate search (`ingest.duplicates`) runs
over them as one batch: every duplicate it marks there is a false mark (a few pages of the
dev sets are the same article on two sites; the script prints each pair to read). Then each
text of 50 words or more gets copies as another site would print it, and the share of copies
found is reported: with 2 %, 5 % and 10 % of its words changed into other words, and with a
site's furniture lines added around it. Also the distances (bits apart of 64) between the
nearest pairs of different texts, with and without the length test.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.duplicates import MIN_SHARE, MIN_WORDS, Article, find_duplicates  # noqa: E402
from ingest.inputs import decode_page  # noqa: E402
from ingest.metadata import fingerprint  # noqa: E402

FURNITURE = (
    "Home | News | Sport | Business",
    "Share this article on Facebook",
    "Copyright 2025 Another Site. All rights reserved.",
    "Read more: the week's other stories",
)


def _text(path: str) -> str:
    import trafilatura

    data = gzip.decompress(Path(path).read_bytes())
    html, _ = decode_page(data, path, None)
    return trafilatura.extract(html) or ""


def _article(key: str, text: str) -> Article:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Article(key, digest, int(fingerprint(text), 16), len(text.split()))


def _edited(text: str, share: float, rng: random.Random) -> str:
    words = text.split(" ")
    for i in rng.sample(range(len(words)), int(len(words) * share)):
        words[i] = words[i][::-1] + "x"  # another word, each one its own
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    shared = ROOT.parent / "shared"
    paths = sorted(str(p) for p in (shared / "devset").rglob("*.html.gz"))
    paths += sorted(str(p) for p in (shared / "devset-meta" / "pages").glob("*.html.gz"))
    paths = paths[: args.limit] if args.limit else paths
    with ProcessPoolExecutor(args.jobs) as pool:
        texts = list(pool.map(_text, paths, chunksize=8))
    distinct = list(dict.fromkeys(t for t in texts if t))
    articles = [_article(f"t{i:04d}", t) for i, t in enumerate(distinct)]
    marked = find_duplicates([], articles)
    print(f"{len(distinct)} distinct texts; marked as duplicates: {len(marked)}")
    by_key = dict(zip((a.key for a in articles), distinct, strict=True))
    for found in marked:
        print(
            f"  {found.key} of {found.of}: {by_key[found.key][:70]!r} / {by_key[found.of][:70]!r}"
        )
    long = [a for a in articles if a.words >= MIN_WORDS]
    for guarded in (False, True):
        nearest = sorted(
            (a.simhash ^ b.simhash).bit_count()  # type: ignore[operator]
            for i, a in enumerate(long)
            for b in long[i + 1 :]
            if not guarded or min(a.words, b.words) >= MIN_SHARE * max(a.words, b.words)
        )[:5]
        label = "with the length test" if guarded else "without the length test"
        print(f"nearest pairs of different texts, bits apart, {label}: {nearest}")
    rng = random.Random(1)
    originals = [(a, by_key[a.key]) for a in long]
    for label, make in (
        ("2 % of words changed", lambda t: _edited(t, 0.02, rng)),
        ("5 % of words changed", lambda t: _edited(t, 0.05, rng)),
        ("10 % of words changed", lambda t: _edited(t, 0.10, rng)),
        ("furniture lines added", lambda t: "\n".join((*FURNITURE[:2], t, *FURNITURE[2:]))),
    ):
        found = 0
        for article, text in originals:
            copy = _article("copy", make(text))
            found += bool(find_duplicates([article], [copy]))
        print(f"copies found, {label}: {found} of {len(originals)} ({found / len(originals):.1%})")
    print(json.dumps({"texts": len(distinct), "false_marks": len(marked)}))


if __name__ == "__main__":
    main()
