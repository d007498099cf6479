"""Lines repeated across a site's articles: removed after the batch, with evidence; proposed
as site rules by `ingest rules suggest`."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest import BatchOptions, Ruleset, clean_paths, load_ruleset, rules_from_toml
from ingest.audit import audit
from ingest.diff import view_article
from ingest.fetch import fetch_urls, url_key
from ingest.inputs import Document
from ingest.pipeline import clean_repeated
from ingest.repetition import (
    CATEGORY,
    RULE_ID,
    Article,
    Repeats,
    RepetitionOptions,
    find_repeated,
    read_articles,
    suggest,
)
from ingest.rulecheck import example_problems

from .helpers import ROOT, fetch_options, run_ingest
from .repetition_corpus import (
    COURIER,
    COURIER_LINES,
    CROSS_LINE,
    GAZETTE,
    GAZETTE_LINES,
    PAIR_LINE,
    courier_pages,
    fire_paragraphs,
    write_corpus,
    write_pastes,
)


def _clean(raw: Path, out: Path, ruleset: Ruleset, jobs: int = 1) -> None:
    report = clean_paths([raw], ruleset, BatchOptions(out_dir=out, jobs=jobs))
    assert not report.failed, [o.error for o in report.failed]


def _record(out: Path, key: str) -> dict[str, Any]:
    record: dict[str, Any] = json.loads((out / f"{key}.json").read_text(encoding="utf-8"))
    return record


def _body(out: Path, key: str) -> str:
    return (out / f"{key}.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, ruleset: Ruleset) -> tuple[Path, Path]:
    """Both sites' pages and three pastes in raw/, cleaned into clean/ (two workers)."""
    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root / "raw")
    write_pastes(root / "raw")
    _clean(root / "raw", root / "clean", ruleset, jobs=2)
    return root / "raw", root / "clean"


def test_a_line_on_every_page_of_a_site_leaves_with_the_other_pages_as_evidence(
    corpus: tuple[Path, Path], ruleset: Ruleset
) -> None:
    raw, out = corpus
    sites = write_corpus(raw)
    for key, site in sites.items():
        lines = COURIER_LINES if site == COURIER else GAZETTE_LINES
        body = _body(out, key)
        assert not any(line in body for line in lines), key
        removed = [r for r in _record(out, key)["removed"] if r["rule"] == RULE_ID]
        assert sorted(r["text"] for r in removed) == sorted(lines), key
        others = sorted(k for k, s in sites.items() if s == site and k != key)
        for removal in removed:
            assert removal["category"] == CATEGORY
            assert removal["evidence"] == {"articles": len(others), "keys": others}
        # `ingest diff` shows the record's removals at their places in the page's text
        view = view_article(raw / f"{key}.html", ruleset, clean_dir=out)
        assert view.from_record
        for mark in view.marks:
            if mark.rule == RULE_ID:
                assert mark.span is not None
                assert view.text[mark.span[0] : mark.span[1]] == mark.text
                assert view.text.split("\n")[mark.lines[0] - 1].strip() == mark.text


def test_lines_that_are_not_a_sites_boilerplate_stay(corpus: tuple[Path, Path]) -> None:
    _, out = corpus
    # two stories (the budget story was fetched twice, under two addresses)
    for key in ("courier-budget", "courier-budget-print", "courier-strike"):
        assert PAIR_LINE in _body(out, key)
    # three pages, but two sites
    for key in ("courier-flood", "courier-library", "gazette-tram"):
        assert CROSS_LINE in _body(out, key)
    # one story in three versions: its paragraphs are on three pages of the site
    for version, paragraphs in enumerate(fire_paragraphs(), start=1):
        body = _body(out, f"gazette-incendie-{version}")
        assert all(p in body for p in paragraphs)
    # pasted text has no site: nothing to group it with
    for name in ("budget", "strike", "flood"):
        body = _body(out, f"pasted-{name}")
        assert all(line in body for line in COURIER_LINES)
        assert not any(r["rule"] == RULE_ID for r in _record(out, f"pasted-{name}")["removed"])


def test_output_is_the_same_for_any_number_of_jobs_and_on_a_rerun(
    corpus: tuple[Path, Path], ruleset: Ruleset, tmp_path: Path
) -> None:
    raw, two = corpus
    _clean(raw, tmp_path / "one", ruleset, jobs=1)
    rerun = tmp_path / "rerun"
    shutil.copytree(two, rerun)
    _clean(raw, rerun, ruleset, jobs=2)
    names = sorted(p.name for p in two.iterdir())
    assert names == sorted(p.name for p in (tmp_path / "one").iterdir())
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (two / name).read_bytes(), name
        assert (rerun / name).read_bytes() == (two / name).read_bytes(), name


def test_records_already_in_the_output_folder_count(ruleset: Ruleset, tmp_path: Path) -> None:
    write_corpus(tmp_path / "all")
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, keys in (
        (first, ["courier-budget", "courier-strike"]),
        (second, ["courier-flood"]),
    ):
        folder.mkdir()
        for key in keys:
            for suffix in (".html", ".http.json"):
                shutil.copy(tmp_path / "all" / f"{key}{suffix}", folder)
    out = tmp_path / "clean"
    _clean(first, out, ruleset)  # two stories: the site's lines stay
    assert all(line in _body(out, "courier-budget") for line in COURIER_LINES)
    _clean(second, out, ruleset)  # a third story: now they are the site's
    assert not any(line in _body(out, "courier-flood") for line in COURIER_LINES)
    evidence = [r["evidence"] for r in _record(out, "courier-flood")["removed"] if "evidence" in r]
    assert evidence == [{"articles": 2, "keys": ["courier-budget", "courier-strike"]}] * 2
    # the records this batch did not clean are left as they were
    assert all(line in _body(out, "courier-budget") for line in COURIER_LINES)
    # `ingest audit` counts the removals like any rule's
    stats = {r.rule: r for r in audit(out, ruleset).rules}
    assert (stats[RULE_ID].hits, stats[RULE_ID].articles) == (2, 1)


def test_min_repeats_zero_keeps_every_line(ruleset: Ruleset, tmp_path: Path) -> None:
    write_corpus(tmp_path / "raw")
    report = clean_paths(
        [tmp_path / "raw"], ruleset, BatchOptions(out_dir=tmp_path / "out", repetition=None)
    )
    assert not report.failed and not any(o.repeated for o in report.outcomes)
    assert all(line in _body(tmp_path / "out", "courier-flood") for line in COURIER_LINES)


def test_ingest_clean_says_how_many_repeated_lines_went_and_min_repeats_0_keeps_them(
    tmp_path: Path,
) -> None:
    write_corpus(tmp_path / "raw")
    done = run_ingest("clean", "--jobs", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert b"22 repeated lines removed from 11 articles" in done.stderr
    kept = run_ingest("clean", "--out", "kept", "--min-repeats", "0", cwd=tmp_path)
    assert kept.returncode == 0 and b"repeated" not in kept.stderr, kept.stderr.decode()
    assert COURIER_LINES[0] in (tmp_path / "kept" / "courier-flood.txt").read_text("utf-8")


def _article(key: str, site: str | None, *lines: str) -> Article:
    return Article(key, site, lines)


_PROSE = [
    f"Story {n} says the council met on {day} and voted on the plan for the new bridge."
    for n, day in enumerate(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"))
]


def test_find_repeated_counts_stories_within_one_site() -> None:
    tagline = "Read more local news every morning."
    articles = [
        _article("a", "x.com", _PROSE[0], tagline, "Only on two."),
        _article("b", "x.com", _PROSE[1], tagline, "Only on two."),
        _article("b-copy", "x.com", _PROSE[1], tagline, "Only on two."),  # fetched twice
        _article("c", "x.com", _PROSE[2], tagline, "Also on y.com."),
        _article("d", "y.com", _PROSE[3], "Also on y.com."),
        _article("e", None, _PROSE[4], tagline),
    ]
    found = find_repeated(articles)
    assert found == {"x.com": {tagline: ("a", "b", "b-copy", "c")}}
    assert find_repeated(articles, RepetitionOptions(min_articles=4)) == {}


def test_a_story_and_its_updates_are_one_story() -> None:
    story = [f"Paragraph {n} of the fire story, with enough words to be prose." for n in range(6)]
    versions = [_article(f"fire-{n}", "x.com", *story[: 2 + n]) for n in range(4)]
    other = [_article("other", "x.com", _PROSE[0])]
    assert find_repeated([*versions, *other]) == {}
    # a short article made mostly of the site's lines does not hide the others' stories
    tagline = "Read more local news every morning."
    short = _article("0-short", "x.com", tagline, "Brief.")
    rest = [_article(k, "x.com", _PROSE[i], tagline) for i, k in enumerate("abc")]
    assert find_repeated([short, *rest]) == {"x.com": {tagline: ("0-short", "a", "b", "c")}}


_GUARD_RULES = """
[[rule]]
id = "test-promo-block"
category = "related-links"
why = "A test rule: a promotion block of forty words."
pattern = '^PROMO .*$'
examples.remove = ["PROMO one two"]
examples.keep = ["Not a promo"]
"""


def _pasted(text: str) -> Document:
    return Document("in.txt", "in", text.encode(), text, "utf-8")


def test_the_guard_holds_back_repeated_lines_that_are_most_of_an_article() -> None:
    rules = rules_from_toml(_GUARD_RULES)
    lines = tuple(f"Site line {n} with some words of the site's own furniture." for n in range(6))
    text = "\n\n".join(["A short article of a few words.", *lines])
    repeats = Repeats("x.com", lines, tuple((line, 3, ("a", "b", "c")) for line in lines))
    result, meta = clean_repeated(_pasted(text), rules, repeats, url="https://x.com/a")
    assert [h.rule for h in result.held_back] == [RULE_ID]
    assert all(line in result.text for line in lines)
    assert meta.held_back[0].rule == RULE_ID


def test_repeated_lines_never_cost_an_article_another_rules_removal() -> None:
    # The promo (42 words) is 40 % of the article: applied alone. With the repeated lines
    # (36 words) the large removals together would take 75 %, and the guard would hold back
    # both: the article is cleaned as before, and the repeated lines are what is held back.
    rules = rules_from_toml(_GUARD_RULES)
    promo = "PROMO " + " ".join(["word"] * 41)
    lines = tuple(f"Site line {n} with six words." for n in range(6))
    prose = " ".join(["Article"] * 27)
    text = "\n\n".join([prose, promo, *lines])
    repeats = Repeats("x.com", lines, tuple((line, 3, ("a", "b", "c")) for line in lines))
    result, meta = clean_repeated(_pasted(text), rules, repeats, url="https://x.com/a")
    assert [r.rule for r in result.removals] == ["test-promo-block"]
    assert [h.rule for h in result.held_back] == [RULE_ID]
    assert all(line in result.text for line in lines) and "PROMO" not in result.text
    assert not any(r.evidence for r in meta.removed)


def test_suggested_rules_load_and_pass_their_examples(
    corpus: tuple[Path, Path], ruleset: Ruleset
) -> None:
    _, out = corpus
    articles, notes = read_articles([out])
    assert not notes and len(articles) == 14
    found = {s.site: s for s in suggest(articles, ruleset)}
    assert sorted(found) == [GAZETTE, COURIER]
    for site, lines in ((COURIER, COURIER_LINES), (GAZETTE, GAZETTE_LINES)):
        rules = rules_from_toml(found[site].toml, f"{site}.toml")
        assert not example_problems(rules)
        assert sorted(r.examples.remove[0] for r in rules.rules) == sorted(lines)
        body = " ".join(_body(out, a.key) for a in articles if a.site == site)
        for rule in rules.rules:
            assert rule.sites == (site,) and rule.category == "navigation"
            assert rule.languages == ("en",) if site == COURIER else ("fr",)
            # keep examples: the site's own sentences, sharing words with the line
            for keep in rule.examples.keep:
                assert keep in body
    # nothing that is not a site's boilerplate is proposed
    text = found[COURIER].toml + found[GAZETTE].toml
    assert PAIR_LINE not in text and CROSS_LINE not in text
    assert not any(p in text for p in fire_paragraphs()[-1])


def test_suggested_rules_match_lines_as_the_articles_print_them(ruleset: Ruleset) -> None:
    written = "Lire aussi\u00a0: nos enquêtes sur la métropole (2/3)"
    line = " ".join(written.split())
    articles = [
        Article(k, "x.fr", (_PROSE[i], line), "fr", written=((line, written),))
        for i, k in enumerate("abc")
    ]
    (found,) = suggest(articles, ruleset)
    rules = rules_from_toml(found.toml)
    (rule,) = rules.rules
    assert rule.examples.remove == (written,) and rule.pattern is not None
    assert "aussi[\\pZ\\t]+: nos" in rule.pattern and "\\(2/3\\)" in rule.pattern
    assert not example_problems(rules)
    # no sentence shares a word with the line: the site's first sentence
    assert rule.examples.keep == (_PROSE[0],)


def test_rules_suggest_writes_site_files_that_the_ruleset_loads(
    corpus: tuple[Path, Path], tmp_path: Path
) -> None:
    _, out = corpus
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    site_files = sorted((rules / "sites").glob("*.toml"))  # the project's own site rules
    printed = run_ingest("rules", "suggest", str(out), "--rules", str(rules), cwd=tmp_path)
    assert printed.returncode == 0, printed.stderr.decode()
    assert sorted((rules / "sites").glob("*.toml")) == site_files  # printed, not written
    assert rules_from_toml(printed.stdout.decode(), "printed.toml").rules
    written = run_ingest(
        "rules", "suggest", str(out), "--rules", str(rules), "--write", str(rules / "sites"),
        cwd=tmp_path,
    )  # fmt: skip
    assert written.returncode == 0, written.stderr.decode()
    assert (rules / "sites" / f"{COURIER}.toml").is_file()
    tested = run_ingest("rules", "test", "--rules", str(rules), cwd=tmp_path)
    assert tested.returncode == 0, tested.stderr.decode()
    loaded = load_ruleset(rules)
    assert sum(r.sites == (COURIER,) for r in loaded.rules) == len(COURIER_LINES)
    # once the site's rules are there, its lines are not proposed again
    again = run_ingest("rules", "suggest", str(out), "--rules", str(rules), cwd=tmp_path)
    assert again.returncode == 0 and not again.stdout.strip(), again.stdout.decode()
    assert b"a rule of the site already removes it" in again.stderr


def test_rules_suggest_says_when_a_folder_holds_no_records(tmp_path: Path) -> None:
    write_pastes(tmp_path / "raw")
    done = run_ingest("rules", "suggest", "raw", cwd=tmp_path)
    assert done.returncode == 2
    assert b"no ingest records in raw" in done.stderr and b"ingest clean" in done.stderr


@pytest.fixture
def site_files(tmp_path: Path) -> Iterator[str]:
    """The Courier's pages served as files by a real HTTP server on 127.0.0.1."""
    folder = tmp_path / "site"
    folder.mkdir()
    for key, (_, page) in courier_pages().items():
        if key != "courier-budget-print":
            (folder / f"{key}.html").write_text(page, encoding="utf-8")
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def test_fetch_removes_the_lines_repeated_across_the_pages_it_fetched(
    site_files: str, ruleset: Ruleset, tmp_path: Path
) -> None:
    urls = [f"{site_files}/courier-{name}.html" for name in ("budget", "strike", "flood")]
    options = fetch_options(tmp_path)
    outcomes = fetch_urls(urls, ruleset, options)
    assert all(o.status == "ok" for o in outcomes), [o.error for o in outcomes]
    keys = [url_key(url) for url in urls]
    for key in keys:
        body = _body(tmp_path / "clean", key)
        assert not any(line in body for line in COURIER_LINES) and len(body.split()) > 100
        removed = [r for r in _record(tmp_path / "clean", key)["removed"] if "evidence" in r]
        others = sorted(k for k in keys if k != key)
        assert [r["evidence"]["keys"] for r in removed] == [others, others]
