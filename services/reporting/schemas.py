"""Marshmallow schemas of the reporting requests."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, post_load, validate

from shared.acts import When
from shared.web.fields import IsoDate, Moment
from shared.web.schemas import Request

GROUPS = ("headline", "catalogue", "pilots", "purchases", "conference", "ministry", "records")


class IndicatorQuery(Request):
    """``on``: the reform as it stood on that date, as known now; ``as_of``: as recorded by that
    instant; both: what had been recorded at ``as_of`` about ``on``."""

    as_of = Moment(load_default=None, allow_none=True)
    on = IsoDate(load_default=None, allow_none=True)
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))

    @post_load
    def _when(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        asked = data["as_of"] is not None or data["on"] is not None
        return {"when": When(as_of=data.pop("as_of"), on=data.pop("on")) if asked else None, **data}


class DashboardQuery(Request):
    """``on``: the reform as it stood on that date; ``recorded_by``: only what had been recorded
    by the end of that date."""

    on = IsoDate(load_default=None, allow_none=True)
    recorded_by = IsoDate(load_default=None, allow_none=True)
