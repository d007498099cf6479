"""Which line of a pasted text is its headline, and which lines are copies of a page's title.

Pasted article text often starts with the headline, and often does not: above it, or in its
place, stand the page's furniture, a section label ("Politik"), a breadcrumb ("Home » News"),
a dateline ("21.01.2022 Aktuelle Meldung"), a byline ("Alice Wu"), a photo credit ("Noah
Berger / AP"), a share widget. A wrong title is worse than none, so a line is the title only
when its shape reads as a headline (`why_not_headline`), the search ends at the first line
that reads as body text, and the article's head stands below it: a byline or a dateline. A
paste that starts below the page's headline starts with a subheading or a standfirst, which
has a headline's shape but no byline under it. Every test is one of shape, not of wording
(the rules that know bylines by their words tell the search which lines they removed), so
that it holds in any language that puts spaces between words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

# A headline has a few words: fewer are a label, a name or a button; more are a caption or a
# paragraph without its full stop.
MIN_WORDS = 3
MAX_WORDS = 25
MAX_CHARS = 200
# The headline comes first, under at most this many lines of furniture, and heads the article:
# a line of body text follows within this many lines (a heading over a menu, a list of links or
# a recipe's facts is not the article's headline).
MAX_ABOVE = 4
BODY_WITHIN = 4
# The byline or dateline that confirms a headline stands within this many lines below it, above
# any paragraph longer than a standfirst.
HEAD_WITHIN = 4
STANDFIRST_WORDS = 40
# A line of this many words that ends like a sentence is body text; a shorter one ("Empfiehl
# dies deinen Freunden.", "Artikel teilen:") is a widget or a label above the headline.
BODY_WORDS = 5
# A line that starts in lower case and has at most this many words is a fragment: the tail of
# a kicker, a link or a widget ("in weitere Netzwerke teilen"). A longer one can be a headline
# that the copy took in lower case.
FRAGMENT_WORDS = 8

# Why a line is not a headline (`why_not_headline`). The body reasons say the line is article
# text: the headline, when the text has one, stands above it.
TOO_LONG = "too long for a headline"
SENTENCE = "ends like a sentence"
INNER_STOP = "a sentence ends inside it"
BODY = frozenset({TOO_LONG, SENTENCE, INNER_STOP})
CUT = "a short line ending in a full stop, colon or comma: a prompt, a label or a fragment"
NO_LETTERS = "no words"
TOO_SHORT = "too few words: a label, a name or a button"
FRAGMENT = "starts in lower case or with an ellipsis: a fragment"
SEPARATED = "parts set off by separator marks: a breadcrumb, a credit or a row of links"
ADDRESS = "an e-mail or web address: a byline, a credit or a link"
DATELINE = "a date, a time or mostly numbers: a dateline or a counter"
FIELD = "a label and a figure: a field of the page's facts (reading time, price, date)"
NAME = "a few capitalised words only: a name, a byline or a label"
CAPITALS = "in capitals: a label or a kicker"

_CLOSERS = "\"'”’»)]"
_NOT_HEADLINE_ENDINGS = (".", ":", ";", ",", "…")
# Marks that set off the parts of a breadcrumb, a credit or a row of links ("Home » News",
# "Noah Berger / AP", "Vorheriges | Nächstes", "« Zurück"), a line that begins or ends with a
# dash ("Düsseldorf -"), a copyright sign. A headline joins its parts with a colon or a dash.
# (\u203a and \u2039 are the single angle quotes of breadcrumbs, "Home \u203a News".)
_SEPARATED = re.compile(r"(?:^|\s)(?:[|/\\•·<>«»]|//)(?:\s|$)|[\u203a\u2039→←©]|^[-–—]|\s[-–—]$")
# A date, in figures or with the month's name, or a clock time: "21.01.2022", "1/21/22",
# "2022-01-21", "13. Januar 2014", "21 de abril de 2022", "March 1, 2024", "11:36".
_DATE_OR_TIME = re.compile(
    r"(?<!\d)(?:\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}|\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}\.?\s(?:de\s)?[^\W\d_]{3,}\.?(?:\sde)?,?\s\d{4}"
    r"|\d{1,2}:\d{2})(?!\d)"
    r"|[^\W\d_]{3,}\.?\s\d{1,2}(?:st|nd|rd|th)?,?\s\d{4}(?!\d)"
)
# A sentence ends inside the line: "Visual Abstract. Influenza Vaccination for the Elderly",
# or a caption runs into its credit ("... phenomenon.Credit: Ou Dongqu/Xinhua"). A full stop
# after three letters at least, so that abbreviations ("Dr. Martin Dutzmann", "U.S.
# emissions") do not count, and before a capital.
_INNER_STOP = re.compile(r"[^\W\d_]{3}\.\s*[(\[\"'„“‘«]?([^\W\d_])")
_ADDRESS = re.compile(r"\S@\S+\.\w|https?://|\bwww\.", re.IGNORECASE)

_KEY_STRIP = " .:;,!?\"'“”‘’«»"
# What joins a page title's parts: "Headline | Section | Site | 23.05.2011", "Site - Headline".
# Not a colon, which belongs to headlines ("Kenji Fujimori: trial resumes").
_PART_MARKS = "|·»–—/-"
_PARTS = re.compile(rf"\s+(?:[{re.escape(_PART_MARKS)}]|::)\s+")
# A copy of the headline may carry this many words of section and site name beside it.
_MAX_LABEL_WORDS = 3
_MIN_CORE_WORDS = 3


def find_headline(texts: Sequence[str], bylines: Collection[int] = ()) -> int | None:
    """Index of the headline among `texts` (stripped lines, '' for blank), or None.

    The headline is the first line that reads as one (`why_not_headline`) among the first
    lines of the text, above the first line of body text, with body text close below it and
    the article's head under it: a byline or a dateline (a line of `bylines`, lines the rules
    removed as bylines, or a line shaped as a date or a name) before any paragraph longer than
    a standfirst. `bylines` are indexes into `texts`; those lines are never the headline.
    """
    content = [i for i, t in enumerate(texts) if t]
    for n, i in enumerate(content[: MAX_ABOVE + 1]):
        if i in bylines:
            continue
        why = why_not_headline(texts[i])
        if why in BODY:
            return None
        if why is None:
            below = content[n + 1 : n + 1 + max(BODY_WITHIN, HEAD_WITHIN)]
            body = [j for j in below[:BODY_WITHIN] if j not in bylines]
            if not any(why_not_headline(texts[j]) in BODY for j in body):
                return None
            return i if _head_below(texts, below[:HEAD_WITHIN], bylines) else None
    return None


def _head_below(texts: Sequence[str], below: Sequence[int], bylines: Collection[int]) -> bool:
    """Whether a byline or a dateline stands among the lines `below` a headline, before any
    paragraph longer than a standfirst."""
    for j in below:
        if j in bylines:
            return True
        why = why_not_headline(texts[j])
        if why in (DATELINE, NAME):
            return True
        if why == NO_LETTERS and _DATE_OR_TIME.search(texts[j]):  # "21.01.2022 10:15"
            return True
        if why == TOO_SHORT and len(texts[j].split()) == 2 and _name_like(texts[j].split()):
            return True  # a name: "Anna Schmidt"
        if why in BODY and len(texts[j].split()) > STANDFIRST_WORDS:
            return False
    return False


def why_not_headline(line: str) -> str | None:
    """Why `line` does not read as a headline (one of this module's reasons), or None.

    A headline has three to 25 words, begins like a sentence and ends without a full stop,
    colon or comma, has no sentence ending inside, and is none of the page's furniture: parts
    set off by separator marks, an address, a date or a time, mostly numbers, a labelled
    figure, a name, a label in capitals.
    """
    text = " ".join(line.split())
    words = text.split()
    if len(words) > MAX_WORDS or len(text) > MAX_CHARS:
        return TOO_LONG
    if text.rstrip(_CLOSERS).endswith(_NOT_HEADLINE_ENDINGS):
        return SENTENCE if len(words) >= BODY_WORDS else CUT
    if any(m.group(1).isupper() for m in _INNER_STOP.finditer(text)):
        return INNER_STOP
    if not any(ch.isalpha() for ch in text):
        return NO_LETTERS
    if len(words) < MIN_WORDS:
        return TOO_SHORT
    if text.startswith(("...", "…")) or (text[0].islower() and len(words) <= FRAGMENT_WORDS):
        return FRAGMENT
    if _separated(text):
        return SEPARATED
    if _ADDRESS.search(text):
        return ADDRESS
    if _DATE_OR_TIME.search(text) or 3 * sum(_has_digit(w) for w in words) >= len(words):
        return DATELINE
    # "Label: value", as a page sets out its facts: a figure, or a name (a byline, a credit)
    label, colon, value = text.rpartition(": ")
    labelled = bool(colon) and len(label.split()) <= 3 and len(value.split()) <= 3
    if labelled and value[:1].isdigit():
        return FIELD
    if _name_like(words) or (labelled and _name_like(value.split())):
        return NAME
    if all(ch.isupper() for ch in text if ch.isalpha()):
        return CAPITALS
    return None


def _separated(text: str) -> bool:
    """Parts set off by separator marks; not guillemets that quote ("« Non » au référendum")."""
    for m in _SEPARATED.finditer(text):
        mark = m.group().strip()
        if mark not in "«»" or ("«" not in text or "»" not in text):
            return True
    return False


def _has_digit(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


def _name_like(words: list[str]) -> bool:
    """One to three words, each capitalised: a name ("Priscilla Du Preez"), a byline ("Von
    Anna Schmidt"), a label ("Editors Pick", "Glaube & Leben"). Marks between the words do not
    count; a number is not part of a name."""
    initials = [next(c for c in w if c.isalnum()) for w in words if any(c.isalnum() for c in w)]
    return 0 < len(initials) <= 3 and all(c.isupper() for c in initials)


def headline_key(text: str) -> str:
    """What two lines must share to count as the same headline."""
    return " ".join(text.casefold().split()).strip(_KEY_STRIP)


def headline_matcher(title: str) -> Callable[[str], bool]:
    """Is a line of the text a copy of the page's `title`?

    A page's title often carries its site, section or date ("Headline | Section | Site |
    23.05.2011") and the printed headline does not, or carries others. A line matches when it is
    the title, or the title's headline part (its longest part, three words or more) with at most
    a few words of labels, dates or numbers set off beside it.
    """
    whole = headline_key(title)
    parts = _PARTS.split(title)
    core = headline_key(max(parts, key=len)) if len(parts) > 1 else ""
    if len(core.split()) < _MIN_CORE_WORDS:
        core = ""

    def matches(line: str) -> bool:
        key = headline_key(line)
        if key == whole or (core and key == core):
            return True
        if not core or len(key) <= len(core):
            return False
        if key.startswith(core):
            rest = key[len(core) :]
            mark = rest.lstrip()[:1]
        elif key.endswith(core):
            rest = key[: -len(core)]
            mark = rest.rstrip()[-1:]
        else:
            return False
        labels = [w for w in _PARTS.split(f" {rest} ") if any(c.isalpha() for c in w)]
        if not labels:  # a date or a number glued on
            return True
        words = sum(len(w.split()) for w in labels)
        return bool(mark) and mark in _PART_MARKS and words <= _MAX_LABEL_WORDS

    return matches
