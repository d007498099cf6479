"""Starting from a site's feeds and sitemaps, and one page under one name: against the tests'
own server on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from ingest import load_ruleset
from ingest.fetch import FetchOptions, discover_urls, fetch_urls, url_key
from ingest.urls import normalize

from .helpers import fetch_options, run_ingest
from .httpserver import Server, serve

RULES = load_ruleset()


@pytest.mark.parametrize(
    ("asked", "name"),
    [
        ("HTTPS://Example.COM:443/a", "https://example.com/a"),
        ("https://example.com/a#top", "https://example.com/a"),
        ("https://example.com/a?utm_source=x&id=3&fbclid=y", "https://example.com/a?id=3"),
        ("http://example.com:80/news/", "http://example.com/news/"),
        ("http://example.com:8080/a?b=2&a=1", "http://example.com:8080/a?b=2&a=1"),
        # the path is the server's: a redirect service's // and %2F stay as they are
        ("http://example.com/to/http://other.example//x%2Fy", "http://example.com/to/http://other.example//x%2Fy"),
        ("https://example.com", "https://example.com/"),
        ("ftp://example.com/a#b", "ftp://example.com/a#b"),
        ("http://[::1", "http://[::1"),
    ],
)  # fmt: skip
def test_an_address_has_one_name(asked: str, name: str) -> None:
    assert normalize(asked) == name


def test_one_page_under_several_addresses_is_fetched_once_under_one_key(
    server: Server, tmp_path: Path
) -> None:
    first = server.url("/article/same")
    asked = [first, first + "#comments", first + "?utm_source=newsletter", first.upper()[:4]
             + first[4:]]  # fmt: skip
    outcomes = fetch_urls(asked, RULES, fetch_options(tmp_path))
    assert [(o.url, o.status) for o in outcomes] == [(first, "ok")]
    assert server.hits["/article/same"] == 1
    key = url_key(first)
    assert outcomes[0].key == key
    record = json.loads((tmp_path / "clean" / f"{key}.json").read_text("utf-8"))
    assert record["url"] == first and record["normalized_url"] == first
    # asked with a tracking parameter: the record keeps both addresses
    tracked = server.url("/article/tracked?utm_campaign=spring")
    outcomes = fetch_urls([tracked], RULES, fetch_options(tmp_path))
    record = json.loads((tmp_path / "clean" / f"{outcomes[0].key}.json").read_text("utf-8"))
    assert record["url"] == tracked
    assert record["normalized_url"] == server.url("/article/tracked")


def test_a_page_kept_under_its_key_from_before_normalising_is_not_fetched_again(
    server: Server, tmp_path: Path
) -> None:
    old = server.url("/article/kept?utm_source=x")
    options = fetch_options(tmp_path)
    fetch_urls([old], RULES, options)
    made = {p.name for p in (tmp_path / "raw").iterdir()}
    # as an earlier version of ingest kept it: under the key of the address as asked
    for name in made:
        target = name.replace(url_key(normalize(old)), url_key(old))
        (tmp_path / "raw" / name).rename(tmp_path / "raw" / target)
    for file in (tmp_path / "clean").iterdir():
        file.rename(file.with_name(file.name.replace(url_key(normalize(old)), url_key(old))))
    hits = server.hits["/article/kept?utm_source=x"] + server.hits["/article/kept"]
    outcomes = fetch_urls([old], RULES, options)
    assert outcomes[0].status == "skipped" and outcomes[0].key == url_key(old)
    assert server.hits["/article/kept?utm_source=x"] + server.hits["/article/kept"] == hits


def _in_the_feeds(server: Server) -> list[str]:
    """What the server's RSS feed, then its Atom feed, list: each page once."""
    return [
        server.url("/article/news-one"),
        server.url("/article/news-two?utm_source=rss"),
        server.url("/article/archive-old"),
        "https://elsewhere.example/article/x",
        server.url("/article/news-three"),
    ]


def test_feeds_and_sitemaps_list_their_articles_each_once(server: Server) -> None:
    options = FetchOptions(timeout=5.0, retries=0)
    found = discover_urls(
        [server.url("/feed.rss"), server.url("/feed.atom")], [server.url("/sitemap.xml")], options
    )
    assert found.errors == ()
    assert list(found.urls) == [
        *_in_the_feeds(server),
        # the index's sitemaps in order; the second one gzipped
        server.url("/article/map-one"),
        server.url("/article/map-two"),
        server.url("/article/archive-2019"),
    ]
    only = discover_urls(
        [server.url("/feed.rss")], [], options, url_filter=[server.url("/article/news-")]
    )
    assert list(only.urls) == [
        server.url("/article/news-one"),
        server.url("/article/news-two?utm_source=rss"),
    ]


def test_a_feed_that_cannot_be_read_is_named_and_the_others_still_count(server: Server) -> None:
    options = FetchOptions(timeout=5.0, retries=0)
    found = discover_urls(
        [server.url("/missing"), server.url("/private/feed.rss"), server.url("/article/page")],
        [server.url("/feed.rss")],  # a feed given as a sitemap lists nothing as one
        options,
    )
    problems = [str(e) for e in found.errors]
    assert problems[0].startswith(server.url("/missing") + ": HTTP 404")
    assert "disallowed by the site's robots.txt" in problems[1]
    assert "lists no article addresses (is it an RSS or Atom feed, or a page that" in problems[2]
    assert "lists no article addresses (is it a sitemap?)" in problems[3]
    assert found.urls == ()


def test_fetch_from_a_feed_with_a_filter_as_a_user_runs_it(server: Server, tmp_path: Path) -> None:
    done = run_ingest(
        "fetch", "--feed", server.url("/feed.rss"), "--url-filter", server.url("/article/news-"),
        "--format", "jsonl", "--out", "day.jsonl", cwd=tmp_path,
    )  # fmt: skip
    err = done.stderr.decode()
    assert done.returncode == 0, err
    assert "2 addresses from 1 feed or sitemap" in err
    lines = [json.loads(x) for x in (tmp_path / "day.jsonl").read_text("utf-8").splitlines()]
    assert [line["normalized_url"] for line in lines] == [
        server.url("/article/news-one"),
        server.url("/article/news-two"),
    ]
    assert all(line["text"] for line in lines)
    assert not (tmp_path / "clean").exists() and (tmp_path / "raw").is_dir()
    done = run_ingest("fetch", "--url-filter", "https://x.example/", cwd=tmp_path)
    assert done.returncode == 2 and b"--url-filter goes with --feed or --sitemap" in done.stderr


def test_a_sites_address_stands_for_its_feeds_and_sitemaps_as_trafilatura_finds_them(
    tmp_path: Path,
) -> None:
    options = FetchOptions(timeout=5.0, retries=0)
    with serve("sitemap") as server:
        # the home page's <link rel="alternate"> feeds; the sitemap robots.txt names
        found = discover_urls([server.url("/")], [server.url("/")], options)
        assert found.errors == ()
        assert list(found.urls) == [
            *_in_the_feeds(server),
            server.url("/article/map-one"),
            server.url("/article/map-two"),
        ]
        assert server.hits["/sitemap.xml"] == 0
    with serve("404") as server:
        # no robots.txt: the usual places, up to the first that answers (/sitemap.xml, an index)
        found = discover_urls([], [server.url("/")], options)
        assert found.errors == ()
        assert found.urls[-1] == server.url("/article/archive-2019")
        assert server.hits["/sitemap.xml"] == 1 and server.hits["/sitemap.xml.gz"] == 0
    with serve("rules") as server:
        # a site with neither: named once, not once per place tried
        server.hidden.add("/sitemap.xml")
        found = discover_urls([], [server.url("")], options)
        (error,) = found.errors
        assert str(error).startswith(server.url("") + ": names no sitemap in its")


def test_list_prints_the_addresses_and_fetches_none(server: Server, tmp_path: Path) -> None:
    done = run_ingest(
        "fetch", server.url("/article/given"), server.url("/article/news-one#top"),
        "--feed", server.url("/"), "--list", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    assert (
        done.stdout.decode().splitlines()
        == [
            server.url("/article/given"),
            server.url("/article/news-one#top"),  # the page once, under the first address given
            *_in_the_feeds(server)[1:],
        ]
    )
    assert not any(path.startswith("/article/") for path in server.hits)
    assert not (tmp_path / "raw").exists() and not (tmp_path / "clean").exists()


def test_a_gzipped_sitemap_inflates_to_its_limit_and_no_further() -> None:
    from ingest import discover
    from ingest.errors import FetchError

    bomb = gzip.compress(b"\0" * (4 << 20), 9)  # 4 KB that inflate to 4 MiB
    with pytest.raises(FetchError, match="inflates to more than 1,048,576 bytes"):
        discover.decode(bomb, "https://example.com/sitemap.xml.gz", 1 << 20)
    listing = b"https://example.com/a\nhttps://example.com/b\n"
    text = discover.decode(gzip.compress(listing), "https://example.com/s.txt.gz", 1 << 20)
    assert text == listing.decode()
