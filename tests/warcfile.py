"""WARC files for the tests, written with warcio as crawlers write them: each response after
its request, bodies stored as sent (gzipped, chunked, in the charset the header names)."""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .httpserver import article

HOST = "https://news.example.org"


@dataclass(frozen=True)
class Response:
    name: str  # the URL's last segment
    body: bytes  # what ingest should read: de-chunked, Content-Encoding undone
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html"),)
    wire: bytes | None = None  # what the WARC holds, as it came over the wire, if not `body`
    status: str = "200 OK"

    @property
    def url(self) -> str:
        return f"{HOST}/{self.name}"

    @property
    def stored(self) -> bytes:
        return self.body if self.wire is None else self.wire


def _chunked(data: bytes, size: int = 100) -> bytes:
    parts = [data[i : i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


FRENCH = (
    "<!DOCTYPE html><html><head><title>Le président inaugure le musée</title></head><body>"
    "<nav><a href='/'>Accueil</a></nav><article><h1>Le président inaugure le musée</h1>"
    + "".join(
        f"<p>Paragraphe {i} : le président de la République a inauguré lundi le nouveau musée "
        "d’art moderne, en présence des élus régionaux et des représentants de l’État.</p>"
        for i in range(6)
    )
    + "</article></body></html>"
)
# No <meta> charset, and too short for detection to be sure: only the header tells.
SHORT_CP1252 = "<html><body><p>Le président du café a dit “non” à Zürich.</p></body></html>"


def responses() -> list[Response]:
    """Pages as crawlers store them, and records a page reader skips or drops."""
    gzipped = article("Gzipped page stays whole", "Gzip").encode()
    chunked = article("Chunked page arrives", "Chunk").encode()
    cut = gzip.compress(article("Cut in transit", "Cut").encode())
    return [
        Response("utf8", FRENCH.encode(), (("Content-Type", "text/html; charset=utf-8"),)),
        Response(
            "short1252",
            SHORT_CP1252.encode("cp1252"),
            (("Content-Type", "text/html; charset=windows-1252"),),
        ),
        Response(
            "gzip",
            gzipped,
            (("Content-Type", "text/html"), ("Content-Encoding", "gzip")),
            gzip.compress(gzipped),
        ),
        Response(
            "chunked",
            chunked,
            (("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")),
            _chunked(chunked),
        ),
        Response("noarticle", b"<html><body><nav><a href='/'>Home</a></nav></body></html>"),
        Response("binary", b"<html><body>" + bytes(range(256)) * 8),
        Response(
            "cutgzip",
            b"",
            (("Content-Type", "text/html"), ("Content-Encoding", "gzip")),
            cut[: len(cut) // 2],
        ),
        Response("image", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, (("Content-Type", "image/png"),)),
        Response("gone", b"<html><body>Not here</body></html>", status="404 Not Found"),
    ]


def write_warc(path: Path, items: list[Response]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=path.suffix == ".gz")
        for item in items:
            request = StatusAndHeaders(
                f"GET /{item.name} HTTP/1.1", [("Host", "news.example.org")], is_http_request=True
            )
            writer.write_record(
                writer.create_warc_record(
                    item.url, "request", payload=io.BytesIO(b""), http_headers=request
                )
            )
            headers = [*item.headers, ("Content-Length", str(len(item.stored)))]
            answer = StatusAndHeaders(item.status, headers, protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    item.url,
                    "response",
                    payload=io.BytesIO(item.stored),
                    http_headers=answer,
                    warc_headers_dict={"WARC-Date": "2024-03-01T10:51:00Z"},
                )
            )
