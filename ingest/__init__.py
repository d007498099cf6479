"""ingest: clean article text and trustworthy metadata from news pages and pasted text."""

from ingest.engine import CleanOptions, CleanResult, Fact, HeldBack, Removal, clean
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
from ingest.fetch import FetchOptions, FetchOutcome, fetch_urls
from ingest.html import ExtractOptions, Page, extract
from ingest.inputs import Document, ReadOptions, read_document
from ingest.language import Language, detect
from ingest.metadata import Source, build_record
from ingest.pipeline import BatchOptions, BatchReport, Outcome, clean_document, clean_paths
from ingest.record import Evidence, Held, Record, Removed
from ingest.rules import Rule, Ruleset, load_ruleset, rules_from_toml
from ingest.version import __version__

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
