"""`ingest diff`: one article before/after, records vs cleaning on the fly, two rulesets."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ingest import Ruleset, load_ruleset
from ingest.diff import view_article

from .helpers import run_ingest

ROOT = Path(__file__).resolve().parent.parent
PAYWALL = "You have 55% of this article left to read. The rest is for subscribers only."
BODY = (
    "The ministers met on Monday to discuss the budget and defence spending for the coming "
    "year, and officials said the talks would continue."
)
ARTICLE = f"Talks resume in Brussels\n\n{BODY}\n\n{PAYWALL}\n\nSign up for our newsletter\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "talks.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "raw" / "plain.txt").write_text(f"Plain story\n\n{BODY}\n", encoding="utf-8")
    return tmp_path


def test_the_view_covers_the_text_and_marks_each_removal(project: Path, ruleset: Ruleset) -> None:
    view = view_article(project / "raw" / "talks.txt", ruleset, clean_dir=None)
    pieces = list(view.segments())
    assert "".join(p for p, _ in pieces) == view.text  # nothing lost, nothing added
    removed = {p: (m.rule, m.category) for p, m in pieces if m is not None}
    assert removed[PAYWALL][1] == "paywall"
    assert removed["Sign up for our newsletter"][1] == "newsletter"
    assert all(p not in removed for p in (BODY, "Talks resume in Brussels"))
    assert view.from_record is False


def test_a_current_record_is_read_and_a_stale_one_is_not(project: Path, ruleset: Ruleset) -> None:
    assert run_ingest("clean", cwd=project).returncode == 0
    raw, clean_dir = project / "raw" / "talks.txt", project / "clean"
    fresh = view_article(raw, ruleset, clean_dir=clean_dir)
    assert fresh.from_record is True
    assert fresh.marks == view_article(raw, ruleset, clean_dir=None).marks

    record = clean_dir / "talks.json"
    meta = json.loads(record.read_text(encoding="utf-8"))
    record.write_text(json.dumps({**meta, "ruleset": "sha256:other"}), encoding="utf-8")
    assert view_article(raw, ruleset, clean_dir=clean_dir).from_record is False

    record.write_text(json.dumps(meta), encoding="utf-8")
    raw.write_text(ARTICLE + "\nA new last line was added by the editor today.\n", "utf-8")
    assert view_article(raw, ruleset, clean_dir=clean_dir).from_record is False


def test_diff_marked_unified_and_json(project: Path) -> None:
    marked = run_ingest("diff", "raw/talks.txt", cwd=project)
    assert marked.returncode == 0, marked.stderr
    out = marked.stdout.decode()
    assert f"[-{PAYWALL}-]{{paywall-percent-left-en · paywall}}" in out
    assert BODY in out and f"[-{BODY}" not in out

    unified = run_ingest("diff", "--format", "unified", "raw/talks.txt", cwd=project)
    lines = unified.stdout.decode().splitlines()
    assert lines[0].startswith("--- raw/talks.txt") and lines[1].startswith("+++ talks.txt")
    assert f"-{PAYWALL}" in lines and f" {BODY}" in lines

    as_json = run_ingest("diff", "--json", "raw/talks.txt", "raw/plain.txt", cwd=project)
    records = json.loads(as_json.stdout)
    assert [r["key"] for r in records] == ["talks", "plain"]
    rules = {m["rule"] for m in records[0]["removed"]}
    assert {"paywall-percent-left-en", "newsletter-signup"} <= rules
    spans = [m["span"] for m in records[0]["removed"]]
    assert all(records[0]["text"][a:b] for a, b in spans)


def test_diff_names_a_bad_input_and_still_shows_the_others(project: Path) -> None:
    (project / "raw" / "empty.txt").write_bytes(b"")
    result = run_ingest("diff", "raw/empty.txt", "raw/talks.txt", cwd=project)
    assert result.returncode == 1
    errors = result.stderr.decode().strip().splitlines()
    assert len(errors) == 1 and "raw/empty.txt" in errors[0] and "is empty" in errors[0]
    assert PAYWALL in result.stdout.decode()


def test_baseline_rules_show_the_lines_a_rule_change_affects(project: Path) -> None:
    baseline = project / "baseline-rules"
    shutil.copytree(ROOT / "rules", baseline)
    (baseline / "paywall.toml").unlink()  # the change under review: the paywall rules added
    assert load_ruleset(baseline)  # still a valid ruleset

    result = run_ingest("diff", "--baseline-rules", str(baseline), "raw/", cwd=project)
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "== raw/talks.txt: 1 lines newly removed, 0 newly kept" in out
    assert f"- [paywall-percent-left-en] {PAYWALL}" in out
    assert "raw/plain.txt" not in out  # unchanged articles are not listed
    assert "1 of 2 articles change" in result.stderr.decode()

    # the other way round, the same line comes back, credited to the rule that removed it
    back = run_ingest(
        "diff", "--rules", str(baseline), "--baseline-rules", str(ROOT / "rules"),
        "--json", "raw/talks.txt", cwd=project,
    )  # fmt: skip
    (record,) = json.loads(back.stdout)
    assert record["removed"] == []
    assert record["kept"] == [{"text": PAYWALL, "rules": ["paywall-percent-left-en"]}]
