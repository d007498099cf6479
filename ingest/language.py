"""Deterministic language identification on top of langdetect.

langdetect samples n-grams at random. We give every detection its own detector seeded with a
constant and never touch langdetect's global factory, so the same text always gets the same
answer, in any process and in any order of calls. Profiles are loaded in sorted order because
langdetect's own loader follows the file system's directory order.
"""

from __future__ import annotations

import array
import contextlib
import functools
import hashlib
import importlib.metadata
import marshal
import os
import re
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from langdetect.detector import Detector
from langdetect.detector_factory import DetectorFactory
from langdetect.lang_detect_exception import ErrorCode, LangDetectException
from langdetect.utils.ngram import NGram

from ingest.output import atomic_write

SEED = 0
# Below this many letters langdetect's answer is noise; we say "und" (undetermined).
MIN_LETTERS = 20


class Language(NamedTuple):
    code: str
    confidence: float


UNDETERMINED = Language("und", 0.0)


class _Detector(Detector):  # type: ignore[misc]  # langdetect has no type hints
    """langdetect's detector, cheaper, and able to stop its walks early (`stop_above`).

    The n-gram extraction looks each character's normalisation up once (NGram.add_char's work
    for every character was a fifth of a detection's instructions; callgrind, 40 dev-set
    texts: 1.56 G → 1.22 G), and `append` and `cleaning_text` work by patterns instead of one
    character at a time. The text, the n-grams, and so the random walks and the
    probabilities, are exactly langdetect's: tests/test_language.py compares them."""

    text: str  # langdetect sets it in __init__

    def _extract_ngrams(self) -> list[str]:
        # NGram.add_char and the n-gram lookups of Detector._extract_ngrams, with
        # NGram.normalize (a pure function of the character) looked up once per character
        known = self.word_lang_prob_map
        normal = _NORMAL
        result: list[str] = []
        grams, capital = " ", False
        for ch in self.text:
            ch = normal.get(ch) or normal.setdefault(ch, NGram.normalize(ch))
            last = grams[-1]
            if last == " ":
                grams, capital = " ", False
                if ch == " ":
                    continue
            elif len(grams) >= NGram.N_GRAM:
                grams = grams[1:]
            grams += ch
            capital = ch.isupper() and (capital or last.isupper())
            if capital:
                continue
            if ch != " " and ch in known:
                result.append(ch)
            if len(grams) >= 2:
                if grams[-2:] in known:
                    result.append(grams[-2:])
                if len(grams) >= 3 and grams in known:
                    result.append(grams)
        return result

    def append(self, text: str) -> None:
        # langdetect's own, with runs of spaces collapsed by a pattern instead of a string
        # grown one character at a time
        text = self.URL_RE.sub(" ", text)
        text = self.MAIL_RE.sub(" ", text)
        text = NGram.normalize_vi(text)
        self.text += _SPACES.sub(" ", text[: self.max_text_length])

    def cleaning_text(self) -> None:
        # langdetect's own, counted by patterns. Its test for the Latin Extended Additional
        # block compares a block number with a name, so every character from U+0300 on counts
        # as non-Latin; so it does here.
        without_latin, latin = _LATIN.subn("", self.text)
        if latin * 2 < len(_NON_LATIN.findall(self.text)):
            self.text = without_latin

    # Set by is_foreign: (language indexes, share). The walks stop once their average is sure
    # to give one of these languages more than the share, whatever the walks left would say.
    stop_above: tuple[tuple[int, ...], float] | None = None
    stopped = False

    def _detect_block(self) -> None:
        # langdetect's own, but for the stop_above check after each walk
        self.cleaning_text()
        ngrams = self._extract_ngrams()
        if not ngrams:
            raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
        self.langprob = [0.0] * len(self.langlist)
        self.random.seed(self.seed)
        for _ in range(self.n_trial):
            prob = self._init_probability()
            alpha = self.alpha + self.random.gauss(0.0, 1.0) * self.ALPHA_WIDTH
            i = 0
            while True:
                self._update_lang_prob(prob, self.random.choice(ngrams), alpha)
                if i % 5 == 0 and (
                    self._normalize_prob(prob) > self.CONV_THRESHOLD or i >= self.ITERATION_LIMIT
                ):
                    break
                i += 1
            for j in range(len(self.langprob)):
                self.langprob[j] += prob[j] / self.n_trial
            # the average only grows with each walk's (non-negative) share
            if self.stop_above:
                own, share = self.stop_above
                if max((self.langprob[j] for j in own), default=0.0) > share:
                    self.stopped = True
                    return


_NORMAL: dict[str, str] = {}
_SPACES = re.compile(" {2,}")
_LATIN = re.compile("[A-z]")  # langdetect's 'A' <= ch <= 'z'
_NON_LATIN = re.compile("[\u0300-\U0010ffff]")


@functools.cache
def _factory() -> Any:
    factory = DetectorFactory()
    factory.langlist, factory.word_lang_prob_map = _profiles()
    factory.seed = SEED
    return factory


class _Table(dict[str, bytes]):
    """langdetect's n-gram table (n-gram → its probability in each language), kept packed:
    the languages an n-gram occurs in (one byte each), then those probabilities (doubles).

    An n-gram's list is unpacked when a detection first reads it. Building all 87,598 lists
    of 55 floats was most of a process's start (0.25 s); the packed table loads in 0.03 s.
    The probabilities are langdetect's own, bit for bit.
    """

    def __init__(self, packed: dict[str, bytes], languages: int) -> None:
        super().__init__(packed)
        self.languages = languages
        self.unpacked: dict[str, list[float]] = {}

    def __getitem__(self, gram: str) -> list[float]:  # type: ignore[override]
        found = self.unpacked.get(gram)
        if found is None:
            packed = dict.__getitem__(self, gram)
            count = len(packed) // 9
            found = [0.0] * self.languages
            for index, value in zip(packed[:count], array.array("d", packed[count:]), strict=True):
                found[index] = value
            self.unpacked[gram] = found
        return found


def _profiles() -> tuple[list[str], _Table]:
    """langdetect's languages and n-gram table: from the cache when it holds this langdetect's
    profiles, else read from its 55 JSON files (in sorted order: langdetect's own loader
    follows the directory's order) and cached for the next process.

    The cache is `$XDG_CACHE_HOME/ingest/` (`~/.cache/ingest/`); one that cannot be read or
    written costs only the time.
    """
    profiles = resources.files("langdetect") / "profiles"
    names = sorted(p.name for p in profiles.iterdir() if not p.name.startswith("."))
    key = hashlib.sha256(
        repr(
            (
                importlib.metadata.version("langdetect"),
                sys.version_info[:2],  # marshal's format is Python's own
                names,
            )
        ).encode()
    ).hexdigest()[:16]
    path = _cache_dir() / f"langdetect-{key}.marshal"
    try:
        languages, packed = marshal.loads(path.read_bytes())
        return list(languages), _Table(packed, len(languages))
    except (OSError, ValueError, EOFError, TypeError):
        pass
    factory = DetectorFactory()
    factory.load_json_profile([(profiles / n).read_text(encoding="utf-8") for n in names])
    languages = list(factory.langlist)
    packed = {gram: _pack(probs) for gram, probs in factory.word_lang_prob_map.items()}
    with contextlib.suppress(OSError):  # no cache: the next process reads the JSON again
        atomic_write(path, marshal.dumps((languages, packed)))
    return languages, _Table(packed, len(languages))


def known_codes() -> frozenset[str]:
    """The codes detection can give: langdetect's languages, and "und" (none could be told)."""
    profiles = resources.files("langdetect") / "profiles"
    return frozenset(p.name for p in profiles.iterdir() if not p.name.startswith(".")) | {
        UNDETERMINED.code
    }


def _pack(probabilities: list[float]) -> bytes:
    where = [i for i, p in enumerate(probabilities) if p]
    return bytes(where) + array.array("d", [probabilities[i] for i in where]).tobytes()


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path("~/.cache").expanduser()) / "ingest"


def load_profiles() -> None:
    """Load langdetect's profiles now rather than at the first detection."""
    _factory()


def letter_count(text: str) -> int:
    return sum(map(str.isalpha, text))


# Detection reads a bounded sample: SAMPLE_PIECES stretches spread evenly over the text,
# SAMPLE_CHARS in all. Measured on the dev set's 989 article bodies (bench/language.py): the
# same language as reading the whole text for 99.9 %, in 41 % of the time.
SAMPLE_CHARS = 2000
SAMPLE_PIECES = 4


def sample(text: str, limit: int = SAMPLE_CHARS, pieces: int = SAMPLE_PIECES) -> str:
    """At most `limit` characters of `text`, taken from `pieces` evenly spaced places and cut
    at spaces, so that a long article's opening furniture does not decide its language."""
    if len(text) <= limit:
        return text
    size = limit // pieces
    step = (len(text) - size) / (pieces - 1)
    parts = []
    for i in range(pieces):
        start = int(i * step)
        if start > 0 and not text[start - 1].isspace():  # begin at a word
            space = text.find(" ", start, start + 40)
            start = space + 1 if space >= 0 else start
        end = len(text) if start + size >= len(text) else text.rfind(" ", start, start + size)
        parts.append(text[start : end if end > start else start + size])
    return "\n".join(parts)


# langdetect averages seven random walks over a text's n-grams. An edge line is judged with
# two: on the dev set every page cleans as with seven, and with one a command line in a
# German article was taken for English (bench/language.py).
TRIALS = 7
LINE_TRIALS = 2


def probabilities(text: str, trials: int = TRIALS) -> list[Language]:
    """Languages with their probabilities, most likely first; [] when too short to tell."""
    return _judge(_detector(text, trials))


def _detector(text: str, trials: int) -> _Detector | None:
    if letter_count(text) < MIN_LETTERS:
        return None
    detector = _Detector(_factory())
    detector.n_trial = trials
    detector.append(sample(text))
    return detector


def _judge(detector: _Detector | None) -> list[Language]:
    if detector is None:
        return []
    try:
        found = detector.get_probabilities()
    except LangDetectException:
        return []
    # ISO 639-1: langdetect's zh-cn / zh-tw are both "zh".
    return [Language(str(p.lang).split("-")[0], round(float(p.prob), 4)) for p in found]


def detect(text: str) -> Language:
    """The most likely language of `text`, or UNDETERMINED when it is too short to tell."""
    found = probabilities(text)
    return found[0] if found else UNDETERMINED


# Edge-run detection: thresholds measured on the seeds and the dev set (see README).
MAX_EDGE_LINES = 40  # how far in from either end a boilerplate run may reach
MIN_FOREIGN_LINES = 2  # one foreign line at an edge is more likely a closing quote
ARTICLE_MIN_CONFIDENCE = 0.9
FOREIGN_MIN_PROB = 0.8
ARTICLE_MAX_PROB = 0.2
# Lists, tables, names and references fool the detector: only prose is judged. A short line
# is undecided (it may join a run); a long line that is not prose ends the run.
DECIDE_MIN_WORDS = 6
_LIST_ITEM = re.compile(r"^\s*(?:\[\d+\]|\d+[.)]|[-*•]\s*[^\W\d_][^\s,]*,)")


def is_prose(line: str) -> bool:
    """A sentence-like line: mostly lower-case words, few digits, not a list or reference item."""
    words = [w for w in line.split() if any(ch.isalpha() for ch in w)]
    if len(words) < DECIDE_MIN_WORDS or _LIST_ITEM.match(line):
        return False
    lower = sum(1 for w in words if next(ch for ch in w if ch.isalpha()).islower())
    digits = sum(ch.isdigit() for ch in line)
    return lower / len(words) >= 0.5 and digits <= 0.1 * len(line.replace(" ", ""))


def is_foreign(line: str, article: Language, trials: int = LINE_TRIALS) -> bool:
    """Whether `line` is in another language than the article: the most likely language is
    not the article's, at FOREIGN_MIN_PROB or more, and the article's is at ARTICLE_MAX_PROB
    or less.

    The answer `probabilities(line, trials)` gives, sooner: a line in the article's language
    is settled by the first walk (averaged over all of them, it already gives the article's
    language more than ARTICLE_MAX_PROB), and the other walks are not run.
    """
    detector = _detector(line, trials)
    if detector is None:
        return False
    own = tuple(j for j, lang in enumerate(detector.langlist) if lang.split("-")[0] == article.code)
    # past what rounding to four places could bring back to ARTICLE_MAX_PROB
    detector.stop_above = (own, ARTICLE_MAX_PROB + 1e-4)
    found = _judge(detector)
    if detector.stopped or not found:
        return False
    p_article = next((p.confidence for p in found if p.code == article.code), 0.0)
    top = found[0]
    return (
        top.code != article.code
        and top.confidence >= FOREIGN_MIN_PROB
        and p_article <= ARTICLE_MAX_PROB
    )


def foreign_edge_runs(
    texts: list[str],
    article: Language,
    foreign: Callable[[str], bool],
) -> list[tuple[int, int]]:
    """Leading and trailing runs of `texts` written in another language than the article.

    `foreign` tells whether a prose line is in another language (`is_foreign` for the article,
    or a caching wrapper of it).

    Returns inclusive index ranges. Lines too short to judge join a run only when a foreign
    line lies beyond them, so a short heading next to the article is never taken.
    """
    if article.code == UNDETERMINED.code or article.confidence < ARTICLE_MIN_CONFIDENCE:
        return []
    runs: list[tuple[int, int]] = []
    n = len(texts)
    for order in (range(n), range(n - 1, -1, -1)):
        run: list[int] = []
        decided: list[bool] = []
        for count, i in enumerate(order):
            if count >= MAX_EDGE_LINES:
                break
            if len(texts[i].split()) < DECIDE_MIN_WORDS:
                run.append(i)
                decided.append(False)
                continue
            if is_prose(texts[i]) and foreign(texts[i]):
                run.append(i)
                decided.append(True)
                continue
            break
        while decided and not decided[-1]:
            run.pop()
            decided.pop()
        if sum(decided) >= MIN_FOREIGN_LINES:
            runs.append((min(run), max(run)))
    if len(runs) == 2 and runs[0][1] >= runs[1][0]:
        return [(min(runs[0][0], runs[1][0]), max(runs[0][1], runs[1][1]))]
    return runs
