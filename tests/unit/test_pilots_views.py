"""Pilots' views of conference decisions and published catalogues, fed real envelopes made by the
catalogue and conference applications: repeats and out-of-date events change nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

from services.catalogue.application import CatalogueApplication
from services.catalogue.integration import to_integration as catalogue_events
from services.conference.application import ConferenceApplication
from services.conference.integration import to_integration as conference_events
from services.pilots.application import CatalogueNotPublished, PilotsApplication
from services.pilots.domain import DecisionDoesNotApply, DecisionUnknown, NotOnCatalogue
from services.pilots.integration import to_integration as pilots_events
from services.pilots.service import INBOX_HANDLERS
from shared.consumer import APPLIED, DUPLICATE, IGNORED, EventConsumer
from shared.contracts import validate_envelope
from shared.feed import read_feed

UNIT = "Xishuangbanna Radio and TV Station"
POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


class World:
    """The two producers in memory, and pilots consuming their feeds."""

    def __init__(self) -> None:
        self.catalogue = CatalogueApplication(POPO)
        self.catalogue.ensure_national_negative_list()
        self.conference = ConferenceApplication(POPO)
        self.pilots = PilotsApplication(POPO)
        self.inbox = EventConsumer(self.pilots, "pilots", INBOX_HANDLERS)
        self.cursor = {"catalogue": 0, "conference": 0}

    def envelopes(self, source: str) -> list[dict[str, Any]]:
        app, mapper = (
            (self.catalogue, catalogue_events)
            if source == "catalogue"
            else (self.conference, conference_events)
        )
        page = read_feed(app, source, mapper, self.cursor[source], 1000)
        self.cursor[source] = page["next_after"]
        return page["events"]

    def deliver(self, source: str) -> list[str]:
        return [self.inbox.receive(e) for e in self.envelopes(source)]

    def published_catalogue(self, *codes: str, supersedes: UUID | None = None) -> UUID:
        if supersedes is None:
            cid = self.catalogue.draft_catalogue(
                actor="e",
                title="Guidance catalogue",
                jurisdiction="J",
                level="prefecture",
                issuer="I",
                fiscal_year=2019,
            )
            self.catalogue.add_node(cid, actor="e", code="A", name="Public services")
        else:
            cid = self.catalogue.revise(supersedes, actor="e")
            for code in list(self.catalogue.catalogue(cid)["nodes"])[::-1]:
                if code["code"] != "A":
                    self.catalogue.remove_node(cid, code["code"], actor="e")
        for code in codes:
            self.catalogue.add_node(cid, actor="e", code=code, name=f"Item {code}", parent_code="A")
        self.catalogue.record_consultation(cid, departments=["Finance"], expert_review=False, actor="e")
        self.catalogue.publish(cid, decision_ref="D", actor="e")
        return cid

    def decision(self, kind: str, subject: str) -> UUID:
        body = self.conference.propose_body(
            actor="o",
            kind="joint_conference",
            name="JC",
            chief_convener="C",
            conveners=[],
            lead_unit="F",
            office="O",
            duties=[],
        )
        self.conference.establish_body(
            body, actor="o", establishing_document="D", established_on="2019-12-01"
        )
        meeting = self.conference.propose_meeting(
            actor="o",
            body_id=body,
            number="1",
            kind="plenary",
            date="2019-12-20",
            chair="C",
            invitees=[],
            agenda=[{"proposing_unit": "F", "title": "T", "materials": []}],
        )
        self.conference.schedule_meeting(meeting, approved_by="C", actor="o")
        self.conference.hold_meeting(meeting, held_on="2019-12-20", attendees=[], actor="o")
        ids = self.conference.issue_minutes(
            meeting,
            actor="o",
            document_number="JY",
            issued_on="2019-12-25",
            decisions=[{"number": 1, "kind": kind, "title": "T", "subject": subject}],
        )
        return UUID(ids[0])

    def unit(self, decision: UUID) -> UUID:
        return self.pilots.designate_unit(
            decision_id=decision,
            name=UNIT,
            actor="p",
            unit_type="public_welfare_2",
            competent_department="Propaganda Department",
            staffing_baseline=120,
            funding_type="full appropriation",
        )


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

    not_in_this_story = {"PlanEnded", "ServiceMatterRejected", "ServiceMatterFlaggedForReview"}
    assert {e["event_type"] for e in page["events"]} == set(EVENTS) - not_in_this_story
