"""Saved pages: selector rules, extraction, page metadata, `ingest clean page.html --url`."""

from __future__ import annotations

import json
import pickle
from dataclasses import replace
from pathlib import Path

from ingest import InputError, RuleError, Ruleset, load_ruleset, rules_from_toml
from ingest.extraction import ExtractOptions, Page, extract, remove_elements
from ingest.inputs import ReadOptions, read_document
from ingest.metadata import Source
from ingest.pipeline import Prepared, clean_document, clean_prepared

from .helpers import run_ingest
from .httpserver import article

ROOT = Path(__file__).resolve().parent.parent


def test_selector_rules_remove_furniture_and_record_it(ruleset: Ruleset) -> None:
    page = article("Talks resume in Brussels", "Body")
    stripped, removals, held, *_ = remove_elements(page, ruleset)
    assert "Facebook" not in stripped.text_content() and stripped.find(".//nav") is None
    assert {r.rule for r in removals} >= {"html-share-bar", "html-navigation"}
    share = next(r for r in removals if r.rule == "html-share-bar")
    assert share.selector == '[class*="share"]' and share.text == "Facebook Twitter"
    assert held == []


def test_an_article_container_a_broad_selector_matches_is_held_back(ruleset: Ruleset) -> None:
    body = "".join(
        f"<p>Paragraph {i} of the story, with enough words to be prose.</p>" for i in range(30)
    )
    page = f'<html><body><div class="post share-enabled">{body}</div><p>x</p></body></html>'
    stripped, removals, held, *_ = remove_elements(page, ruleset)
    assert removals == []
    assert [h.rule for h in held] == ["html-share-bar"]
    assert "Paragraph 29" in stripped.text_content()


def _prose(marker: str, n: int) -> str:
    return "".join(
        f"<p>{marker} {i}: the council met on Monday and agreed the budget for the coming year "
        f"after a long debate about schools, roads and the new library.</p>"
        for i in range(n)
    )


def test_the_article_itself_is_never_removed_whatever_its_class(ruleset: Ruleset) -> None:
    # A paywall wrapper around a short teaser: under every size guard, but it is the article.
    page = (
        "<html><body><nav>"
        + " ".join(f"<a href='/{i}'>Section {i}</a>" for i in range(300))
        + f'</nav><div class="paywall-wrapper"><h1>Budget agreed</h1>{_prose("Teaser", 3)}'
        "</div></body></html>"
    )
    text = extract(page, ruleset, url="https://example.org/a").text
    assert "Teaser 0: the council met" in text and "Teaser 2" in text


def test_a_popup_trafilatura_took_for_article_text_is_removed(ruleset: Ruleset) -> None:
    page = (
        f"<html><body><article><h1>Budget agreed</h1>{_prose('Story', 4)}</article>"
        f'<div class="pum pum-overlay"><div class="pum-container popmake">{_prose("Popup", 8)}'
        "</div></div></body></html>"
    )
    text = extract(page, ruleset, url="https://example.org/a").text
    assert "Story 3" in text
    assert "Popup" not in text


def test_removing_meta_inside_a_paragraph_keeps_the_stripped_extraction(
    ruleset: Ruleset,
) -> None:
    # The removed reading time changes the paragraph's line without losing any of its words: the
    # extraction guard must not fall back to the original page (and bring the date back).
    page = (
        "<html><body><article><h1>Budget agreed</h1>"
        '<p><span class="reading-time">5 min read, by Cem Basman</span> The council met on Monday '
        "and agreed the budget for the coming year after a long debate about schools, roads, "
        f"bridges and the new library in the old town.</p>{_prose('Story', 5)}"
        "</article></body></html>"
    )
    text = extract(page, ruleset, url="https://example.org/a").text
    assert "Story 4" in text
    assert "Cem Basman" not in text


_LEAD = (
    "The council agreed the budget on Monday after a long night of talks, and the mayor "
    "promised the new library would open next spring."
)


def _page_with_lead(lead: str, *, after: str = "") -> str:
    # a TYPO3-style news page: the lead sits in a "teaser-text" box between the headline and
    # the body, which trafilatura reads as a teaser of another page and leaves out
    return (
        "<html><head><title>Budget agreed | Example Town</title></head><body>"
        f'<div class="news-single"><h1>Budget agreed</h1>{lead}'
        f'<div class="news-text-wrap">{_prose("Body", 5)}</div>{after}</div></body></html>'
    )


def test_a_lead_the_extraction_left_out_is_put_back_above_the_body(ruleset: Ruleset) -> None:
    page = _page_with_lead(f'<div class="teaser-text"><p>{_LEAD}</p></div>')
    text = extract(page, ruleset, url="https://example.org/a").text
    assert text.split("\n")[0] == _LEAD
    assert text.count("promised the new library") == 1 and "Body 4" in text
    options = ExtractOptions(find_lead=False)
    assert _LEAD not in extract(page, ruleset, url="https://example.org/a", options=options).text


def test_only_a_lead_between_the_headline_and_the_body_comes_back(ruleset: Ruleset) -> None:
    other = "Another story: the mayor opened the new bridge over the river on a sunny Sunday."
    pages = [
        # another article's teaser text, after the body
        _page_with_lead("", after=f'<div class="teaser"><p class="teaser-text">{other}</p></div>'),
        # a teaser cut off with an ellipsis, before the body
        _page_with_lead(f'<p class="teaser-text">{other[:60]}…</p>'),
        # an author box's intro and a caption, though named like a lead
        _page_with_lead(f'<div class="author-box"><p class="intro">{other}</p></div>'),
        _page_with_lead(f'<figure><img src="a.jpg"><figcaption class="lead">{other}</figcaption>'),
        # a prose class that only contains the word: <div class="shareholder-letter"> kind
        _page_with_lead(f'<div class="leading-story"><p>{other}</p></div>'),
    ]
    without = ExtractOptions(find_lead=False)
    for page in pages:
        text = extract(page, ruleset, url="https://example.org/a").text
        assert text == extract(page, ruleset, url="https://example.org/a", options=without).text


def test_extract_gives_text_without_furniture_and_the_page_metadata(ruleset: Ruleset) -> None:
    page = extract(
        article("Talks resume in Brussels", "Body"), ruleset, url="https://example.org/a"
    )
    assert "Body paragraph 5" in page.text
    assert "Facebook" not in page.text and "Home" not in page.text
    assert page.title == "Talks resume in Brussels"


def _dated_page(head: str = "", foot: str = "") -> str:
    body = "".join(
        f"<p>Paragraph {i}: the council met and agreed the budget for the coming year after "
        "a long debate about schools and roads.</p>"
        for i in range(6)
    )
    return (
        f"<html><head><title>Budget agreed</title>{head}</head><body><article>"
        f"<h1>Budget agreed</h1>{body}</article>{foot}</body></html>"
    )


def test_a_page_is_not_dated_by_its_copyright_year_or_a_stylesheet_version(
    ruleset: Ruleset,
) -> None:
    # htmldate's extensive search read these as 2016-01-01 and 2019-03-26
    guesses = [
        _dated_page(foot="<footer><p>© 2016 Example Media. All rights reserved.</p></footer>"),
        _dated_page(head='<link rel="stylesheet" href="/css/site.css?v=2019-03-26">'),
    ]
    assert [extract(p, ruleset, url="https://example.org/b").date for p in guesses] == [None] * 2
    published = _dated_page(
        head='<meta property="article:published_time" content="2024-03-01T10:00:00">',
        foot="<footer><p>© 2016 Example Media.</p></footer>",
    )
    assert extract(published, ruleset, url="https://example.org/b").date == "2024-03-01"


def test_clean_saved_page_with_url_and_headline_out_of_the_body(tmp_path: Path) -> None:
    html = article("Talks resume in Brussels", "Body").replace(
        "</article>", "<p>Talks resume in Brussels</p></article>"
    )
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    done = run_ingest(
        "clean",
        "page.html",
        "--url",
        "https://www.example.org/news/talks",
        "--out",
        "out",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr.decode()
    text = (tmp_path / "out" / "page.txt").read_text(encoding="utf-8")
    meta = json.loads((tmp_path / "out" / "page.json").read_text(encoding="utf-8"))
    assert "Talks resume in Brussels" not in text, "the headline is in the metadata, once"
    assert text.startswith("Body paragraph 0")
    assert meta["title"] == "Talks resume in Brussels"
    assert meta["url"] == meta["final_url"] == "https://www.example.org/news/talks"
    assert meta["site"] == "example.org"
    stages = {(r["stage"], r["rule"]) for r in meta["removed"]}
    assert ("html", "html-share-bar") in stages and ("text", "repeated-headline") in stages


def test_url_with_several_inputs_is_a_usage_error(tmp_path: Path) -> None:
    done = run_ingest("clean", str(ROOT / "raw"), "--url", "https://x.org/", cwd=tmp_path)
    assert done.returncode == 2
    assert "--url goes with a single saved page" in done.stderr.decode()


def test_a_page_without_article_text_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_text("<html><body><nav>Menu</nav></body></html>")
    done = run_ingest("clean", "empty.html", "--out", "out", cwd=tmp_path)
    assert done.returncode == 1
    assert "empty.html: no article text left" in done.stderr.decode()
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_errors_survive_crossing_a_process_boundary() -> None:
    for error in (InputError("a.txt", "is empty", "fix"), RuleError("r.toml", "x", "bad", "fix")):
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error) and str(again) == str(error)
    assert load_ruleset(ROOT / "rules")


def test_the_selector_prefilter_never_hides_a_match_from_cssselect(ruleset: Ruleset) -> None:
    from cssselect import HTMLTranslator
    from lxml import etree

    from ingest.extraction import _candidates, _matches, _wider, parse

    page = article("Talks resume in Brussels", "Body").replace(
        "</article>",
        '<aside class="Sidebar widget-area"><nav role="navigation"><a rel="tag nofollow">t</a>'
        '</nav></aside><div id="toc_container" class="x-Share-y"><figcaption>c</figcaption>'
        '<form><p class="toc">p</p></form></div><div class="sharedaddy"><span class="a2a_kit">x'
        "</span></div></article>",
    )
    tree = parse(page)
    elements = list(tree.iter(etree.Element))
    selector_sets = [r.selectors for r in ruleset.rules if r.scope == "html"] + [
        ("div p", '[class*="share" i]'),  # combinators and flags take the whole page's XPath
        ("aside nav[role]",),
        ('[class*="share"]',),  # found inside "sharedaddy", the longer needle at that place
        ('[class*="sharedaddy"]', 'span[class*="a2a"]', "nav"),
    ]
    rules = [replace(ruleset.rules[0], selectors=tuple(s)) for s in selector_sets]
    wider = _wider(rules, tree)
    found = _candidates(tuple(tuple(s) for s in selector_sets), elements)
    hits = []
    for selectors, maybe in zip(selector_sets, found, strict=True):
        exact = set(tree.xpath(" | ".join(HTMLTranslator().css_to_xpath(s) for s in selectors)))
        matched = [e for e in elements if e in exact]
        assert [e for e in maybe if any(_matches(s, e, wider) for s in selectors)] == matched
        hits.append(len(matched))
    assert all(hits[-4:]), "each of the selectors above matches the page"
    # the last set is of compound selectors only: the prefilter must narrow it down
    assert 0 < len(found[-1]) < len(elements) // 2


def test_extract_keeps_the_texts_of_the_pages_links(ruleset: Ruleset) -> None:
    html = article("Talks resume in Brussels", "Body").replace(
        "</article>",
        '<p><a href="/t">Ten  breakfast tips\nfor a flat stomach</a></p><a href="/">Next page</a>'
        "</article>",
    )
    links = extract(html, ruleset, url="https://example.org/a").links
    assert "Ten breakfast tips for a flat stomach" in links
    assert "Next page" not in links, "two words are a button, not a headline"


def test_a_trailing_list_of_links_to_other_articles_leaves_the_body(ruleset: Ruleset) -> None:
    teasers = ["Ten breakfast tips for a flat stomach", "Why the night train is back"]
    story = "The council met on Monday and agreed the budget after a long debate."
    text = "\n".join([story, "- Schools get the largest share", story, "You might like:", *teasers])
    links = frozenset({*teasers, "Schools get the largest share"})
    page = Page(text=text, links=links)
    prep = Prepared(text, Source("page.html", b"", None, None, None, None), None, page)
    result, meta = clean_prepared(prep, ruleset)
    assert result.text.endswith("You might like:")
    assert "Schools get the largest share" in result.text, "a link list inside the text stays"
    removed = [r for r in meta.removed if r.rule == "related-link-tail"]
    assert len(removed) == 1 and removed[0].text == "\n".join(teasers)
    assert clean_prepared(replace(prep, page=Page(text=text)), ruleset)[0].text.endswith(
        teasers[-1]
    ), "without the page's links nothing is known to be a link"


def test_page_text_is_nfc_as_trafilatura_extract_gives_it(ruleset: Ruleset) -> None:
    # U+09DF is excluded from composition: NFC spells it as U+09AF U+09BC, and a page that
    # mixes both spellings must give one.
    html = (
        article("Talks resume in Brussels", "Body")
        .replace(
            "Body paragraph 1",
            "Body paragraph 1 \u0995\u09c1\u09b7\u09cd\u099f\u09bf\u09df\u09be",
        )
        .replace("Facebook", "Cafe\u0301book")
    )
    page = extract(html, ruleset, url="https://example.org/a")
    assert "\u0995\u09c1\u09b7\u09cd\u099f\u09bf\u09af\u09bc\u09be" in page.text
    assert "\u09df" not in page.text
    # removals are spelled like the text, so that they can be found in it
    assert "Caf\u00e9book Twitter" in [r.text for r in page.removals]


# Two misfiring rules: every paragraph of a page, and a few of them by their words.
MISFIRES = rules_from_toml("""
[[rule]]
id = "every-paragraph"
category = "junk"
why = "A misfiring selector rule: it matches every paragraph, each one small."
scope = "html"
selectors = ["p"]
examples.remove = ["<p>x</p>"]
examples.keep = ["<div>y</div>"]

[[rule]]
id = "aside-box"
category = "junk"
why = "A box of asides inside the article."
scope = "html"
selectors = ['div[class="aside"]']
examples.remove = ['<div class="aside">x</div>']
examples.keep = ["<div>y</div>"]

[[rule]]
id = "first-stories"
category = "junk"
why = "A text rule that takes two paragraphs of the story."
pattern = '^Story [01]:'
examples.remove = ["Story 0: x"]
examples.keep = ["Story 2: y"]
""")


def test_a_selector_rule_matching_every_paragraph_is_held_back_as_a_whole() -> None:
    # each paragraph is small, under every per-element guard; together they are the article
    page = f"<html><body><article><h1>Budget agreed</h1>{_prose('Story', 12)}</article></body>"
    found = extract(page, MISFIRES.only("every-paragraph"), url="https://example.org/a")
    assert all(f"Story {i}: the council met" in found.text for i in range(12))
    assert found.removals == ()
    assert [(h.rule, h.reason) for h in found.held_back] == [("every-paragraph", "holds-article")]
    assert found.held_back[0].share > 0.99  # all but the headline


def test_selector_and_text_removals_share_one_budget(tmp_path: Path) -> None:
    # the asides are a third of the article and the two story paragraphs a sixth: each within
    # bounds, together more than half of what the page's article was
    (tmp_path / "page.html").write_text(
        f"<html><body><article><h1>Budget agreed</h1>{_prose('Story', 6)}"
        f'<div class="aside">{_prose("Aside", 3)}</div></article></body></html>',
        encoding="utf-8",
    )
    doc = read_document(tmp_path / "page.html", ReadOptions())
    ruleset = MISFIRES.only("aside-box", "first-stories")
    result, meta = clean_document(doc, ruleset)
    assert "Aside" not in result.text
    assert result.text.count("Story") == 6
    assert [(h.rule, h.reason) for h in meta.held_back] == [("first-stories", "together")]
    # the same text rule on the text alone takes a third of it and applies
    alone = clean_document(doc, MISFIRES.only("first-stories"))[0]
    assert alone.text.count("Story") == 4
