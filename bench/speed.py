"""Speed and memory of cleaning pasted text (a script, not a timed test).

    python bench/speed.py [--docs 2000]

Builds --docs article files from the seeds' paragraphs (deterministically shuffled), then
reports `clean()` with every rule (documents/s), the share of it spent in one langdetect
call per document, the rules engine's rate without that (MB/s), the whole batch through
`clean_paths` with one job (documents/s), and the peak resident memory of this process.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest import BatchOptions, clean, clean_paths, detect, load_ruleset  # noqa: E402


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
    started = time.perf_counter()
    for doc in docs:
        detect(doc)  # clean() detects the body's language once more per pass that changed text
    language = time.perf_counter() - started
    print(f"clean(), all rules:        {len(docs) / total:8.1f} docs/s ({total:.1f} s)")
    print(f"  of which langdetect:     {language / total:8.0%}     (one detection per document)")
    print(f"  rules engine, the rest:  {size_mb / (total - language):8.2f} MB/s")

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


if __name__ == "__main__":
    main()
