"""The `ingest` command: a thin layer over the library.

Clean text and machine output go to stdout; logs, progress and errors to stderr.
Exit status: 0 all good, 1 some inputs failed (the rest were written), 2 usage error.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ingest import __version__
from ingest.engine import clean
from ingest.errors import IngestError
from ingest.inputs import DEFAULT_MAX_BYTES, ReadOptions, decode_bytes
from ingest.pipeline import BatchOptions, clean_paths, default_jobs
from ingest.rules import Ruleset, load_ruleset

F = TypeVar("F", bound=Callable[..., Any])

_err = Console(stderr=True, highlight=False, soft_wrap=True)


def rules_option(func: F) -> F:
    return click.option(
        "--rules",
        "rules_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Rules folder (default: the project's rules/).",
    )(func)


def _load(rules_dir: Path | None) -> Ruleset:
    try:
        return load_ruleset(rules_dir)
    except IngestError as exc:
        raise click.UsageError(str(exc)) from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ingest")
def main() -> None:
    """Turn messy news pages and pasted article text into clean text with metadata."""


@main.command("clean")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("clean"),
    show_default=True,
    help="Where <key>.txt/.json go.",
)
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
@click.option("--url", default=None, help="The original address of a single saved page.")
@rules_option
def clean_command(
    paths: tuple[Path, ...],
    out_dir: Path,
    jobs: int | None,
    max_bytes: int,
    url: str | None,
    rules_dir: Path | None,
) -> None:
    """Clean text files and saved pages (default: raw/ into clean/).

    .txt files are pasted article text; .html files are saved pages (with their HTTP record
    when fetched). '-' reads text from stdin and prints the clean text.
    """
    ruleset = _load(rules_dir)
    if paths == (Path("-"),):
        data = sys.stdin.buffer.read()
        try:
            text, _ = decode_bytes(data, "<stdin>")
        except IngestError as exc:
            _err.print(f"[red]error:[/] {exc}")
            sys.exit(1)
        result = clean(text, ruleset)
        sys.stdout.write(result.text + "\n" if result.text else "")
        return
    if Path("-") in paths:
        raise click.UsageError("'-' (stdin) cannot be mixed with file paths")
    targets = list(paths) or [Path("raw")]
    if url and not (len(targets) == 1 and targets[0].is_file()):
        raise click.UsageError("--url goes with a single saved page, not folders or several files")
    options = BatchOptions(
        out_dir=out_dir,
        jobs=jobs or default_jobs(),
        read=ReadOptions(max_bytes=max_bytes),
        url=url,
    )
    with _progress("cleaning") as tick:
        report = clean_paths(targets, ruleset, options, on_done=tick)
    for outcome in report.failed:
        _err.print(f"[red]error:[/] {outcome.error}", markup=True)
    ok = len(report.outcomes) - len(report.failed)
    held = sum(o.held_back for o in report.outcomes)
    summary = f"cleaned {ok} of {len(report.outcomes)} into {out_dir}/"
    if held:
        summary += f"; {held} removals held back (see held_back in the .json)"
    if report.failed:
        summary += f"; {len(report.failed)} failed"
    _err.print(summary)
    if not report.outcomes:
        _err.print("[yellow]warning:[/] no .txt files found in " + ", ".join(map(str, targets)))
    sys.exit(1 if report.failed else 0)


@main.command("fetch")
@click.argument("urls", nargs=-1)
@click.option(
    "-i",
    "--input",
    "url_file",
    type=click.File("r", encoding="utf-8"),
    help="A file of URLs, one per line ('-' for stdin); # comments allowed.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("clean"),
    show_default=True,
    help="Where <key>.txt/.json go.",
)
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
@rules_option
def fetch_command(
    urls: tuple[str, ...],
    url_file: Any,
    out_dir: Path,
    raw_dir: Path,
    timeout: float,
    jobs: int,
    per_host: int,
    retries: int,
    max_bytes: int,
    user_agent: str | None,
    ignore_robots: bool,
    refresh: bool,
    rules_dir: Path | None,
) -> None:
    """Fetch URLs, keep the pages in raw/ and their clean text in clean/."""
    from ingest.fetch import FetchOptions, fetch_urls, read_url_list

    ruleset = _load(rules_dir)
    wanted = list(urls) + (read_url_list(url_file.read()) if url_file else [])
    if not wanted:
        raise click.UsageError("no URLs: give them as arguments or with -i FILE")
    options = FetchOptions(
        timeout=timeout,
        jobs=jobs,
        per_host=per_host,
        retries=retries,
        max_bytes=max_bytes,
        robots=not ignore_robots,
        refresh=refresh,
        raw_dir=raw_dir,
        batch=BatchOptions(out_dir=out_dir),
    )
    if user_agent:
        options = dataclasses.replace(options, user_agent=user_agent)
    with _progress("fetching") as tick:
        outcomes = fetch_urls(list(dict.fromkeys(wanted)), ruleset, options, on_done=tick)
    failed = [o for o in outcomes if not o.ok]
    for outcome in failed:
        _err.print(f"[red]error:[/] {outcome.error}")
    counts = {s: sum(o.status == s for o in outcomes) for s in ("ok", "skipped", "unchanged")}
    summary = f"fetched {counts['ok']} of {len(outcomes)} into {raw_dir}/ and {out_dir}/"
    if counts["skipped"]:
        summary += f"; {counts['skipped']} already there (--refresh to fetch again)"
    if counts["unchanged"]:
        summary += f"; {counts['unchanged']} unchanged"
    if failed:
        summary += f"; {len(failed)} failed"
    _err.print(summary)
    sys.exit(1 if failed else 0)


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
