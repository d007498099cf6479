"""What an article page's head says: its printed headline, its authors, its publication date.

trafilatura reads a page's metadata from its <title>, meta tags and JSON-LD, and reads it well;
what it hands over is the page's metadata, not the article's. The <title> carries the site's
name ("… | Google Cloud", "… — Greenhouse Studio"), the authors the outlet, the desk and the
place ("Nada Tawfik; BBC News; New York"), a name twice ("Tina Flint Huffman", "Tina Huffman")
or a credential ("MS", "RD"), and the date may be the last modification. This module starts
from what trafilatura found and corrects it with what the page prints and states elsewhere:

- the title is the page's <h1> when one shares most of its words with the page's titles or
  its address (the printed headline), else the title without a segment naming the site (and
  the page's <title> where trafilatura took an <h1> that is only the site's name);
- authors are people, each once: no credentials, roles, months, form labels or the site's
  own names; the JSON-LD Person authors when trafilatura's names hold them and more; the
  byline's names when the metadata names only the site, or nobody;
- the date is the one printed under the headline unless it is labelled as an update, else the
  first printed just above it, else the published date the page states (JSON-LD, meta tags)
  where trafilatura gave a modified one; a numeric date that reads both ways (03/01/2017) is
  read as the page's own <time datetime> says.

Every test is one of form or of the page's own statements (its site names, its structured
data), not of wording in one language; the few word lists (months, update labels, roles) cover
the languages the rules do. Measured on ../shared/devset-meta by bench/metadata.py
(docs/measurements.md). Pure: the same tree gives the same answer.
"""

from __future__ import annotations

import datetime
import html
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# What sets a site's name off in a title: "Headline | Site", "Site - Headline".
_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|::|•|·|/|»|~)\s+")
# A printed headline has a few words; a longer <h1> is a paragraph set large.
_HEADLINE_WORDS = (2, 40)
# Of the <h1>'s content words, at least this share must be in the page's titles or address.
_HEADLINE_SHARE = 0.4
# How much visible text under the headline holds its dateline.
_DATELINE_CHARS = 250
_DATELINE_TEXTS = 80  # text nodes read after the headline, at most
# And above it: a date printed over the headline sits right there.
_ABOVE_CHARS = 150
_ABOVE_TEXTS = 40

_ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "techarticle", "scholarlyarticle",
    "socialmediaposting", "liveblogposting", "report", "review", "howto", "recipe",
    "medicalwebpage", "posting",
})  # fmt: skip
_ORGANISATION_TYPES = frozenset({
    "organization", "newsmediaorganization", "corporation", "educationalorganization",
    "governmentorganization", "localbusiness", "ngo", "brand", "website",
})  # fmt: skip
# Page furniture an <h1> or a byline in it does not belong to the article: menus, footers,
# sidebars, dialogs. Not <header>: articles put their headline in one.
_FURNITURE_TAGS = frozenset({"nav", "footer", "aside", "form", "button", "dialog"})
_FURNITURE_WORDS = frozenset({
    "nav", "navbar", "navigation", "menu", "footer", "sidebar", "masthead", "modal", "popup",
    "cookie", "cookies", "breadcrumb", "breadcrumbs",
})  # fmt: skip
# A byline in these belongs to a comment, a related article, a menu or a widget.
_ELSEWHERE_WORDS = frozenset({
    "nav", "navbar", "navigation", "menu", "footer", "sidebar", "comment", "comments",
    "related", "widget", "recommended", "recirc", "popular", "trending", "reply", "respond",
    "review", "reviews", "testimonial", "card", "teaser",
})  # fmt: skip
_PAGE_TAGS = frozenset({"html", "body", "main", "article"})  # their classes describe the page
_STATE_PREFIXES = frozenset({"has", "no", "with", "is", "show", "hide"})  # "has-sidebar"

_STOPWORDS = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "with", "by", "at", "from",
    "is", "are", "be", "how", "what", "why", "your", "you", "our", "we", "it", "its", "this",
    "that", "these", "those", "vs", "de", "la", "le", "les", "des", "du", "et", "en", "y",
    "el", "los", "las", "un", "une", "der", "die", "das", "und", "von", "zu", "il", "lo", "gli",
    "i", "e", "di", "del", "della",
})  # fmt: skip

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan janvier janv januar jän enero ene gennaio gen janeiro januari",
        "february feb février févr februar febrero febbraio fevereiro fev februari",
        "march mar mars märz marzo março maart",
        "april apr avril abril aprile",
        "may mai mayo maggio maio mei",
        "june jun juin juni junio giugno junho",
        "july jul juillet juli julio luglio julho",
        "august aug août agosto ago augustus",
        "september sep sept septembre septiembre settembre setembro set",
        "october oct octobre oktober octubre ottobre outubro out okt",
        "november nov novembre noviembre novembro",
        "december dec décembre déc dezember diciembre dic dicembre dezembro dez",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS.setdefault(_name, _number)
_MONTH = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
# A date as pages print it: "March 3, 2025", "3 mars 2025", "3. März 2025", "3 de marzo de
# 2025", "2025-03-03", "03/03/2025", "3.3.2025".
_PRINTED_DATE = re.compile(
    rf"(?<!\w)(?:(?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th|\.|º)?\s+(?:de\s+)?(?P<m2>{_MONTH})\.?,?\s+(?:de\s+)?"
    rf"(?P<y2>\d{{4}})"
    rf"|(?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}})"
    rf"|(?P<a4>\d{{1,2}})[./](?P<b4>\d{{1,2}})[./](?P<y4>\d{{4}}))(?!\w)",
    re.IGNORECASE,
)
# A date labelled as the last change, not the publication.
_UPDATE_LABEL = re.compile(
    r"(?:updated|update|modified|revised|aktualisiert|geändert|mis à jour|mise à jour|"
    r"actualizado|actualización|aggiornato|atualizado|bijgewerkt)\W{0,3}"
    r"(?:on|am|le|el|il|em|op)?\W{0,3}$",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

# Credentials after a name ("Dylan Bailey, MS, RD, FAND"), and roles that start an
# affiliation ("Mayank Gupta, CEO of CaseBasix"): not names.
_CREDENTIALS = frozenset({
    "ms", "rd", "fand", "phd", "md", "ryt", "rdn", "ld", "ldn", "cdn", "cscs", "mph", "mba",
    "msc", "bsc", "ba", "ma", "rn", "np", "do", "dds", "cpt", "cssd", "cde", "ibclc", "jr", "sr",
    "esq", "llm", "jd", "facs", "facp", "mfa", "cfp", "cpa", "pe", "pmp", "cepf", "edd", "cfa",
    "frcp", "mbbs", "dvm", "pharmd", "lcsw", "lmft", "psyd", "dnp", "aprn", "faan", "cissp",
})  # fmt: skip
_ROLE = re.compile(
    r"\b(?:ceo|cto|cfo|coo|cmo|founder|co-founder|director|president|manager|officer|head of|"
    r"chief|editor|dietitian|nutritionist|representative|professor|dean|scientist|consultant|"
    r"senior|vice|correspondent|reporter|redakteur|redakteurin|rédacteur|rédactrice|"
    r"corresponsal|redactor|redactora|giornalista)\b",
    re.IGNORECASE,
)
# What stands in an author field without being a name.
_LABELS = frozenset({
    "name", "author", "authors", "the author", "autor", "autorin", "auteur", "autore", "admin",
    "administrator", "by", "written by", "posted by", "editor", "staff", "guest", "user",
    "anonymous", "unknown", "redaktion", "rédaction", "redacción", "redazione",
})  # fmt: skip
# A date run on after a name ("Supermove February 8"): a month with a day or a year.
_TRAILING_DATE = re.compile(
    rf"\s+(?:{_MONTH})\.?(?:\s+\d{{1,2}}(?:,?\s+\d{{4}})?|,?\s+\d{{4}})$", re.IGNORECASE
)
_NAME = re.compile(r"^[^\W\d_][\w'’.\-]*(?:\s+[\w'’.\-]+){0,4}$")
_BYLINE_LEAD = re.compile(
    r"^(?:written\s+by|posted\s+by|words\s+by|by|von|par|por|door|di|av|af)[\s:|]+(.+)$",
    re.IGNORECASE,
)
_BYLINE_END = re.compile(
    rf"\s+(?:on|am|le|el|il|op|-|–|—|•|·|\||/)\s+|\s+(?=(?:{_MONTH})\b\.?\s*\d)|\s+(?=\d)",
    re.IGNORECASE,
)
_NAME_LIST = re.compile(r"\s*(?:,|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bi\b)\s*")
_JOINER = re.compile(r"^(?:,|&|and\b|und\b|et\b|y\b|e\b)", re.IGNORECASE)
_CONJUNCTION = re.compile(r"(?:&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bi\b)", re.IGNORECASE)
_HONORIFIC = re.compile(r"^(?:dr|prof|mr|mrs|ms)\.?\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Head:
    title: str | None
    authors: tuple[str, ...]
    date: str | None


@dataclass(frozen=True)
class Found:
    """What trafilatura read from the page's metadata."""

    title: str | None
    authors: tuple[str, ...]
    date: str | None
    sitename: str | None


def read_head(tree: Any, found: Found, url: str | None) -> Head:
    """The article's headline, authors and publication date, from the page's tree (as lxml
    parsed it) and what trafilatura found in it."""
    page = _Page(tree, found, url)
    headline = page.headline()
    title = _headline_text(headline) if headline is not None else page.title_without_site()
    return Head(title or found.title, page.authors(), page.date(headline))


def byline_names(value: str) -> list[str]:
    """The people a byline names ("By X and Y", "Von X, Y und Z", "X, BBC News, New York"):
    a list joined by a conjunction names people throughout; a list without one ("Nada Tawfik,
    BBC News, New York", "Dylan Bailey, MS, RD") names one person and then their outlet, place
    or credentials. Months, form labels and trailing dates go; each name once."""
    value = " ".join(value.split())
    if not _CONJUNCTION.search(value):
        value = value.split(",")[0]
    names = [n.strip(" .,;:") for n in _NAME_LIST.split(value)]
    return _people(n for n in names if n and any(ch.isalpha() for ch in n))


class _Page:
    def __init__(self, tree: Any, found: Found, url: str | None) -> None:
        self.tree = tree
        self.found = found
        self.url = url
        self.ld = _json_ld(tree)
        self.articles = [o for o in self.ld if _types(o) & _ARTICLE_TYPES]
        self.sites = self._site_names()

    # -- the site's names

    def _site_names(self) -> set[str]:
        names = set(_meta(self.tree, "og:site_name", "application-name"))
        sitename, title = _key(self.found.sitename or ""), _key(self.found.title or "")
        # trafilatura sometimes gives the headline as the site's name: then it is not one
        if sitename and not (title.startswith(sitename) and len(sitename) > 0.6 * len(title)):
            names.add(self.found.sitename or "")
        for obj in self.ld:
            if _types(obj) & _ORGANISATION_TYPES and isinstance(obj.get("name"), str):
                names.add(obj["name"])
            for publisher in _as_list(obj.get("publisher")):
                if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                    names.add(publisher["name"])
        keys = {_key(_unescape(n).lstrip("@")) for n in names} | _domain_keys(self.url)
        return {k for k in keys if len(k) >= 2}

    def _is_site(self, text: str, *, exact: bool = False) -> bool:
        """Whether `text` names the site: one of its names; with `exact` false also a name
        with a short addition ("EcoFlow ZA"), the start of a longer name, or words all from
        the host name ("Google Cloud" on cloud.google.com)."""
        key = _key(text)
        if not key:
            return False
        for site in self.sites:
            if key == site:
                return True
            if not exact and (
                (len(site) >= 4 and key.startswith(site) and len(key) - len(site) <= 4)
                or (len(key) >= 4 and site.startswith(key))
            ):
                return True
        if exact:
            return False
        host = "".join(sorted(_host_words(self.url)))
        words = [w for w in _words(text) if w not in _STOPWORDS]
        return bool(host and words and any(len(w) >= 3 for w in words)) and all(
            w in host for w in words
        )

    # -- the title

    def headline(self) -> Any:
        """The printed headline: of the <h1>s outside the page's furniture, of a headline's
        length and not the site's name, the one whose content words are most found in the
        page's titles (<title>, og:title, twitter:title, JSON-LD headline, trafilatura's)
        and the last part of its address, if at least 40 % of them are."""
        refs: set[str] = set()
        # not trafilatura's title where it is only the <h1>'s own text (`_title`)
        titles = [self._title(), *_meta(self.tree, "og:title", "twitter:title")]
        titles += [o["headline"] for o in self.articles if isinstance(o.get("headline"), str)]
        titles += [t.text_content() for t in self.tree.iter("title")]
        for title in titles:
            refs |= {_stem(w) for w in _words(_unescape(title or ""))}
        refs |= {_stem(w) for w in _slug_words(self.url)}
        best, best_share = None, _HEADLINE_SHARE
        for element in self.tree.iter("h1"):
            text = _headline_text(element)
            words = [_stem(w) for w in _words(text) if w not in _STOPWORDS]
            low, high = _HEADLINE_WORDS
            if not words or not low <= len(text.split()) <= high or _in(element, _FURNITURE_WORDS):
                continue
            if self._is_site(text, exact=True):
                continue
            share = sum(w in refs for w in words) / len(words)
            if share > best_share or (best is None and share >= best_share):
                best, best_share = element, share
        return best

    def title_without_site(self) -> str | None:
        """trafilatura's title (or the page's <title>, see `_title`) without the segments at
        either end that name the site, nor the site's host name it starts with ("example.com
        Headline"; not a name alone: "Lidl Insider werden" stays)."""
        title = self._title()
        if not title:
            return None
        for name in _meta(self.tree, "og:site_name"):  # a name that holds a separator itself
            for cut in _SEPARATOR.finditer(title):
                if cut.start() > 0 and _key(title[cut.end() :]) == _key(_unescape(name)):
                    title = title[: cut.start()]
                    break
        parts, cuts = _SEPARATOR.split(title), _SEPARATOR.findall(title)
        while len(parts) > 1:
            if self._is_site(parts[-1]):
                parts, cuts = parts[:-1], cuts[:-1]
            elif self._is_site(parts[0]):
                parts, cuts = parts[1:], cuts[1:]
            else:
                break
        kept = parts[0] + "".join(c + p for c, p in zip(cuts, parts[1:], strict=True))
        first, _, rest = kept.strip().partition(" ")
        host = re.sub(r"^www\d?\.", "", _host(self.url))
        if rest and "." in first and first.casefold() in (host, f"www.{host}"):
            kept = rest
        return kept.strip() or title

    def _title(self) -> str:
        """trafilatura's title; but the page's <title> where trafilatura fell back on an <h1>
        (a page without og:title or twitter:title) that is the site's name, a blog's banner.
        (An <h1> that merely shares few words with <title> is a home page's slogan as often
        as a banner: on the 990-page dev set, taking <title> then was as often worse.)"""
        title = " ".join((self.found.title or "").split())
        if not title or _meta(self.tree, "og:title", "twitter:title"):
            return title
        if _key(title) not in {_key(_headline_text(h)) for h in self.tree.iter("h1")}:
            return title
        page = next((t.text_content() for t in self.tree.iter("title")), "")
        page = " ".join(_unescape(page).split())
        return page if page and self._is_site(title) else title

    # -- the authors

    def authors(self) -> tuple[str, ...]:
        names = _people(self.found.authors)
        people = self._ld_people()
        byline = self._byline()
        if people and names and {_key(n) for n in people} <= {_key(n) for n in names}:
            names = people  # the structured list, where trafilatura added more to it
        if names and all(self._is_site(n, exact=True) for n in names):
            printed = [n for n in byline if not self._is_site(n, exact=True)]
            names = printed or names
        kept = [n for n in names if not self._is_site(n, exact=True)]
        names = kept or names  # a site that is its own author (a personal blog) stays
        # scholarly tags, or the byline, that name everyone found so far and more: co-authors
        cited = _meta(self.tree, "citation_author", "citation_authors", "dc.creator")
        for more in (cited, byline):
            listed = {_key(_HONORIFIC.sub("", n)) for n in more}
            found = [_key(_HONORIFIC.sub("", n)) in listed for n in names]
            if names and len(more) > len(names) and all(found):
                names = _people(more)
                break
        if not names:
            names = people or byline
            names = [n for n in names if not self._is_site(n, exact=True)] or names
        return tuple(_distinct(names))

    def _ld_people(self) -> list[str]:
        """The Person authors of the page's JSON-LD articles, references resolved."""
        ids = {o["@id"]: o for o in self.ld if isinstance(o.get("@id"), str)}
        found: list[str] = []
        holders = self.articles or [o for o in self.ld if "webpage" in _types(o)]
        for article in holders:
            for author in _as_list(article.get("author")):
                if isinstance(author, dict) and "name" not in author:
                    author = ids.get(author.get("@id"), author)
                if isinstance(author, dict):
                    if _types(author) and "person" not in _types(author):
                        continue
                    author = author.get("name")
                if isinstance(author, str) and not author.startswith("http"):
                    found += _people([_unescape(author)])
        return _distinct(found)

    def _byline(self) -> list[str]:
        """The names of the printed byline: a rel=author or itemprop=author element, else an
        element whose class or id names an author or a byline and whose text starts (after a
        date) with "By", "Von", "Par" … or a label ("Author:"). Not in comments, related
        articles, sidebars or footers."""
        marked = self.tree.xpath("//a[@rel='author'] | //*[@itemprop='author']")
        for element in marked:
            if not _in(element, _ELSEWHERE_WORDS):
                names = _byline_of(_pieces(element), need_lead=False)
                if names:
                    return names
        boxes = [
            element
            for element in self.tree.xpath(
                "//*[contains(translate(@class, 'AUTHORBYLINE', 'authorbyline'), 'author') or "
                "contains(translate(@class, 'AUTHORBYLINE', 'authorbyline'), 'byline') or "
                "contains(translate(@id, 'AUTHORBYLINE', 'authorbyline'), 'author') or "
                "contains(translate(@id, 'AUTHORBYLINE', 'authorbyline'), 'byline')]"
            )
            if not _in(element, _ELSEWHERE_WORDS)
        ]
        for need_lead in (True, False):  # "By X" anywhere before a bare name
            for element in boxes:
                names = _byline_of(_pieces(element), need_lead=need_lead)
                if names:
                    return names
        return []

    # -- the date

    def date(self, headline: Any) -> str | None:
        """The date printed under the headline, unless labelled as an update; else one printed
        just above it, unless the page states that day as its last change only; else the
        published date the page states where trafilatura's is a modified one or missing;
        else trafilatura's. What the page prints wins over what it states: a reader dates the
        article by it (on the dev set, unlabelled printed dates that the page's data calls its
        last change were the publication date by the truth's reading 4 times in 5)."""
        published, modified = self._stated_dates()
        # a numeric date that reads both ways is read as the page's own <time> elements say
        stated = published + modified + self._time_dates()
        if headline is not None:
            printed = self._dateline(headline, stated)
            if printed is not None:
                return printed
            above = self._date_above(headline, stated)
            if above is not None and not (above in modified and above not in published):
                return above
        ours = self.found.date
        day = ours[:10] if ours else None
        if published and (day is None or (day in modified and day not in published)):
            return published[0]
        return ours

    def _stated_dates(self) -> tuple[list[str], list[str]]:
        published: list[str] = []
        modified: list[str] = []
        for obj in self.articles + [o for o in self.ld if "webpage" in _types(o)]:
            for field, into in (
                ("datePublished", published), ("dateCreated", published),
                ("dateModified", modified),
            ):  # fmt: skip
                _add(into, _day(obj.get(field)))
        for value in _meta(
            self.tree, "article:published_time", "datepublished", "og:published_time",
            "pubdate", "publish-date", "parsely-pub-date", "sailthru.date", "dc.date.issued",
            "citation_publication_date",
        ):  # fmt: skip
            _add(published, _day(value))
        for value in _meta(self.tree, "article:modified_time", "og:updated_time", "datemodified"):
            _add(modified, _day(value))
        return published, modified

    def _time_dates(self) -> list[str]:
        days: list[str] = []
        for element in self.tree.iter("time"):
            _add(days, _day(element.get("datetime")))
        return days

    def _date_above(self, headline: Any, stated: list[str]) -> str | None:
        """The first date in the visible text just before the headline ("February 4, 2025 -
        11 minutes" over it), not labelled as an update. The first, not the nearest: a
        "Published on 10 May 9 May" pair gives the publication, then the last change."""
        pieces: list[str] = []
        size = 0
        for node in reversed(headline.xpath(f"preceding::text()[position() <= {_ABOVE_TEXTS}]")):
            if not self._visible(node):
                continue
            text = " ".join(str(node).split())
            if text:
                pieces.append(text)
                size += len(text) + 1
                if size >= _ABOVE_CHARS:
                    break
        head = " ".join(reversed(pieces))[-_ABOVE_CHARS:]
        return _first_date(head, stated)

    @staticmethod
    def _visible(node: Any) -> bool:
        """Whether a text node is text a reader sees, outside the page's furniture."""
        parent = node.getparent()
        if parent is None or parent.tag in ("script", "style", "noscript", "template", "title"):
            return False
        return not _in(parent, _FURNITURE_WORDS)

    def _dateline(self, headline: Any, stated: list[str]) -> str | None:
        """The first date in the visible text under the headline that is not labelled as an
        update. A numeric date that reads both ways (03/04/2025) counts only when one reading
        is a date the page states."""
        head = ""
        for node in headline.xpath(f"following::text()[position() <= {_DATELINE_TEXTS}]"):
            if not self._visible(node):
                continue
            head += " " + " ".join(str(node).split())
            if len(head) >= _DATELINE_CHARS:
                break
        head = head[:_DATELINE_CHARS]
        return _first_date(head, stated)


def _byline_of(pieces: list[str], *, need_lead: bool) -> list[str]:
    """The names at the start of a byline's text: after "By" (or a label "Author:"), or,
    without `need_lead`, a first segment of 2 to 5 words shaped like a name."""
    text = _join_pieces(pieces[:8])
    date = _PRINTED_DATE.match(text)
    if date:
        text = text[date.end() :].lstrip(" |·•-–—,")
    lead = _BYLINE_LEAD.match(text)
    if lead:
        return byline_names(_BYLINE_END.split(lead.group(1), maxsplit=1)[0])
    head, _, rest = text.partition(" | ")
    if head.casefold().strip(" :") in _LABELS and rest:
        return byline_names(_BYLINE_END.split(rest, maxsplit=1)[0])
    if need_lead:
        return []
    first = _BYLINE_END.split(text, maxsplit=1)[0]
    if _is_name(first) and len(first.split()) >= 2 and not _ROLE.search(first):
        return byline_names(first)
    return []


def _join_pieces(pieces: list[str]) -> str:
    """A byline's text nodes as one line: one that continues a list (",", "&", "and") runs
    on, the others are set off by " | "; initials (an avatar's "NB") are left out."""
    out = ""
    for piece in pieces:
        if re.fullmatch(r"[A-Z]{1,3}", piece):
            continue
        if piece == "," and out:  # a comma between elements separates them: names in a list
            out += " &"
        elif not out:
            out = piece
        elif _JOINER.match(piece) or out.endswith((",", "&")):
            out += " " + piece
        else:
            out += " | " + piece
    return out


def _people(names: Iterable[str]) -> list[str]:
    """Names as people: a trailing date off, months and form labels out, and after the first
    name no credentials ("MS", "PhD", "E-RYT 200") and nothing from a role on ("CEO of …")."""
    out: list[str] = []
    for raw in names:
        name = _TRAILING_DATE.sub("", " ".join(raw.split())).strip(" .,;:")
        words = name.split()
        if len(words) > 2 and words[-1].casefold().strip(".") in _MONTHS:
            name = " ".join(words[:-1])  # "Jordana Cepelewicz December"
        low = name.casefold().strip(" .:*")
        if not low or low in _MONTHS or low in _LABELS:
            continue
        if out and _is_credential(name):
            continue
        if not out and any(ch.isdigit() for ch in name):
            continue
        if out and _ROLE.search(name):
            break
        out.append(name)
    return _distinct(out)


def _distinct(names: Sequence[str]) -> list[str]:
    """Each person once: a name whose words are all in another, longer one goes ("Tina
    Huffman" beside "Tina Flint Huffman"), and so does a repeat."""
    words = [frozenset(_words(n)) for n in names]
    out: list[str] = []
    for i, name in enumerate(names):
        if any(words[i] < words[j] for j in range(len(names)) if j != i):
            continue
        if any(words[i] == words[j] for j in range(i)):
            continue
        out.append(name)
    return out


def _is_credential(part: str) -> bool:
    bare = part.strip(" .®™")
    if not bare or any(ch.isdigit() for ch in bare):
        return True
    low = bare.casefold().replace(".", "")
    if all(token in _CREDENTIALS for token in re.split(r"[\s-]+", low) if token):
        return True
    letters = bare.replace(".", "").replace("-", "")
    return " " not in bare and letters.isalpha() and letters.isupper() and len(letters) <= 5


def _is_name(text: str) -> bool:
    return (
        bool(_NAME.match(text))
        and len(text) <= 50
        and not any(ch.isdigit() for ch in text)
        and not text[0].islower()
        and text.casefold().strip(" .:") not in _LABELS
    )


def _first_date(text: str, stated: list[str]) -> str | None:
    """The first date printed in `text` that is not labelled as an update."""
    for found in _PRINTED_DATE.finditer(text):
        if _UPDATE_LABEL.search(text[max(0, found.start() - 30) : found.start()]):
            continue
        day = _printed_day(found, stated)
        if day is not None:
            return day
    return None


def _printed_day(found: re.Match[str], stated: list[str]) -> str | None:
    parts = found.groupdict()
    if parts["m1"]:
        return _valid(int(parts["y1"]), _MONTHS[parts["m1"].lower()], int(parts["d1"]))
    if parts["m2"]:
        return _valid(int(parts["y2"]), _MONTHS[parts["m2"].lower()], int(parts["d2"]))
    if parts["y3"]:
        return _valid(int(parts["y3"]), int(parts["m3"]), int(parts["d3"]))
    a, b, year = int(parts["a4"]), int(parts["b4"]), int(parts["y4"])
    day_first, month_first = _valid(year, b, a), _valid(year, a, b)
    if day_first and month_first and day_first != month_first:
        return next((d for d in stated if d in (day_first, month_first)), None)
    return day_first or month_first


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def _day(value: Any) -> str | None:
    """YYYY-MM-DD of a stated date (ISO 8601, or as printed)."""
    if not isinstance(value, str) or not value.strip():
        return None
    iso = _ISO_DATE.search(value)
    if iso:
        return _valid(int(iso[1]), int(iso[2]), int(iso[3]))
    printed = _PRINTED_DATE.search(value)
    return _printed_day(printed, []) if printed else None


def _add(into: list[str], day: str | None) -> None:
    if day is not None and day not in into:
        into.append(day)


def _json_ld(tree: Any) -> list[dict[str, Any]]:
    """The objects of the page's JSON-LD scripts, @graph members included."""
    found: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip().removeprefix("<!--").removesuffix("-->")
        for attempt in (raw, re.sub(r"[\x00-\x1f]", " ", raw)):
            try:
                found += _objects(json.loads(attempt))
                break
            except (ValueError, RecursionError):
                continue
    return found


def _objects(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, list):
        return [o for v in value for o in _objects(v)]
    if isinstance(value, dict):
        return [value, *_objects(value.get("@graph"))]
    return []


def _types(obj: dict[str, Any]) -> set[str]:
    return {str(t).lower() for t in _as_list(obj.get("@type")) if t}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _meta(tree: Any, *names: str) -> list[str]:
    found: list[str] = []
    for element in tree.iter("meta"):
        name = element.get("property") or element.get("name") or element.get("itemprop") or ""
        value = " ".join((element.get("content") or "").split())
        if name.strip().lower() in names and value and value not in found:
            found.append(value)
    return found


def _in(element: Any, words: frozenset[str]) -> bool:
    """Whether `element` stands in page furniture: a nav, footer, aside, form, button or
    dialog, or a box whose class or id names one of `words` (`site-footer`, `main_nav`; not a
    state flag like `has-sidebar`, nor the page-wide classes of body, main or article)."""
    for above in (element, *element.iterancestors()):
        if above.tag in _FURNITURE_TAGS:
            return True
        if above.tag in _PAGE_TAGS:
            continue
        for token in f"{above.get('class') or ''} {above.get('id') or ''}".lower().split():
            parts = [p for p in re.split(r"[-_]+", token) if p]
            if parts and parts[0] not in _STATE_PREFIXES and words.intersection(parts):
                return True
    return False


def _headline_text(element: Any) -> str:
    """A headline's text, without a date printed before it in the same element."""
    text = " ".join(element.text_content().split())
    date = _PRINTED_DATE.match(text)
    if date and date.end() < len(text):
        text = text[date.end() :].lstrip(" -–—|:·•,")
    return text


def _pieces(element: Any) -> list[str]:
    return [t for t in (" ".join(str(x).split()) for x in element.itertext()) if t]


def _unescape(text: str) -> str:
    return " ".join(html.unescape(html.unescape(text)).split())


def _key(text: str) -> str:
    """Letters and digits, case-folded: "It’s All Trip To Me" is "itsalltriptome"."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())


def _stem(word: str) -> str:
    """A crude stem: a plural s off, six letters ("designs", "designer" and "design" meet)."""
    return (word[:-1] if len(word) > 3 and word.endswith("s") else word)[:6]


def _host(url: str | None) -> str:
    try:
        return (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""


def _host_words(url: str | None) -> set[str]:
    return {w for w in re.split(r"[.\-]", _host(url)) if w and w != "www"}


def _domain_keys(url: str | None) -> set[str]:
    """The names a host goes by: "www.help.net-security.co.uk" is helpnetsecurity, and its
    registrable label netsecurity."""
    host = re.sub(r"^www\d?\.", "", _host(url))
    labels = host.split(".")
    second_level = len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in {
        "co", "com", "org", "net", "ac", "gov", "edu"
    }  # fmt: skip
    core = labels[:-2] if second_level else labels[:-1]
    keys = {_key(host)}
    if core:
        keys |= {_key(core[-1]), _key("".join(core))}
    return {k for k in keys if len(k) >= 3}


def _slug_words(url: str | None) -> set[str]:
    try:
        path = urlsplit(url or "").path
    except ValueError:
        return set()
    parts = [p for p in path.split("/") if p]
    if not parts:
        return set()
    return set(re.findall(r"[^\W_]+", parts[-1].casefold())) - {"html", "htm", "php", "aspx"}
