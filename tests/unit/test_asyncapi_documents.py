"""Every service's AsyncAPI document, generated from the contracts, is valid AsyncAPI 3.0.0 (the
schema vendored from @asyncapi/specs) and names exactly the events the contracts publish."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from shared.contracts import PRODUCERS
from shared.registry import REGISTRY
from shared.web.asyncapi import asyncapi

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "data" / "asyncapi" / "3.0.0.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("service", REGISTRY.names())
def test_the_asyncapi_document_of_each_service_validates(service: str) -> None:
    errors = [
        f"{list(e.absolute_path)}: {e.message[:200]}"
        for e in Draft7Validator(SCHEMA).iter_errors(asyncapi(service))
    ]
    assert not errors


@pytest.mark.parametrize("source", sorted(PRODUCERS))
def test_a_producers_document_sends_every_event_its_contracts_list_with_that_payload(source: str) -> None:
    document = asyncapi(source)
    assert set(document["channels"][source]["messages"]) == set(PRODUCERS[source].EVENTS)
    message = document["components"]["messages"][f"{source.capitalize()}AuditDigest"]
    envelope, typed = message["payload"]["allOf"]
    assert envelope == {"$ref": "#/components/schemas/Envelope"}
    assert typed["properties"]["event_type"] == {"const": "AuditDigest"}
    schema = document["components"]["schemas"][f"{source.capitalize()}AuditDigest"]
    assert set(schema["properties"]) == set(PRODUCERS[source].EVENTS["AuditDigest"]().fields)


def test_a_nullable_field_admits_null_once() -> None:
    schema = asyncapi("conference")["components"]["schemas"]["ConferenceTaskExtended"]["properties"]["role"]
    assert None in schema["enum"] and len(schema["enum"]) == len(set(map(str, schema["enum"])))
