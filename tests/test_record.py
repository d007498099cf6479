"""The record: what `<key>.json` holds, written and read through one type."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ingest import InputError, Record, Ruleset, clean_document
from ingest.diff import view_article
from ingest.inputs import ReadOptions, read_document
from ingest.metadata import extractor
from ingest.record import SCHEMA

ROOT = Path(__file__).resolve().parent.parent
RECORDS = sorted((ROOT / "clean").glob("*.json"))

PAGE = """<!DOCTYPE html><html><head><title>Talks resume in Brussels</title></head>
<body><article><h1>Talks resume in Brussels</h1>
<p>The talks between the two delegations resumed on Monday in Brussels after a pause of
three weeks, officials from both sides said in a joint statement.</p>
<p>Both sides met for six hours and agreed to meet again on Thursday to settle the last
open questions on tariffs, quotas and the timetable of the agreement.</p>
<p>You have 55% of this article left to read. The rest is for subscribers only.</p>
</article></body></html>
"""


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem)
def test_a_written_record_reads_back_to_the_same_json(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    record = Record.from_json(data, str(path))
    assert record.to_json() == data
    assert list(record.to_json()) == list(data)  # the same fields, in the same order
    assert record.schema == SCHEMA and record.extractor is None  # pasted text: no extractor


def test_a_page_record_names_its_extractor_and_round_trips(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    (tmp_path / "talks.html").write_text(PAGE, encoding="utf-8")
    _, record = clean_document(read_document(tmp_path / "talks.html", ReadOptions()), ruleset)
    assert record.extractor == extractor() and record.extractor.startswith("trafilatura ")
    assert {r.stage for r in record.removed} >= {"text"}
    assert Record.from_json(json.loads(json.dumps(record.to_json()))) == record


def test_a_record_of_an_older_version_reads_as_schema_0() -> None:
    data = json.loads(RECORDS[0].read_text(encoding="utf-8"))
    del data["schema"], data["extractor"]
    record = Record.from_json(data)
    assert record.schema == 0 and record.extractor is None
    assert record.removed == Record.from_json(json.loads(RECORDS[0].read_text("utf-8"))).removed


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ([], "holds a JSON list"),
        ({"title": "x"}, "no 'removed' list"),
        ({"removed": [{"rule": "r"}]}, "removed[0] has no 'category' text"),
        ({"removed": [], "word_count": "many"}, "'word_count' that is not a whole number"),
        ({"removed": [], "held_back": [{"rule": "r"}]}, "'held_back' that is not a list"),
    ],
)
def test_a_bad_record_is_an_input_error_that_names_it(data: object, problem: str) -> None:
    with pytest.raises(InputError, match=r"clean/x\.json: is not an ingest record") as caught:
        Record.from_json(data, "clean/x.json")
    assert problem in caught.value.problem and caught.value.fix


def test_diff_rederives_a_page_whose_record_was_made_by_another_extractor(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    raw, out = tmp_path / "talks.html", tmp_path / "clean"
    raw.write_text(PAGE, encoding="utf-8")
    out.mkdir()
    result, record = clean_document(read_document(raw, ReadOptions()), ruleset)
    (out / "talks.txt").write_text(result.text + "\n", encoding="utf-8")
    (out / "talks.json").write_text(json.dumps(record.to_json()), encoding="utf-8")
    assert view_article(raw, ruleset, clean_dir=out).from_record is True
    older = {**record.to_json(), "extractor": "trafilatura 1.0.0"}
    (out / "talks.json").write_text(json.dumps(older), encoding="utf-8")
    assert view_article(raw, ruleset, clean_dir=out).from_record is False


def test_diff_of_a_current_page_record_does_not_extract_again(
    tmp_path: Path, ruleset: Ruleset
) -> None:
    raw, out = tmp_path / "talks.html", tmp_path / "clean"
    raw.write_text(PAGE, encoding="utf-8")
    code = f"""
import sys
from pathlib import Path
from ingest import load_ruleset
from ingest.diff import view_article
view = view_article(Path({str(raw)!r}), load_ruleset(), clean_dir=Path({str(out)!r}))
print(view.from_record, 'trafilatura' in sys.modules)
print(any(m.rule.startswith('paywall') for m in view.marks), 'left to read' in view.text)
"""

    def diff_in_a_fresh_process() -> list[str]:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    assert diff_in_a_fresh_process()[0] == "False True"  # no record: the page is extracted
    out.mkdir()
    result, record = clean_document(read_document(raw, ReadOptions()), ruleset)
    (out / "talks.txt").write_text(result.text + "\n", encoding="utf-8")
    (out / "talks.json").write_text(json.dumps(record.to_json()), encoding="utf-8")
    # a current record: no extraction at all, and the marks sit on the text the rules ran on
    assert diff_in_a_fresh_process() == ["True False", "True True"]


def test_diff_says_why_a_record_is_stale(tmp_path: Path, ruleset: Ruleset) -> None:
    raw, out = tmp_path / "talks.html", tmp_path / "clean"
    raw.write_text(PAGE, encoding="utf-8")
    out.mkdir()
    result, record = clean_document(read_document(raw, ReadOptions()), ruleset)
    (out / "talks.txt").write_text(result.text + "\n", encoding="utf-8")
    for change, why in [
        ({"ruleset": "sha256:other"}, "the rules changed"),
        ({"tool_version": "0.0.1"}, "made by ingest 0.0.1"),
        ({"extractor": "trafilatura 1.0.0"}, "extracted by trafilatura 1.0.0"),
        ({"extracted": None}, "its page text is not in it"),
        ({"raw_sha256": "0" * 64}, "the input changed"),
    ]:
        (out / "talks.json").write_text(json.dumps({**record.to_json(), **change}), "utf-8")
        view = view_article(raw, ruleset, clean_dir=out)
        assert not view.from_record and view.stale and why in view.stale, (change, view.stale)
