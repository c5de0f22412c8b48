"""Money never over-committed: a unit's commitments per fiscal year (matters' budgets, contracts'
shares of each year they span) are a running total kept by the unit, weighed against each line;
released when a matter is given up; a line is never lowered below them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.pilots import commands as c
from services.pilots.domain import BudgetMissing, OverBudget, OverCommitted, PilotUnit, ServiceMatter
from shared.money import split_by_year
from tests.support import parties
from tests.support.world import UNIT, World

ARRANGEMENT = "西财预〔2020〕5号"


@pytest.fixture
def world() -> World:
    return World()


def unit_with_line(world: World, purchase_budget: str = "100000.00", year: int = 2020) -> UUID:
    decision = world.decision("designate_pilot", UNIT)
    world.deliver("conference")
    unit = world.unit(decision)
    line = c.AddBudgetLine(
        fiscal_year=year, appropriation_before="900000.00", purchase_budget=purchase_budget
    )
    world.pilots.add_budget_line(unit, line, actor="p")
    world.published_catalogue("A08", "A09", "A10")
    world.deliver("catalogue")
    return unit


def approved(world: World, unit: UUID, code: str = "A08", name: str = "News translation") -> UUID:
    p = world.pilots
    catalogue = UUID(p.known_catalogues().items[0]["id"])
    matter = c.IdentifyMatter(unit_id=unit, catalogue_id=catalogue, item_code=code, name=name)
    mid = UUID(p.identify_matter(matter, actor="p")["id"])
    p.assess_matter(mid, c.AssessMatter(rationale="a market exists"), actor="p")
    p.approve_matter(mid, c.ApproveMatter(), actor="p")
    return mid


def contract(
    p: Any, amount: str, term_start: str, term_end: str, arrangement: str | None = None
) -> c.ContractMatter:
    return parties.contract(p, amount, term_start, term_end, multi_year_arrangement=arrangement)


def test_a_second_matter_past_the_line_is_refused_naming_the_line_and_stores_nothing(world: World) -> None:
    p = world.pilots
    unit = unit_with_line(world)
    first, second = approved(world, unit), approved(world, unit, "A09", "Short films")
    p.budget_matter(first, c.BudgetMatter(fiscal_year=2020, amount="100000.00"), actor="p")
    before = p.last_position()
    with pytest.raises(OverCommitted) as refused:
        p.budget_matter(second, c.BudgetMatter(fiscal_year=2020, amount="100000.00"), actor="p")
    assert refused.value.details == {
        "fiscal_year": 2020,
        "purchase_budget": "100000.00",
        "committed": "100000.00",
        "requested": "100000.00",
    }
    assert p.last_position() == before and p.matter(second)["status"] == "approved_for_conversion"
    assert p.unit(unit)["committed_by_year"] == {"2020": "100000.00"}


def test_a_line_is_never_lowered_below_its_commitments(world: World) -> None:
    p = world.pilots
    unit = unit_with_line(world)
    p.budget_matter(approved(world, unit), c.BudgetMatter(fiscal_year=2020, amount="60000.00"), actor="p")
    with pytest.raises(OverCommitted):
        p.update_budget_line(unit, 2020, c.UpdateBudgetLine(purchase_budget="59999.99"), actor="p")
    lowered = p.update_budget_line(unit, 2020, c.UpdateBudgetLine(purchase_budget="60000.00"), actor="p")
    assert lowered["budget_lines"][0]["purchase_budget"] == "60000.00"


def test_a_withdrawn_matter_frees_what_it_held(world: World) -> None:
    p = world.pilots
    unit = unit_with_line(world)
    first, second = approved(world, unit), approved(world, unit, "A09", "Short films")
    p.budget_matter(first, c.BudgetMatter(fiscal_year=2020, amount="100000.00"), actor="p")
    p.withdraw_matter(first, c.WithdrawMatter(reason="the service is no longer needed"), actor="p")
    assert p.unit(unit)["committed_by_year"] == {"2020": "0.00"}
    p.budget_matter(second, c.BudgetMatter(fiscal_year=2020, amount="100000.00"), actor="p")
    assert p.unit(unit)["committed_by_year"] == {"2020": "100000.00"}


def test_a_contract_over_two_years_needs_the_second_years_line_or_an_arrangement(world: World) -> None:
    p = world.pilots
    unit = unit_with_line(world)
    mid = approved(world, unit)
    p.budget_matter(mid, c.BudgetMatter(fiscal_year=2020, amount="100000.00"), actor="p")
    with pytest.raises(BudgetMissing) as missing:  # 24 months on one year's line
        p.contract_matter(mid, contract(p, "100000.00", "2020-07-01", "2021-06-30"), actor="p")
    assert missing.value.details == {"fiscal_year": 2021}
    p.contract_matter(mid, contract(p, "100000.00", "2020-07-01", "2021-06-30", ARRANGEMENT), actor="p")
    # the 2020 share of the term (184 of 365 days) stays against 2020; the rest frees 2020's line
    assert p.unit(unit)["committed_by_year"] == {"2020": "50410.96", "2021": "49589.04"}


def test_each_years_share_of_a_contract_is_weighed_against_that_years_line(world: World) -> None:
    p = world.pilots
    unit = unit_with_line(world)
    p.add_budget_line(
        unit,
        c.AddBudgetLine(fiscal_year=2021, appropriation_before="1", purchase_budget="40000.00"),
        actor="p",
    )
    mid = approved(world, unit)
    p.budget_matter(mid, c.BudgetMatter(fiscal_year=2020, amount="100000.00"), actor="p")
    with pytest.raises(OverCommitted) as refused:  # 49,589.04 of it falls in 2021, past 40,000
        p.contract_matter(mid, contract(p, "100000.00", "2020-07-01", "2021-06-30"), actor="p")
    assert refused.value.details["fiscal_year"] == 2021
    assert p.matter(mid)["status"] == "budgeted"
    with pytest.raises(OverBudget):  # above the matter's own budget: the rule that stays
        p.contract_matter(mid, contract(p, "100000.01", "2020-01-01", "2020-12-31"), actor="p")


def test_a_unit_designated_before_the_ledger_takes_up_its_matters_commitments_first(world: World) -> None:
    p = world.pilots
    # as a store written before the ledger holds it: a unit designated without one (its Designated
    # upcast from version 3), and a matter budgeted with nothing committed on the unit
    legacy_unit = PilotUnit(
        name="Prefecture Museum", unit_type="public_welfare_2", competent_department="Culture Bureau",
        staffing_baseline=30, funding_type="full appropriation", decision_id=str(uuid4()), actor="p",
        organisation_id=None, name_zh=None, ledger=False,
    )  # fmt: skip
    legacy_unit.add_budget_line(
        fiscal_year=2020, appropriation_before="1", purchase_budget="100000.00", actor="p"
    )
    p.save(legacy_unit)
    world.published_catalogue("A08", "A09")
    world.deliver("catalogue")
    legacy = approved(world, legacy_unit.id)
    matter: ServiceMatter = p.repository.get(legacy)
    matter._budget(fiscal_year=2020, amount="70000.00", actor="p")  # the event alone, as stored then
    p.save(matter)
    assert p.unit(legacy_unit.id)["committed_by_year"] == {"2020": "70000.00"}  # read from its matters
    second = approved(world, legacy_unit.id, "A09", "Short films")
    with pytest.raises(OverCommitted) as refused:
        p.budget_matter(second, c.BudgetMatter(fiscal_year=2020, amount="40000.00"), actor="p")
    assert refused.value.details["committed"] == "70000.00"
    p.budget_matter(second, c.BudgetMatter(fiscal_year=2020, amount="30000.00"), actor="p")
    opened = [r for r in p.history(legacy_unit.id) if r["event"] == "Ledger.LedgerOpened"]
    assert [r["data"]["recognised"] for r in opened] == [{str(legacy): {"2020": "70000.00"}}]
    assert p.unit(legacy_unit.id)["committed_by_year"] == {"2020": "100000.00"}


@given(st.integers(1, 10**9), st.dates(), st.integers(0, 3 * 366))
def test_a_contracts_shares_by_year_add_up_to_its_amount(fen: int, start: Any, days: int) -> None:
    from datetime import timedelta

    amount = str(Decimal(fen) / 100)
    end = start + timedelta(days=days)
    if end.year > 9999:
        return
    shares = split_by_year(amount, start.isoformat(), end.isoformat())
    assert list(shares) == [str(y) for y in range(start.year, end.year + 1)]
    assert sum(Decimal(v) for v in shares.values()) == Decimal(amount)
    assert all(Decimal(v) >= 0 for v in shares.values())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["budget", "withdraw", "lower"]), st.integers(1, 60)), max_size=12))
def test_money_is_never_over_committed_whatever_the_order_of_acts(acts: list[tuple[str, int]]) -> None:
    """Budgets, withdrawals and lowered lines in any order: each year's commitments never pass the
    line, and the running total is what the matters hold."""
    world = World()
    p = world.pilots
    unit = unit_with_line(world)
    matters: list[UUID] = []
    for act, thousands in acts:
        amount = f"{thousands * 1000}.00"
        try:
            if act == "budget":
                mid = approved(world, unit, "A08", f"Matter {len(matters)}")
                matters.append(mid)
                p.budget_matter(mid, c.BudgetMatter(fiscal_year=2020, amount=amount), actor="p")
            elif act == "withdraw" and matters:
                p.withdraw_matter(matters.pop(0), c.WithdrawMatter(reason="r"), actor="p")
            elif act == "lower":
                p.update_budget_line(unit, 2020, c.UpdateBudgetLine(purchase_budget=amount), actor="p")
        except OverCommitted:
            pass
        view = p.unit(unit)
        line = Decimal(view["budget_lines"][0]["purchase_budget"])
        committed = Decimal(view["committed_by_year"]["2020"])
        held = sum(
            (Decimal(m["budget"]["amount"]) for m in (p.matter(x) for x in matters) if m["budget"]),
            Decimal(0),
        )
        assert committed <= line and committed == held


@pytest.mark.parametrize(
    ("signed_on", "announced_on", "lag"),
    [
        ("2020-01-03", "2020-01-03", 0),  # the same day
        ("2020-01-03", "2020-01-06", 1),  # Friday to Monday: one working day
        ("2020-01-03", "2020-01-07", 2),
        ("2020-02-25", "2020-03-25", 21),  # a month later
    ],
)
def test_an_announcements_lag_is_counted_in_working_days(signed_on: str, announced_on: str, lag: int) -> None:
    from services.reporting.domain.indicators import working_days_between

    assert working_days_between(signed_on, announced_on) == lag


def test_a_unit_as_of_a_moment_shows_what_was_committed_then(world: World) -> None:
    from shared.acts import When

    p = world.pilots
    unit = unit_with_line(world)
    first = approved(world, unit)
    p.budget_matter(first, c.BudgetMatter(fiscal_year=2020, amount="30000.00"), actor="p")
    then = p.history(unit)[-1]["recorded_at"]
    p.budget_matter(
        approved(world, unit, "A09", "Short films"),
        c.BudgetMatter(fiscal_year=2020, amount="5000.00"),
        actor="p",
    )
    assert p.unit(unit)["committed_by_year"] == {"2020": "35000.00"}
    past = p.unit(unit, When(as_of=datetime.fromisoformat(then), on=None))
    assert past["committed_by_year"] == {"2020": "30000.00"}  # its commitments then, not now
