"""CSV cells a spreadsheet would run as formulas are written as text (OWASP's rule); workbooks
have typed cells, a header in the reader's language, the header frozen, and text never a formula."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest

from services.catalogue.exports import catalogue_workbook
from services.reporting.exports import export, ministry_workbook
from shared import i18n
from shared.web.exports import csv_text, neutral
from shared.web.workbooks import XLSX, workbook_response


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
    rows = list(csv.reader(io.StringIO(export("ministry", [row], "csv").get_data(as_text=True))))
    assert rows[1][2].startswith("'=") and rows[1][5].startswith("'@")  # project, undertaker


def ministry_row(year: int, category: str, project: str, amount: str, **more: object) -> dict[str, object]:
    return {
        "year": year,
        "category": category,
        "project": project,
        "purchaser": "Prefecture Culture and Tourism Bureau",
        "purchaser_zh": "西双版纳州文化和旅游局",
        "purchaser_credit_code": "11532800MB0T45213W",
        "undertaker": "Media Co.",
        "undertaker_zh": None,
        "undertaker_credit_code": None,
        "undertaker_type": "enterprise",
        "service_matter": category,
        "budget": amount,
        "contract_amount": amount,
        "paid": "0.00",
        "final_accounts": "900000.00",
        "signed_on": "2020-02-25",
        **more,
    }


def read(response: object) -> object:
    from openpyxl import load_workbook

    assert response.mimetype == XLSX  # type: ignore[attr-defined]
    return load_workbook(io.BytesIO(response.get_data()))  # type: ignore[attr-defined]


def test_the_ministry_workbook_has_a_sheet_per_year_rows_by_category_with_subtotals_and_totals() -> None:
    rows = [
        ministry_row(2020, "Public cultural services", "B", "200.00"),
        ministry_row(2021, "Public cultural services", "C", "1.50"),
        ministry_row(2020, "Auxiliary services", "A", "100.10"),
        ministry_row(2020, "Public cultural services", "A", "300.00"),
    ]
    book = read(workbook_response(ministry_workbook(rows, "zh"), "m"))  # written a row at a time
    assert book.sheetnames == ["2020", "2021"]
    sheet = book["2020"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["年度", "服务类别", "项目名称", "购买主体"] and sheet.freeze_panes == "A2"
    assert [(r[1], r[2]) for r in values[1:]] == [
        ("Auxiliary services", "A"),
        ("Auxiliary services", "小计"),
        ("Public cultural services", "A"),
        ("Public cultural services", "B"),
        ("Public cultural services", "小计"),
        (None, "合计"),
    ]
    assert values[2][10] == 100.10 and values[5][10] == 500.00  # numbers, as the workbook keeps them
    assert values[6][10] == 600.10 and values[6][12] is None  # final accounts are not summed
    first = sheet[2]
    assert first[0].value == 2020 and first[3].value == "西双版纳州文化和旅游局"  # the registered name
    assert (
        first[5].value == "Media Co." and first[7].value == "企业"
    )  # no Chinese name: as given; the type's label
    assert first[10].number_format == "#,##0.00" and isinstance(first[10].value, (int, float, Decimal))


def test_the_english_ministry_workbook_names_a_project_by_its_english_rendering() -> None:
    rows = [
        ministry_row(2020, "Public cultural services", "乙项目", "1.00", project_en="Project B"),
        ministry_row(2020, "Public cultural services", "甲项目", "2.00"),  # no English rendering
    ]
    projects = {
        lang: [r[2].value for r in read(workbook_response(ministry_workbook(rows, lang), "m"))["2020"]][1:3]
        for lang in ("zh", "en")
    }
    assert projects == {"zh": ["乙项目", "甲项目"], "en": ["Project B", "甲项目"]}  # else the Chinese name


def test_the_catalogue_workbook_labels_each_nature_in_the_readers_language() -> None:
    def node(code: str, nature: str) -> dict[str, object]:
        return {
            "code": code,
            "level": 1,
            "name": code,
            "description": "",
            "nature": nature,
            "kind": "public_service",
        }

    catalogue = {
        "id": "c",
        "version": 1,
        "title": "目录",
        # a nature the negative list later named (an item kept from before): its entry's text
        "nodes": [node("A", "service"), node("B", "financing"), node("C", "unheard_of")],
    }
    natures = {}
    for lang in ("zh", "en"):
        sheet = read(catalogue_workbook(catalogue, lang)).worksheets[0]
        header = [c.value for c in sheet[1]]
        natures[lang] = [
            r[header.index(i18n.text("column.nature", lang))].value for r in sheet.iter_rows(min_row=2)
        ]
    assert natures == {"zh": ["服务", "融资行为", "unheard_of"], "en": ["Service", "Financing", "unheard_of"]}


def test_a_workbook_keeps_hostile_text_as_text_never_a_formula() -> None:
    hostile = ministry_row(2020, "=1+1", '=HYPERLINK("http://evil")', "1.00", undertaker="@SUM(1+1)|cmd")
    book = read(export("ministry", [hostile], "xlsx"))
    row = next(book.worksheets[0].iter_rows(min_row=2, max_row=2))
    assert row[2].value == '=HYPERLINK("http://evil")' and row[2].data_type == "s"
    assert row[1].data_type == "s" and row[5].data_type == "s" and row[2].quotePrefix


def test_the_indicators_workbook_types_amounts_dates_and_numbers_and_labels_its_header() -> None:
    from shared import i18n

    figures = {"purchases": {"contract_amount": "650000.00", "contracts": 2}, "on": "2020-12-31", "who": "x"}
    token = i18n.ASKED_BY_NAME.set(False)
    try:
        i18n.LANGUAGE.set("en")
        book = read(export("all", figures, "xlsx"))
    finally:
        i18n.ASKED_BY_NAME.reset(token)
        i18n.LANGUAGE.set(i18n.DEFAULT)
    rows = {r[0].value: r[2] for r in book.worksheets[0].iter_rows(min_row=2)}
    labels = {r[0].value: r[1].value for r in book.worksheets[0].iter_rows(min_row=2)}
    assert [c.value for c in book.worksheets[0][1]] == ["Indicator", "Label", "Value"]
    assert labels["purchases.contract_amount"] == "Contract amount" and labels["who"] == "who"
    assert rows["purchases.contract_amount"].value == 650000 and rows["purchases.contracts"].value == 2
    assert rows["on"].value == datetime(2020, 12, 31) and rows["on"].number_format == "yyyy-mm-dd"
    assert rows["who"].value == "x"


def test_an_indicator_is_named_by_the_last_part_of_its_path_that_has_a_label() -> None:
    from services.reporting.exports import indicator_label

    assert indicator_label("headline.share_converted", "zh") == "转为购买比例"
    assert indicator_label("headline.by_unit.西双版纳州广播电视台", "zh") == "按单位：西双版纳州广播电视台"
    assert indicator_label("pilots.units[Radio].budget_by_year.2020.committed", "en") == "Committed"
    assert indicator_label("catalogue.items_by_level.2", "en") == "Items by level: 2"


def test_every_figure_reporting_computes_has_a_label_in_both_languages() -> None:
    import re
    from pathlib import Path

    from shared import i18n

    domain = Path(__file__).parents[2] / "services" / "reporting" / "domain"
    source = "".join((domain / name).read_text() for name in ("indicators.py", "tree.py"))
    keys = set(re.findall(r'^\s+"([a-z_]+)":', source, re.MULTILINE))
    for lang in i18n.LANGUAGES:
        assert keys and not {k for k in keys if f"indicator.{k}" not in i18n.keys(lang)}


def test_rows_of_a_list_in_an_export_are_named_by_what_they_are() -> None:
    from services.reporting.exports import flatten

    tree = {
        "catalogue_tree": [
            {"title": "Prefecture", "items": 9, "children": [{"title": "Station", "items": 3}]}
        ]
    }
    rows = {
        "matters_by_item": [{"item_code": "A080201", "identified": 2}],
        "units": [{"name": "Bureau", "n": 1}],
    }
    assert dict(flatten(tree | rows)) == {
        "catalogue_tree[Prefecture].title": "Prefecture",
        "catalogue_tree[Prefecture].items": 9,
        "catalogue_tree[Prefecture].children[Station].title": "Station",
        "catalogue_tree[Prefecture].children[Station].items": 3,
        "matters_by_item[A080201].item_code": "A080201",
        "matters_by_item[A080201].identified": 2,
        "units[Bureau].n": 1,
    }
