"""ingest as steps of a datatrove pipeline, for corpora that outgrow one machine.

datatrove (`pip install 'ingest[datatrove]'`) reads shards, runs one pipeline locally, on
Slurm or on Ray, and writes the results; these steps are the reading and cleaning between:

- `IngestWarcReader`: the HTML responses of WARC files, each page's body as it came over the
  wire (de-chunked and decoded by ingest, `ingest.warc`) with its HTTP record;
- `IngestExtractor` (datatrove's `BaseExtractor`): pages to clean article text, each in
  datatrove's sandbox process with a deadline;
- `IngestCleaner` (datatrove's `BaseFilter`): pasted article text to clean text;
- `parquet_writer`: datatrove's `ParquetWriter` with a schema that does not depend on the
  first document.

A kept document's text is the clean body; its metadata gains `language` and `language_score`
(where datatrove's own language filters write them) and `ingest`, the record `ingest clean`
writes to `<key>.json`. A dropped one goes to the step's `exclusion_writer` with
`filter_reason` (one word) and `ingest_error` (what went wrong, where, and how to fix it).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from datatrove.data import Document as Page
from datatrove.data import DocumentsPipeline, MediaType
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.extractors.base import BaseExtractor, ExtractorSandbox
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.pipeline.readers.base import BaseDiskReader
from datatrove.utils.logging import logger
from datatrove.utils.typeshelper import StatHints

from ingest.errors import ExtractError, IngestError, InputError, InternalError, LimitError
from ingest.inputs import DEFAULT_MAX_BYTES, Document, decode_page
from ingest.pipeline import DEFAULT_DOC_TIMEOUT, clean_document
from ingest.rules import Ruleset, load_ruleset
from ingest.workers import limit_memory, out_of_memory

if TYPE_CHECKING:
    from ingest.warc import WarcPage

HTTP_KEY = "http"  # metadata: a WARC page's HTTP record, as `<key>.http.json` holds it
PAYLOAD = "ingest:payload"  # the `alt` of the media entry holding a WARC page's body
_WARMUP = ("warmup",)


class IngestWarcReader(BaseDiskReader):  # type: ignore[misc]
    """The HTML responses in WARC files (`.warc`, `.warc.gz`): text decoded by ingest (the
    HTTP charset first), the body's bytes in a media entry for `IngestExtractor` to hash,
    the HTTP record in `metadata["http"]`, `url` and `date` (the crawl's) as datatrove's own
    WarcReader sets them. Requests, redirects, errors and other media types are skipped and
    counted; a page whose body cannot be read is passed on, for the extractor to drop with
    its reason; a broken WARC file ends its own reading only."""

    name = "🕷 ingest WARC"
    _requires_dependencies: ClassVar[list[str]] = ["warcio"]

    def __init__(
        self,
        data_folder: Any,
        *,
        compression: str | None = "infer",
        max_bytes: int = DEFAULT_MAX_BYTES,
        **kwargs: Any,
    ) -> None:
        """`max_bytes`: the largest decoded body read; a larger one is dropped by name.
        Other arguments are `BaseDiskReader`'s (glob_pattern, limit, shuffle_files, ...)."""
        super().__init__(data_folder, **kwargs)
        self.compression = compression
        self.max_bytes = max_bytes

    def read_file(self, filepath: str) -> DocumentsPipeline:
        from warcio.archiveiterator import ArchiveIterator

        from ingest.warc import read_response

        with self.data_folder.open(filepath, "rb", compression=self.compression) as stream:
            records = iter(ArchiveIterator(stream))
            index = 0
            while True:
                with self.track_time():
                    try:
                        record = next(records, None)
                        if record is None:
                            return
                        page = read_response(record, self.max_bytes)
                    except Exception as exc:  # a cut or corrupt file: its records so far stand
                        self.stat_update("broken_files")
                        logger.warning(f"{filepath}: unreadable after record {index}: {exc}")
                        return
                    document = None
                    if isinstance(page, str):
                        self.stat_update(f"skipped_{page}")
                    else:
                        document = self.get_document_from_dict(_fields(page), filepath, index)
                index += 1
                if document is not None:
                    yield document


def _fields(page: WarcPage) -> dict[str, Any]:
    http = page.http
    fields: dict[str, Any] = {"id": page.record_id, "url": page.url, "date": page.date}
    error = page.error
    text = ""
    if page.body is not None:
        try:  # as `ingest fetch` decodes: the HTTP charset, the page's <meta>, detection
            text, http["charset"] = decode_page(page.body, page.url, http)
        except InputError as exc:
            error = exc
        fields["media"] = [
            {"id": page.record_id, "type": MediaType.DOCUMENT, "url": page.url, "alt": PAYLOAD,
             "media_bytes": page.body, "length": len(page.body)}
        ]  # fmt: skip
    if error is not None:
        fields["ingest_error"] = str(error)
    # never empty: datatrove's readers drop a document without text unseen
    fields["text"] = text or " "
    fields[HTTP_KEY] = http
    return fields


@dataclass(frozen=True)
class _Dropped:
    reason: str  # filter_reason: one word, for stats and queries
    error: str  # ingest_error: what, where, how to fix


def _reason(exc: BaseException) -> str:
    if isinstance(exc, LimitError):
        return "limit"
    if isinstance(exc, ExtractError):
        return "no_article"
    if isinstance(exc, InputError):
        return "input"
    return "internal"


class _Cleaning(PipelineStep):  # type: ignore[misc]
    """What both steps do: each document cleaned in datatrove's sandbox process (replaced when
    a document runs past `timeout` seconds or kills it), kept with its record or dropped to
    `exclusion_writer` with its reason. Subclasses set the attributes below."""

    rules_dir: str | None
    timeout: float | None
    exclusion_writer: Any
    pages: bool
    url_key: str
    _ruleset: Ruleset | None

    def __getstate__(self) -> dict[str, Any]:
        # Compiled rules stay behind (datatrove pickles steps for Slurm, Ray and its local
        # workers): each task loads them once, before its sandbox process forks from it.
        return {**self.__dict__, "_ruleset": None}

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        self._rules()
        excluded = self.exclusion_writer or contextlib.nullcontext()
        sandbox: Any = (
            ExtractorSandbox(timeout=self.timeout, warmup_text=_WARMUP)
            if self.timeout
            else contextlib.nullcontext()
        )
        with excluded as writer, sandbox as box:
            for doc in data:
                self.stat_update(StatHints.total)
                with self.track_time():
                    outcome = self._outcome(doc, box)
                if isinstance(outcome, _Dropped):
                    self.stat_update(StatHints.dropped, f"dropped_{outcome.reason}")
                    if writer is not None:
                        self._drop(doc, outcome)
                        writer.write(doc, rank)
                    continue
                text, record = outcome
                self._keep(doc, text, record)
                self.stat_update(StatHints.forwarded)
                self.stat_update("removals", value=len(record["removed"]))
                self.update_doc_stats(doc)
                yield doc

    def _outcome(self, doc: Page, box: ExtractorSandbox | None) -> tuple[str, Any] | _Dropped:
        if doc.metadata.get("ingest_error"):  # from the reader: the body cannot be read
            return _Dropped("input", str(doc.metadata["ingest_error"]))
        args = self._args(doc)
        try:
            if box is None:
                outcome = self._work(*args)
                if isinstance(outcome, Exception):
                    raise outcome
            else:
                outcome = box.process_document(args, self._work)
        except TimeoutError:
            late = LimitError(
                args[1],
                f"still being extracted and cleaned after {self.timeout:g} s; its process was "
                "stopped",
                "raise the step's timeout if it is an ordinary article, or report it",
            )
            return _Dropped("timeout", str(late))
        except (EOFError, OSError):  # OSError: the pipe to it broke as it died
            died = LimitError(
                args[1],
                "the process handling it died (out of memory, or a crash in C code)",
                "try it alone; if it fails again, report it",
            )
            return _Dropped("broken_process", str(died))
        except IngestError as exc:
            return _Dropped(_reason(exc), str(exc))
        if not outcome[0]:
            return _Dropped("empty", f"{args[1]}: nothing is left once cleaned (all boilerplate)")
        text, record = outcome
        return text, record

    def _args(self, doc: Page) -> tuple[Any, ...]:
        """What crosses to the sandbox process: plain values, not the document."""
        payload = next((m.media_bytes for m in doc.media if m.alt == PAYLOAD), None)
        http = doc.metadata.get(HTTP_KEY)
        url = doc.metadata.get(self.url_key)
        # errors name a page by its address, a text by its id
        source = str(url) if self.pages and url else str(doc.id)
        return ("doc", source, str(doc.id), doc.text, payload, http, url)

    def _keep(self, doc: Page, text: str, record: dict[str, Any]) -> None:
        doc.text = text
        doc.metadata["language"] = record["language"]
        doc.metadata["language_score"] = record["language_confidence"]
        doc.metadata["ingest"] = record
        doc.media = [m for m in doc.media if m.alt != PAYLOAD]  # hashed in the record

    def _drop(self, doc: Page, dropped: _Dropped) -> None:
        doc.metadata["filter_reason"] = dropped.reason  # BaseFilter's key
        doc.metadata["ingest_error"] = dropped.error
        doc.media = [m for m in doc.media if m.alt != PAYLOAD]

    def _rules(self) -> Ruleset:
        if self._ruleset is None:
            self._ruleset = load_ruleset(self.rules_dir)
        return self._ruleset

    def _work(self, kind: str, *args: Any) -> Any:
        """In the sandbox process: (text, record) or the exception, returned (the sandbox
        raises it in the step; one raised here would end the process)."""
        if kind == _WARMUP[0]:  # once in each sandbox process
            limit_memory()
            return None
        source = args[0]
        try:
            result, record = clean_document(self._input(*args), self._rules())
        except IngestError as exc:
            return exc
        except MemoryError:
            return out_of_memory(source)
        except Exception as exc:
            return InternalError.of(source, exc)
        return result.text, record.to_json()

    def _input(
        self,
        source: str,
        key: str,
        text: str,
        payload: bytes | None,
        http: dict[str, Any] | None,
        url: str | None,
    ) -> Document:
        if payload is not None and http is not None:  # from IngestWarcReader, decoded there
            encoding = str(http.get("charset") or "utf-8")
            return Document(source, key, payload, text, encoding, is_html=True, record=http)
        record = {"url": url, "final_url": url} if url else None
        return Document(source, key, text.encode("utf-8"), text, "utf-8", self.pages, record)


class IngestExtractor(_Cleaning, BaseExtractor):  # type: ignore[misc]
    """Pages (HTML) to clean article text and its record, as `ingest clean page.html` (or
    `ingest fetch`, for pages from `IngestWarcReader`) makes them."""

    name = "🧹 ingest extract"

    def __init__(
        self,
        rules_dir: str | Path | None = None,
        *,
        timeout: float = DEFAULT_DOC_TIMEOUT,
        exclusion_writer: Any = None,
        url_key: str = "url",
    ) -> None:
        """`rules_dir`: a ruleset folder (default: the one ingest ships). `timeout`: seconds
        one page may take. `url_key`: the metadata field with a page's address."""
        super().__init__(timeout=timeout)
        self.rules_dir = str(rules_dir) if rules_dir is not None else None
        self.exclusion_writer = exclusion_writer
        self.pages = True
        self.url_key = url_key
        self._ruleset = None

    def extract(self, text: str) -> str:
        """BaseExtractor's contract, for a caller of its own: a page's clean text. Raises
        IngestError when no article is in it."""
        result, _ = clean_document(
            self._input("<page>", "page", text, None, None, None), self._rules()
        )
        return result.text


class IngestCleaner(_Cleaning, BaseFilter):  # type: ignore[misc]
    """Pasted article text to clean text and its record, as `ingest clean` makes them. A
    document nothing is left of is dropped. `timeout=None` cleans without a sandbox process
    (faster; the text rules' time is linear in the text, but memory is then unguarded)."""

    name = "🧹 ingest clean"

    def __init__(
        self,
        rules_dir: str | Path | None = None,
        *,
        timeout: float | None = DEFAULT_DOC_TIMEOUT,
        exclusion_writer: Any = None,
        url_key: str = "url",
    ) -> None:
        super().__init__(exclusion_writer=exclusion_writer)
        self.rules_dir = str(rules_dir) if rules_dir is not None else None
        self.timeout = timeout
        self.pages = False
        self.url_key = url_key
        self._ruleset = None

    def filter(self, doc: Page) -> bool | tuple[bool, str]:
        """BaseFilter's contract, for a caller of its own: cleans `doc` in place."""
        outcome = self._outcome(doc, None)
        if isinstance(outcome, _Dropped):
            self._drop(doc, outcome)
            return False, outcome.reason
        text, record = outcome
        self._keep(doc, text, record)
        return True


def parquet_schema() -> Any:
    """One row per document: the record's most queried fields as typed columns, the whole
    record as JSON in `ingest` (`Record.from_json(json.loads(row["ingest"]))`)."""
    import pyarrow as pa

    return pa.schema([
        ("id", pa.string()),
        ("text", pa.large_string()),
        ("url", pa.string()),
        ("date", pa.string()),  # when it was crawled (WARC-Date), as datatrove's readers set it
        ("file_path", pa.string()),
        ("language", pa.string()),
        ("language_score", pa.float64()),
        ("title", pa.string()),
        ("authors", pa.list_(pa.string())),
        ("published", pa.string()),  # the record's `date`: when the article was published
        ("site", pa.string()),
        ("word_count", pa.int64()),
        ("truncated", pa.bool_()),
        ("raw_sha256", pa.string()),
        ("text_sha256", pa.string()),
        ("simhash", pa.string()),
        ("filter_reason", pa.string()),  # dropped documents only
        ("ingest_error", pa.string()),
        ("ingest", pa.large_string()),
        ("http", pa.string()),  # a WARC page's HTTP record, as JSON
    ])  # fmt: skip


def parquet_row(writer: Any, document: Page) -> dict[str, Any]:
    """`parquet_schema`'s row for a document (ParquetWriter's `adapter`), kept or dropped."""
    meta = document.metadata
    record = meta.get("ingest") or {}
    http = meta.get(HTTP_KEY)
    return {
        "id": document.id,
        "text": document.text,
        "url": meta.get("url"),
        "date": meta.get("date"),
        "file_path": meta.get("file_path"),
        "language": meta.get("language"),
        "language_score": meta.get("language_score"),
        "title": record.get("title"),
        "authors": record.get("authors"),
        "published": record.get("date"),
        "site": record.get("site"),
        "word_count": record.get("word_count"),
        "truncated": record.get("truncated"),
        "raw_sha256": record.get("raw_sha256"),
        "text_sha256": record.get("text_sha256"),
        "simhash": record.get("simhash"),
        "filter_reason": meta.get("filter_reason"),
        "ingest_error": meta.get("ingest_error"),
        "ingest": json.dumps(record, ensure_ascii=False) if record else None,
        "http": json.dumps(http, ensure_ascii=False) if http else None,
    }


def parquet_writer(output_folder: Any, **kwargs: Any) -> Any:
    """datatrove's ParquetWriter for these steps' documents (`parquet_schema`); other
    arguments are ParquetWriter's (output_filename, compression, batch_size, ...)."""
    from datatrove.pipeline.writers import ParquetWriter

    return ParquetWriter(output_folder, schema=parquet_schema(), adapter=parquet_row, **kwargs)


__all__ = [
    "IngestCleaner",
    "IngestExtractor",
    "IngestWarcReader",
    "parquet_row",
    "parquet_schema",
    "parquet_writer",
]
