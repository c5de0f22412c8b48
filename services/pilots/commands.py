"""The pilots' write use cases as typed commands, one frozen dataclass each: what the request
schema loads (ids named in the path travel beside the command, not in it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

# --- pilot units -------------------------------------------------------------------


@dataclass(frozen=True)
class DesignateUnit:
    decision_id: UUID
    organisation_id: UUID  # the unit on the conference's register
    unit_type: str
    competent_department: str
    staffing_baseline: int
    funding_type: str


@dataclass(frozen=True)
class AddBudgetLine:
    fiscal_year: int
    appropriation_before: str
    purchase_budget: str
    final_accounts: str | None = None


@dataclass(frozen=True)
class UpdateBudgetLine:
    """Figures to change; None keeps the line's figure."""

    appropriation_before: str | None = None
    purchase_budget: str | None = None
    final_accounts: str | None = None


@dataclass(frozen=True)
class LinkUnit:
    """A unit designated before the register, linked to the register's entry of its organisation."""

    organisation_id: UUID


@dataclass(frozen=True)
class AdjustStaffing:
    before: int
    after: int
    approving_body: str
    document: str
    adjusted_on: str


@dataclass(frozen=True)
class CloseUnit:
    """``decision`` is the outcome (promote, extend, adjust, terminate); ``decision_id`` the
    conference's close_pilot decision; ``terminating``, the reason that ends the unit's plan in
    force and running contracts with it (without it, a closure over them is refused)."""

    summary: str
    decision: str
    closed_on: str
    decision_id: UUID
    terminating: str | None = None


# --- implementation plans ------------------------------------------------------------


@dataclass(frozen=True)
class DraftPlan:
    targets: list[str]
    phases: list[dict[str, Any]]  # {"name": str, "milestones": [{"title": str, "due": "YYYY-MM-DD"}]}
    funding_plan: str
    staffing_plan: str
    evaluation_plan: str
    document_number: str | None = None


@dataclass(frozen=True)
class NamePlanCatalogue:
    catalogue_id: UUID  # the unit's departmental catalogue (or its competent department's for it)


@dataclass(frozen=True)
class AddMilestone:
    phase: str
    title: str
    due: str


@dataclass(frozen=True)
class ChangeMilestone:
    """What to change; None keeps the milestone's title or due date."""

    title: str | None = None
    due: str | None = None

    def changes(self) -> dict[str, str]:
        return {k: v for k, v in (("title", self.title), ("due", self.due)) if v is not None}


@dataclass(frozen=True)
class SubmitPlan:
    pass


@dataclass(frozen=True)
class ApprovePlan:
    decision_id: UUID


@dataclass(frozen=True)
class PutPlanInForce:
    in_force_on: str


@dataclass(frozen=True)
class EndPlan:
    """Complete or terminate the plan, with the reason."""

    reason: str


@dataclass(frozen=True)
class MeetMilestone:
    met_on: str


# --- service matters -------------------------------------------------------------------


@dataclass(frozen=True)
class IdentifyMatter:
    unit_id: UUID
    catalogue_id: UUID
    item_code: str
    name: str
    description: str = ""
    name_en: str | None = None  # the English rendering of its (Chinese) name


@dataclass(frozen=True)
class AssessMatter:
    rationale: str


@dataclass(frozen=True)
class ApproveMatter:
    pass


@dataclass(frozen=True)
class RejectMatter:
    reason: str


@dataclass(frozen=True)
class BudgetMatter:
    fiscal_year: int
    amount: str


@dataclass(frozen=True)
class ContractMatter:
    purchaser_id: UUID  # parties of the register
    undertaker_id: UUID
    amount: str
    fiscal_year: int
    term_start: str
    term_end: str
    signed_on: str
    method: str
    contents: dict[str, Any]
    justification: str | None = None
    announcement_ref: str | None = None
    announced_on: str | None = None
    # the reference of a recorded multi-year budget arrangement, for a term past the years with a line
    multi_year_arrangement: str | None = None


@dataclass(frozen=True)
class RegisterParty:
    credit_code: str
    party_type: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class ChangePartyType:
    party_type: str
    reason: str


@dataclass(frozen=True)
class AnnounceContract:
    announcement_ref: str
    announced_on: str


@dataclass(frozen=True)
class StartDelivery:
    started_on: str


@dataclass(frozen=True)
class EvaluateMatter:
    kind: str
    evaluator: str
    score: int
    findings: str
    use_of_result: str
    evaluated_on: str


# --- a matter flagged for review: relinked, continued or withdrawn ---------------------------


@dataclass(frozen=True)
class RelinkMatter:
    catalogue_id: UUID
    item_code: str
    reason: str


@dataclass(frozen=True)
class ContinueMatter:
    decision_id: UUID  # the conference's continue_matter decision about this matter
    reason: str


@dataclass(frozen=True)
class WithdrawMatter:
    reason: str


@dataclass(frozen=True)
class AcceptDelivery:
    accepted_on: str
    result: str
    value: str  # the value of the delivery accepted (0 when not accepted)
    record_ref: str


@dataclass(frozen=True)
class MakePayment:
    paid_on: str
    amount: str
    voucher_ref: str


@dataclass(frozen=True)
class MoveFunds:
    fiscal_year: int
    posts: int
    appropriation: str
    document: str  # the approval of the move (the finance bureau's, the staffing office's)


@dataclass(frozen=True)
class AmendContract:
    amended_on: str
    amount: str
    term_end: str
    reason: str


@dataclass(frozen=True)
class TerminateContract:
    terminated_on: str
    reason: str
