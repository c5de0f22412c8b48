"""Marshmallow schemas of the reporting requests."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.web.fields import IsoDate, Moment
from shared.web.schemas import Request

GROUPS = ("headline", "catalogue", "pilots", "purchases", "conference", "ministry")


class IndicatorQuery(Request):
    as_of = Moment(load_default=None, allow_none=True)
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))


class DashboardQuery(Request):
    as_of = IsoDate(load_default=None, allow_none=True)
