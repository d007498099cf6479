"""The `ingest` command: a thin layer over the library.

Clean text and machine output go to stdout; logs, progress and errors to stderr.
Exit status: 0 all good, 1 some inputs failed (the rest were written), 2 usage error.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from ingest.errors import IngestError, InputError, InternalError
from ingest.inputs import DEFAULT_MAX_BYTES, ReadOptions, decode_bytes, display_path
from ingest.pipeline import (
    DEFAULT_DOC_TIMEOUT,
    BatchOptions,
    clean_paths,
    clean_text,
    default_jobs,
)
from ingest.repetition import SUGGESTED_CATEGORY, RepetitionOptions
from ingest.rules import CATEGORIES, Ruleset, load_ruleset
from ingest.version import __version__

F = TypeVar("F", bound=Callable[..., Any])

# Messages hold paths, URLs and rule text, which are printed as they are: never read as
# markup ("[bold]x.txt" is a file name). Colour comes from Text styles only.
_err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


def _stdout() -> Console:
    return Console(highlight=False, soft_wrap=True, markup=False)


def _say(label: str, style: str, message: str) -> None:
    _err.print(Text.assemble((label, style), " ", message))


def _error(message: str) -> None:
    _say("error:", "red", message)


def rules_option(func: F) -> F:
    return click.option(
        "--rules",
        "rules_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Rules folder (default: the project's rules/).",
    )(func)


def out_option(help: str) -> Callable[[F], F]:
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path("clean"),
        show_default=True,
        help=help,
    )


doc_timeout_option = click.option(
    "--doc-timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_DOC_TIMEOUT,
    show_default=True,
    help="Seconds one input's extraction and cleaning may take before it fails alone "
    "(0: no limit).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
url_option = click.option(
    "--url", default=None, help="The original address of a single saved page."
)
min_repeats_option = click.option(
    "--min-repeats",
    type=click.IntRange(min=0),
    default=RepetitionOptions().min_articles,
    show_default=True,
    help="Remove a line found verbatim in this many articles of one site (different stories), "
    "in the batch or already in --out (0: keep them).",
)


def _repetition(min_repeats: int) -> RepetitionOptions | None:
    return RepetitionOptions(min_articles=min_repeats) if min_repeats else None


def _load(rules_dir: Path | None) -> Ruleset:
    try:
        return load_ruleset(rules_dir)
    except IngestError as exc:
        raise click.UsageError(str(exc)) from exc


def main() -> None:
    """The console script: the commands, and no traceback whatever happens.

    Inputs fail alone inside the commands; this catches what escapes them (a bug, or a
    failure outside any one input), says what it was and exits 1.
    """
    try:
        cli(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        _err.print("aborted")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _err.print("interrupted")
        sys.exit(130)
    except BrokenPipeError:
        # the reader went away (`ingest ... | head`): nothing left to say to it
        sys.stderr.close()
        sys.exit(1)
    except Exception as exc:
        _error(
            f"internal error ({InternalError.describe(exc)}); a bug in ingest: please report "
            "it with the command that caused it"
        )
        sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ingest")
def cli() -> None:
    """Turn messy news pages and pasted article text into clean text with metadata."""


@cli.command("clean")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@out_option("Where <key>.txt/.json go.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: number of cores).",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Refuse inputs larger than this.",
)
@doc_timeout_option
@url_option
@min_repeats_option
@rules_option
def clean_command(
    paths: tuple[Path, ...],
    out_dir: Path,
    jobs: int | None,
    max_bytes: int,
    doc_timeout: float,
    url: str | None,
    min_repeats: int,
    rules_dir: Path | None,
) -> None:
    """Clean text files and saved pages (default: raw/ into clean/).

    .txt files are pasted article text; .html files are saved pages (with their HTTP record
    when fetched). '-' reads text from stdin and prints the clean text.
    """
    ruleset = _load(rules_dir)
    if paths == (Path("-"),):
        data = sys.stdin.buffer.read(max_bytes + 1)
        try:
            if len(data) > max_bytes:
                raise InputError(
                    "<stdin>",
                    f"is over the {max_bytes:,}-byte limit",
                    "split it, or raise the limit with --max-bytes",
                )
            text, _ = decode_bytes(data, "<stdin>")
            body = clean_text(text, ruleset, doc_timeout or None)
        except IngestError as exc:
            _error(str(exc))
            sys.exit(1)
        sys.stdout.write(body + "\n" if body else "")
        return
    if Path("-") in paths:
        raise click.UsageError("'-' (stdin) cannot be mixed with file paths")
    targets = list(paths) or [Path("raw")]
    if url and not (len(targets) == 1 and targets[0].is_file()):
        raise click.UsageError("--url goes with a single saved page, not folders or several files")
    options = BatchOptions(
        out_dir=out_dir,
        jobs=jobs or default_jobs(),
        doc_timeout=doc_timeout or None,
        read=ReadOptions(max_bytes=max_bytes),
        repetition=_repetition(min_repeats),
    )
    addresses = {targets[0]: url} if url else None
    with _progress("cleaning") as tick:
        report = clean_paths(targets, ruleset, options, addresses=addresses, on_done=tick)
    for outcome in report.failed:
        _error(str(outcome.error))
    ok = len(report.outcomes) - len(report.failed)
    held = sum(o.held_back for o in report.outcomes)
    summary = f"cleaned {ok} of {len(report.outcomes)} into {out_dir}/"
    repeated = [o for o in report.outcomes if o.repeated]
    if repeated:
        summary += (
            f"; {sum(o.repeated for o in repeated)} repeated lines removed from "
            f"{len(repeated)} articles"
        )
    if held:
        summary += f"; {held} removals held back (see held_back in the .json)"
    if report.failed:
        summary += f"; {len(report.failed)} failed"
    _err.print(summary)
    if not report.outcomes:
        _say("warning:", "yellow", "no .txt files found in " + ", ".join(map(str, targets)))
    sys.exit(1 if report.failed else 0)


@cli.command("fetch")
@click.argument("urls", nargs=-1)
@click.option(
    "-i",
    "--input",
    "url_file",
    type=click.File("rb"),
    help="A file of URLs, one per line ('-' for stdin); # comments allowed.",
)
@out_option("Where <key>.txt/.json go.")
@click.option(
    "--raw",
    "raw_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("raw"),
    show_default=True,
    help="Where the page and its HTTP record go.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="Seconds per URL, every retry and wait included.",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that extract and clean pages [default: one per core].",
)
@click.option(
    "--connections",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    help="Requests in flight overall.",
)
@click.option(
    "--per-host",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Requests in flight per host.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="Attempts after the first on connection errors, 5xx and 429.",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=10 * 1024 * 1024,
    show_default=True,
    help="Refuse bodies larger than this (after decompression).",
)
@click.option("--user-agent", default=None, help="The User-Agent header to send.")
@click.option("--ignore-robots", is_flag=True, help="Fetch pages robots.txt disallows.")
@click.option(
    "--refresh", is_flag=True, help="Fetch URLs already in --raw again (a conditional request)."
)
@doc_timeout_option
@min_repeats_option
@rules_option
def fetch_command(
    urls: tuple[str, ...],
    url_file: Any,
    out_dir: Path,
    raw_dir: Path,
    timeout: float,
    jobs: int | None,
    connections: int,
    per_host: int,
    retries: int,
    max_bytes: int,
    user_agent: str | None,
    ignore_robots: bool,
    refresh: bool,
    doc_timeout: float,
    min_repeats: int,
    rules_dir: Path | None,
) -> None:
    """Fetch URLs, keep the pages in raw/ and their clean text in clean/."""
    from ingest.fetch import FetchOptions, fetch_urls, read_url_list

    ruleset = _load(rules_dir)
    # a stray byte in the list spoils one URL (which then fails alone), not the whole list
    listed = url_file.read().decode("utf-8", "replace") if url_file else ""
    wanted = list(urls) + read_url_list(listed)
    if not wanted:
        raise click.UsageError("no URLs: give them as arguments or with -i FILE")
    options = FetchOptions(
        timeout=timeout,
        jobs=jobs,
        connections=connections,
        per_host=per_host,
        retries=retries,
        max_bytes=max_bytes,
        robots=not ignore_robots,
        refresh=refresh,
        raw_dir=raw_dir,
        batch=BatchOptions(
            out_dir=out_dir, doc_timeout=doc_timeout or None, repetition=_repetition(min_repeats)
        ),
    )
    if user_agent:
        options = dataclasses.replace(options, user_agent=user_agent)
    with _progress("fetching") as tick:
        outcomes = fetch_urls(list(dict.fromkeys(wanted)), ruleset, options, on_done=tick)
    failed = [o for o in outcomes if not o.ok]
    for outcome in failed:
        _error(str(outcome.error))
    statuses = ("ok", "completed", "skipped", "unchanged")
    counts = {s: sum(o.status == s for o in outcomes) for s in statuses}
    summary = f"fetched {counts['ok']} of {len(outcomes)} into {raw_dir}/ and {out_dir}/"
    if counts["completed"]:
        summary += f"; {counts['completed']} cleaned from what an earlier run kept in {raw_dir}/"
    if counts["skipped"]:
        summary += f"; {counts['skipped']} already there (--refresh to fetch again)"
    if counts["unchanged"]:
        summary += f"; {counts['unchanged']} unchanged"
    if failed:
        summary += f"; {len(failed)} failed"
    _err.print(summary)
    sys.exit(1 if failed else 0)


@cli.command("diff")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@out_option("Where to look for current <key>.json records.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["marked", "unified"]),
    default="marked",
    show_default=True,
    help="marked: the text with removed spans labelled; unified: a unified diff.",
)
@json_option
@click.option(
    "--baseline-rules",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Compare with this rules folder: the lines one ruleset removes and the other keeps.",
)
@url_option
@rules_option
def diff_command(
    paths: tuple[Path, ...],
    out_dir: Path,
    fmt: str,
    as_json: bool,
    baseline_rules: Path | None,
    url: str | None,
    rules_dir: Path | None,
) -> None:
    """Show what the rules remove from articles (raw files or saved pages).

    With --baseline-rules DIR, show per article the lines that the current rules and DIR's
    rules treat differently, and which articles change: review a rule change before committing.
    """
    from ingest.diff import compare, unified, view_article
    from ingest.inputs import find_inputs

    ruleset = _load(rules_dir)
    baseline = _load(baseline_rules) if baseline_rules else None
    targets, problems = find_inputs(paths)
    if url and len(targets) != 1:
        raise click.UsageError("--url goes with a single saved page")
    out = _stdout()
    failed = len(problems)
    for problem in problems:
        _error(str(problem))
    changed = 0
    records: list[dict[str, Any]] = []
    for path in targets:
        try:
            if baseline is not None:
                comparison = compare(path, ruleset, baseline, url=url)
                changed += comparison.changed
                if as_json:
                    records.append(comparison.to_json())
                else:
                    _print_comparison(out, comparison)
                continue
            view = view_article(path, ruleset, clean_dir=out_dir, url=url)
        except IngestError as exc:
            failed += 1
            _error(str(exc))
            continue
        except Exception as exc:  # never foreseen: this input's error, not the run's end
            failed += 1
            _error(str(InternalError.of(display_path(path), exc)))
            continue
        if as_json:
            records.append(view.to_json())
        elif fmt == "unified":
            out.out(unified(view), end="", highlight=False)
        else:
            _print_marked(out, view)
    if as_json:
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    if baseline is not None:
        _err.print(
            f"{changed} of {len(targets) - failed} articles change between {baseline_rules} "
            f"and {rules_dir or 'the current rules'}" + (f"; {failed} failed" if failed else "")
        )
    sys.exit(1 if failed else 0)


def _print_marked(out: Console, view: Any) -> None:

    from ingest.diff import colour, marked

    origin = "clean/ record" if view.from_record else f"cleaned now; {view.stale}"
    out.print(Text(f"== {view.source} ({origin})", style="bold"))
    for mark in view.page_marks:
        label = f"{mark.rule} · {mark.category}"
        out.print(Text(f"[page] {mark.selector} ({label}): {mark.text[:120]}", style="dim"))
    body = Text()
    for piece, mark in marked(view):
        body.append(piece, style=f"strike {colour(mark.category)}" if mark else "")
    out.print(body)


def _print_comparison(out: Console, comparison: Any) -> None:

    if not comparison.changed:
        return
    out.print(
        Text(
            f"== {comparison.source}: {len(comparison.removed)} lines newly removed, "
            f"{len(comparison.kept)} newly kept",
            style="bold",
        )
    )
    for sign, changes, style in (("-", comparison.removed, "red"), ("+", comparison.kept, "green")):
        for change in changes:
            rules = ", ".join(change.rules) or "?"
            out.print(Text(f"{sign} [{rules}] {change.text}", style=style))


@cli.command("audit")
@click.argument(
    "clean_dir",
    required=False,
    default=Path("clean"),
    type=click.Path(path_type=Path, file_okay=False, exists=True),
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the report, with every article's removals marked, to this file.",
)
@json_option
@click.option(
    "--raw",
    "raw_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("raw"),
    show_default=True,
    help="Where the inputs are, for the report's article texts.",
)
@rules_option
def audit_command(
    clean_dir: Path, html_file: Path | None, as_json: bool, raw_dir: Path, rules_dir: Path | None
) -> None:
    """What every rule did across clean/: hits, articles, words, and the outliers."""
    from ingest.audit import article_views, audit, render_html
    from ingest.output import atomic_write

    ruleset = _load(rules_dir)
    result = audit(clean_dir, ruleset)
    for error in result.errors:
        _error(error)
    if html_file is not None:
        views = article_views(result, ruleset, clean_dir, raw_dir)
        atomic_write(html_file, render_html(result, views).encode("utf-8"))
        _err.print(f"report written to {html_file}")
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        _print_audit(_stdout(), result)
    sys.exit(1 if result.errors else 0)


def _print_audit(out: Console, result: Any) -> None:
    from rich.table import Table

    table = Table(title=f"{len(result.articles)} articles, ruleset {result.ruleset}")
    for name in ("rule", "category"):
        table.add_column(name, no_wrap=True)
    for name in ("hits", "articles", "words"):
        table.add_column(name, justify="right")
    table.add_column("example")
    for rule in result.rules:
        if rule.hits:
            example = rule.example[:60]
            table.add_row(
                rule.rule,
                rule.category,
                str(rule.hits),
                str(rule.articles),
                str(rule.words),
                example,
            )
    out.print(table)
    sections = (
        ("made with other rules (run ingest clean)", [a.key for a in result.stale]),
        ("rules that never fired", result.never_fired),
        (
            "largest removed share",
            [
                f"{a.key} {a.removed_share:.0%} ({a.words_removed} words)"
                for a in result.largest_share
            ],
        ),
        (
            "held back",
            [
                f"{h['key']} {h['rule']} ({h['words']} words"
                + (f", {h['reason']})" if h.get("reason") else ")")
                for h in result.held_back
            ],
        ),
        ("languages", [f"{k} {v}" for k, v in result.languages.items()]),
        ("truncated", [a.key for a in result.truncated]),
    )
    for title, items in sections:
        out.print(f"{title} ({len(items)}): " + (", ".join(items) if items else "none"))


@cli.group("rules")
def rules_group() -> None:
    """List, test and lint the rules."""


@rules_group.command("list")
@json_option
@rules_option
def rules_list(as_json: bool, rules_dir: Path | None) -> None:
    """Every rule: id, category, languages, sites and why."""
    ruleset = _load(rules_dir)
    rows = [
        {
            "id": r.id,
            "category": r.category,
            "scope": r.scope,
            "languages": list(r.languages),
            "sites": list(r.sites),
            "file": r.file,
            "why": r.why,
        }
        for r in ruleset.rules
    ]
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    out = _stdout()
    for rule in ruleset.rules:
        where = f"{','.join(rule.languages)}" + (f" @{','.join(rule.sites)}" if rule.sites else "")
        out.print(
            Text.assemble(
                (rule.id, "bold"), " ", (f"{rule.category} · {where} · {rule.file}", "dim")
            )
        )
        out.print(f"    {rule.why}")
    out.print(f"{len(ruleset.rules)} rules, {ruleset.id}")


@rules_group.command("test")
@rules_option
def rules_test(rules_dir: Path | None) -> None:
    """Run every rule's examples; exit 1 if any fails."""
    from ingest.rulecheck import example_problems

    ruleset = _load(rules_dir)
    problems = example_problems(ruleset)
    for problem in problems:
        _say("fail:", "red", str(problem))
    examples = sum(
        len(r.examples.remove) + len(r.examples.keep) + len(r.examples.cases) for r in ruleset.rules
    )
    _err.print(
        f"{len(ruleset.rules)} rules, {examples} examples: "
        + (f"{len(problems)} failed" if problems else "all pass")
    )
    sys.exit(1 if problems else 0)


@rules_group.command("lint")
@click.option(
    "--corpus",
    "corpora",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="A folder of records (<key>.json written by ingest clean or fetch); repeat it for "
    "several. Reports each rule's removals and sites there, and every generic rule that "
    "removed text on fewer than two sites.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the problems (and with --corpus each rule's evidence) as JSON.",
)
@rules_option
def rules_lint(corpora: tuple[Path, ...], as_json: bool, rules_dir: Path | None) -> None:
    """Every load error at once, slow patterns on adversarial text, ASCII-only classes; with
    --corpus, the generic rules whose evidence comes from fewer than two sites."""
    from ingest.rulecheck import lint

    try:
        ruleset: Ruleset | None = load_ruleset(rules_dir)
    except IngestError:
        ruleset = None
    problems = lint(str(rules_dir) if rules_dir else None, ruleset)
    found = None
    if corpora and ruleset is not None:
        from ingest import evidence

        found = evidence.evidence(corpora, ruleset)
        for error in found.errors:
            _error(error)
        problems += evidence.problems(found)
        if found.stale:
            _say(
                "note:",
                "yellow",
                f"{found.stale} of {found.records} records were made with other rules than "
                "these: clean their inputs again for current evidence",
            )
    if as_json:
        report = {
            "problems": [dataclasses.asdict(p) for p in problems],
            "evidence": found.to_json() if found else None,
        }
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    elif found is not None:
        _print_evidence(_stdout(), found)
    for problem in problems:
        _say("lint:", "yellow", str(problem))
    _err.print(f"{len(problems)} problems" if problems else "no problems")
    sys.exit(1 if problems or (found and found.errors) else 0)


def _print_evidence(out: Console, found: Any) -> None:
    """One line a rule, fewest sites first: plain columns, so a pipe or a file reads them
    as a terminal does."""
    from ingest.evidence import MIN_SITES

    out.print(f"{found.records} records in {', '.join(found.corpora)}, ruleset {found.ruleset}")
    width = max((len(r.rule) for r in found.rules), default=4) + 2
    out.print(f"{'rule':{width}}{'category':15}removals  sites  held back  sites (most first)")
    for rule in found.rules:
        names = [site for site, _ in rule.sites.most_common(3)]
        more = len(rule.sites) - len(names)
        where = ", ".join(names) + (f" and {more} more" if more else "")
        if rule.scoped:
            where = f"(site rule) {where}"
        line = f"{rule.rule:{width}}{rule.category:15}{rule.removals:8}{len(rule.sites):7}"
        out.print(Text(f"{line}{rule.held_back:11}  {where}", style="yellow" if rule.thin else ""))
    out.print(
        f"{len(found.thin)} generic rules removed text on fewer than {MIN_SITES} sites"
        + (f"; rules the ruleset lacks: {found.unknown}" if found.unknown else "")
    )


@rules_group.command("suggest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--site", "sites", multiple=True, help="Only this site (a domain); may be repeated.")
@min_repeats_option
@click.option(
    "--category",
    type=click.Choice(sorted(CATEGORIES)),
    default=SUGGESTED_CATEGORY,
    show_default=True,
    help="The category the proposed rules get (review each one).",
)
@click.option(
    "--write",
    "write_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Write <DIR>/<site>.toml per site (appended to a file already there) instead of "
    "printing; e.g. --write rules/sites.",
)
@rules_option
def rules_suggest(
    paths: tuple[Path, ...],
    sites: tuple[str, ...],
    min_repeats: int,
    category: str,
    write_dir: Path | None,
    rules_dir: Path | None,
) -> None:
    """Propose site rules from lines repeated across a site's articles.

    PATHs are folders of clean output (<key>.json and <key>.txt, as `ingest clean` writes
    them; default clean/) or single records. Prints TOML for rules/sites/<site>.toml, one rule
    per line found verbatim in --min-repeats or more articles of a site, with examples from
    the articles; nothing is written under rules/ unless --write says where.
    """
    from ingest.output import atomic_write
    from ingest.repetition import read_articles, suggest

    ruleset = _load(rules_dir)
    if min_repeats < 2:
        raise click.UsageError("--min-repeats must be 2 or more for suggestions")
    articles, notes = read_articles(list(paths) or [Path("clean")])
    for note in notes:
        _say("skipped:", "yellow", note)
    if not articles:
        where = ", ".join(map(str, paths or [Path("clean")]))
        raise click.UsageError(
            f"no ingest records in {where}: clean the articles first (ingest clean PATH "
            "--out DIR) and suggest from DIR"
        )
    options = RepetitionOptions(min_articles=min_repeats)
    suggestions = suggest(articles, ruleset, options, sites=sites, category=category)
    out = _stdout()
    printed = 0
    for found in suggestions:
        for line in found.skipped:
            _say("not proposed:", "yellow", f"{found.site}: {line}")
        if not found.rules:
            continue
        if write_dir is None:
            out.out(("\n" if printed else "") + found.toml, end="", highlight=False)
            printed += 1
            continue
        target = write_dir / f"{found.site}.toml"
        before = target.read_text(encoding="utf-8") + "\n" if target.is_file() else ""
        atomic_write(target, (before + found.toml).encode("utf-8"))
        _err.print(f"{found.rules} rules written to {target}")
    total = sum(f.rules for f in suggestions)
    grouped = sum(1 for a in articles if a.site)
    sites_with = sum(1 for f in suggestions if f.rules)
    _err.print(
        f"{total} rules proposed for {sites_with} site{'' if sites_with == 1 else 's'} from "
        f"{len(articles)} articles ({grouped} with a site)"
        + ("; review each one, then run ingest rules test" if total else "")
    )


class _progress:
    """A progress bar on a terminal; silence elsewhere (logs and CI stay clean)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Progress | None = None
        self.task: Any = None

    def __enter__(self) -> Callable[[Any], None]:
        if _err.is_terminal:
            self.bar = Progress(
                TextColumn(self.label),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=_err,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=None)
        return self.tick

    def tick(self, outcome: object) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
