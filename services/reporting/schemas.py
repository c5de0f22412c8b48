"""Marshmallow schemas of the reporting requests."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.web.schemas import Request

GROUPS = ("headline", "catalogue", "pilots", "purchases", "conference", "ministry")


class IndicatorQuery(Request):
    as_of = fields.AwareDateTime(load_default=None, allow_none=True)
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))


class DashboardQuery(Request):
    as_of = fields.Date(load_default=None, allow_none=True)
