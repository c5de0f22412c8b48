"""No dead ends: a matter its catalogue changed under is flagged (item dropped, made unsuitable, of
another nature) and its review ends by a relink, a continuation or a withdrawal that releases its
budget; every new event validates against its contract and reporting folds it."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest

from services.pilots import commands as c
from services.pilots.domain import (
    CatalogueNotInForce,
    DecisionDoesNotApply,
    DecisionUnknown,
    InvalidTransition,
    MatterUnderReview,
    NotUnderReview,
)
from services.pilots.integration import to_integration as pilots_events
from services.pilots.reviews import why_review
from services.reporting.domain import Figures
from shared.acts import current_act
from shared.contracts import validate_envelope
from shared.domain import OutOfOrder
from shared.messaging.feed import read_feed
from tests.support.parties import contract
from tests.support.world import UNIT, World


@pytest.fixture
def world() -> World:
    return World()


def budgeted(world: World, unit: UUID, catalogue: UUID, code: str, name: str, amount: str) -> UUID:
    p = world.pilots
    mid = UUID(
        p.identify_matter(
            c.IdentifyMatter(unit_id=unit, catalogue_id=catalogue, item_code=code, name=name), actor="p"
        )["id"]
    )
    p.assess_matter(mid, c.AssessMatter(rationale="a market exists"), actor="p")
    p.approve_matter(mid, c.ApproveMatter(), actor="p")
    p.budget_matter(mid, c.BudgetMatter(fiscal_year=2020, amount=amount), actor="p")
    return mid


@pytest.fixture
def flagged(world: World) -> dict[str, Any]:
    """Two budgeted matters whose items a revision dropped; the revision is in force."""
    decision = world.decision("designate_pilot", UNIT)
    world.deliver("conference")
    unit = world.unit(decision)
    line = c.AddBudgetLine(fiscal_year=2020, appropriation_before="900000.00", purchase_budget="500000.00")
    world.pilots.add_budget_line(unit, line, actor="p")
    old = world.published_catalogue("A08", "A09", "A10")
    world.deliver("catalogue")
    relinked = budgeted(world, unit, old, "A08", "News translation", "200000.00")
    withdrawn = budgeted(world, unit, old, "A09", "Short films", "100000.00")
    new = world.published_catalogue("A10", "A11", supersedes=old)
    world.deliver("conference")
    world.deliver("catalogue")
    return {"unit": unit, "old": old, "new": new, "relinked": relinked, "withdrawn": withdrawn}


def test_a_flagged_matter_is_relinked_to_an_item_in_force_and_then_contracted(
    world: World, flagged: dict[str, Any]
) -> None:
    p, mid = world.pilots, flagged["relinked"]
    assert p.matter(mid)["needs_review"] is True
    with pytest.raises(MatterUnderReview):
        p.contract_matter(mid, contract_of(p), actor="p")
    with pytest.raises(CatalogueNotInForce):  # an item of the old version is no way out
        p.relink_matter(
            mid, c.RelinkMatter(catalogue_id=flagged["old"], item_code="A08", reason="r"), actor="p"
        )
    relink = c.RelinkMatter(catalogue_id=flagged["new"], item_code="A11", reason="same service, new item")
    after = p.relink_matter(mid, relink, actor="p")
    assert (after["catalogue_id"], after["item_code"], after["needs_review"]) == (
        str(flagged["new"]),
        "A11",
        False,
    )
    assert p.contract_matter(mid, contract_of(p), actor="p")["status"] == "contracted"
    with pytest.raises(NotUnderReview):
        p.relink_matter(mid, relink, actor="p")


def test_a_flagged_matter_is_continued_only_by_a_recorded_decision_about_it(
    world: World, flagged: dict[str, Any]
) -> None:
    p, mid = world.pilots, flagged["relinked"]
    today = current_act().on  # the day the revision flagged the matters
    made_up = c.ContinueMatter(decision_id=uuid4(), reason="the office said so")
    about_another = world.decision("continue_matter", str(flagged["withdrawn"]), issued_on=today)
    of_another_kind = world.decision("general", "keep it", issued_on=today)
    before_the_flag = world.decision("continue_matter", str(mid))  # minutes of 2019: another review
    keep = world.decision("continue_matter", str(mid).upper(), issued_on=today)  # an id, however written
    world.deliver("conference")
    before = p.last_position()
    with pytest.raises(DecisionUnknown):  # a number typed in is no decision
        p.continue_matter(mid, made_up, actor="p")
    for decision in (about_another, of_another_kind):
        with pytest.raises(DecisionDoesNotApply):
            p.continue_matter(mid, c.ContinueMatter(decision_id=decision, reason="r"), actor="p")
    with pytest.raises(OutOfOrder):
        p.continue_matter(mid, c.ContinueMatter(decision_id=before_the_flag, reason="r"), actor="p")
    assert p.last_position() == before and p.matter(mid)["needs_review"] is True
    continued = c.ContinueMatter(decision_id=keep, reason="contract already tendered")
    assert p.continue_matter(mid, continued, actor="p")["needs_review"] is False
    rows = p.history(mid)
    assert rows[-1]["event"] == "ServiceMatter.Continued"
    assert rows[-1]["data"]["decision_id"] == str(keep)
    world.published_catalogue("A11", supersedes=flagged["new"])  # A08 dropped again: a new review
    world.deliver("catalogue")
    assert p.matter(mid)["needs_review"] is True
    with pytest.raises(DecisionDoesNotApply):  # the decision that ended the last review is spent
        p.continue_matter(mid, continued, actor="p")


def test_a_withdrawn_matter_releases_its_budget_and_reporting_stops_counting_it(
    world: World, flagged: dict[str, Any]
) -> None:
    p, mid = world.pilots, flagged["withdrawn"]
    before = figures(world)["purchases"]["budgeted_amount"]
    after = p.withdraw_matter(mid, c.WithdrawMatter(reason="the service is no longer needed"), actor="p")
    assert (after["status"], after["budget"], after["needs_review"]) == ("withdrawn", None, False)
    event = p.history(mid)[-1]
    assert event["data"]["released_budget"] == {"fiscal_year": 2020, "amount": "100000.00"}
    assert (before, figures(world)["purchases"]["budgeted_amount"]) == ("300000.00", "200000.00")
    with pytest.raises(InvalidTransition):
        p.withdraw_matter(mid, c.WithdrawMatter(reason="again"), actor="p")


def test_a_contracted_matter_is_not_withdrawn_but_relinked_or_continued(
    world: World, flagged: dict[str, Any]
) -> None:
    p, mid = world.pilots, flagged["relinked"]
    p.relink_matter(mid, c.RelinkMatter(catalogue_id=flagged["new"], item_code="A11", reason="r"), actor="p")
    p.contract_matter(mid, contract_of(p), actor="p")
    with pytest.raises(InvalidTransition):
        p.withdraw_matter(mid, c.WithdrawMatter(reason="r"), actor="p")


def test_every_new_event_validates_against_its_contract(world: World, flagged: dict[str, Any]) -> None:
    p = world.pilots
    p.relink_matter(
        flagged["relinked"],
        c.RelinkMatter(catalogue_id=flagged["new"], item_code="A11", reason="r"),
        actor="p",
    )
    p.withdraw_matter(flagged["withdrawn"], c.WithdrawMatter(reason="r"), actor="p")
    events = read_feed(p, "pilots", pilots_events, 0, 1000)["events"]
    for envelope in events:
        validate_envelope(envelope)
    assert {"ServiceMatterRelinked", "ServiceMatterWithdrawn", "BudgetReleased"} <= {
        e["event_type"] for e in events
    }


def test_a_revision_making_an_item_unsuitable_or_of_another_nature_flags_its_matters(world: World) -> None:
    assert (
        why_review("A08", {"suitable_for_social_forces": True, "nature": "service"}, None)
        == "without item A08"
    )
    unsuitable = why_review(
        "A08",
        {"suitable_for_social_forces": True, "nature": "service"},
        {"suitable_for_social_forces": False, "nature": "service"},
    )
    assert unsuitable == "with item A08 no longer suitable for social forces"
    nature = why_review(
        "A08",
        {"suitable_for_social_forces": True, "nature": "service"},
        {"suitable_for_social_forces": True, "nature": "financing"},
    )
    assert nature is not None and "another nature" in nature
    same = {"suitable_for_social_forces": True, "nature": "service"}
    assert why_review("A08", same, dict(same)) is None

    decision = world.decision("designate_pilot", UNIT)
    world.deliver("conference")
    unit = world.unit(decision)
    old = world.published_catalogue("A08")
    world.deliver("conference")
    world.deliver("catalogue")
    mid = UUID(
        world.pilots.identify_matter(
            c.IdentifyMatter(unit_id=unit, catalogue_id=old, item_code="A08", name="n"), actor="p"
        )["id"]
    )
    world.published_catalogue("A08", supersedes=old, unsuitable=("A08",))  # kept, made unsuitable
    world.deliver("conference")
    world.deliver("catalogue")
    reasons = world.pilots.matter(mid)["review_reasons"]
    assert len(reasons) == 1 and "no longer suitable" in reasons[0]


def figures(world: World) -> dict[str, Any]:
    f = Figures()
    for envelope in read_feed(world.pilots, "pilots", pilots_events, 0, 10_000)["events"]:
        f.apply(envelope)
    return f.indicators(today="2020-12-31")


def contract_of(p: Any) -> c.ContractMatter:
    return contract(p, "150000.00", "2020-03-01", "2021-02-28", multi_year_arrangement="西财预〔2020〕5号")
