"""Saved or fetched HTML pages to article text: selector rules, then trafilatura.

A page is parsed once, by trafilatura's own loader (lxml): that tree serves the selector
rules, trafilatura's extractions and the page's metadata. Selector rules (rule records with
`scope = "html"`) remove elements from it before extraction; each removal is recorded like a
text removal, with the lines of the page it spans. An element that holds a large share
of the page's text (the article container, misfiring) is held back, as in the text engine, and
so is a rule whose elements together hold the article; what the removals took of the article
counts against the text guard's budget (`Page.removed_words`).

trafilatura often leaves out the article's lead (standfirst, intro, teaser text): it sits
between the headline and the body container, or in an element whose class trafilatura reads
as a teaser of another page. A lead the page marks up as one, between the headline and the
extracted body, is put back at the top of the text (`find_lead`).
"""

from __future__ import annotations

import copy
import difflib
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import cssselect
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from ingest.errors import ExtractError
from ingest.headmeta import Found, read_head
from ingest.markdown import PARAGRAPH, line_kinds
from ingest.removals import HeldBack, Removal
from ingest.rules import Rule, Ruleset

# A fixed ceiling instead of "today": the same page must give the same date tomorrow.
# No extensive search: on the dev set it dated 109 more pages (of 990), and of 23 of them read
# by hand, 13 dates were wrong (copyright years as 1 January, version strings of stylesheets
# and scripts, image upload folders, cookie-policy dates), 7 right and 3 unclear. It also
# loads every dateparser locale, about 4 s at the start of each process.
_DATE_CONFIG = {"original_date": True, "extensive_search": False, "max_date": "2099-12-31"}
# Article words an extraction may lose to element removal before the original is used.
_LOST_WORDS = 20
_MIN_LOST_WORDS = 4
_OPENING_WORDS = 8
# A link of fewer words ("More", "Home", "Next page") is not a headline of another article.
_LINK_WORDS = 3
_NEVER = frozenset({"html", "body", "main", "article"})
# Words of a class or id that name an article's lead: the paragraph between the headline and
# the body ("article-lead", "teaser-text", "c-page-intro__copy", "af-chapo", "standfirst",
# "field-abstract", "perex", "bajada"), in the languages newsrooms name their markup in.
# Not the looser "excerpt", "description", "summary", "subtitle" or "dek": with them, 22 of
# the 225 metadata dev-set pages got a deck or blurb its truth leaves out of the body (3 pages
# with these words only), for 12 more `with` snippets kept on the 990-page dev set (42, not 30).
_LEAD_WORDS = frozenset(
    {
        "lead", "leadtext", "intro", "introtext", "teaser", "teasertext", "standfirst", "chapo",
        "chapeau", "abstract", "perex", "sapo", "bajada", "entradilla", "copete", "vorspann",
    }
)  # fmt: skip
# ...unless it, or a box around it under the headline's and the body's common container, is
# named as furniture: an author box's description, a comment section marked as a teaser, a
# card or list of other articles, a caption.
_NOT_LEAD_WORDS = frozenset(
    {
        "author", "byline", "profile", "bio", "comment", "comments", "related", "share",
        "social", "caption", "credit", "sidebar", "widget", "promo", "newsletter", "footer",
        "nav", "menu", "card", "cards", "list", "teasers", "slider", "carousel", "meta", "ad",
        "ads", "advert",
    }
)  # fmt: skip
_CLASS_WORD = re.compile(r"[-_\s:]+|(?<=[a-z])(?=[A-Z])")
_LEAD_MIN_WORDS = 8
_LEAD_MAX_WORDS = 150
_LEAD_LINE_WORDS = 5  # the body's first line: the first of this many words (a heading may be less)
_NOT_IN_LEAD = ("img", "picture", "figure", "video", "iframe", "h1")
_NOT_AROUND_LEAD = frozenset({"figure", "figcaption", "a", "nav", "aside", "footer", "button"})


@dataclass(frozen=True)
class ExtractOptions:
    # Chosen on the dev set (bench/devset.py): comments off keeps every `with` snippet
    # trafilatura's defaults keep and leaks fewer `without`; precision mode loses 2.4 points.
    include_comments: bool = False
    favor_precision: bool = False
    include_tables: bool = True
    # An element holding more than this share of the page's words is never removed.
    guard_share: float = 0.4
    # Put back a lead the extraction left out (find_lead).
    find_lead: bool = True


@dataclass(frozen=True)
class Page:
    text: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    sitename: str | None = None
    description: str | None = None
    removals: tuple[Removal, ...] = ()
    held_back: tuple[HeldBack, ...] = field(default=())
    # the page's link texts, for the text rules that look at links (scope "link-tail")
    links: frozenset[str] = frozenset()
    # the article's words the selector rules took (`clean(removed_before=...)`: one budget)
    removed_words: int = 0
    # what each line of `text` is in the markup (`ingest.markdown.line_kinds`), for Markdown
    kinds: tuple[str, ...] = ()


class Stripped(NamedTuple):
    """A page after its selector rules: what is left, what went, what was held back, the
    texts of its links (taken before anything was removed), and how much of the article went."""

    tree: HtmlElement
    removals: list[Removal]
    held_back: list[HeldBack]
    links: frozenset[str]
    removed_words: int = 0  # words of the untouched page's extraction that the removals held


def extract(
    html: str,
    ruleset: Ruleset,
    *,
    url: str | None = None,
    site: str | None = None,
    source: str = "<html>",
    options: ExtractOptions | None = None,
) -> Page:
    options = options or ExtractOptions()
    tree = parse(html)
    if tree is None:
        raise _no_text(source)
    # The page as it came gives the metadata too, from the same extraction: selector rules
    # may remove the byline or date boxes. trafilatura works on its own copies of the tree.
    document = _bare_extraction(tree, url, options, with_metadata=True)
    original = _text(document)
    meta = document
    if meta is None:  # trafilatura found no text in the page as it came: its metadata alone
        meta = trafilatura.extract_metadata(tree, default_url=url, date_config=_DATE_CONFIG)
    found = Found(
        _clean(meta.title), _split_authors(meta.author), _clean(meta.date), _clean(meta.sitename)
    )
    head = read_head(tree, found, url)  # before the selector rules take the byline away
    stripped = remove_elements(tree, ruleset, site=site, options=options, article=original)
    text, body = original, getattr(document, "body", None)
    if stripped.removals:
        # Always the guard: on the dev set, extracting the page as it came only when a removal
        # was large (15 % of pages) lost 8 `with` snippets on 2 pages, where small removals
        # made trafilatura choose another block.
        extracted = _bare_extraction(stripped.tree, url, options)
        stripped_text = _text(extracted)
        text = _guard_extraction(original, stripped_text, stripped.removals)
        if text is stripped_text:
            body = getattr(extracted, "body", None)
    if not text.strip():
        raise _no_text(source)
    kinds = line_kinds(body, text)
    lead = find_lead(stripped.tree, text, head.title) if options.find_lead else None
    if lead is not None:
        text, kinds = lead + "\n" + text, (PARAGRAPH, *kinds)
    return Page(
        text=text,
        title=head.title,
        authors=head.authors,
        date=head.date,
        sitename=found.sitename,
        description=_clean(meta.description),
        removals=tuple(stripped.removals),
        held_back=tuple(stripped.held_back),
        links=stripped.links,
        removed_words=stripped.removed_words,
        kinds=kinds,
    )


def parse(html: str) -> HtmlElement | None:
    """The page's tree as trafilatura reads it (its own loader: the same repairs and
    encoding handling); None for a text that is not HTML."""
    tree: HtmlElement | None = trafilatura.load_html(html)
    return tree


def _no_text(source: str) -> ExtractError:
    return ExtractError(
        source,
        "no article text found in the page",
        "is it a listing, a login wall or a page that needs JavaScript?",
    )


def find_lead(tree: HtmlElement, text: str, title: str | None) -> str | None:
    """The article's lead, when the page marks it up as one and `text` (its extraction) left
    it out; None otherwise.

    The lead is the first element after the headline and before the body's first line (the
    first line of `text` of five words or more that is not the title) whose class or id names
    a lead (`_LEAD_WORDS`), holding 8 to 150 words of prose: not mostly link text, not cut off
    with an ellipsis (a teaser of another page), no picture or headline inside, not inside a
    figure, link, nav, aside or footer, and neither it nor a box around it under the
    headline's and the body's common container named as furniture (`_NOT_LEAD_WORDS`). The
    headline is the first <h1> before the body that is (part of) the page's title, or else the
    last <h1> before the body; a page with neither gets no lead.
    """
    body = copy.deepcopy(tree).find("body")  # a copy: the inert elements leave it
    if body is None:
        return None
    for inert in body.xpath(".//script|.//style|.//noscript|.//template"):
        inert.drop_tree()
    key = _norm(title or "").casefold()
    lines = [
        n
        for n in map(_norm, unicodedata.normalize("NFC", text).split("\n"))
        if len(n.split()) >= _LEAD_LINE_WORDS and n.casefold() != key
    ]
    if not lines:
        return None
    first = lines[0][:60]
    if first not in _element_text(body):
        return None
    start = body
    while True:  # the innermost element that holds the body's first line, where it is first
        inner = next((c for c in start.iterchildren("*") if first in _element_text(c)), None)
        if inner is None:
            break
        start = inner
    elements = list(body.iter("*"))
    position = {e: i for i, e in enumerate(elements)}
    before = elements[: position[start]]
    headings = [i for i, e in enumerate(before) if e.tag == "h1"]
    titled = [i for i in headings if _is_title(_element_text(elements[i]), key)]
    head = titled[0] if titled else headings[-1] if headings else None
    if head is None:
        return None
    around = set(start.iterancestors())
    common = next(a for a in elements[head].iterancestors() if a in around)
    extracted = _norm(unicodedata.normalize("NFC", text))
    for element in before[head + 1 :]:
        if not _LEAD_WORDS.intersection(_class_words(element)):
            continue
        if element.xpath(" | ".join(f".//{t}" for t in _NOT_IN_LEAD)):
            continue
        boxes = [element, *element.iterancestors()]
        boxes = boxes[: boxes.index(common)] if common in boxes else boxes
        if any(_NOT_LEAD_WORDS.intersection(_class_words(b)) for b in boxes):
            continue
        if any(a.tag in _NOT_AROUND_LEAD for a in element.iterancestors()):
            continue
        lead = _element_text(element)
        words = len(lead.split())
        links = sum(len(_element_text(a).split()) for a in element.iter("a"))
        if (
            _LEAD_MIN_WORDS <= words <= _LEAD_MAX_WORDS
            and links * 3 <= words
            and not lead.endswith(("…", "..."))
            and lead[:60] not in extracted
            and first not in lead
        ):
            return lead
    return None


def _element_text(element: Any) -> str:
    return unicodedata.normalize("NFC", _norm(element.text_content()))


def _class_words(element: Any) -> set[str]:
    """The words of an element's class and id: `article__lead`, `teaserText` and `af-chapo`
    give lead, teaser and chapo."""
    value = f"{element.get('class') or ''} {element.get('id') or ''}"
    return {w.lower() for w in _CLASS_WORD.split(value) if w}


def _is_title(heading: str, title: str) -> bool:
    heading = heading.casefold()
    return bool(heading and title) and (heading in title or title in heading)


def _bare_extraction(
    tree: HtmlElement, url: str | None, options: ExtractOptions, *, with_metadata: bool = False
) -> Any:
    # trafilatura copies a tree it is given before it changes it
    return trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=options.include_comments,
        favor_precision=options.favor_precision,
        include_tables=options.include_tables,
        with_metadata=with_metadata,
        date_extraction_params=dict(_DATE_CONFIG),
    )


def _text(document: Any) -> str:
    text = (getattr(document, "text", None) or "") if document is not None else ""
    # as trafilatura.extract() returns its text: composed and decomposed spellings of a
    # character (Bengali ড়/য় come both ways in one page) are then one string
    return unicodedata.normalize("NFC", text)


def _guard_extraction(original_text: str, stripped_text: str, removals: list[Removal]) -> str:
    """Undo an extraction that removing elements threw off.

    Taking elements out of a page can make trafilatura choose another block as the article
    (measured on the dev set: 17 pages). When the extraction of the original page holds
    20 words (or an eighth of its words, for a short post) that are neither in the stripped
    extraction nor in any removed element, the
    original extraction is used instead, less its lines that lie inside removed elements.
    Words, not lines: a removed date or author inside a paragraph changes that paragraph's
    line without losing any of its text.
    """
    words = original_text.split()
    lost = _lost_words(words, stripped_text.split(), removals)
    # a short post (a photo and two lines) loses its text in fewer words than a long article
    if lost < min(_LOST_WORDS, max(len(words) // 8, _MIN_LOST_WORDS)):
        return stripped_text
    original = [(ln, _norm(ln)) for ln in original_text.split("\n")]
    # removal texts are already whitespace-normalised (remove_elements records them so)
    inside = {n for _, n in original if n and any(n in r.text for r in removals)}
    return "\n".join(ln for ln, n in original if n not in inside)


def _lost_words(original: list[str], kept: list[str], removals: list[Removal]) -> int:
    """Words of the original extraction missing from the kept one and from every removal."""
    removed = "\0".join(r.text for r in removals)
    lost = 0
    matcher = difflib.SequenceMatcher(None, original, kept, autojunk=False)
    for tag, start, end, _, _ in matcher.get_opcodes():
        if tag not in ("delete", "replace"):
            continue
        # a missing run may span several removed elements: cover it greedily, piece by piece
        i = start
        while i < end:
            j, piece = i, original[i]
            while piece in removed:
                j += 1
                if j == end:
                    break
                piece += " " + original[j]
            # a lone common word ("die", "the") is found in any removed text: within a longer
            # run, only pieces of two or more words count as removed
            if j == i or (j == i + 1 and end - start > 1):
                lost += 1
                j = i + 1
            i = j
    return lost


def _norm(text: str) -> str:
    return " ".join(text.split())


def remove_elements(
    page: HtmlElement | str,
    ruleset: Ruleset,
    *,
    site: str | None = None,
    options: ExtractOptions | None = None,
    article: str = "",
) -> Stripped:
    """Apply the ruleset's selector rules to a page (its tree, or its HTML): the page without
    them, and the record. The tree given is left as it is.

    `article` is trafilatura's extraction of the unmodified page: an element holding most of
    it is the article itself (a paywall or "related" class on the article's wrapper), so it is
    held back however its class reads; so is a rule whose elements are each small but together
    hold the article (a rule that matches every paragraph): the page is stripped again without
    it. `Stripped.removed_words` counts the article's words the removals took, for the text
    guard's budget.
    """
    options = options or ExtractOptions()
    tree = parse(page) if isinstance(page, str) else page
    if tree is None:
        tree = etree.Element("html")
    lines = [(n, len(n.split())) for n in map(_norm, article.split("\n")) if n]
    rules = [r for r in ruleset.rules if r.scope == "html" and r.applies_to(site)]
    whole: list[HeldBack] = []
    while True:
        stripped = _strip(tree, rules, options, lines)
        taken = _taken([r.text for r in stripped.removals], lines)
        more = _rules_holding_article(stripped.removals, taken, lines)
        if not more:
            held = [*whole, *stripped.held_back]
            return stripped._replace(held_back=held, removed_words=sum(taken))
        whole += more
        gone = {h.rule for h in more}
        rules = [r for r in rules if r.id not in gone]


def _opening(lines: list[tuple[str, int]]) -> str:
    """The article's opening: its first line of _OPENING_WORDS words or more.

    The article's container holds its opening as well as most of its words; a popup or widget
    that trafilatura took in along with the article holds only the latter.
    """
    return next((n for n, w in lines if w >= _OPENING_WORDS), "\0")


def _strip(
    tree: HtmlElement,
    rules: list[Rule],
    options: ExtractOptions,
    article_lines: list[tuple[str, int]],
) -> Stripped:
    page = copy.deepcopy(tree)
    body = page.find("body")
    texts = _Texts(page)
    total = max(len(texts.words(page if body is None else body)), 1)
    article_words = sum(w for _, w in article_lines)
    opening = _opening(article_lines)
    removals: list[Removal] = []
    held: list[HeldBack] = []
    # document order, outer elements first; a <template>'s content is inert and, as for CSS,
    # not part of the page
    elements = [e for e in page.iter(etree.Element) if e not in texts.inert]
    links = link_texts(page, texts)
    gone: set[HtmlElement] = set()
    wider = _wider(rules, page)
    candidates = _candidates(tuple(r.selectors for r in rules), elements)
    for rule, maybe in zip(rules, candidates, strict=True):
        for element in maybe:
            if element in gone:
                continue
            selector = next((s for s in rule.selectors if _matches(s, element, wider)), None)
            if selector is None:
                continue
            text = texts.nfc(element)
            words = len(text.split())
            line = element.sourceline or 0
            lines = (line, line + _newlines(element))
            prose = words - sum(len(texts.words(a)) for a in element.iterdescendants("a"))
            reason = None
            if element.tag in _NEVER:
                reason = "page-root"
            elif (
                words * 2 > article_words
                and opening in text
                and _covered(text, article_lines) * 2 > article_words
            ):
                reason = "holds-article"
            elif words > options.guard_share * total:
                reason = "page-share"
            elif rule.max_words is not None and prose > rule.max_words:
                reason = "max-words"
            if reason is not None:
                share = round(words / total, 4)
                held.append(HeldBack(rule.id, rule.category, lines, words, share, reason))
                continue
            removals.append(Removal(rule.id, rule.category, lines, (0, 0), text, selector=selector))
            gone.update(element.iter())  # what it contains goes with it
            element.drop_tree()  # the text after it (its tail) stays
    return Stripped(page, removals, held, links)


def _taken(texts: list[str], lines: list[tuple[str, int]]) -> list[int]:
    """The article's words each removed text held: the (normalised) article lines it contains,
    each line counted once over all the texts, or, for a piece of one line (a date inside a
    paragraph), its own words."""
    left = Counter(n for n, _ in lines)
    words = dict(lines)
    joined = "\n".join(n for n, _ in lines)
    out = []
    for text in texts:
        found = 0
        for line in [n for n, k in left.items() if k]:
            if line in text:
                count = min(left[line], text.count(line))
                left[line] -= count
                found += count * words[line]
        if not found and text and text in joined:
            found = len(text.split())
        out.append(found)
    return out


def _rules_holding_article(
    removals: list[Removal], taken: list[int], lines: list[tuple[str, int]]
) -> list[HeldBack]:
    """The rules whose removals together hold the article, as one element holding it would:
    its opening and more than half of its words."""
    article_words = sum(w for _, w in lines)
    opening = _opening(lines)
    words: dict[str, int] = {}
    for removal, n in zip(removals, taken, strict=True):
        words[removal.rule] = words.get(removal.rule, 0) + n
    out = []
    for rule, n in words.items():
        mine = [r for r in removals if r.rule == rule]
        if n * 2 > article_words and any(opening in r.text for r in mine):
            first, last = min(r.lines[0] for r in mine), max(r.lines[1] for r in mine)
            share = round(n / max(article_words, 1), 4)
            out.append(HeldBack(rule, mine[0].category, (first, last), n, share, "holds-article"))
    return out


class _Texts:
    """Elements' texts as a browser's CSS sees the page: not scripts, styles or a template's
    inert content. Most elements hold none of these, and their text is read directly; an
    XPath that leaves them out (a tenth of a page's time when used for every element) reads
    the others."""

    _FILTERED = etree.XPath(
        "descendant-or-self::text()[not(ancestor::script or ancestor::style or ancestor::template)]"
    )

    def __init__(self, root: HtmlElement) -> None:
        hidden = list(root.iter("script", "style", "template"))
        self.inert = {e for t in hidden if t.tag == "template" for e in t.iterdescendants()}
        self.mixed = {a for e in hidden for a in (e, *e.iterancestors())}

    def words(self, element: HtmlElement) -> list[str]:
        texts = self._FILTERED(element) if element in self.mixed else element.itertext()
        return " ".join(texts).split()

    def nfc(self, element: HtmlElement) -> str:
        """The text as the extracted text spells it: whitespace runs as one space, NFC."""
        return unicodedata.normalize("NFC", " ".join(self.words(element)))


def _newlines(element: HtmlElement) -> int:
    """The newlines in an element's HTML, as its serialisation would hold them, without
    serialising it: in its text, its descendants' text and tails, and its attributes."""
    count = 0
    for node in element.iter():
        count += sum(str(v).count("\n") for v in node.attrib.values())
        count += (node.text or "").count("\n") if isinstance(node.tag, str) else 0
        if node is not element:
            count += (node.tail or "").count("\n")
    return count


def link_texts(root: HtmlElement, texts: _Texts | None = None) -> frozenset[str]:
    """The whitespace-normalised texts of the links in this page (or fragment) that are long
    enough to be another article's headline."""
    texts = texts or _Texts(root)
    found = (texts.nfc(a) for a in root.iter("a") if a not in texts.inert)
    return frozenset(t for t in found if len(t.split()) >= _LINK_WORDS)


@functools.lru_cache(maxsize=4096)
def _xpath(selector: str) -> tuple[Callable[[Any], Any], bool]:
    """A selector as lxml XPath (cssselect's translation, as lxml.cssselect makes it), and
    whether it is one compound: then it tests an element on its own (`self::`); else it is
    evaluated over the page and the element looked for among the results."""
    parsed = cssselect.parse(selector)
    compound = len(parsed) == 1 and not isinstance(
        parsed[0].parsed_tree, cssselect.parser.CombinedSelector
    )
    prefix = "self::" if compound else "descendant-or-self::"
    translated = cssselect.HTMLTranslator().css_to_xpath(selector, prefix=prefix)
    return etree.XPath(translated), compound


def _matches(selector: str, element: HtmlElement, wider: dict[str, set[HtmlElement]]) -> bool:
    test, compound = _xpath(selector)
    return bool(test(element)) if compound else element in wider[selector]


def _wider(rules: list[Rule], page: HtmlElement) -> dict[str, set[HtmlElement]]:
    """What each selector with combinators matches, on the page as it came (the removals do
    not change an element's ancestors; sibling combinators are read before any removal)."""
    return {s: set(_xpath(s)[0](page)) for r in rules for s in r.selectors if not _xpath(s)[1]}


# A compound selector of a tag and class, id or attribute parts: the shape selector rules use.
_COMPOUND = re.compile(
    r"""([a-zA-Z][\w-]*)?((?:\.[\w-]+|\#[\w-]+|\[[\w-]+(?:[*~|^$]?=(?:"[^"]*"|'[^']*'|[^\]]*))?\])*)"""
)
_PART = re.compile(
    r"""\.([\w-]+)|\#([\w-]+)|\[([\w-]+)(?:[*~|^$]?=(?:"([^"]*)"|'([^']*)'|([^\]]*)))?\]"""
)


class _Index(NamedTuple):
    """Cheap necessary conditions for a list of selector rules, answered for all rules at once."""

    everything: tuple[int, ...]  # rules with a selector of another shape: its XPath decides
    by_tag: dict[str, tuple[int, ...]]
    # per attribute: one scan for every needle, and for a needle found, the rules (with the
    # tag they require) of it and of each needle it contains
    scans: dict[str, tuple[re.Pattern[str], dict[str, tuple[tuple[int, str | None], ...]]]]


@functools.lru_cache(maxsize=64)
def _index(selector_sets: tuple[tuple[str, ...], ...]) -> _Index:
    everything: list[int] = []
    by_tag: dict[str, set[int]] = {}
    needles: dict[str, dict[str, set[tuple[int, str | None]]]] = {}
    for rule, selectors in enumerate(selector_sets):
        tests = [_cheap_test(s) for s in selectors]
        if any(t is None for t in tests):
            everything.append(rule)
            continue
        for tag, attr, value in filter(None, tests):
            if attr is None:
                by_tag.setdefault(tag or "", set()).add(rule)
            else:
                needles.setdefault(attr, {}).setdefault(value, set()).add((rule, tag))
    scans = {}
    for attr, table in needles.items():
        ordered = sorted(table, key=len, reverse=True)  # at each place the longest is found...
        # ...and a needle found brings every needle inside it, which also occurs there
        closure = {
            n: tuple(sorted({hit for m in ordered if m in n for hit in table[m]}, key=str))
            for n in ordered
        }
        scan = re.compile("(?=(" + "|".join(map(re.escape, ordered)) + "))")
        scans[attr] = (scan, closure)
    tags = {t: tuple(sorted(r)) for t, r in by_tag.items()}
    return _Index(tuple(everything), tags, scans)


def _cheap_test(selector: str) -> tuple[str | None, str | None, str] | None:
    """A compound selector's tag, or its first class, id or attribute value (lower case, as a
    substring of the attribute); None for selectors of another shape."""
    found = _COMPOUND.fullmatch(selector.strip())
    if found is None or not (found.group(1) or found.group(2)):
        return None
    tag = found.group(1).lower() if found.group(1) else None
    part = _PART.search(found.group(2) or "")
    if part is None:
        return (tag, None, "")
    cls, ident, attr = part.group(1), part.group(2), part.group(3)
    value = cls or ident or next((v for v in part.group(4, 5, 6) if v is not None), "")
    name = "class" if cls else "id" if ident else attr.lower()
    return (tag, name, value.lower())


def _candidates(
    selector_sets: tuple[tuple[str, ...], ...], elements: list[HtmlElement]
) -> list[list[HtmlElement]]:
    """For each selector rule, the elements (in document order) that may match it.

    lxml's XPath tests every element against every selector, a walk of the page for each
    (15 ms a page for the shipped rules). One walk in Python tests all rules' cheap conditions
    at once (a tag, or a class, id or attribute substring, ignoring case); the selector's own
    XPath then decides only among these, so the answer is cssselect's.
    """
    index = _index(selector_sets)
    found: list[list[HtmlElement]] = [[] for _ in selector_sets]
    for element in elements:
        rules = set(index.everything)
        rules.update(index.by_tag.get(element.tag, ()))
        for attr, (scan, closure) in index.scans.items():
            raw = element.get(attr)
            if raw is None:
                continue
            for needle in set(scan.findall(raw.lower())):
                rules.update(r for r, tag in closure[needle] if tag is None or tag == element.tag)
        for rule in rules:
            found[rule].append(element)
    return found


def _covered(text: str, lines: list[tuple[str, int]]) -> int:
    """How many words of these (normalised) lines the element's text holds."""
    return sum(words for line, words in lines if line in text)


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _split_authors(value: Any) -> tuple[str, ...]:
    if not isinstance(value, str):
        return ()
    return tuple(a for a in (" ".join(p.split()) for p in value.split(";")) if a)
