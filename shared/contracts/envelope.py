"""The integration-event envelope every producer publishes (DESIGN.md, "Events")."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from shared.contracts.dating import DATED_VERSION, upcast_payload


class EnvelopeSchema(Schema):
    class Meta:
        unknown = RAISE

    event_id = fields.UUID(required=True)
    event_type = fields.String(required=True, validate=validate.Length(min=1))
    schema_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    source = fields.String(required=True, validate=validate.Length(min=1))
    position = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    aggregate_id = fields.UUID(required=True)
    aggregate_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    occurred_at = fields.AwareDateTime(required=True)
    payload = fields.Dict(required=True)
    # Which history it belongs to: the producer's log incarnation, and the log's audit-chain hash
    # after this position and before it (DESIGN.md, "Trust"), so a consumer tells a reset or a
    # restored log from the one it follows.
    incarnation = fields.UUID(required=True)
    chain_hash = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    prior_hash = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    signature = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{128}$"))
    key_id = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{16}$"))


# Schemas hold no state between loads: one instance each serves every message.
ENVELOPE = EnvelopeSchema()
_PAYLOADS: dict[type, Schema] = {}


def schema_of(schema_cls: type[Any]) -> Any:
    """The one instance of a payload schema (building one costs more than using it)."""
    schema = _PAYLOADS.get(schema_cls)
    if schema is None:
        schema = _PAYLOADS.setdefault(schema_cls, schema_cls())
    return schema


def envelope_errors(body: Any) -> dict[str, Any]:
    """What is wrong with an envelope's header (its payload aside); empty when nothing is."""
    if not isinstance(body, dict):
        return {"_schema": ["envelope must be a JSON object"]}
    errors: dict[str, Any] = ENVELOPE.validate(body)
    return errors


# What the producer signs: the envelope without its signature, as canonical JSON, behind a
# context that no other signed message of the platform (an audit digest) starts with.
SIGNATURE_FIELDS = ("signature", "key_id")
SIGNING_CONTEXT = b"reform:envelope:v1\n"


# A feed page's own fields (which log, its chain hash where the reader stands, how far it goes) are
# signed too, behind a context of their own: a reader believes them no more than a message.
PAGE_FIELDS = (
    "source",
    "incarnation",
    "after",
    "after_chain_hash",
    "last_position",
    "next_after",
    "has_more",
)
PAGE_CONTEXT = b"reform:feed-page:v1\n"


def page_signed_bytes(page: Mapping[str, Any]) -> bytes:
    """The canonical bytes a producer signs for a feed page's own fields."""
    header = {key: page.get(key) for key in PAGE_FIELDS}
    return PAGE_CONTEXT + json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")


def signed_bytes(envelope: Mapping[str, Any]) -> bytes:
    """The canonical bytes a producer signs and a consumer verifies."""
    unsigned = {key: value for key, value in envelope.items() if key not in SIGNATURE_FIELDS}
    return SIGNING_CONTEXT + json.dumps(
        unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def validate_envelope(body: Any) -> dict[str, Any]:
    """Check an envelope and its payload against the producer's contract.

    Returns the envelope as JSON-compatible data (payload normalised by its
    schema); raises ``ValidationError`` naming what is wrong.
    """
    from shared.contracts import PRODUCERS

    if not isinstance(body, dict):
        raise ValidationError("envelope must be a JSON object")
    ENVELOPE.load(body)
    producer = PRODUCERS.get(body["source"])
    if producer is None:
        raise ValidationError({"source": [f"unknown producer {body['source']!r}"]})
    schema_cls = producer.EVENTS.get(body["event_type"])
    if schema_cls is None:
        raise ValidationError({"event_type": [f"unknown event type {body['event_type']!r}"]})
    if body["schema_version"] == 1 and schema_cls.schema_version == DATED_VERSION:
        body = upcast_payload(body)  # sent before acts were dated
    if body["schema_version"] != schema_cls.schema_version:
        raise ValidationError(
            {"schema_version": [f"expected {schema_cls.schema_version}, got {body['schema_version']}"]}
        )
    errors = schema_of(schema_cls).validate(body["payload"])
    if errors:
        raise ValidationError({"payload": errors})
    valid: dict[str, Any] = body
    return valid
