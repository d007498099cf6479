"""Fetching pages with httpx: polite, bounded, and never stopped by one bad URL.

Each URL gets a hard deadline that covers every attempt. Retries back off exponentially on
connection errors, 5xx and 429 (a Retry-After is honoured up to a cap). Bodies are streamed
and cut off at a size cap; only HTML is accepted. Concurrency is bounded overall and per
host; robots.txt is read once per host and obeyed unless told otherwise. What came over the
wire is kept in raw/ (the page and its HTTP record) so that every article can be cleaned again
later without the network. Nothing is written for a URL that failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import hashlib
import json
import re
import time
import urllib.robotparser
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from ingest import __version__
from ingest.engine import CleanOptions
from ingest.errors import FetchError, IngestError, InputError, InternalError
from ingest.inputs import (
    Document,
    decode_page,
    display_path,
    read_document,
    read_record,
    record_path,
)
from ingest.output import atomic_write, remove_stale_temporaries
from ingest.pipeline import (
    BatchOptions,
    clean_document,
    default_jobs,
    render,
    worker_pool,
    worker_ruleset,
    write_outputs,
)
from ingest.rules import Ruleset
from ingest.workers import Supervisor

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_KEPT_HEADERS = (
    "content-type", "content-length", "content-encoding", "content-language", "etag",
    "last-modified", "date", "cache-control", "retry-after",
)  # fmt: skip
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
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
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def url_key(url: str) -> str:
    """A stable, filesystem-safe output name for a URL: host, a readable slug, a hash."""
    parts = urlsplit(url)
    host = re.sub(r"[^a-z0-9.-]+", "-", (parts.hostname or "page").lower().removeprefix("www."))
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
    """Fetch, keep and clean every URL; the outcomes come back in the order of `urls`."""
    return asyncio.run(_fetch_all(list(urls), ruleset, options or FetchOptions(), on_done))


async def _fetch_all(
    urls: list[str],
    ruleset: Ruleset,
    options: FetchOptions,
    on_done: Callable[[FetchOutcome], None] | None,
) -> list[FetchOutcome]:
    limits = httpx.Limits(
        max_connections=options.connections, max_keepalive_connections=options.connections
    )
    # Extraction and cleaning are CPU work that holds the GIL for long stretches: in threads
    # they starve the event loop and every deadline fires late. They run in processes.
    jobs = max(1, min(options.jobs or default_jobs(), len(urls)))
    workers = worker_pool(ruleset, jobs, options.batch.doc_timeout)
    for folder in (options.raw_dir, options.batch.out_dir):
        remove_stale_temporaries(folder)
    async with httpx.AsyncClient(
        follow_redirects=True,
        max_redirects=options.max_redirects,
        limits=limits,
        headers={"User-Agent": options.user_agent},
        timeout=httpx.Timeout(options.timeout),
    ) as client:
        fetcher = _Fetcher(client, ruleset, options, workers)

        async def run(url: str) -> FetchOutcome:
            outcome = await fetcher.one(url)
            if on_done:
                on_done(outcome)
            return outcome

        try:
            return list(await asyncio.gather(*(run(u) for u in urls)))
        finally:
            if workers is not None:
                workers.shutdown(cancel_futures=True)
            for folder in (options.raw_dir, options.batch.out_dir):
                remove_stale_temporaries(folder)


def _clean_in_worker(doc: Document, options: CleanOptions) -> tuple[bytes, bytes]:
    return render(*clean_document(doc, worker_ruleset(), options))


def _keep(
    out_dir: Path, key: str, page: Path, body: bytes, record: bytes, text: bytes, meta: bytes
) -> None:
    """Write a fetched page's four files, the HTTP record last: it is what tells a later run
    the URL is done. If any write fails, what this call wrote goes again (and a record from
    before, which no longer matches the files), so that the next run fetches it afresh."""
    files = [out_dir / f"{key}.txt", out_dir / f"{key}.json", page, record_path(page)]
    existed = [f.exists() for f in files]
    try:
        write_outputs(out_dir, key, text, meta)
        atomic_write(page, body)
        atomic_write(files[3], record)
    except BaseException:
        for file, was in zip(files, existed, strict=True):
            if not was or file == files[3]:
                with contextlib.suppress(OSError):
                    file.unlink(missing_ok=True)
        raise


class _Fetcher:
    def __init__(
        self,
        client: httpx.AsyncClient,
        ruleset: Ruleset,
        options: FetchOptions,
        workers: Supervisor | None,
    ) -> None:
        self.client = client
        self.workers = workers
        self.ruleset = ruleset
        self.options = options
        self.everyone = asyncio.Semaphore(options.connections)
        self.hosts: dict[str, asyncio.Semaphore] = {}
        self.robots: dict[str, asyncio.Task[urllib.robotparser.RobotFileParser | None]] = {}

    async def one(self, url: str) -> FetchOutcome:
        key = url_key(url)
        page = self.options.raw_dir / f"{key}.html"
        try:
            scheme = urlsplit(url).scheme
            if scheme not in {"http", "https"} or not urlsplit(url).hostname:
                raise FetchError(f"{url}: not an http(s) URL (check the address)")
            try:
                previous = read_record(page)
            except InputError:
                previous = None  # an unreadable record is no record: fetch again
            if previous and not self.options.refresh:
                if (self.options.batch.out_dir / f"{key}.json").exists():
                    return FetchOutcome(url, key, "skipped")
                # kept in raw/ by a run that could not write its clean text: finish it
                return await self._finish(url, key, page)
            if self.options.robots and not await self._allowed(url):
                raise FetchError(
                    f"{url}: disallowed by the site's robots.txt "
                    "(pass --ignore-robots if you have the right to fetch it)"
                )
            got = await self._get(url, previous if self.options.refresh else None)
            if got is None:
                return FetchOutcome(url, key, "unchanged")
            body, record = got
            # Clean before writing anything: a page with no article text is a failed URL.
            text, encoding = decode_page(body, url, record)
            record["charset"] = encoding
            doc = Document(url, key, body, text, encoding, is_html=True, record=record)
            clean_text, clean_meta = await self._clean(doc)
            record_bytes = (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode()
            # fsyncs would stall the event loop and with it every other URL's deadline
            await asyncio.to_thread(
                _keep, self.options.batch.out_dir, key, page, body, record_bytes,
                clean_text, clean_meta,
            )  # fmt: skip
            return FetchOutcome(url, key)
        except TimeoutError:
            return FetchOutcome(url, key, "failed", (
                f"{url}: no complete answer within {self.options.timeout:g} s, retries included "
                "(raise --timeout, or try later)"
            ))  # fmt: skip
        except IngestError as exc:
            return FetchOutcome(url, key, "failed", str(exc))
        except OSError as exc:
            where = display_path(Path(exc.filename)) if exc.filename else "the output folders"
            return FetchOutcome(url, key, "failed", f"{url}: cannot write {where}: {exc.strerror}")
        except Exception as exc:  # never foreseen: this URL's error, not the batch's end
            return FetchOutcome(url, key, "failed", str(InternalError.of(url, exc)))

    async def _clean(self, doc: Document) -> tuple[bytes, bytes]:
        """The page's clean text and record, from a worker process under the document
        deadline (or here, where workers cannot have the ruleset)."""
        options = self.options.batch.clean
        if self.workers is None:
            return render(*clean_document(doc, self.ruleset, options))
        future = self.workers.submit(_clean_in_worker, doc, options, name=doc.source)
        result: tuple[bytes, bytes] = await asyncio.wrap_future(future)
        return result

    async def _finish(self, url: str, key: str, page: Path) -> FetchOutcome:
        """Clean a page an earlier run kept in raw/ but could not clean or write out."""
        doc = await asyncio.to_thread(read_document, page)
        clean_text, clean_meta = await self._clean(doc)
        await asyncio.to_thread(
            write_outputs, self.options.batch.out_dir, key, clean_text, clean_meta
        )
        return FetchOutcome(url, key, "completed")

    def _host_slot(self, url: str) -> asyncio.Semaphore:
        host = urlsplit(url).netloc.lower()
        if host not in self.hosts:
            self.hosts[host] = asyncio.Semaphore(self.options.per_host)
        return self.hosts[host]

    async def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.robots:
            self.robots[origin] = asyncio.ensure_future(self._robots(origin))
        parser = await self.robots[origin]
        return parser is None or parser.can_fetch(self.options.user_agent, url)

    async def _robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        """The site's robots.txt; None (allow all) when it is missing or unreachable."""
        try:
            async with self.everyone, self._host_slot(origin):
                async with asyncio.timeout(self.options.timeout):
                    response = await self.client.get(f"{origin}/robots.txt")
        except (httpx.HTTPError, TimeoutError):
            return None
        if response.status_code >= 400:
            return None
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(response.text.splitlines())
        return parser

    async def _get(
        self, url: str, previous: dict[str, Any] | None
    ) -> tuple[bytes, dict[str, Any]] | None:
        headers = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"}
        if previous:
            if previous.get("etag"):
                headers["If-None-Match"] = previous["etag"]
            if previous.get("last_modified"):
                headers["If-Modified-Since"] = previous["last_modified"]
        attempt = 0
        # The deadline starts with the first request, not while the URL waits for a free slot
        # behind other URLs of the same host; after that, retries and waits all count.
        deadline: float | None = None
        loop = asyncio.get_running_loop()
        while True:
            try:
                async with self.everyone, self._host_slot(url):
                    deadline = deadline or loop.time() + self.options.timeout
                    async with asyncio.timeout_at(deadline):
                        result = await self._attempt(url, headers)
            except httpx.TooManyRedirects as exc:
                raise FetchError(
                    f"{url}: more than {self.options.max_redirects} redirects "
                    "(a redirect loop?); open it in a browser to see where it goes"
                ) from exc
            except (httpx.TransportError, httpx.DecodingError) as exc:
                if attempt >= self.options.retries:
                    raise FetchError(
                        f"{url}: {type(exc).__name__} after {attempt + 1} attempts "
                        f"({exc or 'no detail'}); check the address or try later"
                    ) from exc
                async with asyncio.timeout_at(deadline):
                    await asyncio.sleep(self.options.backoff * 2**attempt)
                attempt += 1
                continue
            status, response, body = result
            if status == 304:
                return None
            if status in _RETRY_STATUS and attempt < self.options.retries:
                async with asyncio.timeout_at(deadline):
                    await asyncio.sleep(self._wait(response, attempt))
                attempt += 1
                continue
            if status >= 400:
                reason = response.reason_phrase or "error"
                tried = f" after {attempt + 1} attempts" if attempt else ""
                raise FetchError(f"{url}: HTTP {status} {reason}{tried}")
            return body, _record(url, response)

    async def _attempt(
        self, url: str, headers: dict[str, str]
    ) -> tuple[int, httpx.Response, bytes]:
        async with self.client.stream("GET", url, headers=headers) as response:
            if response.status_code >= 300:
                return response.status_code, response, b""
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > self.options.max_bytes:
                raise _too_big(url, self.options.max_bytes)
            chunks: list[bytes] = []
            size = 0
            # aiter_bytes() decompresses: the cap applies to what we would keep and parse.
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.options.max_bytes:
                    raise _too_big(url, self.options.max_bytes)
                chunks.append(chunk)
            body = b"".join(chunks)
            media = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if media not in HTML_TYPES and not (not media and _looks_like_html(body)):
                raise FetchError(
                    f"{url}: is {media or 'of no declared type'}, not an HTML page "
                    "(ingest reads articles from HTML)"
                )
            return response.status_code, response, body

    def _wait(self, response: httpx.Response, attempt: int) -> float:
        backoff = float(self.options.backoff * 2**attempt)
        said = response.headers.get("retry-after")
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


def _record(url: str, response: httpx.Response) -> dict[str, Any]:
    headers = {k: response.headers[k] for k in _KEPT_HEADERS if k in response.headers}
    found = _CHARSET.search(response.headers.get("content-type", ""))
    return {
        "url": url,
        "final_url": str(response.url),
        "status": response.status_code,
        "redirects": [str(r.url) for r in response.history],
        "headers": headers,
        "etag": response.headers.get("etag"),
        "last_modified": response.headers.get("last-modified"),
        "charset": found.group(1).lower() if found else None,
        "fetched_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def _too_big(url: str, cap: int) -> FetchError:
    return FetchError(f"{url}: body is larger than {cap:,} bytes (raise --max-bytes to allow it)")
