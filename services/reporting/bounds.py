"""Reporting's answers with a bound: every section that grows with the reform (a row per unit, per
lead unit, per purchase, per task number) is shown in the overview as its first ``TOP`` entries,
its total and a link to the section's own list, which is read a page at a time with a cursor.

A section is read from the indicators as the caller may see them (after the disclosure rule), so
a page never shows what the overview would not.
"""

from __future__ import annotations

import base64
import binascii
import json
from bisect import bisect_right
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from marshmallow import ValidationError

from services.reporting.domain.tree import tree_rows

TOP = 50  # entries of a growing section in an overview
TOP_NUMBERS = 10  # task numbers of one lead unit in an overview

Key = tuple[str, ...]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _units(result: dict[str, Any], _: dict[str, Any]) -> list[tuple[Key, Any]]:
    return [((_text(u["name"]), u["unit_id"]), u) for u in result["pilots"]["units"]]


def _lead_units(result: dict[str, Any], _: dict[str, Any]) -> list[tuple[Key, Any]]:
    conference = result["conference"]
    overdue = conference.get("overdue_by_lead_unit")
    rows: list[tuple[Key, Any]] = []
    for unit, by_status in conference["tasks_by_lead_unit"].items():
        row = {
            "lead_unit": unit,
            "tasks_by_status": by_status,
            "overdue": conference["overdue_count_by_lead_unit"].get(unit, 0),
        }
        if overdue is not None:  # the numbers need a token (the disclosure rule)
            row["overdue_numbers"] = overdue.get(unit, [])[:TOP_NUMBERS]
        rows.append(((unit,), row))
    return rows


def _overdue_tasks(result: dict[str, Any], asked: dict[str, Any]) -> list[tuple[Key, Any]]:
    overdue = result["conference"].get("overdue_by_lead_unit") or {}  # none for the public
    units = [asked["lead_unit"]] if asked.get("lead_unit") else list(overdue)
    return [((u, n), {"lead_unit": u, "number": n}) for u in units for n in overdue.get(u, [])]


def _ministry(result: dict[str, Any], _: dict[str, Any]) -> list[tuple[Key, Any]]:
    keys = ("year", "category", "purchaser", "project", "matter_id")
    return [
        (tuple(_text(row.get(k)).zfill(4) if k == "year" else _text(row.get(k)) for k in keys), row)
        for row in result["ministry"]
    ]


def _in_force(result: dict[str, Any], _: dict[str, Any]) -> list[tuple[Key, Any]]:
    titles = sorted(result["catalogue"]["versions_in_force_titles"])
    # two versions in force may share a title (two jurisdictions): their rank tells them apart
    return [((title, f"{rank:06d}"), {"title": title}) for rank, title in enumerate(titles)]


def _items_by_unit(result: dict[str, Any], _: dict[str, Any]) -> list[tuple[Key, Any]]:
    counts = result["catalogue"]["items_in_force_by_unit"]
    return [((unit,), {"unit": unit, "items": n}) for unit, n in counts.items()]


def _matters_by_item(result: dict[str, Any], _: dict[str, Any]) -> list[tuple[Key, Any]]:
    rows = result["catalogue"]["matters_by_item"]
    return [((_text(r["catalogue"]), r["item_code"], r["catalogue_id"]), r) for r in rows]


def _tree(result: dict[str, Any], _: dict[str, Any]) -> list[tuple[Key, Any]]:
    return tree_rows(result["catalogue"]["catalogue_tree"])


def _flagged(result: dict[str, Any], _: dict[str, Any]) -> list[tuple[Key, Any]]:
    titles = result["catalogue"]["flagged_for_review"]
    return [((title, f"{rank:06d}"), {"title": title}) for rank, title in enumerate(titles)]


# A growing part of the indicators: its entries, each with the key its list is ordered by.
Entries = Callable[[dict[str, Any], dict[str, Any]], list[tuple[Key, Any]]]

# Each section's own list, /indicators/<name>.
SECTIONS: dict[str, Entries] = {
    "pilots/units": _units,
    "conference/lead_units": _lead_units,
    "conference/overdue_tasks": _overdue_tasks,
    "ministry": _ministry,
    "catalogue/in_force": _in_force,
    "catalogue/tree": _tree,
    "catalogue/units": _items_by_unit,
    "catalogue/matters_by_item": _matters_by_item,
    "catalogue/flagged": _flagged,
}


class InvalidSectionCursor(ValueError):
    pass


def _encode(key: Key, asked: str) -> str:
    raw = json.dumps({"after": list(key), "q": asked}, ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def _decode(cursor: str, asked: str) -> Key:
    try:
        found = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        after, bound = found["after"], found["q"]
    except (binascii.Error, ValueError, TypeError, KeyError):
        raise InvalidSectionCursor("not a cursor this list gave") from None
    if not isinstance(after, list) or not all(isinstance(k, str) for k in after) or bound != asked:
        raise InvalidSectionCursor("not a cursor this list gave, or given for other filters")
    return tuple(after)


def section_page(
    section: Entries, result: dict[str, Any], asked: dict[str, Any], cursor: str | None, limit: int
) -> tuple[list[Any], str | None]:
    """A page of a section's entries in the order of their keys, after ``cursor`` (the key of the
    last entry of the page before: no entry is skipped or shown twice while figures change)."""
    bound = json.dumps(asked, sort_keys=True, default=str)
    entries = sorted(section(result, asked), key=lambda e: e[0])
    keys = [key for key, _ in entries]
    start = bisect_right(keys, _decode(cursor, bound)) if cursor else 0
    page = entries[start : start + limit]
    more = start + limit < len(entries)
    return [item for _, item in page], _encode(page[-1][0], bound) if more and page else None


def _cut(part: dict[str, Any], key: str, link: str) -> None:
    """Keep the first ``TOP`` of ``part[key]`` (a list or a mapping), with its total and the link
    to its own list when there is more."""
    value = part.get(key)
    if not isinstance(value, list | dict) or len(value) <= TOP:
        return
    part[f"{key}_total"] = len(value)
    part[key] = value[:TOP] if isinstance(value, list) else dict(list(value.items())[:TOP])
    part[f"{key}_more"] = link


def _cut_tree(part: dict[str, Any], key: str, link: str) -> None:
    """Each level of a tree cut to its first entries, with the tree's own list."""
    _cut(part, key, link)
    for node in part.get(key) or []:
        _cut_tree(node, "children", link)


def bounded(result: dict[str, Any], own: str, asked: dict[str, Any] | None = None) -> dict[str, Any]:
    """The overview of ``result`` (every indicator, or some groups of it): each growing section
    cut to its first entries, with links (under ``own``, reporting's public address) that ask
    the same question (``asked``: ``as_of``, ``on``, ``recorded_by``)."""
    same = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in (asked or {}).items() if v}

    def link(path: str, **query: str) -> str:
        return f"{own}/indicators/{path}" + (f"?{urlencode({**same, **query})}" if same or query else "")

    headline, catalogue = result.get("headline"), result.get("catalogue")
    pilots, conference = result.get("pilots"), result.get("conference")
    if isinstance(headline, dict):
        _cut(headline, "by_unit", link("pilots/units"))
    if isinstance(catalogue, dict):
        _cut(catalogue, "versions_in_force_titles", link("catalogue/in_force"))
        _cut(catalogue, "items_in_force_by_unit", link("catalogue/units"))
        _cut(catalogue, "matters_by_item", link("catalogue/matters_by_item"))
        _cut(catalogue, "flagged_for_review", link("catalogue/flagged"))
        _cut_tree(catalogue, "catalogue_tree", link("catalogue/tree"))
    if isinstance(pilots, dict):
        _cut(pilots, "units", link("pilots/units"))
    if isinstance(conference, dict):
        for key in ("tasks_by_lead_unit", "overdue_count_by_lead_unit", "overdue_by_lead_unit"):
            _cut(conference, key, link("conference/lead_units"))
        numbers = conference.get("overdue_by_lead_unit")
        if isinstance(numbers, dict):
            long = {u: n for u, n in numbers.items() if len(n) > TOP_NUMBERS}
            for unit, listed in long.items():
                numbers[unit] = listed[:TOP_NUMBERS]
            if long:
                conference["overdue_by_lead_unit_more"] = {
                    u: link("conference/overdue_tasks", lead_unit=u) for u in long
                }
    if isinstance(result.get("ministry"), list):
        _cut(result, "ministry", link("ministry"))
    return result


def ocid_cursor(ocid: str) -> str:
    """The cursor of an OCDS package's ``links.next``: after this ocid."""
    return base64.urlsafe_b64encode(ocid.encode("utf-8")).decode("ascii").rstrip("=")


def ocid_after(cursor: str | None, prefix: str) -> str | None:
    """The ocid a package continues after (None: the first package); 422 for a made-up cursor."""
    if cursor is None:
        return None
    try:
        ocid = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8")
    except (binascii.Error, ValueError):
        ocid = ""
    if not ocid.startswith(f"{prefix}-") or len(ocid) > 200:
        raise ValidationError({"cursor": ["not a cursor an OCDS package gave"]})
    return ocid
