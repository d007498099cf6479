"""ingest as a step of a datatrove pipeline, for corpora that outgrow one machine.

datatrove (`pip install 'ingest[datatrove]'`) reads JSONL, Parquet or WARC shards, runs the
same pipeline locally, on Slurm or on Ray, and writes the results; this step is the cleaning
in between. A document's text is pasted article text, or a page's HTML (then extraction runs
first, as for `ingest clean page.html`). Its text becomes the clean body and its metadata
gains `ingest`: the same record `ingest clean` writes to `<key>.json`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from ingest.errors import IngestError
from ingest.inputs import Document
from ingest.pipeline import clean_document
from ingest.rules import Ruleset, load_ruleset

_LOOKS_HTML = re.compile(
    r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)


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
    ) -> None:
        """`html`: True or False for all documents; None sniffs each one's text.
        `url_key`: the metadata field holding a page's address (WARC readers set `url`)."""
        super().__init__()
        self.rules_dir = str(rules_dir) if rules_dir is not None else None
        self.html = html
        self.url_key = url_key
        self._ruleset: Ruleset | None = None

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> Iterator[Any]:
        # Loaded once per task, in the worker: rulesets are not sent across the cluster.
        if self._ruleset is None:
            self._ruleset = load_ruleset(self.rules_dir)
        for document in data:
            self.stat_update("documents")
            with self.track_time():
                try:
                    result, meta = clean_document(
                        _as_input(document, self.html, self.url_key), self._ruleset
                    )
                except IngestError as exc:
                    # One bad document never stops a shard: it is counted and dropped.
                    self.stat_update("failed")
                    document.metadata["ingest_error"] = str(exc)
                    continue
            if not result.text:
                self.stat_update("empty")
                continue
            document.text = result.text
            document.metadata["ingest"] = meta
            self.stat_update("removals", value=len(result.removals))
            yield document


def _as_input(document: Any, html: bool | None, url_key: str) -> Document:
    text = document.text
    is_html = bool(_LOOKS_HTML.match(text)) if html is None else html
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
