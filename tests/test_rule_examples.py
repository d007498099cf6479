"""A rule's examples are its tests: every rule, alone, on each of its examples.

remove: the rule removes the whole example. keep: the rule removes nothing.
cases: the rule turns `text` into exactly `clean`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from ingest import CleanOptions, Rule, clean, load_ruleset
from ingest.html import remove_elements

RULES = load_ruleset(Path(__file__).resolve().parent.parent / "rules")
# The guard protects articles from misfiring rules; an example is all boilerplate by design.
NO_GUARD = CleanOptions(guard_share=1.0)
NOTHING = RULES.only()


def _examples(kind: str) -> list[object]:
    params = []
    for rule in RULES.rules:
        items = {
            "remove": rule.examples.remove,
            "keep": rule.examples.keep,
            "cases": rule.examples.cases,
        }[kind]
        for i, example in enumerate(items):
            params.append(pytest.param(rule, example, id=f"{rule.id}-{i}"))
    return params


def _site(rule: Rule) -> str | None:
    return rule.sites[0] if rule.sites else None


def _where(rule: Rule) -> str:
    return f"rule {rule.id} ({rule.file})"


def _html_text(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


@pytest.mark.parametrize(("rule", "example"), _examples("remove"))
def test_rule_removes_its_remove_examples(rule: Rule, example: str) -> None:
    if rule.scope == "html":
        # the page around the example keeps the guard (share of the page's words) out of play
        page = f"<html><body><p>{'article text ' * 200}</p>{example}</body></html>"
        stripped, removals, _ = remove_elements(page, RULES.only(rule.id), site=_site(rule))
        assert _html_text(stripped) == _html_text(f"<p>{'article text ' * 200}</p>")
        assert removals and {r.rule for r in removals} == {rule.id}
        return
    result = clean(example, RULES.only(rule.id), site=_site(rule), options=NO_GUARD)
    assert result.text == "", f"{_where(rule)} left {result.text!r} of {example!r}"
    assert {r.rule for r in result.removals} == {rule.id}


@pytest.mark.parametrize(("rule", "example"), _examples("keep"))
def test_rule_keeps_its_keep_examples(rule: Rule, example: str) -> None:
    if rule.scope == "html":
        _, removals, _ = remove_elements(example, RULES.only(rule.id), site=_site(rule))
        assert removals == [], f"{_where(rule)} removed {[r.text for r in removals]}"
        return
    result = clean(example, RULES.only(rule.id), site=_site(rule), options=NO_GUARD)
    assert result.removals == (), f"{_where(rule)} removed {[r.text for r in result.removals]}"


@pytest.mark.parametrize(("rule", "case"), _examples("cases"))
def test_rule_cases(rule: Rule, case: object) -> None:
    from ingest.rules import Case

    assert isinstance(case, Case)
    got = clean(case.text, RULES.only(rule.id), site=_site(rule), options=NO_GUARD).text
    want = clean(case.clean, NOTHING).text  # the same blank-line normalisation
    assert got == want, f"{_where(rule)} on {case.text!r}"


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
