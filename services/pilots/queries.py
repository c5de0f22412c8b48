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
from services.pilots.listing import matter_body, unit_body
from shared.acts import When
from shared.domain import NotFound
from shared.money import committed_by_year, holding
from shared.organisations import OrganisationView
from shared.persistence.eventlog import ServiceApplication, to_plain
from shared.persistence.listing import DEFAULT_LIMIT, Page, Query

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
        mine = self.walk(Query("matter", {"owner": str(uid)}))
        return {m["id"]: shares for m in mine if (shares := holding(m["budget"], m["contract"])) is not None}

    def _matters_of(self, uid: UUID) -> list[ServiceMatter]:
        """The unit's matters (found by the list rows, read whole from the log)."""
        return [self._matter(UUID(m["id"])) for m in self.walk(Query("matter", {"owner": str(uid)}))]

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
        return self._presented_unit(unit_body(u), u)

    def present_units(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Units' views as a list answers them (now): each with its register entry and what its
        matters hold against each budget line."""
        return [self._presented_unit(body, self._unit(UUID(body["id"]))) for body in bodies]

    def _presented_unit(self, body: dict[str, Any], unit: PilotUnit) -> dict[str, Any]:
        """The view with what it shows of other records: the register entry as known now, and the
        commitments as ``unit`` (as it stood when asked about) holds them."""
        return {
            **body,
            "organisation": self._organisation_now(body["organisation_id"]),
            "committed_by_year": self._committed(unit),  # what matters hold against each line
        }

    def _organisation_now(self, organisation_id: str | None) -> dict[str, Any] | None:
        """The unit's register entry as pilots knows it now: its names today (a bureau renamed
        after the designation is shown by its new name beside the one it was designated under)."""
        if organisation_id is None or UUID(organisation_id) not in self.repository:
            return None
        known: OrganisationView = self.repository.get(UUID(organisation_id))
        return {"id": organisation_id, **known.names(), "withdrawn": known.withdrawn}

    def units(self, query: Query, cursor: str | None = None, limit: int = DEFAULT_LIMIT) -> Page:
        page: Page = self.list_page(query, cursor, limit)
        return Page(self.present_units(page.items), page.next_cursor)

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
                "catalogue_id": p.__dict__.get("catalogue_id"),  # the unit's own catalogue, once named
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
        return self.present_matters([matter_body(self._matter(mid, when))])[0]

    def present_matters(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Matters' views as answered: each with the moves of funds its unit recorded for it."""
        units: dict[str, PilotUnit] = {}
        shown = []
        for body in bodies:
            unit = units.get(body["unit_id"]) or units.setdefault(
                body["unit_id"], self._unit(UUID(body["unit_id"]))
            )
            shown.append(
                {**body, "funds_moved": [f for f in unit.funds_moved if f["matter_id"] == body["id"]]}
            )
        return shown

    def matters(self, query: Query, cursor: str | None = None, limit: int = DEFAULT_LIMIT) -> Page:
        page: Page = self.list_page(query, cursor, limit)
        return Page(self.present_matters(page.items), page.next_cursor)

    def announced_contracts(
        self, query: Query, cursor: str | None = None, limit: int = DEFAULT_LIMIT
    ) -> Page:
        """Contracts whose announcement is recorded: what the disclosure rule makes public
        (shared/disclosure.py), the same as reporting shows an anonymous reader; a page of
        them in the order their matters were identified, each with its purchaser's name now."""
        page: Page = self.list_page(query, cursor, limit)
        units: dict[str, str] = {}
        shown = []
        for body in page.items:
            unit_id = body.pop("unit_id")
            purchaser = units.get(unit_id) or units.setdefault(unit_id, self._unit(UUID(unit_id)).name)
            shown.append({"matter_id": body.pop("matter_id"), "purchaser": purchaser, **body})
        return Page(shown, page.next_cursor)

    def known_catalogues(
        self, query: Query | None = None, cursor: str | None = None, limit: int = DEFAULT_LIMIT
    ) -> Page:
        """A page of the published catalogues learnt (never a withdrawn one)."""
        page: Page = self.list_page(query or Query("known_catalogue"), cursor, limit)
        return page

    def history_of(
        self, aggregate_id: UUID, not_found: type[Exception], after: int = 0, limit: int | None = None
    ) -> list[dict[str, Any]]:
        if aggregate_id not in self.repository:
            raise not_found(f"no {aggregate_id}")
        return self.history(aggregate_id, after, limit)
