"""Shared by the tests: a minimal rules file, and the real `ingest` command run as a user would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ingest import BatchOptions
from ingest.fetch import FetchOptions

ROOT = Path(__file__).resolve().parent.parent

# A minimal valid rules file: one rule that removes the line "MARKER".
MARKER_RULE = """
[[rule]]
id = "good-rule"
category = "junk"
why = "A test rule that removes a marker line."
pattern = '^MARKER$'
examples.remove = ["MARKER"]
examples.keep = ["Not a marker"]
"""


def run_ingest(
    *args: str, cwd: Path, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "ingest", *args],
        cwd=cwd, input=stdin, capture_output=True, env=env, timeout=300, check=False,
    )  # fmt: skip


def misbehaving(real: Callable[..., Any], name_of: Callable[[Any], str]) -> Callable[..., Any]:
    """`real`, except for inputs named "hang" (sleeps an hour), "crash" (kills its own
    process), "oops" (raises an exception nobody foresaw) and "hog" (asks for 8 GiB)."""

    def call(doc: Any, *args: Any, **kwargs: Any) -> Any:
        name = name_of(doc)
        if name == "hang":
            time.sleep(3600)
        if name == "crash":
            os.kill(os.getpid(), signal.SIGKILL)
        if name == "oops":
            raise ZeroDivisionError("a bug")
        if name == "hog":
            bytearray(8 << 30)  # refused at once under the worker's memory budget
        return real(doc, *args, **kwargs)

    return call


def fetch_options(tmp_path: Path, **kw: object) -> FetchOptions:
    """Fetch options for a test: raw/ and clean/ under tmp_path, a short deadline, quick
    retries; `kw` overrides any of them."""
    base: dict[str, object] = {
        "raw_dir": tmp_path / "raw",
        "batch": BatchOptions(out_dir=tmp_path / "clean"),
        "timeout": 3.0,
        "backoff": 0.05,
        "retries": 2,
    }
    return FetchOptions(**{**base, **kw})  # type: ignore[arg-type]
