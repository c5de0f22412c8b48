"""The rules a purchase contract keeps before it is signed (MOF Order No. 102 (2020)), and the
decision that keeps a flagged matter (and its contract) as it is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from services.pilots.domain.errors import OverBudget, TermTooLong, UndertakerIneligible
from services.pilots.domain.views import DecisionView
from shared.decisions import DecisionDoesNotApply
from shared.domain import require_in_order
from shared.vocabulary.pilots import INELIGIBLE_UNDERTAKERS


def require_eligible(undertaker_type: str) -> None:
    """Order No. 102 (2020), Art. 8: some bodies may not undertake purchased services."""
    if undertaker_type in INELIGIBLE_UNDERTAKERS:
        raise UndertakerIneligible(
            f"a {undertaker_type.replace('_', ' ')} may not undertake government-purchased services "
            "(MOF Order No. 102, Art. 8)",
            undertaker_type=undertaker_type,
        )


def term_months(term_start: str, term_end: str, justification: str | None) -> int:
    """The term in (started) months: ≤ 12, or ≤ 36 with the recorded justification."""
    start, end = date.fromisoformat(term_start), date.fromisoformat(term_end)
    if end <= start:
        raise TermTooLong("the term must end after it starts", term_start=term_start, term_end=term_end)
    months = (end.year - start.year) * 12 + (end.month - start.month) + (1 if end.day >= start.day else 0)
    if months > 36:
        raise TermTooLong("a contract term may not exceed 3 years", months=months)
    if months > 12 and not (justification or "").strip():
        raise TermTooLong(
            "a term over 1 year needs the recorded justification (stable, continuous, budget-secured)",
            months=months,
        )
    return months


def require_within_budget(budget: dict[str, Any] | None, amount: str, fiscal_year: int) -> None:
    """A contract fits its own matter's budget: that year, no more than that amount."""
    assert budget is not None
    if fiscal_year != budget["fiscal_year"] or Decimal(amount) > Decimal(budget["amount"]):
        raise OverBudget(
            f"the contract ({amount}, {fiscal_year}) must fit the matter's budget "
            f"({budget['amount']}, {budget['fiscal_year']})",
            amount=amount,
            budget=budget,
        )


def require_fresh(decision: DecisionView, flagged_on: str | None, spent: list[str], matter: str) -> None:
    """A continue_matter decision answers this review: taken once the matter was flagged, and not
    one that already ended an earlier review of it."""
    require_in_order("the flag for review", flagged_on, f"decision {decision.id}", decision.adopted_on)
    if str(decision.id) in spent:
        raise DecisionDoesNotApply(
            f"decision {decision.id} already continued {matter} once: a new review needs its own",
            decision_id=str(decision.id),
        )
