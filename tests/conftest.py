from __future__ import annotations

from pathlib import Path

import pytest

from ingest import Ruleset, load_ruleset

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def ruleset() -> Ruleset:
    return load_ruleset(ROOT / "rules")
