"""Fetching pages with httpx: polite, bounded, and never stopped by one bad URL.

Each URL gets a hard deadline that covers every attempt, its site's robots.txt and every
redirect. Retries back off exponentially on connection errors, 5xx and 429 (a Retry-After is
honoured up to a cap). Redirects are followed here rather than by httpx, so that each target is
checked (an http(s) URL; allowed by its site's robots.txt) and no redirect body is read.
Bodies are streamed, their Content-Encoding undone layer by layer, and cut off at a size cap;
only HTML is accepted. Concurrency is bounded overall and per host; robots.txt is read once per
site, by RFC 9309, and obeyed unless told otherwise. A URL or an answer that cannot be used
becomes that URL's error, never the batch's. What came over the wire is kept in raw/ (the page
and its HTTP record) so that every article can be cleaned again later without the network.
Nothing is written for a URL that failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import email.utils
import hashlib
import ipaddress
import json
import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import httpx
from protego import Protego

from ingest.content_encoding import (
    ACCEPT_ENCODING,
    ContentEncodingError,
    Decoder,
    LayerTooLarge,
)
from ingest.engine import warm_up
from ingest.errors import FetchError, IngestError, InputError, InternalError, OutputError
from ingest.inputs import (
    Document,
    decode_page,
    display_path,
    looks_like_html,
    read_document,
    read_record,
    record_path,
)
from ingest.output import BODY_SUFFIXES, atomic_write, remove_stale_temporaries, write_outputs
from ingest.pipeline import (
    BatchOptions,
    as_duplicate,
    clean_input,
    default_jobs,
    mark_duplicates,
    remove_repeated,
    unwanted_language,
)
from ingest.rules import Ruleset, site_name
from ingest.urls import distinct
from ingest.version import __version__
from ingest.workers import Supervisor, worker_pool, worker_ruleset

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_KEPT_HEADERS = (
    "content-type", "content-length", "content-encoding", "content-language", "etag",
    "last-modified", "date", "cache-control", "retry-after",
)  # fmt: skip
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
# RFC 9309 2.5: a crawler may stop parsing robots.txt at 500 KiB (and must read that much).
_ROBOTS_MAX_BYTES = 500 * 1024
# RFC 9309 2.3.1.2: follow at least five redirects for robots.txt; past that it may be taken
# as unavailable.
_ROBOTS_REDIRECTS = 5
# Network failures that another attempt may not meet. Not here: an answer we cannot use
# whatever we do (InvalidURL, UnsupportedProtocol, LocalProtocolError: our own request).
_TRANSIENT = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
    httpx.ProxyError,
)
_LOCATION = "ingest.location"  # where _hold_location keeps a response's Location header
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)


@dataclass(frozen=True)
class FetchOptions:
    timeout: float = 30.0  # seconds per URL, all attempts and waits included
    connections: int = 8  # requests in flight overall
    per_host: int = 2  # requests in flight per host
    jobs: int | None = None  # processes that extract and clean pages; None: one per core
    retries: int = 3  # attempts after the first
    backoff: float = 0.5  # first wait between attempts; doubles each time
    max_retry_after: float = 30.0  # a server's Retry-After is honoured up to this
    max_redirects: int = 10
    max_bytes: int = 10 * 1024 * 1024
    user_agent: str = f"ingest/{__version__} (article cleaner)"
    robots: bool = True
    refresh: bool = False
    raw_dir: Path = Path("raw")
    batch: BatchOptions = field(default_factory=BatchOptions)


@dataclass(frozen=True)
class FetchOutcome:
    url: str
    key: str | None = None
    status: str = "ok"  # ok | completed (from raw/) | skipped | unchanged | failed
    error: IngestError | None = None
    not_written: str | None = None  # why its article was not kept (language, duplicate)
    duplicate_of: str | None = None  # the key of the article it repeats (`ingest.duplicates`)

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    @property
    def written(self) -> bool:
        """Whether this run wrote its article into the batch's folder."""
        return self.status in ("ok", "completed") and self.not_written is None


def _done(url: str, key: str, status: str, files: _Files) -> FetchOutcome:
    return FetchOutcome(url, key, status, not_written=files.unwanted)


def url_key(url: str) -> str:
    """A stable, filesystem-safe output name for a URL: host, a readable slug, a hash."""
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1": no URL, but its error still needs a key
        parts = urlsplit("")
    host = re.sub(r"[^a-z0-9.-]+", "-", site_name(parts.hostname or "page"))
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")[-60:].strip("-")
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:10]
    return f"{host}_{slug}_{digest}" if slug else f"{host}_{digest}"


def read_url_list(text: str) -> list[str]:
    """URLs from a file: one per line; blank lines and # comments skipped; duplicates once."""
    urls = [ln.strip() for ln in text.splitlines()]
    return list(dict.fromkeys(u for u in urls if u and not u.startswith("#")))


def fetch_urls(
    urls: Sequence[str],
    ruleset: Ruleset,
    options: FetchOptions | None = None,
    *,
    on_done: Callable[[FetchOutcome], None] | None = None,
) -> list[FetchOutcome]:
    """Fetch, keep and clean every page; the outcomes come back in the order of `urls`, one
    for each page: addresses that name one page (`ingest.urls.normalize`) are fetched once,
    under the first of them.

    Then, as for `ingest clean`, the lines repeated across a site's articles leave the pages
    this run cleaned (`ingest.pipeline.remove_repeated`).
    """
    options = options or FetchOptions()
    asked = [(url, name) for name, url in distinct(urls).items()]
    outcomes = asyncio.run(_fetch_all(asked, ruleset, options, on_done))
    batch = dataclasses.replace(options.batch, jobs=options.jobs or default_jobs())
    written = [o for o in outcomes if o.key and o.written]
    if options.batch.repetition is not None:
        pages = {o.key: options.raw_dir / f"{o.key}.html" for o in written if o.key}
        done = {key: (page, display_path(page), None) for key, page in pages.items()}
        failed = {o.source: o.error for o in remove_repeated(done, ruleset, batch) if o.error}
        outcomes = [
            dataclasses.replace(o, status="failed", error=failed[done[o.key][1]])
            if o.key in done and done[o.key][1] in failed
            else o
            for o in outcomes
        ]
    # in URL order, those the repeated-lines phase did not fail
    kept = {o.key for o in outcomes if o.status in ("ok", "completed")}
    found = mark_duplicates([o.key for o in written if o.key and o.key in kept], batch)
    return [as_duplicate(o, found[o.key], batch) if o.key in found else o for o in outcomes]


_ACCEPT_PAGE = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
_ACCEPT_LIST = (
    "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1"
)


@dataclass(frozen=True)
class Discovery:
    """The article addresses feeds and sitemaps list, and those that could not be read."""

    urls: tuple[str, ...]
    errors: tuple[IngestError, ...]


def discover_urls(
    feeds: Sequence[str],
    sitemaps: Sequence[str],
    options: FetchOptions | None = None,
    *,
    url_filter: Sequence[str] = (),
) -> Discovery:
    """The addresses of the articles that RSS/Atom `feeds` and `sitemaps` (sitemap indexes
    followed) list, fetched as pages are (robots.txt, limits, retries); with `url_filter`,
    only those starting with one of its prefixes. Read by trafilatura's own feed and sitemap
    code (`ingest.discover`). In the order listed, each once."""
    options = options or FetchOptions()
    return asyncio.run(_discover(list(feeds), list(sitemaps), options, tuple(url_filter)))


async def _discover(
    feeds: list[str], sitemaps: list[str], options: FetchOptions, prefixes: tuple[str, ...]
) -> Discovery:
    from ingest import discover

    errors: list[IngestError] = []
    async with _client(options) as client:
        fetcher = _Fetcher(client, None, options, None)

        async def read(url: str) -> str | IngestError:
            try:
                return discover.decode(await fetcher.document(url), url, options.max_bytes)
            except IngestError as exc:
                return exc

        async def feed(url: str) -> tuple[list[str], list[IngestError]]:
            """A feed's links; for a page (a site's home page), those of the feeds it links to,
            as trafilatura's feed search does. Errors apart, so they keep the order given."""
            text = await read(url)
            if isinstance(text, IngestError):
                return [], [text]
            links = discover.feed_links(text, url)
            linked = [] if links else discover.page_feeds(text, url)
            if not linked:
                kind = "an RSS or Atom feed, or a page that links to one"
                return links, [] if links else [_lists_nothing(url, kind)]
            problems: list[IngestError] = []
            texts = await asyncio.gather(*(read(u) for u in linked))
            for got, where in zip(texts, linked, strict=True):
                if isinstance(got, IngestError):
                    problems.append(got)
                elif more := discover.feed_links(got, where):
                    links += more
                else:
                    problems.append(_lists_nothing(where, "a feed"))
            return links, problems

        found: list[str] = []
        for links, problems in await asyncio.gather(*(feed(u) for u in feeds)):
            found += links
            errors += problems
        found += await _sitemap_pages(fetcher, sitemaps, read, errors)
    kept = (url for url in found if not prefixes or url.startswith(prefixes))
    return Discovery(tuple(distinct(kept).values()), tuple(errors))


def _lists_nothing(url: str, kind: str) -> FetchError:
    return FetchError(url, f"lists no article addresses (is it {kind}?)", "check the address")


async def _sitemap_pages(
    fetcher: _Fetcher,
    sitemaps: list[str],
    read: Callable[[str], Awaitable[str | IngestError]],
    errors: list[IngestError],
) -> list[str]:
    """The pages `sitemaps` list, indexes followed (MAX_SITEMAPS read in all). A site's address
    stands for the sitemaps its robots.txt names or, if it names none, the first of
    trafilatura's usual places that answers."""
    from ingest import discover

    queue: list[str] = []
    guessed: dict[str, list[str]] = {}  # a site given -> the usual places still to try
    for url in sitemaps:
        if not discover.is_site(url):
            queue.append(url)
        elif named := await fetcher.robots_sitemaps(url):
            queue += named
        else:
            guessed[url] = discover.sitemap_guesses(url)
    found: list[str] = []
    seen, read_count = set(queue), 0
    while (queue or any(guessed.values())) and read_count < discover.MAX_SITEMAPS:
        site = None
        if queue:
            url = queue.pop(0)
        else:
            site, places = next((s, p) for s, p in guessed.items() if p)
            url = places.pop(0)
        read_count += 1
        text = await read(url)
        if isinstance(text, IngestError):
            if site is None:
                errors.append(text)
            elif not guessed[site]:
                problem = "names no sitemap in its robots.txt, and none is at the usual places"
                errors.append(FetchError(site, problem, "give the sitemap's own address"))
            continue
        if site is not None:
            guessed[site] = []  # found: the other usual places would repeat it
        pages, more = discover.sitemap_links(text, url)
        if not pages + more:
            errors.append(_lists_nothing(url, "a sitemap"))
        found += pages
        for nested in more:
            if nested not in seen:
                seen.add(nested)
                queue.append(nested)
    return found


def _client(options: FetchOptions) -> httpx.AsyncClient:
    limits = httpx.Limits(
        max_connections=options.connections, max_keepalive_connections=options.connections
    )
    return httpx.AsyncClient(
        follow_redirects=False,  # _Fetcher._follow does it, checking each target
        limits=limits,
        # httpx would also offer br and zstd were their packages installed; only what can be
        # decoded in bounded memory is asked for.
        headers={"User-Agent": options.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        timeout=httpx.Timeout(options.timeout),
        event_hooks={"response": [_hold_location]},
    )


async def _fetch_all(
    urls: list[tuple[str, str]],
    ruleset: Ruleset,
    options: FetchOptions,
    on_done: Callable[[FetchOutcome], None] | None,
) -> list[FetchOutcome]:
    # Extraction and cleaning are CPU work that holds the GIL for long stretches: in threads
    # they starve the event loop and every deadline fires late. They run in processes.
    jobs = max(1, min(options.jobs or default_jobs(), len(urls)))
    if len(urls) > 1:
        warm_up(ruleset)
    workers = worker_pool(ruleset, jobs, options.batch.doc_timeout)
    for folder in (options.raw_dir, options.batch.out_dir):
        remove_stale_temporaries(folder)
    async with _client(options) as client:
        fetcher = _Fetcher(client, ruleset, options, workers)

        async def run(url: str, name: str) -> FetchOutcome:
            outcome = await fetcher.one(url, name)
            if on_done:
                on_done(outcome)
            return outcome

        try:
            return list(await asyncio.gather(*(run(*u) for u in urls)))
        finally:
            fetcher.close()
            if workers is not None:
                workers.shutdown(cancel_futures=True)
            for folder in (options.raw_dir, options.batch.out_dir):
                remove_stale_temporaries(folder)


async def _hold_location(response: httpx.Response) -> None:
    """Move a response's Location header out of httpx's sight, into its extensions.

    Even when it follows no redirect, httpx builds the request a redirect would make before it
    hands the response over, and raises on a Location it cannot build one from (InvalidURL for
    'javascript:alert(1)'; RemoteProtocolError, which looks worth retrying, for 'http://[::1').
    _Fetcher._follow checks the Location itself and says what is wrong with it.
    """
    if "location" in response.headers:
        response.extensions[_LOCATION] = response.headers["location"]
        del response.headers["location"]


class _Files(NamedTuple):
    """A cleaned page's body and record files, or why they are not written."""

    body: bytes
    meta: bytes
    unwanted: str | None  # its language is not among --language's


def _clean_in_worker(doc: Document, options: BatchOptions) -> _Files:
    return _clean_to_files(doc, worker_ruleset(), options)


def _clean_to_files(doc: Document, ruleset: Ruleset, options: BatchOptions) -> _Files:
    cleaned = clean_input(doc, ruleset, options.clean)
    unwanted = unwanted_language(cleaned.record, options.languages)
    if unwanted is not None:
        return _Files(b"", b"", unwanted)
    return _Files(*cleaned.files(options.format), None)


def _keep(
    options: BatchOptions, key: str, page: Path, body: bytes, record: bytes, files: _Files
) -> None:
    """Write a fetched page's four files (the page and its HTTP record alone for an article
    not wanted), the HTTP record last: it is what tells a later run the URL is done. If any
    write fails, what this call wrote goes again (and a record from before, which no longer
    matches the files), so that the next run fetches it afresh."""
    out_dir, suffix = options.out_dir, BODY_SUFFIXES[options.format]
    outputs = [out_dir / f"{key}{suffix}", out_dir / f"{key}.json"]
    files_kept = [*outputs, page, record_path(page)]
    existed = [f.exists() for f in files_kept]
    try:
        if files.unwanted is None:
            write_outputs(out_dir, key, files.body, files.meta, options.format)
        atomic_write(page, body)
        atomic_write(files_kept[3], record)
    except BaseException:
        for file, was in zip(files_kept, existed, strict=True):
            if not was or file == files_kept[3]:
                with contextlib.suppress(OSError):
                    file.unlink(missing_ok=True)
        raise


class _Fetcher:
    def __init__(
        self,
        client: httpx.AsyncClient,
        ruleset: Ruleset | None,  # None: fetching feeds and sitemaps, cleaning nothing
        options: FetchOptions,
        workers: Supervisor | None,
    ) -> None:
        self.client = client
        self.workers = workers
        self.ruleset = ruleset
        self.options = options
        self.everyone = asyncio.Semaphore(options.connections)
        self.hosts: dict[str, asyncio.Semaphore] = {}
        self.robots: dict[str, _RobotsFetch] = {}
        self.agent = _product_token(options.user_agent)

    async def one(self, url: str, name: str) -> FetchOutcome:
        """Fetch the page asked for as `url`, under its one `name` (`ingest.urls.normalize`)."""
        key = self._key(url, name)
        page = self.options.raw_dir / f"{key}.html"
        try:
            try:
                target = _valid_url(name)
            except _BadURL as exc:
                raise FetchError(url, exc.problem, "check the address") from exc
            try:
                previous = read_record(page)
            except InputError:
                previous = None  # an unreadable record is no record: fetch again
            if previous and not self.options.refresh:
                if (self.options.batch.out_dir / f"{key}.json").exists():
                    return FetchOutcome(url, key, "skipped")
                # kept in raw/ by a run that could not write its clean text: finish it
                return await self._finish(url, key, page)
            clock = _Clock(self.options.timeout)
            if self.options.robots:
                await self._obey_robots(target, url, clock)
            got = await self._get(target, url, previous if self.options.refresh else None, clock)
            if got is None:
                if (self.options.batch.out_dir / f"{key}.json").exists():
                    return FetchOutcome(url, key, "unchanged")
                # the page kept is current, its clean files are not where they go (--format
                # jsonl and csv clean into a fresh folder): clean it from raw/
                return await self._finish(url, key, page)
            body, record = got
            record["normalized_url"] = name
            # Clean before writing anything: a page with no article text is a failed URL.
            text, encoding = decode_page(body, url, record)
            record["charset"] = encoding
            doc = Document(url, key, body, text, encoding, is_html=True, record=record)
            files = await self._clean(doc)
            record_bytes = (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode()
            # fsyncs would stall the event loop and with it every other URL's deadline
            await asyncio.to_thread(_keep, self.options.batch, key, page, body, record_bytes, files)
            return _done(url, key, "ok", files)
        except TimeoutError:
            return FetchOutcome(url, key, "failed", FetchError(
                url,
                f"no complete answer within {self.options.timeout:g} s, retries included",
                "raise --timeout, or try later",
            ))  # fmt: skip
        except IngestError as exc:
            return FetchOutcome(url, key, "failed", exc)
        except OSError as exc:
            where = display_path(Path(exc.filename)) if exc.filename else "the output folders"
            problem = f"cannot write {where}: {exc.strerror}"
            return FetchOutcome(
                url, key, "failed", OutputError(url, problem, "check --out and --raw")
            )
        except Exception as exc:  # never foreseen: this URL's error, not the batch's end
            return FetchOutcome(url, key, "failed", InternalError.of(url, exc))

    def _key(self, url: str, name: str) -> str:
        """The key of the page named `name`, or, where raw/ holds the page under the key its
        address as asked had before ingest normalised addresses, that key."""
        key = url_key(name)
        if key == (old := url_key(url)):
            return key
        raw = self.options.raw_dir
        return old if (raw / f"{old}.html").exists() and not (raw / f"{key}.html").exists() else key

    async def _clean(self, doc: Document) -> _Files:
        """The page's clean body and record, from a worker process under the document
        deadline (or here, where workers cannot have the ruleset)."""
        options = self.options.batch
        if self.workers is None:
            assert self.ruleset is not None, "a fetcher of pages has the rules"
            return _clean_to_files(doc, self.ruleset, options)
        future = self.workers.submit(_clean_in_worker, doc, options, name=doc.source)
        result: _Files = await asyncio.wrap_future(future)
        return result

    async def document(self, url: str) -> bytes:
        """The body at `url` whatever its type (a feed, a sitemap), fetched as a page is:
        robots.txt, limits, retries, one deadline; FetchError if it cannot be had."""
        try:
            target = _valid_url(url)
        except _BadURL as exc:
            raise FetchError(url, exc.problem, "check the address") from exc
        clock = _Clock(self.options.timeout)
        try:
            if self.options.robots:
                await self._obey_robots(target, url, clock)
            got = await self._get(target, url, None, clock, html=False)
        except TimeoutError:
            raise FetchError(
                url,
                f"no complete answer within {self.options.timeout:g} s, retries included",
                "raise --timeout, or try later",
            ) from None
        assert got is not None  # 304 answers a conditional request only
        return got[0]

    async def _finish(self, url: str, key: str, page: Path) -> FetchOutcome:
        """Clean a page an earlier run kept in raw/ but could not clean or write out."""
        doc = await asyncio.to_thread(read_document, page)
        files = await self._clean(doc)
        batch = self.options.batch
        if files.unwanted is None:
            await asyncio.to_thread(
                write_outputs, batch.out_dir, key, files.body, files.meta, batch.format
            )
        return _done(url, key, "completed", files)

    def close(self) -> None:
        """Stop robots.txt reads no URL waits for any more (their URLs gave up on them)."""
        for fetch in self.robots.values():
            if not fetch.task.done():
                fetch.task.cancel()
            elif not fetch.task.cancelled():
                fetch.task.exception()  # retrieved: asyncio would log it as never retrieved

    def _host_slot(self, url: httpx.URL) -> asyncio.Semaphore:
        host = url.netloc.decode("ascii")
        if host not in self.hosts:
            self.hosts[host] = asyncio.Semaphore(self.options.per_host)
        return self.hosts[host]

    async def _obey_robots(
        self, url: httpx.URL, shown: str, clock: _Clock, *, redirected: bool = False
    ) -> None:
        """Raise the FetchError for `url` (asked as `shown`) if its site's robots.txt forbids it."""
        fetch = self._robots_fetch(url)
        via = f"redirects to {url}, and " if redirected else ""
        loop = asyncio.get_running_loop()
        try:
            if clock.deadline is not None:
                async with asyncio.timeout_at(clock.deadline):
                    await asyncio.shield(fetch.task)
            elif not fetch.task.done():
                # While robots.txt queues for a slot the URL is queueing, which no clock counts;
                # from its request on, the URL's time runs (a slow robots.txt spends it).
                begun = asyncio.ensure_future(fetch.clock.begun.wait())
                try:
                    await asyncio.wait([begun, fetch.task], return_when=asyncio.FIRST_COMPLETED)
                finally:
                    begun.cancel()
                since = loop.time()
                try:
                    async with asyncio.timeout_at(since + clock.left()):
                        await asyncio.shield(fetch.task)
                finally:
                    clock.spent += loop.time() - since
        except TimeoutError as exc:
            raise FetchError(
                shown,
                f"{via}its site's robots.txt gave no complete answer within "
                f"{self.options.timeout:g} s",
                "raise --timeout, try later, or pass --ignore-robots if you have the right to "
                "fetch it",
            ) from exc
        robots = fetch.task.result()
        if robots.unreachable is not None:
            raise FetchError(
                shown,
                f"{via}its site's robots.txt could not be read ({robots.unreachable}), "
                "which RFC 9309 says to take as disallowing every page",
                "try later, or pass --ignore-robots if you have the right to fetch it",
            )
        if robots.rules is not None and not robots.rules.can_fetch(str(url), self.agent):
            problem = "disallowed by the site's robots.txt"
            if redirected:
                problem = f"redirects to {url}, which its site's robots.txt disallows"
            raise FetchError(
                shown, problem, "pass --ignore-robots if you have the right to fetch it"
            )

    async def robots_sitemaps(self, url: str) -> list[str]:
        """The sitemaps named in the robots.txt of `url`'s site (its Sitemap: lines); none
        if it names none or cannot be read."""
        try:
            target = _valid_url(url)
        except _BadURL:
            return []
        robots = await self._robots_fetch(target).task
        return list(robots.rules.sitemaps) if robots.rules is not None else []

    def _robots_fetch(self, url: httpx.URL) -> _RobotsFetch:
        where = url.copy_with(
            path="/robots.txt", query=None, fragment=None, username=None, password=None
        )
        key = str(where)
        if key not in self.robots:
            clock = _Clock(self.options.timeout)
            task = asyncio.ensure_future(self._read_robots(where, clock))
            self.robots[key] = _RobotsFetch(clock, task)
        return self.robots[key]

    async def _read_robots(self, where: httpx.URL, clock: _Clock) -> _Robots:
        """A site's robots.txt as RFC 9309 2.3.1 reads it.

        2xx: its rules (the first 500 KiB of them). 4xx: it is unavailable, so everything is
        allowed. 5xx, and the same for a 429 (a server asking us to come back later has not
        said there is no robots.txt), after the retries a page gets: it is unreachable, so
        nothing is. The RFC names network errors with server errors, so a robots.txt that
        cannot be reached within the deadline, or cannot be decoded, is unreachable too.
        Redirects are followed up to five, across hosts, and what they reach is read as the
        first site's rules; more than five, or a redirect to no usable URL, means it was not
        reached, which the RFC lets a crawler take as unavailable. Its clock is its own (one
        robots.txt serves many URLs); every URL waiting for it spends its own time too.
        """
        want = _Want(
            cap=_ROBOTS_MAX_BYTES, cut=True, html=False, redirects=_ROBOTS_REDIRECTS, robots=False
        )
        try:
            answer, attempts = await self._attempts(where, str(where), {}, clock, want)
        except _BadRedirect:
            return _Robots()
        except TimeoutError:
            return _Robots(unreachable=f"no complete answer within {self.options.timeout:g} s")
        except FetchError as exc:
            return _Robots(unreachable=exc.problem)
        if 200 <= answer.status < 300:
            body = answer.body
            if answer.cut:  # a rule cut in two could be wider than the one written
                body = body[: body.rfind(b"\n") + 1]
            # 500 KiB of rules take Protego about a second: in a thread, the event loop (and
            # every other URL's deadline) gets its turns.
            text = body.decode("utf-8-sig", "replace")
            return _Robots(rules=await asyncio.to_thread(Protego.parse, text))
        if answer.status == 429 or answer.status >= 500:
            tried = f" after {attempts} attempts" if attempts > 1 else ""
            return _Robots(unreachable=f"HTTP {answer.status} {answer.reason}{tried}")
        return _Robots()

    async def _get(
        self,
        url: httpx.URL,
        shown: str,
        previous: dict[str, Any] | None,
        clock: _Clock,
        *,
        html: bool = True,
    ) -> tuple[bytes, dict[str, Any]] | None:
        headers = {"Accept": _ACCEPT_PAGE if html else _ACCEPT_LIST}
        if previous:
            # isinstance: a record edited by hand can hold anything, and httpx raises TypeError
            # on a header that is not a string
            if isinstance(etag := previous.get("etag"), str) and etag:
                headers["If-None-Match"] = etag
            if isinstance(modified := previous.get("last_modified"), str) and modified:
                headers["If-Modified-Since"] = modified
        want = _Want(
            cap=self.options.max_bytes,
            cut=False,
            html=html,
            redirects=self.options.max_redirects,
            robots=self.options.robots,
        )
        answer, attempts = await self._attempts(url, shown, headers, clock, want)
        status = answer.status
        if status == 304:
            return None
        tried = f" after {attempts} attempts" if attempts > 1 else ""
        if 300 <= status < 400:
            raise FetchError(
                shown,
                f"HTTP {status} {answer.reason or 'redirect'} with no Location to follow{tried}",
                "open it in a browser to see where it goes",
            )
        if status >= 400:
            fix = "check the address" if status < 500 and status != 429 else "try later"
            raise FetchError(shown, f"HTTP {status} {answer.reason or 'error'}{tried}", fix)
        return answer.body, _record(shown, answer)

    async def _attempts(
        self, url: httpx.URL, shown: str, headers: dict[str, str], clock: _Clock, want: _Want
    ) -> tuple[_Answer, int]:
        """The answer for `url` and how many attempts it took: network failures, 5xx and 429
        are tried again while retries and the clock last."""
        attempt = 0
        while True:
            try:
                answer = await self._follow(url, shown, headers, clock, want)
            except _Retry as exc:
                if attempt >= self.options.retries:
                    raise FetchError(
                        shown,
                        f"{exc.kind} after {attempt + 1} attempts ({exc.detail})",
                        "check the address or try later",
                    ) from exc
                await _pause(clock, self.options.backoff * 2**attempt)
            else:
                if answer.status not in _RETRY_STATUS or attempt >= self.options.retries:
                    return answer, attempt + 1
                await _pause(clock, self._wait(answer.headers, attempt))
            attempt += 1

    async def _follow(
        self, url: httpx.URL, shown: str, headers: dict[str, str], clock: _Clock, want: _Want
    ) -> _Answer:
        """One attempt: `url`, then the redirects from it, each target checked before it is
        asked. No redirect's body is read (httpx reads each whole, however large)."""
        passed: list[httpx.URL] = []
        while True:
            answer = await self._exchange(url, shown, headers, clock, want)
            location = answer.location.strip()
            if answer.status not in _REDIRECT_STATUS or not location:
                return dataclasses.replace(answer, redirects=tuple(passed))
            if len(passed) >= want.redirects:
                raise _BadRedirect(
                    shown,
                    f"more than {want.redirects} redirects in a row",
                    "a redirect loop? open it in a browser to see where it goes",
                )
            try:
                target = _valid_url(location, base=url)
            except _BadURL as exc:
                raise _BadRedirect(
                    shown,
                    f"redirects to {location!r}: {exc.problem}",
                    "the site's redirect is broken; open it in a browser to see where it goes",
                ) from exc
            passed.append(url)
            if want.robots:
                await self._obey_robots(target, shown, clock, redirected=True)
            url = target

    async def _exchange(
        self, url: httpx.URL, shown: str, headers: dict[str, str], clock: _Clock, want: _Want
    ) -> _Answer:
        """One request and its answer, holding a connection slot overall and one for its host."""
        async with contextlib.AsyncExitStack() as slots:
            # Queueing for a slot before the first request does not count against the clock
            # (others of the same host are ahead); once the clock runs, everything does.
            async with asyncio.timeout_at(clock.deadline):
                await slots.enter_async_context(self.everyone)
                await slots.enter_async_context(self._host_slot(url))
            async with asyncio.timeout_at(clock.start()):
                try:
                    async with self.client.stream("GET", url, headers=headers) as response:
                        answer = _Answer(
                            url,
                            response.status_code,
                            response.reason_phrase,
                            response.headers,
                            response.extensions.get(_LOCATION, ""),
                        )
                        if 200 <= answer.status < 300:
                            body, cut = await _read_body(response, shown, want)
                            answer = dataclasses.replace(answer, body=body, cut=cut)
                        # Leaving unread (a redirect's, an error's body) closes the connection.
                        return answer
                except _TRANSIENT as exc:
                    raise _Retry(type(exc).__name__, _detail(exc)) from exc
                except (
                    httpx.InvalidURL,
                    httpx.UnsupportedProtocol,
                    httpx.LocalProtocolError,
                    httpx.StreamError,
                    UnicodeError,  # an IDNA host httpx let through and the resolver did not
                ) as exc:
                    raise FetchError(
                        shown,
                        f"{url} cannot be requested ({type(exc).__name__}: {_detail(exc)})",
                        "check the address",
                    ) from exc

    def _wait(self, headers: httpx.Headers, attempt: int) -> float:
        backoff = float(self.options.backoff * 2**attempt)
        said = headers.get("retry-after")
        if said is None:
            return backoff
        if said.strip().isdigit():
            wait = float(said.strip())
        else:
            try:
                wait = email.utils.parsedate_to_datetime(said).timestamp() - time.time()
            except (TypeError, ValueError):
                wait = backoff
        return min(max(wait, 0.0), self.options.max_retry_after)


class _Clock:
    """One URL's time (or one robots.txt read's): `seconds` for all its requests and waits.

    Time spent queueing for a connection slot behind other URLs before its first request is
    not counted; time spent waiting for its site's robots.txt once that is being fetched is
    (`spent`). The deadline is set at the first request, and from then on everything counts:
    redirects, retries, backoffs, slots.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.spent = 0.0
        self.started: float | None = None
        self.deadline: float | None = None
        self.begun = asyncio.Event()

    def left(self) -> float:
        return self.seconds - self.spent

    def start(self) -> float:
        if self.deadline is None:
            self.started = asyncio.get_running_loop().time()
            self.deadline = self.started + self.left()
            self.begun.set()
        return self.deadline


@dataclass(frozen=True)
class _Robots:
    """What a site's robots.txt allows: by its rules; everything when it has none (missing,
    unavailable); nothing when it could not be read (`unreachable` says why)."""

    rules: Protego | None = None
    unreachable: str | None = None


@dataclass(frozen=True)
class _RobotsFetch:
    clock: _Clock
    task: asyncio.Task[_Robots]


@dataclass(frozen=True)
class _Want:
    """What one kind of fetch takes: a page, or a robots.txt."""

    cap: int  # bytes of body, on the wire and decoded
    cut: bool  # past the cap: keep the first `cap` bytes (True) or fail (False)
    html: bool  # only HTML bodies
    redirects: int
    robots: bool  # check each redirect target against its site's robots.txt


@dataclass(frozen=True)
class _Answer:
    url: httpx.URL  # the URL that gave this answer
    status: int
    reason: str
    headers: httpx.Headers
    location: str  # the Location header, set aside by _hold_location
    body: bytes = b""
    cut: bool = False  # the body is the first `_Want.cap` bytes of a longer one
    redirects: tuple[httpx.URL, ...] = ()  # the URLs that redirected here, in order


class _Retry(Exception):
    """A failure another attempt may not meet: the network, a body cut off in transit."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(kind, detail)
        self.kind = kind
        self.detail = detail


class _BadRedirect(FetchError):
    """A redirect that cannot be followed (robots.txt takes that as having none)."""


class _BadURL(Exception):
    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _valid_url(url: str, base: httpx.URL | None = None) -> httpx.URL:
    """`url` (a redirect's Location when there is a `base`) as httpx would request it, checked
    for what would otherwise fail inside httpx or the socket layer with a bare traceback
    (ValueError, OverflowError for a port, UnicodeError for an IDNA host)."""
    try:
        parsed = base.join(url) if base is not None else httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise _BadURL(f"not a valid URL ({_detail(exc)})") from exc
    if parsed.scheme not in ("http", "https"):
        raise _BadURL("not an http(s) URL")
    host = parsed.raw_host.decode("ascii")
    if not host:
        raise _BadURL("no host name")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise _BadURL(f"port {parsed.port} is outside 1-65535")
    try:
        _ = parsed.host  # decodes an xn-- host, as httpx does for every request to it
    except UnicodeError as exc:  # idna.IDNAError
        raise _BadURL(f"host name {host!r} is not valid IDNA ({_detail(exc)})") from exc
    try:
        ipaddress.ip_address(host)
    except ValueError:
        labels = host.removesuffix(".").split(".")
        if len(host) > 253 or not all(0 < len(label) <= 63 for label in labels):
            raise _BadURL(
                "host name cannot exist (DNS allows 1 to 63 characters between dots, 253 in all)"
            ) from None
    return parsed


def _product_token(user_agent: str) -> str:
    """The name robots.txt groups are matched against (RFC 9309 2.2.1): the user agent's
    leading letters, '_' and '-' ('ingest' of 'ingest/0.1.0 (article cleaner)'), as
    urllib.robotparser took it. The whole string would let a group named after any word in
    its comment ('article') apply to ingest."""
    found = re.match(r"[A-Za-z_-]+", user_agent.strip())
    return found.group(0) if found else user_agent


async def _pause(clock: _Clock, seconds: float) -> None:
    async with asyncio.timeout_at(clock.deadline):
        await asyncio.sleep(seconds)


async def _read_body(response: httpx.Response, shown: str, want: _Want) -> tuple[bytes, bool]:
    """The body, its Content-Encoding undone, and whether it was cut at `want.cap`.

    The cap holds on the wire and for what each layer of decoding puts out, so neither a body
    that decodes to gigabytes nor one that decodes to nothing can run on. httpx's own decoding
    (aiter_bytes) inflates a layer whole before anything can count it.
    """
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if want.html and media and media not in HTML_TYPES:
        raise _not_html(shown, media)
    declared = response.headers.get("content-length", "")
    if not want.cut and declared.isdigit() and int(declared) > want.cap:
        raise _too_big(shown, want.cap)
    codings = response.headers.get_list("content-encoding", split_commas=True)
    chunks: list[bytes] = []
    size = wire = 0
    try:
        decoder = Decoder(codings, want.cap)
        async for raw in response.aiter_raw():
            wire += len(raw)
            for piece in decoder.feed(raw):
                if size + len(piece) > want.cap:
                    if not want.cut:
                        raise _too_big(shown, want.cap)
                    chunks.append(piece[: want.cap - size])
                    return b"".join(chunks), True
                chunks.append(piece)
                size += len(piece)
            if wire > want.cap:
                if not want.cut:
                    raise _too_big(shown, want.cap)
                return b"".join(chunks), True
        decoder.finish()
    except LayerTooLarge:
        if not want.cut:
            raise _too_big(shown, want.cap) from None
        return b"".join(chunks), True
    except ContentEncodingError as exc:
        if exc.truncated:
            raise _Retry("truncated body", exc.problem) from exc
        raise FetchError(
            shown, f"body {exc.problem}", "the site sent it in a form ingest cannot read"
        ) from exc
    body = b"".join(chunks)
    if want.html and not media and not looks_like_html(body):
        raise _not_html(shown, media)
    return body, False


def _record(url: str, answer: _Answer) -> dict[str, Any]:
    return http_record(
        url,
        str(answer.url),
        answer.status,
        answer.headers,
        redirects=[str(u) for u in answer.redirects],
        fetched_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
    )


def http_record(
    url: str,
    final_url: str,
    status: int,
    headers: Mapping[str, str],
    *,
    redirects: list[str] | None = None,
    fetched_at: str | None = None,
) -> dict[str, Any]:
    """The HTTP record kept beside a page (`<key>.http.json`): what came back for `url`.
    `headers` are looked up by lower-case name. A WARC reader builds the same record."""
    kept = {k: headers[k] for k in _KEPT_HEADERS if k in headers}
    found = _CHARSET.search(headers.get("content-type", ""))
    return {
        "url": url,
        "final_url": final_url,
        "status": status,
        "redirects": redirects or [],
        "headers": kept,
        "etag": headers.get("etag"),
        "last_modified": headers.get("last-modified"),
        "charset": found.group(1).lower() if found else None,
        "fetched_at": fetched_at,
    }


def _detail(exc: BaseException) -> str:
    """An exception's message on one line (a batch report has one line per URL)."""
    return " ".join(str(exc).split()) or "no detail"


def _not_html(url: str, media: str) -> FetchError:
    return FetchError(
        url,
        f"is {media or 'of no declared type'}, not an HTML page",
        "ingest reads articles from HTML",
    )


def _too_big(url: str, cap: int) -> FetchError:
    return FetchError(url, f"body is larger than {cap:,} bytes", "raise --max-bytes to allow it")
