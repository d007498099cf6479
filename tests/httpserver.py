"""A real HTTP server on 127.0.0.1 for the fetch tests, with the faults the web has."""

from __future__ import annotations

import gzip
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LATENCY = 1.0  # seconds of artificial latency on /delay/ pages


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


class _Listener(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops concurrent connects, which the kernel retries a
    # second later: the test would measure that, not the client's concurrency.
    request_queue_size = 128
    daemon_threads = True


class Server:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.in_flight = 0
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

            def route(self, path: str, hit: int) -> None:
                ok = article("A test article", path).encode()
                if path == "/robots.txt":
                    self.send(200, b"User-agent: *\nDisallow: /private\n", "text/plain")
                elif path.startswith(("/article/", "/private")):
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
                elif path == "/etag":
                    if self.headers.get("If-None-Match") == '"v1"':
                        self.send(304, b"", headers={"ETag": '"v1"'})
                    else:
                        self.send(200, ok, headers={"ETag": '"v1"'})
                elif path.startswith("/delay/"):
                    time.sleep(LATENCY)
                    self.send(200, ok)
                else:
                    self.send(404, b"no route")

        return Handler


@contextmanager
def serve() -> Iterator[Server]:
    server = Server()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
