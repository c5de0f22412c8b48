"""Request schemas every service shares."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate


class Request(Schema):
    """A request schema: unknown fields are refused, not ignored."""

    class Meta:
        unknown = RAISE


class FeedQuery(Request):
    after = fields.Integer(load_default=0, validate=validate.Range(min=0))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class AsOfQuery(Request):
    as_of = fields.AwareDateTime(load_default=None, allow_none=True)
