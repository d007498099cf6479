"""An article's output files, and atomic writes: a reader sees the old file or the new one,
never half of one.

A temporary file is named `.<name>.<pid>.<random>.tmp` after the process writing it, so that
a later run can tell the leftovers of a killed process (its pid no longer runs) from the files
another run is writing right now, and remove only the former.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from ingest.markdown import plain, render_paragraphs
from ingest.record import Record

_TEMPORARY = re.compile(r"^\..+\.(\d+)\.[^.]+\.tmp$")


def atomic_write(path: Path, data: bytes) -> None:
    with atomic_file(path) as handle:
        handle.write(data)


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A file to write `path` through: it replaces `path` when the block ends without an
    exception, and is removed when one ends it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600 files; outputs are ordinary files others may read.
        Path(tmp).chmod(0o644)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary files in `folder` left by processes that no longer run (a run
    killed mid-write); the ones removed."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:  # no folder yet, or unreadable: writing there will say so
        return removed
    for entry in entries:
        found = _TEMPORARY.match(entry.name)
        if found is None or _running(int(found.group(1))):
            continue
        with contextlib.suppress(OSError):
            Path(entry.path).unlink()
            removed.append(Path(entry.path))
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid() or os.name == "nt":  # on Windows, os.kill ends the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process: leave its files alone
    return True


# The formats an article's body is written in, and the suffix of its file. JSON Lines holds
# the plain body with its record, and so does CSV, in one file for the batch (`ingest.stream`).
FORMATS = ("txt", "md", "jsonl", "csv")
STREAM_FORMATS = ("jsonl", "csv")
BODY_SUFFIXES = {"txt": ".txt", "md": ".md"}


def render(
    body: str, record: Record, fmt: str = "txt", kinds: Sequence[str] = ()
) -> tuple[bytes, bytes]:
    """The bytes of the body's file (`<key>.txt`, the clean `body`; `<key>.md`, the same as
    Markdown, each paragraph of its kind in `kinds`) and of `<key>.json` (its record)."""
    if fmt == "md":
        body = render_paragraphs(body.split("\n\n"), kinds) if body else ""
    text = (body + "\n" if body else "").encode("utf-8")
    return text, record_bytes(record)


def record_bytes(record: Record) -> bytes:
    """The bytes of `<key>.json`."""
    return (json.dumps(record.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_outputs(out_dir: Path, key: str, text: bytes, meta: bytes, fmt: str = "txt") -> None:
    # The .json goes last: its text_sha256 vouches for the body beside it.
    atomic_write(out_dir / f"{key}{BODY_SUFFIXES[fmt]}", text)
    atomic_write(out_dir / f"{key}.json", meta)


def read_body(record_file: Path) -> bytes:
    """The plain body (as `<key>.txt` holds it) of the record `record_file` (`<key>.json`):
    its `.txt`, or else the body of its `.md`. OSError when there is neither."""
    try:
        return record_file.with_suffix(".txt").read_bytes()
    except FileNotFoundError:
        written = record_file.with_suffix(".md").read_text(encoding="utf-8", errors="replace")
        body = plain(written.removesuffix("\n"))
        return (body + "\n" if body else "").encode("utf-8")
