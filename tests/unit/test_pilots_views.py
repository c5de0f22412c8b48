"""Pilots' views of conference decisions and published catalogues, fed real envelopes made by the
catalogue and conference applications: repeats and out-of-date events change nothing."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from services.catalogue.commands import DraftCatalogue, Revoke
from services.conference.commands import RenameOrganisation
from services.pilots import commands as c
from services.pilots.application import CatalogueNotPublished
from services.pilots.domain import (
    DecisionDoesNotApply,
    DecisionUnknown,
    DuplicateUnit,
    InvalidTransition,
    NotOnCatalogue,
    OrganisationDoesNotMatch,
    PilotUnit,
)
from services.pilots.integration import to_integration as pilots_events
from shared.contracts import validate_envelope
from shared.documents import AttachDocument
from shared.messaging.consumer import APPLIED, DUPLICATE, IGNORED
from shared.messaging.feed import read_feed
from shared.organisations import OrganisationUnknown
from tests.support import parties
from tests.support.world import UNIT, World


@pytest.fixture
def world() -> World:
    return World()


def designate(world: World, decision: UUID) -> UUID:
    return world.unit(decision)


def identify(world: World, unit: UUID, catalogue: UUID, item_code: str, name: str = "n") -> UUID:
    matter = c.IdentifyMatter(
        unit_id=unit, catalogue_id=catalogue, item_code=item_code, name=name, description=""
    )
    return UUID(world.pilots.identify_matter(matter, actor="p")["id"])


def test_a_designation_waits_for_the_register_entry_and_the_decision_to_arrive(world: World) -> None:
    decision = world.decision("designate_pilot", UNIT)
    with pytest.raises(OrganisationUnknown):  # the unit is not on the register as pilots knows it
        designate(world, decision)
    envelopes = world.envelopes("conference")
    registration = [e for e in envelopes if e["event_type"] == "OrganisationRegistered"]
    assert [world.inbox.receive(e) for e in registration] == [APPLIED]
    with pytest.raises(DecisionUnknown):
        designate(world, decision)
    assert APPLIED in [world.inbox.receive(e) for e in envelopes if e not in registration]
    unit = world.pilots.unit(designate(world, decision))
    organisation = world.organisation(UNIT)
    assert (unit["decision_id"], unit["organisation_id"], unit["name"], unit["name_zh"]) == (
        str(decision),
        organisation,
        UNIT,
        "西双版纳州广播电视台",
    )


def test_a_renamed_organisation_is_followed_and_its_unit_shows_both_names(world: World) -> None:
    uid = designate_delivered(world)
    organisation = UUID(world.organisation(UNIT))
    rename = RenameOrganisation(
        name_zh="西双版纳州融媒体中心", name_en="Xishuangbanna Media Centre", reason="the 2020 merger"
    )
    world.conference.rename_organisation(organisation, rename, actor="o")
    assert world.deliver("conference") == [APPLIED]
    unit = world.pilots.unit(uid)
    assert (unit["name"], unit["name_zh"]) == (UNIT, "西双版纳州广播电视台")  # as designated
    assert unit["organisation"] == {
        "id": str(organisation),
        "name_zh": "西双版纳州融媒体中心",
        "name_en": "Xishuangbanna Media Centre",
        "withdrawn": False,
    }
    [known] = world.pilots.known_organisations().items
    assert known["former_names"] == [
        {"name_zh": "西双版纳州广播电视台", "name_en": UNIT, "until": known["former_names"][0]["until"]}
    ]


def designate_delivered(world: World) -> UUID:
    decision = world.decision("designate_pilot", UNIT)
    world.deliver("conference")
    return designate(world, decision)


def test_a_unit_is_designated_once_however_its_decision_names_it(world: World) -> None:
    designate_delivered(world)
    again = world.decision("designate_pilot", UNIT)
    world.deliver("conference")
    with pytest.raises(DuplicateUnit):
        designate(world, again)


def test_a_decision_about_another_unit_designates_nothing(world: World) -> None:
    decision = world.decision("designate_pilot", "Prefecture Culture and Tourism Bureau")
    world.organisation(UNIT)  # on the register too
    world.deliver("conference")
    with pytest.raises(DecisionDoesNotApply):
        designate(world, decision)


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
    # a genuine (signed) envelope at a position already passed
    notary = world.catalogue.notary
    assert notary is not None
    stale = notary.sign_envelope(dict(envelopes[-1], event_id="00000000-0000-4000-8000-000000000000"))
    before = world.pilots.last_position()
    assert world.inbox.receive(stale) == DUPLICATE
    assert world.pilots.last_position() == before


def test_events_pilots_does_not_use_are_passed_without_storing_anything(world: World) -> None:
    before = world.pilots.last_position()  # the producers' keys, pinned at the start
    results = world.deliver("catalogue")  # only the negative list so far
    assert set(results) == {IGNORED}
    assert world.pilots.last_position() == before
    assert world.inbox.position("catalogue") == world.catalogue.last_position()


def test_a_matter_needs_a_published_catalogue_item(world: World) -> None:
    decision = world.decision("designate_pilot", UNIT)
    world.deliver("conference")
    unit = designate(world, decision)
    draft = UUID(
        world.catalogue.draft_catalogue(
            DraftCatalogue(title="Draft", jurisdiction="J", level="prefecture", issuer="I", fiscal_year=2019),
            actor="e",
        )["id"]
    )
    world.deliver("catalogue")
    with pytest.raises(CatalogueNotPublished):
        identify(world, unit, draft, "A")
    published = world.published_catalogue("A08")
    world.deliver("catalogue")
    with pytest.raises(NotOnCatalogue):
        identify(world, unit, published, "A99")
    matter = identify(world, unit, published, "A08", name="Minority-language broadcasts")
    assert world.pilots.matter(matter)["item_name"] == "Item A08"


def test_a_revision_without_the_item_flags_the_matter_and_keeps_the_others(world: World) -> None:
    decision = world.decision("designate_pilot", UNIT)
    world.deliver("conference")
    unit = designate(world, decision)
    old = world.published_catalogue("A08", "A09")
    world.deliver("catalogue")
    dropped = identify(world, unit, old, "A08", name="a")
    kept = identify(world, unit, old, "A09", name="b")
    world.published_catalogue("A09", supersedes=old)
    world.deliver("catalogue")
    assert world.pilots.matter(dropped)["needs_review"] is True
    assert world.pilots.matter(kept)["needs_review"] is False
    assert [c["status"] for c in world.pilots.known_catalogues().items] == ["superseded", "published"]


def test_a_revoked_catalogue_flags_every_matter_under_it(world: World) -> None:
    decision = world.decision("designate_pilot", UNIT)
    world.deliver("conference")
    unit = designate(world, decision)
    cid = world.published_catalogue("A08")
    world.deliver("catalogue")
    matter = identify(world, unit, cid, "A08", name="a")
    world.catalogue.revoke(cid, Revoke(reason="annulled"), actor="e")
    world.deliver("catalogue")
    assert world.pilots.matter(matter)["needs_review"] is True
    assert "revoked" in world.pilots.matter(matter)["review_reasons"][0]


def test_every_pilots_event_validates_against_its_contract(world: World) -> None:
    decision = world.decision("designate_pilot", UNIT)
    plan_decision = world.decision("approve_plan", UNIT)
    closing = world.decision("close_pilot", UNIT)
    world.deliver("conference")
    unit = designate(world, decision)
    world.pilots.clock = lambda: datetime(2021, 6, 1, tzinfo=UTC)
    p = world.pilots
    p.add_budget_line(
        unit,
        c.AddBudgetLine(fiscal_year=2020, appropriation_before="1000000.00", purchase_budget="300000.00"),
        actor="p",
    )
    p.update_budget_line(unit, 2020, c.UpdateBudgetLine(final_accounts="250000.00"), actor="p")
    p.adjust_staffing(
        unit,
        c.AdjustStaffing(
            before=120,
            after=100,
            approving_body="Staffing Office",
            document="XBB [2020] 3",
            adjusted_on="2020-03-01",
        ),
        actor="p",
    )
    p.draft_plan(
        unit,
        c.DraftPlan(
            targets=["t"],
            funding_plan="f",
            staffing_plan="s",
            evaluation_plan="e",
            document_number="XPL-1",
            phases=[
                {
                    "name": "P1",
                    "milestones": [
                        {"title": "m1", "due": "2020-06-30"},
                        {"title": "m2", "due": "2020-09-30"},
                    ],
                }
            ],
        ),
        actor="p",
    )
    # a draft is edited: a milestone added, its due date changed, then removed again
    assert (
        p.add_milestone(unit, c.AddMilestone(phase="P1", title="m3", due="2020-11-30"), actor="p")[
            "milestones"
        ][-1]["key"]
        == "1.3"
    )
    p.change_milestone(unit, "1.3", c.ChangeMilestone(due="2020-12-15"), actor="p")
    p.remove_milestone(unit, "1.3", actor="p")
    p.submit_plan(unit, c.SubmitPlan(), actor="p")
    with pytest.raises(InvalidTransition):  # submitted: no longer edited
        p.add_milestone(unit, c.AddMilestone(phase="P1", title="late", due="2020-11-30"), actor="p")
    p.approve_plan(unit, c.ApprovePlan(decision_id=plan_decision), actor="p")
    p.put_plan_in_force(unit, c.PutPlanInForce(in_force_on="2020-01-01"), actor="p")
    p.meet_milestone(unit, "1.1", c.MeetMilestone(met_on="2020-06-20"), actor="p")
    assert world.pilots.detect_missed_milestones() == [f"{unit}:1.2"]
    prefecture = world.published_catalogue("A08")
    cid = world.unit_catalogue(prefecture, UNIT, "A08")  # the unit's own, named by its plan
    world.deliver("catalogue")
    p.name_plan_catalogue(unit, c.NamePlanCatalogue(catalogue_id=cid), actor="p")
    matter = identify(world, unit, cid, "A08")
    p.assess_matter(matter, c.AssessMatter(rationale="r"), actor="p")
    p.approve_matter(matter, c.ApproveMatter(), actor="p")
    p.budget_matter(matter, c.BudgetMatter(fiscal_year=2020, amount="200000.00"), actor="p")
    p.contract_matter(
        matter,
        parties.contract(p, "200000.00", "2020-01-01", "2020-12-31", signed_on="2019-12-30"),
        actor="p",
    )
    p.start_delivery(matter, c.StartDelivery(started_on="2020-01-02"), actor="p")
    p.data_dir = Path(tempfile.mkdtemp())  # the service's folder: its document store
    signed = AttachDocument(
        "contractSigned", "The contract", "2019-12-30", "zh", None, b"%PDF-1.7 x", "application/pdf"
    )
    assert p.attach_document(matter, signed, actor="p")["size"] == 10
    p.evaluate_matter(
        matter,
        c.EvaluateMatter(
            kind="third_party",
            evaluator="Yunnan Evaluation Centre",
            score=88,
            findings="f",
            use_of_result="next year's budget",
            evaluated_on="2021-01-15",
        ),
        actor="p",
    )
    p.accept_delivery(
        matter, c.AcceptDelivery("2021-01-20", "accepted", "200000.00", "YS〔2021〕1号"), actor="p"
    )
    p.make_payment(matter, c.MakePayment("2021-01-25", "200000.00", "FK-2021-0031"), actor="p")
    p.complete_plan(unit, c.EndPlan(reason="targets met"), actor="p")
    closure = c.CloseUnit(summary="s", decision="promote", closed_on="2021-05-01", decision_id=closing)
    p.close_unit(unit, closure, actor="p")
    page = read_feed(world.pilots, "pilots", pilots_events, 0, 1000)
    for envelope in page["events"]:
        validate_envelope(envelope)
    from shared.contracts.pilots import EVENTS

    not_in_this_story = {
        "ServiceMatterRejected",
        "ServiceMatterContractTerminated",  # tests/unit/test_closure.py
        "BudgetReleased",  # a withdrawal: tests/unit/test_reviews.py
        "PilotUnitLinked",  # a unit designated before the register: tests/unit/test_pilots_views.py
        "PartyTypeChanged",  # a reclassification: tests/unit/test_pilots_domain.py, tests/integration
        "ContractAmended",  # tests/unit/test_execution.py
        "FundsMoved",  # tests/unit/test_execution.py, the scenario
        "ContractAnnounced",  # an announcement recorded after signing: tests/integration/test_pilots_http.py
        "BudgetLedgerOpened",  # a unit designated before the ledger: tests/unit/test_ledger.py
        "AuditDigest",
        # a review and its ends: tests/unit/test_reviews.py
        "ServiceMatterFlaggedForReview",
        "ServiceMatterRelinked",
        "ServiceMatterContinued",
        "ServiceMatterWithdrawn",
    }
    assert {e["event_type"] for e in page["events"]} == set(EVENTS) - not_in_this_story


def legacy_unit(world: World, name: str) -> UUID:
    """A unit as a store written before the register holds it: designated by its name."""
    unit = PilotUnit(
        name=name, unit_type="public_welfare_2", competent_department="Culture Bureau", staffing_baseline=30,
        funding_type="full appropriation", decision_id=str(uuid4()), actor="p",
        organisation_id=None, name_zh=None, ledger=False,
    )  # fmt: skip
    world.pilots.save(unit)
    return unit.id


def test_a_unit_designated_by_its_name_is_linked_to_its_organisation_and_decided_about_by_id(
    world: World,
) -> None:
    p = world.pilots
    old = legacy_unit(world, "xishuangbanna radio and  TV station")  # written otherwise, the same name
    museum = UUID(world.organisation("Xishuangbanna Prefecture Museum"))
    station = UUID(world.organisation(UNIT))
    again = world.decision("designate_pilot", UNIT)
    world.deliver("conference")
    with pytest.raises(DuplicateUnit) as twice:  # the organisation is that unit already
        designate(world, again)
    assert twice.value.details["unit_id"] == str(old)
    with pytest.raises(OrganisationDoesNotMatch):  # not the museum's unit
        p.link_unit(old, c.LinkUnit(organisation_id=museum), actor="p")
    linked = p.link_unit(old, c.LinkUnit(organisation_id=station), actor="p")
    assert (linked["organisation_id"], linked["name_zh"]) == (str(station), "西双版纳州广播电视台")
    with pytest.raises(OrganisationDoesNotMatch):  # once
        p.link_unit(old, c.LinkUnit(organisation_id=station), actor="p")
    closing = world.decision("close_pilot", UNIT)  # names the register id
    world.deliver("conference")
    closure = c.CloseUnit(summary="s", decision="promote", closed_on="2020-06-30", decision_id=closing)
    assert p.close_unit(old, closure, actor="p")["status"] == "closed"
    for envelope in read_feed(p, "pilots", pilots_events, 0, 1000)["events"]:
        validate_envelope(envelope)
