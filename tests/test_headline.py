"""Which lines of a page's text are copies of its title."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import clean, load_ruleset
from ingest.headline import headline_matcher

ROOT = Path(__file__).resolve().parent.parent
TITLE = "Elephants lose their fertile land in Guinea | Environment | DW | 23.05.2011"


@pytest.mark.parametrize(
    "line",
    [
        TITLE,
        "Elephants lose their fertile land in Guinea",  # the printed headline, no site parts
        "Elephants lose their fertile land in Guinea | Nature | DW | 23.05.2011",  # other labels
        "23.05.2011Elephants lose their fertile land in Guinea",  # a date glued on
        "  ELEPHANTS LOSE THEIR FERTILE LAND IN GUINEA.  ",
    ],
)
def test_copies_of_the_title_match(line: str) -> None:
    assert headline_matcher(TITLE)(line)


@pytest.mark.parametrize(
    "line",
    [
        "Elephants lose their fertile land in Guinea: what the study found",  # a subheading
        "Elephants lose their fertile land in Guinea, the study says, and move north.",
        "Elephants lose their fertile land in Guinea | a report by the institute in Dakar",
        "Environment",
        "DW",
    ],
)
def test_lines_that_only_share_the_headline_do_not(line: str) -> None:
    assert not headline_matcher(TITLE)(line)


def test_a_short_part_is_a_site_name_not_a_headline() -> None:
    matches = headline_matcher("Home | Example News")
    assert not matches("Example News")
    assert matches("Home | Example News")


def test_a_title_without_parts_matches_only_itself() -> None:
    matches = headline_matcher("Kenji Fujimori: trial resumes in May")
    assert matches("Kenji Fujimori: trial resumes in May")
    assert not matches("trial resumes in May")


def test_the_printed_headline_leaves_the_body_when_the_title_carries_the_site() -> None:
    text = (
        "Elephants lose their fertile land in Guinea | Environment | DW | 23.05.2011\n\n"
        "Elephants lose their fertile land in Guinea\n\n"
        "Twenty-four billion tonnes of fertile soil are lost every year, a study finds.\n"
    )
    result = clean(text, load_ruleset(ROOT / "rules"), headline=TITLE)
    assert result.text == (
        "Twenty-four billion tonnes of fertile soil are lost every year, a study finds."
    )
    assert [r.rule for r in result.removals] == ["repeated-headline", "repeated-headline"]
