"""The guidance catalogue: drafted, consulted on, and published once the conference adopts it."""

from __future__ import annotations

from typing import Any, TypedDict

from reform.scenario.data import CATALOGUE_TITLE, CIVIL, CULTURE, FINANCE, PREFECTURE, RADIO, STAFFING

CATALOGUE: dict[str, Any] = {
    "title": CATALOGUE_TITLE,
    "jurisdiction": PREFECTURE,
    "level": "prefecture",
    "issuer": FINANCE,
    "fiscal_year": 2020,
    "document_number": "XSBN Finance [2019] 112",
}
EXPERT_POOL = "州财政局政府购买服务专家库 (the bureau's expert pool)"
CONSULTATION: dict[str, Any] = {
    "departments": [FINANCE, STAFFING, CULTURE, RADIO, CIVIL],
    # the seed says only that experts reviewed the draft: two of the bureau's expert pool, named
    # by their place in it, with the opinion and the record the scenario gives them
    "expert_review": {
        "experts": [
            {"name": "专家一 (expert 1)", "organisation": EXPERT_POOL},
            {"name": "专家二 (expert 2)", "organisation": EXPERT_POOL},
        ],
        "opinion": "The items follow the central catalogue's structure; none is on the negative list.",
        "reviewed_on": "2019-11-25",
        "record_ref": "XSBN Finance expert review [2019] 3",
    },
}
# When the catalogue's acts happened; each is entered from the catalogue's file (its number).
DRAFTED_ON, CONSULTED_ON, PUBLISHED_ON = "2019-11-15", "2019-11-29", "2019-12-31"
PAPER = CATALOGUE["document_number"]
# the decision (its number in DECISIONS) that adopts the catalogue and publishes it
CATALOGUE_ADOPTED_BY = 5

# code, parent code, name, kind, suitable for social forces
NODES: list[tuple[str, str | None, str, str, bool]] = [
    ("A", None, "Public services", "public_service", True),
    ("A08", "A", "Public cultural services", "public_service", True),
    (
        "A0801",
        "A08",
        "Production and dissemination of public-welfare radio, film, TV and new-media works",
        "public_service",
        True,
    ),
    (
        "A0802",
        "A08",
        "Protection and transmission of traditional culture and intangible cultural heritage",
        "public_service",
        True,
    ),
    ("A0803", "A08", "Cultural exchange and cooperation", "public_service", True),
    ("A09", "A", "Public information and publicity services", "public_service", True),
    (
        "A0901",
        "A09",
        "Minority-language broadcasts, films and works: creation, translation and dissemination",
        "public_service",
        True,
    ),
    ("A0902", "A09", "Emergency broadcasting to border villages", "public_service", False),
    ("B", None, "Auxiliary services for government duties", "auxiliary_service", True),
    ("B01", "B", "Research, consultancy and evaluation", "auxiliary_service", True),
    ("B0101", "B01", "Performance evaluation of purchased services", "auxiliary_service", True),
]

# Each pilot unit drew up its own guidance catalogue beside its implementation plan (实施方案和指导
# 目录分别制定), under the prefecture's: the seed's four kinds of service, split as it implies
# (radio, film, TV and minority-language works for the station; heritage and cultural exchange
# for the bureau). Each takes over the prefecture's items it buys under, as the prefecture has
# them, and lists its own level-4 items beneath them; the plenary adopts each.
UNIT_DRAFTED_ON, UNIT_CONSULTED_ON, UNIT_PUBLISHED_ON = "2019-12-16", "2019-12-18", "2020-01-06"
UNIT_CONSULTED = [FINANCE, STAFFING]


class UnitCatalogue(TypedDict):
    title: str
    document_number: str
    adopted_by: int  # the decision (number) adopting it
    taken_over: list[str]  # the prefecture's items, as it has them
    own: list[tuple[str, str, str]]  # code, parent code, name: the unit's level-4 items


UNIT_CATALOGUES: dict[str, UnitCatalogue] = {
    RADIO: {
        "title": "Xishuangbanna Radio and TV Station guidance catalogue (2020)",
        "document_number": "XSBN Radio [2019] 9",
        "adopted_by": 8,
        "taken_over": ["A", "A08", "A0801", "A09", "A0901"],
        "own": [
            ("A080101", "A0801", "Public-welfare radio and TV programmes"),
            ("A080102", "A0801", "Public-welfare short videos and new-media works"),
            ("A090101", "A0901", "Translation and dubbing of films and TV works into Dai and Hani"),
            ("A090102", "A0901", "Creation and broadcasting of minority-language programmes"),
        ],
    },
    CULTURE: {
        "title": "Prefecture Culture and Tourism Bureau guidance catalogue (2020)",
        "document_number": "XSBN Culture [2019] 21",
        "adopted_by": 9,
        "taken_over": ["A", "A08", "A0802", "A0803"],
        "own": [
            ("A080201", "A0802", "Transmission classes of intangible cultural heritage"),
            ("A080202", "A0802", "Recording and archiving of traditional culture"),
            ("A080301", "A0803", "Cultural exchange with the Lancang-Mekong countries"),
            ("A080302", "A0803", "Promotion of Xishuangbanna's culture abroad"),
        ],
    },
}
