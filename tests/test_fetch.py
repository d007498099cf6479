"""`ingest fetch` against a real HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from ingest import Ruleset
from ingest.fetch import fetch_urls, url_key

from .helpers import fetch_options as options
from .helpers import run_ingest
from .httpserver import LATENCY, Server

ROOT = Path(__file__).resolve().parent.parent


def test_batch_with_faults_ingests_the_good_names_the_bad_and_exits_1(
    server: Server, tmp_path: Path
) -> None:
    good = [
        "/article/one",
        "/redirect",
        "/flaky",
        "/busy",
        "/wrong-charset",
        "/no-charset",
        "/gzip",
    ]
    bad = {
        "/loop": "redirects",
        "/missing": "HTTP 404",
        "/slow": "within 10 s",
        "/huge": "larger than 1,000,000 bytes",
        "/pdf": "is application/pdf, not an HTML page",
        "/private": "robots.txt",
    }
    (tmp_path / "urls.txt").write_text(
        "# a batch\n" + "\n".join(server.url(p) for p in [*good, *bad]) + "\n\nftp://nope\n",
        encoding="utf-8",
    )
    started = time.perf_counter()
    done = run_ingest(
        "fetch",
        "-i",
        "urls.txt",
        "--timeout",
        "10",
        "--max-bytes",
        "1000000",
        "--retries",
        "2",
        "--per-host",
        "4",
        cwd=tmp_path,
    )
    elapsed = time.perf_counter() - started
    err = done.stderr.decode()
    assert done.returncode == 1, err
    errors = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert len(errors) == len(bad) + 1, err
    for path, reason in bad.items():
        line = next((e for e in errors if server.url(path) + ":" in e), None)
        assert line is not None and reason in line, (path, line)
    assert any("ftp://nope: not an http(s) URL" in e for e in errors)
    assert f"fetched {len(good)} of {len(good) + len(bad) + 1}" in err

    raw, clean = tmp_path / "raw", tmp_path / "clean"
    keys = {url_key(server.url(p)) for p in good}
    assert {p.name for p in raw.iterdir()} == {f"{k}.html" for k in keys} | {
        f"{k}.http.json" for k in keys
    }, "only good pages are kept, each with its HTTP record, nothing partial"
    assert {p.name for p in clean.iterdir()} == {f"{k}.txt" for k in keys} | {
        f"{k}.json" for k in keys
    }
    for path in ("/wrong-charset", "/no-charset"):
        text = (clean / f"{url_key(server.url(path))}.txt").read_text(encoding="utf-8")
        assert "Le président a parlé à la télévision." in text
    redirected = json.loads((raw / f"{url_key(server.url('/redirect'))}.http.json").read_text())
    assert redirected["final_url"] == server.url("/article/redirected")
    assert redirected["redirects"] == [server.url("/redirect")]
    meta = json.loads((clean / f"{url_key(server.url('/gzip'))}.json").read_text())
    assert meta["url"] == server.url("/gzip") and meta["site"] == "127.0.0.1"
    assert meta["title"] == "A test article"
    assert server.hits["/flaky"] == 2 and server.hits["/busy"] == 2
    assert server.hits["/robots.txt"] == 1, "robots.txt is read once per host"
    assert server.hits["/private"] == 0
    assert elapsed < 60


def test_retry_after_is_honoured(server: Server, tmp_path: Path) -> None:
    started = time.perf_counter()
    (outcome,) = fetch_urls([server.url("/busy")], RULES, options(tmp_path))
    assert outcome.ok
    assert time.perf_counter() - started >= 1.0, "waited for Retry-After: 1"


def test_ignore_robots_fetches_disallowed_pages(server: Server, tmp_path: Path) -> None:
    (outcome,) = fetch_urls([server.url("/private")], RULES, options(tmp_path, robots=False))
    assert outcome.ok and server.hits["/private"] == 1


def test_already_fetched_is_skipped_and_refresh_asks_conditionally(
    server: Server, tmp_path: Path
) -> None:
    url = server.url("/etag")
    assert fetch_urls([url], RULES, options(tmp_path))[0].status == "ok"
    assert fetch_urls([url], RULES, options(tmp_path))[0].status == "skipped"
    assert server.hits["/etag"] == 1
    again = fetch_urls([url], RULES, options(tmp_path, refresh=True))[0]
    assert again.status == "unchanged"
    assert server.headers_seen["/etag"].get("If-None-Match") == '"v1"'
    # as one JSON Lines stream: the unchanged page is in it, cleaned from raw/
    done = run_ingest(
        "fetch", url, "--refresh", "--format", "jsonl", "--raw", str(tmp_path / "raw"),
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    (line,) = done.stdout.decode().splitlines()
    assert json.loads(line)["url"] == url and server.hits["/etag"] == 3


def test_concurrent_fetch_takes_a_fraction_of_the_sequential_time(
    server: Server, tmp_path: Path
) -> None:
    urls = [server.url(f"/delay/{i}") for i in range(30)]
    started = time.perf_counter()
    outcomes = fetch_urls(urls, RULES, options(tmp_path, connections=10, per_host=10))
    elapsed = time.perf_counter() - started
    assert all(o.ok for o in outcomes)
    sequential = LATENCY * len(urls)
    print(f"{len(urls)} pages: {elapsed:.2f}s against {sequential:.1f}s sequential")
    assert elapsed < 0.5 * sequential, f"{elapsed:.2f}s against {sequential:.1f}s sequential"
    assert server.max_in_flight > 2


def test_per_host_limit_bounds_requests_in_flight(server: Server, tmp_path: Path) -> None:
    urls = [server.url(f"/delay/{i}") for i in range(8)]
    fetch_urls(urls, RULES, options(tmp_path, connections=8, per_host=2))
    assert server.max_in_flight <= 2


def test_fetch_output_does_not_depend_on_the_worker_processes(
    server: Server, tmp_path: Path
) -> None:
    urls = [server.url(f"/article/{name}") for name in ("a", "b", "c")] + [
        server.url("/no-charset")
    ]
    written = {}
    for jobs in (1, 2):
        base = tmp_path / f"jobs{jobs}"
        outcomes = fetch_urls(urls, RULES, options(base, jobs=jobs))
        assert all(o.ok for o in outcomes)
        written[jobs] = {
            p.name: json.loads(p.read_text()) | {"fetched_at": None}
            if p.suffix == ".json"
            else p.read_bytes()
            for p in sorted((base / "clean").iterdir())
        }
    assert len(written[1]) == 2 * len(urls)
    assert written[1] == written[2]


def test_cleaning_raw_again_reproduces_what_fetch_wrote(server: Server, tmp_path: Path) -> None:
    urls = [server.url("/article/a"), server.url("/no-charset")]
    fetch_urls(urls, RULES, options(tmp_path))
    done = run_ingest("clean", "raw", "--out", "again", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    for made in (tmp_path / "clean").iterdir():
        assert (tmp_path / "again" / made.name).read_bytes() == made.read_bytes(), made.name


def test_url_keys_are_stable_and_filesystem_safe() -> None:
    key = url_key("https://www.lemonde.fr/en/international/article/2024/03/01/troops.html?x=1")
    assert key == url_key(
        "https://www.lemonde.fr/en/international/article/2024/03/01/troops.html?x=1"
    )
    assert key.startswith("lemonde.fr_") and "/" not in key and "?" not in key
    assert url_key("https://a.org/x") != url_key("https://a.org/y")


RULES: Ruleset


@pytest.fixture(autouse=True)
def _rules(ruleset: Ruleset) -> None:
    global RULES
    RULES = ruleset
