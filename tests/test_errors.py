"""One error tree: every error says where, what and how to fix it, and batches keep the object."""

from __future__ import annotations

import inspect
import pickle
from pathlib import Path

import pytest

import ingest.errors as errors
from ingest import BatchOptions, ExtractError, InputError, OutputError, clean_paths, load_ruleset
from ingest.errors import IngestError

# The errors ingest raises: every class of the tree but its two bases.
LEAVES = [
    c
    for c in vars(errors).values()
    if inspect.isclass(c)
    and issubclass(c, IngestError)
    and c.__name__ not in ("IngestError", "_Located")
]


def test_the_docstring_draws_every_error_of_the_tree() -> None:
    tree = errors.__doc__ or ""
    for cls in {IngestError, *LEAVES, *(c.__base__ for c in LEAVES)}:
        assert cls.__name__ in tree, cls


@pytest.mark.parametrize("cls", LEAVES, ids=lambda c: c.__name__)
def test_every_error_carries_where_problem_and_fix(cls: type[IngestError]) -> None:
    params = list(inspect.signature(cls).parameters)
    args = {"rule_id": "r1"} if "rule_id" in params else {}
    error = cls(**{params[0]: "raw/a.txt", "problem": "is broken", "fix": "mend it", **args})
    assert (error.problem, error.fix) == ("is broken", "mend it")  # type: ignore[attr-defined]
    assert str(error).startswith(("raw/a.txt: ", "rule 'r1' in raw/a.txt: "))
    assert str(error).endswith("is broken (mend it)")
    again = pickle.loads(pickle.dumps(error))  # errors cross process boundaries in batches
    assert type(again) is cls and str(again) == str(error)


def test_a_batch_outcome_carries_the_error_object(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.html").write_text("<html><body></body></html>", encoding="utf-8")
    (tmp_path / "in" / "bad.txt").write_bytes(b"\x00\x01" * 10)
    (tmp_path / "out").write_text("a file where the output folder should be", encoding="utf-8")
    (tmp_path / "in2").mkdir()
    (tmp_path / "in2" / "story.txt").write_text("The talks resumed on Monday.\n", "utf-8")
    ruleset = load_ruleset()
    report = clean_paths([tmp_path / "in"], ruleset, BatchOptions(out_dir=tmp_path / "o1"))
    by_name = {Path(o.source).name: o.error for o in report.failed}
    assert isinstance(by_name["empty.html"], ExtractError)
    assert isinstance(by_name["bad.txt"], InputError)
    for error in by_name.values():
        assert error is not None and error.source.endswith(("empty.html", "bad.txt"))
        assert error.problem and error.fix
    report = clean_paths([tmp_path / "in2"], ruleset, BatchOptions(out_dir=tmp_path / "out"))
    (outcome,) = report.failed
    assert isinstance(outcome.error, OutputError) and "cannot write" in outcome.error.problem
