"""Pages out of WARC files, as `ingest fetch` would have received them.

A WARC response record stores what came over the wire: the HTTP headers, then the body as
sent, still chunked (Transfer-Encoding) and compressed (Content-Encoding) when the crawler
kept it so. A page read from it gets what a fetched page gets: the body de-chunked and
decoded by ingest's own bounded decoder (`content_encoding.Decoder`), its `raw_sha256` taken
over those bytes, and the same HTTP record as `<key>.http.json`, so the charset the server
declared decides the decoding. Text decoded by someone else (datatrove's WarcReader guesses a
charset with cchardet) can do neither.

Needs warcio (`pip install 'ingest[datatrove]'`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from warcio.bufferedreaders import ChunkedDataReader

from ingest.content_encoding import CHUNK, ContentEncodingError, LayerTooLarge, decode_all
from ingest.errors import InputError
from ingest.fetch import HTML_TYPES, http_record
from ingest.inputs import looks_like_html


@dataclass(frozen=True)
class WarcPage:
    """One HTML response. `body` is None when it cannot be read, and `error` says why."""

    record_id: str
    url: str
    date: str | None  # WARC-Date: when it was crawled
    http: dict[str, Any]  # ingest's HTTP record
    body: bytes | None
    error: InputError | None = None


def read_response(record: Any, max_bytes: int) -> WarcPage | str:
    """The page in a warcio record, or why it is none: "not_response" (requests, metadata,
    revisits), "status" (not a 2xx answer), "not_html" (another media type)."""
    if record.rec_type != "response" or record.http_headers is None:
        return "not_response"
    answer = record.http_headers
    try:
        status = int(answer.get_statuscode() or 0)
    except ValueError:
        status = 0
    if not 200 <= status < 300:
        return "status"
    headers: dict[str, str] = {}
    for name, value in answer.headers:
        # repeated headers are joined, as httpx joins them for `ingest fetch`
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    if media and media not in HTML_TYPES:
        return "not_html"
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    date = record.rec_headers.get_header("WARC-Date")
    record_id = record.rec_headers.get_header("WARC-Record-ID") or url
    http = http_record(url, url, status, headers, fetched_at=date)
    try:
        body = _body(record, headers, max_bytes)
    except LayerTooLarge:
        problem = f"body is larger than {max_bytes:,} bytes once decoded"
        error = InputError(url, problem, "raise the reader's max_bytes if it is an article")
        return WarcPage(record_id, url, date, http, None, error)
    except ContentEncodingError as exc:
        fix = "fetch the page again: the crawl stored a body ingest cannot decode"
        error = InputError(url, f"body {exc.problem}", fix)
        return WarcPage(record_id, url, date, http, None, error)
    if not media and not looks_like_html(body):
        return "not_html"
    return WarcPage(record_id, url, date, http, body)


def _body(record: Any, headers: dict[str, str], cap: int) -> bytes:
    stream = record.raw_stream
    if "chunked" in headers.get("transfer-encoding", "").lower():
        # No decompression here: decode_all does it, bounded. Broken framing is read as
        # unchunked, as browsers read it.
        stream = ChunkedDataReader(stream)
    pieces = iter(lambda: stream.read(CHUNK), b"")
    return decode_all(pieces, headers.get("content-encoding", "").split(","), cap)
