"""ingest: clean article text and trustworthy metadata from news pages and pasted text."""

__version__ = "0.1.0"

from ingest.engine import CleanOptions, CleanResult, Fact, HeldBack, Removal, clean
from ingest.errors import (
    ExtractError,
    FetchError,
    IngestError,
    InputError,
    InternalError,
    LimitError,
    RuleError,
)
from ingest.language import Language, detect
from ingest.metadata import Source, build_record
from ingest.pipeline import BatchOptions, BatchReport, Outcome, clean_document, clean_paths
from ingest.record import Record
from ingest.rules import Rule, Ruleset, load_ruleset, rules_from_toml

__all__ = [
    "BatchOptions",
    "BatchReport",
    "CleanOptions",
    "CleanResult",
    "ExtractError",
    "Fact",
    "FetchError",
    "HeldBack",
    "IngestError",
    "InputError",
    "InternalError",
    "Language",
    "LimitError",
    "Outcome",
    "Record",
    "Removal",
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
    "load_ruleset",
    "rules_from_toml",
]
