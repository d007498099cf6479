"""ingest as a step of a datatrove pipeline, for corpora that outgrow one machine.

datatrove (`pip install 'ingest[datatrove]'`) reads JSONL, Parquet or WARC shards, runs the
same pipeline locally, on Slurm or on Ray, and writes the results; this step is the cleaning
in between. A document's text is pasted article text, or a page's HTML (then extraction runs
first, as for `ingest clean page.html`). Its text becomes the clean body and its metadata
gains `ingest`: the same record `ingest clean` writes to `<key>.json`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.extractors.base import ExtractorSandbox

from ingest.errors import IngestError, InternalError
from ingest.inputs import Document, looks_like_html
from ingest.pipeline import DEFAULT_DOC_TIMEOUT, clean_document
from ingest.rules import Ruleset, load_ruleset
from ingest.workers import limit_memory, out_of_memory


class IngestStep(PipelineStep):  # type: ignore[misc]
    """Clean each document's text with the ruleset; drop the ones nothing is left of."""

    name = "ingest"
    type = "cleaner"

    def __init__(
        self,
        rules_dir: str | Path | None = None,
        *,
        html: bool | None = None,
        url_key: str = "url",
        doc_timeout: float = DEFAULT_DOC_TIMEOUT,
    ) -> None:
        """`html`: True or False for all documents; None sniffs each one's text.
        `url_key`: the metadata field holding a page's address (WARC readers set `url`).
        `doc_timeout`: seconds one document's extraction and cleaning may take."""
        super().__init__()
        self.rules_dir = str(rules_dir) if rules_dir is not None else None
        self.html = html
        self.url_key = url_key
        self.doc_timeout = doc_timeout
        self._ruleset: Ruleset | None = None

    def __getstate__(self) -> dict[str, Any]:
        # Compiled rules stay behind: whoever unpickles the step loads them again.
        return {**self.__dict__, "_ruleset": None}

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> Iterator[Any]:
        # Loaded once per task, before its sandbox process forks from it: rulesets are not
        # sent across the cluster.
        self._rules()
        # datatrove's own sandbox: a process of its own that is killed and replaced when a
        # document runs past the deadline or kills it; the shard goes on.
        with ExtractorSandbox(timeout=self.doc_timeout, warmup_text="") as sandbox:
            for document in data:
                self.stat_update("documents")
                doc = _as_input(document, self.html, self.url_key)
                with self.track_time():
                    try:
                        result, meta = sandbox.process_document((doc,), self._clean)
                    except TimeoutError:
                        self.stat_update("timeout")
                        continue
                    except EOFError:
                        self.stat_update("broken_process")
                        continue
                    except IngestError as exc:
                        # One bad document never stops a shard: it is counted and dropped.
                        self.stat_update("failed")
                        document.metadata["ingest_error"] = str(exc)
                        continue
                if not result.text:
                    self.stat_update("empty")
                    continue
                document.text = result.text
                # where datatrove's own language filters put them
                document.metadata["language"] = meta.language
                document.metadata["language_score"] = meta.language_confidence
                document.metadata["ingest"] = meta.to_json()
                self.stat_update("removals", value=len(result.removals))
                yield document

    def _rules(self) -> Ruleset:
        if self._ruleset is None:
            self._ruleset = load_ruleset(self.rules_dir)
        return self._ruleset

    def _clean(self, doc: Document | str) -> Any:
        """In the sandbox: one document's result and record, or the error it failed with
        (the sandbox raises a returned exception in the step; a raised one would end it)."""
        if isinstance(doc, str):  # the sandbox's warm-up call, once in each of its processes
            limit_memory()
            return None
        try:
            return clean_document(doc, self._rules())
        except IngestError as exc:
            return exc
        except MemoryError:
            return out_of_memory(doc.source)
        except Exception as exc:
            return InternalError.of(doc.source, exc)


def _as_input(document: Any, html: bool | None, url_key: str) -> Document:
    text = document.text
    is_html = looks_like_html(text) if html is None else html
    url = document.metadata.get(url_key)
    return Document(
        source=str(document.id),
        key=str(document.id),
        data=text.encode("utf-8"),
        text=text,
        encoding="utf-8",
        is_html=is_html,
        record={"url": url, "final_url": url} if url else None,
    )
