"""Rules added after review: no hole is skipped, parked payloads keep their position, stale
links still flag matters, the negative list is re-checked at publication, extensions clear
overdue in reporting."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from services.catalogue.application import CatalogueApplication
from services.catalogue.commands import (
    AddNegativeListEntry,
    AddNode,
    DraftCatalogue,
    Publish,
    RecordConsultation,
)
from services.catalogue.domain import OnNegativeList
from services.pilots.commands import IdentifyMatter
from services.reporting.domain import Figures
from shared.messaging.consumer import EventConsumer, _is_valid_envelope
from shared.messaging.upstream import UpstreamUnavailable
from tests.support.decisions import learnt
from tests.support.world import POPO, UNIT, World

ENVELOPE = {
    "event_id": "5b8f1f40-4a52-4f3a-9a7b-2f3e5f1c1a11",
    "event_type": "CatalogueRevoked",
    "schema_version": 1,
    "source": "catalogue",
    "position": 5,
    "aggregate_id": "0f7b0b1e-8f11-4d3c-a7a4-0b5e9f3e1d22",
    "aggregate_version": 3,
    "occurred_at": "2019-12-25T09:10:00+00:00",
    "payload": {"catalogue_id": "0f7b0b1e-8f11-4d3c-a7a4-0b5e9f3e1d22", "reason": "r", "actor": "a"},
    "incarnation": "5d0c3a4e-2b1f-4c55-9a77-3e0f8b6d2c10",
    "chain_hash": "a" * 64,
    "prior_hash": "b" * 64,
}


def test_a_hole_the_feed_cannot_fill_is_not_skipped() -> None:
    world = World()
    world.published_catalogue("A01")
    later = world.envelopes("catalogue")[-1]
    inbox = EventConsumer(world.pilots, "pilots", {}, upstream=world.upstream, keys=world.keys)
    inbox.histories.followed("catalogue")  # first contact, then the feed goes away
    world.upstream.down.add("catalogue")
    with pytest.raises(UpstreamUnavailable):
        inbox.receive(later)
    assert inbox.position("catalogue") == 0


def test_a_payload_that_breaks_the_contract_is_still_parked_under_its_position() -> None:
    world = World()
    assert _is_valid_envelope(signed(world, {**ENVELOPE, "payload": {"unexpected": True}}))
    assert not _is_valid_envelope(signed(world, {**ENVELOPE, "position": "5"}))


def signed(world: World, envelope: dict[str, Any]) -> dict[str, Any]:
    """As the catalogue would publish it."""
    assert world.catalogue.notary is not None
    return world.catalogue.notary.sign_envelope(envelope)


def test_a_matter_is_flagged_when_a_later_revision_drops_its_item() -> None:
    w = World()
    decision = w.decision("designate_pilot", UNIT)
    w.deliver("conference")
    unit = w.unit(decision)
    v1 = w.published_catalogue("A08", "A09")
    w.deliver("catalogue")
    command = IdentifyMatter(unit_id=unit, catalogue_id=v1, item_code="A08", name="n", description="")
    matter = UUID(w.pilots.identify_matter(command, actor="p")["id"])
    v2 = w.published_catalogue("A08", "A09", supersedes=v1)  # keeps A08
    w.deliver("catalogue")
    assert w.pilots.matter(matter)["needs_review"] is False
    w.published_catalogue("A09", supersedes=v2)  # drops A08
    w.deliver("catalogue")
    assert w.pilots.matter(matter)["needs_review"] is True


def test_publication_refuses_an_item_whose_nature_joined_the_negative_list_since() -> None:
    app = CatalogueApplication(POPO)
    app.ensure_national_negative_list()
    cid = UUID(
        app.draft_catalogue(
            DraftCatalogue(title="T", jurisdiction="J", level="county", issuer="I", fiscal_year=2020),
            actor="e",
        )["id"]
    )
    app.add_node(cid, AddNode(code="A", name="Venues", nature="venue_operation"), actor="e")
    app.record_consultation(cid, RecordConsultation(departments=["Finance"]), actor="e")
    app.add_negative_list_entry(
        AddNegativeListEntry(code="venue_operation", text="Operating venues", legal_basis="local"), actor="a"
    )
    adopted = learnt(app, "adopt_catalogue", str(cid))
    before = app.last_position()
    with pytest.raises(OnNegativeList) as refused:
        app.publish(cid, Publish(adopted), actor="e")
    assert refused.value.details["code"] == "A"
    assert app.last_position() == before


def test_reporting_stops_counting_a_task_overdue_once_it_is_extended() -> None:
    figures = Figures()
    task = "00000000-0000-4000-8000-0000000000aa"
    for event_type, payload in (
        ("TaskAssigned", {"number": "T-1", "lead_unit": "Radio", "deadline": "2020-01-31", "content": "c"}),
        ("TaskOverdue", {}),
        ("TaskExtended", {"new_deadline": "2020-03-31"}),
    ):
        figures.apply(
            {"source": "conference", "event_type": event_type, "aggregate_id": task, "payload": payload}
        )
    assert figures.conference_indicators()["overdue_tasks"] == 0
