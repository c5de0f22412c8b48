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
        the versions of the one its plan names (its competent department's for it: not every
        catalogue that department holds, which may be for its other units)."""
        found: dict[str, CatalogueView] = {}
        if unit.organisation_id:
            for row in self.walk(
                Query("known_catalogue", {"type": DEPARTMENTAL, "owner": unit.organisation_id})
            ):
                mine = self._catalogue_view(UUID(row["id"]))
                if mine is not None:
                    found[row["id"]] = mine
        plan = self._plan(unit.id) if plan_id(unit.id) in self.repository else None
        named = plan.__dict__.get("catalogue_id") if plan is not None else None  # older plans lack it
        for version in self._versions_of(UUID(named)) if named else []:
            found[str(version.id)] = version
        return list(found.values())

    def _versions_of(self, catalogue_id: UUID) -> list[CatalogueView]:
        """Every version learnt of ``catalogue_id``'s line: the ones it revised and its revisions."""
        versions: dict[str, CatalogueView] = {}
        for step in ("supersedes", "superseded_by"):
            view, seen = self._catalogue_view(catalogue_id), set()
            while view is not None and str(view.id) not in seen:
                seen.add(str(view.id))
                versions[str(view.id)] = view
                following = getattr(view, step)
                view = self._catalogue_view(UUID(following)) if following else None
        return list(versions.values())

    def in_force_on(self, catalogue: CatalogueView, day: str) -> bool:
        """Whether ``catalogue`` was in force on ``day``: published by then, and not yet replaced by
        a revision published by then (one revoked or withdrawn is not, whatever the day)."""
        if (
            catalogue.status == "superseded"
            and catalogue.superseded_by
            and (catalogue.published_on or "") <= day
        ):
            successor = self._catalogue_view(UUID(catalogue.superseded_by))
            return successor is not None and (successor.published_on or "") > day
        return catalogue.in_force_on(day)

    def require_on_units_catalogue(self, unit: PilotUnit, catalogue: CatalogueView) -> None:
        """A matter of ``unit`` is identified (or relinked) on ``catalogue``: its own if it has one
        in force on the act's date."""
        own, day = self.units_catalogues(unit), act_on()
        in_force = [c for c in own if self.in_force_on(c, day)]
        require_on_units_catalogue(unit.name, catalogue, own, in_force)
