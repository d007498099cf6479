"""An article page's headline, authors and date: what the page prints and states, over what
its <title> and metadata carry of the site."""

from __future__ import annotations

import json

import pytest

from ingest import clean_document, load_ruleset
from ingest.extraction import parse
from ingest.headmeta import Found, Head, byline_names, read_head
from ingest.inputs import Document

BODY = "".join(
    f"<p>Paragraph {i} of the article says what happened at the harbour on Monday, when the "
    "council met and the mayor spoke to the residents about the plan and its cost.</p>"
    for i in range(5)
)


def _page(head: str = "", body: str = "", ld: object | None = None) -> str:
    script = f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld else ""
    return f"<html><head>{head}{script}</head><body>{body}</body></html>"


def _head(
    html: str,
    *,
    title: str | None = None,
    authors: tuple[str, ...] = (),
    date: str | None = None,
    sitename: str | None = None,
    url: str | None = "https://www.example.com/news/harbour-plan-approved",
) -> Head:
    return read_head(parse(html), Found(title, authors, date, sitename), url)


def test_the_printed_headline_wins_over_a_title_that_names_the_site() -> None:
    html = _page(
        "<title>Harbour plan approved after long debate | Example News</title>",
        "<nav><h1>Example News</h1></nav><article><h1>Harbour plan approved after a long "
        "debate</h1>" + BODY + "</article>",
    )
    head = _head(html, title="Harbour plan approved after long debate | Example News")
    assert head.title == "Harbour plan approved after a long debate"


def test_an_h1_that_is_not_the_articles_headline_is_passed_over() -> None:
    # a section heading set as <h1>: it shares no words with the page's titles
    html = _page(
        "<title>Harbour plan approved — Greenhouse Studio</title>"
        '<meta property="og:site_name" content="Greenhouse Studio">',
        "<h1>Latest stories from our newsroom</h1><article>" + BODY + "</article>",
    )
    head = _head(html, title="Harbour plan approved — Greenhouse Studio")
    assert head.title == "Harbour plan approved"


CLOUD = "https://cloud.google.com/learn/x"
EXAMPLE = "https://www.example.com/a"


@pytest.mark.parametrize(
    ("title", "url", "expected"),
    [
        ("What is Cloud Computing? | Google Cloud", CLOUD, "What is Cloud Computing?"),
        ("Example News - Harbour plan approved", EXAMPLE, "Harbour plan approved"),
        ("Harbour plan approved - example.com", EXAMPLE, "Harbour plan approved"),
        # a separator inside the headline, nothing of the site's name: it stays
        ("Harbour plan - what it changes", EXAMPLE, "Harbour plan - what it changes"),
    ],
)
def test_a_segment_that_names_the_site_leaves_the_title(
    title: str, url: str, expected: str
) -> None:
    html = _page(f"<title>{title}</title>", "<article>" + BODY + "</article>")
    assert _head(html, title=title, url=url, sitename="Example News").title == expected


def test_authors_are_people_each_once_without_the_outlet() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "author": [{"@type": "Person", "name": "Clemens Höges"}],
        "publisher": {"@type": "Organization", "name": "SPIEGEL ONLINE"},
    }
    html = _page("", "<article>" + BODY + "</article>", ld)
    found = ("SPIEGEL ONLINE", "Hamburg", "Germany", "Clemens Höges")
    assert _head(html, authors=found).authors == ("Clemens Höges",)
    # no structured list: a shorter spelling of a name and the site's own name go
    html = _page('<meta property="og:site_name" content="Greenhouse Studio">', BODY)
    found = ("Tina Flint Huffman", "Tina Huffman", "Greenhouse Studio")
    assert _head(html, authors=found).authors == ("Tina Flint Huffman",)
    # credentials and a role after the name are no people; a month is no name
    assert _head(html, authors=("Dylan Bailey", "MS", "RD", "FAND")).authors == ("Dylan Bailey",)
    assert _head(html, authors=("Mayank Gupta", "CEO of CaseBasix")).authors == ("Mayank Gupta",)
    assert _head(html, authors=("Dec",)).authors == ()


def test_a_site_that_is_its_own_author_stays_and_a_printed_byline_fills_in() -> None:
    html = _page('<meta property="og:site_name" content="Rick Steves">', BODY)
    assert _head(html, authors=("Rick Steves",)).authors == ("Rick Steves",)
    byline = '<div class="article-byline">By Anna Schmidt and Peter Müller · 3 March 2025</div>'
    html = _page('<meta property="og:site_name" content="Example News">', byline + BODY)
    assert _head(html, authors=("Example News",)).authors == ("Anna Schmidt", "Peter Müller")
    # a byline in the comments is a commenter's
    comment = '<div class="comments"><div class="comment-author">By Someone Else</div></div>'
    assert _head(_page("", BODY + comment)).authors == ()


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Nada Tawfik, BBC News, New York", ["Nada Tawfik"]),
        ("Dylan Bailey, MS, RD", ["Dylan Bailey"]),
        ("Anna Schmidt, Peter Müller und Jan Kurz", ["Anna Schmidt", "Peter Müller", "Jan Kurz"]),
        ("Marie Dupont et Jean Martin", ["Marie Dupont", "Jean Martin"]),
        ("Ana García y Luis Pérez", ["Ana García", "Luis Pérez"]),
        ("Jordana Cepelewicz December 3, 2025", ["Jordana Cepelewicz"]),
    ],
)
def test_a_pasted_byline_names_people(byline: str, names: list[str]) -> None:
    assert byline_names(byline) == names


def test_the_date_is_the_one_printed_under_the_headline_unless_it_is_an_update() -> None:
    article = "<article><h1>Harbour plan approved after a long debate</h1>{}" + BODY + "</article>"
    title = "<title>Harbour plan approved after a long debate</title>"
    printed = "<p class='meta'>By Anna Schmidt · Published 3 March 2025 · Updated 1 April 2025</p>"
    html = _page(title, article.format(printed))
    assert _head(html, title="Harbour plan approved", date="2025-04-01").date == "2025-03-03"
    # only an update is printed: the published date the page states
    ld = {"@type": "NewsArticle", "datePublished": "2025-03-03T08:00:00+01:00",
          "dateModified": "2025-04-01"}  # fmt: skip
    html = _page(title, article.format("<p>Last updated: April 1, 2025</p>"), ld)
    assert _head(html, title="Harbour plan approved", date="2025-04-01").date == "2025-03-03"
    # a numeric date that reads both ways counts only when the page states one reading
    html = _page(title, article.format("<p>03/04/2025</p>"))
    assert _head(html, title="Harbour plan approved", date="2024-12-31").date == "2024-12-31"
    html = _page(title, article.format("<p>03/04/2025</p>"), {"@type": "Article",
                 "dateCreated": "2025-04-03"})  # fmt: skip
    assert _head(html, title="Harbour plan approved").date == "2025-04-03"


def test_a_date_printed_just_above_the_headline_dates_the_article() -> None:
    title = "<title>Harbour plan approved after a long debate</title>"
    headline = "<h1>Harbour plan approved after a long debate</h1>"
    above = "<article><p class='kicker'>Politics · {} · 4 min read</p>" + headline + BODY
    html = _page(title, above.format("February 4, 2025") + "</article>")
    assert _head(html, title="Harbour plan approved", date="2025-04-06").date == "2025-02-04"
    # the first of a "published, updated" pair: the publication
    html = _page(title, above.format("Published on 10 Feb 2019 9 Feb 2019") + "</article>")
    assert _head(html, title="Harbour plan approved", date="2019-02-01").date == "2019-02-10"
    # a day the page states only as its last change is not the publication
    ld = {"@type": "NewsArticle", "datePublished": "2025-01-15", "dateModified": "2025-02-04"}
    html = _page(title, above.format("February 4, 2025") + "</article>", ld)
    assert _head(html, title="Harbour plan approved").date == "2025-01-15"
    # a date in the menu above is no dateline
    html = _page(title, "<nav><a href='/'>Home</a> 4 February 2025</nav>" + headline + BODY)
    assert _head(html, title="Harbour plan approved", date="2024-11-30").date == "2024-11-30"


def test_a_numeric_date_is_read_as_the_pages_own_time_element_says() -> None:
    title = "<title>Harbour plan approved after a long debate</title>"
    body = "<article><h1>Harbour plan approved after a long debate</h1><p>03/01/2017</p>"
    html = _page(title, body + "<time datetime='2017-03-01'></time>" + BODY + "</article>")
    assert _head(html, title="Harbour plan approved", date="2025-06-01").date == "2017-03-01"


def test_a_lone_h1_naming_the_site_gives_way_to_the_pages_title() -> None:
    # trafilatura takes a page's only <h1> for its title when there is no og:title
    url = "https://davidbau.com/archives/2025/12/16/vibe_coding.html"
    html = _page("<title>davidbau.com Vibe Coding</title>", "<h1>davidbau.com</h1>" + BODY)
    assert _head(html, title="davidbau.com", url=url).title == "Vibe Coding"
    # a headline that starts with the site's name (not its host name) keeps it
    url = "https://www.lidl.de/c/insider"
    html = _page("<title>Lidl Insider werden und Vorteile sichern</title>", BODY)
    head = _head(html, title="Lidl Insider werden und Vorteile sichern", url=url)
    assert head.title == "Lidl Insider werden und Vorteile sichern"


def test_a_pages_record_carries_the_head(tmp_path: object) -> None:
    html = _page(
        "<title>Harbour plan approved after a long debate | Example News</title>"
        '<meta property="og:site_name" content="Example News">'
        '<meta name="author" content="Anna Schmidt, Example News">',
        "<article><h1>Harbour plan approved after a long debate</h1>"
        "<p class='byline'>By Anna Schmidt · 3 March 2025</p>" + BODY + "</article>",
    )
    doc = Document("page.html", "page", html.encode(), html, "utf-8", is_html=True)
    result, record = clean_document(doc, load_ruleset(), url="https://www.example.com/a")
    assert record.title == "Harbour plan approved after a long debate"
    assert record.authors == ("Anna Schmidt",)
    assert record.date == "2025-03-03"
    assert not result.text.startswith("Harbour plan approved")  # the headline left the body
