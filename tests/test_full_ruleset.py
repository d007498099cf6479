"""The shipped ruleset on whole articles: near misses stay, boilerplate goes."""

from __future__ import annotations

from ingest import Ruleset, clean

ARTICLE = [
    "Subscribers to the theory argue that the talks were never serious.",
    "The copyright dispute went to court in May.",
    "He donated his salary to the hospital.",
    "Read the full report on the ministry's site, the minister said.",
    "Follow the money, investigators said.",
    "Share prices fell 5% on Monday, the exchange reported.",
    "By 2030, the army will have fifty brigades, officials said.",
    "« Nous ne lâcherons rien », a déclaré le ministre, selon l'agence.",
    "The minister then left for Brussels, where talks resume on Tuesday.",
]


def test_near_miss_sentences_survive_the_whole_ruleset(ruleset: Ruleset) -> None:
    result = clean("\n\n".join(ARTICLE), ruleset)
    assert result.removals == (), [(r.rule, r.text) for r in result.removals]
    assert result.text.split("\n\n") == ARTICLE


def test_french_notice_closing_an_english_article_goes_but_an_inner_quote_stays(
    ruleset: Ruleset,
) -> None:
    notice = [
        "Votre compte est utilisé en ce moment par une autre personne sur un autre ordinateur.",
        "Pour continuer votre lecture, vous devez vous déconnecter de cet autre ordinateur.",
        "Merci de votre compréhension et bonne lecture sur notre site.",
    ]
    result = clean("\n\n".join(ARTICLE + notice), ruleset)
    assert result.text.split("\n\n") == ARTICLE
    assert {r.rule for r in result.removals} == {"foreign-language-edge"}
    assert result.language.code == "en"


def test_boilerplate_in_four_languages_goes(ruleset: Ruleset) -> None:
    boilerplate = [
        "Subscribe to our newsletter",
        "Inscrivez-vous à notre newsletter",
        "Suscríbete a nuestro boletín",
        "Jetzt zum Newsletter anmelden",
        "Copyright © 2024 Example Media",
        "Lire aussi : Les alliés divisés sur l'envoi de troupes",
        "Síguenos en Facebook y X",
        "Fehler gefunden? Jetzt melden.",
    ]
    text = "\n\n".join(ARTICLE[:4] + boilerplate + ARTICLE[4:])
    result = clean(text, ruleset)
    assert result.text.split("\n\n") == ARTICLE
    assert len(result.removals) == len(boilerplate)


def test_a_first_line_that_is_a_paragraph_is_body_not_title(ruleset: Ruleset) -> None:
    result = clean("\n".join(ARTICLE), ruleset)
    assert result.title is None
    head = "Talks resume in Brussels\n\nBy Anna Novak\n\n"
    titled = clean(head + "\n\n".join(ARTICLE), ruleset)
    assert titled.title == "Talks resume in Brussels"
    assert titled.text.startswith("Talks resume in Brussels\n\n")
    # without the byline the line may be a subheading: no title rather than a wrong one
    assert clean("Talks resume in Brussels\n\n" + "\n\n".join(ARTICLE), ruleset).title is None
