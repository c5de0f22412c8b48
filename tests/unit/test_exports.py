"""CSV cells a spreadsheet would run as formulas are written as text (OWASP's rule)."""

from __future__ import annotations

import csv
import io

import pytest

from services.reporting.service import to_csv
from shared.web.exports import csv_text, neutral


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)|cmd", "\tx", "\rx"])
def test_a_cell_that_would_be_a_formula_is_written_as_text(cell: str) -> None:
    assert neutral(cell) == "'" + cell
    assert next(csv.reader(io.StringIO(csv_text([[cell]])))) == ["'" + cell]


@pytest.mark.parametrize("cell", ["Media Co.", "200000.00", 42, 0.4, "", "a=b"])
def test_ordinary_cells_are_written_as_they_are(cell: object) -> None:
    assert neutral(cell) == cell


def test_the_ministry_csv_neutralises_a_hostile_undertaker() -> None:
    row = {
        "year": 2020,
        "category": "A08",
        "project": '=HYPERLINK("http://evil")',
        "purchaser": "P",
        "undertaker": "@SUM(1+1)|cmd",
        "service_matter": "m",
        "budget": "1.00",
        "contract_amount": "1.00",
        "paid": "0.00",
        "final_accounts": None,
    }
    rows = list(csv.reader(io.StringIO(to_csv("ministry", [row]).get_data(as_text=True))))
    assert rows[1][2].startswith("'=") and rows[1][5].startswith("'@")  # project, undertaker
