"""Where users' tools are: Markdown and JSON Lines output, pages on stdin, a language filter,
and examples in every --help."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest import Record
from ingest.cli import cli
from ingest.markdown import escape, plain, render_paragraphs
from ingest.output import read_body

from .helpers import ROOT, run_ingest

# A page with the structure Markdown keeps: headings, both kinds of list, a quote.
PAGE = """<!DOCTYPE html><html lang="en"><head><title>Harbour plan approved</title>
<link rel="canonical" href="https://news.example.com/2024/harbour-plan"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Harbour plan approved</h1>
<p>The city council approved the new harbour plan on Monday after a debate that lasted most of
the afternoon, with the mayor saying the work would begin in the spring.</p>
<h2>What the plan changes</h2>
<p>The plan moves the ferry terminal to the north quay and turns the old warehouses into
housing, a school and a public library, the council said in a statement.</p>
<ul><li>A new ferry terminal on the north quay</li>
<li>Four hundred homes in the warehouses</li></ul>
<p>Three steps were set out for the first year of the works, in this order:</p>
<ol><li>Dredging the north basin</li><li>Building the terminal</li></ol>
<blockquote><p>This is the largest change to the harbour in a century, and it is overdue.</p>
</blockquote>
<p>Residents will be able to comment on the detailed designs at public meetings in March and
April, and the council will publish the final drawings in the summer.</p>
</article><footer>Copyright 2024 News Example</footer></body></html>"""

ENGLISH = (
    "The city council approved the new harbour plan on Monday after a long debate.\n\n"
    "The plan moves the ferry terminal to the north quay and turns the old warehouses into "
    "housing, a school and a public library, the council said in a statement on Tuesday.\n"
)
FRENCH = (
    "Le conseil municipal a approuvé lundi le nouveau plan du port après un long débat.\n\n"
    "Le plan déplace le terminal des ferries vers le quai nord et transforme les anciens "
    "entrepôts en logements, en école et en bibliothèque, a indiqué le conseil mardi.\n"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "raw", tmp_path / "raw")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "harbour.html").write_text(PAGE, encoding="utf-8")
    return tmp_path


def _ok(done: object) -> str:
    err = done.stderr.decode()  # type: ignore[attr-defined]
    assert done.returncode == 0, err  # type: ignore[attr-defined]
    assert "Traceback" not in err
    return err


def test_markdown_keeps_a_pages_headings_lists_and_quotes_and_the_record_is_the_same(
    project: Path,
) -> None:
    _ok(run_ingest("clean", "pages", "--out", "txt", cwd=project))
    _ok(run_ingest("clean", "pages", "--format", "md", "--out", "md", cwd=project))
    assert not (project / "md" / "harbour.txt").exists()
    md = (project / "md" / "harbour.md").read_text(encoding="utf-8")
    assert "\n## What the plan changes\n" in md
    assert "\n- A new ferry terminal on the north quay\n" in md
    assert "\n1. Dredging the north basin\n\n2. Building the terminal\n" in md
    assert "\n> This is the largest change to the harbour in a century" in md
    assert md.startswith("The city council approved")  # the headline went to the record
    # the same rules, the same record; its hash vouches for the Markdown's plain body
    txt = (project / "txt" / "harbour.txt").read_bytes()
    assert (project / "md" / "harbour.json").read_bytes() == (
        project / "txt" / "harbour.json"
    ).read_bytes()
    assert read_body(project / "md" / "harbour.json") == txt
    record = Record.read(project / "md" / "harbour.json")
    assert record.text_sha256 == hashlib.sha256(txt).hexdigest()


def test_markdown_of_pasted_text_is_its_paragraphs_and_reads_back(project: Path) -> None:
    (project / "notes").mkdir()
    (project / "notes" / "lines.txt").write_text(
        "# 1 in the charts for a week, the song came back on Friday.\n\n"
        "1984. That was the year the plant closed, and the town never forgot it.\n\n"
        "- 5 °C was the coldest night of the month, the weather service said.\n\n"
        "> Quoted without quotation marks, the minister said nothing more.\n",
        encoding="utf-8",
    )
    _ok(run_ingest("clean", "notes", "--format", "md", "--out", "md", "--min-repeats", "0",
                   cwd=project))  # fmt: skip
    md = (project / "md" / "lines.md").read_text(encoding="utf-8")
    assert "\\# 1 in the charts" in md
    assert "1984\\. That was the year" in md
    assert "\\- 5 °C" in md
    assert "\\> Quoted" in md
    _ok(run_ingest("clean", "notes", "--out", "txt", "--min-repeats", "0", cwd=project))
    assert read_body(project / "md" / "lines.json") == (project / "txt" / "lines.txt").read_bytes()
    # diff reads a Markdown folder's record as current, as it reads a .txt one
    done = run_ingest("diff", "notes/lines.txt", "--out", "md", "--json", cwd=project)
    assert json.loads(done.stdout)[0]["from_record"] is True, done.stderr.decode()


@given(
    st.lists(
        st.tuples(
            st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1)
            .map(str.strip)
            .filter(bool),
            st.sampled_from(["", "h2", "h3", "ul", "ol", "quote"]),
        ),
        max_size=8,
    )
)
def test_markdown_reads_back_to_the_plain_body_whatever_the_text(
    paragraphs: list[tuple[str, str]],
) -> None:
    # a page's list items come as trafilatura writes them, after "- "
    texts = [("- " + t if kind in ("ul", "ol") else t) for t, kind in paragraphs]
    texts = [" ".join(t.split()) for t in texts]
    if not all(texts):
        return
    kinds = [kind for _, kind in paragraphs]
    assert plain(render_paragraphs(texts, kinds)) == "\n\n".join(texts)


def test_escape_leaves_ordinary_text_alone() -> None:
    for text in ("The mayor said so.", "5 °C at night", "#hashtag", "-5 degrees", "2024 was"):
        assert escape(text) == text


def _stream(project: Path, fmt: str) -> bytes:
    """The seeds in `fmt` on stdout (the same bytes for one job and two), after writing them
    as txt into txt/ to compare with."""
    _ok(run_ingest("clean", "raw", "--out", "txt", cwd=project))
    one = run_ingest("clean", "raw", "--format", fmt, "--jobs", "1", cwd=project)
    two = run_ingest("clean", "raw", "--format", fmt, "--jobs", "2", cwd=project)
    _ok(one)
    _ok(two)
    assert one.stdout == two.stdout
    return one.stdout


def test_jsonl_is_one_object_an_article_in_input_order_whatever_the_jobs(project: Path) -> None:
    stdout = _stream(project, "jsonl")
    lines = [json.loads(line) for line in stdout.decode().splitlines()]
    keys = sorted(p.stem for p in (project / "raw").glob("*.txt"))
    assert [line["key"] for line in lines] == keys
    for line in lines:
        written = json.loads((project / "txt" / f"{line['key']}.json").read_text("utf-8"))
        assert {k: v for k, v in line.items() if k not in ("key", "text")} == written
        body = (project / "txt" / f"{line['key']}.txt").read_text(encoding="utf-8")
        assert line["text"] + "\n" == body
    # to a file: the same bytes, nothing on stdout, and no clean/ folder made
    to_file = run_ingest("clean", "raw", "--format", "jsonl", "--out", "all.jsonl", cwd=project)
    assert "into all.jsonl" in _ok(to_file)
    assert to_file.stdout == b""
    assert (project / "all.jsonl").read_bytes() == stdout
    assert not (project / "clean").exists()


def test_csv_is_a_header_and_a_row_an_article_that_spreadsheets_read(project: Path) -> None:
    from ingest.stream import CSV_COLUMNS

    stdout = _stream(project, "csv")
    assert stdout.startswith(b"key,schema,title,") and b"\r\n" in stdout
    rows = list(csv.DictReader(io.StringIO(stdout.decode("utf-8"), newline="")))
    assert [row["key"] for row in rows] == sorted(p.stem for p in (project / "raw").glob("*.txt"))
    for row in rows:
        record = json.loads((project / "txt" / f"{row['key']}.json").read_text("utf-8"))
        # every field of the record but its lists of removals and the extracted text
        assert set(record) - set(CSV_COLUMNS) == {"removed", "held_back", "extracted"}
        for field in ("title", "date", "language", "word_count", "text_sha256", "simhash"):
            assert row[field] == ("" if record[field] is None else str(record[field]))
        assert row["authors"] == "; ".join(record["authors"])
        assert row["truncated"] == ("true" if record["truncated"] else "false")
        assert row["removals"] == str(len(record["removed"]))
        body = (project / "txt" / f"{row['key']}.txt").read_text(encoding="utf-8")
        assert row["text"] + "\n" == body  # line breaks inside a quoted cell survive
    # no article: the header alone; one article from stdin: the header and its row
    (project / "empty").mkdir()
    done = run_ingest("clean", "empty", "--format", "csv", cwd=project)
    assert done.stdout == (",".join(CSV_COLUMNS) + "\r\n").encode()
    text = b"The council approved the budget on Monday.\n\nBecome a Patron!\n"
    done = run_ingest("clean", "-", "--format", "csv", stdin=text, cwd=project)
    _ok(done)
    (row,) = csv.DictReader(io.StringIO(done.stdout.decode(), newline=""))
    assert row["key"] == "stdin" and row["text"] == "The council approved the budget on Monday."


def test_jsonl_refuses_a_folder_and_txt_refuses_a_file(project: Path) -> None:
    (project / "out").mkdir()
    done = run_ingest("clean", "raw", "--format", "jsonl", "--out", "out", cwd=project)
    assert done.returncode == 2 and b"is a folder" in done.stderr
    (project / "file.txt").write_text("x", encoding="utf-8")
    done = run_ingest("clean", "raw", "--out", "file.txt", cwd=project)
    assert done.returncode == 2 and b"writes to a folder" in done.stderr


def test_a_page_on_stdin_is_extracted_and_text_stays_text(project: Path) -> None:
    page = PAGE.encode()
    done = run_ingest("clean", "-", stdin=page, cwd=project)
    _ok(done)
    body = done.stdout.decode()
    assert body.startswith("The city council approved the new harbour plan")
    assert "<" not in body and "Copyright 2024 News Example" not in body
    url = "https://www.news.example.com/2024/harbour-plan?utm_source=feed#top"
    done = run_ingest("clean", "-", "--url", url, "--format", "jsonl", stdin=page, cwd=project)
    _ok(done)
    record = json.loads(done.stdout)
    assert record["url"] == url
    assert record["normalized_url"] == "https://www.news.example.com/2024/harbour-plan"
    assert record["site"] == "news.example.com"
    assert record["extractor"].startswith("trafilatura ")
    assert record["title"] == "Harbour plan approved"
    assert record["text"] == body.removesuffix("\n")
    md = run_ingest("clean", "-", "--format", "md", stdin=page, cwd=project)
    assert "\n## What the plan changes\n" in _ok(md) + md.stdout.decode()
    # text that mentions markup is still text
    text = b"The <body> tag holds what a browser shows, the tutorial explained at length.\n"
    done = run_ingest("clean", "-", "--format", "jsonl", stdin=text, cwd=project)
    _ok(done)
    assert json.loads(done.stdout)["extractor"] is None


def test_language_keeps_only_the_languages_asked_and_names_the_others(project: Path) -> None:
    (project / "mixed").mkdir()
    (project / "mixed" / "en.txt").write_text(ENGLISH, encoding="utf-8")
    (project / "mixed" / "fr.txt").write_text(FRENCH, encoding="utf-8")
    done = run_ingest("clean", "mixed", "--out", "out", "--language", "fr,de", cwd=project)
    err = _ok(done)
    assert sorted(p.name for p in (project / "out").iterdir()) == ["fr.json", "fr.txt"]
    assert "not written: mixed/en.txt: in en, not in de, fr (--language)" in err
    assert "cleaned 1 of 2 into out/; 1 not written (named above)" in err
    done = run_ingest("clean", "-", "--language", "en", stdin=FRENCH.encode(), cwd=project)
    assert done.stdout == b"" and b"not written: <stdin>: in fr" in done.stderr
    done = run_ingest("clean", "mixed", "--language", "english", cwd=project)
    assert done.returncode == 2 and b"unknown language code english" in done.stderr


def _commands(group: click.Group, prefix: str = "ingest") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = [(prefix, group)]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix} {name}")
        else:
            found.append((f"{prefix} {name}", command))
    return found


@pytest.mark.parametrize(("name", "command"), _commands(cli), ids=lambda v: str(v))
def test_every_help_ends_with_examples_of_its_own_command(
    name: str, command: click.Command
) -> None:
    assert command.epilog, name
    lines = command.epilog.split("Examples:\n", 1)[1].splitlines()
    assert lines and all(line.strip() for line in lines)
    mine = [line for line in lines if line.strip().startswith(name)]
    assert mine, (name, lines)
