"""A signed contract carried out: delivery accepted (验收) before it is paid for where the contract
says so, payments never past the contract, amendments within a tenth and the budget, early
termination freeing what was not paid; "executed" is what was paid."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.pilots import commands as c
from services.pilots.domain import InvalidTransition, OverCommitted
from services.pilots.domain.errors import (
    AmendmentTooLarge,
    NotAccepted,
    OverAccepted,
    OverMoved,
    OverPaid,
    TermOutsideBudgetYear,
    TermTooLong,
)
from shared.domain import OutOfOrder
from tests.support import parties
from tests.support.world import World
from tests.unit.test_ledger import approved, unit_with_line


def signed(world: World, amount: str = "100000.00", advance: str | None = None) -> UUID:
    """A matter contracted for 2020 (signed 1 February, delivery from 1 March), paid on acceptance
    but for ``advance``, paid whenever."""
    p = world.pilots
    unit = unit_with_line(world, purchase_budget="200000.00")
    mid = approved(world, unit)
    p.budget_matter(mid, c.BudgetMatter(fiscal_year=2020, amount=amount), actor="p")
    contents = parties.contents(amount, "2020-12-31")
    if advance:
        rest = str(Decimal(amount) - Decimal(advance))
        contents["payment_schedule"] = [
            {"due_on": "2020-03-01", "amount": advance, "on_acceptance": False},
            {"due_on": "2020-12-31", "amount": rest, "on_acceptance": True},
        ]
    terms = parties.contract(p, amount, "2020-03-01", "2020-12-31", signed_on="2020-02-01", contents=contents)
    p.contract_matter(mid, terms, actor="p")
    return mid


def accept(world: World, mid: UUID, value: str, on: str = "2020-06-30", result: str = "accepted") -> Any:
    return world.pilots.accept_delivery(mid, c.AcceptDelivery(on, result, value, "YS〔2020〕7号"), actor="p")


def pay(world: World, mid: UUID, amount: str, on: str = "2020-07-10") -> Any:
    return world.pilots.make_payment(mid, c.MakePayment(on, amount, "FK-2020-118"), actor="p")


@pytest.fixture
def world() -> World:
    return World()


def test_delivery_is_accepted_only_once_begun_and_never_past_the_contract(world: World) -> None:
    mid = signed(world)
    with pytest.raises(InvalidTransition):  # nothing delivered yet
        accept(world, mid, "10000.00")
    world.pilots.start_delivery(mid, c.StartDelivery(started_on="2020-03-01"), actor="p")
    with pytest.raises(OutOfOrder):
        accept(world, mid, "10000.00", on="2020-02-28")
    accept(world, mid, "60000.00")  # a stage of the contract
    accept(world, mid, "0", result="not_accepted")  # a stage refused: worth nothing
    with pytest.raises(OverAccepted):
        accept(world, mid, "40000.01", on="2020-09-30")
    assert world.pilots.matter(mid)["accepted"] == "60000.00"


def test_a_contract_paid_on_acceptance_pays_only_what_was_accepted(world: World) -> None:
    mid = signed(world)
    world.pilots.start_delivery(mid, c.StartDelivery(started_on="2020-03-01"), actor="p")
    before = world.pilots.last_position()
    with pytest.raises(NotAccepted) as early:
        pay(world, mid, "1.00")
    assert (
        early.value.details == {"payable": "0.00", "paid": "0.00"} and world.pilots.last_position() == before
    )
    accept(world, mid, "60000.00")
    pay(world, mid, "60000.00")
    with pytest.raises(NotAccepted):
        pay(world, mid, "0.01")
    accept(world, mid, "40000.00", on="2020-12-20")
    assert pay(world, mid, "40000.00", on="2020-12-28")["paid"] == "100000.00"
    with pytest.raises(OverPaid):
        pay(world, mid, "0.01", on="2020-12-29")


def test_an_advance_the_contract_schedules_is_paid_before_acceptance(world: World) -> None:
    mid = signed(world, advance="30000.00")
    assert pay(world, mid, "30000.00", on="2020-03-02")["paid"] == "30000.00"
    with pytest.raises(NotAccepted):
        pay(world, mid, "0.01", on="2020-03-03")
    with pytest.raises(OutOfOrder):  # no payment before the signing (1 February)
        pay(world, mid, "1.00", on="2020-01-31")


def test_an_amendment_stays_within_a_tenth_and_the_budget_lines(world: World) -> None:
    p = world.pilots
    mid = signed(world)
    amend = c.AmendContract(amended_on="2020-05-01", amount="110000.01", term_end="2020-12-31", reason="more")
    with pytest.raises(AmendmentTooLarge):  # Government Procurement Law, Art. 49
        p.amend_contract(mid, amend, actor="p")
    unit = UUID(p.matter(mid)["unit_id"])
    other = approved(world, unit, "A09", "Short films")
    p.budget_matter(other, c.BudgetMatter(fiscal_year=2020, amount="95000.00"), actor="p")
    with pytest.raises(OverCommitted):  # within a tenth, but past the line (200,000)
        p.amend_contract(mid, c.AmendContract("2020-05-01", "105000.01", "2020-12-31", "more"), actor="p")
    amended = p.amend_contract(
        mid, c.AmendContract("2020-05-01", "105000.00", "2020-12-31", "more"), actor="p"
    )
    assert (amended["contract"]["amount"], amended["contract"]["signed_amount"]) == ("105000.00", "100000.00")
    assert p.unit(unit)["committed_by_year"] == {"2020": "200000.00"}


def test_an_early_termination_frees_what_was_not_paid(world: World) -> None:
    p = world.pilots
    mid = signed(world)
    p.start_delivery(mid, c.StartDelivery(started_on="2020-03-01"), actor="p")
    accept(world, mid, "25000.00")
    pay(world, mid, "25000.00")
    with pytest.raises(AmendmentTooLarge):  # not below what is paid
        p.amend_contract(mid, c.AmendContract("2020-07-11", "24999.99", "2020-12-31", "less"), actor="p")
    ended = p.terminate_contract(mid, c.TerminateContract("2020-07-15", "the undertaker failed"), actor="p")
    assert ended["status"] == "terminated"
    assert p.unit(UUID(ended["unit_id"]))["committed_by_year"] == {"2020": "25000.00"}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["accept", "pay"]), st.integers(1, 60)), max_size=10))
def test_what_is_paid_never_passes_what_was_accepted_nor_the_contract(acts: list[tuple[str, int]]) -> None:
    world = World()
    mid = signed(world)
    world.pilots.start_delivery(mid, c.StartDelivery(started_on="2020-03-01"), actor="p")
    for act, thousands in acts:
        try:
            (accept if act == "accept" else pay)(world, mid, f"{thousands * 1000}.00")
        except (NotAccepted, OverAccepted, OverPaid):
            pass
        view = world.pilots.matter(mid)
        paid, accepted = Decimal(view["paid"]), Decimal(view["accepted"])
        assert paid <= accepted <= Decimal(view["contract"]["amount"])


def test_the_posts_and_funds_that_moved_with_a_converted_service_are_recorded_and_bounded(
    world: World,
) -> None:
    p = world.pilots
    mid = signed(world)
    moved = c.MoveFunds(fiscal_year=2020, posts=12, appropriation="300000.00", document="西财行〔2020〕12号")
    assert p.move_funds(mid, moved, actor="p")["funds_moved"][0]["posts"] == 12
    unit = UUID(p.matter(mid)["unit_id"])
    other = approved(world, unit, "A09", "Short films")
    p.budget_matter(other, c.BudgetMatter(fiscal_year=2020, amount="50000.00"), actor="p")
    p.contract_matter(other, parties.contract(p, "50000.00", "2020-03-01", "2020-12-31"), actor="p")
    too_many = c.MoveFunds(fiscal_year=2020, posts=109, appropriation="1.00", document="D1")  # 12 + 109 > 120
    with pytest.raises(OverMoved):
        p.move_funds(other, too_many, actor="p")
    too_much = c.MoveFunds(fiscal_year=2020, posts=1, appropriation="600000.01", document="D2")  # of 900,000
    with pytest.raises(OverMoved):
        p.move_funds(other, too_much, actor="p")
    with pytest.raises(InvalidTransition):  # only a converted service moves anything
        p.move_funds(approved(world, unit, "A10", "Not yet"), moved, actor="p")
    with pytest.raises(OverMoved):  # nor is the appropriation lowered below what moved with them
        p.update_budget_line(unit, 2020, c.UpdateBudgetLine(appropriation_before="299999.99"), actor="p")
    from services.pilots.integration import to_integration
    from services.reporting.domain import Figures
    from shared.messaging.feed import read_feed

    figures = Figures()
    for envelope in read_feed(p, "pilots", to_integration, 0, 10_000)["events"]:
        figures.apply(envelope)
    [row] = figures.indicators(today="2020-12-31")["pilots"]["units"]
    year = row["budget_by_year"]["2020"]
    assert (year["appropriation_moved"], year["appropriation_after"], year["posts_moved"]) == (
        "300000.00",
        "600000.00",
        12,
    )
    assert year["explained_by_converted"] == 0.75  # 150,000 of a 200,000 purchase budget


def test_a_contract_ended_early_pays_only_what_it_still_owes(world: World) -> None:
    p = world.pilots
    mid = signed(world)
    p.start_delivery(mid, c.StartDelivery(started_on="2020-03-01"), actor="p")
    accept(world, mid, "60000.00")
    pay(world, mid, "10000.00")
    ended = p.terminate_contract(mid, c.TerminateContract("2020-07-15", "the undertaker failed"), actor="p")
    unit = UUID(ended["unit_id"])
    assert p.unit(unit)["committed_by_year"] == {"2020": "60000.00"}  # what was accepted is owed
    other = approved(world, unit, "A09", "Short films")
    p.budget_matter(other, c.BudgetMatter(fiscal_year=2020, amount="140000.00"), actor="p")  # the rest
    pay(world, mid, "50000.00", on="2020-07-20")  # the accepted delivery, paid in full
    with pytest.raises(OverPaid):  # nothing more: the line holds nothing more for it
        pay(world, mid, "0.01", on="2020-07-21")


def test_a_contract_is_lowered_whatever_its_later_years_hold(world: World) -> None:
    p = world.pilots
    unit = unit_with_line(world, purchase_budget="200000.00")
    mid = approved(world, unit)
    p.budget_matter(mid, c.BudgetMatter(fiscal_year=2020, amount="100000.00"), actor="p")
    terms = parties.contract(
        p,
        "100000.00",
        "2020-07-01",
        "2021-06-30",
        signed_on="2020-06-01",
        multi_year_arrangement="西财预〔2020〕5号",
    )
    p.contract_matter(mid, terms, actor="p")
    with pytest.raises(OverCommitted):  # a 2021 line below what the contract holds there
        p.add_budget_line(unit, c.AddBudgetLine(2021, "1.00", "0.00"), actor="p")
    p.add_budget_line(unit, c.AddBudgetLine(2021, "1.00", "49589.04"), actor="p")
    lowered = c.AmendContract("2020-08-01", "90000.00", "2021-06-30", "fewer programmes")
    assert p.amend_contract(mid, lowered, actor="p")["contract"]["amount"] == "90000.00"
    longer = c.AmendContract("2020-08-02", "90000.00", "2030-06-30", "forever")
    with pytest.raises(TermTooLong):  # an amendment keeps the term rules
        p.amend_contract(mid, longer, actor="p")


def test_a_contracts_term_starts_in_its_budgets_year_and_its_announcement_keeps_its_date(
    world: World,
) -> None:
    p = world.pilots
    unit = unit_with_line(world, purchase_budget="200000.00")
    mid = approved(world, unit)
    p.budget_matter(mid, c.BudgetMatter(fiscal_year=2020, amount="100000.00"), actor="p")
    with pytest.raises(TermOutsideBudgetYear):  # a 2020 budget for a 2021 service
        p.contract_matter(
            mid, parties.contract(p, "100000.00", "2021-01-01", "2021-12-31", fiscal_year=2020), actor="p"
        )
    unannounced = parties.contract(
        p,
        "100000.00",
        "2020-03-01",
        "2020-12-31",
        signed_on="2020-02-01",
        announcement_ref=None,
        announced_on=None,
    )
    p.contract_matter(mid, unannounced, actor="p")
    p.start_delivery(mid, c.StartDelivery(started_on="2020-03-01"), actor="p")
    accept(world, mid, "50000.00")
    pay(world, mid, "50000.00")  # 10 July
    announcement = c.AnnounceContract(announcement_ref="XSBN-GP-2020-044", announced_on="2020-02-03")
    assert p.announce_contract(mid, announcement, actor="p")["contract"]["announced_on"] == "2020-02-03"


def test_a_class_2_institution_bought_from_itself_is_counted_apart_in_reporting(world: World) -> None:
    from services.pilots.integration import to_integration
    from services.reporting.domain import Figures
    from shared.messaging.feed import read_feed
    from tests.support.world import UNIT

    p = world.pilots
    unit = unit_with_line(world, purchase_budget="200000.00")  # the station: a class-2 institution
    station = parties.register(p, "public_welfare_2", 9, organisation_id=world.organisation(UNIT))
    purchaser = parties.register(p, "state_organ", 9)  # its competent department
    mid = approved(world, unit)
    p.budget_matter(mid, c.BudgetMatter(fiscal_year=2020, amount="80000.00"), actor="p")
    terms = parties.contract(
        p, "80000.00", "2020-03-01", "2020-12-31", purchaser_id=purchaser, undertaker_id=station
    )
    assert p.contract_matter(mid, terms, actor="p")["contract"]["mode"] == "from_the_converting_institution"
    figures = Figures()
    for envelope in read_feed(p, "pilots", to_integration, 0, 10_000)["events"]:
        figures.apply(envelope)
    indicators = figures.indicators(today="2020-12-31")
    assert indicators["purchases"]["by_mode"] == {"from_the_converting_institution": 1}
    assert [row["mode"] for row in indicators["ministry"]] == ["from_the_converting_institution"]


def test_an_amendment_never_prices_below_what_was_accepted_and_a_move_is_recorded_once(world: World) -> None:
    p = world.pilots
    mid = signed(world)
    p.start_delivery(mid, c.StartDelivery(started_on="2020-03-01"), actor="p")
    accept(world, mid, "60000.00")
    pay(world, mid, "10000.00")
    with pytest.raises(AmendmentTooLarge):  # 60,000 of delivery accepted is owed, paid or not
        p.amend_contract(mid, c.AmendContract("2020-07-11", "59999.99", "2020-12-31", "less"), actor="p")
    moved = c.MoveFunds(fiscal_year=2020, posts=2, appropriation="10000.00", document="西财行〔2020〕13号")
    p.move_funds(mid, moved, actor="p")
    with pytest.raises(OverMoved):  # a retried request moves nothing twice
        p.move_funds(mid, moved, actor="p")
    unit = UUID(p.matter(mid)["unit_id"])
    adjust = c.AdjustStaffing(
        before=120, after=110, approving_body="Staffing Office", document="D", adjusted_on="2020-06-01"
    )
    p.adjust_staffing(unit, adjust, actor="p")
    earlier = c.AdjustStaffing(
        before=110, after=100, approving_body="Staffing Office", document="D2", adjusted_on="2020-05-01"
    )
    with pytest.raises(OutOfOrder):  # staffing changes are entered in the order they happened
        p.adjust_staffing(unit, earlier, actor="p")
