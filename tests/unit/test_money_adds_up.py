"""Reporting that adds up, on generated data: whatever budgets, contracts, acceptances, payments,
amendments and withdrawals a unit goes through, every Ministry row reads paid ≤ contract ≤ budget
(the budget allowing an amendment's tenth) and no unit-year commits more than its line."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from services.pilots import commands as c
from services.pilots.integration import to_integration
from services.reporting.domain import Figures
from shared.domain import DomainRuleViolation
from shared.messaging.feed import read_feed
from tests.support import parties
from tests.support.world import World
from tests.unit.test_ledger import approved, unit_with_line

ACTS = st.sampled_from(["budget", "contract", "deliver", "accept", "pay", "amend", "withdraw", "end"])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(ACTS, st.integers(0, 3), st.integers(1, 90)), min_size=1, max_size=14))
def test_every_row_and_every_unit_year_adds_up(acts: list[tuple[str, int, int]]) -> None:
    world = World()
    p = world.pilots
    unit = unit_with_line(world, purchase_budget="150000.00")
    matters = [approved(world, unit, code, f"Matter {code}") for code in ("A08", "A09", "A10", "A08")]
    for act, which, thousands in acts:
        mid, amount = matters[which], f"{thousands * 1000}.00"
        try:
            if act == "budget":
                p.budget_matter(mid, c.BudgetMatter(fiscal_year=2020, amount=amount), actor="p")
            elif act == "contract":
                terms = parties.contract(p, amount, "2020-03-01", "2020-12-31", signed_on="2020-02-01")
                p.contract_matter(mid, terms, actor="p")
            elif act == "deliver":
                p.start_delivery(mid, c.StartDelivery(started_on="2020-03-01"), actor="p")
            elif act == "accept":
                p.accept_delivery(mid, c.AcceptDelivery("2020-06-30", "accepted", amount, "YS-1"), actor="p")
            elif act == "pay":
                p.make_payment(mid, c.MakePayment("2020-07-01", amount, "FK-1"), actor="p")
            elif act == "amend":
                p.amend_contract(mid, c.AmendContract("2020-05-01", amount, "2020-12-31", "r"), actor="p")
            elif act == "withdraw":
                p.withdraw_matter(mid, c.WithdrawMatter(reason="r"), actor="p")
            else:
                p.terminate_contract(mid, c.TerminateContract("2020-08-01", "r"), actor="p")
        except DomainRuleViolation:
            pass  # refused: nothing stored
    figures = Figures()
    for envelope in read_feed(p, "pilots", to_integration, 0, 10_000)["events"]:
        figures.apply(envelope)
    indicators = figures.indicators(today="2020-12-31")
    for row in indicators["ministry"]:
        paid, contract, budget = (Decimal(row[k]) for k in ("paid", "contract_amount", "budget"))
        assert paid <= contract <= budget * Decimal("1.1"), row
    for unit_row in indicators["pilots"]["units"]:
        for year in unit_row["budget_by_year"].values():
            assert Decimal(year["committed"]) <= Decimal(year["purchase_budget"]), year
            assert Decimal(year["executed"]) <= Decimal(year["committed"]), year  # paid is committed
