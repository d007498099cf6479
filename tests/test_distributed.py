"""The datatrove steps, run by datatrove's local executor: they give what `ingest clean` and
`ingest fetch` give, drop documents in the open, and write Parquet whatever comes first."""

from __future__ import annotations

import gzip
import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("datatrove")
pytest.importorskip("warcio")
pytest.importorskip("pyarrow")

import pyarrow.parquet as pq
from datatrove.data import Document as Page
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from ingest.distributed import IngestCleaner, IngestExtractor, IngestWarcReader, parquet_writer
from ingest.errors import ExtractError
from ingest.record import Record

from .helpers import misbehaving, run_ingest
from .httpserver import article
from .warcfile import HOST, Response, responses, write_warc

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"


def _run(pipeline: list[Any], logs: Path) -> dict[str, Any]:
    """Runs the pipeline in one task; the stats of its ingest steps, by step name."""
    LocalPipelineExecutor(pipeline=pipeline, tasks=1, logging_dir=str(logs)).run()
    stats = json.loads((logs / "stats.json").read_text())
    # a step's name is "<icon> - <type>: <icon> <name>"
    named = {s["name"].split(": ")[-1].split(" ", 1)[-1]: s["stats"] for s in stats}
    return {name: stat for name, stat in named.items() if "ingest" in name}


def _jsonl(folder: Path) -> list[dict[str, Any]]:
    docs = []
    for shard in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(shard, "rt", encoding="utf-8") as lines:
            docs += [json.loads(line) for line in lines]
    return docs


def _shard(folder: Path, records: list[dict[str, Any]]) -> Path:
    folder.mkdir()
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    (folder / "docs.jsonl").write_text(lines, encoding="utf-8")
    return folder


@pytest.mark.parametrize("timeout", [60.0, None], ids=["sandboxed", "in-process"])
def test_the_seeds_come_out_as_ingest_clean_writes_them_in_jsonl_and_parquet(
    tmp_path: Path, timeout: float | None
) -> None:
    seeds = sorted((ROOT / "raw").glob("*.txt"))
    shards = _shard(
        tmp_path / "shards", [{"id": s.stem, "text": s.read_bytes().decode("utf-8")} for s in seeds]
    )
    _run(
        [
            JsonlReader(str(shards)),
            IngestCleaner(RULES, timeout=timeout),
            JsonlWriter(str(tmp_path / "jsonl")),
            # the first seed's record has null fields that others fill: a schema inferred
            # from it ("Table schema does not match") fails on the next
            parquet_writer(str(tmp_path / "parquet"), batch_size=2),
        ],
        tmp_path / "logs",
    )
    docs = _jsonl(tmp_path / "jsonl")
    assert [d["id"] for d in docs] == [s.stem for s in seeds]
    assert run_ingest("clean", "raw", "--out", str(tmp_path / "clean"), cwd=ROOT).returncode == 0
    rows = {r["id"]: r for r in pq.read_table(tmp_path / "parquet").to_pylist()}
    for doc in docs:
        body = (tmp_path / "clean" / f"{doc['id']}.txt").read_text(encoding="utf-8")
        assert doc["text"] + "\n" == body
        meta = json.loads((tmp_path / "clean" / f"{doc['id']}.json").read_text(encoding="utf-8"))
        ours = doc["metadata"]["ingest"]
        # the source is a file path for `ingest clean` and the record's id for datatrove
        assert {**ours, "source": None} == {**meta, "source": None}
        assert ours["source"] == doc["id"]
        # at the top of the metadata, where datatrove's language filters write them
        assert doc["metadata"]["language"] == meta["language"] == "en"
        assert doc["metadata"]["language_score"] == meta["language_confidence"]
        row = rows[doc["id"]]
        assert row["text"] == doc["text"] and json.loads(row["ingest"]) == ours
        assert Record.from_json(json.loads(row["ingest"]), "parquet").title == meta["title"]
        assert (row["title"], row["authors"], row["published"]) == (
            meta["title"],
            meta["authors"],
            meta["date"],
        )
        assert row["language"] == "en" and row["filter_reason"] is None


def test_pages_are_extracted_and_dropped_ones_reach_the_exclusion_writer(tmp_path: Path) -> None:
    shards = _shard(
        tmp_path / "shards",
        [
            {"id": "page", "text": article("Talks resume", "Body"), "metadata": {"url": "https://example.org/a"}},
            {"id": "menu", "text": "<html><body><nav><a href='/'>Home</a></nav></body></html>"},
            {"id": "blank", "text": "   "},
        ],
    )  # fmt: skip
    excluded = tmp_path / "excluded"
    stats = _run(
        [
            JsonlReader(str(shards)),
            IngestExtractor(RULES, exclusion_writer=JsonlWriter(str(excluded))),
            JsonlWriter(str(tmp_path / "out")),
        ],
        tmp_path / "logs",
    )
    (page,) = _jsonl(tmp_path / "out")
    assert page["id"] == "page"
    assert "Body paragraph 5" in page["text"] and "Facebook" not in page["text"]
    meta = page["metadata"]["ingest"]
    assert meta["title"] == "Talks resume" and meta["url"] == "https://example.org/a"
    assert any(r["stage"] == "html" for r in meta["removed"])
    dropped = {d["id"]: d["metadata"] for d in _jsonl(excluded)}
    assert {i: m["filter_reason"] for i, m in dropped.items()} == {
        "menu": "no_article",
        "blank": "no_article",
    }
    assert dropped["menu"]["ingest_error"].startswith("menu: no article text")
    assert stats["ingest extract"]["forwarded"] == 1
    assert stats["ingest extract"]["dropped_no_article"] == 2


def test_a_document_past_its_deadline_or_memory_or_killing_its_process_is_dropped_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest import distributed

    # the sandbox process forks from this one (tasks=1 runs here), so it has the patch
    misbehave = misbehaving(distributed.clean_document, lambda doc: doc.source)
    monkeypatch.setattr(distributed, "clean_document", misbehave)
    text = "The council approved the new budget on Monday after a long debate.\n\nIt passed."
    ids = ["a", "hang", "b", "crash", "c", "oops", "d", "hog"]
    shards = _shard(tmp_path / "shards", [{"id": i, "text": text} for i in ids])
    started = time.monotonic()
    stats = _run(
        [
            JsonlReader(str(shards)),
            IngestCleaner(RULES, timeout=2.0, exclusion_writer=JsonlWriter(str(tmp_path / "ex"))),
            JsonlWriter(str(tmp_path / "out")),
        ],
        tmp_path / "logs",
    )
    assert time.monotonic() - started < 60
    assert [d["id"] for d in _jsonl(tmp_path / "out")] == ["a", "b", "c", "d"]
    dropped = {d["id"]: d["metadata"] for d in _jsonl(tmp_path / "ex")}
    reasons = {i: m["filter_reason"] for i, m in dropped.items()}
    assert reasons == {
        "hang": "timeout",
        "crash": "broken_process",
        "oops": "internal",
        "hog": "limit",
    }
    for name, meta in dropped.items():
        assert meta["ingest_error"].startswith(f"{name}: ")
    assert "2 s" in dropped["hang"]["ingest_error"] and "a bug" in dropped["oops"]["ingest_error"]
    step = stats["ingest clean"]
    assert (step["forwarded"], step["dropped"], step["dropped_timeout"]) == (4, 4, 1)


def test_a_broken_pipe_to_the_sandbox_drops_one_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datatrove.pipeline.extractors.base import ExtractorSandbox

    real = ExtractorSandbox.process_document

    def process_document(self: Any, args: Any, fn: Any) -> Any:
        if args[2] == "pipe":
            raise BrokenPipeError("the sandbox went away")
        return real(self, args, fn)

    monkeypatch.setattr(ExtractorSandbox, "process_document", process_document)
    text = "The council approved the new budget on Monday after a long debate."
    shards = _shard(tmp_path / "shards", [{"id": i, "text": text} for i in ("a", "pipe", "b")])
    stats = _run(
        [
            JsonlReader(str(shards)),
            IngestCleaner(RULES, exclusion_writer=JsonlWriter(str(tmp_path / "ex"))),
            JsonlWriter(str(tmp_path / "out")),
        ],
        tmp_path / "logs",
    )
    assert [d["id"] for d in _jsonl(tmp_path / "out")] == ["a", "b"]
    (dropped,) = _jsonl(tmp_path / "ex")
    assert dropped["metadata"]["filter_reason"] == "broken_process"
    assert stats["ingest clean"]["dropped_broken_process"] == 1


def test_warc_pages_are_read_from_their_original_bytes_and_written_to_parquet(
    tmp_path: Path,
) -> None:
    items = responses()
    write_warc(tmp_path / "warc" / "a.warc.gz", items)
    # a second file broken after its first page: that page is read, the run goes on
    whole = tmp_path / "whole.warc"
    write_warc(whole, [r for r in items if r.name == "gzip"])
    (tmp_path / "warc" / "b.warc").write_bytes(whole.read_bytes() + b"garbage\r\n" * 100)
    excluded = tmp_path / "excluded"
    stats = _run(
        [
            IngestWarcReader(str(tmp_path / "warc")),
            IngestExtractor(RULES, timeout=30, exclusion_writer=JsonlWriter(str(excluded))),
            parquet_writer(str(tmp_path / "parquet")),
        ],
        tmp_path / "logs",
    )
    by_name = {r.name: r for r in items}
    rows = pq.read_table(tmp_path / "parquet").to_pylist()
    assert sorted(r["url"].rsplit("/", 1)[1] for r in rows) == [
        "chunked", "gzip", "gzip", "short1252", "utf8",
    ]  # fmt: skip
    for row in rows:
        record = json.loads(row["ingest"])
        expected = hashlib.sha256(by_name[row["url"].rsplit("/", 1)[1]].body).hexdigest()
        # the hash `ingest fetch` would have recorded: of the body, de-chunked and gunzipped
        assert record["raw_sha256"] == row["raw_sha256"] == expected
        assert row["language"] == record["language"]
        assert row["date"] == "2024-03-01T10:51:00Z" and record["url"] == row["url"]
        assert json.loads(row["http"])["status"] == 200
    text = {r["url"].rsplit("/", 1)[1]: r for r in rows}
    assert text["utf8"]["language"] == "fr" and "président" in text["utf8"]["text"]
    # only the header names the charset: read as windows-1252, not guessed
    assert "“non” à Zürich" in text["short1252"]["text"]
    assert json.loads(text["short1252"]["http"])["charset"] == "windows-1252"
    assert "Chunk paragraph 5" in text["chunked"]["text"] and "Facebook" not in text["gzip"]["text"]
    dropped = {d["metadata"]["url"]: d["metadata"] for d in _jsonl(excluded)}
    assert {u: m["filter_reason"] for u, m in dropped.items()} == {
        f"{HOST}/noarticle": "no_article",
        f"{HOST}/binary": "input",
        f"{HOST}/cutgzip": "input",
    }
    for name, problem in [("cutgzip", "body ends inside its gzip data"), ("binary", "")]:
        assert dropped[f"{HOST}/{name}"]["ingest_error"].startswith(f"{HOST}/{name}: {problem}")
    assert all("media" not in d or not d["media"] for d in _jsonl(excluded))
    reader = stats["ingest WARC"]
    assert reader["skipped_not_html"] == 1 and reader["skipped_status"] == 1
    assert reader["broken_files"] == 1 and reader["skipped_not_response"] >= 9


def test_a_body_over_the_limit_is_dropped_by_name_into_parquet(tmp_path: Path) -> None:
    big = article("A long read", "Long").encode()
    write_warc(tmp_path / "warc" / "a.warc", [Response("long", big)])
    _run(
        [
            IngestWarcReader(str(tmp_path / "warc"), max_bytes=1000),
            IngestExtractor(RULES, exclusion_writer=parquet_writer(str(tmp_path / "ex"))),
        ],
        tmp_path / "logs",
    )
    (row,) = pq.read_table(tmp_path / "ex").to_pylist()
    assert row["filter_reason"] == "input" and row["ingest"] is None
    error = row["ingest_error"]
    assert error.startswith(f"{HOST}/long: body is larger than 1,000 bytes once decoded (raise")
    assert json.loads(row["http"])["status"] == 200


def test_the_steps_keep_datatrove_contracts_when_called_directly() -> None:
    extractor = IngestExtractor(RULES)
    assert "Body paragraph 0" in extractor.extract(article("Talks", "Body"))
    with pytest.raises(ExtractError):
        extractor.extract("<html><body><nav>Home</nav></body></html>")
    cleaner = IngestCleaner(RULES)
    doc = Page(text="Talks resumed on Monday.\n\nBecome a Patron!", id="t")
    assert cleaner.filter(doc) is True
    assert doc.text == "Talks resumed on Monday." and doc.metadata["ingest"]["removed"]
    blank = Page(text="Become a Patron!", id="b")
    assert cleaner.filter(blank) == (False, "empty")


def test_the_readmes_cluster_pipeline_runs_as_shown_on_the_local_executor(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## On a cluster: datatrove", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert "SlurmPipelineExecutor(" in example
    write_warc(tmp_path / "crawl" / "a.warc.gz", responses())
    code = example.replace("s3://my-bucket/", f"{tmp_path}/")
    shown: dict[str, Any] = {"__name__": "readme"}  # builds the pipeline, does not submit it
    exec(compile(code, "README.md", "exec"), shown)
    _run(shown["pipeline"], tmp_path / "logs")
    rows = pq.read_table(tmp_path / "articles").to_pylist()
    assert sorted(r["url"].rsplit("/", 1)[1] for r in rows) == [
        "chunked", "gzip", "short1252", "utf8",
    ]  # fmt: skip
    assert {r["language"] for r in rows} == {"en", "fr"}
    reasons = sorted(d["metadata"]["filter_reason"] for d in _jsonl(tmp_path / "dropped"))
    assert reasons == ["input", "input", "no_article"]


def test_warc_bodies_are_decoded_as_fetch_decodes_them(tmp_path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    from ingest.warc import WarcPage, read_response

    page = article("Twice gzipped", "Twice").encode()
    twice = gzip.compress(gzip.compress(page))
    coded = (("Content-Type", "text/html"), ("Content-Encoding", "gzip, gzip"))
    brotli = (("Content-Type", "text/html"), ("Content-Encoding", "br"))
    untyped: tuple[tuple[str, str], ...] = ()
    write_warc(
        tmp_path / "a.warc",
        [
            Response("twice", page, coded, twice),
            Response("brotli", page, brotli, b"\x1b\x00"),
            Response("untyped", page, untyped),
            Response("plain", b"just some text", untyped),
        ],
    )
    with (tmp_path / "a.warc").open("rb") as stream:
        found = [read_response(r, 1 << 20) for r in ArchiveIterator(stream)]
    pages = [p for p in found if isinstance(p, WarcPage)]
    assert [p.url.rsplit("/", 1)[1] for p in pages] == ["twice", "brotli", "untyped"]
    assert pages[0].body == page and pages[2].body == page
    assert pages[1].body is None and pages[1].error is not None
    assert "Content-Encoding 'br'" in str(pages[1].error)
    assert found.count("not_html") == 1  # no media type, and not HTML
