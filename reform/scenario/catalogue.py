"""Stage 1 and 6: the guidance catalogue, drafted and consulted on; published once adopted."""

from __future__ import annotations

from reform.scenario.api import Api, Say, act, wait
from reform.scenario.data.catalogue import (
    CATALOGUE,
    CONSULTATION,
    CONSULTED_ON,
    DRAFTED_ON,
    NODES,
    PAPER,
    PUBLISHED_ON,
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
