"""What the platform writes for spreadsheets: a cell a spreadsheet would read as a formula is
written as text (OWASP's rule for CSV injection), whatever export it goes into."""

from __future__ import annotations

import contextvars
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


def csv_stream(rows: Iterator[Iterable[Any]]) -> Iterator[str]:
    """CSV a row at a time, for a response that is sent as it is written. The rows are made in
    the context of the request that asked (its language): the server reads the body later, in a
    thread of its own, where that context is not."""
    context = contextvars.copy_context()  # now, while the request's context is the current one

    def written() -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out)
        while (row := context.run(next, rows, None)) is not None:
            writer.writerow([neutral("" if cell is None else cell) for cell in row])
            yield out.getvalue()
            out.seek(0)
            out.truncate()

    return written()


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([neutral("" if cell is None else cell) for cell in row])
    return out.getvalue()
