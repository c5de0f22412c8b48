"""The guidance catalogue: drafted, consulted on, and published once the conference adopts it."""

from __future__ import annotations

from typing import Any

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
