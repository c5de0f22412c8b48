"""A pilot is closed only by the conference's close_pilot decision, and never over a plan in force
or a running contract unless the closure ends them with its reason, in the same write."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.pilots import commands as c
from services.pilots.domain import DecisionUnknown, OpenCommitments
from services.pilots.integration import to_integration as pilots_events
from shared.contracts import validate_envelope
from shared.messaging.feed import read_feed
from tests.support import parties
from tests.support.world import UNIT, World


@pytest.fixture
def world() -> dict[str, Any]:
    """A unit with its plan in force and a contract running to February 2021."""
    w = World()
    designation, approval, closing = (
        w.decision(k, UNIT) for k in ("designate_pilot", "approve_plan", "close_pilot")
    )
    w.deliver("conference")
    unit = w.unit(designation)
    w.pilots.clock = lambda: datetime(2021, 6, 1, tzinfo=UTC)
    p = w.pilots
    p.add_budget_line(
        unit,
        c.AddBudgetLine(fiscal_year=2020, appropriation_before="900000.00", purchase_budget="300000.00"),
        actor="p",
    )
    phases = [{"name": "P1", "milestones": [{"title": "m1", "due": "2020-06-30"}]}]
    plan = c.DraftPlan(targets=["t"], phases=phases, funding_plan="f", staffing_plan="s", evaluation_plan="e")
    p.draft_plan(unit, plan, actor="p")
    p.submit_plan(unit, c.SubmitPlan(), actor="p")
    p.approve_plan(unit, c.ApprovePlan(decision_id=approval), actor="p")
    p.put_plan_in_force(unit, c.PutPlanInForce(in_force_on="2020-01-01"), actor="p")
    cid = w.published_catalogue("A08")
    w.deliver("catalogue")
    matter = UUID(
        p.identify_matter(
            c.IdentifyMatter(unit_id=unit, catalogue_id=cid, item_code="A08", name="n"), actor="p"
        )["id"]
    )
    p.assess_matter(matter, c.AssessMatter(rationale="r"), actor="p")
    p.approve_matter(matter, c.ApproveMatter(), actor="p")
    p.budget_matter(matter, c.BudgetMatter(fiscal_year=2020, amount="200000.00"), actor="p")
    contract = parties.contract(
        p, "200000.00", "2020-03-01", "2021-02-28", multi_year_arrangement="西财预〔2020〕5号"
    )
    p.contract_matter(matter, contract, actor="p")
    return {"world": w, "unit": unit, "matter": matter, "closing": closing}


def closure(closing: UUID, terminating: str | None = None) -> c.CloseUnit:
    return c.CloseUnit(
        summary="the station's services are purchased now",
        decision="promote",
        closed_on="2020-12-31",
        decision_id=closing,
        terminating=terminating,
    )


def test_a_closure_over_a_plan_in_force_and_a_running_contract_is_refused_and_stores_nothing(
    world: dict[str, Any],
) -> None:
    p = world["world"].pilots
    before = p.last_position()
    with pytest.raises(OpenCommitments) as refused:
        p.close_unit(world["unit"], closure(world["closing"]), actor="p")
    assert refused.value.details == {"plan": "in_force", "matters": [str(world["matter"])]}
    assert p.last_position() == before and p.unit(world["unit"])["status"] == "designated"


def test_a_closure_that_terminates_them_ends_the_plan_and_the_contract_in_the_same_write(
    world: dict[str, Any],
) -> None:
    p = world["world"].pilots
    before = p.last_position()
    closed = p.close_unit(world["unit"], closure(world["closing"], "the pilot is promoted"), actor="p")
    assert closed["status"] == "closed" and closed["closure"]["decision_id"] == str(world["closing"])
    assert p.plan(world["unit"])["status"] == "terminated"
    assert p.matter(world["matter"])["status"] == "terminated"
    # the closure, the plan's end, the contract's end and what it still owes (nothing accepted or
    # paid: its commitment freed), in one write
    assert p.last_position() == before + 4
    assert p.unit(world["unit"])["committed_by_year"] == {"2020": "0.00", "2021": "0.00"}
    for envelope in read_feed(p, "pilots", pilots_events, 0, 1000)["events"]:
        validate_envelope(envelope)


def test_a_closure_needs_a_decision_the_conference_took(world: dict[str, Any]) -> None:
    p = world["world"].pilots
    with pytest.raises(DecisionUnknown):
        p.close_unit(world["unit"], closure(uuid4(), "terminating"), actor="p")
    assert p.unit(world["unit"])["status"] == "designated"
