"""A real HTTP server on 127.0.0.1 for the fetch tests, with the faults the web has."""

from __future__ import annotations

import functools
import gzip
import sys
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

LATENCY = 1.0  # seconds of artificial latency on /delay/ pages
BOMB_SIZE = 50 * 1024 * 1024  # bytes the /bomb body decodes to (bench/faults.py sets 2 GiB)
ENDLESS_RATE = 20 * 1024 * 1024  # bytes per second of the endless bodies, at most
ROBOTS = """User-agent: *
Disallow: /private
Allow: /private/open
Disallow: /*?print=
Disallow: /exact$

# A group named after a word in ingest's User-Agent comment, not its product token
User-agent: article
Disallow: /
"""


# Feeds and sitemaps that list the server's own articles ("{base}" is the server's address).
RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>News</title><link>{base}/</link>
<item><title>One</title><link>{base}/article/news-one</link></item>
<item><title>Two</title><link>{base}/article/news-two?utm_source=rss</link></item>
<item><title>Old</title><link>{base}/article/archive-old</link></item>
<item><title>Elsewhere</title><link>https://elsewhere.example/article/x</link></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title>
<link rel="self" href="{base}/feed.atom"/>
<entry><title>Three</title><link href="{base}/article/news-three"/></entry>
<entry><title>One again</title><link href="{base}/article/news-one#comments"/></entry>
</feed>"""
HOME = """<!DOCTYPE html><html><head><title>News</title>
<link rel="alternate" type="application/rss+xml" title="News" href="/feed.rss">
<link rel="alternate" type="application/atom+xml" title="Latest" href="/feed.atom">
</head><body><nav><a href="/article/news-one">One</a></nav></body></html>"""
SITEMAP_INDEX = """<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{base}/sitemap-news.xml</loc></sitemap>
<sitemap><loc>{base}/sitemap-archive.xml.gz</loc></sitemap>
</sitemapindex>"""
SITEMAP_NEWS = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}/article/map-one</loc></url>
<url><loc>{base}/article/map-two</loc></url>
</urlset>"""
SITEMAP_ARCHIVE = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}/article/archive-2019</loc></url>
</urlset>"""
LISTINGS = {
    "/feed.rss": (RSS, "application/rss+xml"),
    "/feed.atom": (ATOM, "application/atom+xml"),
    "/sitemap.xml": (SITEMAP_INDEX, "application/xml"),
    "/sitemap-news.xml": (SITEMAP_NEWS, "application/xml"),
    "/sitemap-archive.xml.gz": (SITEMAP_ARCHIVE, "application/gzip"),
}


def article(title: str, marker: str, *, charset_meta: str | None = None) -> str:
    paragraphs = "".join(
        f"<p>{marker} paragraph {i}: the ministers met in Brussels on Monday to discuss the "
        f"budget, and officials said the talks would continue until an agreement was reached "
        f"on defence spending and aid.</p>"
        for i in range(6)
    )
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head><body>"
        f'<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<article><h1>{title}</h1>{paragraphs}"
        f'<div class="share-buttons"><a href="#">Facebook</a> <a href="#">Twitter</a></div>'
        f"</article><footer>Copyright 2024 Test Site</footer></body></html>"
    )


@functools.cache
def gzip_bomb(size: int) -> bytes:
    """`size` zero bytes gzipped (made in bounded memory): about 2 MB for 2 GiB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1 << 20)
    parts = [packer.compress(block) for _ in range(size // len(block))]
    parts.append(packer.compress(b"\0" * (size % len(block))) + packer.flush())
    return b"".join(parts)


@functools.cache
def double_gzip_bomb(size: int) -> bytes:
    """`size` zero bytes gzipped twice: a few KB on the wire for 2 GiB."""
    return gzip.compress(gzip_bomb(size), 9)


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


class _Listener(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops concurrent connects, which the kernel retries a
    # second later: the test would measure that, not the client's concurrency.
    request_queue_size = 128
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that stops reading (a body over the cap, a redirect's body) is the point of
        # several routes, not an error worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Server:
    """`robots` picks what /robots.txt does: "rules" (ROBOTS), "500", "404", "drop" (close the
    connection unanswered), "endless" (a rule, then comment lines forever), "slow" (ROBOTS
    over 1.5 s), "drip" (a byte a second, forever), "redirect" (to /robots-real.txt),
    "redirect-loop" (redirects without end), "sitemap" (ROBOTS naming /sitemap-news.xml)."""

    def __init__(self, robots: str = "rules") -> None:
        self.robots = robots
        self.hits: Counter[str] = Counter()
        self.in_flight = 0
        self.hidden: set[str] = set()  # paths answered 404, whatever their route
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.headers_seen: dict[str, dict[str, str]] = {}
        self.httpd = _Listener(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: object) -> None:
                pass

            def send(
                self,
                status: int,
                body: bytes,
                ctype: str = "text/html; charset=utf-8",
                headers: dict[str, str] | None = None,
                length: bool = True,
            ) -> None:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                if length:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                path = self.path
                with server.lock:
                    server.hits[path] += 1
                    hit = server.hits[path]
                    server.headers_seen[path] = dict(self.headers)
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    self.route(path, hit)
                finally:
                    with server.lock:
                        server.in_flight -= 1

            def stream(self, head: bytes, line: bytes, pause: float, lines: int | None) -> None:
                """A 200 text body with no length: `head`, then `line` `lines` times (None:
                until the client goes), `pause` seconds apart."""
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(head)
                sent = 0
                while lines is None or sent < lines:
                    self.wfile.write(line)
                    self.wfile.flush()
                    sent += 1
                    time.sleep(pause)

            def robots(self, path: str) -> None:
                mode = server.robots
                rules = ROBOTS.encode()
                if mode == "rules":
                    self.send(200, rules, "text/plain")
                elif mode == "sitemap":
                    named = f"Sitemap: {server.base}/sitemap-news.xml\n".encode()
                    self.send(200, rules + named, "text/plain")
                elif mode == "500":
                    self.send(500, b"oops", "text/plain")
                elif mode == "404":
                    self.send(404, b"no robots here", "text/plain")
                elif mode == "drop":
                    self.close_connection = True  # no status line at all
                elif mode == "endless":
                    padding = b"# " + b"x" * 1000 + b"\n"
                    self.stream(rules, padding, len(padding) / ENDLESS_RATE, None)
                elif mode == "slow":
                    self.stream(rules, b"# still coming\n", 0.1, 15)
                elif mode == "drip":
                    self.stream(b"", b"#", 1.0, None)
                elif mode == "redirect":
                    self.send(301, b"", headers={"Location": "/robots-real.txt"})
                elif mode == "redirect-loop":
                    step = int(path.removeprefix("/robots.txt").removeprefix("/") or 0)
                    self.send(302, b"", headers={"Location": f"/robots.txt/{step + 1}"})

            def route(self, path: str, hit: int) -> None:
                ok = article("A test article", path).encode()
                if path in server.hidden:
                    self.send(404, b"gone")
                elif path.startswith("/robots.txt"):
                    self.robots(path)
                elif path == "/":  # a home page, linking to its feeds
                    self.send(200, HOME.encode())
                elif path == "/robots-real.txt":
                    self.send(200, b"User-agent: *\nDisallow: /article/hidden\n", "text/plain")
                elif path.startswith(("/article/", "/private", "/exact")):
                    self.send(200, ok)
                elif path == "/redirect":
                    self.send(301, b"", headers={"Location": "/article/redirected"})
                elif path == "/loop":
                    self.send(302, b"", headers={"Location": "/loop"})
                elif path == "/missing":
                    self.send(404, b"not here")
                elif path == "/flaky":
                    self.send(500 if hit == 1 else 200, b"oops" if hit == 1 else ok)
                elif path == "/busy":
                    if hit == 1:
                        self.send(429, b"slow down", headers={"Retry-After": "1"})
                    else:
                        self.send(200, ok)
                elif path == "/slow":
                    time.sleep(30)
                    self.send(200, ok)
                elif path == "/huge":
                    self.send(
                        200,
                        b"<html><body><p>" + b"x" * 3_000_000 + b"</p></body></html>",
                        length=False,
                    )
                elif path == "/pdf":
                    self.send(200, b"%PDF-1.4 not a page", "application/pdf")
                elif path == "/wrong-charset":
                    page = article("Le président parle", "Le président a parlé à la télévision.")
                    self.send(200, page.encode("latin-1"))
                elif path == "/no-charset":
                    page = article(
                        "Le président parle",
                        "Le président a parlé à la télévision.",
                        charset_meta="iso-8859-1",
                    )
                    self.send(200, page.encode("latin-1"), "text/html")
                elif path == "/gzip":
                    self.send(200, gzip.compress(ok), headers={"Content-Encoding": "gzip"})
                elif path == "/gzip-gzip":
                    body = gzip.compress(gzip.compress(ok))
                    self.send(200, body, headers={"Content-Encoding": "gzip, x-gzip"})
                elif path == "/deflate":
                    self.send(200, zlib.compress(ok), headers={"Content-Encoding": "deflate"})
                elif path == "/deflate-raw":
                    self.send(200, raw_deflate(ok), headers={"Content-Encoding": "deflate"})
                elif path == "/bomb":
                    body = double_gzip_bomb(BOMB_SIZE)
                    self.send(200, body, headers={"Content-Encoding": "gzip, gzip"})
                elif path == "/bomb1":
                    self.send(200, gzip_bomb(BOMB_SIZE), headers={"Content-Encoding": "gzip"})
                elif path == "/br":
                    self.send(
                        200, b"\x1b\x00\xf8 not really brotli", headers={"Content-Encoding": "br"}
                    )
                elif path == "/gzip-cut":
                    self.send(200, gzip.compress(ok)[:-20], headers={"Content-Encoding": "gzip"})
                elif path == "/gzip-corrupt":
                    body = gzip.compress(ok)[:10] + b"\xff" * 100
                    self.send(200, body, headers={"Content-Encoding": "gzip"})
                elif path == "/utf16-header":
                    page = article("Le président parle", "Le président a parlé à la télévision.")
                    self.send(200, page.encode(), "text/html; charset=utf-16")
                elif path == "/undefined-charset":
                    page = article("Le président parle", "Le président a parlé à la télévision.")
                    self.send(200, page.encode(), 'text/html; charset="undefined"')
                elif path.startswith("/to/"):  # a redirect to whatever follows /to/
                    self.send(302, b"", headers={"Location": unquote(path.removeprefix("/to/"))})
                elif path == "/redirect-with-body":
                    # 30 MB of redirect body that no one needs: httpx read it whole
                    self.send_response(302)
                    self.send_header("Location", "/article/after-the-body")
                    self.end_headers()
                    chunk = b"x" * (1 << 20)
                    for _ in range(30):
                        self.wfile.write(chunk)
                elif path == "/endless":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.end_headers()
                    self.wfile.write(b"<html><body><p>")
                    chunk = b"x" * 65536
                    while True:
                        self.wfile.write(chunk)
                        time.sleep(len(chunk) / ENDLESS_RATE)
                elif path == "/etag":
                    if self.headers.get("If-None-Match") == '"v1"':
                        self.send(304, b"", headers={"ETag": '"v1"'})
                    else:
                        self.send(200, ok, headers={"ETag": '"v1"'})
                elif path in LISTINGS:
                    body, media = LISTINGS[path]
                    text = body.replace("{base}", server.base).encode()
                    self.send(200, gzip.compress(text) if path.endswith(".gz") else text, media)
                elif path.startswith("/delay/"):
                    time.sleep(LATENCY)
                    self.send(200, ok)
                else:
                    self.send(404, b"no route")

        return Handler


@contextmanager
def serve(robots: str = "rules") -> Iterator[Server]:
    server = Server(robots)
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
