"""Pilots use cases and the reactions to other services' events; queries return plain data.

Every command takes its typed command (``services.pilots.commands``) and the acting subject, calls
named methods of the aggregates, and returns the plain view of the aggregate it created or changed."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.pilots.commands import (
    AddBudgetLine,
    AddMilestone,
    AdjustStaffing,
    AnnounceContract,
    ApproveMatter,
    ApprovePlan,
    AssessMatter,
    BudgetMatter,
    ChangeMilestone,
    CloseUnit,
    ContractMatter,
    DraftPlan,
    EndPlan,
    EvaluateMatter,
    IdentifyMatter,
    MeetMilestone,
    PutPlanInForce,
    RejectMatter,
    StartDelivery,
    SubmitPlan,
    UpdateBudgetLine,
)
from services.pilots.designations import Designations
from services.pilots.domain import (
    WITHDRAWABLE,
    CatalogueView,
    DecisionView,
    ImplementationPlan,
    OpenCommitments,
    PilotUnit,
    PlanExists,
    ServiceMatter,
    plan_id,
)
from services.pilots.domain.contracts import Terms
from services.pilots.dossier import Dossier
from services.pilots.execution import Execution
from services.pilots.listing import PILOT_LISTS
from services.pilots.parties import Parties
from services.pilots.queries import MatterNotFound as MatterNotFound  # re-exported: the service maps it
from services.pilots.queries import PlanNotFound as PlanNotFound  # re-exported
from services.pilots.reviews import SYSTEM_ACTOR, Reviews
from services.pilots.unit_catalogues import CatalogueNotPublished as CatalogueNotPublished  # re-exported
from shared.acts import upstream_on
from shared.persistence.listing import Query
from shared.persistence.topics import moved

# Stored events name the classes' topics from before the domain became a package.
moved("services.pilots.domain", PilotUnit, ImplementationPlan, ServiceMatter, DecisionView, CatalogueView)
moved("services.pilots.domain.views", DecisionView)  # and from pilots before the kit kept it


# What pilots learns of a published catalogue (a field absent from older envelopes: None).
LEARNT = ("title", "fiscal_year", "items", "supersedes", "level", "parent_catalogue_id", "organisation_id")


class PilotsApplication(Reviews, Designations, Parties, Execution, Dossier):
    lists = PILOT_LISTS

    name = "pilots"

    # --- views of other services (called by the inbox handlers) ----------

    def on_catalogue_published(self, envelope: dict[str, Any]) -> list[Aggregate]:
        p = envelope["payload"]
        if UUID(p["catalogue_id"]) in self.repository:
            view = self._catalogue_view(UUID(p["catalogue_id"]))
            if view is None or view.status != "withdrawn":
                return []
            view.reinstate(**{k: p.get(k) for k in LEARNT})
            return [view]
        return [
            CatalogueView(
                catalogue_id=p["catalogue_id"],
                published_on=upstream_on(envelope),
                **{k: p.get(k) for k in LEARNT},
            )
        ]

    def forget_views(self, source: str, reason: str) -> list[Aggregate]:
        """Withdraw every view built from ``source``'s log (an operator's resync to a new log):
        what the new log holds comes back as it holds it; pilots' own records stay as they are."""
        if source == "conference":
            return self.forget_decisions(reason) + self.forget_organisations(reason)
        known = self.walk(Query("known_catalogue"))
        catalogues: list[CatalogueView] = [self.repository.get(UUID(c["id"])) for c in known]
        for catalogue in catalogues:
            catalogue.withdraw(reason=reason)
        return list(catalogues)

    def add_budget_line(self, uid: UUID, command: AddBudgetLine, *, actor: str) -> dict[str, Any]:
        unit = self._ledger(uid, actor)  # a new line is weighed against what its year holds already
        unit.add_budget_line(
            fiscal_year=command.fiscal_year,
            appropriation_before=command.appropriation_before,
            purchase_budget=command.purchase_budget,
            final_accounts=command.final_accounts,
            actor=actor,
        )
        self.save(unit)
        return self.unit(uid)

    def update_budget_line(
        self, uid: UUID, fiscal_year: int, command: UpdateBudgetLine, *, actor: str
    ) -> dict[str, Any]:
        unit = self._ledger(uid, actor)
        unit.update_budget_line(
            fiscal_year=fiscal_year,
            appropriation_before=command.appropriation_before,
            purchase_budget=command.purchase_budget,
            final_accounts=command.final_accounts,
            actor=actor,
        )
        self.save(unit)
        return self.unit(uid)

    def adjust_staffing(self, uid: UUID, command: AdjustStaffing, *, actor: str) -> dict[str, Any]:
        unit = self._unit(uid)
        unit.adjust_staffing(
            before=command.before,
            after=command.after,
            approving_body=command.approving_body,
            document=command.document,
            adjusted_on=command.adjusted_on,
            today=self.today(),
            actor=actor,
        )
        self.save(unit)
        return self.unit(uid)

    def close_unit(self, uid: UUID, command: CloseUnit, *, actor: str) -> dict[str, Any]:
        """Close the pilot by the conference's close_pilot decision; a plan in force and running
        contracts end with it (their reason: ``terminating``), or the closure is refused."""
        unit = self._ledger(uid, actor)
        by = self.known_decision(command.decision_id)
        plan = self._plan(uid) if plan_id(uid) in self.repository else None
        plans = [plan] if plan is not None and plan.status in ("approved", "in_force") else []
        mine = self._matters_of(uid)
        matters = [m for m in mine if m.contract_open_on(command.closed_on)]
        pending = [m for m in mine if m.status in WITHDRAWABLE]  # not contracted yet: withdrawn with it
        if (plans or matters or pending) and not command.terminating:
            raise OpenCommitments(
                f"{unit.name} has {'a plan ' + plans[0].status if plans else 'no plan in force'}, "
                f"{len(matters)} running contract(s) and {len(pending)} matter(s) not contracted: "
                "close it with 'terminating', the reason ending them",
                plan=plans[0].status if plans else None,
                matters=[str(m.id) for m in matters + pending],
            )
        why = f"the pilot closed: {command.terminating}"
        for p in plans:
            p.terminate(reason=why, actor=actor)
        for m in matters:
            m.release_unowed(unit, actor)  # what the ended contract still owes stays committed
            m.terminate_contract(reason=why, actor=actor)
        for m in pending:
            m.withdraw(reason=why, actor=actor)  # its budget released
            unit.release(matter_id=str(m.id), reason=why, actor=actor)
        matters += pending
        unit.close(
            summary=command.summary,
            decision=command.decision,
            closed_on=command.closed_on,
            by=by,
            today=self.today(),
            actor=actor,
        )
        self.save(unit, *plans, *matters)  # one write: the closure and what it ends
        return self.unit(uid)

    # --- implementation plans --------------------------------------------

    def draft_plan(self, uid: UUID, command: DraftPlan, *, actor: str) -> dict[str, Any]:
        unit = self._unit(uid)
        unit.require_open()
        if plan_id(unit.id) in self.repository:
            raise PlanExists(f"{unit.name} already has an implementation plan", unit=unit.name)
        plan = ImplementationPlan(
            unit_id=str(unit.id),
            actor=actor,
            targets=command.targets,
            phases=command.phases,
            funding_plan=command.funding_plan,
            staffing_plan=command.staffing_plan,
            evaluation_plan=command.evaluation_plan,
            document_number=command.document_number,
        )
        self.save(plan)
        return self.plan(uid)

    def add_milestone(self, uid: UUID, command: AddMilestone, *, actor: str) -> dict[str, Any]:
        plan = self._plan(uid)
        self._unit(uid).require_open()
        plan.add_milestone(phase=command.phase, title=command.title, due=command.due, actor=actor)
        self.save(plan)
        return self.plan(uid)

    def change_milestone(
        self, uid: UUID, key: str, command: ChangeMilestone, *, actor: str
    ) -> dict[str, Any]:
        plan = self._plan(uid)
        self._unit(uid).require_open()
        plan.change_milestone(key=key, changes=command.changes(), actor=actor)
        self.save(plan)
        return self.plan(uid)

    def remove_milestone(self, uid: UUID, key: str, *, actor: str) -> dict[str, Any]:
        plan = self._plan(uid)
        self._unit(uid).require_open()
        plan.remove_milestone(key=key, actor=actor)
        self.save(plan)
        return self.plan(uid)

    def submit_plan(self, uid: UUID, command: SubmitPlan, *, actor: str) -> dict[str, Any]:
        plan = self._plan(uid)
        plan.submit(actor=actor)
        self.save(plan)
        return self.plan(uid)

    def approve_plan(self, uid: UUID, command: ApprovePlan, *, actor: str) -> dict[str, Any]:
        plan = self._plan(uid)
        decision = self.known_decision(command.decision_id)
        plan.approve(decision=decision, unit=self._unit(uid), actor=actor)
        self.save(plan)
        return self.plan(uid)

    def put_plan_in_force(self, uid: UUID, command: PutPlanInForce, *, actor: str) -> dict[str, Any]:
        plan = self._plan(uid)
        self._unit(uid).require_open()
        plan.put_in_force(in_force_on=command.in_force_on, today=self.today(), actor=actor)
        self.save(plan)
        return self.plan(uid)

    def complete_plan(self, uid: UUID, command: EndPlan, *, actor: str) -> dict[str, Any]:
        plan = self._plan(uid)
        plan.complete(reason=command.reason, actor=actor)
        self.save(plan)
        return self.plan(uid)

    def terminate_plan(self, uid: UUID, command: EndPlan, *, actor: str) -> dict[str, Any]:
        plan = self._plan(uid)
        plan.terminate(reason=command.reason, actor=actor)
        self.save(plan)
        return self.plan(uid)

    def meet_milestone(self, uid: UUID, key: str, command: MeetMilestone, *, actor: str) -> dict[str, Any]:
        plan = self._plan(uid)
        plan.meet_milestone(key=key, met_on=command.met_on, today=self.today(), actor=actor)
        self.save(plan)
        return self.plan(uid)

    def detect_missed_milestones(self) -> list[str]:
        today = self.today()
        missed: list[str] = []
        for plan in self.every(ImplementationPlan, ImplementationPlan.Drafted):
            keys = plan.detect_missed(today=today, actor=SYSTEM_ACTOR)
            if keys:
                self.save(plan)
                missed.extend(f"{plan.unit_id}:{k}" for k in keys)
        return missed

    # --- service matters ---------------------------------------------------

    def identify_matter(self, command: IdentifyMatter, *, actor: str) -> dict[str, Any]:
        catalogue, unit = self.published_catalogue(command.catalogue_id), self._unit(command.unit_id)
        self.require_on_units_catalogue(unit, catalogue)
        matter = ServiceMatter.identify(
            unit=unit,
            catalogue=catalogue,
            item_code=command.item_code,
            name=command.name,
            name_en=command.name_en,
            description=command.description,
            actor=actor,
        )
        self.save(matter)
        return self.matter(matter.id)

    def assess_matter(self, mid: UUID, command: AssessMatter, *, actor: str) -> dict[str, Any]:
        matter = self._matter(mid)
        matter.assess(rationale=command.rationale, actor=actor)
        self.save(matter)
        return self.matter(mid)

    def approve_matter(self, mid: UUID, command: ApproveMatter, *, actor: str) -> dict[str, Any]:
        matter = self._matter(mid)
        matter.approve_for_conversion(actor=actor)
        self.save(matter)
        return self.matter(mid)

    def reject_matter(self, mid: UUID, command: RejectMatter, *, actor: str) -> dict[str, Any]:
        matter = self._matter(mid)
        matter.reject(reason=command.reason, actor=actor)
        self.save(matter)
        return self.matter(mid)

    def budget_matter(self, mid: UUID, command: BudgetMatter, *, actor: str) -> dict[str, Any]:
        matter = self._matter(mid)
        unit = self._ledger(UUID(matter.unit_id), actor)
        matter.allocate_budget(unit=unit, fiscal_year=command.fiscal_year, amount=command.amount, actor=actor)
        self.save(matter, unit)  # the matter's budget and the unit's commitment in one write
        return self.matter(mid)

    def contract_matter(self, mid: UUID, command: ContractMatter, *, actor: str) -> dict[str, Any]:
        matter = self._matter(mid)
        unit = self._ledger(UUID(matter.unit_id), actor)
        terms = Terms(
            **{k: v for k, v in vars(command).items() if k not in ("purchaser_id", "undertaker_id")}
        )
        matter.contract_with(
            unit=unit,
            terms=terms,
            purchaser=self.named_party(command.purchaser_id, "purchaser"),
            undertaker=self.named_party(command.undertaker_id, "undertaker"),
            actor=actor,
        )
        self.save(matter, unit)
        return self.matter(mid)

    def announce_contract(self, mid: UUID, command: AnnounceContract, *, actor: str) -> dict[str, Any]:
        """The contract's announcement, recorded at its signing or later (the usual order)."""
        matter = self._matter(mid)
        matter.announce(
            announcement_ref=command.announcement_ref, announced_on=command.announced_on, actor=actor
        )
        self.save(matter)
        return self.matter(mid)

    def start_delivery(self, mid: UUID, command: StartDelivery, *, actor: str) -> dict[str, Any]:
        matter = self._matter(mid)
        self._unit(UUID(matter.unit_id)).require_open()
        matter.start_delivery(started_on=command.started_on, today=self.today(), actor=actor)
        self.save(matter)
        return self.matter(mid)

    def evaluate_matter(self, mid: UUID, command: EvaluateMatter, *, actor: str) -> dict[str, Any]:
        matter = self._matter(mid)
        self._unit(UUID(matter.unit_id)).require_open()
        matter.evaluate(
            kind=command.kind,
            evaluator=command.evaluator,
            score=command.score,
            findings=command.findings,
            use_of_result=command.use_of_result,
            evaluated_on=command.evaluated_on,
            today=self.today(),
            actor=actor,
        )
        self.save(matter)
        return self.matter(mid)
