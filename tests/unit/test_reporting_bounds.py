"""Reporting's answers have a bound: growing sections are cut in an overview, with their total
and a link, and read whole a page at a time; exports are sent as they are written."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.reporting.bounds import (
    SECTIONS,
    TOP,
    TOP_NUMBERS,
    InvalidSectionCursor,
    bounded,
    ocid_after,
    ocid_cursor,
    section_page,
)
from services.reporting.exports import export

OWN = "https://reporting.example"


def unit(i: int) -> dict[str, Any]:
    return {"unit_id": f"u{i:04d}", "name": f"Unit {i:04d}", "funnel": {"identified": i}}


def result(units: int = 3, leads: int = 2, numbers: int = 2, rows: int = 3) -> dict[str, Any]:
    lead_units = [f"Bureau {i:03d}" for i in range(leads)]
    return {
        "headline": {"by_unit": {f"Unit {i:04d}": 0.5 for i in range(units)}},
        "catalogue": {"versions_in_force_titles": [f"Catalogue {i}" for i in range(units)]},
        "pilots": {"units": [unit(i) for i in range(units)]},
        "conference": {
            "tasks_by_lead_unit": {u: {"assigned": 1} for u in lead_units},
            "overdue_count_by_lead_unit": {u: numbers for u in lead_units},
            "overdue_by_lead_unit": {u: [f"DB-{n}" for n in range(numbers)] for u in lead_units},
        },
        "ministry": [
            {
                "year": 2020 + i % 3,
                "category": "A08",
                "purchaser": "P",
                "project": f"Project {i:05d}",
                "matter_id": str(i),
            }
            for i in range(rows)
        ],
    }


def walk(name: str, figures: dict[str, Any], limit: int, **asked: Any) -> list[Any]:
    found, cursor = [], None
    while True:
        items, cursor = section_page(SECTIONS[name], figures, asked, cursor, limit)
        assert len(items) <= limit
        found.extend(items)
        if cursor is None:
            return found


def test_a_small_overview_is_answered_whole() -> None:
    assert bounded(result(), OWN) == result()


def test_every_growing_section_of_an_overview_is_cut_with_its_total_and_a_link() -> None:
    shown = bounded(result(units=120, leads=70, numbers=30, rows=130), OWN)
    pilots, conference = shown["pilots"], shown["conference"]
    assert len(pilots["units"]) == TOP and pilots["units_total"] == 120
    assert pilots["units_more"] == f"{OWN}/indicators/pilots/units"
    assert len(shown["headline"]["by_unit"]) == TOP and shown["headline"]["by_unit_total"] == 120
    assert shown["catalogue"]["versions_in_force_titles_more"] == f"{OWN}/indicators/catalogue/in_force"
    assert len(shown["ministry"]) == TOP and shown["ministry_total"] == 130
    assert shown["ministry_more"] == f"{OWN}/indicators/ministry"
    for key in ("tasks_by_lead_unit", "overdue_count_by_lead_unit", "overdue_by_lead_unit"):
        assert len(conference[key]) == TOP and conference[f"{key}_total"] == 70
    assert all(len(n) == TOP_NUMBERS for n in conference["overdue_by_lead_unit"].values())
    more = conference["overdue_by_lead_unit_more"]["Bureau 000"]
    assert more == f"{OWN}/indicators/conference/overdue_tasks?lead_unit=Bureau+000"


def test_each_section_is_walked_whole_in_the_order_of_its_keys() -> None:
    figures = result(units=120, leads=70, numbers=30, rows=130)
    assert [u["unit_id"] for u in walk("pilots/units", figures, 7)] == [f"u{i:04d}" for i in range(120)]
    ministry = walk("ministry", figures, 11)
    assert len(ministry) == 130 and ministry == sorted(ministry, key=lambda r: (r["year"], r["project"]))
    leads = walk("conference/lead_units", figures, 9)
    assert [r["lead_unit"] for r in leads] == sorted(figures["conference"]["tasks_by_lead_unit"])
    mine = walk("conference/overdue_tasks", figures, 4, lead_unit="Bureau 005")
    assert [t["number"] for t in mine] == sorted(f"DB-{n}" for n in range(30))


def test_a_cursor_for_other_filters_or_made_up_is_refused() -> None:
    figures = result(leads=3, numbers=30)
    section = SECTIONS["conference/overdue_tasks"]
    _, cursor = section_page(section, figures, {"lead_unit": "Bureau 001"}, None, 5)
    assert cursor is not None
    with pytest.raises(InvalidSectionCursor):
        section_page(section, figures, {"lead_unit": "Bureau 002"}, cursor, 5)
    for forged in ("x", "eyJhZnRlciI6IDF9", ocid_cursor("ocds-xsbn00-1")):
        with pytest.raises(InvalidSectionCursor):
            section_page(section, figures, {"lead_unit": "Bureau 001"}, forged, 5)


def test_an_ocds_cursor_names_an_ocid_of_this_publisher() -> None:
    assert ocid_after(ocid_cursor("ocds-xsbn00-abc"), "ocds-xsbn00") == "ocds-xsbn00-abc"
    assert ocid_after(None, "ocds-xsbn00") is None
    for forged in ("%%%", ocid_cursor("ocds-other0-abc"), ocid_cursor("x" * 300)):
        with pytest.raises(Exception, match="cursor"):
            ocid_after(forged, "ocds-xsbn00")


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(st.text("ab版纳", min_size=1, max_size=4), max_size=40, unique=True),
    added=st.lists(st.text("ab版纳", min_size=1, max_size=4), max_size=10),
    limit=st.integers(1, 6),
)
def test_pages_hold_every_entry_once_while_entries_are_added(
    names: list[str], added: list[str], limit: int
) -> None:
    figures = {"pilots": {"units": [{"unit_id": n, "name": n} for n in names]}}
    seen, cursor, arriving = [], None, list(added)
    while True:
        items, cursor = section_page(SECTIONS["pilots/units"], figures, {}, cursor, limit)
        seen.extend(u["unit_id"] for u in items)
        if arriving:  # a unit designated between two pages
            figures["pilots"]["units"].append({"unit_id": f"new-{arriving.pop()}-{len(seen)}", "name": "m"})
        if cursor is None:
            break
    assert len(seen) == len(set(seen))
    assert set(names) <= set(seen)


def test_a_csv_export_is_sent_as_it_is_written() -> None:
    rows = result(rows=1000)["ministry"]
    response = export("ministry", rows, "csv")
    assert response.is_streamed
    chunks = list(response.response)
    assert len(chunks) == 1001  # the header, then a chunk a row
    parsed = list(csv.reader(io.StringIO("".join(chunks))))
    assert parsed[0][:3] == ["year", "category", "project"] and len(parsed) == 1001


def test_a_workbook_is_sent_a_block_at_a_time() -> None:
    response = export("ministry", result(rows=200)["ministry"], "xlsx")
    assert response.is_streamed
    assert b"".join(response.response).startswith(b"PK")  # a zip: an XLSX workbook


def test_a_csv_export_keeps_the_asked_language_when_the_server_reads_it_elsewhere() -> None:
    import contextvars

    from shared import i18n

    token = i18n.ASKED_BY_NAME.set(True)
    try:
        i18n.LANGUAGE.set("zh")
        response = export("ministry", result(rows=2)["ministry"], "csv")
    finally:
        i18n.ASKED_BY_NAME.reset(token)
        i18n.LANGUAGE.set(i18n.DEFAULT)
    body = contextvars.Context().run(lambda: "".join(response.response))  # a context of its own
    assert body.splitlines()[0].startswith("年度,服务类别")


def test_a_link_asks_the_same_question_as_the_overview() -> None:
    shown = bounded(result(units=60), OWN, {"on": "2020-06-30", "as_of": None, "recorded_by": "2020-07-01"})
    assert (
        shown["pilots"]["units_more"] == f"{OWN}/indicators/pilots/units?on=2020-06-30&recorded_by=2020-07-01"
    )


def test_versions_in_force_of_one_title_are_each_walked() -> None:
    figures = {"catalogue": {"versions_in_force_titles": ["同名目录"] * 5 + ["A"]}}
    assert len(walk("catalogue/in_force", figures, 2)) == 6


def test_a_cursor_after_the_longest_names_fits_the_query() -> None:
    from services.reporting.schemas import SectionQuery

    long = {
        "year": 2020,
        "category": "类" * 200,
        "purchaser": "购" * 200,
        "project": "项" * 200,
        "matter_id": "x" * 36,
    }
    _, cursor = section_page(
        SECTIONS["ministry"], {"ministry": [long, {**long, "matter_id": "y"}]}, {}, None, 1
    )
    assert cursor is not None and SectionQuery().load({"cursor": cursor})["cursor"] == cursor


def catalogue_figures(units: int) -> dict[str, Any]:
    """A prefecture's catalogue with ``units`` units' catalogues under it, a matter row each."""
    children = [
        {"catalogue_id": f"c{i:04d}", "title": f"Unit {i:04d}'s catalogue", "level": "departmental",
         "unit": f"Unit {i:04d}", "items": 3, "review": None, "children": []}
        for i in range(units)
    ]  # fmt: skip
    root = {"catalogue_id": "p", "title": "Prefecture", "level": "prefecture", "unit": None, "items": 9}
    return {
        "catalogue": {
            "versions_in_force_titles": ["Prefecture"],
            "catalogue_tree": [{**root, "review": None, "children": children}],
            "items_in_force_by_unit": {f"Unit {i:04d}": 3 for i in range(units)},
            "flagged_for_review": [f"Unit {i:04d}'s catalogue" for i in range(units)],
            "matters_by_item": [
                {"catalogue_id": f"c{i:04d}", "catalogue": f"Unit {i:04d}'s catalogue", "item_code": "A08"}
                for i in range(units)
            ],
        }
    }


def test_the_catalogue_tree_and_what_it_counts_are_cut_and_walked_in_their_own_lists() -> None:
    figures = catalogue_figures(120)
    shown = bounded(catalogue_figures(120), OWN)["catalogue"]
    [root] = shown["catalogue_tree"]
    assert len(root["children"]) == TOP and root["children_total"] == 120
    assert root["children_more"] == f"{OWN}/indicators/catalogue/tree"
    for key, section in (
        ("items_in_force_by_unit", "units"),
        ("flagged_for_review", "flagged"),
        ("matters_by_item", "matters_by_item"),
    ):
        assert len(shown[key]) == TOP and shown[f"{key}_more"] == f"{OWN}/indicators/catalogue/{section}"
    tree = walk("catalogue/tree", figures, 13)
    assert [r["catalogue_id"] for r in tree] == ["p"] + [f"c{i:04d}" for i in range(120)]
    assert {r["under"] for r in tree[1:]} == {"p"} and "children" not in tree[0]
    assert [r["unit"] for r in walk("catalogue/units", figures, 17)] == [f"Unit {i:04d}" for i in range(120)]
    assert (
        len(walk("catalogue/matters_by_item", figures, 50))
        == len(walk("catalogue/flagged", figures, 9))
        == 120
    )
