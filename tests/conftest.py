from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import Ruleset, load_ruleset

from .httpserver import Server, serve

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def ruleset() -> Ruleset:
    return load_ruleset(ROOT / "rules")


@pytest.fixture
def server() -> Iterator[Server]:
    """A real HTTP server on 127.0.0.1, for one test."""
    with serve() as running:
        yield running
