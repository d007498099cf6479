"""`ingest rules lint --corpus`: each rule's removals and sites, read from the records."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from ingest import Ruleset, load_ruleset, rules_from_toml
from ingest.evidence import evidence, problems
from ingest.inputs import display_path

from .helpers import run_ingest


def _rule(rule_id: str, line: str, sites: str = "") -> str:
    return f"""
[[rule]]
id = "{rule_id}"
category = "junk"
why = "A test rule."
{sites}
pattern = '^{line}$'
examples.remove = ["{line}"]
examples.keep = ["The {line.lower()} was discussed on Monday."]
"""


RULES = (
    _rule("two-sites", "TWO")
    + _rule("one-site", "ONE")
    + _rule("never", "NEVER")
    + _rule("scoped", "SCOPED", 'sites = ["example.org"]')
)


CURRENT = "sha256:current"  # the ruleset the records were made with (the tests' `id`)


def _record(site: str | None, removed: list[str], **fields: Any) -> dict[str, Any]:
    return {
        "site": site,
        "url": None,
        "ruleset": fields.pop("ruleset", CURRENT),
        "removed": [
            {"stage": "text", "rule": r, "category": "junk", "lines": [1, 1], "text": r.upper()}
            for r in removed
        ],
        "held_back": fields.pop("held_back", []),
        **fields,
    }


def _ruleset(text: str = RULES) -> Ruleset:
    return dataclasses.replace(rules_from_toml(text), id=CURRENT)


def _write(folder: Path, records: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for key, record in records.items():
        text = record if isinstance(record, str) else json.dumps(record)
        (folder / f"{key}.json").write_text(text, encoding="utf-8")
    return folder


def _corpora(tmp_path: Path) -> tuple[Path, Path]:
    held = {"rule": "two-sites", "category": "junk", "lines": [1, 9], "words": 80, "share": 0.5}
    pages = _write(
        tmp_path / "pages",
        {
            "a": _record("example.org", ["two-sites", "two-sites", "scoped"], held_back=[held]),
            "b": _record("news.example.com", ["two-sites"]),
            "c": _record("example.org", ["one-site", "gone-rule"], ruleset="sha256:old"),
            "broken": "[1, 2]",
        },
    )
    pastes = _write(
        tmp_path / "pastes",
        {
            # no site: the domain of its URL
            "d": _record(None, ["one-site"], url="https://www.example.org/x"),
            # neither site nor URL: a site of its own
            "e": _record(None, ["two-sites"]),
        },
    )
    return pages, pastes


def test_evidence_counts_removals_held_back_and_distinct_sites(tmp_path: Path) -> None:
    pages, pastes = _corpora(tmp_path)
    found = evidence([pages, pastes], _ruleset())
    by_id = {r.rule: r for r in found.rules}
    assert found.records == 5 and found.stale == 1
    assert len(found.errors) == 1 and "broken.json" in found.errors[0]
    assert found.unknown == {"gone-rule": 1}

    two = by_id["two-sites"]
    assert (two.removals, two.held_back) == (4, 1)
    unknown_site = f"?{display_path(pastes)}/e"
    assert dict(two.sites) == {"example.org": 2, "news.example.com": 1, unknown_site: 1}
    one = by_id["one-site"]
    assert (one.removals, dict(one.sites)) == (2, {"example.org": 2})
    assert by_id["never"].removals == 0 and not by_id["never"].sites
    assert dict(by_id["scoped"].sites) == {"example.org": 1}

    # fewest sites first; site-scoped rules are exempt
    assert [r.rule for r in found.rules] == ["never", "scoped", "one-site", "two-sites"]
    assert [r.rule for r in found.thin] == ["never", "one-site"]
    assert found.to_json()["thin"] == ["never", "one-site"]


def test_problems_say_where_a_rule_fired_and_what_to_do(tmp_path: Path) -> None:
    found = evidence(_corpora(tmp_path), _ruleset())
    messages = {p.rule: p.message for p in problems(found)}
    assert set(messages) == {"never", "one-site"}
    assert "removed nothing in the corpus (5 records)" in messages["never"]
    assert "one site only (example.org: 2 removals, e.g. 'ONE-SITE')" in messages["one-site"]
    assert 'rules/sites/example.org.toml with sites = ["example.org"]' in messages["one-site"]

    empty = evidence([tmp_path / "nothing"], _ruleset())
    (problem,) = problems(empty)
    assert "holds no ingest records" in str(problem)


def test_rules_lint_corpus_reports_the_thin_rules_and_exits_1(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "junk.toml").write_text(RULES, encoding="utf-8")
    pages, pastes = _corpora(tmp_path)
    (pages / "broken.json").unlink()
    for path in [*pages.glob("*.json"), *pastes.glob("*.json")]:  # made with these rules
        path.write_text(path.read_text().replace(CURRENT, load_ruleset(folder).id))
    args = ("rules", "lint", "--rules", str(folder), "--corpus", str(pages))
    result = run_ingest(*args, "--corpus", str(pastes), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    err = result.stderr.decode()
    assert "rule 'one-site' in junk.toml: removed text on one site only" in err
    assert "rule 'never' in junk.toml: removed nothing" in err
    assert "1 of 5 records were made with other rules" in err
    assert "two-sites" in result.stdout.decode()

    as_json = run_ingest(*args, "--corpus", str(pastes), "--json", cwd=tmp_path)
    report = json.loads(as_json.stdout)
    assert report["evidence"]["thin"] == ["never", "one-site"]
    assert [p["rule"] for p in report["problems"]] == ["never", "one-site"]

    # every generic rule on two sites (the one that never fired gone): no problems
    (folder / "junk.toml").write_text(RULES.replace(_rule("never", "NEVER"), ""), "utf-8")
    more = _write(tmp_path / "more", {"f": _record("other.net", ["one-site"])})
    ok = run_ingest(*args, "--corpus", str(pastes), "--corpus", str(more), cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "no problems" in ok.stderr.decode()
