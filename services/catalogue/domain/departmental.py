"""A departmental catalogue (a pilot unit's own, drawn up with its implementation plan) under the
catalogue of the level above: published only while that parent is in force, and each of its items
either the parent's item taken over as it stands, or a level-4 item under one of the parent's
level-3 items, never under one the parent marks unsuitable for social forces. Its items' natures
are checked against the negative list as every catalogue's are."""

from __future__ import annotations

from typing import Any

from services.catalogue.domain.errors import (
    NotAsInParent,
    NotInParent,
    OtherJurisdiction,
    ParentNotInForce,
    ParentRequired,
    UnsuitableInParent,
)
from services.catalogue.domain.nodes import NODE_FIELDS, Nodes
from shared.acts import act_on
from shared.domain import require_in_order
from shared.vocabulary.catalogue import PUBLISHED

DEPARTMENTAL = "departmental"
COMPARED = (*NODE_FIELDS, "level")  # what an item taken over keeps as the parent has it


def check_under_parent(child: Any, parent: Any | None) -> None:
    """Before a departmental catalogue is published: its parent in force, of its own jurisdiction,
    and every item in place."""
    level, nodes = child.level, child.nodes
    if level != DEPARTMENTAL:
        return
    if parent is None:
        raise ParentRequired(
            "a departmental catalogue is published under its parent catalogue (parent_catalogue_id)"
        )
    if parent.level == DEPARTMENTAL:
        raise ParentRequired(
            f"a departmental catalogue sits under the catalogue of the level above it, not under "
            f"another unit's ({parent.id})",
            parent_catalogue_id=str(parent.id),
        )
    if parent.jurisdiction != child.jurisdiction:  # a department buys within its jurisdiction's catalogue
        raise OtherJurisdiction(
            f"the parent catalogue {parent.id} is {parent.jurisdiction}'s, not {child.jurisdiction}'s",
            parent_catalogue_id=str(parent.id),
            jurisdiction=parent.jurisdiction,
        )
    if parent.status != PUBLISHED:
        raise ParentNotInForce(
            f"the parent catalogue {parent.id} is {parent.status}, not in force",
            parent_catalogue_id=str(parent.id),
            status=parent.status,
        )
    # in force on the child's date too: published no later (its publication is its latest act)
    published = getattr(parent, "last_act", None)
    require_in_order(
        "the parent catalogue's publication", published[1] if published else None, "this act", act_on()
    )
    for code in sorted(nodes):
        check_item(nodes[code], parent.nodes)


def check_item(node: dict[str, Any], parent_nodes: Nodes) -> None:
    """One departmental item against the parent's items (409 naming the rule it breaks)."""
    code = node["code"]
    own = parent_nodes.get(code)
    if own is not None:
        _suitable(own, code)
        differing = sorted(f for f in COMPARED if node.get(f) != own.get(f))
        if differing:
            raise NotAsInParent(
                f"item {code} is the parent's, taken over as the parent has it: "
                f"{', '.join(differing)} differ",
                code=code,
                fields=differing,
            )
        return
    above = parent_nodes.get(node["parent_code"] or "")
    if node["level"] != 4 or above is None or above["level"] != 3:
        raise NotInParent(
            f"item {code} is not an item of the parent catalogue, "
            "nor a level-4 item under one of its level-3 items",
            code=code,
        )
    _suitable(above, code)


def _suitable(parent_item: dict[str, Any], code: str) -> None:
    if not parent_item["suitable_for_social_forces"]:
        raise UnsuitableInParent(
            f"the parent catalogue marks {parent_item['code']} unsuitable for social forces: "
            f"{code} is not bought",
            code=code,
            parent_code=parent_item["code"],
        )
