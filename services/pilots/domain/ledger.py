"""A unit's commitments against its purchase budget lines (Order 102: budget first; no
commitment beyond the budget arranged): each year's lines weighed against what the unit's matters
hold in it (``shared.money``: the running totals and a contract's shares by year)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from services.pilots.domain.errors import BudgetMissing, OverCommitted
from shared.money import Shares, committed, yuan


def require_room(
    unit: str,
    lines: dict[str, dict[str, Any]],
    commitments: dict[str, Shares],
    matter_id: str,
    shares: Shares,
    arrangement: str | None,
) -> None:
    """That ``shares`` of ``matter_id`` fit every year's line beside what the others hold: 409
    ``OverCommitted`` naming the line, the sum committed and the request; 409 ``BudgetMissing`` for
    a year with no line, unless a recorded multi-year budget arrangement (``arrangement``, its
    reference) covers the years past the first."""
    for position, (year, amount) in enumerate(sorted(shares.items())):
        line = lines.get(year)
        if line is None:
            if arrangement and position > 0:
                continue  # a later year of a contract under a multi-year budget arrangement
            raise BudgetMissing(
                f"{unit} has no budget line for {year}"
                + (
                    ": a contract over several years needs the line of each year it spans, or a "
                    "multi-year budget arrangement"
                    if position
                    else ": budget first (Order 102)"
                ),
                fiscal_year=int(year),
            )
        others = committed(commitments, year, leaving_out=matter_id)
        if others + Decimal(amount) > Decimal(line["purchase_budget"]):
            raise OverCommitted(
                f"{amount} more in {year} would commit {yuan(others + Decimal(amount))} against {unit}'s "
                f"{year} purchase budget of {line['purchase_budget']} ({yuan(others)} already committed)",
                fiscal_year=int(year),
                purchase_budget=line["purchase_budget"],
                committed=yuan(others),
                requested=amount,
            )


def require_not_below(unit: str, year: str, purchase_budget: str, commitments: dict[str, Shares]) -> None:
    """A line is not lowered below what is committed against it."""
    held = committed(commitments, year)
    if Decimal(purchase_budget) < held:
        raise OverCommitted(
            f"{unit}'s {year} purchase budget cannot be lowered to {purchase_budget}: {yuan(held)} is "
            "committed against it",
            fiscal_year=int(year),
            purchase_budget=purchase_budget,
            committed=yuan(held),
            requested=purchase_budget,
        )
