"""Checks on the rules themselves: their examples, and a lint for what loading cannot see.

A rule's examples are its tests (`ingest rules test`, and the test suite runs the same check).
The lint reports every load error at once, rules that are slow on adversarial text, and
patterns that lean on RE2's ASCII-only classes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

from bs4 import BeautifulSoup

from ingest.engine import CleanOptions, clean
from ingest.html import link_texts, remove_elements
from ingest.rules import Case, Rule, Ruleset, rule_errors

# The guard protects articles from misfiring rules; an example is all boilerplate by design.
_NO_GUARD = CleanOptions(guard_share=1.0)
# Surrounding article text keeps an HTML example under the selector guards' page share.
_FILLER = "<p>" + "article text " * 200 + "</p>"
# RE2's \b, \w, \s and \d are ASCII-only: \w misses "é", \s misses a no-break space.
_ASCII_CLASSES = re.compile(r"(?<!\\)(?:\\\\)*\\[bBwWsS]")
# Seconds one rule may take on one adversarial text (about 1 MB); linear patterns take ~0.1.
SLOW_SECONDS = 2.0


@dataclass(frozen=True)
class Problem:
    file: str
    rule: str | None
    message: str

    def __str__(self) -> str:
        who = f"rule '{self.rule}' in {self.file}" if self.rule else self.file
        return f"{who}: {self.message}"


def example_problems(ruleset: Ruleset) -> list[Problem]:
    """Every rule, alone, on each of its examples: remove examples go entirely, keep examples
    stay untouched, cases come out exactly as written."""
    return [
        Problem(rule.file, rule.id, message)
        for rule in ruleset.rules
        for message in rule_problems(rule, ruleset)
    ]


def rule_problems(rule: Rule, ruleset: Ruleset) -> list[str]:
    """What is wrong with one rule's examples (empty when they all pass)."""
    return list(_check_rule(rule, ruleset))


def _check_rule(rule: Rule, ruleset: Ruleset) -> Iterator[str]:
    alone = ruleset.only(rule.id)
    site = rule.sites[0] if rule.sites else None
    for example in rule.examples.remove:
        if rule.scope == "html":
            stripped, removals, _, _ = remove_elements(_FILLER + example, alone, site=site)
            if _page_text(stripped) != _page_text(_FILLER) or not removals:
                yield f"did not remove the HTML example {example!r}"
            continue
        text, links = _example_text(rule, example)
        result = clean(text, alone, site=site, links=links, options=_NO_GUARD)
        if result.text:
            yield f"left {result.text!r} of the remove example {example!r}"
    for example in rule.examples.keep:
        if rule.scope == "html":
            _, removals, _, _ = remove_elements(example, alone, site=site)
            texts = [r.text for r in removals]
        else:
            text, links = _example_text(rule, example)
            result = clean(text, alone, site=site, links=links, options=_NO_GUARD)
            texts = [r.text for r in result.removals]
        if texts:
            yield f"removed {texts!r} from the keep example {example!r}"
    for case in rule.examples.cases:
        yield from _check_case(rule, case, ruleset)


def _check_case(rule: Rule, case: Case, ruleset: Ruleset) -> Iterator[str]:
    site = rule.sites[0] if rule.sites else None
    text, links = _example_text(rule, case.text)
    got = clean(text, ruleset.only(rule.id), site=site, links=links, options=_NO_GUARD).text
    want = clean(case.clean, ruleset.only()).text  # the same blank-line normalisation
    if got != want:
        yield f"turned {case.text!r} into {got!r}, not {want!r}"


def _example_text(rule: Rule, example: str) -> tuple[str, frozenset[str]]:
    """The text a rule's example stands for, and the page's links.

    A rule that looks at links has HTML examples: their paragraphs, headings and list items
    become lines as trafilatura writes them ("- " before an item).
    """
    if rule.scope != "link-tail":
        return example, frozenset()
    soup = BeautifulSoup(example, "html.parser")
    lines = [
        ("- " if e.name == "li" else "") + " ".join(e.get_text(" ").split())
        for e in soup.find_all(["p", "li", "h1", "h2", "h3", "h4", "h5", "h6"])
    ]
    return "\n".join(lines), link_texts(soup.find_all("a"))


def _page_text(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def lint(ruleset_dir: str | None, ruleset: Ruleset | None) -> list[Problem]:
    """Load errors (all of them), slow patterns and ASCII-only classes.

    `ruleset` is the loaded ruleset when it loads; without it only load errors are reported.
    """
    problems = [
        Problem(e.where, e.rule_id, f"{e.problem} ({e.fix})") for e in rule_errors(ruleset_dir)
    ]
    if ruleset is None:
        return problems
    for rule in ruleset.rules:
        if rule.pattern is None:
            continue
        for pattern in filter(None, (rule.pattern, rule.end)):
            if _ASCII_CLASSES.search(pattern):
                problems.append(
                    Problem(
                        rule.file,
                        rule.id,
                        "uses \\b, \\w or \\s, which RE2 reads as ASCII only "
                        "(use \\pL for letters and [\\pZ\\t] for spaces)",
                    )
                )
                break
        seconds, text_name = slowest(rule)
        if seconds > SLOW_SECONDS:
            problems.append(
                Problem(
                    rule.file,
                    rule.id,
                    f"took {seconds:.1f} s on {text_name} (bound {SLOW_SECONDS:.0f} s)",
                )
            )
    return problems


def adversarial_texts() -> dict[str, str]:
    """About 1 MB each: long lines, many short lines, and repetitions of pattern-ish pieces."""
    return {
        "one 1 MB line": "a" * 1_000_000 + "!",
        "100k short lines": "aaaaaaaaa\n" * 100_000,
        "repeated words and spaces": "word " * 200_000,
        "repeated punctuation lines": ".:-|/\n" * 170_000,
        "repeated capitalised words": "Read Also Related News " * 45_000,
    }


def slowest(rule: Rule) -> tuple[float, str]:
    """The longest time the rule's patterns take over one adversarial text, and its name."""
    worst = (0.0, "")
    for name, text in adversarial_texts().items():
        start = time.perf_counter()
        for compiled in filter(None, (rule.compiled, rule.compiled_end)):
            for _ in compiled.finditer(text):
                pass
        worst = max(worst, (time.perf_counter() - start, name))
    return worst
