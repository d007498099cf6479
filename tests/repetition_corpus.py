"""A corpus of fetched pages from two sites, for the repetition tests.

northfield-courier.com (English): four stories and one of them fetched again under another
address; la-gazette-du-rhone.fr (French): three stories and a breaking story in three versions
updated through the day. Each site prints its own lines on every page; some lines appear on
two pages only, or on pages of both sites. Pages are written as `ingest fetch` keeps them in
raw/: `<key>.html` and its HTTP record `<key>.http.json`.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

COURIER = "northfield-courier.com"
GAZETTE = "la-gazette-du-rhone.fr"

# Printed on every Courier page.
COURIER_LINES = (
    "The Courier has covered the Northfield valley since 1887.",
    "More from Budget Watch, our series on where the county's money goes.",
)
# Printed on every Gazette page.
GAZETTE_LINES = (
    "La Gazette du Rhône, l'actualité de Lyon et de sa région depuis 1921.",
    "Tous nos articles sur la métropole sont à retrouver dans la rubrique Lyon.",
)
# On two Courier stories only (and on the second fetch of one of them): not repeated enough.
PAIR_LINE = "Northfield County at a glance: population 148,000."
# On two Courier stories and one Gazette story: three pages, but two sites.
CROSS_LINE = "Photographs from this story are available from our picture desk."

_COURIER_STORIES: dict[str, tuple[str, str, list[str]]] = {
    "budget": (
        "County board passes budget after four-hour meeting",
        "By Dana Whitfield",
        [
            "The Northfield County board approved a $212 million budget late on Tuesday, ending "
            "a four-hour meeting in which residents lined up to speak against cuts to the "
            "library system and the rural bus service.",
            "The final vote was four to one. Commissioner Ray Okafor, who voted against the "
            "plan, said the county had chosen to fill its deficit with one-time money instead "
            "of deciding which services it could afford.",
            "The budget raises the property tax rate by half a cent per $100 of assessed "
            "value, the first increase since 2016, and draws $6 million from the county's "
            "reserve fund.",
            "Library hours will stay as they are after the board restored $400,000 that the "
            "first draft had cut. The rural bus route to Millbrook will run three days a week "
            "instead of five.",
            "County administrator Helen Marsh told the board the reserve would fall below "
            "the level recommended by the state auditor unless revenue grows next year.",
        ],
    ),
    "strike": (
        "School bus drivers vote to strike from Monday",
        "By Marcus Lee",
        [
            "Bus drivers for the Northfield Unified School District voted on Sunday to strike "
            "from Monday morning, leaving about 7,000 pupils to find another way to school.",
            "The drivers' union says its members have worked without a contract since August "
            "and that the district's offer of a 2 percent raise does not keep pace with the "
            "cost of living in the valley.",
            "District spokeswoman Priya Natarajan said schools would stay open and that "
            "parents who cannot bring their children will not be penalised for absences "
            "during the strike.",
            "Talks broke down on Friday after nine hours, according to both sides. No new "
            "meeting has been scheduled, and the state mediator has not been called in.",
        ],
    ),
    "flood": (
        "Work begins on new flood wall along the Clear River",
        "By Dana Whitfield",
        [
            "Construction crews began driving steel piles along the east bank of the Clear "
            "River on Wednesday, the first stage of a flood wall that is meant to protect "
            "about 300 homes in the Lowtown neighbourhood.",
            "The $38 million project is paid for mostly by a federal grant awarded after the "
            "2019 flood, when the river rose more than four metres in two days and forced the "
            "evacuation of the neighbourhood.",
            "The city expects the wall to be finished in the autumn of next year. River Road "
            "will be closed to through traffic between Mill Street and the rail bridge while "
            "the work goes on.",
            "Residents at a meeting last month asked whether the wall would push water onto "
            "farms downstream. The city's engineer said the design had been modelled for "
            "that and that the effect would be less than ten centimetres.",
        ],
    ),
    "library": (
        "Eastside branch library opens in former bank building",
        "By Marcus Lee",
        [
            "The Northfield Public Library opened its Eastside branch on Saturday in the "
            "former First Valley Bank building, which had stood empty for six years.",
            "The branch has 20,000 books, a children's room in the old vault and a row of "
            "computers that can be booked for an hour at a time, the library's director, "
            "Ana Ruiz, said at the opening.",
            "The renovation cost $4.1 million, most of it raised by a bond that voters "
            "approved in 2021. The branch will be open six days a week, closed on Mondays.",
            "More than 600 people came through the doors on the first day, and 140 of them "
            "signed up for a library card, according to the staff at the front desk.",
        ],
    ),
}

_GAZETTE_STORIES: dict[str, tuple[str, str, list[str]]] = {
    "tram": (
        "Le prolongement du tram T6 jusqu'à la Doua validé",
        "Par Claire Dumas",
        [
            "Le conseil de la métropole a voté lundi le prolongement de la ligne de tram T6 "
            "jusqu'au campus de la Doua, un chantier de 4,5 kilomètres estimé à 210 millions "
            "d'euros.",
            "Les travaux doivent commencer au printemps prochain pour une mise en service "
            "prévue fin 2028. Neuf nouvelles stations desserviront Villeurbanne et le nord "
            "du quartier de la Part-Dieu.",
            "Les commerçants de l'avenue Einstein redoutent deux années de chantier. Leur "
            "association demande une indemnisation comparable à celle versée lors des "
            "travaux de la ligne T4.",
            "Le vice-président chargé des mobilités a assuré que les accès aux commerces "
            "seraient maintenus pendant toute la durée des travaux.",
        ],
    ),
    "halles": (
        "Les Halles de la Croix-Rousse rouvriront en septembre",
        "Par Julien Martel",
        [
            "Fermées depuis dix-huit mois pour rénovation, les halles du plateau de la "
            "Croix-Rousse rouvriront le 12 septembre avec vingt-deux étals, contre quinze "
            "avant les travaux.",
            "La mairie d'arrondissement a choisi les nouveaux commerçants parmi une centaine "
            "de candidatures. Un fromager, deux maraîchers et un poissonnier s'installeront "
            "dans l'aile nord du bâtiment.",
            "La toiture en verre, qui laissait passer l'eau depuis des années, a été "
            "entièrement remplacée, et le bâtiment est désormais chauffé par une pompe à "
            "chaleur.",
            "Les loyers des étals augmentent de 8 % en moyenne, ce que plusieurs anciens "
            "commerçants jugent trop élevé pour revenir.",
        ],
    ),
    "vendanges": (
        "Dans le Beaujolais, des vendanges précoces et une récolte en baisse",
        "Par Claire Dumas",
        [
            "Les vendanges ont commencé le 22 août dans plusieurs communes du Beaujolais, "
            "soit près de deux semaines plus tôt que la moyenne des trente dernières années.",
            "La grêle du mois de juin a touché environ 1 500 hectares de vignes. "
            "L'interprofession prévoit une récolte inférieure de 20 % à celle de l'an passé.",
            "Les vignerons interrogés se disent satisfaits de la qualité des raisins, mais "
            "s'inquiètent du prix payé par le négoce pour les vins vendus en vrac.",
            "La fête des vendanges de Villefranche-sur-Saône aura lieu comme prévu le "
            "dernier week-end de septembre.",
        ],
    ),
}

# A breaking story, published and updated twice: each version has the paragraphs of the one
# before. Its paragraphs are on three pages of one site, but they are one story.
_FIRE = [
    "Un incendie s'est déclaré mardi matin dans un entrepôt de la zone industrielle de "
    "Vénissieux. Une épaisse fumée noire était visible depuis le centre de Lyon.",
    "Une centaine de sapeurs-pompiers ont été mobilisés. La préfecture a demandé aux "
    "habitants des communes voisines de fermer leurs fenêtres par précaution.",
    "Selon la préfecture, l'entrepôt stockait des palettes de bois et des emballages en "
    "plastique. Aucun blessé n'est à déplorer à la mi-journée.",
    "L'incendie a été fixé en début d'après-midi. Les mesures de la qualité de l'air ne "
    "montrent pas de dépassement des seuils réglementaires, selon Atmo Auvergne-Rhône-Alpes.",
    "Le parquet de Lyon a ouvert une enquête pour déterminer l'origine du feu. Les "
    "quarante salariés de l'entreprise ont été placés en chômage partiel.",
]
_FIRE_TITLE = "Incendie dans un entrepôt à Vénissieux"


def _page(title: str, byline: str, paragraphs: list[str], lang: str) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body>"
        '<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>'
        f"<main><article><h1>{html.escape(title)}</h1>"
        f'<p class="byline">{html.escape(byline)}</p>{body}</article></main>'
        "<footer><p>Terms of use · Privacy</p></footer></body></html>"
    )


def _write(raw: Path, key: str, url: str, page: str) -> None:
    raw.mkdir(parents=True, exist_ok=True)
    (raw / f"{key}.html").write_text(page, encoding="utf-8")
    record = {
        "url": url,
        "final_url": url,
        "status": 200,
        "redirects": [],
        "headers": {"content-type": "text/html; charset=utf-8"},
        "etag": None,
        "last_modified": None,
        "charset": "utf-8",
        "fetched_at": "2024-11-25T08:00:00+00:00",
    }
    (raw / f"{key}.http.json").write_text(json.dumps(record, indent=2), encoding="utf-8")


def courier_pages() -> dict[str, tuple[str, str]]:
    """key -> (url, page) of the Courier's pages."""
    pages: dict[str, tuple[str, str]] = {}
    for name, (title, byline, paragraphs) in _COURIER_STORIES.items():
        body = [COURIER_LINES[0], *paragraphs[:2]]
        if name in ("budget", "strike"):
            body.append(PAIR_LINE)
        if name in ("flood", "library"):
            body.append(CROSS_LINE)
        body += [*paragraphs[2:], COURIER_LINES[1]]
        url = f"https://www.{COURIER}/news/2024/{name}"
        pages[f"courier-{name}"] = (url, _page(title, byline, body, "en"))
    # the budget story again, under the address of the print edition
    url, page = pages["courier-budget"]
    pages["courier-budget-print"] = (url + "?edition=print", page)
    return pages


def gazette_pages() -> dict[str, tuple[str, str]]:
    """key -> (url, page) of the Gazette's pages."""
    pages: dict[str, tuple[str, str]] = {}
    stories = dict(_GAZETTE_STORIES)
    for version, paragraphs in enumerate(fire_paragraphs(), start=1):
        stories[f"incendie-{version}"] = (_FIRE_TITLE, "Par la rédaction", paragraphs)
    for name, (title, byline, paragraphs) in stories.items():
        body = [*paragraphs[:1], GAZETTE_LINES[0], *paragraphs[1:]]
        if name == "tram":
            body.append(CROSS_LINE)
        body.append(GAZETTE_LINES[1])
        url = f"https://www.{GAZETTE}/lyon/{name}"
        pages[f"gazette-{name}"] = (url, _page(title, byline, body, "fr"))
    return pages


def fire_paragraphs() -> list[list[str]]:
    """The paragraphs of each version of the Gazette's breaking story, in order."""
    return [_FIRE[:count] for count in (3, 4, 5)]


def write_corpus(raw: Path) -> dict[str, str]:
    """Every page of both sites into `raw` as fetched pages; key -> site."""
    sites: dict[str, str] = {}
    for site, pages in ((COURIER, courier_pages()), (GAZETTE, gazette_pages())):
        for key, (url, page) in pages.items():
            _write(raw, key, url, page)
            sites[key] = site
    return sites


def write_pastes(folder: Path) -> list[str]:
    """Three pasted Courier stories (text, so no site): the keys."""
    folder.mkdir(parents=True, exist_ok=True)
    keys = []
    for name, (title, _, paragraphs) in list(_COURIER_STORIES.items())[:3]:
        text = "\n\n".join([title, COURIER_LINES[0], *paragraphs, COURIER_LINES[1]])
        (folder / f"pasted-{name}.txt").write_text(text + "\n", encoding="utf-8")
        keys.append(f"pasted-{name}")
    return keys
