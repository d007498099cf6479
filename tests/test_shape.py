"""Shape rules (`scope = "shape"`): lines judged by their form and their neighbours."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import RuleError, clean, load_ruleset, rules_from_toml
from ingest.rules import Ruleset

PROSE = [
    "The council voted on Tuesday to close the old bridge to cars from the first of May.",
    "Residents had asked for a footbridge for years, and the mayor said the plan would cost less.",
    "Work is to start in the summer and the bridge should reopen to walkers by next spring.",
]
RELATED = ["Ten things to do this weekend", "Bridge closures across the county", "Weather"]


def shape_rule(shape: str, extra: str = "") -> Ruleset:
    return rules_from_toml(f"""
[[rule]]
id = "shaped"
category = "related-links"
why = "A test rule over the shape of lines."
scope = "shape"
shape = {{ {shape} }}
{extra}
examples.remove = ["x"]
examples.keep = ["y"]
""")


TAIL_RUN = shape_rule('words = [1, 8], sentence = false, run = 3, position = "after-prose"')


def test_a_run_of_short_lines_after_the_last_paragraph_goes_as_one_removal() -> None:
    raw = "\n\n".join(PROSE) + "\n\n" + "\n".join(RELATED)
    result = clean(raw, TAIL_RUN)
    assert result.text == "\n\n".join(PROSE)
    (removal,) = result.removals
    assert removal.rule == "shaped" and removal.lines == (7, 9)
    assert raw[removal.span[0] : removal.span[1]] == "\n".join(RELATED)


def test_a_run_too_short_or_broken_by_a_sentence_stays() -> None:
    two = "\n\n".join(PROSE) + "\n\n" + "\n".join(RELATED[:2])
    assert clean(two, TAIL_RUN).text == clean(two, rules_from_toml("")).text
    broken = "\n\n".join(PROSE) + "\n\n" + "\n".join([*RELATED[:2], "It rained.", "Weather"])
    assert not clean(broken, TAIL_RUN).removals


def test_position_after_prose_spares_a_list_between_paragraphs() -> None:
    # a list inside the article: short lines, but prose follows them
    raw = "\n\n".join([PROSE[0], "\n".join(RELATED), PROSE[1]])
    assert not clean(raw, TAIL_RUN).removals
    anywhere = shape_rule("words = [1, 8], sentence = false, run = 3")
    assert clean(raw, anywhere).text == "\n\n".join([PROSE[0], PROSE[1]])


def test_position_end_takes_only_the_run_that_ends_the_text() -> None:
    end = shape_rule('words = [1, 8], sentence = false, position = "end"')
    raw = "\n\n".join([*PROSE, "Weather", "It rained all day.", *RELATED[:2]])
    assert clean(raw, end).text == "\n\n".join([*PROSE, "Weather", "It rained all day."])
    assert not clean(raw + "\n\nIt rained all day.", end).removals


def test_before_prose_and_a_text_without_prose() -> None:
    head = shape_rule('words = [1, 4], sentence = false, position = "before-prose"')
    raw = "Home\n\nNews\n\n" + "\n\n".join(PROSE) + "\n\nWeather"
    assert clean(raw, head).text == "\n\n".join(PROSE) + "\n\nWeather"
    # with no line of prose there is no before or after: nothing is judged
    assert not clean("Home\n\nNews\n\nWeather", head).removals


def test_above_looks_at_the_raw_neighbours_even_when_another_rule_took_them() -> None:
    caption = shape_rule("words = [2, 8], above = '^(?:Foto|Photo|Bild):'")
    credit = rules_from_toml("""
[[rule]]
id = "credit"
category = "caption"
why = "A photo credit on its own line."
pattern = '^(?:Foto|Photo|Bild): [^\\n]+$'
examples.remove = ["Foto: dpa"]
examples.keep = ["Fotografie ist eine Kunst."]
""")
    both = Ruleset(rules=(*credit.rules, *caption.rules), id="t", source="t")
    raw = PROSE[0] + "\n\nThe old bridge at dusk\nFoto: dpa\n\n" + PROSE[1]
    result = clean(raw, both)
    assert result.text == PROSE[0] + "\n\n" + PROSE[1]
    assert sorted(r.rule for r in result.removals) == ["credit", "shaped"]
    # without a credit under it, a line of the same shape stays; so does the paragraph below
    assert not clean(PROSE[0] + "\n\nThe old bridge at dusk\n\n" + PROSE[1], both).removals
    below = shape_rule("words = [10, 20], below = '^(?:Foto|Photo|Bild):'")
    assert clean(raw, below).text == PROSE[0] + "\n\nThe old bridge at dusk\n\nFoto: dpa"
    beside = shape_rule(
        "words = [2, 20], sentence = false, beside = '^(?:Foto|Photo|Bild):'",
        "pattern = '^[^:\\n]*[a-z][^:]*$'",
    )
    assert clean(raw, beside).text == PROSE[0] + "\n\nFoto: dpa\n\n" + PROSE[1]


def test_neighbours_are_judged_at_the_ends_of_a_run() -> None:
    # other articles' headlines under a related-links heading, which a rule has already taken
    heading = rules_from_toml("""
[[rule]]
id = "heading"
category = "related-links"
why = "A related-links heading."
pattern = '^Related stories$'
examples.remove = ["Related stories"]
examples.keep = ["Related stories ran on Monday."]
""")
    under = shape_rule("words = [2, 12], sentence = false, run = 2, below = '^Related stories$'")
    both = Ruleset(rules=(*heading.rules, *under.rules), id="t", source="t")
    raw = "\n\n".join([PROSE[0], "Related stories", *RELATED[:2], PROSE[1]])
    result = clean(raw, both)
    assert result.text == "\n\n".join([PROSE[0], PROSE[1]])
    assert [r.rule for r in result.removals] == ["heading", "shaped"]
    # alone, the heading stays: a line the neighbour pattern names is never in the run
    assert clean(raw, under).text == "\n\n".join([PROSE[0], "Related stories", PROSE[1]])
    # the same lines under another heading stay
    other = raw.replace("Related stories", "What the council decided")
    assert not clean(other, both).removals


def test_case_and_pattern_narrow_the_lines() -> None:
    upper = shape_rule('words = [1, 3], case = "upper"')
    assert clean(PROSE[0] + "\n\nADVERTISEMENT\n\n" + PROSE[1], upper).text == "\n\n".join(
        PROSE[:2]
    )
    assert not clean(PROSE[0] + "\n\nAdvertisement\n\n" + PROSE[1], upper).removals
    counted = shape_rule("words = [1, 3]", "pattern = '^[0-9]+ */ *[0-9]+$'")
    assert clean(PROSE[0] + "\n\n3 / 12\n\n" + PROSE[1], counted).text == "\n\n".join(PROSE[:2])
    assert not clean(PROSE[0] + "\n\n3 apples\n\n" + PROSE[1], counted).removals


def test_shape_rules_are_held_back_like_any_rule() -> None:
    # a text that is nearly all short lines: the run would take most of it
    raw = PROSE[0] + "\n\n" + "\n".join(f"Item number {n} of the list here" for n in range(40))
    result = clean(raw, TAIL_RUN)
    assert not result.removals
    assert [h.rule for h in result.held_back] == ["shaped"]


def test_cleaning_with_shape_rules_is_idempotent() -> None:
    raw = "Home\n\n" + "\n\n".join(PROSE) + "\n\n" + "\n".join(RELATED)
    once = clean(raw, TAIL_RUN)
    assert clean(once.text, TAIL_RUN).text == once.text


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ("words = [1, 8], colour = 'red'", "unknown shape keys"),
        ("words = [9, 2]", "bad shape.words"),
        ("words = [1, 8], run = 0", "bad shape.run"),
        ("words = [1, 8], position = 'middle'", "bad shape.position"),
        ("words = [1, 8], case = 'title'", "bad shape.case"),
        ("words = [1, 8], beside = '(?=x)'", "not valid RE2"),
        ("words = [1, 8], above = ''", "bad shape.above"),
        ("run = 3", "says nothing of the line"),
    ],
)
def test_bad_shapes_are_refused_with_a_fix(shape: str, message: str) -> None:
    with pytest.raises(RuleError) as info:
        shape_rule(shape)
    assert message in str(info.value)


def test_a_shape_table_on_another_scope_is_refused() -> None:
    with pytest.raises(RuleError, match="only scope = 'shape' takes a shape"):
        rules_from_toml("""
[[rule]]
id = "x"
category = "junk"
why = "A rule with a stray shape."
pattern = '^x$'
shape = { words = [1, 2] }
examples.remove = ["x"]
examples.keep = ["y"]
""")


def test_shipped_shape_rules_load(tmp_path: Path) -> None:
    shipped = [r for r in load_ruleset().rules if r.scope == "shape"]
    assert all(r.shape is not None for r in shipped)


def test_inputs_limits_a_rule_to_pasted_text_or_to_pages() -> None:
    text_only = shape_rule(
        "words = [1, 8], sentence = false, position = 'end'", 'inputs = ["text"]'
    )
    raw = "\n\n".join(PROSE) + "\n\nShare this article"
    assert clean(raw, text_only).text == "\n\n".join(PROSE)
    assert not clean(raw, text_only, page=True).removals
    page_only = shape_rule(
        "words = [1, 8], sentence = false, position = 'end'", 'inputs = ["page"]'
    )
    assert not clean(raw, page_only).removals
    assert clean(raw, page_only, page=True).text == "\n\n".join(PROSE)
    with pytest.raises(RuleError, match="bad inputs"):
        shape_rule("words = [1, 8]", 'inputs = ["paper"]')
