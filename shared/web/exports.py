"""What the platform writes for spreadsheets: a cell a spreadsheet would read as a formula is
written as text (OWASP's rule for CSV injection), whatever export it goes into."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: Any) -> Any:
    """A string that a spreadsheet would take as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_stream(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """CSV a row at a time, for a response that is sent as it is written."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([neutral("" if cell is None else cell) for cell in row])
        yield out.getvalue()
        out.seek(0)
        out.truncate()


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([neutral("" if cell is None else cell) for cell in row])
    return out.getvalue()
