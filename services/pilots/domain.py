"""Pilot aggregates: units, implementation plans with milestones, service matters with their
budget, contract and evaluation; and the views pilots keeps of other services' facts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from shared.domain import DateInFuture as DateInFuture  # re-exported: a rule this domain raises
from shared.domain import DomainRuleViolation, NotFound, require_not_future, require_transition
from shared.domain import InvalidTransition as InvalidTransition  # re-exported: a rule this domain raises

UNIT_TYPES = ("administrative", "public_welfare_1", "public_welfare_2", "business")
UNDERTAKER_TYPES = (
    "enterprise",
    "social_organisation",
    "public_welfare_2",
    "production_business_institution",
    "rural_collective",
    "grassroots_self_governing",
    "individual",
    "public_welfare_1",
    "appropriation_funded_mass_organisation",
)
INELIGIBLE_UNDERTAKERS = ("public_welfare_1", "appropriation_funded_mass_organisation")
EVALUATION_KINDS = ("self", "panel", "third_party")
CLOSURE_DECISIONS = ("promote", "extend", "adjust", "terminate")


class DecisionUnknown(DomainRuleViolation):
    """No adopted decision with that id has reached pilots (yet)."""


class DecisionDoesNotApply(DomainRuleViolation):
    pass


class NotOnCatalogue(DomainRuleViolation):
    pass


class CatalogueNotInForce(DomainRuleViolation):
    pass


class ItemNotSuitable(DomainRuleViolation):
    pass


class BudgetMissing(DomainRuleViolation):
    pass


class DuplicateBudgetLine(DomainRuleViolation):
    pass


class UndertakerIneligible(DomainRuleViolation):
    pass


class OverBudget(DomainRuleViolation):
    """An amount beyond what the budget behind it allows."""


class MatterUnderReview(DomainRuleViolation):
    """The matter's catalogue item was withdrawn: it is reviewed before money is committed."""


class TermTooLong(DomainRuleViolation):
    pass


class DuplicateUnit(DomainRuleViolation):
    pass


class PlanExists(DomainRuleViolation):
    pass


class MilestoneUnknown(DomainRuleViolation):
    pass


class UnitClosed(DomainRuleViolation):
    pass


class UnitNotFound(NotFound):
    pass


def unit_id(name: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"reform:pilot-unit:{name.strip()}")


def plan_id(unit: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"reform:plan:{unit}")


# --- views of other services' facts (kept from their events) ---------------------------


class DecisionView(Aggregate):
    """A conference decision as pilots knows it (from DecisionAdopted)."""

    class Known(Aggregate.Created):
        decision_id: str
        kind: str
        subject: str | None
        title: str
        adopted_on: str

    @staticmethod
    def create_id(decision_id: str, **_: Any) -> UUID:
        return UUID(decision_id)

    @event(Known)
    def __init__(
        self, *, decision_id: str, kind: str, subject: str | None, title: str, adopted_on: str
    ) -> None:
        self.kind = kind
        self.subject = subject
        self.title = title
        self.adopted_on = adopted_on

    def require(self, kind: str, subjects: set[str]) -> None:
        if self.kind != kind:
            raise DecisionDoesNotApply(
                f"decision {self.id} is a {self.kind} decision, not {kind}", kind=self.kind
            )
        if (self.subject or "").strip() not in subjects:
            raise DecisionDoesNotApply(
                f"decision {self.id} is about {self.subject!r}, not {' / '.join(sorted(subjects))}",
                subject=self.subject,
            )


class CatalogueView(Aggregate):
    """A published catalogue version and its items (from catalogue events)."""

    class Published(Aggregate.Created):
        catalogue_id: str
        title: str
        fiscal_year: int
        items: list[dict[str, Any]]
        supersedes: str | None

    class Superseded(Aggregate.Event):
        superseded_by: str

    class Revoked(Aggregate.Event):
        reason: str

    @staticmethod
    def create_id(catalogue_id: str, **_: Any) -> UUID:
        return UUID(catalogue_id)

    @event(Published)
    def __init__(
        self,
        *,
        catalogue_id: str,
        title: str,
        fiscal_year: int,
        items: list[dict[str, Any]],
        supersedes: str | None,
    ) -> None:
        self.title = title
        self.fiscal_year = fiscal_year
        self.items = {i["code"]: dict(i) for i in items}
        self.supersedes = supersedes
        self.status = "published"
        self.superseded_by: str | None = None

    @event(Superseded)
    def supersede(self, superseded_by: str) -> None:
        self.superseded_by = superseded_by
        self.status = "superseded"

    @event(Revoked)
    def revoke(self, reason: str) -> None:
        self.status = "revoked"

    def require_item(self, code: str) -> dict[str, Any]:
        """The item a service matter may be converted under: in force, present, suitable."""
        if self.status != "published":
            raise CatalogueNotInForce(f"catalogue {self.id} is {self.status}", status=self.status)
        item = self.items.get(code)
        if item is None:
            raise NotOnCatalogue(f"catalogue {self.id} has no item {code!r}", code=code)
        if not item["suitable_for_social_forces"]:
            raise ItemNotSuitable(f"item {code} is not suitable for social forces", code=code)
        return item


# --- pilot units ---------------------------------------------------------------------


class PilotUnit(Aggregate):
    """A pilot unit designated by a conference decision; its budget lines, staffing
    adjustments and closure."""

    class Designated(Aggregate.Created):
        name: str
        unit_type: str
        competent_department: str
        staffing_baseline: int
        funding_type: str
        decision_id: str
        actor: str

    class BudgetLineAdded(Aggregate.Event):
        line: dict[str, Any]
        actor: str

    class BudgetLineUpdated(Aggregate.Event):
        fiscal_year: int
        changes: dict[str, Any]
        actor: str

    class StaffingAdjusted(Aggregate.Event):
        adjustment: dict[str, Any]
        actor: str

    class Closed(Aggregate.Event):
        summary: str
        decision: str
        closed_on: str
        actor: str

    @staticmethod
    def create_id(name: str, **_: Any) -> UUID:
        return unit_id(name)

    @event(Designated)
    def __init__(
        self,
        *,
        name: str,
        unit_type: str,
        competent_department: str,
        staffing_baseline: int,
        funding_type: str,
        decision_id: str,
        actor: str,
    ) -> None:
        self.name = name
        self.unit_type = unit_type
        self.competent_department = competent_department
        self.staffing_baseline = staffing_baseline
        self.staffing = staffing_baseline
        self.funding_type = funding_type
        self.decision_id = decision_id
        self.budget_lines: dict[str, dict[str, Any]] = {}
        self.staffing_adjustments: list[dict[str, Any]] = []
        self.closure: dict[str, str] | None = None

    @classmethod
    def designate(cls, *, decision: DecisionView, name: str, actor: str, **fields: Any) -> PilotUnit:
        decision.require("designate_pilot", {name.strip()})
        return cls(name=name.strip(), decision_id=str(decision.id), actor=actor, **fields)

    @property
    def status(self) -> str:
        return "closed" if self.closure else "designated"

    def _require_open(self) -> None:
        if self.closure:
            raise UnitClosed(f"{self.name} closed its pilot ({self.closure['decision']})")

    def add_budget_line(
        self,
        *,
        fiscal_year: int,
        appropriation_before: str,
        purchase_budget: str,
        actor: str,
        executed: str = "0",
        final_accounts: str | None = None,
    ) -> None:
        self._require_open()
        if str(fiscal_year) in self.budget_lines:
            raise DuplicateBudgetLine(
                f"{self.name} already has a budget line for {fiscal_year}", fiscal_year=fiscal_year
            )
        self._add_budget_line(
            line={
                "fiscal_year": fiscal_year,
                "appropriation_before": appropriation_before,
                "purchase_budget": purchase_budget,
                "executed": executed,
                "final_accounts": final_accounts,
            },
            actor=actor,
        )

    @event(BudgetLineAdded)
    def _add_budget_line(self, line: dict[str, Any], actor: str) -> None:
        self.budget_lines[str(line["fiscal_year"])] = dict(line)

    def budget_line(self, fiscal_year: int) -> dict[str, Any]:
        line = self.budget_lines.get(str(fiscal_year))
        if line is None:
            raise BudgetMissing(
                f"{self.name} has no budget line for {fiscal_year}: budget first (Order 102)",
                fiscal_year=fiscal_year,
            )
        return line

    def update_budget_line(self, *, fiscal_year: int, actor: str, **changes: Any) -> None:
        # Allowed after closure too: executed amounts and final accounts (决算) of a year
        # arrive after the year ends, often after the pilot itself closed.
        line = self.budget_line(fiscal_year)
        changes = {k: v for k, v in changes.items() if v is not None and line.get(k) != v}
        if changes:
            self._update_budget_line(fiscal_year=fiscal_year, changes=changes, actor=actor)

    @event(BudgetLineUpdated)
    def _update_budget_line(self, fiscal_year: int, changes: dict[str, Any], actor: str) -> None:
        self.budget_lines[str(fiscal_year)].update(changes)

    def adjust_staffing(
        self,
        *,
        before: int,
        after: int,
        approving_body: str,
        document: str,
        adjusted_on: str,
        today: date,
        actor: str,
    ) -> None:
        self._require_open()
        require_not_future(adjusted_on, today, "adjusted_on")
        self._adjust(
            adjustment={
                "before": before,
                "after": after,
                "approving_body": approving_body,
                "document": document,
                "adjusted_on": adjusted_on,
            },
            actor=actor,
        )

    @event(StaffingAdjusted)
    def _adjust(self, adjustment: dict[str, Any], actor: str) -> None:
        self.staffing_adjustments.append(dict(adjustment))
        self.staffing = adjustment["after"]

    def close(self, *, summary: str, decision: str, closed_on: str, today: date, actor: str) -> None:
        self._require_open()
        require_not_future(closed_on, today, "closed_on")
        self._close(summary=summary, decision=decision, closed_on=closed_on, actor=actor)

    @event(Closed)
    def _close(self, summary: str, decision: str, closed_on: str, actor: str) -> None:
        self.closure = {"summary": summary, "decision": decision, "closed_on": closed_on}


class ImplementationPlan(Aggregate):
    """One per unit: ``draft → submitted → approved → in_force → completed | terminated``;
    its milestones ``scheduled → met | missed``."""

    class Drafted(Aggregate.Created):
        unit_id: str
        targets: list[str]
        phases: list[dict[str, Any]]
        funding_plan: str
        staffing_plan: str
        evaluation_plan: str
        document_number: str | None
        actor: str

    class Submitted(Aggregate.Event):
        actor: str

    class Approved(Aggregate.Event):
        decision_id: str
        actor: str

    class PutInForce(Aggregate.Event):
        in_force_on: str
        actor: str

    class Ended(Aggregate.Event):
        status: str
        reason: str
        actor: str

    class MilestoneMet(Aggregate.Event):
        key: str
        met_on: str
        actor: str

    class MilestoneMissed(Aggregate.Event):
        key: str
        due: str
        detected_on: str
        actor: str

    @staticmethod
    def create_id(unit_id: str, **_: Any) -> UUID:
        return plan_id(UUID(unit_id))

    @event(Drafted)
    def __init__(
        self,
        *,
        unit_id: str,
        targets: list[str],
        phases: list[dict[str, Any]],
        funding_plan: str,
        staffing_plan: str,
        evaluation_plan: str,
        document_number: str | None,
        actor: str,
    ) -> None:
        self.unit_id = unit_id
        self.targets = list(targets)
        self.phases = [dict(p) for p in phases]
        self.funding_plan = funding_plan
        self.staffing_plan = staffing_plan
        self.evaluation_plan = evaluation_plan
        self.document_number = document_number
        self.status = "draft"
        self.decision_id: str | None = None
        self.in_force_on: str | None = None
        self.end_reason: str | None = None
        self.milestones: dict[str, dict[str, Any]] = {}
        for p, phase in enumerate(phases, start=1):
            for m, milestone in enumerate(phase.get("milestones", []), start=1):
                key = f"{p}.{m}"
                self.milestones[key] = {
                    "key": key,
                    "phase": phase["name"],
                    "title": milestone["title"],
                    "due": milestone["due"],
                    "status": "scheduled",
                    "on": None,
                }

    def submit(self, *, actor: str) -> None:
        require_transition(self.status, ("draft",), "submit", "plan")
        self._submit(actor=actor)

    @event(Submitted)
    def _submit(self, actor: str) -> None:
        self.status = "submitted"

    def approve(self, *, decision: DecisionView, unit: PilotUnit, actor: str) -> None:
        require_transition(self.status, ("submitted",), "approve", "plan")
        if str(unit.id) != self.unit_id:
            raise DecisionDoesNotApply(f"this plan belongs to unit {self.unit_id}, not to {unit.name}")
        decision.require("approve_plan", {unit.name, str(self.id), self.document_number or unit.name})
        self._approve(decision_id=str(decision.id), actor=actor)

    @event(Approved)
    def _approve(self, decision_id: str, actor: str) -> None:
        self.decision_id = decision_id
        self.status = "approved"

    def put_in_force(self, *, in_force_on: str, today: date, actor: str) -> None:
        require_transition(self.status, ("approved",), "put in force", "plan")
        require_not_future(in_force_on, today, "in_force_on")
        self._in_force(in_force_on=in_force_on, actor=actor)

    @event(PutInForce)
    def _in_force(self, in_force_on: str, actor: str) -> None:
        self.in_force_on = in_force_on
        self.status = "in_force"

    def end(self, *, status: str, reason: str, actor: str) -> None:
        if status not in ("completed", "terminated"):
            raise ValueError(f"a plan ends completed or terminated, not {status}")
        require_transition(
            self.status,
            ("in_force",) if status == "completed" else ("approved", "in_force"),
            "complete" if status == "completed" else "terminate",
            "plan",
        )
        self._end(status=status, reason=reason, actor=actor)

    @event(Ended)
    def _end(self, status: str, reason: str, actor: str) -> None:
        self.status = status
        self.end_reason = reason

    def _milestone(self, key: str) -> dict[str, Any]:
        if key not in self.milestones:
            raise MilestoneUnknown(f"the plan has no milestone {key}", key=key)
        return self.milestones[key]

    def meet_milestone(self, *, key: str, met_on: str, today: date, actor: str) -> None:
        milestone = self._milestone(key)
        require_transition(milestone["status"], ("scheduled",), "meet", "milestone")
        require_not_future(met_on, today, "met_on")
        self._met(key=key, met_on=met_on, actor=actor)

    @event(MilestoneMet)
    def _met(self, key: str, met_on: str, actor: str) -> None:
        self.milestones[key].update(status="met", on=met_on)

    def detect_missed(self, *, today: date, actor: str) -> list[str]:
        """Milestones past due and not met become missed, each once."""
        if self.status not in ("approved", "in_force"):
            return []
        missed = []
        for key, milestone in sorted(self.milestones.items()):
            if milestone["status"] == "scheduled" and today.isoformat() > milestone["due"]:
                self._missed(key=key, due=milestone["due"], detected_on=today.isoformat(), actor=actor)
                missed.append(key)
        return missed

    @event(MilestoneMissed)
    def _missed(self, key: str, due: str, detected_on: str, actor: str) -> None:
        self.milestones[key].update(status="missed", on=detected_on)


MATTER_FLOW = (
    "identified",
    "assessed",
    "approved_for_conversion",
    "budgeted",
    "contracted",
    "in_delivery",
    "evaluated",
)


class ServiceMatter(Aggregate):
    """What a unit provides today, converted to purchase step by step:
    ``identified → assessed → approved_for_conversion → budgeted → contracted → in_delivery →
    evaluated``, or ``rejected`` with its reason."""

    class Identified(Aggregate.Created):
        unit_id: str
        name: str
        description: str
        catalogue_id: str
        item_code: str
        item_name: str
        actor: str

    class Assessed(Aggregate.Event):
        rationale: str
        actor: str

    class ApprovedForConversion(Aggregate.Event):
        actor: str

    class Rejected(Aggregate.Event):
        reason: str
        actor: str

    class Budgeted(Aggregate.Event):
        fiscal_year: int
        amount: str
        actor: str

    class Contracted(Aggregate.Event):
        contract: dict[str, Any]
        actor: str

    class DeliveryStarted(Aggregate.Event):
        started_on: str
        actor: str

    class Evaluated(Aggregate.Event):
        evaluation: dict[str, Any]
        actor: str

    class FlaggedForReview(Aggregate.Event):
        reason: str
        catalogue_id: str
        actor: str

    @event(Identified)
    def __init__(
        self,
        *,
        unit_id: str,
        name: str,
        description: str,
        catalogue_id: str,
        item_code: str,
        item_name: str,
        actor: str,
    ) -> None:
        self.unit_id = unit_id
        self.name = name
        self.description = description
        self.catalogue_id = catalogue_id
        self.item_code = item_code
        self.item_name = item_name
        self.status = "identified"
        self.rationale: str | None = None
        self.rejection: str | None = None
        self.budget: dict[str, Any] | None = None
        self.contract: dict[str, Any] | None = None
        self.delivery_started_on: str | None = None
        self.evaluations: list[dict[str, Any]] = []
        self.needs_review = False
        self.review_reasons: list[str] = []

    @classmethod
    def identify(
        cls,
        *,
        unit: PilotUnit,
        catalogue: CatalogueView,
        item_code: str,
        name: str,
        description: str,
        actor: str,
    ) -> ServiceMatter:
        unit._require_open()
        item = catalogue.require_item(item_code)
        return cls(
            unit_id=str(unit.id),
            name=name,
            description=description,
            catalogue_id=str(catalogue.id),
            item_code=item_code,
            item_name=item["name"],
            actor=actor,
        )

    def assess(self, *, rationale: str, actor: str) -> None:
        require_transition(self.status, ("identified",), "assess", "service matter")
        self._assess(rationale=rationale, actor=actor)

    @event(Assessed)
    def _assess(self, rationale: str, actor: str) -> None:
        self.rationale = rationale
        self.status = "assessed"

    def approve_for_conversion(self, *, actor: str) -> None:
        require_transition(self.status, ("assessed",), "approve", "service matter")
        self._approve(actor=actor)

    @event(ApprovedForConversion)
    def _approve(self, actor: str) -> None:
        self.status = "approved_for_conversion"

    def reject(self, *, reason: str, actor: str) -> None:
        require_transition(self.status, ("identified", "assessed"), "reject", "service matter")
        self._reject(reason=reason, actor=actor)

    @event(Rejected)
    def _reject(self, reason: str, actor: str) -> None:
        self.rejection = reason
        self.status = "rejected"

    def allocate_budget(self, *, unit: PilotUnit, fiscal_year: int, amount: str, actor: str) -> None:
        require_transition(self.status, ("approved_for_conversion",), "budget", "service matter")
        self._require_not_under_review()
        line = unit.budget_line(fiscal_year)
        if Decimal(amount) > Decimal(line["purchase_budget"]):
            raise OverBudget(
                f"{amount} exceeds the {fiscal_year} purchase budget of {unit.name} "
                f"({line['purchase_budget']})",
                amount=amount,
                purchase_budget=line["purchase_budget"],
            )
        self._budget(fiscal_year=fiscal_year, amount=amount, actor=actor)

    @event(Budgeted)
    def _budget(self, fiscal_year: int, amount: str, actor: str) -> None:
        self.budget = {"fiscal_year": fiscal_year, "amount": amount}
        self.status = "budgeted"

    def contract_with(
        self,
        *,
        unit: PilotUnit,
        undertaker: str,
        undertaker_type: str,
        amount: str,
        fiscal_year: int,
        term_start: str,
        term_end: str,
        justification: str | None,
        announcement_ref: str | None,
        announced_on: str | None,
        actor: str,
    ) -> None:
        """Budget first, an eligible undertaker (Order 102 Art. 8), a term of ≤ 1 year or ≤ 3 justified."""
        require_transition(self.status, ("budgeted",), "contract", "service matter")
        self._require_not_under_review()
        unit.budget_line(fiscal_year)
        assert self.budget is not None
        if fiscal_year != self.budget["fiscal_year"] or Decimal(amount) > Decimal(self.budget["amount"]):
            raise OverBudget(
                f"the contract ({amount}, {fiscal_year}) must fit the matter's budget "
                f"({self.budget['amount']}, {self.budget['fiscal_year']})",
                amount=amount,
                budget=self.budget,
            )
        if undertaker_type in INELIGIBLE_UNDERTAKERS:
            raise UndertakerIneligible(
                f"a {undertaker_type.replace('_', ' ')} may not undertake government-purchased services "
                "(MOF Order No. 102, Art. 8)",
                undertaker_type=undertaker_type,
            )
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
        self._contract(
            contract={
                "undertaker": undertaker,
                "undertaker_type": undertaker_type,
                "amount": amount,
                "fiscal_year": fiscal_year,
                "term_start": term_start,
                "term_end": term_end,
                "term_months": months,
                "justification": justification,
                "announcement_ref": announcement_ref,
                "announced_on": announced_on,
            },
            actor=actor,
        )

    @event(Contracted)
    def _contract(self, contract: dict[str, Any], actor: str) -> None:
        self.contract = dict(contract)
        self.status = "contracted"

    def start_delivery(self, *, started_on: str, today: date, actor: str) -> None:
        require_transition(self.status, ("contracted",), "start delivery of", "service matter")
        require_not_future(started_on, today, "started_on")
        self._deliver(started_on=started_on, actor=actor)

    @event(DeliveryStarted)
    def _deliver(self, started_on: str, actor: str) -> None:
        self.delivery_started_on = started_on
        self.status = "in_delivery"

    def evaluate(
        self,
        *,
        kind: str,
        evaluator: str,
        score: int,
        findings: str,
        use_of_result: str,
        evaluated_on: str,
        today: date,
        actor: str,
    ) -> None:
        require_transition(self.status, ("in_delivery", "evaluated"), "evaluate", "service matter")
        require_not_future(evaluated_on, today, "evaluated_on")
        self._evaluate(
            evaluation={
                "kind": kind,
                "evaluator": evaluator,
                "score": score,
                "findings": findings,
                "use_of_result": use_of_result,
                "evaluated_on": evaluated_on,
            },
            actor=actor,
        )

    @event(Evaluated)
    def _evaluate(self, evaluation: dict[str, Any], actor: str) -> None:
        self.evaluations.append(dict(evaluation))
        self.status = "evaluated"

    def _require_not_under_review(self) -> None:
        if self.needs_review:
            raise MatterUnderReview(
                f"{self.name} is flagged for review: {'; '.join(self.review_reasons)}",
                reasons=self.review_reasons,
            )

    def flag_for_review(self, *, reason: str, catalogue_id: str, actor: str) -> bool:
        if self.status == "rejected" or reason in self.review_reasons:
            return False
        self._flag(reason=reason, catalogue_id=catalogue_id, actor=actor)
        return True

    @event(FlaggedForReview)
    def _flag(self, reason: str, catalogue_id: str, actor: str) -> None:
        self.needs_review = True
        self.review_reasons.append(reason)
