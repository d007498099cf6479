"""Speed and memory of cleaning pasted text (a script, not a timed test).

    python bench/speed.py [--docs 2000]

Builds --docs article files from the seeds' paragraphs (deterministically shuffled), then
reports `clean()` with every rule (documents/s); the pattern rules alone (MB/s), shipped and
replicated ten times, with the RE2-set prefilter and with one scan per rule; the whole batch
through `clean_paths` with one job (documents/s); and the peak resident memory.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import (  # noqa: E402
    BatchOptions,
    Ruleset,
    clean,
    clean_paths,
    detect,
    engine,
    load_ruleset,
)


def corpus(n: int) -> list[str]:
    paragraphs = [
        p
        for seed in sorted((ROOT / "raw").glob("*.txt"))
        for p in seed.read_text(encoding="utf-8").split("\n")
        if p.strip()
    ]
    rng = random.Random(0)
    return ["\n\n".join(rng.sample(paragraphs, 25)) for _ in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    args = parser.parse_args()
    rules = load_ruleset(ROOT / "rules")
    docs = corpus(args.docs)
    size_mb = sum(len(d.encode()) for d in docs) / 1e6
    print(f"{len(docs)} documents, {size_mb:.1f} MB, {len(rules)} rules")

    started = time.perf_counter()
    for doc in docs:
        clean(doc, rules)
    total = time.perf_counter() - started
    print(f"clean(), all rules:        {len(docs) / total:8.1f} docs/s ({total:.1f} s)")

    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in", Path(tmp) / "out"
        src.mkdir()
        for i, doc in enumerate(docs):
            (src / f"{i:05d}.txt").write_text(doc, encoding="utf-8")
        started = time.perf_counter()
        report = clean_paths([src], rules, BatchOptions(out_dir=out, jobs=1))
        elapsed = time.perf_counter() - started
        assert not report.failed
    print(f"ingest batch, --jobs 1:    {len(docs) / elapsed:8.1f} docs/s ({elapsed:.1f} s)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory:      {peak:8.0f} MB")

    # The pattern rules alone (no language or headline built-ins, which are langdetect's
    # time), with the shipped rules and ten times as many, with and without the RE2-set
    # prefilter that lets one scan pick the rules that can match. clean() still detects the
    # result's language once per document; that time is measured and left out.
    started = time.perf_counter()
    for doc in docs:
        detect(doc)
    language = time.perf_counter() - started
    patterns = rules.only(*(r.id for r in rules.rules if r.compiled is not None))
    tenfold = Ruleset(
        rules=tuple(
            dataclasses.replace(r, id=f"{r.id}-{k}") for k in range(10) for r in patterns.rules
        ),
        id=patterns.id + "x10",
        source=patterns.source,
    )
    for name, ruleset in ((f"{len(patterns)} rules", patterns), (f"{len(tenfold)} rules", tenfold)):
        rates = []
        for prefilter in (True, False):
            engine._prefilter.cache_clear()
            saved = engine._prefilter
            if not prefilter:
                engine._prefilter = lambda *_: lambda _text, indexed: indexed  # type: ignore[assignment]
            try:
                clean(docs[0], ruleset)  # build the sets outside the timing
                started = time.perf_counter()
                for doc in docs:
                    clean(doc, ruleset)
                rates.append(size_mb / (time.perf_counter() - started - language))
            finally:
                engine._prefilter = saved
        print(
            f"rules engine, {name:10} {rates[0]:8.2f} MB/s (one scan per rule: {rates[1]:.2f} MB/s)"
        )


if __name__ == "__main__":
    main()
