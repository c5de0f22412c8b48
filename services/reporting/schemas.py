"""Marshmallow schemas of the reporting requests."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from shared.web.fields import IsoDate, Moment
from shared.web.schemas import LINE, Request

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


class GroupQuery(IndicatorQuery):
    """One group: JSON lists that grow (the Ministry rows) come a page at a time."""

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    # a cursor holds the key of a page's last entry: up to a Ministry row's year, category,
    # purchaser, project and matter, names of up to 200 characters each, as base64 of UTF-8
    cursor = fields.String(load_default=None, validate=validate.Length(min=1, max=4000))


class SectionQuery(GroupQuery):
    """A growing section of a group, a page at a time in the order of its keys; ``lead_unit``: of
    the overdue tasks, one lead unit's."""

    lead_unit = fields.String(load_default=None, validate=[validate.Length(min=1, max=200), LINE])
    format = fields.String(load_default="json", validate=validate.OneOf(("json",)))


class OcdsPageQuery(OcdsQuery):
    """A package holds the releases or records of up to ``limit`` contracting processes; its
    ``links.next`` gives the next package."""

    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    cursor = fields.String(load_default=None, validate=validate.Length(min=1, max=400))
