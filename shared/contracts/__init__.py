"""Published integration events: the envelope and, per producer, one schema per event type."""

from __future__ import annotations

from types import ModuleType

from marshmallow import Schema

from shared.contracts import catalogue, conference, pilots, reporting
from shared.contracts.envelope import EnvelopeSchema, validate_envelope

PRODUCERS: dict[str, ModuleType] = {
    "catalogue": catalogue,
    "conference": conference,
    "pilots": pilots,
    "reporting": reporting,
}


def payload_schema(source: str, event_type: str) -> Schema:
    """The payload schema a producer promised for ``event_type`` (KeyError if none)."""
    return PRODUCERS[source].EVENTS[event_type]()


__all__ = ["EnvelopeSchema", "PRODUCERS", "payload_schema", "validate_envelope"]
