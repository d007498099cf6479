"""`import ingest` is the public API: whole, and guarded (after httpx's test of the same name)."""

from __future__ import annotations

import subprocess
import sys
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import ingest


def test_all_exports_are_the_packages_public_names_sorted() -> None:
    public = {
        name
        for name, value in vars(ingest).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name not in ("TYPE_CHECKING", "Any")
    }
    assert ingest.__all__ == sorted(ingest.__all__)
    assert ingest.__all__ == sorted({*public, *ingest._LAZY, "__version__"})
    with pytest.raises(AttributeError):
        _ = ingest.no_such_name  # type: ignore[attr-defined]


def test_cleaning_does_not_load_the_fetching_machinery() -> None:
    code = "import sys, ingest; ingest.clean; print('httpx' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
    code = "import sys, ingest; ingest.fetch_urls; print('httpx' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


@pytest.mark.parametrize("name", [n for n in ingest.__all__ if n != "__version__"])
def test_each_export_is_ingests_own(name: str) -> None:
    assert getattr(ingest, name).__module__.startswith("ingest.")


def _classes(hint: Any) -> Iterator[type]:
    if isinstance(hint, type):
        yield hint
    for arg in typing.get_args(hint):
        yield from _classes(arg)


# The jobs the API is for: cleaning text, cleaning a saved page (or a text file), fetching
# URLs, reading a record, and the batch the CLI runs.
JOBS: list[Callable[..., Any]] = [
    ingest.clean,
    ingest.read_document,
    ingest.clean_document,
    ingest.extract,
    ingest.fetch_urls,
    ingest.Record.read,
    ingest.Record.from_json,
    ingest.clean_paths,
    ingest.load_ruleset,
]


@pytest.mark.parametrize("job", JOBS, ids=lambda f: f.__qualname__)
def test_every_type_a_job_takes_or_gives_is_exported(job: Callable[..., Any]) -> None:
    # types a module imports for annotations only (extraction's, loaded on demand) resolve
    # through the package; one that is not exported cannot resolve, and the test fails
    exported = {n: getattr(ingest, n) for n in ingest.__all__ if n != "__version__"}
    hints = typing.get_type_hints(job, {**job.__globals__, **exported})
    own = {
        c for hint in hints.values() for c in _classes(hint) if c.__module__.startswith("ingest")
    }
    assert own, "a job of the API takes or gives some type of ingest's"
    missing = sorted(c.__name__ for c in own if getattr(ingest, c.__name__, None) is not c)
    assert missing == []
