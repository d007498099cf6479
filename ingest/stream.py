"""Formats that put a whole batch in one file: JSON Lines (`--format jsonl`) and CSV (`csv`).

A JSON line is an article's every record field plus `key` and `text` (the clean body). A CSV
row is the same but for the record's lists of removals (`removed`, `held_back`: their count is
in `removals`) and the extracted text; authors are joined with "; ". A CSV file starts with
its header row; it is RFC 4180 (comma, double quotes, CRLF) in UTF-8, as spreadsheets and
data tools read it.

A batch is cleaned into a temporary folder as for `txt` (the repeated-lines phase reads the
batch's records there), then its articles are written in input order: the same inputs give
the same bytes whatever `--jobs`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from ingest.record import Record

# The record's fields in `Record.to_json`'s order, but for its lists of objects (`removed`,
# `held_back`; `removals` counts the first) and the long text the rules ran on (`extracted`).
CSV_COLUMNS = (
    "key", "schema", "title", "authors", "date", "date_modified", "language",
    "language_confidence", "site", "sitename", "description", "url", "normalized_url",
    "final_url", "source", "truncated", "percent_left", "reading_time_minutes", "word_count",
    "raw_sha256", "text_sha256", "simhash", "duplicate_of", "ruleset", "tool_version",
    "extractor", "fetched_at", "removals", "text",
)  # fmt: skip


def article(fmt: str, key: str, record: Record, body: str) -> bytes:
    """One article's JSON line, or its CSV row."""
    data = {"key": key, **record.to_json(), "text": body}
    if fmt == "jsonl":
        return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")
    data["removals"] = len(record.removed)
    return _csv_row([_cell(data[c]) for c in CSV_COLUMNS])


def header(fmt: str) -> bytes:
    return _csv_row(list(CSV_COLUMNS)) if fmt == "csv" else b""


def single(fmt: str, key: str, record: Record, body: str) -> bytes:
    """A whole file of one article (`ingest clean -`)."""
    return header(fmt) + article(fmt, key, record, body)


def write(fmt: str, keys: Iterable[str], folder: Path, out: IO[bytes]) -> None:
    """The articles `keys` that a batch wrote to `folder` as `txt`, in order, as one file."""
    out.write(header(fmt))
    for key in keys:
        record = Record.read(folder / f"{key}.json")
        body = (folder / f"{key}.txt").read_text(encoding="utf-8").removesuffix("\n")
        out.write(article(fmt, key, record, body))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)


def _csv_row(cells: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue().encode("utf-8")
