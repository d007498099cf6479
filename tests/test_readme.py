"""The README's Python example runs exactly as shown."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_readmes_library_example_runs_as_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("## Library", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(example, "README.md", "exec"), {})
    language, title_and_words, same = printed.getvalue().splitlines()
    assert language.split()[0] == "en" and int(language.split()[1]) > 0
    record = json.loads((ROOT / "clean" / "001_fce61b5b057b4c8c.json").read_text("utf-8"))
    assert title_and_words == f"{record['title']} {record['word_count']}"
    assert same == "True"
