"""`ingest clean` as a user runs it: real processes, real files, exit codes, stderr."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest

from .helpers import run_ingest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "raw", tmp_path / "raw")
    return tmp_path


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_clean_defaults_to_raw_into_clean_and_matches_the_committed_clean_folder(
    project: Path,
) -> None:
    """clean/ in the repository is what the tool makes from raw/ and rules/ (not stale)."""
    done = run_ingest("clean", "--rules", str(ROOT / "rules"), cwd=project)
    assert done.returncode == 0, done.stderr.decode()
    made, committed = _tree(project / "clean"), _tree(ROOT / "clean")
    stale = sorted(
        name for name in made.keys() | committed.keys() if made.get(name) != committed.get(name)
    )
    if stale:
        first = stale[0]
        diff = difflib.unified_diff(
            committed.get(first, b"").decode().splitlines(),
            made.get(first, b"").decode().splitlines(),
            f"clean/{first} (committed)",
            f"{first} (made now)",
            lineterm="",
            n=1,
        )
        pytest.fail(
            f"clean/ is stale for {stale}: run `ingest clean` and commit clean/\n" + "\n".join(diff)
        )
    assert b"cleaned 5 of 5" in done.stderr
    assert done.stdout == b""


def test_reruns_are_byte_identical_and_jobs_do_not_change_output(project: Path) -> None:
    first = run_ingest("clean", "--jobs", "1", "--out", "one", cwd=project)
    second = run_ingest("clean", "--jobs", "2", "--out", "two", cwd=project)
    assert first.returncode == second.returncode == 0
    assert _tree(project / "one") == _tree(project / "two")
    assert not [p for p in (project / "one").iterdir() if p.name.startswith(".")], "temp files left"


def test_bad_inputs_fail_alone_with_one_line_errors_and_exit_1(project: Path) -> None:
    bad = project / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (bad / "huge.txt").write_bytes(b"word " * 4000)
    (bad / "latin1.txt").write_bytes(
        "Le président a parlé lundi. Les élèves étaient présents à la cérémonie.\n".encode(
            "latin-1"
        )
    )
    (bad / "good.txt").write_text("A headline here\n\nThe body of the article.\n", encoding="utf-8")
    done = run_ingest(
        "clean",
        "raw",
        str(bad),
        str(project / "missing.txt"),
        "--max-bytes",
        "10000",
        "--out",
        "out",
        cwd=project,
    )
    assert done.returncode == 1
    errors = [ln for ln in done.stderr.decode().splitlines() if ln.startswith("error:")]
    assert len(errors) == 4, done.stderr.decode()
    joined = "\n".join(errors)
    assert "empty.txt: is empty" in joined
    assert "binary.txt: is binary" in joined
    assert "huge.txt: is 20,000 bytes, over the 10,000-byte limit" in joined
    assert "missing.txt: no such file" in joined
    written = sorted(p.name for p in (project / "out").glob("*.txt"))
    assert written == sorted(
        [*(p.name for p in (ROOT / "raw").glob("*.txt")), "good.txt", "latin1.txt"]
    )
    assert "président" in (project / "out" / "latin1.txt").read_text(encoding="utf-8")
    assert "failed" in done.stderr.decode().splitlines()[-1]


def test_stdin_prints_the_clean_text_and_writes_nothing(project: Path) -> None:
    raw = (ROOT / "raw" / "003_ac94be4d393e59e5.txt").read_bytes()
    done = run_ingest("clean", "-", cwd=project, stdin=raw)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == (ROOT / "clean" / "003_ac94be4d393e59e5.txt").read_bytes()
    assert not (project / "clean").exists()


def test_stdin_that_is_empty_is_a_one_line_error(project: Path) -> None:
    done = run_ingest("clean", "-", cwd=project, stdin=b"")
    assert done.returncode == 1
    assert (
        done.stderr.decode().strip()
        == "error: <stdin>: is empty (nothing to clean; remove it from the batch)"
    )


def test_a_broken_ruleset_is_a_usage_error_naming_file_and_rule(project: Path) -> None:
    rules = project / "rules"
    rules.mkdir()
    (rules / "mine.toml").write_text(
        '[[rule]]\nid = "my-rule"\ncategory = "junk"\nwhy = "A test rule for the CLI."\n'
        'pattern = \'(a)\\1\'\nexamples.remove = ["aa"]\nexamples.keep = ["b"]\n',
        encoding="utf-8",
    )
    done = run_ingest("clean", "--rules", str(rules), cwd=project)
    assert done.returncode == 2
    err = done.stderr.decode()
    assert "rule 'my-rule' in mine.toml: pattern is not valid RE2 syntax" in err
    assert not (project / "clean").exists()


def test_same_output_name_twice_is_an_error_for_the_second(project: Path) -> None:
    other = project / "other"
    other.mkdir()
    shutil.copy(ROOT / "raw" / "003_ac94be4d393e59e5.txt", other / "003_ac94be4d393e59e5.txt")
    done = run_ingest("clean", "raw", "other", "--out", "out", cwd=project)
    assert done.returncode == 1
    assert (
        "writes the same 003_ac94be4d393e59e5.txt as raw/003_ac94be4d393e59e5.txt"
        in done.stderr.decode()
    )


def test_metadata_file_has_every_contract_field(project: Path) -> None:
    done = run_ingest("clean", "raw/001_fce61b5b057b4c8c.txt", cwd=project)
    assert done.returncode == 0
    meta = json.loads((project / "clean" / "001_fce61b5b057b4c8c.json").read_text(encoding="utf-8"))
    for field in (
        "title",
        "authors",
        "date",
        "language",
        "language_confidence",
        "site",
        "url",
        "final_url",
        "source",
        "truncated",
        "word_count",
        "raw_sha256",
        "text_sha256",
        "ruleset",
        "tool_version",
        "removed",
    ):
        assert field in meta, field
    assert meta["source"] == "raw/001_fce61b5b057b4c8c.txt"
    removal = meta["removed"][0]
    assert set(removal) >= {"rule", "category", "lines", "text"}
