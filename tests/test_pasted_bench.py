"""bench/pasted.py: the paste a person copies from a page (innerText of the smallest element
holding the `with` snippets), on small hand-made pages."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_pasted", ROOT / "bench" / "pasted.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_pasted", module)
    spec.loader.exec_module(module)
    return module


pasted = _bench()

PAGE = """<!DOCTYPE html><html><head><title>Big news | The Daily</title>
<meta property="og:title" content="Big news"><style>p { color: red }</style>
<script>var x = "First paragraph";</script></head>
<body>
  <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
  <main>
    <article>
      <h1>Big   news</h1>
      <div class="body">
        <p>First   <b>bold</b>
           paragraph<i>, inline</i> text.</p>
        <p>Second line<br>  after a break</p>
        <!-- a comment -->
        <script>document.write("not text")</script>
        <ul><li>one</li><li>two <em>items</em></li></ul>
        <div hidden>hidden by attribute</div>
        <span style="display: none">hidden by style</span>
        <p aria-hidden="true">still rendered</p>
        <table><tr><th>a</th><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>
        <pre>  indented
    code</pre>
      </div>
      <aside>Related: other news</aside>
    </article>
  </main>
  <footer>Impressum</footer>
</body></html>"""


def test_inner_text_renders_blocks_inline_and_hidden_like_a_browser() -> None:
    doc = pasted.parse(PAGE)
    article = doc.find(".//article")
    assert pasted.inner_text(article) == (
        "Big news\n"
        "\n"
        "First bold paragraph, inline text.\n"
        "\n"
        "Second line\n"
        "after a break\n"
        "\n"
        "one\n"
        "two items\n"
        "\n"
        "still rendered\n"
        "\n"
        "a\tb\n"
        "c\td\n"
        "  indented\n"
        "    code\n"
        "Related: other news"
    )


def test_paste_is_the_smallest_element_holding_every_with_snippet() -> None:
    paste = pasted.paste_of(PAGE, ["First bold paragraph", "after a break"])
    assert paste.tag == "div" and paste.held == 2
    assert paste.text.startswith("First bold paragraph, inline text.\n\nSecond line")
    assert "Big news" not in paste.text and "Impressum" not in paste.text

    # a snippet in the headline widens the choice to the article, not to the whole body
    paste = pasted.paste_of(PAGE, ["Big news", "two items"])
    assert paste.tag == "article" and paste.text.startswith("Big news\n\nFirst bold")
    assert "Home" not in paste.text and "Impressum" not in paste.text

    # a snippet in a single element gives that element
    assert pasted.paste_of(PAGE, ["two items"]).text == "two items"


def test_paste_falls_back_to_the_element_holding_the_most_snippets() -> None:
    paste = pasted.paste_of(PAGE, ["First bold paragraph", "after a break", "not on the page"])
    assert paste.held == 2 and paste.tag == "div"
    # a hidden element's text is never matched
    assert pasted.paste_of(PAGE, ["hidden by style", "two items"]).held == 1
    # none held: the whole body, as a person would select it
    paste = pasted.paste_of(PAGE, ["hidden by attribute"])
    assert (paste.held, paste.tag) == (0, "body")
    assert paste.text.startswith("Home\nNews\nBig news") and paste.text.endswith("Impressum")


def test_page_titles_and_the_removed_word_share() -> None:
    assert pasted.page_titles(PAGE) == ["big news | the daily", "big news", "the daily"]
    printed = PAGE.replace("<h1>Big   news</h1>", "<h1>Bigger  news, printed</h1>")
    assert pasted.page_titles(printed)[-1] == "bigger news, printed"
    text = "Keep this line\nDrop these words here\nother"
    drop = text.index("Drop")
    total, removed = pasted._removed_word_share(
        text, [(drop, drop + len("Drop these"))], ["these words", "Keep"]
    )
    assert (total, removed) == (7, 2)


def test_title_precision_counts_titles_given_and_recall_the_pastes_that_hold_the_title() -> None:
    def row(title: str | None, in_paste: bool) -> dict[str, object]:
        return {
            "language": "en", "removed": [], "held_back": [], "with": [], "without": [],
            "held_all": True, "held_none": False, "whole_body": False,
            "paste": "", "ingest": "", "with_words": 0, "with_words_removed": 0,
            "title": title, "page_titles": ["big news", "the daily"], "title_in_paste": in_paste,
        }  # fmt: skip

    rows = [row("big news", True), row("home", True), row(None, True), row("menu", False)]
    title = pasted.figures(rows)["title"]
    assert (title["right"], title["pages_with_title"]) == (1, 3)
    assert (title["right_of_those"], title["pages_with_title_in_paste"]) == (1, 3)
