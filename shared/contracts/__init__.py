"""Published integration events: the envelope and, per producer, one schema per event type."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, Protocol

from shared.contracts.envelope import EnvelopeSchema, schema_of, validate_envelope
from shared.registry import REGISTRY

# producer -> the module of its contracts (an ``EVENTS`` table of event type -> schema)
PRODUCERS: dict[str, ModuleType] = {
    spec.name: importlib.import_module(spec.contracts) for spec in REGISTRY.producers() if spec.contracts
}


class Contract(Protocol):
    """What a producer's payload schema offers: a marshmallow schema with its version."""

    schema_version: int

    def dump(self, obj: Any, *, many: bool | None = None) -> Any: ...

    def validate(self, data: Any, *, many: bool | None = None, partial: Any = None) -> dict[str, Any]: ...


def payload_schema(source: str, event_type: str) -> Contract:
    """The payload schema a producer promised for ``event_type`` (KeyError if none): one instance
    each (a schema holds no state between dumps or loads; building one costs more than using it)."""
    schema: Contract = schema_of(PRODUCERS[source].EVENTS[event_type])
    return schema


__all__ = ["Contract", "EnvelopeSchema", "PRODUCERS", "payload_schema", "validate_envelope"]
