"""Money as the reform counts it: yuan with 2 places (fen), as decimal text, never a float; and a
contract's amount over the fiscal (calendar) years its term spans. Standard library only, so
domains and reporting share one arithmetic."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
Shares = dict[str, str]  # fiscal year -> amount held in it ("2020" -> "50000.00")


def yuan(amount: Decimal | str) -> str:
    return str(Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP))


def split_by_year(amount: str, term_start: str, term_end: str) -> Shares:
    """``amount`` over the calendar (fiscal) years of the term, in proportion to its days in each;
    rounded to the fen, the last year taking what rounding left, so the shares add up exactly."""
    start, end = date.fromisoformat(term_start), date.fromisoformat(term_end)
    days = (end - start).days + 1
    total = Decimal(amount)
    shares: Shares = {}
    given = Decimal(0)
    for year in range(start.year, end.year + 1):
        first, last = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
        if year == end.year:
            share = total - given
        else:
            share = (total * ((last - first).days + 1) / days).quantize(CENT, rounding=ROUND_HALF_UP)
        shares[str(year)] = yuan(share)
        given += share
    return shares


def holding(budget: Mapping[str, Any] | None, contract: Mapping[str, Any] | None) -> Shares | None:
    """What a matter holds, as counted before units kept a ledger: its contract's shares by year,
    else its budget in its year (None: nothing, not budgeted or withdrawn)."""
    if budget is None:
        return None
    if contract:
        return split_by_year(contract["amount"], contract["term_start"], contract["term_end"])
    return {str(budget["fiscal_year"]): budget["amount"]}


def committed(commitments: Mapping[str, Shares], year: str, leaving_out: str | None = None) -> Decimal:
    """What the matters hold in ``year`` (``leaving_out`` one matter, whose new shares are weighed)."""
    return sum(
        (Decimal(shares.get(year, "0")) for matter, shares in commitments.items() if matter != leaving_out),
        Decimal(0),
    )


def committed_by_year(commitments: Mapping[str, Shares], years: Iterable[str]) -> dict[str, str]:
    """The running total per fiscal year (each of ``years``, and every year anything is held in)."""
    every = sorted({y for shares in commitments.values() for y in shares} | set(years))
    return {y: yuan(committed(commitments, y)) for y in every}
