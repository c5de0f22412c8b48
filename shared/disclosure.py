"""What the platform discloses to anyone, and what needs a token: one rule, applied the same where a
fact is produced and where reporting shows it.

Public (no token):
- published catalogue versions (and superseded or revoked ones) and the negative list
  (Order 102 Art. 10: the catalogue is published); drafts are not;
- a purchase contract once it is announced (its announcement reference is recorded): purchaser,
  service matter, undertaker, amount, year — what the announcement itself made public;
- aggregate figures: counts, shares and rates, by unit, type, category, year or lead unit; sums
  of money only over what is itself public (announced contracts): a total over the rest would tell
  a single contract's amount by difference.

Needs a token (any reader's: an auditor's, an editor's, an admin's):
- everything of the joint conference: meetings, decisions, tasks and their numbers;
- individual service matters, plans, a unit's budget lines and their execution (and their totals),
  and a contract not announced;
- draft catalogues.

Catalogue and pilots enforce it on their own reads (pilots' public ``/contracts`` lists announced
contracts only); reporting applies ``public_indicators`` to what an anonymous reader gets, on the
dashboard and in every JSON or CSV answer."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

PUBLIC_CONTRACT_FIELDS = frozenset(
    ("year", "category", "project", "purchaser", "undertaker", "service_matter")
    + ("purchaser_zh", "undertaker_zh", "project_en")
    + ("contract_amount", "announcement_ref", "matter_id")
    # what the announcement names: the parties' credit codes (public registry data), the method,
    # the dates of signing and announcement
    + ("purchaser_credit_code", "undertaker_credit_code", "undertaker_type", "mode", "method")
    + ("signed_on", "announced_on", "announcement_lag_working_days", "announced_late", "signed_amount")
)


def announced(contract: dict[str, Any] | None) -> bool:
    return bool(contract and contract.get("announcement_ref"))


def public_indicators(figures: dict[str, Any]) -> dict[str, Any]:
    """The indicators an anonymous reader gets: aggregates, and announced contracts only."""
    public = copy.deepcopy(figures)
    conference = public.get("conference")
    if isinstance(conference, dict):
        conference.pop("overdue_by_lead_unit", None)  # task numbers: the count per lead unit stays
    if isinstance(public.get("ministry"), list):
        public["ministry"] = public_contract_rows(public["ministry"])
        _public_purchases(public.get("purchases"), public["ministry"])
    for unit in (public.get("pilots") or {}).get("units", []):
        for key in UNIT_BUDGET_FIGURES:  # a unit's budget lines and their execution
            unit.pop(key, None)
    public["disclosure"] = "public"
    return public


UNIT_BUDGET_FIGURES = (
    "appropriation_before",
    "purchase_budget",
    "budget_by_year",
    "committed_without_line",
    "executed_without_line",
)


def _public_purchases(purchases: Any, public_rows: list[dict[str, Any]]) -> None:
    """Counts stay; amounts only over announced contracts (a total over the rest would tell an
    unannounced contract's amount by difference), and no budget or execution totals."""
    if not isinstance(purchases, dict):
        return
    announced_total = sum((Decimal(str(r["contract_amount"])) for r in public_rows), Decimal(0))
    purchases["contract_amount"] = f"{announced_total:.2f}"
    purchases["budgeted_amount"] = purchases["executed_amount"] = None  # over unannounced ones too
    for by_type in (purchases.get("by_undertaker_type") or {}).values():
        by_type["amount"] = None


def public_contract_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ministry rows of announced contracts, with what the announcement made public; budget lines
    and their execution are a unit's own figures (they need a token)."""
    return [
        {key: (row.get(key) if key in PUBLIC_CONTRACT_FIELDS else None) for key in row}
        # the amount announced is the amount signed: an amendment's price is not announced here
        | {"contract_amount": row.get("signed_amount", row.get("contract_amount"))}
        for row in rows
        if row.get("announcement_ref")
    ]
