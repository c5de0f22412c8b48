"""Marshmallow schemas of the reporting requests."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.web.fields import IsoDate, Moment
from shared.web.schemas import Request

GROUPS = ("headline", "catalogue", "pilots", "purchases", "conference", "ministry", "records")


class IndicatorQuery(Request):
    """``on``: the reform as it stood on that date, as known now; ``as_of``: as recorded by that
    instant (or ``recorded_by``: by the end of that date where the reform is); with ``on``: what
    had been recorded then about that date."""

    as_of = Moment(load_default=None, allow_none=True)
    recorded_by = IsoDate(load_default=None, allow_none=True)
    on = IsoDate(load_default=None, allow_none=True)
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv", "xlsx")))

    @validates_schema
    def _one_recording_limit(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("as_of") is not None and data.get("recorded_by") is not None:
            raise ValidationError("give as_of or recorded_by, not both", "recorded_by")


class DashboardQuery(Request):
    """``on``: the reform as it stood on that date; ``recorded_by``: only what had been recorded
    by the end of that date."""

    on = IsoDate(load_default=None, allow_none=True)
    recorded_by = IsoDate(load_default=None, allow_none=True)


class OcdsQuery(Request):
    """``on``: the contracting processes as they stood on that date; ``as_of``: as recorded then."""

    as_of = Moment(load_default=None, allow_none=True)
    on = IsoDate(load_default=None, allow_none=True)
