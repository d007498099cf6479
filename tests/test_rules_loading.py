"""Rules are validated at load time, with errors that name the file and the rule."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ingest import RuleError, clean, load_ruleset, rules_from_toml

from .helpers import MARKER_RULE

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_valid_file_loads_and_gets_a_content_hash_id(tmp_path: Path) -> None:
    ruleset = load_ruleset(write(tmp_path, "a.toml", MARKER_RULE))
    assert [r.id for r in ruleset.rules] == ["good-rule"]
    assert ruleset.id.startswith("sha256:")
    same = load_ruleset(tmp_path)
    assert same.id == ruleset.id
    (tmp_path / "a.toml").write_text(MARKER_RULE.replace("MARKER$", "MARKERS$"), encoding="utf-8")
    assert load_ruleset(tmp_path).id != ruleset.id


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("'^MARKER$'", "'(unclosed'"), "not valid RE2 syntax"),
        (("'^MARKER$'", "'(a)\\1'"), "no backreferences: spell the repeated text out"),
        (("'^MARKER$'", "'(?=look)ahead'"), "no lookarounds: match the context"),
        (("'^MARKER$'", "'(?:a[^\\n]{5,200}){1,12}'"), "at most 1000 repetitions"),
        (("'^MARKER$'", "'x*'"), "matches the empty string"),
        (("'^MARKER$'", "'^\\s*$'"), "matches the empty string"),
        (('category = "junk"', 'category = "jnuk"'), "unknown category"),
        (('why = "A test rule that removes a marker line."', 'why = ""'), "missing 'why'"),
        (('examples.keep = ["Not a marker"]', ""), "no examples of text it keeps"),
        (('examples.remove = ["MARKER"]', ""), "no examples of text it removes"),
        (("pattern = ", "patern = "), "unknown keys"),
        (('id = "good-rule"', 'id = "Good Rule"'), "no valid id"),
        (("'^MARKER$'", "'^(?&nothing)$'"), "undefined (?&nothing)"),
        (("pattern = ", 'facts = { author = "{who}" }\npattern = '), "names groups ['who']"),
        (("pattern = ", 'facts = { mood = "x" }\npattern = '), "unknown fact 'mood'"),
        (("pattern = ", 'within = "middle 3"\npattern = '), "bad within"),
        (("pattern = ", 'scope = "paragraph"\npattern = '), "unknown scope"),
        (("pattern = ", 'scope = "block"\npattern = '), "missing 'end'"),
        (("pattern = ", "max_words = 40\npattern = "), "only scope = 'html' takes max_words"),
    ],
)
def test_invalid_rules_are_refused_with_file_rule_and_fix(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    old, new = change
    assert old in MARKER_RULE
    write(tmp_path, "broken.toml", MARKER_RULE.replace(old, new))
    with pytest.raises(RuleError) as info:
        load_ruleset(tmp_path)
    text = str(info.value)
    assert message in text
    assert "broken.toml" in text
    assert "(" in text and text.endswith(")"), "every message says how to fix it"


def test_duplicate_ids_across_files_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", MARKER_RULE)
    write(tmp_path, "b.toml", MARKER_RULE)
    with pytest.raises(
        RuleError, match=r"rule 'good-rule' in b.toml: duplicate id \(also in a.toml\)"
    ):
        load_ruleset(tmp_path)


def test_invalid_toml_and_missing_folders_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "bad.toml", "[[rule]\nid=")
    with pytest.raises(RuleError, match=r"bad\.toml: is not valid UTF-8 TOML"):
        load_ruleset(tmp_path)
    with pytest.raises(RuleError, match="is not a folder"):
        load_ruleset(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(RuleError, match="holds no"):
        load_ruleset(tmp_path / "empty")


def test_catastrophic_patterns_cannot_hang_a_run() -> None:
    # (a+)+$ and (a|aa)*c take exponential time in a backtracking engine on a run of a's
    # that ends badly; RE2 matches in linear time, so the whole clean stays fast.
    ruleset = rules_from_toml("""
[[rule]]
id = "nested-quantifiers"
category = "junk"
why = "An adversarial pattern: nested quantifiers."
pattern = '^(a+)+$'
examples.remove = ["aaa"]
examples.keep = ["aab"]

[[rule]]
id = "overlapping-alternation"
category = "junk"
why = "An adversarial pattern: overlapping alternation."
pattern = '^(a|aa)*c$'
examples.remove = ["aac"]
examples.keep = ["aab"]
""")
    hostile = ("a" * 50_000 + "!\n") * 20
    started = time.perf_counter()
    result = clean(hostile, ruleset)
    elapsed = time.perf_counter() - started
    assert result.removals == ()
    assert elapsed < 10, f"took {elapsed:.1f}s"


def test_each_rule_file_holds_the_category_it_is_named_for() -> None:
    # html.toml and shapes.toml group rules by kind (selector rules, shape rules)
    ruleset = load_ruleset(ROOT / "rules")
    for rule in ruleset.rules:
        name = Path(rule.file).stem
        if rule.sites or name in ("html", "shapes"):
            continue
        assert rule.category == name, f"{rule.id} ({rule.category}) is in {rule.file}"


def test_every_category_has_its_colour_in_diff_and_the_report() -> None:
    from ingest.diff import CATEGORY_COLOURS
    from ingest.repetition import CATEGORY as REPEATED
    from ingest.rules import CATEGORIES

    assert set(CATEGORY_COLOURS) == {*CATEGORIES, REPEATED}
