"""Part of PilotsApplication: each pilot unit's own guidance catalogue (issue 18). The unit's plan
names it; a unit that has one in force identifies its service matters only on it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.pilots.commands import NamePlanCatalogue
from services.pilots.domain import CatalogueView, PilotUnit, plan_id
from services.pilots.domain.unit_catalogue import DEPARTMENTAL, require_on_units_catalogue
from services.pilots.queries import PilotsQueries
from shared.acts import act_on
from shared.domain import DomainRuleViolation
from shared.messaging.decisions import KnowsDecisions
from shared.messaging.organisations import KnowsOrganisations
from shared.organisations import OrganisationUnknown, OrganisationView
from shared.persistence.listing import Query


class CatalogueNotPublished(DomainRuleViolation):
    """No published catalogue with that id has reached pilots: a draft, or not yet arrived."""


class UnitCatalogues(PilotsQueries, KnowsDecisions, KnowsOrganisations):
    def published_catalogue(self, catalogue_id: UUID) -> CatalogueView:
        catalogue = self._catalogue_view(catalogue_id)
        if catalogue is None:
            raise CatalogueNotPublished(
                f"catalogue {catalogue_id} is not published (or its publication has not reached pilots yet)",
                catalogue_id=str(catalogue_id),
            )
        return catalogue

    def name_plan_catalogue(self, uid: UUID, command: NamePlanCatalogue, *, actor: str) -> dict[str, Any]:
        plan, unit = self._plan(uid), self._unit(uid)
        catalogue = self.published_catalogue(command.catalogue_id)
        plan.name_catalogue(
            catalogue=catalogue, unit=unit, organisation=self._organisation_of(catalogue), actor=actor
        )
        self.save(plan)
        return self.plan(uid)

    def _organisation_of(self, catalogue: CatalogueView) -> OrganisationView | None:
        if catalogue.organisation_id is None:
            return None
        try:
            return self.known_organisation(UUID(catalogue.organisation_id))
        except OrganisationUnknown:
            return None

    def units_catalogues(self, unit: PilotUnit) -> list[CatalogueView]:
        """The departmental catalogues that are the unit's, in any status: those naming it, and
        those of the organisation whose catalogue its plan names (its competent department's)."""
        owners = {unit.organisation_id} if unit.organisation_id else set()
        plan = self._plan(unit.id) if plan_id(unit.id) in self.repository else None
        named = plan.__dict__.get("catalogue_id") if plan is not None else None  # older plans lack it
        view = self._catalogue_view(UUID(named)) if named else None
        found = {str(view.id): view} if view is not None else {}
        if view is not None and view.organisation_id:
            owners.add(view.organisation_id)
        for owner in sorted(owners):
            for row in self.walk(Query("known_catalogue", {"type": DEPARTMENTAL, "owner": owner})):
                mine = self._catalogue_view(UUID(row["id"]))
                if mine is not None:
                    found[row["id"]] = mine
        return list(found.values())

    def require_on_units_catalogue(self, unit: PilotUnit, catalogue: CatalogueView) -> None:
        """A matter of ``unit`` is identified (or relinked) on ``catalogue``: its own if it has one."""
        require_on_units_catalogue(unit.name, catalogue, self.units_catalogues(unit), act_on())
