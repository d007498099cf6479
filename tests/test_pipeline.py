"""Batches over worker processes."""

from __future__ import annotations

import json
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


SITE_RULE = """
[[rule]]
id = "site-credit"
category = "byline"
why = "A credit only this site prints."
sites = ["example.org"]
pattern = '^Example staff$'
examples.remove = ["Example staff"]
examples.keep = ["The staff of the example were praised."]
"""

PAGE = """<!DOCTYPE html><html><head><title>Talks resume in Brussels</title>
{head}</head><body><article><h1>Talks resume in Brussels</h1>
<p>The talks between the two delegations resumed on Monday in Brussels after a pause of
three weeks, officials from both sides said in a joint statement.</p>
<p>Both sides met for six hours and agreed to meet again on Thursday to settle the last
open questions on tariffs, quotas and the timetable of the agreement.</p>
<p>Example staff</p>
</article></body></html>
"""


@pytest.mark.parametrize(
    ("head", "site"),
    [
        ('<link rel="canonical" href="https://www.example.org/2024/talks">', "example.org"),
        ("<meta content='https://news.example.org/talks' property='og:url'>", "news.example.org"),
        ('<link rel="canonical" href="/2024/talks">', None),  # not absolute: no address
        ("", None),
    ],
)
def test_a_saved_page_is_of_the_site_it_declares(tmp_path: Path, head: str, site: str) -> None:
    # A page saved from a browser has no --url, but names its address: its site's rules apply
    # and the record names the site.
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "talks.html").write_text(PAGE.format(head=head), encoding="utf-8")
    report = clean_paths(
        [inputs], rules_from_toml(SITE_RULE), BatchOptions(out_dir=tmp_path / "out")
    )
    assert not report.failed, [o.error for o in report.outcomes]
    record = json.loads((tmp_path / "out" / "talks.json").read_text(encoding="utf-8"))
    assert record["site"] == site
    assert record["url"] is None  # the address as asked: none was
    body = (tmp_path / "out" / "talks.txt").read_text(encoding="utf-8")
    assert ("Example staff" in body) == (site is None)
    assert "six hours" in body


def test_each_saved_page_takes_the_address_given_for_it(tmp_path: Path) -> None:
    # The address belongs to a page, not to the batch: two pages, one given an address of the
    # site with its own rule, cleaned together; the address outranks what the page declares.
    inputs = tmp_path / "in"
    inputs.mkdir()
    head = '<link rel="canonical" href="https://other.example.com/talks">'
    for name in ("given.html", "not-given.html"):
        (inputs / name).write_text(PAGE.format(head=head), encoding="utf-8")
    url = "https://www.example.org/2024/talks"
    report = clean_paths(
        [inputs],
        rules_from_toml(SITE_RULE),
        BatchOptions(out_dir=tmp_path / "out", jobs=2),
        addresses={inputs / "given.html": url},
    )
    assert not report.failed, [o.error for o in report.outcomes]
    records = {
        key: json.loads((tmp_path / "out" / f"{key}.json").read_text(encoding="utf-8"))
        for key in ("given", "not-given")
    }
    assert (records["given"]["url"], records["given"]["site"]) == (url, "example.org")
    assert (records["not-given"]["url"], records["not-given"]["site"]) == (
        None,
        "other.example.com",
    )
    assert "Example staff" not in (tmp_path / "out" / "given.txt").read_text(encoding="utf-8")
    assert "Example staff" in (tmp_path / "out" / "not-given.txt").read_text(encoding="utf-8")
