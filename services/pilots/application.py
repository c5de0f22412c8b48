"""Pilots use cases and the reactions to other services' events; queries return plain data."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.pilots.domain import (
    CatalogueView,
    DecisionUnknown,
    DecisionView,
    DuplicateUnit,
    ImplementationPlan,
    PilotUnit,
    PlanExists,
    ServiceMatter,
    UnitNotFound,
    plan_id,
    unit_id,
)
from shared.domain import DomainRuleViolation, NotFound
from shared.persistence.eventlog import ServiceApplication, to_plain

SYSTEM_ACTOR = "system"


class PlanNotFound(NotFound):
    pass


class MatterNotFound(NotFound):
    pass


class CatalogueNotPublished(DomainRuleViolation):
    """No published catalogue with that id has reached pilots: a draft, or not yet arrived."""


class PilotsApplication(ServiceApplication):
    name = "pilots"

    def _unit(self, uid: UUID) -> PilotUnit:
        return self.get_aggregate(PilotUnit, uid, UnitNotFound)

    def _decision(self, decision_id: UUID) -> DecisionView:
        try:
            view = self.repository.get(decision_id)
        except AggregateNotFoundError:
            view = None
        if not isinstance(view, DecisionView):
            raise DecisionUnknown(
                f"no adopted conference decision {decision_id} has reached pilots",
                decision_id=str(decision_id),
            )
        return view

    # --- views of other services (called by the inbox handlers) ----------

    def on_decision_adopted(self, envelope: dict[str, Any]) -> list[Any]:
        p = envelope["payload"]
        if p["decision_id"] and UUID(p["decision_id"]) in self.repository:
            return []
        return [
            DecisionView(
                decision_id=p["decision_id"],
                kind=p["kind"],
                subject=p["subject"],
                title=p["title"],
                adopted_on=p["adopted_on"],
            )
        ]

    def on_catalogue_published(self, envelope: dict[str, Any]) -> list[Any]:
        p = envelope["payload"]
        if UUID(p["catalogue_id"]) in self.repository:
            return []
        return [
            CatalogueView(
                catalogue_id=p["catalogue_id"],
                title=p["title"],
                fiscal_year=p["fiscal_year"],
                items=p["items"],
                supersedes=p["supersedes"],
            )
        ]

    def on_catalogue_superseded(self, envelope: dict[str, Any]) -> list[Any]:
        p = envelope["payload"]
        old = self._catalogue_view(UUID(p["catalogue_id"]))
        if old is None or old.status != "published":
            return []
        old.supersede(superseded_by=p["superseded_by"])
        successor = self._catalogue_view(UUID(p["superseded_by"]))
        kept = set(successor.items) if successor else set()
        flagged = []
        for matter in self._matters_on(old.id):
            if matter.item_code not in kept and matter.flag_for_review(
                reason=f"catalogue {old.id} was superseded by {p['superseded_by']} "
                f"without item {matter.item_code}",
                catalogue_id=str(old.id),
                actor=SYSTEM_ACTOR,
            ):
                flagged.append(matter)
        return [old, *flagged]

    def on_catalogue_revoked(self, envelope: dict[str, Any]) -> list[Any]:
        p = envelope["payload"]
        view = self._catalogue_view(UUID(p["catalogue_id"]))
        if view is None or view.status == "revoked":
            return []
        view.revoke(reason=p["reason"])
        flagged = [
            m
            for m in self._matters_on(view.id)
            if m.flag_for_review(
                reason=f"catalogue {view.id} was revoked: {p['reason']}",
                catalogue_id=str(view.id),
                actor=SYSTEM_ACTOR,
            )
        ]
        return [view, *flagged]

    def _catalogue_view(self, catalogue_id: UUID) -> CatalogueView | None:
        try:
            view = self.repository.get(catalogue_id)
        except AggregateNotFoundError:
            return None
        return view if isinstance(view, CatalogueView) else None

    def _matters_on(self, catalogue_id: UUID) -> list[ServiceMatter]:
        """Matters identified under this version or under any earlier version it carried on."""
        lineage: set[str] = set()
        view = self._catalogue_view(catalogue_id)
        while view is not None and str(view.id) not in lineage:
            lineage.add(str(view.id))
            view = self._catalogue_view(UUID(view.supersedes)) if view.supersedes else None
        matters = [self.repository.get(i) for i in self.ids_of(ServiceMatter.Identified)]
        return [m for m in matters if m.catalogue_id in lineage]

    # --- pilot units ------------------------------------------------------

    def designate_unit(self, *, decision_id: UUID, name: str, actor: str, **fields: Any) -> UUID:
        if unit_id(name) in self.repository:
            raise DuplicateUnit(f"{name} is already a pilot unit", name=name)
        unit = PilotUnit.designate(decision=self._decision(decision_id), name=name, actor=actor, **fields)
        self.save(unit)
        return unit.id

    def add_budget_line(self, uid: UUID, *, actor: str, **fields: Any) -> dict[str, Any]:
        unit = self._unit(uid)
        unit.add_budget_line(actor=actor, **fields)
        self.save(unit)
        return self.unit(uid)

    def update_budget_line(self, uid: UUID, fiscal_year: int, *, actor: str, **fields: Any) -> dict[str, Any]:
        unit = self._unit(uid)
        unit.update_budget_line(fiscal_year=fiscal_year, actor=actor, **fields)
        self.save(unit)
        return self.unit(uid)

    def adjust_staffing(self, uid: UUID, *, actor: str, **fields: Any) -> dict[str, Any]:
        unit = self._unit(uid)
        unit.adjust_staffing(today=self.today(), actor=actor, **fields)
        self.save(unit)
        return self.unit(uid)

    def close_unit(self, uid: UUID, *, actor: str, **fields: Any) -> dict[str, Any]:
        unit = self._unit(uid)
        unit.close(today=self.today(), actor=actor, **fields)
        self.save(unit)
        return self.unit(uid)

    # --- implementation plans --------------------------------------------

    def draft_plan(self, uid: UUID, *, actor: str, **fields: Any) -> UUID:
        unit = self._unit(uid)
        unit._require_open()
        if plan_id(unit.id) in self.repository:
            raise PlanExists(f"{unit.name} already has an implementation plan", unit=unit.name)
        plan = ImplementationPlan(unit_id=str(unit.id), actor=actor, **fields)
        self.save(plan)
        return plan.id

    def _plan(self, uid: UUID) -> ImplementationPlan:
        self._unit(uid)
        return self.get_aggregate(ImplementationPlan, plan_id(uid), PlanNotFound)

    def plan_command(self, uid: UUID, command: str, **kwargs: Any) -> dict[str, Any]:
        plan = self._plan(uid)
        if command == "approve":
            decision = self._decision(kwargs.pop("decision_id"))
            kwargs.update(decision=decision, unit=self._unit(uid))
        if command in ("put_in_force", "meet_milestone"):
            kwargs["today"] = self.today()
        getattr(plan, command)(**kwargs)
        self.save(plan)
        return self.plan(uid)

    def detect_missed_milestones(self) -> list[str]:
        today = self.today()
        missed = []
        for pid in self.ids_of(ImplementationPlan.Drafted):
            plan = self.repository.get(pid)
            keys = plan.detect_missed(today=today, actor=SYSTEM_ACTOR)
            if keys:
                self.save(plan)
                missed.extend(f"{plan.unit_id}:{k}" for k in keys)
        return missed

    # --- service matters ---------------------------------------------------

    def identify_matter(
        self, uid: UUID, *, catalogue_id: UUID, item_code: str, actor: str, **fields: Any
    ) -> UUID:
        catalogue = self._catalogue_view(catalogue_id)
        if catalogue is None:
            raise CatalogueNotPublished(
                f"catalogue {catalogue_id} is not published (or its publication has not reached pilots yet)",
                catalogue_id=str(catalogue_id),
            )
        matter = ServiceMatter.identify(
            unit=self._unit(uid), catalogue=catalogue, item_code=item_code, actor=actor, **fields
        )
        self.save(matter)
        return matter.id

    def _matter(self, mid: UUID, as_of: datetime | None = None) -> ServiceMatter:
        return self.get_aggregate(ServiceMatter, mid, MatterNotFound, as_of)

    def matter_command(self, mid: UUID, command: str, **kwargs: Any) -> dict[str, Any]:
        matter = self._matter(mid)
        if command in ("allocate_budget", "contract_with"):
            kwargs["unit"] = self._unit(UUID(matter.unit_id))
        if command in ("start_delivery", "evaluate"):
            kwargs["today"] = self.today()
        getattr(matter, command)(**kwargs)
        self.save(matter)
        return self.matter(mid)

    # --- queries -----------------------------------------------------------

    def unit(self, uid: UUID, as_of: datetime | None = None) -> dict[str, Any]:
        u = self.get_aggregate(PilotUnit, uid, UnitNotFound, as_of)
        return to_plain(
            {
                "id": u.id,
                "version": u.version,
                "name": u.name,
                "unit_type": u.unit_type,
                "competent_department": u.competent_department,
                "staffing_baseline": u.staffing_baseline,
                "staffing": u.staffing,
                "funding_type": u.funding_type,
                "decision_id": u.decision_id,
                "status": u.status,
                "budget_lines": [u.budget_lines[k] for k in sorted(u.budget_lines)],
                "staffing_adjustments": u.staffing_adjustments,
                "closure": u.closure,
                "created_at": u.created_on,
                "modified_at": u.modified_on,
            }
        )

    def units(self) -> list[dict[str, Any]]:
        return [self.unit(i) for i in self.ids_of(PilotUnit.Designated)]

    def plan(self, uid: UUID, as_of: datetime | None = None) -> dict[str, Any]:
        self._unit(uid)
        p = self.get_aggregate(ImplementationPlan, plan_id(uid), PlanNotFound, as_of)
        return to_plain(
            {
                "id": p.id,
                "version": p.version,
                "unit_id": p.unit_id,
                "targets": p.targets,
                "phases": p.phases,
                "funding_plan": p.funding_plan,
                "staffing_plan": p.staffing_plan,
                "evaluation_plan": p.evaluation_plan,
                "document_number": p.document_number,
                "status": p.status,
                "decision_id": p.decision_id,
                "in_force_on": p.in_force_on,
                "end_reason": p.end_reason,
                "milestones": [p.milestones[k] for k in sorted(p.milestones)],
                "created_at": p.created_on,
                "modified_at": p.modified_on,
            }
        )

    def matter(self, mid: UUID, as_of: datetime | None = None) -> dict[str, Any]:
        m = self._matter(mid, as_of)
        return to_plain(
            {
                "id": m.id,
                "version": m.version,
                "unit_id": m.unit_id,
                "name": m.name,
                "description": m.description,
                "catalogue_id": m.catalogue_id,
                "item_code": m.item_code,
                "item_name": m.item_name,
                "status": m.status,
                "rationale": m.rationale,
                "rejection": m.rejection,
                "budget": m.budget,
                "contract": m.contract,
                "delivery_started_on": m.delivery_started_on,
                "evaluations": m.evaluations,
                "needs_review": m.needs_review,
                "review_reasons": m.review_reasons,
                "created_at": m.created_on,
                "modified_at": m.modified_on,
            }
        )

    def matters(
        self, unit: UUID | None = None, status: str | None = None, needs_review: bool | None = None
    ) -> list[dict[str, Any]]:
        rows = [self.matter(i) for i in self.ids_of(ServiceMatter.Identified)]
        return [
            r
            for r in rows
            if (unit is None or r["unit_id"] == str(unit))
            and (status is None or r["status"] == status)
            and (needs_review is None or r["needs_review"] == needs_review)
        ]

    def known_decisions(self) -> list[dict[str, Any]]:
        return [
            to_plain(
                {
                    "id": d.id,
                    "kind": d.kind,
                    "subject": d.subject,
                    "title": d.title,
                    "adopted_on": d.adopted_on,
                }
            )
            for d in (self.repository.get(i) for i in self.ids_of(DecisionView.Known))
        ]

    def known_catalogues(self) -> list[dict[str, Any]]:
        return [
            to_plain(
                {
                    "id": c.id,
                    "title": c.title,
                    "fiscal_year": c.fiscal_year,
                    "status": c.status,
                    "superseded_by": c.superseded_by,
                    "items": sorted(c.items),
                }
            )
            for c in (self.repository.get(i) for i in self.ids_of(CatalogueView.Published))
        ]

    def history_of(self, aggregate_id: UUID, not_found: type[Exception]) -> list[dict[str, Any]]:
        if aggregate_id not in self.repository:
            raise not_found(f"no {aggregate_id}")
        return self.history(aggregate_id)
