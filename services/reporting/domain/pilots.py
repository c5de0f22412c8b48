"""Folds of the pilots' events: pilot units (budget lines, staffing, closure), their plans'
milestones and the service matters converted (or not) into purchases."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.reporting.domain.folding import FoldTable, Payload


@dataclass
class PilotsState:
    units: dict[str, dict[str, Any]] = field(default_factory=dict)
    plans: dict[str, dict[str, Any]] = field(default_factory=dict)
    matters: dict[str, dict[str, Any]] = field(default_factory=dict)


def unit_designated(s: PilotsState, aid: str, p: Payload) -> None:
    s.units[aid] = {
        "name": p["name"],
        "name_zh": p.get("name_zh"),  # the registered Chinese name (None: designated before the register)
        "organisation_id": p.get("organisation_id"),  # its register entry (None: designated before it)
        "unit_type": p["unit_type"],
        "staffing_before": p["staffing_baseline"],
        "staffing_after": p["staffing_baseline"],
        "budget_lines": {},
        "closure": None,
        # what each matter holds per fiscal year, kept by pilots' ledger (None: a unit designated
        # before the ledger, whose commitments are its matters' budgets until the ledger opens)
        "commitments": {} if p.get("ledger") else None,
    }


def unit_linked(s: PilotsState, aid: str, p: Payload) -> None:
    s.units[aid].update(name_zh=p["name_zh"], organisation_id=p["organisation_id"])


def ledger_opened(s: PilotsState, aid: str, p: Payload) -> None:
    s.units[aid]["commitments"] = {m: dict(shares) for m, shares in p["recognised"].items()}


def budget_committed(s: PilotsState, aid: str, p: Payload) -> None:
    if s.units[aid]["commitments"] is None:
        s.units[aid]["commitments"] = {}  # a ledger opened with this very act
    s.units[aid]["commitments"][p["matter_id"]] = dict(p["shares"])


def budget_released(s: PilotsState, aid: str, p: Payload) -> None:
    (s.units[aid]["commitments"] or {}).pop(p["matter_id"], None)


def budget_line_added(s: PilotsState, aid: str, p: Payload) -> None:
    s.units[aid]["budget_lines"][str(p["line"]["fiscal_year"])] = dict(p["line"])


def budget_line_updated(s: PilotsState, aid: str, p: Payload) -> None:
    s.units[aid]["budget_lines"][str(p["fiscal_year"])].update(p["changes"])


def staffing_adjusted(s: PilotsState, aid: str, p: Payload) -> None:
    s.units[aid]["staffing_after"] = p["adjustment"]["after"]
    s.units[aid].setdefault("adjustments", []).append(dict(p["adjustment"]))


def pilot_closed(s: PilotsState, aid: str, p: Payload) -> None:
    s.units[aid]["closure"] = p["decision"]


def plan_drafted(s: PilotsState, aid: str, p: Payload) -> None:
    s.plans[aid] = {
        "unit_id": p["unit_id"],
        "status": "draft",
        "milestones": {
            f"{i}.{j}": {"due": m["due"], "status": "scheduled"}
            for i, phase in enumerate(p["phases"], start=1)
            for j, m in enumerate(phase["milestones"], start=1)
        },
    }


def plan_approved(s: PilotsState, aid: str, p: Payload) -> None:
    s.plans[aid]["status"] = "approved"


def plan_catalogue_named(s: PilotsState, aid: str, p: Payload) -> None:
    s.plans[aid]["catalogue_id"] = p["catalogue_id"]  # the unit's own guidance catalogue


def plan_in_force(s: PilotsState, aid: str, p: Payload) -> None:
    s.plans[aid]["status"] = "in_force"


def milestone_added(s: PilotsState, aid: str, p: Payload) -> None:
    s.plans[aid]["milestones"][p["key"]] = {"due": p["due"], "status": "scheduled"}


def milestone_changed(s: PilotsState, aid: str, p: Payload) -> None:
    if "due" in p["changes"]:
        s.plans[aid]["milestones"][p["key"]]["due"] = p["changes"]["due"]


def milestone_removed(s: PilotsState, aid: str, p: Payload) -> None:
    s.plans[aid]["milestones"].pop(p["key"], None)


def milestone_met(s: PilotsState, aid: str, p: Payload) -> None:
    s.plans[aid]["milestones"][p["key"]]["status"] = "met"


def milestone_missed(s: PilotsState, aid: str, p: Payload) -> None:
    s.plans[aid]["milestones"][p["key"]]["status"] = "missed"


def matter_identified(s: PilotsState, aid: str, p: Payload) -> None:
    s.matters[aid] = {
        "unit_id": p["unit_id"],
        "name": p["name"],
        "name_en": p.get("name_en"),  # its English rendering (None: not given)
        "item_code": p["item_code"],
        "item_name": p["item_name"],
        "catalogue_id": p["catalogue_id"],
        "status": "identified",
        "budget": None,
        "contract": None,
        "evaluations": [],
        "needs_review": False,
        "payments": [],  # what was paid on its contract: "executed"
        "accepted": [],
    }


def matter_assessed(s: PilotsState, aid: str, p: Payload) -> None:
    s.matters[aid]["status"] = "assessed"


def matter_approved(s: PilotsState, aid: str, p: Payload) -> None:
    s.matters[aid]["status"] = "approved_for_conversion"


def matter_rejected(s: PilotsState, aid: str, p: Payload) -> None:
    s.matters[aid]["status"] = "rejected"


def delivery_started(s: PilotsState, aid: str, p: Payload) -> None:
    s.matters[aid]["status"] = "in_delivery"


def matter_budgeted(s: PilotsState, aid: str, p: Payload) -> None:
    on = p.get("dating", {}).get("on")  # the act's date: when the purchase was planned
    s.matters[aid].update(
        status="budgeted", budget={"fiscal_year": p["fiscal_year"], "amount": p["amount"], "on": on}
    )


def matter_contracted(s: PilotsState, aid: str, p: Payload) -> None:
    s.matters[aid].update(status="contracted", contract=dict(p["contract"]))


def delivery_accepted(s: PilotsState, aid: str, p: Payload) -> None:
    s.matters[aid].setdefault("accepted", []).append(dict(p["acceptance"]))


def payment_made(s: PilotsState, aid: str, p: Payload) -> None:
    s.matters[aid].setdefault("payments", []).append(dict(p["payment"]))


def funds_moved(s: PilotsState, aid: str, p: Payload) -> None:
    s.units[aid].setdefault("moved", []).append({"matter_id": p["matter_id"], **p["moved"]})


def contract_amended(s: PilotsState, aid: str, p: Payload) -> None:
    contract = s.matters[aid]["contract"]
    contract.setdefault("signed_amount", contract["amount"])
    contract.setdefault("signed_term_end", contract["term_end"])  # the term as signed
    contract.update(amount=p["amendment"]["amount"], term_end=p["amendment"]["term_end"])
    contract.setdefault("amendments", []).append(dict(p["amendment"]))


def contract_announced(s: PilotsState, aid: str, p: Payload) -> None:
    contract = s.matters[aid]["contract"]
    contract.update(announcement_ref=p["announcement_ref"], announced_on=p["announced_on"])


def document_attached(s: PilotsState, aid: str, p: Payload) -> None:
    """A matter's document (the aggregate is the matter's dossier: the payload names the matter)."""
    matter = s.matters.get(p["record_id"]) if p["record"] == "matter" else None
    if matter is not None:
        matter.setdefault("documents", []).append(p["document"])


def matter_evaluated(s: PilotsState, aid: str, p: Payload) -> None:
    s.matters[aid]["status"] = "evaluated"
    s.matters[aid]["evaluations"].append(p["evaluation"]["score"])


def matter_flagged_for_review(s: PilotsState, aid: str, p: Payload) -> None:
    s.matters[aid]["needs_review"] = True


def matter_relinked(s: PilotsState, aid: str, p: Payload) -> None:
    s.matters[aid].update(
        catalogue_id=p["catalogue_id"], item_code=p["item_code"], item_name=p["item_name"], needs_review=False
    )


def matter_continued(s: PilotsState, aid: str, p: Payload) -> None:
    s.matters[aid]["needs_review"] = False


def contract_terminated(s: PilotsState, aid: str, p: Payload) -> None:
    s.matters[aid]["status"] = "terminated"
    s.matters[aid]["terminated"] = {"on": p.get("dating", {}).get("on"), "reason": p["reason"]}


def matter_withdrawn(s: PilotsState, aid: str, p: Payload) -> None:
    """Given up before a contract: its budget is released (no longer counted as budgeted)."""
    s.matters[aid].update(status="withdrawn", budget=None, needs_review=False)


FOLDS = {
    "PilotUnitDesignated": unit_designated,
    "BudgetLineAdded": budget_line_added,
    "BudgetLineUpdated": budget_line_updated,
    "StaffingAdjusted": staffing_adjusted,
    "PilotClosed": pilot_closed,
    "PilotUnitLinked": unit_linked,
    "BudgetLedgerOpened": ledger_opened,
    "BudgetCommitted": budget_committed,
    "BudgetReleased": budget_released,
    "PlanDrafted": plan_drafted,
    "PlanApproved": plan_approved,
    "PlanCatalogueNamed": plan_catalogue_named,
    "PlanInForce": plan_in_force,
    "MilestoneAdded": milestone_added,
    "MilestoneChanged": milestone_changed,
    "MilestoneRemoved": milestone_removed,
    "MilestoneMet": milestone_met,
    "MilestoneMissed": milestone_missed,
    "ServiceMatterIdentified": matter_identified,
    "ServiceMatterAssessed": matter_assessed,
    "ServiceMatterApproved": matter_approved,
    "ServiceMatterRejected": matter_rejected,
    "ServiceDeliveryStarted": delivery_started,
    "ServiceMatterBudgeted": matter_budgeted,
    "ServiceMatterContracted": matter_contracted,
    "ContractAnnounced": contract_announced,
    "DocumentAttached": document_attached,
    "DeliveryAccepted": delivery_accepted,
    "PaymentMade": payment_made,
    "ContractAmended": contract_amended,
    "FundsMoved": funds_moved,
    "ServiceMatterEvaluated": matter_evaluated,
    "ServiceMatterFlaggedForReview": matter_flagged_for_review,
    "ServiceMatterRelinked": matter_relinked,
    "ServiceMatterContinued": matter_continued,
    "ServiceMatterWithdrawn": matter_withdrawn,
    "ServiceMatterContractTerminated": contract_terminated,
}

IGNORED = (
    # The digest of the pilots' own audit chain: about its store's integrity, not the reform.
    "AuditDigest",
    # A plan's own status reaches no indicator (only its milestones do): submission and the end of
    # a plan move no milestone, so folding them would change no answer.
    "PlanSubmitted",
    "PlanEnded",
    # The register of parties: a contract carries its parties as they stood when it was signed.
    "PartyRegistered",
    "PartyTypeChanged",
)

TABLE = FoldTable[PilotsState]("pilots", FOLDS, IGNORED)
