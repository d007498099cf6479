"""The `ingest` command: a thin layer over the library.

Clean text and machine output go to stdout; logs, progress and errors to stderr.
Exit status: 0 all good, 1 some inputs failed (the rest were written), 2 usage error.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from ingest.errors import IngestError, InputError, InternalError
from ingest.inputs import DEFAULT_MAX_BYTES, ReadOptions, decode_bytes, display_path
from ingest.output import FORMATS, STREAM_FORMATS, atomic_file, atomic_write
from ingest.pipeline import (
    DEFAULT_DOC_TIMEOUT,
    BatchOptions,
    clean_one,
    clean_paths,
    default_jobs,
    unwanted_language,
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


def _examples(*lines: str) -> str:
    """A command's help epilog: examples, printed as they are written."""
    return "\b\nExamples:\n" + "\n".join("  " + line for line in lines)


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


def output_options(func: F) -> F:
    """--format and --out, for the commands that write articles."""
    func = click.option(
        "--out",
        "out",
        type=click.Path(path_type=Path, allow_dash=True),
        default=None,
        help="Where <key>.txt (or .md) and <key>.json go [default: clean/]; with --format "
        "jsonl or csv, the file to write [default: stdout].",
    )(func)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="txt",
        show_default=True,
        help="txt: <key>.txt, the body; md: <key>.md, the body as Markdown (headings, lists "
        "and quotes of a page kept); jsonl: one JSON object per article (its record, key and "
        "text); csv: a header, then a row per article (the record's single values and the "
        "text). The rules are the same in every format.",
    )(func)


def _language_codes(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> frozenset[str]:
    if not value:
        return frozenset()
    from ingest.language import known_codes

    codes = frozenset(c.strip().lower() for c in value.split(",") if c.strip())
    unknown = sorted(codes - known_codes())
    if unknown:
        raise click.BadParameter(
            f"unknown language code {', '.join(unknown)}; codes are ISO 639-1 as langdetect "
            "gives them (en, fr, de, zh-cn, …), or und for text whose language cannot be told"
        )
    return codes


skip_duplicates_option = click.option(
    "--skip-duplicates",
    is_flag=True,
    help="Do not keep an article whose text repeats (or nearly) one in --out or earlier in "
    "the batch; without it, such articles are marked (duplicate_of in the .json).",
)
language_option = click.option(
    "--language",
    "languages",
    callback=_language_codes,
    default=None,
    metavar="CODES",
    help="Keep only articles in these languages (e.g. en,fr); the others are named, not written.",
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


@click.group(
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=_examples(
        "ingest clean                    raw/ into clean/",
        "ingest fetch https://example.com/news/a",
        "ingest diff raw/002_4ca84f07905ba047.txt",
        "ingest audit",
        "ingest rules test",
        "ingest COMMAND --help           each command's options and examples",
    ),
)
@click.version_option(__version__, prog_name="ingest")
def cli() -> None:
    """Turn messy news pages and pasted article text into clean text with metadata."""


@cli.command(
    "clean",
    epilog=_examples(
        "ingest clean                              raw/ into clean/",
        "ingest clean notes/ --out cleaned/ --jobs 4",
        "ingest clean page.html --url https://example.com/a --format md",
        "ingest clean raw/ --format jsonl --out articles.jsonl",
        "ingest clean raw/ --format csv --out articles.csv",
        "ingest clean - < article.txt              print the clean text",
        "curl -s https://example.com/a | ingest clean - --url https://example.com/a --format jsonl",
        "ingest clean raw/ --language en,fr --skip-duplicates",
    ),
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, allow_dash=True))
@output_options
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
@language_option
@skip_duplicates_option
@min_repeats_option
@rules_option
def clean_command(
    paths: tuple[Path, ...],
    fmt: str,
    out: Path | None,
    jobs: int | None,
    max_bytes: int,
    doc_timeout: float,
    url: str | None,
    languages: frozenset[str],
    skip_duplicates: bool,
    min_repeats: int,
    rules_dir: Path | None,
) -> None:
    """Clean text files and saved pages (default: raw/ into clean/).

    .txt files are pasted article text; .html files are saved pages (with their HTTP record
    when fetched). '-' reads one article from stdin (a page if it is markup, else text) and
    prints it: the clean text, its Markdown, or its JSON line.
    """
    ruleset = _load(rules_dir)
    if paths == (Path("-"),):
        _clean_stdin(ruleset, fmt, out, max_bytes, doc_timeout, url, languages)
        return
    if Path("-") in paths:
        raise click.UsageError("'-' (stdin) cannot be mixed with file paths")
    targets = list(paths) or [Path("raw")]
    if url and not (len(targets) == 1 and targets[0].is_file()):
        raise click.UsageError(
            "--url goes with a single saved page or '-', not folders or several files"
        )
    addresses = {targets[0]: url} if url else None
    with _batch_folder(fmt, out) as folder:
        options = BatchOptions(
            out_dir=folder,
            jobs=jobs or default_jobs(),
            doc_timeout=doc_timeout or None,
            read=ReadOptions(max_bytes=max_bytes),
            repetition=_repetition(min_repeats),
            format="md" if fmt == "md" else "txt",
            languages=languages,
            skip_duplicates=skip_duplicates,
        )
        with _progress("cleaning") as tick:
            report = clean_paths(targets, ruleset, options, addresses=addresses, on_done=tick)
        if fmt in STREAM_FORMATS:
            keys = [o.key for o in report.outcomes if o.written and o.key]
            _write_stream(fmt, keys, folder, out)
    for outcome in report.outcomes:
        if outcome.error is not None:
            _error(str(outcome.error))
        elif outcome.not_written is not None:
            _say("not written:", "yellow", f"{outcome.source}: {outcome.not_written}")
    written = sum(o.written for o in report.outcomes)
    held = sum(o.held_back for o in report.outcomes)
    summary = f"cleaned {written} of {len(report.outcomes)} into {_where(fmt, out)}"
    repeated = [o for o in report.outcomes if o.repeated]
    if repeated:
        summary += (
            f"; {sum(o.repeated for o in repeated)} repeated lines removed from "
            f"{len(repeated)} articles"
        )
    if held:
        summary += f"; {held} removals held back (see held_back in the .json)"
    summary += _not_written(report.outcomes)
    if report.failed:
        summary += f"; {len(report.failed)} failed"
    _err.print(summary)
    if not report.outcomes:
        _say("warning:", "yellow", "no .txt files found in " + ", ".join(map(str, targets)))
    sys.exit(1 if report.failed else 0)


def _clean_stdin(
    ruleset: Ruleset,
    fmt: str,
    out: Path | None,
    max_bytes: int,
    doc_timeout: float,
    url: str | None,
    languages: frozenset[str],
) -> None:
    """`ingest clean -`: one article from stdin, a page if it reads as markup, printed."""
    from ingest import stream
    from ingest.inputs import Document, decode_page, starts_as_page

    data = sys.stdin.buffer.read(max_bytes + 1)
    try:
        if len(data) > max_bytes:
            raise InputError(
                "<stdin>",
                f"is over the {max_bytes:,}-byte limit",
                "split it, or raise the limit with --max-bytes",
            )
        page = starts_as_page(data)
        decode = decode_page(data, "<stdin>", None) if page else decode_bytes(data, "<stdin>")
        doc = Document("<stdin>", "stdin", data, *decode, is_html=page)
        cleaned = clean_one(doc, ruleset, doc_timeout or None, url=url)
    except IngestError as exc:
        _error(str(exc))
        sys.exit(1)
    unwanted = unwanted_language(cleaned.record, languages)
    if unwanted is not None:
        _say("not written:", "yellow", f"<stdin>: {unwanted}")
        return
    if fmt in STREAM_FORMATS:
        written = stream.single(fmt, "stdin", cleaned.record, cleaned.result.text)
    else:
        written = cleaned.files(fmt)[0]
    if out is not None and str(out) != "-":
        atomic_write(out, written)
    else:
        sys.stdout.buffer.write(written)


def _batch_folder(fmt: str, out: Path | None) -> contextlib.AbstractContextManager[Path]:
    """The folder a batch writes its articles to: --out (clean/) for txt and md; for jsonl and
    csv a temporary one, whose articles then go to --out's file or stdout in input order."""
    if fmt not in STREAM_FORMATS:
        if out is not None and (str(out) == "-" or out.is_file()):
            raise click.UsageError(f"--out {out}: --format {fmt} writes to a folder")
        return contextlib.nullcontext(out or Path("clean"))
    if out is not None and out.is_dir():
        raise click.UsageError(f"--out {out} is a folder: --format {fmt} writes one file")
    return _temporary_folder()


@contextlib.contextmanager
def _temporary_folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="ingest-") as folder:
        yield Path(folder)


def _write_stream(fmt: str, keys: list[str], folder: Path, out: Path | None) -> None:
    from ingest import stream

    if out is None or str(out) == "-":
        stream.write(fmt, keys, folder, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    with atomic_file(out) as handle:
        stream.write(fmt, keys, folder, handle)


def _where(fmt: str, out: Path | None) -> str:
    if fmt in STREAM_FORMATS:
        return "stdout" if out is None or str(out) == "-" else str(out)
    return f"{out or Path('clean')}/"


@cli.command(
    "fetch",
    epilog=_examples(
        "ingest fetch https://example.com/news/a https://example.com/news/b",
        "ingest fetch -i urls.txt --jobs 4 --per-host 1",
        "ingest fetch --feed https://example.com/rss.xml --url-filter https://example.com/news/",
        "ingest fetch --feed https://example.com/ --sitemap https://example.com/ --list",
        "ingest fetch --sitemap https://example.com/sitemap.xml --format jsonl --out day.jsonl",
        "ingest fetch https://example.com/a --refresh       fetch again if it changed",
    ),
)
@click.argument("urls", nargs=-1)
@click.option(
    "-i",
    "--input",
    "url_file",
    type=click.File("rb"),
    help="A file of URLs, one per line ('-' for stdin); # comments allowed.",
)
@click.option(
    "--feed",
    "feeds",
    multiple=True,
    metavar="URL",
    help="An RSS or Atom feed, or a page linking to feeds (a site's home page): fetch the "
    "articles listed (may be repeated).",
)
@click.option(
    "--sitemap",
    "sitemaps",
    multiple=True,
    metavar="URL",
    help="A sitemap or sitemap index, or a site's home page (the sitemaps its robots.txt "
    "names, else the usual places): fetch the pages listed (may be repeated).",
)
@click.option(
    "--url-filter",
    "url_filters",
    multiple=True,
    metavar="PREFIX",
    help="Of the addresses feeds and sitemaps list, only those starting with PREFIX (may be "
    "repeated).",
)
@click.option(
    "--list",
    "list_only",
    is_flag=True,
    help="Print the addresses that would be fetched, one a line, each page once; fetch none.",
)
@output_options
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
@language_option
@skip_duplicates_option
@min_repeats_option
@rules_option
def fetch_command(
    urls: tuple[str, ...],
    url_file: Any,
    feeds: tuple[str, ...],
    sitemaps: tuple[str, ...],
    url_filters: tuple[str, ...],
    list_only: bool,
    fmt: str,
    out: Path | None,
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
    languages: frozenset[str],
    skip_duplicates: bool,
    min_repeats: int,
    rules_dir: Path | None,
) -> None:
    """Fetch URLs, keep the pages in raw/ and their clean text in clean/."""
    from ingest.fetch import FetchOptions, discover_urls, fetch_urls, read_url_list

    ruleset = _load(rules_dir)
    # a stray byte in the list spoils one URL (which then fails alone), not the whole list
    listed = url_file.read().decode("utf-8", "replace") if url_file else ""
    wanted = list(urls) + read_url_list(listed)
    if url_filters and not (feeds or sitemaps):
        raise click.UsageError("--url-filter goes with --feed or --sitemap")
    if not (wanted or feeds or sitemaps):
        raise click.UsageError("no URLs: give them as arguments, with -i FILE, --feed or --sitemap")
    unread = 0
    if feeds or sitemaps:
        listing = FetchOptions(
            timeout=timeout, retries=retries, max_bytes=max_bytes, robots=not ignore_robots
        )
        if user_agent:
            listing = dataclasses.replace(listing, user_agent=user_agent)
        discovery = discover_urls(feeds, sitemaps, listing, url_filter=url_filters)
        for problem in discovery.errors:
            _error(str(problem))
        unread = len(discovery.errors)
        read = len(feeds) + len(sitemaps) - unread
        listings = "feed or sitemap" if read == 1 else "feeds and sitemaps"
        _err.print(
            f"{len(discovery.urls)} addresses from {read} {listings}"
            + (f"; {unread} could not be read" if unread else "")
        )
        wanted += discovery.urls
        if not wanted:
            sys.exit(1 if unread else 0)
    if list_only:
        from ingest.urls import distinct

        sys.stdout.write("".join(f"{url}\n" for url in distinct(wanted).values()))
        sys.exit(1 if unread else 0)
    with _batch_folder(fmt, out) as folder:
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
                out_dir=folder,
                doc_timeout=doc_timeout or None,
                repetition=_repetition(min_repeats),
                format="md" if fmt == "md" else "txt",
                languages=languages,
                skip_duplicates=skip_duplicates,
            ),
        )
        if user_agent:
            options = dataclasses.replace(options, user_agent=user_agent)
        with _progress("fetching") as tick:
            outcomes = fetch_urls(list(dict.fromkeys(wanted)), ruleset, options, on_done=tick)
        if fmt in STREAM_FORMATS:
            written = [o.key for o in outcomes if o.key and o.written]
            _write_stream(fmt, written, folder, out)
    failed = [o for o in outcomes if not o.ok]
    for outcome in outcomes:
        if outcome.error is not None:
            _error(str(outcome.error))
        elif outcome.not_written is not None:
            _say("not written:", "yellow", f"{outcome.url}: {outcome.not_written}")
    statuses = ("ok", "completed", "skipped", "unchanged")
    counts = {s: sum(o.status == s for o in outcomes) for s in statuses}
    where = f"{raw_dir}/ and {_where(fmt, out)}"
    summary = f"fetched {counts['ok']} of {len(outcomes)} into {where}"
    if counts["completed"]:
        summary += f"; {counts['completed']} cleaned from what an earlier run kept in {raw_dir}/"
    if counts["skipped"]:
        summary += f"; {counts['skipped']} already there (--refresh to fetch again)"
    if counts["unchanged"]:
        summary += f"; {counts['unchanged']} unchanged"
    summary += _not_written(outcomes)
    if failed:
        summary += f"; {len(failed)} failed"
    _err.print(summary)
    sys.exit(1 if failed or unread else 0)


def _not_written(outcomes: Sequence[Any]) -> str:
    """What a summary says of the articles not kept and the duplicates marked."""
    said = ""
    marked = sum(o.duplicate_of is not None and o.not_written is None for o in outcomes)
    if marked:
        said += f"; {marked} duplicates marked (duplicate_of in the .json)"
    skipped = sum(o.not_written is not None for o in outcomes)
    if skipped:
        said += f"; {skipped} not written (named above)"
    return said


@cli.command(
    "diff",
    epilog=_examples(
        "ingest diff raw/002_4ca84f07905ba047.txt        the text, each removal marked",
        "ingest diff raw/ --format unified | less",
        "ingest diff page.html --url https://example.com/a --json",
        "ingest diff raw/ --baseline-rules ../rules-before    what a rule change does",
    ),
)
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


@cli.command(
    "audit",
    epilog=_examples(
        "ingest audit                              every rule's work across clean/",
        "ingest audit clean/ --html report.html    each article with its removals marked",
        "ingest audit --json | jq '.duplicates'",
    ),
)
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
        ("duplicates", [f"{a.key} (of {a.duplicate_of})" for a in result.duplicates]),
    )
    for title, items in sections:
        out.print(f"{title} ({len(items)}): " + (", ".join(items) if items else "none"))


@cli.group(
    "rules",
    epilog=_examples(
        "ingest rules test",
        "ingest rules lint --corpus clean/",
        "ingest rules suggest clean/ --site example.com",
    ),
)
def rules_group() -> None:
    """List, test and lint the rules."""


@rules_group.command(
    "list",
    epilog=_examples(
        "ingest rules list",
        "ingest rules list --json | jq '.[] | select(.category == \"paywall\") | .id'",
    ),
)
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


@rules_group.command(
    "test",
    epilog=_examples(
        "ingest rules test                          the project's rules",
        "ingest rules test --rules my-rules/",
    ),
)
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


@rules_group.command(
    "lint",
    epilog=_examples(
        "ingest rules lint",
        "ingest rules lint --corpus clean/ --corpus other-clean/   evidence: sites per rule",
    ),
)
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


@rules_group.command(
    "suggest",
    epilog=_examples(
        "ingest rules suggest clean/                 print proposed site rules",
        "ingest rules suggest clean/ --site example.com --write rules/sites",
    ),
)
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
