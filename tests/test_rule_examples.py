"""A rule's examples are its tests: every rule, alone, on each of its examples.

remove: the rule removes the whole example. keep: the rule removes nothing.
cases: the rule turns `text` into exactly `clean`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import Rule, load_ruleset
from ingest.rulecheck import rule_problems

RULES = load_ruleset(Path(__file__).resolve().parent.parent / "rules")


@pytest.mark.parametrize("rule", RULES.rules, ids=lambda r: r.id)
def test_rule_passes_its_examples(rule: Rule) -> None:
    # the check `ingest rules test` runs, one rule at a time
    assert rule_problems(rule, RULES) == []


def test_every_rule_has_examples_both_ways() -> None:
    for rule in RULES.rules:
        assert rule.examples.remove or rule.examples.cases, rule.id
        assert rule.examples.keep, rule.id


def test_ruleset_is_large_enough_and_covers_the_categories() -> None:
    categories = {r.category for r in RULES.rules}
    wanted = {
        "paywall",
        "device-limit",
        "donation",
        "copyright",
        "adblock",
        "newsletter",
        "social",
        "related-links",
        "corrections",
        "caption",
        "navigation",
        "byline",
        "junk",
    }
    assert wanted <= categories, wanted - categories
    assert len(RULES.rules) >= 60
