"""Dates and moments outside the span the reform can be about are refused with 422, never a 500
from the arithmetic of time zones (year 1 at +01:00, year 9999 at -01:00)."""

from __future__ import annotations

import pytest
from marshmallow import Schema, ValidationError

from services.reporting.schemas import DashboardQuery, IndicatorQuery
from shared.web.fields import IsoDate
from shared.web.schemas import AsOfQuery


class Dated(Schema):
    on = IsoDate(required=True)


@pytest.mark.parametrize("schema", [AsOfQuery, IndicatorQuery])
@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "1899-12-31T23:00:00+00:00"]
)
def test_a_moment_outside_the_span_is_refused(schema: type[Schema], moment: str) -> None:
    with pytest.raises(ValidationError, match="between 1900 and 2999"):
        schema().load({"as_of": moment})


def test_a_moment_inside_the_span_is_taken() -> None:
    assert AsOfQuery().load({"as_of": "2020-12-31T23:59:59+08:00"})["when"].as_of.year == 2020
    assert AsOfQuery().load({"on": "2020-12-31"})["when"].on == "2020-12-31"
    assert AsOfQuery().load({})["when"] is None


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "3000-01-01"])
def test_a_date_outside_the_span_is_refused(day: str) -> None:
    with pytest.raises(ValidationError, match="between 1900 and 2999"):
        Dated().load({"on": day})
    with pytest.raises(ValidationError):
        DashboardQuery().load({"on": day})
    with pytest.raises(ValidationError):
        DashboardQuery().load({"recorded_by": day})
