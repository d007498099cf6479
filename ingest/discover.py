"""Article addresses from a site's RSS/Atom feeds and sitemaps, read by trafilatura's own
feeds and sitemaps modules (`ingest fetch --feed/--sitemap`).

trafilatura's functions would also download, with their own client; ingest fetches these
documents as it fetches pages (`ingest.fetch.discover_urls`: robots.txt, limits, retries,
one deadline) and hands trafilatura the text. Gzipped sitemaps (`sitemap.xml.gz`, gzip as
the file's own format rather than a Content-Encoding) are inflated here, to the same limit.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from ingest.content_encoding import ContentEncodingError, LayerTooLarge, decode_all
from ingest.errors import FetchError, InputError
from ingest.inputs import decode_page, looks_like_html

# As trafilatura's own sitemap search: an index pointing at more than this is a crawl, not
# a day's articles.
MAX_SITEMAPS = 10
# Feeds read for one page that links to them (trafilatura checks up to 1,000): a home page
# links to its main feed and a few by section or for comments.
MAX_FEEDS = 10
_GZIP = b"\x1f\x8b"


def decode(body: bytes, url: str, limit: int) -> str:
    """The text of a feed or sitemap fetched from `url` (inflated if gzipped, to `limit`
    bytes); FetchError when it cannot be read."""
    if body.startswith(_GZIP):
        try:
            body = decode_all([body], ["gzip"], limit)
        except ContentEncodingError as exc:
            raise FetchError(url, f"gzipped body {exc.problem}", "check the address") from exc
        except LayerTooLarge:
            raise FetchError(
                url, f"inflates to more than {limit:,} bytes", "raise --max-bytes"
            ) from None
    try:
        text, _ = decode_page(body, url, None)
    except InputError as exc:
        raise FetchError(url, exc.problem, "is it a feed or a sitemap?") from exc
    return text


def feed_links(text: str, url: str) -> list[str]:
    """The links of an RSS, Atom or JSON feed fetched from `url`, made absolute."""
    from trafilatura.feeds import FeedParameters, find_links

    return _absolute(find_links(text.strip(), FeedParameters(url, "", url)), url)


def page_feeds(text: str, url: str) -> list[str]:
    """The feeds a web page fetched from `url` (a site's home page) links to, as trafilatura's
    feed search finds them (<link rel="alternate">, else links that look like feeds), at most
    MAX_FEEDS."""
    from trafilatura.feeds import FeedParameters, determine_feed

    if not looks_like_html(text):
        return []
    base = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    return determine_feed(text, FeedParameters(base, "", url))[:MAX_FEEDS]


def is_site(url: str) -> bool:
    """Whether `url` is a site's address (its home page), which stands for its sitemaps.
    trafilatura takes any address not ending in .xml, .gz or "sitemap" for one; sitemaps
    served from other addresses (`/sitemap.php`, `/feeds/sitemap/`) are common enough that
    only the home page is taken so."""
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def sitemap_guesses(url: str) -> list[str]:
    """Where a site keeps its sitemap when its robots.txt does not say: trafilatura's guesses,
    the most common first."""
    from trafilatura.sitemaps import GUESSES

    base = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    return [f"{base}/{guess}" for guess in GUESSES]


def sitemap_links(text: str, url: str) -> tuple[list[str], list[str]]:
    """The pages a sitemap (XML or a list of addresses) fetched from `url` lists, and the
    sitemaps a sitemap index lists, made absolute."""
    sitemap = _sitemap(url, text)
    sitemap.process()
    return _absolute(sitemap.urls, url), _absolute(sitemap.sitemap_urls, url)


def _absolute(links: list[str], base: str) -> list[str]:
    """Links resolved against the address of the document that holds them; http(s) only.

    Not courlan's checks, which trafilatura's link handling applies: they refuse addresses
    by an IP number or `localhost` (a test server's, an intranet's) and links to other sites
    (an aggregator's feed lists them); `--url-filter` says which sites to keep.
    """
    found = (urljoin(base, link.strip()) for link in links if link and link.strip())
    return [link for link in found if link.startswith(("http://", "https://")) and _not_home(link)]


def _not_home(link: str) -> bool:
    """A feed's own <link> is its site's home page, which is no article."""
    parts = urlsplit(link)
    return parts.path not in ("", "/") or bool(parts.query)


def _sitemap(url: str, text: str) -> Any:
    from trafilatura.sitemaps import DETECT_SITEMAP_LINK, SitemapObject

    class Sitemap(SitemapObject):
        """trafilatura's sitemap reader, its links kept as they are: what a sitemap index
        lists are sitemaps, whatever their address looks like."""

        __slots__ = ("index",)
        index: bool

        def handle_link(self, link: str) -> None:
            if link == self.current_url:
                return
            is_map = self.index or DETECT_SITEMAP_LINK.search(link)
            (self.sitemap_urls if is_map else self.urls).append(link)

    sitemap = Sitemap(url, "", [])
    sitemap.current_url = url
    sitemap.content = text
    sitemap.index = "<sitemapindex" in text[:4096]
    return sitemap
