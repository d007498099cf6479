"""Articles that repeat another: the same text (its hash), or nearly (its simhash).

The same wire story on two sites, or one page fetched under two addresses, is one article
written twice. Once a batch is cleaned, each of its articles is compared with the articles
`clean/` held before and with the batch's earlier ones; one that repeats another gets that
article's key in `duplicate_of` (or, with `--skip-duplicates`, is not kept).

Near duplicates are found by simhash (trafilatura's, over the body's longer words): two
bodies of like length whose 64-bit fingerprints differ in at most `NEAR_BITS` bits. Comparing
every pair is
quadratic; by the pigeonhole principle two fingerprints that differ in at most k bits agree
exactly on at least one of k + 1 bands of bits, so each fingerprint is compared only with
those sharing a band. Short texts have fingerprints that too few words make: they count as
duplicates only when their text is the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import InputError
from ingest.record import Record

# At most this many of 64 bits differ between near-duplicate bodies, and the shorter has at
# least this share of the longer's words. Measured by bench/duplicates.py on the 1,206
# distinct texts trafilatura extracts from the dev sets' pages (docs/measurements.md): none is
# marked as another's copy; the nearest two different texts of like length are 9 bits apart
# (without the length test, 6). Copies are found when 2 % of their words are changed (96 %),
# 5 % (81 %), 10 % (50 %), or a site's furniture lines are added (92 %). A false mark costs
# an article; a missed one costs a copy.
NEAR_BITS = 6
MIN_SHARE = 2 / 3
# Below this many words a body's simhash is too noisy: only the same text is a duplicate.
MIN_WORDS = 50
_BITS = 64
# Bands of near-equal widths (10, 9, 9, …): the fewer bits a band has, the more fingerprints
# share it by chance and the more pairs are compared.
_BANDS = NEAR_BITS + 1
_WIDTHS = [_BITS // _BANDS + (i < _BITS % _BANDS) for i in range(_BANDS)]
_STARTS = [sum(_WIDTHS[:i]) for i in range(_BANDS)]


@dataclass(frozen=True)
class Article:
    """What comparing needs of a record."""

    key: str
    text_sha256: str | None
    simhash: int | None
    words: int
    duplicate_of: str | None = None


@dataclass(frozen=True)
class Duplicate:
    key: str
    of: str
    exact: bool  # the same text; else within NEAR_BITS bits


def article(key: str, record: Record) -> Article:
    try:
        simhash = int(record.simhash, 16) if record.simhash else None
    except ValueError:  # a record edited by hand
        simhash = None
    return Article(key, record.text_sha256, simhash, record.word_count, record.duplicate_of)


def read_articles_in(folder: Path) -> list[Article]:
    """The articles of the records in `folder`, in key order; records that cannot be read are
    left out (the commands that read clean/ name them)."""
    files = (f for f in sorted(folder.glob("*.json")) if not f.name.endswith(".http.json"))
    return _articles(files)


def read_in_order(folder: Path, keys: Iterable[str]) -> list[Article]:
    """The articles of the records `keys` in `folder`, in that order."""
    return _articles(folder / f"{key}.json" for key in keys)


def _articles(files: Iterable[Path]) -> list[Article]:
    found: list[Article] = []
    for file in files:
        try:
            found.append(article(file.stem, Record.read(file)))
        except InputError:
            continue
    return found


def find_duplicates(earlier: Sequence[Article], batch: Sequence[Article]) -> list[Duplicate]:
    """The articles of `batch` (in its order) that repeat one of `earlier` (articles kept
    before, themselves no duplicates) or an earlier one of `batch`: each with the article of
    the same text, else the one whose fingerprint is nearest (of equally near ones, the first
    key)."""
    by_text: dict[str, str] = {}
    bands: dict[tuple[int, int], list[Article]] = defaultdict(list)

    def remember(a: Article) -> None:
        if a.text_sha256 is not None:
            by_text.setdefault(a.text_sha256, a.key)
        if a.simhash is not None and a.words >= MIN_WORDS:
            for band in _bands(a.simhash):
                bands[band].append(a)

    for a in earlier:
        if a.duplicate_of is None:
            remember(a)
    found: list[Duplicate] = []
    for a in batch:
        exact = by_text.get(a.text_sha256) if a.text_sha256 is not None else None
        if exact is not None and exact != a.key:
            found.append(Duplicate(a.key, exact, exact=True))
            continue
        near = _nearest(a, bands) if a.simhash is not None and a.words >= MIN_WORDS else None
        if near is not None:
            found.append(Duplicate(a.key, near, exact=False))
            continue
        remember(a)
    return found


def _bands(simhash: int) -> list[tuple[int, int]]:
    return [
        (i, (simhash >> start) & ((1 << width) - 1))
        for i, (start, width) in enumerate(zip(_STARTS, _WIDTHS, strict=True))
    ]


def _nearest(a: Article, bands: dict[tuple[int, int], list[Article]]) -> str | None:
    """The key of the remembered article nearest `a` within NEAR_BITS bits (of equally near
    ones, the first key), or None."""
    assert a.simhash is not None
    best: tuple[int, str] | None = None
    for band in _bands(a.simhash):
        for other in bands.get(band, ()):
            if other.key == a.key or other.simhash is None:
                continue
            if min(a.words, other.words) < MIN_SHARE * max(a.words, other.words):
                continue
            apart = (a.simhash ^ other.simhash).bit_count()
            if apart <= NEAR_BITS and (best is None or (apart, other.key) < best):
                best = (apart, other.key)
    return best[1] if best is not None else None
