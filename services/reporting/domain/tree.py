"""Each pilot unit's own guidance catalogue inside the prefecture's (issue 18): the tree of the
catalogues in force (a catalogue, then the units' catalogues under it), the items in force per
unit, the catalogues flagged for review when their parent changed, and the matters identified
under each catalogue item."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from services.reporting.domain.catalogue import CatalogueState
from services.reporting.domain.pilots import PilotsState
from shared.vocabulary.pilots import CONVERTED

PUBLISHED = "published"


def _in_force(catalogues: dict[str, dict[str, Any]], cid: str | None) -> str | None:
    """The version in force of ``cid``'s line (``cid`` itself, or the revision that superseded
    it, and so on); None when none is (revoked, or not published)."""
    seen: set[str] = set()
    while cid is not None and cid in catalogues and cid not in seen:
        seen.add(cid)
        if catalogues[cid]["status"] == PUBLISHED:
            return cid
        cid = catalogues[cid].get("superseded_by")
    return None


def _unit_names(pilots: PilotsState) -> dict[str, str]:
    """The pilot units' names by their register id (as pilots designated them)."""
    return {u["organisation_id"]: u["name"] for u in pilots.units.values() if u.get("organisation_id")}


def catalogue_tree(catalogue: CatalogueState, pilots: PilotsState) -> dict[str, Any]:
    catalogues = catalogue.catalogues
    names = _unit_names(pilots)
    in_force = sorted(
        (cid for cid, c in catalogues.items() if c["status"] == PUBLISHED),
        key=lambda cid: (catalogues[cid]["title"], cid),
    )
    under: dict[str | None, list[str]] = defaultdict(list)
    for cid in in_force:
        parent = _in_force(catalogues, catalogues[cid].get("parent"))
        under[parent if parent != cid else None].append(cid)
    shown: set[str] = set()

    def entry(cid: str) -> dict[str, Any]:
        shown.add(cid)
        c = catalogues[cid]
        return {
            "catalogue_id": cid,
            "title": c["title"],
            "level": c["level"],
            "unit": names.get(c.get("unit") or "", c.get("unit")),  # a unit's (None: no unit's)
            "items": len(c["items"]),
            "review": c.get("review"),  # flagged when its parent changed under it (None: not)
            "children": [entry(child) for child in under.get(cid, []) if child not in shown],
        }

    roots = [entry(cid) for cid in under.get(None, [])]
    roots += [entry(cid) for cid in in_force if cid not in shown]  # a line that loops: shown at the top

    by_unit: dict[str, int] = defaultdict(int)
    for cid in in_force:
        if catalogues[cid].get("unit"):
            by_unit[names.get(catalogues[cid]["unit"], catalogues[cid]["unit"])] += len(
                catalogues[cid]["items"]
            )
    return {
        "catalogue_tree": roots,
        "items_in_force_by_unit": dict(sorted(by_unit.items())),
        "flagged_for_review": sorted(
            catalogues[cid]["title"] for cid in in_force if catalogues[cid].get("review")
        ),
    }


def matters_by_item(catalogue: CatalogueState, pilots: PilotsState) -> list[dict[str, Any]]:
    """Per catalogue item that matters were identified under: how many, and how many converted."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    names: dict[tuple[str, str], str] = {}
    for m in pilots.matters.values():
        key = (m["catalogue_id"], m["item_code"])
        counts[key][0] += 1
        counts[key][1] += m["status"] in CONVERTED
        names[key] = m["item_name"]
    units = _unit_names(pilots)
    rows = []
    for (cid, code), (identified, converted) in counts.items():
        version = catalogue.catalogues.get(cid, {})
        unit = version.get("unit")
        rows.append(
            {
                "catalogue_id": cid,
                "catalogue": version.get("title"),
                "unit": units.get(unit, unit) if unit else None,
                "item_code": code,
                "item_name": names[(cid, code)],
                "identified": identified,
                "converted": converted,
            }
        )
    return sorted(rows, key=lambda r: (r["catalogue"] or "", r["item_code"], r["catalogue_id"]))


def tree_rows(
    tree: list[dict[str, Any]], above: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """The tree's catalogues one row each, depth first, each keyed by the titles and ids above it
    (a section's list: the overview cuts each level of the tree)."""
    rows = []
    for node in tree:
        key = (*above, node["title"], node["catalogue_id"])
        row = {k: v for k, v in node.items() if k != "children"}
        rows.append((key, {**row, "under": above[-1] if above else None}))
        rows.extend(tree_rows(node["children"], key))
    return rows
