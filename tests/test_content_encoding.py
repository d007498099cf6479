"""Content-Encoding undone layer by layer, in bounded memory."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.content_encoding import (
    CHUNK,
    ContentEncodingError,
    Decoder,
    LayerTooLarge,
)


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


ENCODE: dict[str, Callable[[bytes], bytes]] = {
    "identity": lambda b: b,
    "gzip": gzip.compress,
    "x-gzip": gzip.compress,
    "deflate": zlib.compress,
    "raw-deflate": raw_deflate,  # sent as "deflate" by servers that skip the zlib wrapper
}


def encode(data: bytes, codings: list[str]) -> bytes:
    for coding in codings:
        data = ENCODE[coding](data)
    return data


def header(codings: list[str]) -> list[str]:
    return ["deflate" if c == "raw-deflate" else c for c in codings]


def decode(body: bytes, codings: list[str], step: int, limit: int = 1 << 30) -> bytes:
    decoder = Decoder(codings, limit)
    out = []
    for at in range(0, len(body), step):
        out.extend(decoder.feed(body[at : at + step]))
    decoder.finish()
    return b"".join(out)


@given(
    data=st.binary(max_size=3000),
    codings=st.lists(st.sampled_from(sorted(ENCODE)), max_size=3),
    step=st.integers(min_value=1, max_value=4000),
)
def test_any_supported_layers_fed_in_any_pieces_decode_to_the_original(
    data: bytes, codings: list[str], step: int
) -> None:
    body = encode(data, codings)
    assert decode(body, header(codings), step) == data


def test_several_gzip_members_and_trailing_junk() -> None:
    body = gzip.compress(b"one ") + gzip.compress(b"two") + b"\x00" * 100
    for step in (1, 7, len(body)):
        assert decode(body, ["gzip"], step) == b"one two"


def test_a_double_gzip_bomb_comes_out_in_bounded_pieces_and_memory() -> None:
    size = 50 * 1024 * 1024
    bomb = gzip.compress(gzip.compress(b"\0" * size, 9), 9)
    assert len(bomb) < 100_000
    decoder = Decoder(["gzip", "gzip"], 1 << 30)
    tracemalloc.start()
    try:
        total = 0
        for at in range(0, len(bomb), 16384):
            for piece in decoder.feed(bomb[at : at + 16384]):
                assert len(piece) <= CHUNK
                total += len(piece)
        decoder.finish()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == size
    assert peak < 2 * 1024 * 1024, f"held {peak:,} bytes decoding {size:,}"


def test_a_layer_below_the_last_is_held_to_the_limit() -> None:
    # The inner gzip ends early; the 5 MB of junk after it come out of the outer layer only to
    # be thrown away. Unbounded, a small body could make the outer layer spin for minutes.
    body = gzip.compress(gzip.compress(b"page") + b"\0" * 5_000_000)
    decoder = Decoder(["gzip", "gzip"], 1_000_000)
    with pytest.raises(LayerTooLarge):
        list(decoder.feed(body))


def test_a_body_cut_inside_its_gzip_data_is_truncated() -> None:
    body = gzip.compress(b"x" * 10_000)[:-10]
    decoder = Decoder(["gzip"], 1 << 30)
    list(decoder.feed(body))
    with pytest.raises(ContentEncodingError) as caught:
        decoder.finish()
    assert caught.value.truncated


@pytest.mark.parametrize(
    ("codings", "body", "says"),
    [
        (["gzip"], b"<html>plain</html>", "is labelled gzip but is not gzip data"),
        (["gzip"], gzip.compress(b"page")[:10] + b"\xff" * 40, "has corrupt gzip data"),
        (["deflate"], b"\x78\x9c" + b"\xff" * 40, "has corrupt deflate data"),
    ],
)
def test_corrupt_data_is_an_error_that_names_the_coding(
    codings: list[str], body: bytes, says: str
) -> None:
    with pytest.raises(ContentEncodingError, match=says) as caught:
        decode(body, codings, 4096)
    assert not caught.value.truncated


@pytest.mark.parametrize(
    ("codings", "says"),
    [
        (["br"], "Content-Encoding 'br', which ingest does not decode"),
        (["gzip", "zstd"], "Content-Encoding 'zstd'"),
        (["compress"], "Content-Encoding 'compress'"),
        (["gzip"] * 4, "compressed 4 times over"),
    ],
)
def test_codings_that_cannot_be_bounded_are_refused(codings: list[str], says: str) -> None:
    with pytest.raises(ContentEncodingError, match=says):
        Decoder(codings, 1 << 30)


def test_identity_and_empty_codings_are_no_layer() -> None:
    assert Decoder([" Identity ", "", "GZIP"], 10).layers[0].name == "gzip"
    assert decode(b"as is", ["identity", ""], 2) == b"as is"
    assert decode(b"", ["gzip"], 1) == b""
