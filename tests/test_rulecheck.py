"""`ingest rules list / test / lint`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ingest import load_ruleset, rulecheck, rules_from_toml
from ingest.rulecheck import lint

from .helpers import run_ingest

ROOT = Path(__file__).resolve().parent.parent

GOOD = """
[[rule]]
id = "demo-subscribe"
category = "newsletter"
why = "A bare subscribe prompt; about the site, not the article."
languages = ["en"]
pattern = '''^Subscribe now$'''
examples.remove = ["Subscribe now"]
examples.keep = ["Subscribers met on Monday."]
"""


def _rules(tmp_path: Path, *files: tuple[str, str]) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    for name, text in files:
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_rules_list_json_has_every_rule(tmp_path: Path) -> None:
    result = run_ingest("rules", "list", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    shipped = load_ruleset(ROOT / "rules")
    assert [r["id"] for r in rows] == [r.id for r in shipped.rules]
    first = rows[0]
    assert set(first) == {"id", "category", "scope", "languages", "sites", "file", "why"}
    assert any(r["sites"] == ["lemonde.fr"] for r in rows)


def test_rules_test_passes_the_shipped_rules_and_names_a_failing_rule(tmp_path: Path) -> None:
    ok = run_ingest("rules", "test", cwd=tmp_path)
    assert ok.returncode == 0 and "all pass" in ok.stderr.decode()

    broken = GOOD.replace("Subscribers met on Monday.", "Subscribe now")
    folder = _rules(tmp_path, ("newsletter.toml", broken))
    failed = run_ingest("rules", "test", "--rules", str(folder), cwd=tmp_path)
    assert failed.returncode == 1
    message = failed.stderr.decode()
    assert "rule 'demo-subscribe' in newsletter.toml" in message
    assert "keep example 'Subscribe now'" in message
    assert "1 failed" in message


SHARE_BAR = """
[[rule]]
id = "demo-share-bar"
category = "social"
why = "Share buttons."
scope = "html"
selectors = ['[class*="share"]']
examples.remove = ['<div class="share-buttons"><a href="#">Facebook</a></div>']
examples.keep = ['<div class="shareholder-letter"><p>Shareholders met on Monday.</p></div>']
"""


def test_an_html_keep_example_the_selector_removes_fails_in_a_page_of_text() -> None:
    # Alone, the keep example is the whole page, which the page-share guard never removes:
    # it is judged inside article text, as the remove examples are.
    (problem,) = rulecheck.example_problems(rules_from_toml(SHARE_BAR))
    assert problem.rule == "demo-share-bar"
    assert "removed ['Shareholders met on Monday.'] from the keep example" in problem.message
    long_enough = SHARE_BAR.replace("Shareholders met on Monday.", "Shareholders met. " * 70)
    assert rulecheck.example_problems(rules_from_toml(long_enough)) == []


def test_lint_reports_every_load_error_at_once(tmp_path: Path) -> None:
    folder = _rules(
        tmp_path,
        ("a.toml", GOOD),
        ("b.toml", GOOD),  # the same id again
        ("c.toml", GOOD.replace("demo-subscribe", "bad-regex").replace("^Subscribe now$", "(")),
        ("d.toml", GOOD.replace("demo-subscribe", "empty-match").replace("^Subscribe now$", "x*")),
        ("e.toml", 'rule = "not a table"'),
    )  # fmt: skip
    result = run_ingest("rules", "lint", "--rules", str(folder), cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.decode().splitlines()
    assert any("'demo-subscribe' in b.toml" in ln and "duplicate id" in ln for ln in lines)
    assert any("'bad-regex' in c.toml" in ln for ln in lines)
    assert any("'empty-match' in d.toml" in ln and "empty" in ln for ln in lines)
    assert any("e.toml" in ln and "array of tables" in ln for ln in lines), "as loading says"


QUADRATIC = GOOD.replace("demo-subscribe", "look-ahead").replace(
    "^Subscribe now$", "a(?:[^\\n]*Z)?"
)


def test_lint_flags_ascii_classes_and_costly_rules() -> None:
    ruleset = rules_from_toml(
        GOOD
        + GOOD.replace("demo-subscribe", "ascii-word").replace(
            "^Subscribe now$", r"\bSubscribe now\b"
        )
        + QUADRATIC
    )
    problems = lint(None, ruleset)
    assert [(p.rule, "ASCII" in p.message) for p in problems] == [
        ("ascii-word", True),
        ("look-ahead", False),
    ]
    assert "times as long as a plain line pattern on one long line" in problems[1].message


@contextmanager
def _busy_cores(count: int) -> Iterator[None]:
    """Processes that keep `count` cores busy for at most a minute (they stop by themselves)."""
    spin = "import time\nend = time.time() + 60\nwhile time.time() < end: pass\n"
    hogs = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(count)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def test_lint_gives_the_same_answer_on_a_loaded_machine() -> None:
    """The shipped rule that an absolute time bound flagged on a loaded machine, the shipped
    rule costing most against the reference, and a quadratic one: judged with every core
    busy, the answer is the quiet machine's."""
    shipped = load_ruleset(ROOT / "rules")
    chosen = [shipped.get("junk-lone-punctuation"), shipped.get("social-join-channel")]
    quadratic = rules_from_toml(QUADRATIC).rules[0]
    quiet = [rulecheck.cost_problem(r) is None for r in (*chosen, quadratic)]
    with _busy_cores(2 * (os.cpu_count() or 1)):
        loaded = [rulecheck.cost_problem(r) is None for r in (*chosen, quadratic)]
    assert quiet == loaded == [True, True, False]


def test_the_shipped_rules_lint_clean() -> None:
    shipped = load_ruleset(ROOT / "rules")
    assert lint(str(ROOT / "rules"), shipped) == []
