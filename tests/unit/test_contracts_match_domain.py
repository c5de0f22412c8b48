"""An event published as its own fields has the same fields in the domain and in its contract:
the two copies of its shape are compared here, so neither can change without the other."""

from __future__ import annotations

import importlib

import pytest

from shared.contracts import PRODUCERS
from shared.messaging.mapping import IntegrationMap
from shared.registry import REGISTRY


def integration_maps() -> list[tuple[str, IntegrationMap]]:
    maps = []
    for spec in REGISTRY.producers():
        mapper = getattr(importlib.import_module(f"services.{spec.name}.integration"), "to_integration", None)
        if isinstance(mapper, IntegrationMap):
            maps.append((spec.name, mapper))
    return maps


def test_every_service_that_publishes_domain_events_maps_them_with_the_kit() -> None:
    assert {name for name, _ in integration_maps()} >= {"catalogue", "conference", "pilots"}


@pytest.mark.parametrize(
    ("source", "mapping"), integration_maps(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_published_domain_events_have_the_fields_of_their_contract(
    source: str, mapping: IntegrationMap
) -> None:
    contracts = PRODUCERS[source].EVENTS
    for domain_event, event_type in mapping.published().items():
        assert event_type in contracts, (
            f"{domain_event.__qualname__} is published as {event_type}, which has no contract"
        )
        fields = mapping.payload_fields(domain_event)
        if fields is None:
            continue  # a builder makes this payload; the contract validates what it builds
        declared = set(contracts[event_type]._declared_fields)
        assert fields == declared, (
            f"{domain_event.__qualname__} → {event_type}: only in the domain {sorted(fields - declared)}, "
            f"only in the contract {sorted(declared - fields)}"
        )


@pytest.mark.parametrize(
    ("source", "mapping"), integration_maps(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_contract_of_a_producer_is_published_by_it(source: str, mapping: IntegrationMap) -> None:
    assert set(PRODUCERS[source].EVENTS) - {"AuditDigest"} == mapping.event_types()
