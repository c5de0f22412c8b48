"""The rules a purchase contract keeps when it is signed (MOF Order No. 102 (2020); the Government
Procurement Law), the contract as it is kept, and the decision that keeps a flagged matter (and
its contract) as it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from services.pilots.domain.errors import (
    OverBudget,
    PaymentScheduleMismatch,
    TermOutsideBudgetYear,
    TermTooLong,
    UndertakerIneligible,
)
from services.pilots.domain.party import Party
from services.pilots.domain.unit import PilotUnit
from services.pilots.domain.views import DecisionView
from shared.decisions import DecisionDoesNotApply
from shared.domain import require_in_order
from shared.vocabulary.parties import ELIGIBLE_UNDERTAKERS, PURCHASER_TYPES


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


@dataclass(frozen=True, kw_only=True)
class Terms:
    """What a contract says: its price and term, when and how it was concluded, its contents."""

    amount: str
    fiscal_year: int
    term_start: str
    term_end: str
    signed_on: str
    method: str
    contents: dict[str, Any] = field(default_factory=dict)
    justification: str | None = None
    announcement_ref: str | None = None
    announced_on: str | None = None
    multi_year_arrangement: str | None = None


def contract_of(
    terms: Terms, budget: dict[str, Any] | None, unit: PilotUnit, purchaser: Party, undertaker: Party
) -> dict[str, Any]:
    """The contract as the matter keeps it, once every rule of its signing holds: the matter's own
    budget, a purchaser and an undertaker eligible on the day it was signed (Order 102, Art. 5, 8,
    33), a term of ≤ 1 year or ≤ 3 justified, an announcement not before the signing, a payment
    schedule adding up to the price."""
    unit.budget_line(terms.fiscal_year)
    require_within_budget(budget, terms.amount, terms.fiscal_year)
    if int(terms.term_start[:4]) != terms.fiscal_year:
        raise TermOutsideBudgetYear(
            f"the term starts on {terms.term_start}, outside the budget's year {terms.fiscal_year}",
            term_start=terms.term_start,
            fiscal_year=terms.fiscal_year,
        )
    purchaser.require_purchaser(terms.signed_on, PURCHASER_TYPES)
    undertaker.require_undertaker(terms.signed_on, ELIGIBLE_UNDERTAKERS)
    months = term_months(terms.term_start, terms.term_end, terms.justification)
    require_in_order("the signing", terms.signed_on, "the end of the term", terms.term_end)
    if terms.announced_on is not None:
        require_in_order("the signing", terms.signed_on, "the announcement", terms.announced_on)
    require_schedule(terms.contents.get("payment_schedule", []), terms.amount)
    itself = undertaker.organisation_id is not None and undertaker.organisation_id == unit.organisation_id
    if itself and unit.unit_type != "public_welfare_2":  # the 2016 opinion: class-2 institutions only
        raise UndertakerIneligible(
            f"{unit.name}, a {unit.unit_type.replace('_', ' ')} unit, is not bought from itself: only a "
            "class-2 institution's services are bought from it by its competent department",
            undertaker_type=unit.unit_type,
        )
    return {
        "undertaker": undertaker.name_en,
        "undertaker_type": undertaker.type_on(terms.signed_on),
        "undertaker_party": undertaker.as_contracted(terms.signed_on),
        "purchaser": purchaser.as_contracted(terms.signed_on),
        # the 2016 opinion: the competent department buys from the converting institution itself
        "mode": "from_the_converting_institution" if itself else "market",
        "amount": terms.amount,
        "fiscal_year": terms.fiscal_year,
        "term_start": terms.term_start,
        "term_end": terms.term_end,
        "term_months": months,
        "justification": terms.justification,
        "signed_on": terms.signed_on,
        "method": terms.method,
        "contents": dict(terms.contents),
        "announcement_ref": terms.announcement_ref,
        "announced_on": terms.announced_on,
        "multi_year_arrangement": terms.multi_year_arrangement,
    }


def require_schedule(schedule: list[dict[str, Any]], amount: str) -> None:
    """The payments a contract schedules add up to its price."""
    total = sum((Decimal(p["amount"]) for p in schedule), Decimal(0))
    if schedule and total != Decimal(amount):
        raise PaymentScheduleMismatch(
            f"the payment schedule adds up to {total:.2f}, not the contract's {amount}",
            scheduled=f"{total:.2f}",
            amount=amount,
        )
