"""A catalogue version as an XLSX workbook, in the layout of the central guidance catalogue: each
item's code, level, name, description and nature, in code order (each item under its parent)."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from shared import i18n
from shared.web.workbooks import Column, add_sheet, new_workbook, workbook_response

COLUMNS = [
    Column("code"),
    Column("level", "integer"),
    Column("name"),
    Column("description"),
    Column("nature"),
    Column("kind"),
]


def nature_label(nature: str, lang: str) -> str:
    """A node's nature for people: its label, else (a nature the negative list names) the negative
    list's text of it, else the code itself."""
    return i18n.text(
        f"label.natures.{nature}", lang, default=i18n.text(f"negative.{nature}", lang, default=nature)
    )


def catalogue_workbook(catalogue: dict[str, Any], lang: str) -> Response:
    book = new_workbook(catalogue["title"])
    rows = [
        [
            node["code"],
            node["level"],
            node["name"],
            node["description"],
            nature_label(node["nature"], lang),
            i18n.label("node_kinds", node["kind"], lang),
        ]
        for node in sorted(catalogue["nodes"], key=lambda n: n["code"])
    ]
    add_sheet(book, i18n.text("workbook.catalogue", lang), COLUMNS, rows, lang)
    return workbook_response(book, f"catalogue-{catalogue['id']}-v{catalogue['version']}")
