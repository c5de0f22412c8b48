"""The indicators as files: CSV (machine headers unless ``?lang=`` asks) and XLSX workbooks, the
human format, with the Ministry rows laid out by year and service category."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import groupby
from typing import Any

from werkzeug.wrappers import Response

from shared import i18n
from shared.web.exports import csv_stream
from shared.web.workbooks import Column, add_sheet, append_row, new_workbook, workbook_response

MINISTRY_COLUMNS = (
    "year",
    "category",
    "project",
    "purchaser",
    "purchaser_credit_code",
    "undertaker",
    "undertaker_credit_code",
    "undertaker_type",
    "service_matter",
    "budget",
    "contract_amount",
    "paid",
    "final_accounts",
)
AMOUNTS = ("budget", "contract_amount", "paid", "final_accounts")
# amounts a year's category adds up (final accounts are the unit's year, repeated on each row)
SUMMED = ("budget", "contract_amount", "paid")
MINISTRY_SHEET = [
    Column(c, "integer" if c == "year" else "amount" if c in AMOUNTS else "text") for c in MINISTRY_COLUMNS
]


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Nested indicators as (path, value) rows, one at a time."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from flatten(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for i, item in enumerate(value):
            # a row by what it is called: a unit, a project, a catalogue, a catalogue's item
            label = next(
                (str(item[k]) for k in ("name", "project", "title", "item_code") if item.get(k)), str(i)
            )
            yield from flatten({k: v for k, v in item.items() if k != "name"}, f"{prefix}[{label}]")
    elif isinstance(value, list):
        yield prefix, "; ".join(str(v) for v in value)
    else:
        yield prefix, value


def indicator_label(path: str, lang: str) -> str:
    """An indicator's name for people: the label of the last part of its path that has one, with
    what follows it (a unit's name, a year, a level) after a colon."""
    parts = [p for p in re.split(r"[.\[\]]", path) if p]
    for at in range(len(parts) - 1, -1, -1):
        label = i18n.text(f"indicator.{parts[at]}", lang, default="")
        if label:
            rest = " / ".join(parts[at + 1 :])
            return f"{label}：{rest}" if rest and lang == "zh" else f"{label}: {rest}" if rest else label
    return path


def headers(columns: Iterable[str]) -> list[str]:
    """A CSV header row: the machine names, or their labels when ``?lang=`` asked for them."""
    if not i18n.ASKED_BY_NAME.get():
        return list(columns)
    return [i18n.text(f"column.{c}") for c in columns]


def export(group: str, data: Any, kind: str) -> Response:
    """A group of indicators (or all of them) as ``csv`` or ``xlsx``, sent as it is written."""
    if kind == "xlsx":
        return to_xlsx(group, data)
    return Response(
        csv_stream(_csv_rows(group, data)),  # every cell a spreadsheet would run as a formula is text
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="reform-{group}.csv"'},
    )


def _csv_rows(group: str, data: Any) -> Iterator[list[Any]]:
    if group == "ministry":
        yield headers(MINISTRY_COLUMNS)
        yield from ([row.get(c) for c in MINISTRY_COLUMNS] for row in data)
    elif i18n.ASKED_BY_NAME.get():  # for people: each indicator's name beside its path
        lang = i18n.current()
        yield headers(("indicator", "label", "value"))
        yield from (
            [p, indicator_label(p, lang), v] for p, v in flatten(data, group if group != "all" else "")
        )
    else:
        yield headers(("indicator", "value"))
        yield from ([p, v] for p, v in flatten(data, group if group != "all" else ""))


def to_xlsx(group: str, data: Any) -> Response:
    lang = i18n.current()
    if group == "ministry":
        book = ministry_workbook(data, lang)
    else:
        book = new_workbook(i18n.text("workbook.indicators", lang))
        flat = ((p, indicator_label(p, lang), v) for p, v in flatten(data, group if group != "all" else ""))
        add_sheet(
            book,
            i18n.text("workbook.indicators", lang),
            [Column("indicator"), Column("label"), Column("value", "auto")],
            flat,
            lang,
        )
    return workbook_response(book, f"reform-{group}")


def ministry_workbook(rows: list[dict[str, Any]], lang: str) -> Any:
    """The Ministry rows: a sheet per year, its rows by service category, each category closed
    by its subtotal and the year by its total; names and types as the reader's language says."""
    book = new_workbook(i18n.text("workbook.ministry", lang))
    by_year = sorted(
        rows, key=lambda r: (r["year"], r.get("category") or "", _cell(r, "project", lang) or "")
    )
    for year, of_year in groupby(by_year, key=lambda r: r["year"]):
        year_rows = list(of_year)
        sheet = add_sheet(book, str(year), MINISTRY_SHEET, [], lang)
        for category, of_category in groupby(year_rows, key=lambda r: r.get("category") or ""):
            category_rows = list(of_category)
            for row in category_rows:
                append_row(sheet, MINISTRY_SHEET, [_cell(row, c, lang) for c in MINISTRY_COLUMNS])
            append_row(
                sheet,
                MINISTRY_SHEET,
                _sum_row(year, category, "workbook.subtotal", category_rows, lang),
                bold=True,
            )
        append_row(sheet, MINISTRY_SHEET, _sum_row(year, None, "workbook.total", year_rows, lang), bold=True)
    if not book.sheetnames:
        add_sheet(book, i18n.text("workbook.ministry", lang)[:31], MINISTRY_SHEET, [], lang)
    return book


def _cell(row: dict[str, Any], column: str, lang: str) -> Any:
    if lang == "zh" and column in ("purchaser", "undertaker"):
        return row.get(f"{column}_zh") or row.get(column)  # the registered Chinese name
    if lang == "en" and column == "project":
        return row.get("project_en") or row.get(column)  # its English rendering, as the dashboard shows
    if column == "undertaker_type" and row.get(column):
        return i18n.label("party_types", row[column], lang)
    return row.get(column)


def _sum_row(year: Any, category: str | None, key: str, rows: list[dict[str, Any]], lang: str) -> list[Any]:
    sums = {c: sum((Decimal(r[c]) for r in rows if r.get(c)), Decimal("0")) for c in SUMMED}
    label = i18n.text(key, lang)
    return [year, category, label, *([None] * 6), sums["budget"], sums["contract_amount"], sums["paid"], None]
