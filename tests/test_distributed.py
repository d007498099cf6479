"""The datatrove step: a local datatrove pipeline over the seeds gives what `ingest clean` gives."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import pytest

pytest.importorskip("datatrove")

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from ingest.distributed import IngestStep

from .helpers import misbehaving, run_ingest
from .httpserver import article

ROOT = Path(__file__).resolve().parent.parent


def _run(shards: Path, out: Path, logs: Path, **step: object) -> list[dict[str, object]]:
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(shards)),
            IngestStep(ROOT / "rules", **step),
            JsonlWriter(str(out)),
        ],
        tasks=1,
        logging_dir=str(logs),
    ).run()
    docs = []
    for shard in sorted(out.glob("*.jsonl.gz")):
        with gzip.open(shard, "rt", encoding="utf-8") as lines:
            docs += [json.loads(line) for line in lines]
    return docs


def test_a_local_pipeline_over_the_seeds_matches_ingest_clean(tmp_path: Path) -> None:
    seeds = sorted((ROOT / "raw").glob("*.txt"))
    shards = tmp_path / "shards"
    shards.mkdir()
    with (shards / "seeds.jsonl").open("w", encoding="utf-8") as out:
        for seed in seeds:
            record = {"id": seed.stem, "text": seed.read_bytes().decode("utf-8")}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")

    docs = _run(shards, tmp_path / "out", tmp_path / "logs")
    assert [d["id"] for d in docs] == [s.stem for s in seeds]
    assert run_ingest("clean", "raw", "--out", str(tmp_path / "clean"), cwd=ROOT).returncode == 0
    for doc in docs:
        body = (tmp_path / "clean" / f"{doc['id']}.txt").read_text(encoding="utf-8")
        assert doc["text"] + "\n" == body
        meta = json.loads((tmp_path / "clean" / f"{doc['id']}.json").read_text(encoding="utf-8"))
        ours = doc["metadata"]["ingest"]  # type: ignore[index]
        # the source is a file path for `ingest clean` and the record's id for datatrove
        assert {**ours, "source": None} == {**meta, "source": None}
        assert ours["source"] == doc["id"]
        # at the top of the metadata, where datatrove's language filters write them
        assert doc["metadata"]["language"] == meta["language"] == "en"  # type: ignore[index]
        assert doc["metadata"]["language_score"] == meta["language_confidence"]  # type: ignore[index]


def test_pages_are_extracted_and_bad_documents_are_dropped(tmp_path: Path) -> None:
    shards = tmp_path / "shards"
    shards.mkdir()
    records = [
        {"id": "page", "text": article("Talks resume", "Body"), "metadata": {"url": "https://example.org/a"}},
        {"id": "empty", "text": "   "},
    ]  # fmt: skip
    (shards / "pages.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8"
    )
    docs = _run(shards, tmp_path / "out", tmp_path / "logs")
    assert [d["id"] for d in docs] == ["page"]
    (page,) = docs
    assert "Body paragraph 5" in page["text"] and "Facebook" not in page["text"]
    meta = page["metadata"]["ingest"]  # type: ignore[index]
    assert meta["title"] == "Talks resume" and meta["url"] == "https://example.org/a"
    assert any(r["stage"] == "html" for r in meta["removed"])


def test_a_document_past_its_deadline_or_memory_or_killing_its_process_is_dropped_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest import distributed

    # the sandbox process forks from this one (tasks=1 runs here), so it has the patch
    misbehave = misbehaving(distributed.clean_document, lambda doc: doc.source)
    monkeypatch.setattr(distributed, "clean_document", misbehave)
    shards = tmp_path / "shards"
    shards.mkdir()
    text = "The council approved the new budget on Monday after a long debate.\n\nIt passed."
    ids = ["a", "hang", "b", "crash", "c", "oops", "d", "hog"]
    (shards / "docs.jsonl").write_text(
        "".join(json.dumps({"id": i, "text": text}) + "\n" for i in ids), encoding="utf-8"
    )
    started = time.monotonic()
    docs = _run(shards, tmp_path / "out", tmp_path / "logs", doc_timeout=2.0)
    assert time.monotonic() - started < 60
    assert [d["id"] for d in docs] == ["a", "b", "c", "d"]
    stats = json.loads(next((tmp_path / "logs" / "stats").glob("*.json")).read_text())
    step = next(s for s in stats if s["name"].endswith("ingest"))["stats"]
    # "oops" and "hog" (over the memory budget) are counted as failed
    assert step["timeout"] == 1 and step["broken_process"] == 1 and step["failed"] == 2
