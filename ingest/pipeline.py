"""From inputs to clean/ files: one document at a time, batches that survive bad inputs."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar
from urllib.parse import urlsplit

from ingest.duplicates import Duplicate, find_duplicates, read_articles_in, read_in_order
from ingest.engine import CleanOptions, CleanResult, clean, warm_up
from ingest.errors import ExtractError, IngestError, InputError, InternalError, OutputError
from ingest.inputs import (
    Document,
    ReadOptions,
    declared_url,
    display_path,
    find_inputs,
    read_document,
)
from ingest.metadata import Source, build_record
from ingest.output import (
    BODY_SUFFIXES,
    atomic_write,
    record_bytes,
    remove_stale_temporaries,
    render,
    write_outputs,
)
from ingest.record import Record
from ingest.repetition import (
    RULE_ID,
    Repeats,
    RepetitionOptions,
    add_evidence,
    find_repeated,
    pushes_guard,
    read_articles,
    repeats_for,
    with_repeats,
)
from ingest.rules import Ruleset, site_name
from ingest.urls import normalize
from ingest.workers import out_of_memory, worker_pool, worker_ruleset

if TYPE_CHECKING:  # types only: a page is extracted on demand (prepare_document)
    from ingest.extraction import ExtractOptions, Page
    from ingest.fetch import FetchOutcome

# A long article cleans in well under a second; a minute is a page gone pathological.
DEFAULT_DOC_TIMEOUT = 60.0


@dataclass(frozen=True)
class BatchOptions:
    out_dir: Path = Path("clean")
    jobs: int = 1
    # Seconds one input's extraction and cleaning may take before its worker is stopped.
    doc_timeout: float | None = DEFAULT_DOC_TIMEOUT
    read: ReadOptions = field(default_factory=ReadOptions)
    clean: CleanOptions = field(default_factory=CleanOptions)
    # Lines repeated across a site's articles (in the batch and in out_dir) leave as
    # `repeated-line` once the batch is cleaned; None: they stay.
    repetition: RepetitionOptions | None = field(default_factory=RepetitionOptions)
    # The body's file: "txt" or "md" (`ingest.output.FORMATS`; JSON Lines and CSV, one file
    # for a batch, are `ingest.stream`'s)
    format: str = "txt"
    # Only articles in these languages are written (the codes `detect` gives); empty: all.
    languages: frozenset[str] = frozenset()
    # An article that repeats another (`ingest.duplicates`) is not kept, rather than marked.
    skip_duplicates: bool = False


@dataclass(frozen=True)
class Outcome:
    source: str
    key: str | None = None
    error: IngestError | None = None
    removed: int = 0
    held_back: int = 0
    repeated: int = 0  # of the removals, the repeated lines
    not_written: str | None = None  # why a cleaned article was not kept (language, duplicate)
    duplicate_of: str | None = None  # the key of the article it repeats (`ingest.duplicates`)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def written(self) -> bool:
        return self.error is None and self.not_written is None


@dataclass(frozen=True)
class BatchReport:
    outcomes: tuple[Outcome, ...]

    @property
    def failed(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.ok)


@dataclass(frozen=True)
class Prepared:
    """An input made ready for the text rules: its text and what the rules need to know."""

    text: str
    source: Source
    site: str | None = None
    page: Page | None = None  # for HTML inputs: what extraction found


def prepare_document(
    doc: Document,
    ruleset: Ruleset,
    *,
    url: str | None = None,
    extract_options: ExtractOptions | None = None,
) -> Prepared:
    """Pasted text as it is; a page through its selector rules and trafilatura.

    `url` is the page's address when no HTTP record gives it (`ingest clean page.html --url`).
    Without either, a page's site is that of the address it declares (`declared_url`), so
    that its site's rules apply to a saved page too.
    """
    record = doc.record or {}
    url = record.get("url") or url
    final_url = record.get("final_url") or url
    site = site_of(final_url) or (site_of(declared_url(doc.text)) if doc.is_html else None)
    # A fetched page's source is its URL, whether it is cleaned at fetch time or from raw/.
    source = record.get("url") or doc.source
    name = record.get("normalized_url") or (normalize(url) if url else None)
    src = Source(source, doc.data, url, final_url, site, record.get("fetched_at"), name)
    if not doc.is_html:
        return Prepared(doc.text, src, site)
    from ingest.extraction import extract  # the page machinery (trafilatura, lxml): pages only

    page = extract(
        doc.text, ruleset, url=final_url, site=site, source=doc.source, options=extract_options
    )
    return Prepared(page.text, src, site, page)


def clean_document(
    doc: Document,
    ruleset: Ruleset,
    options: CleanOptions | None = None,
    *,
    url: str | None = None,
    extract_options: ExtractOptions | None = None,
) -> tuple[CleanResult, Record]:
    """Clean one input: its result and the metadata that goes into `<key>.json`."""
    prep = prepare_document(doc, ruleset, url=url, extract_options=extract_options)
    return clean_prepared(prep, ruleset, options)


def clean_prepared(
    prep: Prepared, ruleset: Ruleset, options: CleanOptions | None = None
) -> tuple[CleanResult, Record]:
    page = prep.page
    result = clean(
        prep.text,
        ruleset,
        site=prep.site,
        headline=page.title if page else None,
        links=page.links if page else frozenset(),
        removed_before=page.removed_words if page else 0,
        page=page is not None,
        options=options,
    )
    if prep.page is not None and not result.text:
        raise ExtractError(
            prep.source.source,
            "no article text left once the page's furniture was removed (a listing or menu page?)",
            "`ingest diff` shows what each rule took",
        )
    return result, build_record(result, prep.source, ruleset.id, prep.page)


def clean_repeated(
    doc: Document,
    ruleset: Ruleset,
    repeats: Repeats,
    options: CleanOptions | None = None,
    *,
    url: str | None = None,
) -> tuple[CleanResult, Record]:
    """Clean one input again with its site's `repeated-line` rule: its result, and its record
    with the evidence for each repeated line removed.

    When the repeated lines push the guard to hold back a rule that the first cleaning
    applied (all large removals together over the share), the article is cleaned as before
    and the repeated lines are what is held back.
    """
    cleaned = clean_input(doc, ruleset, options, url=url, repeats=repeats)
    return cleaned.result, cleaned.record


class Cleaned(NamedTuple):
    """One input cleaned: the result, its record, and (for a page) what extraction found."""

    result: CleanResult
    record: Record
    page: Page | None

    def files(self, fmt: str) -> tuple[bytes, bytes]:
        """The bytes of the body's file in format `fmt` ("txt" or "md") and of the record."""
        return render(self.result.text, self.record, fmt, paragraph_kinds(self.result, self.page))


def paragraph_kinds(result: CleanResult, page: Page | None) -> tuple[str, ...]:
    """What each paragraph of the clean body is in the page's markup (a heading, a list item,
    a quote: `ingest.markdown`); nothing for pasted text."""
    if page is None:
        return ()
    kinds = page.kinds
    return tuple(kinds[n - 1] if 0 < n <= len(kinds) else "" for n in result.lines)


def clean_input(
    doc: Document,
    ruleset: Ruleset,
    options: CleanOptions | None = None,
    *,
    url: str | None = None,
    repeats: Repeats | None = None,
) -> Cleaned:
    """Clean one input (with `repeats`, again with its site's repeated lines): its result, its
    record, and what extraction found in a page (which `--format md` writes from)."""
    prep = prepare_document(doc, ruleset, url=url)
    if repeats is None:
        return Cleaned(*clean_prepared(prep, ruleset, options), prep.page)
    result, meta = clean_prepared(prep, with_repeats(ruleset, repeats), options)
    if pushes_guard(result, repeats):
        held = tuple(h for h in result.held_back if h.rule == RULE_ID)
        result, _ = clean_prepared(prep, ruleset, options)
        result = replace(result, held_back=(*result.held_back, *held))
        meta = build_record(result, prep.source, ruleset.id, prep.page)
    return Cleaned(result, add_evidence(meta, repeats), prep.page)


def site_of(url: str | None) -> str | None:
    """The domain of a URL, without a leading www; None for an address without one (or one
    that does not parse: a hand-edited record, a `--url` typed wrong).

    A page archived by the Wayback Machine (`https://web.archive.org/web/<time>/<url>`) is the
    archived site's page: its site is the archived URL's, so that the site's rules apply to
    it and evidence counts it for that site, not for web.archive.org.
    """
    if not isinstance(url, str) or not url:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return None
    site = site_name(host) or None
    archived = _ARCHIVED.match(parts.path) if site == "web.archive.org" else None
    if archived:
        # the archive may keep one slash of the scheme's two ("http:/example.com/")
        inner = _SCHEME.sub(r"\1://", archived.group(1), count=1)
        return site_of(inner if "://" in inner else "http://" + inner) or site
    return site


# The path of an archived copy: /web/<timestamp>[modifier_]/<the archived URL>
_ARCHIVED = re.compile(r"/web/[0-9]{1,14}(?:[a-z]{2}_)?/+(.+)")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):/+")


def clean_paths(
    paths: Sequence[Path],
    ruleset: Ruleset,
    options: BatchOptions | None = None,
    *,
    addresses: Mapping[Path, str] | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> BatchReport:
    """Clean every input under `paths` into `options.out_dir`; one bad input fails alone.

    `addresses` gives saved pages the address they were fetched from, where no HTTP record
    beside them does (`ingest clean page.html --url URL`).
    """
    options = options or BatchOptions()
    addresses = addresses or {}
    files, problems = find_inputs(paths)
    outcomes: list[Outcome] = [Outcome(e.source, error=e) for e in problems]
    keys: dict[str, str] = {}
    todo: list[tuple[Path, str]] = []
    sources = [display_path(path) for path in files]
    place = {source: i for i, source in enumerate(sources)}  # input order
    for path, source in zip(files, sources, strict=True):
        key = path.stem
        if key in keys and keys[key] != source:
            outcomes.append(
                Outcome(
                    source,
                    error=InputError(
                        source,
                        f"writes the same {key}.txt as {keys[key]}",
                        "rename one, or clean them into different --out folders",
                    ),
                )
            )
            continue
        keys[key] = source
        todo.append((path, source))
    remove_stale_temporaries(options.out_dir)
    try:
        tasks = [_Task(path, source, None, addresses.get(path)) for path, source in todo]
        for outcome in _run(tasks, ruleset, options):
            outcomes.append(outcome)
            if on_done:
                on_done(outcome)
        if options.repetition is not None:
            inputs = {source: path for path, source in todo}
            done = {
                o.key: (inputs[o.source], o.source, addresses.get(inputs[o.source]))
                for o in outcomes
                if o.ok and o.key
            }
            again = {o.source: o for o in remove_repeated(done, ruleset, options)}
            outcomes = [again.get(o.source, o) for o in outcomes]
        written = sorted(
            (o for o in outcomes if o.written and o.key), key=lambda o: place[o.source]
        )
        found = mark_duplicates([o.key for o in written if o.key], options)
        outcomes = [
            as_duplicate(o, found[o.key], options) if o.key in found else o for o in outcomes
        ]
    finally:
        # a worker stopped at its deadline may have been writing
        remove_stale_temporaries(options.out_dir)
    outcomes.sort(key=lambda o: (place.get(o.source, -1), o.source))
    return BatchReport(tuple(outcomes))


def mark_duplicates(keys: Sequence[str], options: BatchOptions) -> dict[str, Duplicate]:
    """The batch's last phase: each of its articles (`keys`, written to `options.out_dir`, in
    input order) that repeats an article kept there before or an earlier one of the batch is
    marked (`duplicate_of` in its record) or, with `skip_duplicates`, removed. Those found."""
    folder = options.out_dir
    batch = set(keys)
    earlier = [a for a in read_articles_in(folder) if a.key not in batch]
    found = find_duplicates(earlier, read_in_order(folder, keys))
    for duplicate in found:
        meta = folder / f"{duplicate.key}.json"
        if options.skip_duplicates:
            body = meta.with_suffix(BODY_SUFFIXES[options.format])
            for file in (meta, body):  # the record first: without it the body is nobody's
                file.unlink(missing_ok=True)
            continue
        record = Record.read(meta)
        atomic_write(meta, record_bytes(replace(record, duplicate_of=duplicate.of)))
    return {d.key: d for d in found}


def as_duplicate(outcome: _O, duplicate: Duplicate, options: BatchOptions) -> _O:
    """An input's outcome once its article is found to repeat another: marked, or (with
    `skip_duplicates`) not written, and why."""
    not_written = None
    if options.skip_duplicates:
        how = "the same text as" if duplicate.exact else "nearly the same text as"
        not_written = f"{how} {duplicate.of} (--skip-duplicates)"
    return replace(outcome, duplicate_of=duplicate.of, not_written=not_written)


_O = TypeVar("_O", bound="Outcome | FetchOutcome")


def remove_repeated(
    done: Mapping[str, tuple[Path, str, str | None]], ruleset: Ruleset, options: BatchOptions
) -> list[Outcome]:
    """The batch's second phase: the lines repeated across a site's articles leave them.

    `done` maps the key of each article the batch wrote to its input (path, source, and the
    address given for it, if any). The
    lines are counted over every record in `options.out_dir` (the batch's, just written, and
    those earlier runs left); each article of the batch that holds one is cleaned again with
    its site's `repeated-line` rule and written again. The outcomes of those articles.
    """
    repetition = options.repetition or RepetitionOptions()
    # the batch's own records first: without a site among them (pasted text), nothing to do
    batch, _ = read_articles(options.out_dir / f"{key}.json" for key in sorted(done))
    sites = {a.site for a in batch if a.site is not None}
    if not sites:
        return []
    articles, _ = read_articles([options.out_dir])
    repeated = find_repeated((a for a in articles if a.site in sites), repetition)
    tasks: list[_Task] = []
    for article in sorted(articles, key=lambda a: (a.site or "", a.key)):
        if article.key not in done or article.site not in repeated:
            continue
        repeats = repeats_for(article, repeated[article.site], repetition)
        if repeats is not None:
            path, source, url = done[article.key]
            tasks.append(_Task(path, source, repeats, url))
    return list(_run(tasks, ruleset, options))


class _Task(NamedTuple):
    path: Path
    source: str
    repeats: Repeats | None  # the site's repeated lines, for the batch's second phase
    url: str | None  # the address given for a saved page


def _run(todo: Sequence[_Task], ruleset: Ruleset, options: BatchOptions) -> Iterator[Outcome]:
    """Each task's outcome, as the inputs finish."""
    if not todo:
        return
    jobs = max(1, min(options.jobs, len(todo)))
    if len(todo) > 1:  # what every input would build: once, here, and inherited by workers
        warm_up(ruleset)
    pool = worker_pool(ruleset, jobs, options.doc_timeout)
    if pool is None:
        for task in todo:
            yield _clean_one(task, ruleset, options)
        return
    with pool:
        futures = {
            pool.submit(_clean_in_worker, task, options, name=task.source): task.source
            for task in todo
        }
        for future in as_completed(futures):
            source = futures[future]
            try:
                yield future.result()
            except IngestError as exc:
                yield Outcome(source, error=exc)
            except Exception as exc:
                yield Outcome(source, error=InternalError.of(source, exc))


def _clean_in_worker(task: _Task, options: BatchOptions) -> Outcome:
    return _clean_one(task, worker_ruleset(), options)


def _clean_one(task: _Task, ruleset: Ruleset, options: BatchOptions) -> Outcome:
    """Clean one input into `options.out_dir`; with repeats, again with its site's repeated
    lines (the batch's second phase)."""
    path, repeats, url = task.path, task.repeats, task.url
    source = display_path(path)
    try:
        doc = read_document(path, options.read)
        cleaned = clean_input(doc, ruleset, options.clean, url=url, repeats=repeats)
        unwanted = unwanted_language(cleaned.record, options.languages)
        if unwanted is not None:
            return Outcome(source, not_written=unwanted)
        text, meta = cleaned.files(options.format)
        write_outputs(options.out_dir, doc.key, text, meta, options.format)
        result = cleaned.result
    except IngestError as exc:
        return Outcome(source, error=exc)
    except OSError as exc:
        where = display_path(Path(exc.filename)) if exc.filename else options.out_dir
        problem = f"cannot write {where}: {exc.strerror}"
        return Outcome(source, error=OutputError(source, problem, "check the --out folder"))
    except MemoryError:
        return Outcome(source, error=out_of_memory(source))
    except Exception as exc:  # never foreseen: that input's error, not the batch's end
        return Outcome(source, error=InternalError.of(source, exc))
    return Outcome(
        source,
        key=doc.key,
        removed=len(result.removals),
        held_back=len(result.held_back),
        repeated=sum(r.rule == RULE_ID for r in result.removals),
    )


def unwanted_language(record: Record, languages: frozenset[str]) -> str | None:
    """Why an article is not written when only `languages` are wanted; None if it is."""
    if not languages or record.language in languages:
        return None
    found = "no language that could be told" if record.language in (None, "und") else None
    return f"in {found or record.language}, not in {', '.join(sorted(languages))} (--language)"


def clean_one(
    doc: Document,
    ruleset: Ruleset,
    doc_timeout: float | None = DEFAULT_DOC_TIMEOUT,
    options: CleanOptions | None = None,
    *,
    url: str | None = None,
) -> Cleaned:
    """One input cleaned in a worker under the document deadline (in this process where a
    worker cannot have the ruleset): `ingest clean -`."""
    pool = worker_pool(ruleset, 1, doc_timeout)
    if pool is None:
        return clean_input(doc, ruleset, options, url=url)
    with pool:
        cleaned: Cleaned = pool.submit(
            _clean_one_in_worker, doc, options, url, name=doc.source
        ).result()
    return cleaned


def _clean_one_in_worker(doc: Document, options: CleanOptions | None, url: str | None) -> Cleaned:
    return clean_input(doc, worker_ruleset(), options, url=url)


def default_jobs() -> int:
    return os.cpu_count() or 1
