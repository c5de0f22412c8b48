"""The ``AuditDigest`` integration event every service publishes on its own exchange."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate


class AuditDigest(Schema):
    class Meta:
        unknown = RAISE

    schema_version = 1
    service = fields.String(required=True)
    position = fields.Integer(required=True, validate=validate.Range(min=0))
    chain_hash = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    signed_at = fields.String(required=True)
    signature = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{128}$"))
    key_id = fields.String(required=True)
