"""Every input fails alone: a batch mixing bad inputs with good ones writes every good one,
names every bad one, and ends with its summary and exit status 1; never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ingest import BatchOptions, clean_paths, rules_from_toml
from ingest import pipeline as pipeline_module
from ingest.fetch import url_key
from ingest.inputs import find_inputs
from ingest.output import remove_stale_temporaries

from .helpers import MARKER_RULE, fetch_options, misbehaving, run_ingest
from .httpserver import serve

RULES = rules_from_toml(MARKER_RULE)
ARTICLE = (
    "The council approved the new budget on Monday after a long debate.\n\n"
    "MARKER\n\nOfficials said the money would go to schools and roads.\n"
)


def _good(folder: Path, *names: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(ARTICLE, encoding="utf-8")


def _no_traceback(result: subprocess.CompletedProcess[bytes]) -> str:
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    return err


def test_a_batch_of_bad_inputs_writes_the_good_names_the_bad_and_exits_1(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    _good(raw, "good-one.txt", "[bold]good.txt")
    (raw / "[bold]secret.txt").write_bytes(b"")  # empty: an error naming it as it is
    (raw / "a[").mkdir()
    (raw / "a[" / "]x.txt").write_bytes(b"\x00\x01\x02" * 100)  # binary
    (raw / "loop.txt").symlink_to("loop.txt")  # a link to itself
    (raw / "gone.txt").symlink_to("nowhere.txt")
    (raw / "charset.html").write_bytes(
        b'<html><head><meta charset="undefined"></head><body><article><p>'
        + b"The council approved the new budget on Monday after a long debate. " * 5
        + b"</p></article></body></html>"
    )
    (tmp_path / "cycle" / "sub").mkdir(parents=True)
    (tmp_path / "cycle" / "sub" / "back").symlink_to("..")  # a folder link loop: walked once
    _good(tmp_path / "cycle", "inside.txt")
    (tmp_path / "self.txt").symlink_to("self.txt")

    result = run_ingest("clean", "raw", "cycle", "self.txt", "--out", "out", cwd=tmp_path)
    err = _no_traceback(result)
    assert result.returncode == 1, err
    out = tmp_path / "out"
    for key in ("good-one", "[bold]good", "inside", "charset"):
        assert (out / f"{key}.txt").exists(), (key, err)
        assert (out / f"{key}.json").exists()
    for name, reason in (
        ("raw/[bold]secret.txt", "is empty"),
        ("raw/a[/]x.txt", "is binary"),
        ("raw/loop.txt", "leads nowhere"),
        ("raw/gone.txt", "leads nowhere"),
        ("self.txt", "leads nowhere"),
    ):
        lines = [ln for ln in err.splitlines() if ln.startswith(f"error: {name}:")]
        assert len(lines) == 1 and reason in lines[0], (name, err)
    # the three good inputs hold one text: the two later ones are marked as its duplicates
    summary = "cleaned 4 of 9 into out/; 2 duplicates marked (duplicate_of in the .json)"
    assert summary + "; 5 failed" in err


def test_an_input_past_its_deadline_or_memory_or_killing_its_worker_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ("a", "hang", "b", "crash", "c", "oops", "hog")
    _good(tmp_path / "in", *(f"{n}.txt" for n in names))
    # the workers fork from this process, so they clean with the patched function
    misbehave = misbehaving(pipeline_module.clean_input, lambda doc: doc.key)
    monkeypatch.setattr(pipeline_module, "clean_input", misbehave)
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        options = BatchOptions(out_dir=out, jobs=jobs, doc_timeout=2.0)
        started = time.monotonic()
        report = clean_paths([tmp_path / "in"], RULES, options)
        assert time.monotonic() - started < 30
        errors = {Path(o.source).name: str(o.error) for o in report.failed}
        assert set(errors) == {"hang.txt", "crash.txt", "oops.txt", "hog.txt"}, errors
        assert "still being extracted and cleaned after 2 s" in errors["hang.txt"]
        assert "died (signal SIGKILL" in errors["crash.txt"]
        assert "internal error (ZeroDivisionError: a bug)" in errors["oops.txt"]
        assert "a bug in ingest" in errors["oops.txt"]
        assert "needed more than its 2 GiB of memory" in errors["hog.txt"]
        assert sorted(p.name for p in out.iterdir()) == [
            f"{k}.{s}" for k in "abc" for s in ("json", "txt")
        ]


def test_the_command_itself_never_ends_in_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ingest import cli

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(cli, "clean_paths", broken)
    monkeypatch.setattr(sys, "argv", ["ingest", "clean", "nothing-here"])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 1
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: something nobody foresaw)" in err
    assert "Traceback" not in err


def test_audit_names_records_of_the_wrong_shape_and_reports_the_rest(tmp_path: Path) -> None:
    done = run_ingest(
        "clean", str(Path(__file__).parent.parent / "raw"), "--out", "c", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    clean_dir = tmp_path / "c"
    good = json.loads(next(clean_dir.glob("*.json")).read_text(encoding="utf-8"))
    bad = {
        "no-rule": {
            **good,
            "removed": [{k: v for k, v in good["removed"][0].items() if k != "rule"}],
        },
        "count": {**good, "word_count": "abc"},
        "strings": {**good, "removed": ["oops"]},
        "held": {**good, "held_back": [{"rule": "x"}]},
        "list": [1, 2],
    }
    for key, record in bad.items():
        (clean_dir / f"{key}.json").write_text(json.dumps(record), encoding="utf-8")
    (clean_dir / "[red]broken.json").write_text("{", encoding="utf-8")
    for extra in ((), ("--json",), ("--html", "report.html")):
        result = run_ingest("audit", "c", *extra, cwd=tmp_path)
        err = _no_traceback(result)
        assert result.returncode == 1
        named = [ln for ln in err.splitlines() if ln.startswith("error: c/")]
        assert len(named) == 6, err
        assert any("c/[red]broken.json" in ln for ln in named)
        assert any("removed[0] has no 'rule'" in ln for ln in named)
        assert any("'word_count' that is not a whole number" in ln for ln in named)
    report = json.loads(run_ingest("audit", "c", "--json", cwd=tmp_path).stdout)
    assert report["articles"] == len(list(clean_dir.glob("*.json"))) - 6


def test_temporaries_of_killed_runs_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead_pid = int(gone.stdout)
    out = tmp_path / "out"
    out.mkdir()
    stale = out / f".a.txt.{dead_pid}.x1y2z3.tmp"
    live = out / f".b.txt.{os.getpid()}.q9w8e7.tmp"
    for path in (stale, live):
        path.write_bytes(b"half")
    (out / ".hidden.tmp").write_bytes(b"not ours")
    _good(tmp_path / "in", "a.txt")
    report = clean_paths([tmp_path / "in"], RULES, BatchOptions(out_dir=out, jobs=1))
    assert not report.failed
    assert not stale.exists() and live.exists() and (out / ".hidden.tmp").exists()
    assert remove_stale_temporaries(out) == []


def test_unreadable_folders_are_named_not_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _good(tmp_path / "in" / "ok", "a.txt")
    _good(tmp_path / "in" / "locked", "b.txt")
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        # as root (CI) permissions do not lock a folder; the walk sees what a user would
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files, problems = find_inputs([tmp_path / "in"])
    assert [f.name for f in files] == ["a.txt"]
    assert [p.problem for p in problems] == ["cannot be read: Permission denied"]
    assert problems[0].source.endswith("in/locked")


def test_stdin_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    result = run_ingest("clean", "-", "--max-bytes", "100", cwd=tmp_path, stdin=b"x" * 101)
    err = _no_traceback(result)
    assert result.returncode == 1 and "over the 100-byte limit" in err
    for limit in ("60", "0"):  # 0: no deadline
        ok = run_ingest("clean", "-", "--doc-timeout", limit, cwd=tmp_path, stdin=ARTICLE.encode())
        assert ok.returncode == 0 and b"schools and roads" in ok.stdout, ok.stderr


def test_a_fetch_that_cannot_write_leaves_nothing_and_a_kept_page_is_finished(
    tmp_path: Path,
) -> None:
    with serve() as server:
        url = server.url("/article/half")
        key = url_key(url)
        blocker = tmp_path / "clean" / f"{key}.json"
        blocker.mkdir(parents=True)  # a folder where the record should go
        first = run_ingest("fetch", url, cwd=tmp_path)
        err = _no_traceback(first)
        assert first.returncode == 1 and "cannot write" in err, err
        assert not (tmp_path / "raw").exists() or not list((tmp_path / "raw").iterdir())
        assert not (tmp_path / "clean" / f"{key}.txt").exists()

        blocker.rmdir()
        second = run_ingest("fetch", url, cwd=tmp_path)
        assert second.returncode == 0, second.stderr
        assert (tmp_path / "clean" / f"{key}.txt").exists()

        # the clean text lost (a run killed before writing it): the next run finishes it
        # from raw/, without asking the server again
        for suffix in ("txt", "json"):
            (tmp_path / "clean" / f"{key}.{suffix}").unlink()
        hits = server.hits["/article/half"]
        third = run_ingest("fetch", url, cwd=tmp_path)
        assert third.returncode == 0, third.stderr
        assert "1 cleaned from what an earlier run kept in raw/" in third.stderr.decode()
        assert server.hits["/article/half"] == hits
        assert (tmp_path / "clean" / f"{key}.json").exists()


def test_a_hand_edited_http_record_or_a_malformed_url_fails_alone_or_is_ignored(
    tmp_path: Path,
) -> None:
    page = "<html><body><article><p>" + ARTICLE.replace("\n", " ") * 3 + "</p></article></body>"
    _good(tmp_path / "in", "fine.txt")
    for name in ("edited", "plain"):
        (tmp_path / "in" / f"{name}.html").write_text(page, encoding="utf-8")
    (tmp_path / "in" / "edited.http.json").write_text('{"url": ["x"], "final_url": 5}')
    result = run_ingest("clean", "in", "--out", "out", cwd=tmp_path)
    err = _no_traceback(result)
    assert result.returncode == 1
    assert "error: in/edited.http.json: is not a readable HTTP record: its 'url' is not text" in err
    assert "cleaned 2 of 3" in err
    # an address that does not parse gives no site, not a failure
    one = run_ingest("clean", "in/plain.html", "--url", "http://[::1", "--out", "o", cwd=tmp_path)
    assert one.returncode == 0, one.stderr
    meta = json.loads((tmp_path / "o" / "plain.json").read_text(encoding="utf-8"))
    assert meta["site"] is None and meta["url"] == "http://[::1"


def test_a_fetched_page_past_its_deadline_or_memory_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest import fetch as fetch_module

    # the workers fork from this process, so they clean with the patched function
    name_of = lambda doc: doc.source.rsplit("/", 1)[-1]  # noqa: E731
    misbehave = misbehaving(fetch_module.clean_input, name_of)
    monkeypatch.setattr(fetch_module, "clean_input", misbehave)
    with serve() as server:
        urls = [server.url(f"/article/{n}") for n in ("a", "hang", "crash", "oops", "hog", "b")]
        options = fetch_options(
            tmp_path,
            batch=BatchOptions(out_dir=tmp_path / "clean", doc_timeout=2.0),
            timeout=10.0,
            jobs=2,
        )
        outcomes = fetch_module.fetch_urls(urls, RULES, options)
    said = {o.url.rsplit("/", 1)[-1]: str(o.error or "") for o in outcomes}
    assert said["a"] == said["b"] == ""
    assert "still being extracted and cleaned after 2 s" in said["hang"]
    assert "died (signal SIGKILL" in said["crash"]
    assert "internal error (ZeroDivisionError: a bug)" in said["oops"]
    assert "needed more than its 2 GiB of memory" in said["hog"]
    assert sorted(p.name for p in (tmp_path / "raw").iterdir() if p.suffix == ".html") == sorted(
        f"{url_key(u)}.html" for u in urls if u.endswith(("/a", "/b"))
    )


def test_diff_and_rules_fail_alone_and_print_text_as_it_is(tmp_path: Path) -> None:
    _good(tmp_path / "in", "good.txt")
    (tmp_path / "in" / "[bold]bin.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "in" / "undefined.html").write_bytes(
        b'<html><head><meta charset="undefined"></head><body><article><p>'
        + b"The council approved the new budget on Monday after a long debate. " * 5
        + b"</p></article></body></html>"
    )
    result = run_ingest("diff", "in", cwd=tmp_path)
    err = _no_traceback(result)
    assert result.returncode == 1
    assert err.splitlines() == [
        "error: in/[bold]bin.txt: is binary, not text (pass a .txt file (or a saved .html page))"
    ]
    shown = result.stdout.decode()
    assert "== in/good.txt" in shown and "schools and roads" in shown
    assert "== in/undefined.html" in shown and "after a long debate" in shown

    rules = tmp_path / "[dim]rules"
    rules.mkdir()
    why = "A [bold]marker[/] line, [/x] left by a template."
    (rules / "[dim]r.toml").write_text(MARKER_RULE.replace(
        'why = "A test rule that removes a marker line."', f"why = {json.dumps(why)}"
    ))  # fmt: skip
    listed = run_ingest("rules", "list", "--rules", "[dim]rules", cwd=tmp_path)
    shown = _no_traceback(listed) + listed.stdout.decode()
    assert listed.returncode == 0 and why in shown and "· [dim]r.toml" in shown
