"""Fuzzing the batch commands: random bytes, markup, file names and URLs. Whatever comes in,
no traceback, every input accounted for (written or named in an error line), exit 0 or 1."""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import cli, load_ruleset
from ingest.fetch import fetch_urls, url_key
from ingest.pipeline import BatchOptions
from ingest.urls import normalize

from .helpers import fetch_options
from .httpserver import Server, serve

SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ROOT = Path(__file__).resolve().parent.parent
RULES = load_ruleset(ROOT / "rules")

_TAGS = ["p", "div", "article", "h1", "script", "style", "meta", "a", "li", "br", "html", "body"]
markup = st.lists(
    st.one_of(
        st.sampled_from(_TAGS).map(lambda t: f"<{t}>"),
        st.sampled_from(_TAGS).map(lambda t: f"</{t}>"),
        st.sampled_from(['<meta charset="undefined">', '<meta charset="utf-16">', "<!--", "-->"]),
        st.text(max_size=40),
    ),
    max_size=40,
).map("".join)
contents = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    markup.map(lambda t: t.encode("utf-8", "surrogatepass")),
)
# file names as people and tools make them: markup, spaces, accents, dots; never a separator
names = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="/\\\x00"
    ),
    min_size=1,
    max_size=24,
).filter(lambda n: n not in {".", ".."} and not n.startswith("."))
inputs = st.lists(
    st.tuples(names, st.sampled_from([".txt", ".html", ".md"]), contents),
    min_size=1,
    max_size=8,
    unique_by=lambda f: (f[0] + f[1]).lower(),
)


def _run_cli(*args: str) -> tuple[int, str]:
    """The console script in this process (its workers fork from it): exit status, stderr."""
    err = io.StringIO()
    argv = sys.argv
    sys.argv = ["ingest", *args]
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            cli.main()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    finally:
        sys.argv = argv
    return code, err.getvalue()


@contextlib.contextmanager
def _folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="ingest-fuzz-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@SETTINGS
@given(files=inputs)
def test_clean_accounts_for_every_input_whatever_it_holds(
    files: list[tuple[str, str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    with _folder() as tmp:
        monkeypatch.chdir(tmp)
        (tmp / "in").mkdir()
        for stem, suffix, data in files:
            (tmp / "in" / (stem + suffix)).write_bytes(data)
        code, err = _run_cli("clean", "in", "--out", "out", "--jobs", "2", "--doc-timeout", "60")
        assert "Traceback" not in err and "internal error" not in err, err
        assert code in (0, 1), err
        errors = [ln for ln in err.splitlines() if ln.startswith("error: ")]
        for stem, suffix, _ in files:
            written = (tmp / "out" / f"{stem}.txt").exists()
            named = sum(ln.startswith(f"error: in/{stem}{suffix}: ") for ln in errors)
            assert written or named == 1, (stem + suffix, err)
        assert code == (1 if errors else 0)


def _safe_urls(server: Server) -> st.SearchStrategy[str]:
    """URLs that reach the tests' own server, and malformed ones that reach nothing: never
    an address elsewhere."""
    path = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
    on_server = st.one_of(
        path.map(lambda p: server.url("/article/") + p),
        path.map(lambda p: server.url("/") + p),
        st.sampled_from(["/redirect", "/loop", "/missing", "/pdf", "/gzip", "/flaky"]).map(
            server.url
        ),
    )
    broken = st.one_of(
        st.sampled_from(
            [
                "http://127.0.0.1:99999/",
                "http://[::1",
                "http://127.0.0.1:abc/",
                "javascript:alert(1)",
                "ftp://127.0.0.1/x",
                "http://",
                "http:///path",
                "",
            ]
        ),
        st.text(max_size=30).filter(_not_elsewhere),
    )
    return st.one_of(on_server, broken)


def _not_elsewhere(url: str) -> bool:
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return True
    return host in (None, "", "127.0.0.1")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serve() as running:
        yield running


@SETTINGS
@given(data=st.data())
def test_fetch_accounts_for_every_url_whatever_it_is(server: Server, data: st.DataObject) -> None:
    urls = data.draw(st.lists(_safe_urls(server), min_size=1, max_size=6, unique=True))
    with _folder() as tmp:
        options = fetch_options(
            tmp,
            batch=BatchOptions(out_dir=tmp / "clean", doc_timeout=60.0),
            timeout=5.0,
            retries=1,
            jobs=1,
        )
        outcomes = fetch_urls(urls, RULES, options)
        pages: dict[str, str] = {}  # one outcome a page, under the first address asked
        for url in urls:
            pages.setdefault(normalize(url), url)
        assert [o.url for o in outcomes] == list(pages.values())
        for outcome in outcomes:
            assert "internal error" not in str(outcome.error or ""), outcome
            if outcome.ok:
                assert outcome.key == url_key(normalize(outcome.url))
                assert (tmp / "clean" / f"{outcome.key}.json").exists(), outcome
            else:
                assert outcome.error and str(outcome.error).startswith(outcome.url), outcome
