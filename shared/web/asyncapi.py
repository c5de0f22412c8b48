"""The AsyncAPI 3.0 document of a service's events, generated from the contracts: what it sends
on its exchange (each event type, as the signed envelope carrying that type's payload) and what it
receives from the producers it consumes. Served at ``GET /asyncapi.json``."""

from __future__ import annotations

import functools
import warnings
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from shared.contracts import PRODUCERS
from shared.contracts.envelope import EnvelopeSchema
from shared.registry import REGISTRY
from shared.web.fields import Money

VERSION = "3.0.0"
AMQP_BINDING = "0.3.0"


def _schemas() -> dict[str, Any]:
    """JSON Schemas of the envelope and of every producer's payloads, named
    ``<Source><EventType>`` (apispec from the marshmallow contracts; nested parts by their names)."""
    plugin = MarshmallowPlugin(schema_name_resolver=lambda schema: "")  # no name: nested parts inline
    spec = APISpec(title="events", version="1", openapi_version="3.0.3", plugins=[plugin])
    plugin.map_to_openapi_type(Money, "string", "decimal")
    spec.components.schema("Envelope", schema=EnvelopeSchema)
    with warnings.catch_warnings():  # one schema (AuditDigest) under each producer's name: meant
        warnings.simplefilter("ignore", UserWarning)
        for source, module in sorted(PRODUCERS.items()):
            for event_type, schema in sorted(module.EVENTS.items()):
                spec.components.schema(_name(source, event_type), schema=schema)
    schemas: dict[str, Any] = spec.to_dict()["components"]["schemas"]
    return {name: _json_schema(schema) for name, schema in schemas.items()}


def _name(source: str, event_type: str) -> str:
    return f"{source.capitalize()}{event_type}"


def _json_schema(schema: Any) -> Any:
    """OpenAPI 3.0's ``nullable`` as JSON Schema's ``null`` type (AsyncAPI schemas are draft-07)."""
    if isinstance(schema, list):
        return [_json_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _json_schema(v) for k, v in schema.items() if k != "nullable"}
    if schema.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"] if isinstance(out["type"], str) else [*out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


def _channel(source: str) -> dict[str, Any]:
    return {
        "address": f"{source}.events",
        "title": f"{source} events",
        "description": (
            f"The topic exchange {source}.events: every event of the {source} log, in position order, "
            "routed by its event type. A consumer binds its own quorum queue <consumer>.{source}.events "
            "to it, verifies each envelope's signature and chain, and reads the feed for what it missed."
        ),
        "messages": {
            event_type: {"$ref": f"#/components/messages/{_name(source, event_type)}"}
            for event_type in sorted(PRODUCERS[source].EVENTS)
        },
        "bindings": {
            "amqp": {
                "is": "routingKey",
                "exchange": {
                    "name": f"{source}.events",
                    "type": "topic",
                    "durable": True,
                    "autoDelete": False,
                },
                "bindingVersion": AMQP_BINDING,
            }
        },
    }


def _message(source: str, event_type: str) -> dict[str, Any]:
    schema = getattr(PRODUCERS[source].EVENTS[event_type], "schema_version", 1)
    return {
        "name": event_type,
        "title": f"{source}: {event_type}",
        "summary": (PRODUCERS[source].EVENTS[event_type].__doc__ or event_type).strip().splitlines()[0],
        "contentType": "application/json",
        "payload": {
            "allOf": [
                {"$ref": "#/components/schemas/Envelope"},
                {
                    "type": "object",
                    "properties": {
                        "event_type": {"const": event_type},
                        "source": {"const": source},
                        "schema_version": {"const": schema},
                        "payload": {"$ref": f"#/components/schemas/{_name(source, event_type)}"},
                    },
                },
            ]
        },
        "bindings": {"amqp": {"contentEncoding": "utf-8", "bindingVersion": AMQP_BINDING}},
    }


@functools.cache
def asyncapi(service: str) -> dict[str, Any]:
    """The AsyncAPI document of ``service``: what it sends (a producer) and receives (a consumer)."""
    spec = REGISTRY.get(service)
    sends = [service] if service in PRODUCERS else []
    receives = [s for s in spec.consumes if s in PRODUCERS]
    operations: dict[str, Any] = {}
    for source in sends:
        operations[f"send{source.capitalize()}Events"] = _operation("send", source, "publishes")
    for source in receives:
        operations[f"receive{source.capitalize()}Events"] = _operation(
            "receive", source, "takes in, exactly once"
        )
    channels = sorted(set(sends) | set(receives))
    document = {
        "asyncapi": VERSION,
        "info": {
            "title": f"{service} events",
            "version": "1",
            "description": (
                f"The integration events {service} publishes and takes in. Every message is a signed "
                "envelope (Ed25519 over its canonical bytes, the producer's key at /audit/public-key) "
                "naming its position in the producer's log and the log's chain hashes around it."
            ),
        },
        "defaultContentType": "application/json",
        "channels": {source: _channel(source) for source in channels},
        "operations": operations,
        "components": {
            "messages": {
                _name(source, event_type): _message(source, event_type)
                for source in channels
                for event_type in sorted(PRODUCERS[source].EVENTS)
            },
            "schemas": _schemas_of(channels),
        },
    }
    return document


def _schemas_of(sources: list[str]) -> dict[str, Any]:
    every = _all_schemas()
    wanted = {"Envelope"} | {_name(s, t) for s in sources for t in PRODUCERS[s].EVENTS}
    return {name: schema for name, schema in every.items() if name in wanted}


@functools.cache
def _all_schemas() -> dict[str, Any]:
    return _schemas()


def _operation(action: str, source: str, verb: str) -> dict[str, Any]:
    # published persistent and mandatory, each confirmed by the broker before it counts as sent
    sent = {"amqp": {"deliveryMode": 2, "mandatory": True, "bindingVersion": AMQP_BINDING}}
    return {
        **({"bindings": sent} if action == "send" else {}),
        "action": action,
        "channel": {"$ref": f"#/channels/{source}"},
        "summary": f"The {source} events it {verb}",
        "messages": [
            {"$ref": f"#/channels/{source}/messages/{event_type}"}
            for event_type in sorted(PRODUCERS[source].EVENTS)
        ],
    }
