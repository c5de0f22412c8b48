"""The pilots' reads: every aggregate as plain data (the same dict a command returns), now or
as of a past moment, and the lookups the use cases share."""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from services.pilots.domain import (
    CatalogueView,
    ImplementationPlan,
    PilotUnit,
    ServiceMatter,
    UnitNotFound,
    plan_id,
)
from shared.acts import When
from shared.disclosure import announced
from shared.domain import NotFound
from shared.money import committed_by_year, holding, yuan
from shared.organisations import OrganisationView
from shared.persistence.eventlog import ServiceApplication, to_plain

A = TypeVar("A", bound=Aggregate)


class PlanNotFound(NotFound):
    pass


class MatterNotFound(NotFound):
    pass


class PilotsQueries(ServiceApplication):
    """Lookups of aggregates, and the plain views the HTTP/RPC answers are made of."""

    # --- aggregates -----------------------------------------------------------------

    def _unit(self, uid: UUID, when: When | None = None) -> PilotUnit:
        unit: PilotUnit = self.get_aggregate(PilotUnit, uid, UnitNotFound, when)
        return unit

    def _ledger(self, uid: UUID, actor: str) -> PilotUnit:
        """The unit, to commit or release money against its lines. A unit designated before the
        ledger first takes up what its matters hold, in the same write as the act that needs it."""
        unit = self._unit(uid)
        if not unit.ledger_open:
            unit.open_ledger(self._held_by_matters(uid), actor)
        return unit

    def _held_by_matters(self, uid: UUID) -> dict[str, dict[str, str]]:
        """What the unit's matters hold: a budget in its year, a contract its shares by year."""
        mine = (m for m in self.every(ServiceMatter, ServiceMatter.Identified) if m.unit_id == str(uid))
        return {str(m.id): shares for m in mine if (shares := holding(m.budget, m.contract)) is not None}

    def _committed(self, u: PilotUnit) -> dict[str, str]:
        if not u.ledger_open:  # designated before the ledger: as its matters stand
            return committed_by_year(self._held_by_matters(u.id), u.budget_lines)
        return committed_by_year(u.commitments, u.budget_lines)

    def _plan(self, uid: UUID, when: When | None = None) -> ImplementationPlan:
        self._unit(uid)
        plan: ImplementationPlan = self.get_aggregate(ImplementationPlan, plan_id(uid), PlanNotFound, when)
        return plan

    def _matter(self, mid: UUID, when: When | None = None) -> ServiceMatter:
        matter: ServiceMatter = self.get_aggregate(ServiceMatter, mid, MatterNotFound, when)
        return matter

    def _catalogue_view(self, catalogue_id: UUID) -> CatalogueView | None:
        try:
            view: object = self.repository.get(catalogue_id)
        except AggregateNotFoundError:
            return None
        return view if isinstance(view, CatalogueView) else None

    # --- plain views ------------------------------------------------------------------

    def unit(self, uid: UUID, when: When | None = None) -> dict[str, Any]:
        u = self._unit(uid, when)
        view: dict[str, Any] = to_plain(
            {
                "id": u.id,
                "version": u.version,
                "name": u.name,
                "name_zh": u.name_zh,
                "organisation_id": u.organisation_id,
                "organisation": self._organisation_now(u.organisation_id),
                "unit_type": u.unit_type,
                "competent_department": u.competent_department,
                "staffing_baseline": u.staffing_baseline,
                "staffing": u.staffing,
                "funding_type": u.funding_type,
                "decision_id": u.decision_id,
                "status": u.status,
                "budget_lines": [u.budget_lines[k] for k in sorted(u.budget_lines)],
                "committed_by_year": self._committed(u),  # what matters hold against each line
                "staffing_adjustments": u.staffing_adjustments,
                "closure": u.closure,
                "created_at": u.created_on,
                "modified_at": u.modified_on,
            }
        )
        return view

    def _organisation_now(self, organisation_id: str | None) -> dict[str, Any] | None:
        """The unit's register entry as pilots knows it now: its names today (a bureau renamed
        after the designation is shown by its new name beside the one it was designated under)."""
        if organisation_id is None or UUID(organisation_id) not in self.repository:
            return None
        known: OrganisationView = self.repository.get(UUID(organisation_id))
        return {"id": organisation_id, **known.names(), "withdrawn": known.withdrawn}

    def units(self) -> list[dict[str, Any]]:
        return [self.unit(i) for i in self.ids_of(PilotUnit.Designated)]

    def plan(self, uid: UUID, when: When | None = None) -> dict[str, Any]:
        p = self._plan(uid, when)
        view: dict[str, Any] = to_plain(
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
        return view

    def matter(self, mid: UUID, when: When | None = None) -> dict[str, Any]:
        m = self._matter(mid, when)
        view: dict[str, Any] = to_plain(
            {
                "id": m.id,
                "version": m.version,
                "unit_id": m.unit_id,
                "name": m.name,
                "name_en": m.__dict__.get("name_en"),  # absent from matters identified before it
                "description": m.description,
                "catalogue_id": m.catalogue_id,
                "item_code": m.item_code,
                "item_name": m.item_name,
                "status": m.status,
                "rationale": m.rationale,
                "rejection": m.rejection,
                "budget": m.budget,
                "contract": m.contract,
                "acceptances": m.acceptances,  # of delivery, against the contract
                "accepted": yuan(m.accepted_total()),
                "payments": m.payments,
                "paid": yuan(m.paid_total()),  # what "executed" means
                "funds_moved": [
                    f for f in self._unit(UUID(m.unit_id)).funds_moved if f["matter_id"] == str(m.id)
                ],
                "delivery_started_on": m.delivery_started_on,
                "evaluations": m.evaluations,
                "needs_review": m.needs_review,
                "review_reasons": m.review_reasons,
                "withdrawal": m.withdrawal,
                "created_at": m.created_on,
                "modified_at": m.modified_on,
            }
        )
        return view

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

    def announced_contracts(self) -> list[dict[str, Any]]:
        """Contracts whose announcement is recorded: what the disclosure rule makes public
        (shared/disclosure.py), the same as reporting shows an anonymous reader."""
        rows = []
        for matter_id in self.ids_of(ServiceMatter.Identified):
            matter = self._matter(matter_id)
            if not announced(matter.contract):
                continue
            assert matter.contract is not None
            unit = self._unit(UUID(str(matter.unit_id)))
            rows.append(
                {
                    "matter_id": str(matter_id),
                    "purchaser": unit.name,
                    "service_matter": matter.item_name,
                    "project": matter.name,
                    "undertaker": matter.contract["undertaker"],
                    "contract_amount": matter.contract.get("signed_amount") or matter.contract["amount"],
                    "year": matter.contract["fiscal_year"],
                    "announcement_ref": matter.contract["announcement_ref"],
                    "announced_on": matter.contract["announced_on"],
                }
            )
        return sorted(rows, key=lambda r: (r["year"], r["purchaser"], r["project"]))

    def known_catalogues(self) -> list[dict[str, Any]]:
        return [
            {
                "id": str(c.id),
                "title": c.title,
                "fiscal_year": c.fiscal_year,
                "status": c.status,
                "superseded_by": c.superseded_by,
                "items": sorted(c.items),
            }
            for c in self.every(CatalogueView, CatalogueView.Published)
            if c.status != "withdrawn"
        ]

    def history_of(self, aggregate_id: UUID, not_found: type[Exception]) -> list[dict[str, Any]]:
        if aggregate_id not in self.repository:
            raise not_found(f"no {aggregate_id}")
        return self.history(aggregate_id)
