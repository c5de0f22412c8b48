"""Service matters: what a unit provides today, converted to purchase step by step."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.domain import event

from services.pilots.domain import contracts as rules
from services.pilots.domain.errors import (
    AlreadyAnnounced,
    InvalidTransition,
    MatterUnderReview,
    NotUnderReview,
)
from services.pilots.domain.execution import ContractExecution
from services.pilots.domain.party import Party
from services.pilots.domain.unit import PilotUnit
from services.pilots.domain.views import CatalogueView, DecisionView
from shared.acts import DatedCreated, DatedEvent, act_on
from shared.decisions import DecisionDoesNotApply
from shared.domain import require_in_order, require_not_future, require_transition
from shared.money import split_by_year
from shared.vocabulary.pilots import CLOSED_MATTER as CLOSED_MATTER
from shared.vocabulary.pilots import OPEN_MATTER as OPEN_MATTER
from shared.vocabulary.pilots import WITHDRAWABLE as WITHDRAWABLE


class ServiceMatter(ContractExecution):
    """What a unit provides today, converted to purchase step by step:
    ``identified → assessed → approved_for_conversion → budgeted → contracted → in_delivery →
    evaluated``, or ``rejected`` with its reason."""

    class Identified(DatedCreated):
        unit_id: str
        name: str
        description: str
        catalogue_id: str
        item_code: str
        item_name: str
        actor: str
        name_en: str | None = None  # its English rendering (absent from matters identified before)

    class Assessed(DatedEvent):
        rationale: str
        actor: str

    class ApprovedForConversion(DatedEvent):
        actor: str

    class Rejected(DatedEvent):
        reason: str
        actor: str

    class Budgeted(DatedEvent):
        fiscal_year: int
        amount: str
        actor: str

    class Contracted(DatedEvent):
        contract: dict[str, Any]
        actor: str

    class ContractAnnounced(DatedEvent):
        in_sequence = False  # recorded after its signing, often after later acts; dated as published

        announcement_ref: str
        announced_on: str
        actor: str

    class DeliveryStarted(DatedEvent):
        started_on: str
        actor: str

    class Evaluated(DatedEvent):
        evaluation: dict[str, Any]
        actor: str

    class FlaggedForReview(DatedEvent):
        reason: str
        catalogue_id: str
        actor: str

    class Relinked(DatedEvent):
        """Under review, moved to an item of the catalogue in force: the review is over."""

        catalogue_id: str
        item_code: str
        item_name: str
        reason: str
        actor: str

    class Continued(DatedEvent):
        """Under review, kept as it is by the conference's continue_matter decision."""

        office_decision_ref: str | None  # the number typed in before decisions were checked
        reason: str
        actor: str
        decision_id: str | None  # the continue_matter decision (None: continued before)

        class_version = 3

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["decision_id"] = None

    class ContractTerminated(DatedEvent):
        """The pilot closed by a decision that ends the open contract, with its reason."""

        reason: str
        actor: str

    class Withdrawn(DatedEvent):
        """Given up before a contract; the budget it held is released."""

        reason: str
        released_budget: dict[str, Any] | None
        actor: str

    # no bare ``*``: eventsourcing takes every keyword-only parameter as required, and the English
    # rendering must default for matters identified before it
    @event(Identified)
    def __init__(
        self,
        unit_id: str,
        name: str,
        description: str,
        catalogue_id: str,
        item_code: str,
        item_name: str,
        actor: str,
        name_en: str | None = None,
    ) -> None:
        self.unit_id = unit_id
        self.name = name
        self.name_en = name_en
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
        self.withdrawal: str | None = None

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
        name_en: str | None = None,
    ) -> ServiceMatter:
        unit.require_open()
        item = catalogue.require_item(item_code)
        return cls(
            unit_id=str(unit.id),
            name=name,
            name_en=name_en,
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
        unit.require_open()
        require_transition(self.status, ("approved_for_conversion",), "budget", "service matter")
        self._require_not_under_review()
        unit.budget_line(fiscal_year)  # budget first
        unit.commit(matter_id=str(self.id), shares={str(fiscal_year): amount}, basis="budget", actor=actor)
        self._budget(fiscal_year=fiscal_year, amount=amount, actor=actor)

    @event(Budgeted)
    def _budget(self, fiscal_year: int, amount: str, actor: str) -> None:
        self.budget = {"fiscal_year": fiscal_year, "amount": amount}
        self.status = "budgeted"

    def contract_with(
        self, *, unit: PilotUnit, terms: rules.Terms, purchaser: Party, undertaker: Party, actor: str
    ) -> None:
        """Sign: the rules of ``rules.contract_of``; each year's share committed against its line."""
        require_transition(self.status, ("budgeted",), "contract", "service matter")
        unit.require_open()
        self._require_not_under_review()
        contract = rules.contract_of(terms, self.budget, unit, purchaser, undertaker)
        unit.commit(
            matter_id=str(self.id),
            shares=split_by_year(terms.amount, terms.term_start, terms.term_end),
            basis="contract",
            arrangement=terms.multi_year_arrangement,
            actor=actor,
        )
        self._contract(contract=contract, actor=actor)

    @event(Contracted)
    def _contract(self, contract: dict[str, Any], actor: str) -> None:
        self.contract = dict(contract)
        self.status = "contracted"

    def announce(self, *, announcement_ref: str, announced_on: str, actor: str) -> None:
        """Record the announcement of the signed contract, once, not before its signing."""
        if self.contract is None:
            raise InvalidTransition(f"{self.name} has no contract to announce", status=self.status)
        if self.contract.get("announcement_ref"):
            raise AlreadyAnnounced(
                f"the contract of {self.name} was announced as {self.contract['announcement_ref']}",
                announcement_ref=self.contract["announcement_ref"],
            )
        require_in_order("the signing", self.contract.get("signed_on"), "the announcement", announced_on)
        self._announce(announcement_ref=announcement_ref, announced_on=announced_on, actor=actor)

    @event(ContractAnnounced)
    def _announce(self, announcement_ref: str, announced_on: str, actor: str) -> None:
        assert self.contract is not None
        self.contract = {**self.contract, "announcement_ref": announcement_ref, "announced_on": announced_on}

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
        require_in_order("the start of delivery", self.delivery_started_on, "the evaluation", evaluated_on)
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
        if self.status in CLOSED_MATTER or reason in self.review_reasons:
            return False
        self._flag(reason=reason, catalogue_id=catalogue_id, actor=actor)
        return True

    @event(FlaggedForReview)
    def _flag(self, reason: str, catalogue_id: str, actor: str) -> None:
        self.needs_review = True
        self.review_reasons.append(reason)

    def _require_under_review(self, action: str) -> None:
        """Flagged (no dead end: relinked, continued or withdrawn), and not ended before the flag."""
        if not self.needs_review:
            raise NotUnderReview(f"{self.name} is not flagged for review: nothing to {action}")
        require_in_order("the flag for review", self._flagged_on(), f"the {action}", act_on())

    def _flagged_on(self) -> str | None:  # the flag is the service's own act (its latest)
        return getattr(self, "last_service_act", (None, None))[1]

    def relink(self, *, catalogue: CatalogueView, item_code: str, reason: str, actor: str) -> None:
        """Move the matter to ``item_code`` of ``catalogue`` (in force, present, suitable)."""
        require_transition(self.status, OPEN_MATTER, "relink", "service matter")
        self._require_under_review("relink")
        item = catalogue.require_item(item_code)
        self._relink(
            catalogue_id=str(catalogue.id),
            item_code=item_code,
            item_name=item["name"],
            reason=reason,
            actor=actor,
        )

    @event(Relinked)
    def _relink(self, catalogue_id: str, item_code: str, item_name: str, reason: str, actor: str) -> None:
        self.catalogue_id = catalogue_id
        self.item_code = item_code
        self.item_name = item_name
        self.needs_review = False

    def continue_as_is(self, *, decision: DecisionView, reason: str, actor: str) -> None:
        """Keep the flagged matter as it is, by a continue_matter decision about this very matter,
        taken no later than the act."""
        require_transition(self.status, OPEN_MATTER, "continue", "service matter")
        self._require_under_review("continue")
        decision.require("continue_matter", {str(self.id)})
        decision.require_taken_by("the continuation", act_on())
        # a decision on this review: taken once the matter was flagged, and not one spent before
        require_in_order(
            "the flag for review", self._flagged_on(), f"decision {decision.id}", decision.adopted_on
        )
        if str(decision.id) in getattr(self, "continued_by", ()):
            raise DecisionDoesNotApply(
                f"decision {decision.id} already continued {self.name} once: a new review needs its own",
                decision_id=str(decision.id),
            )
        self._continue(office_decision_ref=None, reason=reason, actor=actor, decision_id=str(decision.id))

    @event(Continued)
    def _continue(
        self, office_decision_ref: str | None, reason: str, actor: str, decision_id: str | None
    ) -> None:
        self.needs_review = False
        if decision_id:
            self.continued_by = [*getattr(self, "continued_by", []), decision_id]

    def withdraw(self, *, reason: str, actor: str) -> None:
        """Give the matter up before it is contracted; its budget, if any, is released."""
        require_transition(self.status, WITHDRAWABLE, "withdraw", "service matter")
        self._withdraw(reason=reason, released_budget=self.budget, actor=actor)

    @event(Withdrawn)
    def _withdraw(self, reason: str, released_budget: dict[str, Any] | None, actor: str) -> None:
        self.budget = None
        self.withdrawal = reason
        self.status = "withdrawn"
        self.needs_review = False

    def contract_open_on(self, day: str) -> bool:
        """Whether a signed contract still runs on ``day`` (its term has not ended)."""
        return self.status in ("contracted", "in_delivery", "evaluated") and (
            self.contract is not None and self.contract["term_end"] >= day
        )

    def terminate_contract(self, *, reason: str, actor: str) -> None:
        require_transition(self.status, ("contracted", "in_delivery", "evaluated"), "terminate", "contract")
        self._terminate(reason=reason, actor=actor)

    @event(ContractTerminated)
    def _terminate(self, reason: str, actor: str) -> None:
        self.status = "terminated"
