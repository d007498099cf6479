"""The `ingest` command: a thin layer over the library.

Clean text and machine output go to stdout; logs, progress and errors to stderr.
Exit status: 0 all good, 1 some inputs failed (the rest were written), 2 usage error.
"""

from __future__ import annotations

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
from ingest.pipeline import BatchOptions, Outcome, clean_paths, default_jobs
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
@rules_option
def clean_command(
    paths: tuple[Path, ...],
    out_dir: Path,
    jobs: int | None,
    max_bytes: int,
    rules_dir: Path | None,
) -> None:
    """Clean text files (default: raw/ into clean/). '-' reads stdin and prints the clean text."""
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
    options = BatchOptions(
        out_dir=out_dir, jobs=jobs or default_jobs(), read=ReadOptions(max_bytes=max_bytes)
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


class _progress:
    """A progress bar on a terminal; silence elsewhere (logs and CI stay clean)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Progress | None = None
        self.task: Any = None

    def __enter__(self) -> Callable[[Outcome], None]:
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

    def tick(self, outcome: Outcome) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
