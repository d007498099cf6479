"""Batches over worker processes."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from ingest import BatchOptions, clean_paths, rules_from_toml
from ingest.pipeline import site_of

from .helpers import MARKER_RULE

RULES = rules_from_toml(MARKER_RULE)


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="workers inherit only where they fork"
)
def test_forked_workers_clean_with_the_parents_ruleset(tmp_path: Path) -> None:
    # This ruleset has no folder a worker could load it from: the workers must use the
    # parent's own (compiled RE2 patterns do not pickle, so it cannot be sent to them).
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(4):
        (inputs / f"{i}.txt").write_text(
            f"Article {i} says the talks resumed on Monday in Brussels.\n\n"
            "MARKER\n\nBoth sides met for six hours.\n",
            encoding="utf-8",
        )
    reports = {
        jobs: clean_paths([inputs], RULES, BatchOptions(out_dir=tmp_path / str(jobs), jobs=jobs))
        for jobs in (1, 2)
    }
    assert all(not r.failed for r in reports.values()), [o.error for o in reports[2].outcomes]
    for path in sorted((tmp_path / "1").iterdir()):
        assert path.read_bytes() == (tmp_path / "2" / path.name).read_bytes()
    body = (tmp_path / "2" / "0.txt").read_text(encoding="utf-8")
    assert "MARKER" not in body and "six hours" in body


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://www.Example.org/a/b", "example.org"),
        ("https://web.archive.org/web/20160526181643/http://www.peptalks.de/a/", "peptalks.de"),
        ("https://web.archive.org/web/20160526181643id_/http:/example.org/a", "example.org"),
        ("http://web.archive.org/web/2016/example.org/a?b=1", "example.org"),
        ("https://web.archive.org/web/", "web.archive.org"),
        ("https://web.archive.org/about/", "web.archive.org"),
        ("hard::example.org-page.html", None),
        ("http://[::1", None),
        (None, None),
    ],
)
def test_site_of_names_the_domain_and_an_archived_pages_own_site(
    url: str | None, site: str | None
) -> None:
    assert site_of(url) == site
