"""The datatrove steps beside `ingest clean`, side by side in one run, on the same pages.

    python bench/distributed.py [--pages 100] [--repeat 2] [--devset DIR]

The first --pages pages of the dev set are written twice: as WARC files (a response record
each, `Content-Type: text/html`, the bytes as stored) and as a folder of saved pages with their
HTTP records, as `ingest fetch` keeps them. Then, each in a fresh process, fastest of --repeat:

- `ingest clean pages/ --jobs N --min-repeats 0` (no repeated-lines phase: the datatrove steps
  have none);
- a datatrove pipeline, `IngestWarcReader` -> `IngestExtractor` -> `parquet_writer`, on the
  local executor with N tasks and N workers (the pages shared out among N WARC files);

for N = 1 and 2. Reported: seconds, the ratio of datatrove to clean, and of the pages written
both ways, how many have the same text and the same raw_sha256 (all should).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT.parent / "shared" / "devset"
_ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

PIPELINE = """
import sys
from datatrove.executor import LocalPipelineExecutor
from ingest.distributed import IngestExtractor, IngestWarcReader, parquet_writer

if __name__ == "__main__":
    warc, out, logs, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    LocalPipelineExecutor(
        pipeline=[IngestWarcReader(warc), IngestExtractor(), parquet_writer(out)],
        tasks=n, workers=n, logging_dir=logs,
    ).run()
"""


def pages(devset: Path, count: int) -> list[tuple[str, bytes]]:
    listed = json.loads((devset / "pages.json").read_text(encoding="utf-8"))
    chosen = sorted(u for u in listed if u.startswith("http"))[:count]
    return [(u, gzip.decompress((devset / listed[u]["file"]).read_bytes())) for u in chosen]


def write_warc(items: list[tuple[str, bytes]], folder: Path, shards: int) -> None:
    """The pages as response records, shared out among `shards` files."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    folder.mkdir()
    for shard in range(shards):
        with (folder / f"{shard}.warc.gz").open("wb") as out:
            writer = WARCWriter(out, gzip=True)
            for url, body in items[shard::shards]:
                answer = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1")
                record = writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), http_headers=answer
                )
                writer.write_record(record)


def write_pages(items: list[tuple[str, bytes]], folder: Path) -> None:
    """The pages as `ingest fetch` keeps them: `<key>.html` beside `<key>.http.json`."""
    folder.mkdir()
    for index, (url, body) in enumerate(items):
        key = f"p{index:04d}"
        (folder / f"{key}.html").write_bytes(body)
        http = {"url": url, "final_url": url, "status": 200, "redirects": [],
                "headers": {"content-type": "text/html"}, "charset": None}  # fmt: skip
        (folder / f"{key}.http.json").write_text(json.dumps(http), encoding="utf-8")


def timed(args: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=_ENV, check=True, capture_output=True)
    return time.perf_counter() - started


def compare(pages_dir: Path, out: Path, parquet: Path) -> tuple[int, int, int]:
    """Pages written both ways; of those, with the same text; with the same raw_sha256."""
    import pyarrow.parquet as pq

    rows = {r["url"]: r for r in pq.read_table(parquet).to_pylist()}
    both = same_text = same_hash = 0
    for record_path in sorted(out.glob("*.json")):
        record = json.loads(record_path.read_text(encoding="utf-8"))
        row = rows.get(record["url"])
        if row is None:
            continue
        both += 1
        body = record_path.with_suffix(".txt").read_text(encoding="utf-8").removesuffix("\n")
        same_text += body == row["text"]
        saved = (pages_dir / f"{record_path.stem}.html").read_bytes()
        same_hash += hashlib.sha256(saved).hexdigest() == row["raw_sha256"]
    return both, same_text, same_hash


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--devset", default=str(DEVSET))
    args = parser.parse_args()
    items = pages(Path(args.devset), args.pages)
    python = sys.executable
    ingest = str(Path(python).with_name("ingest"))
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
        work = Path(tmp)
        write_pages(items, work / "pages")
        for n in (1, 2):
            write_warc(items, work / f"warc{n}", n)
        script = work / "pipeline.py"
        script.write_text(PIPELINE, encoding="utf-8")
        print(f"{len(items)} pages")
        print(f"{'jobs':>4} {'ingest clean':>13} {'datatrove':>10} {'ratio':>6}  same text, hash")
        for n in (1, 2):
            best = {"clean": float("inf"), "datatrove": float("inf")}
            for turn in range(args.repeat):
                out, parquet = work / f"out{n}-{turn}", work / f"parquet{n}-{turn}"
                clean = [ingest, "clean", "pages", "--out", str(out), "--jobs", str(n),
                         "--min-repeats", "0"]  # fmt: skip
                best["clean"] = min(best["clean"], timed(clean, work))
                logs = work / f"logs{n}-{turn}"
                pipeline = [python, str(script), str(work / f"warc{n}"), str(parquet), str(logs),
                            str(n)]  # fmt: skip
                best["datatrove"] = min(best["datatrove"], timed(pipeline, work))
            both, text, sha = compare(work / "pages", out, parquet)
            ratio = best["datatrove"] / best["clean"]
            print(
                f"{n:>4} {best['clean']:>12.1f}s {best['datatrove']:>9.1f}s {ratio:>6.2f}  "
                f"{text} and {sha} of {both}"
            )


if __name__ == "__main__":
    main()
