"""Pilots' views of conference decisions and published catalogues, fed real envelopes made by the
catalogue and conference applications: repeats and out-of-date events change nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.pilots.application import CatalogueNotPublished
from services.pilots.domain import DecisionDoesNotApply, DecisionUnknown, NotOnCatalogue
from services.pilots.integration import to_integration as pilots_events
from shared.contracts import validate_envelope
from shared.messaging.consumer import APPLIED, DUPLICATE, IGNORED
from shared.messaging.feed import read_feed
from tests.support.world import UNIT, World


@pytest.fixture
def world() -> World:
    return World()


def test_a_designation_waits_for_its_decision_to_arrive(world: World) -> None:
    decision = world.decision("designate_pilot", UNIT)
    with pytest.raises(DecisionUnknown):
        world.unit(decision)
    assert APPLIED in world.deliver("conference")
    assert world.pilots.unit(world.unit(decision))["decision_id"] == str(decision)


def test_a_decision_about_another_unit_designates_nothing(world: World) -> None:
    decision = world.decision("designate_pilot", "Prefecture Culture and Tourism Bureau")
    world.deliver("conference")
    with pytest.raises(DecisionDoesNotApply):
        world.unit(decision)


def test_a_repeated_event_changes_nothing(world: World) -> None:
    world.decision("designate_pilot", UNIT)
    envelopes = world.envelopes("conference")
    first = [world.inbox.receive(e) for e in envelopes]
    before = (world.pilots.last_position(), world.pilots.known_decisions())
    again = [world.inbox.receive(e) for e in envelopes]
    assert APPLIED in first and set(again) == {DUPLICATE}
    assert (world.pilots.last_position(), world.pilots.known_decisions()) == before


def test_an_out_of_date_event_changes_nothing(world: World) -> None:
    world.published_catalogue("A08")
    envelopes = world.envelopes("catalogue")
    for envelope in envelopes:
        world.inbox.receive(envelope)
    stale = dict(envelopes[-1], event_id="00000000-0000-4000-8000-000000000000")
    before = world.pilots.last_position()
    assert world.inbox.receive(stale) == DUPLICATE
    assert world.pilots.last_position() == before


def test_events_pilots_does_not_use_are_passed_without_storing_anything(world: World) -> None:
    results = world.deliver("catalogue")  # only the negative list so far
    assert set(results) == {IGNORED}
    assert world.pilots.last_position() == 0
    assert world.inbox.position("catalogue") == world.catalogue.last_position()


def test_a_matter_needs_a_published_catalogue_item(world: World) -> None:
    decision = world.decision("designate_pilot", UNIT)
    world.deliver("conference")
    unit = world.unit(decision)
    draft = world.catalogue.draft_catalogue(
        actor="e", title="Draft", jurisdiction="J", level="prefecture", issuer="I", fiscal_year=2019
    )
    world.deliver("catalogue")
    with pytest.raises(CatalogueNotPublished):
        world.pilots.identify_matter(
            unit, catalogue_id=draft, item_code="A", actor="p", name="n", description=""
        )
    published = world.published_catalogue("A08")
    world.deliver("catalogue")
    with pytest.raises(NotOnCatalogue):
        world.pilots.identify_matter(
            unit, catalogue_id=published, item_code="A99", actor="p", name="n", description=""
        )
    matter = world.pilots.identify_matter(
        unit,
        catalogue_id=published,
        item_code="A08",
        actor="p",
        name="Minority-language broadcasts",
        description="",
    )
    assert world.pilots.matter(matter)["item_name"] == "Item A08"


def test_a_revision_without_the_item_flags_the_matter_and_keeps_the_others(world: World) -> None:
    decision = world.decision("designate_pilot", UNIT)
    world.deliver("conference")
    unit = world.unit(decision)
    old = world.published_catalogue("A08", "A09")
    world.deliver("catalogue")
    dropped = world.pilots.identify_matter(
        unit, catalogue_id=old, item_code="A08", actor="p", name="a", description=""
    )
    kept = world.pilots.identify_matter(
        unit, catalogue_id=old, item_code="A09", actor="p", name="b", description=""
    )
    world.published_catalogue("A09", supersedes=old)
    world.deliver("catalogue")
    assert world.pilots.matter(dropped)["needs_review"] is True
    assert world.pilots.matter(kept)["needs_review"] is False
    assert [c["status"] for c in world.pilots.known_catalogues()] == ["superseded", "published"]


def test_a_revoked_catalogue_flags_every_matter_under_it(world: World) -> None:
    decision = world.decision("designate_pilot", UNIT)
    world.deliver("conference")
    unit = world.unit(decision)
    cid = world.published_catalogue("A08")
    world.deliver("catalogue")
    matter = world.pilots.identify_matter(
        unit, catalogue_id=cid, item_code="A08", actor="p", name="a", description=""
    )
    world.catalogue.revoke(cid, reason="annulled", actor="e")
    world.deliver("catalogue")
    assert world.pilots.matter(matter)["needs_review"] is True
    assert "revoked" in world.pilots.matter(matter)["review_reasons"][0]


def test_every_pilots_event_validates_against_its_contract(world: World) -> None:
    decision = world.decision("designate_pilot", UNIT)
    plan_decision = world.decision("approve_plan", UNIT)
    world.deliver("conference")
    unit = world.unit(decision)
    world.pilots.clock = lambda: datetime(2021, 6, 1, tzinfo=UTC)
    world.pilots.add_budget_line(
        unit, actor="p", fiscal_year=2020, appropriation_before="1000000.00", purchase_budget="300000.00"
    )
    world.pilots.update_budget_line(unit, 2020, actor="p", executed="250000.00")
    world.pilots.adjust_staffing(
        unit,
        actor="p",
        before=120,
        after=100,
        approving_body="Staffing Office",
        document="XBB [2020] 3",
        adjusted_on="2020-03-01",
    )
    world.pilots.draft_plan(
        unit,
        actor="p",
        targets=["t"],
        funding_plan="f",
        staffing_plan="s",
        evaluation_plan="e",
        document_number="XPL-1",
        phases=[
            {
                "name": "P1",
                "milestones": [{"title": "m1", "due": "2020-06-30"}, {"title": "m2", "due": "2020-09-30"}],
            }
        ],
    )
    world.pilots.plan_command(unit, "submit", actor="p")
    world.pilots.plan_command(unit, "approve", decision_id=plan_decision, actor="p")
    world.pilots.plan_command(unit, "put_in_force", in_force_on="2020-01-01", actor="p")
    world.pilots.plan_command(unit, "meet_milestone", key="1.1", met_on="2020-06-20", actor="p")
    assert world.pilots.detect_missed_milestones() == [f"{unit}:1.2"]
    cid = world.published_catalogue("A08")
    world.deliver("catalogue")
    matter = world.pilots.identify_matter(
        unit, catalogue_id=cid, item_code="A08", actor="p", name="n", description=""
    )
    for command, kwargs in [
        ("assess", {"rationale": "r"}),
        ("approve_for_conversion", {}),
        ("allocate_budget", {"fiscal_year": 2020, "amount": "200000.00"}),
        (
            "contract_with",
            {
                "undertaker": "Media Co.",
                "undertaker_type": "enterprise",
                "amount": "200000.00",
                "fiscal_year": 2020,
                "term_start": "2020-01-01",
                "term_end": "2020-12-31",
                "justification": None,
                "announcement_ref": "ANN-1",
                "announced_on": "2019-12-30",
            },
        ),
        ("start_delivery", {"started_on": "2020-01-02"}),
        (
            "evaluate",
            {
                "kind": "third_party",
                "evaluator": "Yunnan Evaluation Centre",
                "score": 88,
                "findings": "f",
                "use_of_result": "next year's budget",
                "evaluated_on": "2021-01-15",
            },
        ),
    ]:
        world.pilots.matter_command(matter, command, actor="p", **kwargs)
    world.pilots.close_unit(unit, actor="p", summary="s", decision="promote", closed_on="2021-05-01")
    page = read_feed(world.pilots, "pilots", pilots_events, 0, 1000)
    for envelope in page["events"]:
        validate_envelope(envelope)
    from shared.contracts.pilots import EVENTS

    not_in_this_story = {"PlanEnded", "ServiceMatterRejected", "ServiceMatterFlaggedForReview", "AuditDigest"}
    assert {e["event_type"] for e in page["events"]} == set(EVENTS) - not_in_this_story
