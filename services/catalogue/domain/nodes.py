"""Rules on the tree of a catalogue's nodes (code -> node dict), shared by its commands."""

from __future__ import annotations

import copy
from typing import Any

from services.catalogue.domain.errors import (
    CodeNotUnderParent,
    DepthExceeded,
    OnNegativeList,
    ParentMissing,
)
from shared.vocabulary.catalogue import NODE_KINDS

Nodes = dict[str, dict[str, Any]]
NegativeEntries = dict[str, dict[str, str]]
# A consulted department's comment and the response an amendment gives it.
Response = dict[str, str]

NODE_FIELDS = (
    "name",
    "description",
    "kind",
    "nature",
    "suitable_for_social_forces",
    "basic_public_service",
    "procurement_item_code",
    "parent_code",
)


def placement_level(nodes: Nodes, code: str, parent_code: str | None, max_depth: int, level_name: str) -> int:
    """The level of ``code`` placed under ``parent_code``; refused when the placement breaks a rule."""
    if parent_code is None:
        return 1
    parent = nodes.get(parent_code)
    if parent is None:
        raise ParentMissing(f"parent {parent_code!r} does not exist", parent_code=parent_code)
    if not code.startswith(parent_code) or code == parent_code:
        raise CodeNotUnderParent(
            f"code {code!r} must extend its parent's code {parent_code!r}",
            code=code,
            parent_code=parent_code,
        )
    level: int = parent["level"] + 1
    if level > max_depth:
        raise DepthExceeded(
            f"level {level} exceeds the {max_depth} levels of a {level_name} catalogue",
            level=level,
            max_depth=max_depth,
        )
    return level


def check_nature(nature: str, negative_list: NegativeEntries) -> None:
    entry = negative_list.get(nature)
    if entry is not None:
        raise OnNegativeList(
            f"nature {nature!r} is on the negative list: {entry['text']}",
            entry=entry,
        )


def children(nodes: Nodes, code: str) -> list[str]:
    return sorted(c for c, n in nodes.items() if n["parent_code"] == code)


def subtree_depth(nodes: Nodes, code: str) -> int:
    level: int = nodes[code]["level"]
    return max([level] + [subtree_depth(nodes, c) for c in children(nodes, code)])


def shift_levels(nodes: Nodes, code: str, shift: int) -> None:
    """Move every node below ``code`` by ``shift`` levels."""
    stack = children(nodes, code)
    while stack:
        child = stack.pop()
        nodes[child]["level"] += shift
        stack.extend(children(nodes, child))


def revision_counts(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Counts of items added, removed, reworded (name/description) and moved (new parent)."""
    common = old.keys() & new.keys()
    return {
        "added": len(new.keys() - old.keys()),
        "removed": len(old.keys() - new.keys()),
        "reworded": sum(
            1
            for code in common
            if (old[code]["name"], old[code]["description"]) != (new[code]["name"], new[code]["description"])
        ),
        "moved": sum(1 for code in common if old[code]["parent_code"] != new[code]["parent_code"]),
    }


def checked_changes(
    nodes: Nodes,
    code: str,
    changes: dict[str, Any],
    max_depth: int,
    level_name: str,
    negative_list: NegativeEntries,
) -> dict[str, Any]:
    """The changes to ``code`` that change something, with its new level when it moves; refused
    when a change breaks a rule (placement, depth of what is below, kind, negative list)."""
    node = nodes[code]
    unknown = set(changes) - set(NODE_FIELDS)
    if unknown:
        raise ValueError(f"unknown node fields {sorted(unknown)}")
    changes = {k: v for k, v in changes.items() if node.get(k) != v}
    if not changes:
        return {}
    level = node["level"]
    if "parent_code" in changes:
        level = placement_level(nodes, code, changes["parent_code"], max_depth, level_name)
        depth_below = subtree_depth(nodes, code) - node["level"]
        if level + depth_below > max_depth:
            raise DepthExceeded(
                f"moving {code!r} would put its items below level {max_depth}",
                level=level + depth_below,
                max_depth=max_depth,
            )
    if "kind" in changes and changes["kind"] not in NODE_KINDS:
        raise ValueError(f"unknown kind {changes['kind']!r}")
    if "nature" in changes:
        check_nature(changes["nature"], negative_list)
    if level != node["level"]:
        changes["level"] = level
    return changes


def copied_version(version: Any, memo: dict[int, Any]) -> Any:
    """A catalogue version's ``__deepcopy__``: the repository copies cached aggregates on every
    get; nodes hold only atoms, so copying each node dict is exact and far cheaper than deepcopy."""
    clone = copy.copy(version)
    clone.nodes = {code: dict(node) for code, node in version.nodes.items()}
    clone.consultation = copy.deepcopy(version.consultation, memo)
    clone.consultation_responses = [dict(r) for r in version.__dict__.get("consultation_responses", [])]
    clone.revision = dict(version.revision) if version.revision is not None else None
    clone.review = copy.deepcopy(version.__dict__.get("review"), memo)  # older snapshots lack it
    clone.__dict__["_pending_events"] = list(version.__dict__.get("_pending_events", []))
    return clone
