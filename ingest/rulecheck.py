"""Checks on the rules themselves: their examples, and a lint for what loading cannot see.

A rule's examples are its tests (`ingest rules test`, and the test suite runs the same check).
The lint reports every load error at once, rules that are slow on adversarial text, and
patterns that lean on RE2's ASCII-only classes.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import re2
from lxml.html import HtmlElement, fragment_fromstring

from ingest.engine import CleanOptions, clean
from ingest.extraction import link_texts, remove_elements
from ingest.rules import Case, Rule, Ruleset, rule_errors

# The guard protects articles from misfiring rules; an example is all boilerplate by design.
_NO_GUARD = CleanOptions(guard_share=1.0)
# Surrounding article text keeps an HTML example under the selector guards' page share.
_FILLER_TEXT = " ".join(["article text"] * 200)
_FILLER = f"<p>{_FILLER_TEXT}</p>"
# RE2's \b, \w, \s and \d are ASCII-only: \w misses "é", \s misses a no-break space.
_ASCII_CLASSES = re.compile(r"(?<!\\)(?:\\\\)*\\[bBwWsS]")


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
    try:
        return list(_check_rule(rule, ruleset))
    except Exception as exc:  # never foreseen: this rule's failure, not the run's end
        return [f"internal error while running its examples ({type(exc).__name__}: {exc})"]


def _check_rule(rule: Rule, ruleset: Ruleset) -> Iterator[str]:
    alone = ruleset.only(rule.id)
    site = rule.sites[0] if rule.sites else None
    page = "text" not in rule.inputs  # an example stands for a text the rule cleans
    for example in rule.examples.remove:
        if rule.scope == "html":
            stripped, removals, *_ = remove_elements(_page(example), alone, site=site)
            if _text_of(stripped) != _FILLER_TEXT or not removals:
                yield f"did not remove the HTML example {example!r}"
            continue
        text, links = _example_text(rule, example)
        result = clean(text, alone, site=site, links=links, page=page, options=_NO_GUARD)
        if result.text:
            yield f"left {result.text!r} of the remove example {example!r}"
    for example in rule.examples.keep:
        if rule.scope == "html":
            # in a page of article text, as the remove examples: alone, the example is the
            # whole page, and the page-share guard would hold back any removal of it
            _, removals, *_ = remove_elements(_page(example), alone, site=site)
            texts = [r.text for r in removals]
        else:
            text, links = _example_text(rule, example)
            result = clean(text, alone, site=site, links=links, page=page, options=_NO_GUARD)
            texts = [r.text for r in result.removals]
        if texts:
            yield f"removed {texts!r} from the keep example {example!r}"
    for case in rule.examples.cases:
        yield from _check_case(rule, case, ruleset)


def _check_case(rule: Rule, case: Case, ruleset: Ruleset) -> Iterator[str]:
    site = rule.sites[0] if rule.sites else None
    text, links = _example_text(rule, case.text)
    alone = ruleset.only(rule.id)
    page = "text" not in rule.inputs
    got = clean(text, alone, site=site, links=links, page=page, options=_NO_GUARD).text
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
    fragment = fragment_fromstring(example, create_parent="div")
    lines = [
        ("- " if e.tag == "li" else "") + _text_of(e)
        for e in fragment.iter("p", "li", "h1", "h2", "h3", "h4", "h5", "h6")
    ]
    return "\n".join(lines), link_texts(fragment)


def _page(example: str) -> str:
    return f"<html><body>{_FILLER}{example}</body></html>"


def _text_of(element: HtmlElement) -> str:
    return " ".join(" ".join(element.itertext()).split())


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
        shape = rule.shape
        near = (shape.beside, shape.above, shape.below) if shape else ()
        if rule.pattern is None and not any(near):
            continue
        for pattern in filter(None, (rule.pattern, rule.end, *near)):
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
        slow = cost_problem(rule)
        if slow is not None:
            problems.append(Problem(rule.file, rule.id, slow))
    return problems


@functools.cache  # built once per size: every rule is timed on the same texts
def adversarial_texts(size: int) -> dict[str, str]:
    """About `size` characters each: long lines, many short lines, and repetitions of
    pattern-ish pieces."""
    units = {
        "one long line": ("a", "!"),
        "many short lines": ("aaaaaaaaa\n", ""),
        "repeated words and spaces": ("word ", ""),
        "repeated punctuation lines": (".:-|/\n", ""),
        "repeated capitalised words": ("Read Also Related News ", ""),
    }
    return {name: unit * (size // len(unit)) + end for name, (unit, end) in units.items()}


def cost_problem(rule: Rule) -> str | None:
    """Why the rule's patterns cost too much on adversarial text, or None.

    RE2 matches in time linear in the text, but finding every match is not: a pattern whose
    every match must look far ahead (`a(?:[^\n]*Z)?` on a long line of a's) rescans the rest
    of the line for each match, which is quadratic. Each pattern is timed on each text at two
    sizes, against a reference pattern timed on the same texts in the same run: so a loaded
    machine, which slows both alike, does not change the answer. Each timing is the fastest
    of a few; the texts are small enough that even a quadratic pattern answers in a second.
    """
    near = [c for _, c in rule.shape.compiled] if rule.shape else []
    compiled = [c for c in (rule.compiled, rule.compiled_end, *near) if c is not None]
    for name in adversarial_texts(1):
        small, large = (adversarial_texts(n)[name] for n in (COST_SIZE, COST_SIZE * _GROWTH))
        ref_small, ref_large = (_fastest([_REFERENCE], t) for t in (small, large))
        took_small = _fastest(compiled, small)
        took_large = _fastest(compiled, large)
        cost = took_large / max(ref_large, 1e-9)
        growth = took_large / max(took_small, 1e-9)
        reference_growth = ref_large / max(ref_small, 1e-9)
        if cost > MAX_COST:
            return (
                f"takes {cost:.0f} times as long as a plain line pattern on {name} "
                f"(bound {MAX_COST:g}); make it match less, or fail sooner"
            )
        if cost > MAX_COST / 10 and growth > reference_growth * _SUPERLINEAR:
            return (
                f"takes {growth:.0f} times as long on {name} {_GROWTH} times as long "
                f"(a plain line pattern: {reference_growth:.0f} times): its cost grows faster "
                "than the text; a match that looks far ahead is searched again for each match"
            )
    return None


# A pattern that matches every line: what finding matches costs at least, on any machine.
_REFERENCE = re2.compile(r"(?m)^.+$")
# Characters of the smaller adversarial texts, and how much larger the second size is.
COST_SIZE = 16_384
_GROWTH = 4
# A rule may cost this many times the reference (the shipped rules: at most about 2).
MAX_COST = 50.0
# Growth this many times the reference's growth is superlinear (quadratic: 4 times).
_SUPERLINEAR = 2.5
_REPEATS = 3


def _fastest(patterns: list[Any], text: str) -> float:
    best = float("inf")
    for _ in range(_REPEATS):
        start = time.perf_counter()
        for compiled in patterns:
            for _ in compiled.finditer(text):
                pass
        best = min(best, time.perf_counter() - start)
    return best
