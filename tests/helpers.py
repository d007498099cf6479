"""Shared by the tests: a minimal rules file, and the real `ingest` command run as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
