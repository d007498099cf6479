"""One page, one name: the address a page is fetched, keyed and de-duplicated under.

`…/a`, `…/a#top`, `…/a?utm_source=x` and `HTTPS://Example.COM:443/a` are one page: the
scheme and host are written in lower case, a default port goes, the fragment goes (it never
reaches the server), and so do tracking parameters, as courlan (trafilatura's URL library)
knows them. The path and the other parameters stay as they are, in their order: courlan's
whole `normalize_url` also rewrites paths (`//` becomes `/`, percent-escapes are redone) and
drops parameters with empty values, which changes what some servers answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize(url: str) -> str:
    """The one name of the page at `url`. Anything but an http(s) URL that parses comes back
    as it is (fetching says what is wrong with it)."""
    from courlan.clean import TRACKERS_RE  # imported on first use: courlan takes 0.07 s

    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        port = parts.port
    except ValueError:  # "http://[::1", a port out of range
        return url
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url
    host = parts.hostname  # lower case already
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host += f":{port}"
    user = parts.netloc.rpartition("@")[0]
    netloc = f"{user}@{host}" if user else host
    query = "&".join(
        p for p in parts.query.split("&") if p and not TRACKERS_RE.search(p.split("=")[0].lower())
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def distinct(urls: Iterable[str]) -> dict[str, str]:
    """Each page once: its one name, and the first of `urls` that named it, in that order."""
    names: dict[str, str] = {}
    for url in urls:
        names.setdefault(normalize(url), url)
    return names
