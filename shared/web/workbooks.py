"""XLSX workbooks (openpyxl), the human format of every export: typed cells (amounts as numbers
with two decimals, dates as dates), a header row in the reader's language, the header frozen, and
every text cell kept as text, never run as a formula (the CSV rule, OWASP's, in a workbook's terms).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from werkzeug.wrappers import Response

from shared import i18n

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
AMOUNT = re.compile(r"^-?\d+\.\d{2}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    """A column: its machine name (its header is ``column.<name>`` in the catalogues) and the
    type of its cells: ``text``, ``amount``, ``date``, ``integer`` or ``auto`` (by the value)."""

    name: str
    kind: str = "text"


def new_workbook(title: str) -> Workbook:
    """A workbook written a row at a time (openpyxl's write-only mode): rows go to its sheets'
    files as they come, so a large export is never held whole as cells in memory."""
    book = Workbook(write_only=True)
    book.properties.title = title
    book.properties.creator = "reform platform"
    return book


def add_sheet(
    book: Workbook, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]], lang: str
) -> Any:
    """A sheet with a header row of the columns' labels in ``lang``, frozen, then the rows typed."""
    sheet = book.create_sheet(SHEET_TITLE_BAD.sub("_", title)[:31] or "_")
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 16 if column.kind != "text" else 28
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=i18n.text(f"column.{column.name}", lang, default=column.name))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        append_row(sheet, columns, row)
    return sheet


def append_row(sheet: Any, columns: Sequence[Column], row: Sequence[Any], bold: bool = False) -> None:
    cells = []
    for column, value in zip(columns, row, strict=True):
        cell = WriteOnlyCell(sheet)
        put(cell, value, column.kind)
        if bold:
            cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)


def put(cell: Any, value: Any, kind: str) -> None:
    """One cell: a number, a date or text, as its column's type says."""
    if value is None or value == "":
        return
    if kind == "auto":
        kind = _kind_of(value)
    if kind == "amount":
        cell.value = Decimal(str(value)).quantize(Decimal("0.01"))
        cell.number_format = AMOUNT_FORMAT
    elif kind == "date":
        cell.value = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        cell.number_format = DATE_FORMAT
    elif kind == "integer":
        cell.value = int(value)
    elif kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        cell.value = value
    else:
        text(cell, value)


def text(cell: Any, value: Any) -> None:
    """Text, kept as text: never a formula (a leading ``=``), the quote prefix set so a reader
    who edits the cell keeps it text; characters XML cannot hold are dropped."""
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.data_type = "s"
    cell.quotePrefix = True


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "text"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str) and AMOUNT.match(value):
        try:
            Decimal(value)
            return "amount"
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            return "text"
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            date.fromisoformat(value)
            return "date"
        except ValueError:
            return "text"
    return "text"


def workbook_response(book: Workbook, filename: str) -> Response:
    """The workbook as a download, read back from a temporary file a block at a time."""
    out = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
    book.save(out)
    out.seek(0)

    def blocks() -> Iterator[bytes]:
        with out:
            while block := out.read(64 * 1024):
                yield block

    return Response(
        blocks(),
        mimetype=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}.xlsx"',
            "X-Content-Type-Options": "nosniff",
        },
    )
