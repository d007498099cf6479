"""JSON Lines output (`--format jsonl`): one object per article, every field of its record
plus `key` and `text` (the clean body), for pipelines that read one stream.

A batch is cleaned into a temporary folder as for `txt` (the repeated-lines phase reads the
batch's records there), then its articles are written in input order: the same inputs give
the same bytes whatever `--jobs`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from ingest.record import Record


def line(key: str, record: Record, body: str) -> bytes:
    """One article's line: `key`, its record's fields, and `text`."""
    data = {"key": key, **record.to_json(), "text": body}
    return (json.dumps(data, ensure_ascii=False) + "\n").encode("utf-8")


def write(keys: Iterable[str], folder: Path, out: IO[bytes]) -> None:
    """The lines of the articles `keys` that a batch wrote to `folder` as `txt`, in order."""
    for key in keys:
        record = Record.read(folder / f"{key}.json")
        body = (folder / f"{key}.txt").read_text(encoding="utf-8").removesuffix("\n")
        out.write(line(key, record, body))
