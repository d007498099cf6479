"""ingest's langdetect detector gives langdetect's own answers, only cheaper."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from langdetect.detector import Detector

from ingest.language import _Detector, _factory

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
    for text in TEXTS + seeds:
        for trials in (2, 7):
            assert _answer(_ours(text, trials)) == _answer(_stock(text, trials)), text[:40]


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            [*"aAbBéÉßşșțŢ xyzXYZ  .,-–’1234\n", "ệ", "ơ", "東", "京", "경", "ح", "ة", "Ω"]
        ),
        max_size=80,
    )
)
def test_ngrams_are_langdetects_own(text: str) -> None:
    stock, ours = _stock(text, 1), _ours(text, 1)
    stock.cleaning_text()
    ours.cleaning_text()
    assert ours._extract_ngrams() == stock._extract_ngrams()
