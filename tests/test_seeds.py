"""The five seed articles, cleaned: line by line against what each holds (golden/seeds.toml).

The whole documents' golden files are clean/ itself, which test_cli checks against a fresh
`ingest clean` of raw/.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from ingest import Ruleset, clean_document
from ingest.inputs import read_document

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
SEEDS: dict[str, Any] = tomllib.loads((GOLDEN / "seeds.toml").read_text(encoding="utf-8"))["seed"]


def _clean(key: str, ruleset: Ruleset) -> tuple[str, dict[str, Any]]:
    result, meta = clean_document(read_document(ROOT / "raw" / f"{key}.txt"), ruleset)
    return result.text + "\n", meta.to_json()


def test_every_seed_has_its_expectations_and_its_clean_file() -> None:
    assert sorted(SEEDS) == sorted(p.stem for p in (ROOT / "raw").glob("*.txt"))
    assert sorted(SEEDS) == sorted(p.stem for p in (ROOT / "clean").glob("*.txt"))


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_seed_line_by_line_article_kept_boilerplate_gone(key: str, ruleset: Ruleset) -> None:
    raw = [
        ln.strip() for ln in (ROOT / "raw" / f"{key}.txt").read_text(encoding="utf-8").split("\n")
    ]
    boilerplate = [" ".join(b.split()) for b in SEEDS[key]["boilerplate"]]
    got, _ = _clean(key, ruleset)
    out = got.split("\n")
    for line in boilerplate:
        assert line not in {" ".join(o.split()) for o in out}, f"boilerplate kept: {line!r}"
    article = [ln for ln in raw if ln and " ".join(ln.split()) not in boilerplate]
    # every article paragraph and subheading, in order (a repeated headline appears once)
    position = 0
    for line in dict.fromkeys(article):
        assert line in out[position:], f"article line lost or out of order: {line!r}"
        position = out.index(line, position) + 1


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_seed_metadata_states_what_the_text_states(key: str, ruleset: Ruleset) -> None:
    _, meta = _clean(key, ruleset)
    expected = dict(SEEDS[key]["metadata"])
    for field in expected.pop("none", []):
        assert meta[field] is None, f"{field} should be null, is {meta[field]!r}"
    for field, value in expected.items():
        assert meta[field] == value, f"{field}: {meta[field]!r} != {value!r}"
    assert meta["language_confidence"] > 0.9
    if meta["title"]:
        got, _ = _clean(key, ruleset)
        assert got.split("\n").count(meta["title"]) == 1, "the headline appears once, first"
        assert got.startswith(meta["title"] + "\n")
    assert meta["source"] == f"raw/{key}.txt" or meta["source"].endswith(f"raw/{key}.txt")
