"""Articles that repeat another: marked with the key they repeat, counted by the audit, left
out with --skip-duplicates; in a batch and against what clean/ held before."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from pathlib import Path

import pytest

from ingest.duplicates import MIN_WORDS, NEAR_BITS, Article, find_duplicates
from ingest.metadata import fingerprint

from .helpers import ROOT, run_ingest

SEEDS = sorted((ROOT / "raw").glob("*.txt"))


def _edited(text: str, share: float, seed: int = 7) -> str:
    """`text` with `share` of its words changed (each into another word), as a site editing
    a wire story leaves it."""
    words = text.split(" ")
    rng = random.Random(seed)
    for i in rng.sample(range(len(words)), int(len(words) * share)):
        words[i] = words[i][::-1] + "x"
    return " ".join(words)


def _article(key: str, text: str) -> Article:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Article(key, digest, int(fingerprint(text), 16), len(text.split()))


def test_the_same_text_and_nearly_the_same_are_found_and_others_are_not() -> None:
    first, other = (p.read_text(encoding="utf-8") for p in SEEDS[2:4])
    batch = [
        _article("a", first),
        _article("b", other),
        _article("c", first),  # the same text
        _article("d", _edited(first, 0.02)),  # a few words changed
        _article("e", _edited(other, 0.5)),  # half the words changed: another text
    ]
    found = {d.key: (d.of, d.exact) for d in find_duplicates([], batch)}
    assert found == {"c": ("a", True), "d": ("a", False)}


def test_earlier_articles_come_first_and_their_duplicates_are_not_originals() -> None:
    text = SEEDS[0].read_text(encoding="utf-8")
    earlier = [
        _article("old", text),
        Article("old-copy", "x", int(fingerprint(text), 16), len(text.split()), "old"),
    ]
    found = find_duplicates(earlier, [_article("new", text)])
    assert [(d.key, d.of) for d in found] == [("new", "old")]


def test_short_texts_are_duplicates_only_when_the_same_and_lengths_must_be_alike() -> None:
    short = "The council met on Monday and approved the budget for next year."
    assert len(short.split()) < MIN_WORDS
    found = find_duplicates([], [_article("a", short), _article("b", short + " Really.")])
    assert found == []
    text = SEEDS[1].read_text(encoding="utf-8")
    half = " ".join(text.split()[: len(text.split()) // 2])
    # a fingerprint can lie within NEAR_BITS of one of a text twice as long; that is no copy
    a, b = _article("a", text), _article("b", half)
    b = Article("b", b.text_sha256, (a.simhash or 0) ^ ((1 << NEAR_BITS) - 1), b.words)
    assert find_duplicates([], [a, b]) == []


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "in").mkdir()
    for seed in SEEDS[:3]:
        shutil.copy(seed, tmp_path / "in" / seed.name)
    text = SEEDS[2].read_text(encoding="utf-8")
    (tmp_path / "in" / "zz-copy.txt").write_text(text, encoding="utf-8")
    (tmp_path / "in" / "zz-edited.txt").write_text(_edited(text, 0.02), encoding="utf-8")
    return tmp_path


def test_a_batch_marks_its_duplicates_the_same_for_any_jobs_and_the_audit_counts_them(
    project: Path,
) -> None:
    original = SEEDS[2].stem
    for jobs in ("1", "2"):
        done = run_ingest("clean", "in", "--out", f"out{jobs}", "--jobs", jobs, cwd=project)
        assert done.returncode == 0, done.stderr.decode()
        assert "2 duplicates marked" in done.stderr.decode()
    one, two = project / "out1", project / "out2"
    assert {p.name: p.read_bytes() for p in one.iterdir()} == {
        p.name: p.read_bytes() for p in two.iterdir()
    }
    marks = {p.stem: json.loads(p.read_text("utf-8"))["duplicate_of"] for p in one.glob("*.json")}
    assert marks == {s.stem: None for s in SEEDS[:3]} | {"zz-copy": original, "zz-edited": original}
    audit = run_ingest("audit", "out1", "--json", cwd=project)
    counted = json.loads(audit.stdout)["duplicates"]
    assert counted == {"zz-copy": original, "zz-edited": original}


def test_skip_duplicates_leaves_them_out_and_names_them_and_clean_holds_the_originals(
    project: Path,
) -> None:
    done = run_ingest("clean", "in", "--out", "out", "--skip-duplicates", cwd=project)
    err = done.stderr.decode()
    assert done.returncode == 0, err
    assert f"not written: in/zz-copy.txt: the same text as {SEEDS[2].stem}" in err
    assert f"not written: in/zz-edited.txt: nearly the same text as {SEEDS[2].stem}" in err
    assert not any(p.stem.startswith("zz") for p in (project / "out").iterdir())
    # a later run: an article clean/ holds already is the original, under its own key
    (project / "later").mkdir()
    shutil.copy(SEEDS[0], project / "later" / "again.txt")
    done = run_ingest("clean", "later", "--out", "out", cwd=project)
    assert done.returncode == 0, done.stderr.decode()
    record = json.loads((project / "out" / "again.json").read_text("utf-8"))
    assert record["duplicate_of"] == SEEDS[0].stem
    # cleaning an article again is no duplicate of itself
    done = run_ingest("clean", "in", "--out", "out", "--skip-duplicates", cwd=project)
    assert done.returncode == 0, done.stderr.decode()
    assert (project / "out" / f"{SEEDS[2].stem}.txt").exists()
