"""Folds of the catalogue's events: catalogue versions (status, items, revision) and the negative list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.reporting.domain.folding import FoldTable, Payload


@dataclass
class CatalogueState:
    catalogues: dict[str, dict[str, Any]] = field(default_factory=dict)
    negative_list: set[str] = field(default_factory=set)


# What the indicators read of an item: (its name, for the ministry rows; its level, for the
# counts), and nothing else, so that a long catalogue log folds into little memory.
Item = tuple[str, int]


def _item(node: Payload, before: Item | None = None) -> Item:
    name, level = before if before is not None else ("", 0)
    return (node.get("name", name), node.get("level", level))


def drafted(s: CatalogueState, aid: str, p: Payload) -> None:
    s.catalogues[aid] = {
        "title": p["title"],
        "level": p["level"],
        "fiscal_year": p["fiscal_year"],
        "status": "draft",
        "items": {n["code"]: _item(n) for n in p["nodes"]},
        "revision": None,
    }


def node_added(s: CatalogueState, aid: str, p: Payload) -> None:
    s.catalogues[aid]["items"][p["node"]["code"]] = _item(p["node"])


def node_changed(s: CatalogueState, aid: str, p: Payload) -> None:
    items = s.catalogues[aid]["items"]
    items[p["code"]] = _item(p["changes"], items[p["code"]])


def node_removed(s: CatalogueState, aid: str, p: Payload) -> None:
    s.catalogues[aid]["items"].pop(p["code"], None)


def consultation_recorded(s: CatalogueState, aid: str, p: Payload) -> None:
    s.catalogues[aid]["status"] = "in_consultation"


def consultation_responded(s: CatalogueState, aid: str, p: Payload) -> None:
    s.catalogues[aid]["responses"] = s.catalogues[aid].get("responses", 0) + 1


def published(s: CatalogueState, aid: str, p: Payload) -> None:
    catalogue = s.catalogues.setdefault(
        aid, {"title": p["title"], "level": p["level"], "fiscal_year": p["fiscal_year"], "revision": None}
    )
    catalogue.update(
        status="published", items={n["code"]: _item(n) for n in p["items"]}, revision=p["revision"]
    )
    # where it sits and whose it is (None: published before they were told)
    catalogue.update(parent=p.get("parent_catalogue_id"), unit=p.get("organisation_id"), review=None)
    catalogue["supersedes"] = p.get("supersedes")


def superseded(s: CatalogueState, aid: str, p: Payload) -> None:
    s.catalogues[aid].update(status="superseded", superseded_by=p["superseded_by"])


def revoked(s: CatalogueState, aid: str, p: Payload) -> None:
    s.catalogues[aid]["status"] = "revoked"


def flagged_for_review(s: CatalogueState, aid: str, p: Payload) -> None:
    """Its parent changed and these items lost their place under it."""
    s.catalogues[aid]["review"] = {
        "parent_catalogue_id": p["parent_catalogue_id"],
        "superseded_by": p["superseded_by"],
        "codes": list(p["codes"]),
        "flagged_on": p["flagged_on"],
    }


def review_lifted(s: CatalogueState, aid: str, p: Payload) -> None:
    s.catalogues[aid]["review"] = None


def negative_list_entry_added(s: CatalogueState, aid: str, p: Payload) -> None:
    s.negative_list.add(p["code"])


FOLDS = {
    "CatalogueDrafted": drafted,
    "NodeAdded": node_added,
    "NodeChanged": node_changed,
    "NodeRemoved": node_removed,
    "ConsultationRecorded": consultation_recorded,
    "ConsultationResponded": consultation_responded,
    "CataloguePublished": published,
    "CatalogueSuperseded": superseded,
    "CatalogueRevoked": revoked,
    "CatalogueFlaggedForReview": flagged_for_review,
    "CatalogueReviewLifted": review_lifted,
    "NegativeListEntryAdded": negative_list_entry_added,
}

IGNORED = (
    # The digest of the catalogue's own audit chain: about its store's integrity, not the reform.
    "AuditDigest",
)

TABLE = FoldTable[CatalogueState]("catalogue", FOLDS, IGNORED)
