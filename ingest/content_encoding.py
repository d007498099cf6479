"""HTTP Content-Encoding undone as a body streams in, layer by layer, in bounded memory.

httpx decodes each layer of a response whole, before anything can count what came out: a
3 KB body sent as `Content-Encoding: gzip, gzip` decodes to gigabytes inside one call. Here
every decompress call is given a `max_length`, so no layer hands on more than CHUNK bytes at a
time and its input waits in zlib's `unconsumed_tail` until the next layer has taken that; each
layer's running output is also held to a limit, which stops a layer whose output the next
layer throws away (trailing junk after the end of a gzip stream) from spinning unbounded.

Only what can be bounded is accepted: identity, gzip (x-gzip) and deflate, zlib-wrapped as
RFC 9110 says or raw as some servers send it. Brotli and zstd are not installed with ingest
(and neither is asked for in ACCEPT_ENCODING), so a body in them is refused by name.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

CHUNK = 64 * 1024
# More layers than this is no server's configuration but an attack: each layer multiplies the
# decompression work a small body can ask for.
MAX_LAYERS = 3
ACCEPT_ENCODING = "gzip, deflate"
_GZIP_MAGIC = b"\x1f\x8b"


class ContentEncodingError(Exception):
    """The body cannot be decoded; `problem` completes "body ...". `truncated`: it ends inside
    a compressed stream, as a connection cut in transit leaves it, so another attempt may get
    all of it."""

    def __init__(self, problem: str, *, truncated: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.truncated = truncated


class LayerTooLarge(Exception):
    """A layer below the last produced more than the limit."""


class _Inflate:
    """One gzip or deflate layer."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.stream: zlib._Decompress | None = None
        self.head = b""  # the start of a stream, held until its first two bytes say what it is
        self.streams = 0  # streams begun (gzip bodies may be several members, RFC 1952)
        self.ignoring = False  # past the last stream: what follows is junk, dropped

    def push(self, data: bytes) -> Iterator[bytes]:
        while data and not self.ignoring:
            if self.stream is None:
                data = self.head + data
                if len(data) < 2:
                    self.head = data
                    return
                self.head = b""
                self.stream = self._begin(data[:2])
                if self.stream is None:
                    self.ignoring = True
                    return
            stream = self.stream
            try:
                out = stream.decompress(data, CHUNK)
                while True:
                    if out:
                        yield out
                    # A full output chunk may leave output pending inside zlib even when all
                    # input was taken: ask again until it comes back short.
                    if stream.eof or (not stream.unconsumed_tail and len(out) < CHUNK):
                        break
                    out = stream.decompress(stream.unconsumed_tail, CHUNK)
            except zlib.error as exc:
                raise ContentEncodingError(f"has corrupt {self.name} data ({exc})") from exc
            if not stream.eof:
                return
            data = stream.unused_data
            self.stream = None

    def _begin(self, head: bytes) -> zlib._Decompress | None:
        if self.name == "gzip":
            if head != _GZIP_MAGIC:
                if self.streams:
                    return None  # junk after the last member: gzip(1) and browsers ignore it
                raise ContentEncodingError("is labelled gzip but is not gzip data")
            wbits = 16 + zlib.MAX_WBITS
        else:
            if self.streams:
                return None
            cmf, flg = head
            zlib_wrapped = cmf & 0x0F == 8 and cmf >> 4 <= 7 and (cmf << 8 | flg) % 31 == 0
            wbits = zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS
        self.streams += 1
        return zlib.decompressobj(wbits)

    def finish(self) -> None:
        if self.stream is not None or (self.head and not self.streams):
            raise ContentEncodingError(
                f"ends inside its {self.name} data, as if cut off in transit", truncated=True
            )


class Decoder:
    """Undoes the Content-Encoding `codings` (in the order the header lists them, the order
    they were applied) as the body's bytes are fed in; the caller caps the final output."""

    def __init__(self, codings: list[str], limit: int) -> None:
        names = [c.strip().lower() for c in codings]
        names = [n for n in names if n not in ("", "identity")]
        unknown = [n for n in names if n not in ("gzip", "x-gzip", "deflate")]
        if unknown:
            raise ContentEncodingError(
                f"is in Content-Encoding {unknown[0]!r}, which ingest does not decode "
                f"(it asks for {ACCEPT_ENCODING} only)"
            )
        if len(names) > MAX_LAYERS:
            raise ContentEncodingError(
                f"is compressed {len(names)} times over (Content-Encoding: "
                f"{', '.join(names)}), more than the {MAX_LAYERS} layers ingest undoes"
            )
        # The last coding listed was applied last: it comes off first.
        self.layers = [_Inflate("deflate" if n == "deflate" else "gzip") for n in reversed(names)]
        self.limit = limit
        self.totals = [0] * len(self.layers)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded bytes `data` yields, in pieces of at most CHUNK bytes when compressed."""
        return self._through(0, data)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self.layers):
            yield data
            return
        last = index == len(self.layers) - 1
        for out in self.layers[index].push(data):
            if not last:
                self.totals[index] += len(out)
                if self.totals[index] > self.limit:
                    raise LayerTooLarge
            yield from self._through(index + 1, out)

    def finish(self) -> None:
        """Check that the body did not end inside a compressed stream."""
        for layer in self.layers:
            layer.finish()


def decode_all(pieces: Iterable[bytes], codings: list[str], limit: int) -> bytes:
    """A whole body with the `codings` undone, in bounded memory: LayerTooLarge as soon as
    what any layer puts out, the last one's included, passes `limit`; ContentEncodingError
    when it cannot be decoded (or ends inside a compressed stream)."""
    decoder = Decoder(codings, limit)
    out: list[bytes] = []
    size = 0
    for piece in pieces:
        for part in decoder.feed(piece):
            size += len(part)
            if size > limit:
                raise LayerTooLarge
            out.append(part)
    decoder.finish()
    return b"".join(out)
