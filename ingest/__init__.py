"""ingest: clean article text and trustworthy metadata from news pages and pasted text."""

import importlib
from typing import TYPE_CHECKING, Any

from ingest.engine import CleanOptions, CleanResult, clean
from ingest.errors import (
    ExtractError,
    FetchError,
    IngestError,
    InputError,
    InternalError,
    LimitError,
    OutputError,
    RuleError,
)
from ingest.inputs import Document, ReadOptions, read_document
from ingest.language import Language, detect
from ingest.metadata import Source, build_record
from ingest.pipeline import BatchOptions, BatchReport, Outcome, clean_document, clean_paths
from ingest.record import Evidence, Held, Record, Removed
from ingest.removals import Fact, HeldBack, Removal
from ingest.rules import Rule, Ruleset, load_ruleset, rules_from_toml
from ingest.version import __version__

if TYPE_CHECKING:
    from ingest.extraction import ExtractOptions, Page, extract
    from ingest.fetch import FetchOptions, FetchOutcome, fetch_urls

# Extraction (trafilatura, lxml) and fetching (httpx, asyncio) are imported on first use, so
# that cleaning text and reading records start sooner.
_LAZY = {
    "ExtractOptions": "ingest.extraction",
    "Page": "ingest.extraction",
    "extract": "ingest.extraction",
    "FetchOptions": "ingest.fetch",
    "FetchOutcome": "ingest.fetch",
    "fetch_urls": "ingest.fetch",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ingest' has no attribute {name!r}")


__all__ = [
    "BatchOptions",
    "BatchReport",
    "CleanOptions",
    "CleanResult",
    "Document",
    "Evidence",
    "ExtractError",
    "ExtractOptions",
    "Fact",
    "FetchError",
    "FetchOptions",
    "FetchOutcome",
    "Held",
    "HeldBack",
    "IngestError",
    "InputError",
    "InternalError",
    "Language",
    "LimitError",
    "Outcome",
    "OutputError",
    "Page",
    "ReadOptions",
    "Record",
    "Removal",
    "Removed",
    "Rule",
    "RuleError",
    "Ruleset",
    "Source",
    "__version__",
    "build_record",
    "clean",
    "clean_document",
    "clean_paths",
    "detect",
    "extract",
    "fetch_urls",
    "load_ruleset",
    "read_document",
    "rules_from_toml",
]
