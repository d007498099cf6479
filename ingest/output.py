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
from pathlib import Path

from ingest.record import Record

_TEMPORARY = re.compile(r"^\..+\.(\d+)\.[^.]+\.tmp$")


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
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


def render(body: str, record: Record) -> tuple[bytes, bytes]:
    """The bytes of `<key>.txt` (the clean `body`) and `<key>.json` (its record)."""
    text = (body + "\n" if body else "").encode("utf-8")
    meta = json.dumps(record.to_json(), ensure_ascii=False, indent=2) + "\n"
    return text, meta.encode("utf-8")


def write_outputs(out_dir: Path, key: str, text: bytes, meta: bytes) -> None:
    # The .json goes last: its text_sha256 vouches for the .txt beside it.
    atomic_write(out_dir / f"{key}.txt", text)
    atomic_write(out_dir / f"{key}.json", meta)
