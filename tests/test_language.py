"""ingest's langdetect detector gives langdetect's own answers, only cheaper."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langdetect.detector import Detector

from ingest.language import (
    ARTICLE_MAX_PROB,
    DECIDE_MIN_WORDS,
    FOREIGN_MIN_PROB,
    LINE_TRIALS,
    Language,
    _Detector,
    _factory,
    is_foreign,
    probabilities,
)

ROOT = Path(__file__).resolve().parent.parent

TEXTS = [
    "Le président a parlé à l’Assemblée, déjà très divisée, de la réforme des retraites.",
    "NATO and the EU said on Monday that the USA would send F-16 jets; see https://example.org.",
    "Die Bundesregierung hat am Montag    das Gesetz beschlossen – mit 412 Stimmen.",
    "Chính phủ Việt Nam công bố kế hoạch mới về kinh tế vào thứ Hai.",
    "Guvernul României a aprobat bugetul; ședința a durat până la ora ține.",
    "東京都は月曜日に新しい計画を発表した。 경제 계획을 발표했다.",
    "الحكومة أعلنت خطة جديدة يوم الاثنين في القاهرة",
    "WARNING: THIS IS ALL CAPS TEXT, Then Mixed Case, then lower case words follow here.",
    "  ",
]


def _stock(text: str, trials: int) -> Detector:
    detector = Detector(_factory())
    detector.n_trial = trials
    detector.append(text)
    return detector


def _ours(text: str, trials: int) -> Detector:
    detector = _Detector(_factory())
    detector.n_trial = trials
    detector.append(text)
    return detector


def _answer(detector: Detector) -> object:
    try:
        return [(p.lang, p.prob) for p in detector.get_probabilities()]
    except Exception as exc:  # langdetect raises on text without features
        return type(exc).__name__


def test_probabilities_are_langdetects_own() -> None:
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "raw").glob("*.txt"))]
    # all the seeds together pass langdetect's limit of 10,000 characters
    for text in [*TEXTS, *seeds, "\n".join(seeds)]:
        assert _ours(text, 2).text == _stock(text, 2).text
        for trials in (2, 7):
            assert _answer(_ours(text, trials)) == _answer(_stock(text, trials)), text[:40]


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from([*"aAbBéÉßşșțŢ xyzXYZ  .,-–’1234\n[_`", *"ệơ東京경حةΩ\u0300"]),
        max_size=80,
    )
)
def test_text_and_ngrams_are_langdetects_own(text: str) -> None:
    stock, ours = _stock(text, 1), _ours(text, 1)
    assert ours.text == stock.text
    stock.cleaning_text()
    ours.cleaning_text()
    assert ours.text == stock.text
    assert ours._extract_ngrams() == stock._extract_ngrams()


def _judged_foreign(line: str, article: str) -> bool:
    # the decision as made from all the walks' probabilities
    found = probabilities(line, LINE_TRIALS)
    if not found:
        return False
    p_article = next((p.confidence for p in found if p.code == article), 0.0)
    return (
        found[0].code != article
        and found[0].confidence >= FOREIGN_MIN_PROB
        and p_article <= ARTICLE_MAX_PROB
    )


def test_is_foreign_answers_as_all_the_walks_would() -> None:
    lines = [
        line
        for seed in sorted((ROOT / "raw").glob("*.txt"))
        for line in seed.read_text(encoding="utf-8").split("\n")
        if len(line.split()) >= DECIDE_MIN_WORDS
    ] + TEXTS
    answers = {
        (line, code): is_foreign(line, Language(code, 0.99))
        for line in lines
        for code in ("en", "fr", "de", "es", "vi", "zh")
    }
    assert answers == {
        (line, code): _judged_foreign(line, code)
        for line in lines
        for code in ("en", "fr", "de", "es", "vi", "zh")
    }
    assert any(answers.values()) and not all(answers.values())


def test_a_line_in_the_articles_language_is_settled_by_one_walk() -> None:
    detector = _Detector(_factory())
    detector.n_trial = LINE_TRIALS
    detector.append(TEXTS[0])  # French
    detector.stop_above = (tuple(detector.langlist.index(c) for c in ("fr",)), 0.2)
    detector.get_probabilities()
    assert detector.stopped
    assert abs(sum(detector.langprob) - 1 / LINE_TRIALS) < 1e-9  # one walk's share, no more


def test_the_cached_profiles_are_langdetects_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib import resources

    from langdetect.detector_factory import DetectorFactory

    from ingest.language import _profiles

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = _profiles()  # from the JSON files, and cached
    assert len(list((tmp_path / "ingest").iterdir())) == 1
    cached = _profiles()  # from the cache
    stock = DetectorFactory()
    folder = resources.files("langdetect") / "profiles"
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    stock.load_json_profile([(folder / n).read_text(encoding="utf-8") for n in names])
    for languages, table in (built, cached):
        assert languages == stock.langlist
        assert set(table) == set(stock.word_lang_prob_map)
        assert all(table[g] == probs for g, probs in stock.word_lang_prob_map.items())


def test_an_unwritable_cache_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest.language import _profiles

    (tmp_path / "ingest").write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    languages, table = _profiles()
    assert "en" in languages and table["the"] == table["the"]
