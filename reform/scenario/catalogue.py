"""Stage 1 and 6: the guidance catalogue, drafted and consulted on; published once adopted; and
under it each pilot unit's own."""

from __future__ import annotations

from functools import partial
from typing import Any

from reform.scenario.api import Api, Say, act, wait
from reform.scenario.data import PREFECTURE
from reform.scenario.data.catalogue import (
    CATALOGUE,
    CONSULTATION,
    CONSULTED_ON,
    DRAFTED_ON,
    NODES,
    PAPER,
    PUBLISHED_ON,
    UNIT_CATALOGUES,
    UNIT_CONSULTED,
    UNIT_CONSULTED_ON,
    UNIT_DRAFTED_ON,
    UNIT_PUBLISHED_ON,
)


def draft(catalogue: Api, say: Say) -> str:
    """Find or draft the catalogue; while it is a draft, add missing nodes and consult on it."""
    found = [c for c in catalogue.every("/catalogues", "catalogues") if c["title"] == CATALOGUE["title"]]
    if found:
        cid: str = found[0]["id"]
    else:
        cid = catalogue.call("POST", "/catalogues", act(DRAFTED_ON, PAPER, CATALOGUE))["id"]
        say(f"catalogue drafted: {cid}")
    current = catalogue.call("GET", f"/catalogues/{cid}")
    if current["status"] == "draft":
        _add_nodes(catalogue, cid, {n["code"] for n in current["nodes"]})
        catalogue.call("POST", f"/catalogues/{cid}/consultation", act(CONSULTED_ON, PAPER, CONSULTATION))
    return cid


def _add_nodes(catalogue: Api, cid: str, have: set[str]) -> None:
    for code, parent, name, kind, suitable in NODES:
        if code not in have:
            catalogue.call(
                "POST",
                f"/catalogues/{cid}/nodes",
                act(
                    DRAFTED_ON,
                    PAPER,
                    {
                        "code": code,
                        "parent_code": parent,
                        "name": name,
                        "kind": kind,
                        "suitable_for_social_forces": suitable,
                        "basic_public_service": code.startswith("A09"),
                    },
                ),
            )


def publish(catalogue: Api, cid: str, decision_id: str, decision_number: int, say: Say) -> None:
    """Publish the catalogue, once out of consultation, with the decision that adopted it."""
    if catalogue.call("GET", f"/catalogues/{cid}")["status"] == "in_consultation":
        wait(
            "the catalogue to learn the decision adopting it",
            lambda: decision_id in {d["id"] for d in catalogue.every("/views/decisions", "decisions")},
        )
        catalogue.call(
            "POST", f"/catalogues/{cid}/publish", act(PUBLISHED_ON, PAPER, {"decision_ref": decision_id})
        )
        say(f"catalogue published by decision {decision_number}")


# --- each pilot unit's own catalogue, under the prefecture's -------------------------------------


def draft_unit_catalogues(
    catalogue: Api, cid: str, organisations: dict[str, str], say: Say
) -> dict[str, str]:
    """Find or draft each unit's catalogue under ``cid`` (the prefecture's), naming the unit by
    its register id; while a draft, take over the parent's items, add its own and consult on it.
    Their ids by the unit's English rendering."""
    found = {
        c["title"]: c["id"] for c in catalogue.every("/catalogues", "catalogues", {"level": "departmental"})
    }
    parent = {n["code"]: n for n in catalogue.call("GET", f"/catalogues/{cid}")["nodes"]}
    ids: dict[str, str] = {}
    for unit, spec in UNIT_CATALOGUES.items():
        paper = spec["document_number"]
        if spec["title"] not in found:
            known = partial(_knows, catalogue, "/views/organisations", "organisations", organisations[unit])
            wait("the catalogue to learn the register's organisations", known)
            header: dict[str, Any] = {
                "title": spec["title"],
                "jurisdiction": PREFECTURE,
                "level": "departmental",
            }
            header |= {"issuer": unit, "fiscal_year": 2020, "document_number": paper}
            header |= {"parent_catalogue_id": cid, "organisation_id": organisations[unit]}
            found[spec["title"]] = catalogue.call("POST", "/catalogues", act(UNIT_DRAFTED_ON, paper, header))[
                "id"
            ]
            say(f"{unit}'s catalogue drafted under the prefecture's")
        uid = ids[unit] = found[spec["title"]]
        current = catalogue.call("GET", f"/catalogues/{uid}")
        if current["status"] != "draft":
            continue
        have = {n["code"] for n in current["nodes"]}
        items = [{k: v for k, v in parent[code].items() if k != "level"} for code in spec["taken_over"]]
        items += [{"code": code, "parent_code": above, "name": name} for code, above, name in spec["own"]]
        for item in items:
            if item["code"] not in have:
                catalogue.call("POST", f"/catalogues/{uid}/nodes", act(UNIT_DRAFTED_ON, paper, item))
        consultation = {"departments": UNIT_CONSULTED}
        catalogue.call("POST", f"/catalogues/{uid}/consultation", act(UNIT_CONSULTED_ON, paper, consultation))
    return ids


def publish_unit_catalogues(catalogue: Api, ids: dict[str, str], decisions: dict[int, str], say: Say) -> None:
    """Publish each unit's catalogue, once the prefecture's is in force, by the decision adopting it."""
    for unit, uid in ids.items():
        spec = UNIT_CATALOGUES[unit]
        if catalogue.call("GET", f"/catalogues/{uid}")["status"] != "in_consultation":
            continue
        decision = decisions[spec["adopted_by"]]
        known = partial(_knows, catalogue, "/views/decisions", "decisions", decision)
        wait("the catalogue to learn the decision adopting the unit's catalogue", known)
        body = {"decision_ref": decision}
        catalogue.call(
            "POST", f"/catalogues/{uid}/publish", act(UNIT_PUBLISHED_ON, spec["document_number"], body)
        )
        say(f"{unit}'s catalogue published by decision {spec['adopted_by']}")


def _knows(api: Api, path: str, key: str, wanted: str) -> bool:
    """Whether the list at ``path`` (its rows under ``key``) has a row of id ``wanted``."""
    return wanted in {row["id"] for row in api.every(path, key)}
