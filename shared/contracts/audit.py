"""The ``AuditDigest`` integration event every service publishes on its own exchange."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate


class AuditDigest(Schema):
    class Meta:
        unknown = RAISE

    # 2: digests name the one before them and seal the chain of recorded positions
    schema_version = 2
    service = fields.String(required=True)
    position = fields.Integer(required=True, validate=validate.Range(min=0))
    chain_hash = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    signed_at = fields.String(required=True)
    signature = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{128}$"))
    key_id = fields.String(required=True)
    version = fields.Integer(required=True, strict=True, validate=validate.OneOf((1, 2)))
    previous = fields.String(required=True, allow_none=True, validate=validate.Regexp(r"^[0-9a-f]{128}$"))
    tracking_seq = fields.Integer(required=True, allow_none=True, strict=True, validate=validate.Range(min=0))
    tracking_hash = fields.String(required=True, allow_none=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
