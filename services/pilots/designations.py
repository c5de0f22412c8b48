"""Pilot units as the conference's register names them (a part of PilotsApplication): a unit is
designated as a registered organisation, by a decision naming its register id; one designated
before the register, by its name, is linked to its organisation's entry; no organisation is two
units."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.pilots.commands import DesignateUnit, LinkUnit
from services.pilots.domain import DuplicateUnit, OrganisationDoesNotMatch, PilotUnit, unit_of
from services.pilots.queries import PilotsQueries
from shared.messaging.decisions import KnowsDecisions
from shared.messaging.organisations import KnowsOrganisations
from shared.organisations import OrganisationView, name_key


class Designations(PilotsQueries, KnowsDecisions, KnowsOrganisations):
    def designate_unit(self, command: DesignateUnit, *, actor: str) -> dict[str, Any]:
        organisation = self.known_organisation(command.organisation_id)
        already = self._unit_of(organisation)
        if already is not None:
            raise DuplicateUnit(
                f"{organisation.name_zh} ({organisation.name_en}) is already the pilot unit {already.id}"
                + (
                    ""
                    if already.organisation_id
                    else " (designated by its name before the register: link it)"
                ),
                organisation_id=str(organisation.id),
                unit_id=str(already.id),
            )
        unit = PilotUnit.designate(
            decision=self.known_decision(command.decision_id),
            organisation=organisation,
            unit_type=command.unit_type,
            competent_department=command.competent_department,
            staffing_baseline=command.staffing_baseline,
            funding_type=command.funding_type,
            actor=actor,
        )
        self.save(unit)
        return self.unit(unit.id)

    def _unit_of(self, organisation: OrganisationView) -> PilotUnit | None:
        """The pilot unit that is ``organisation``: by its register id, or designated before the
        register under a name the organisation has or had (however written)."""
        if unit_of(str(organisation.id)) in self.repository:
            found: PilotUnit = self.repository.get(unit_of(str(organisation.id)))
            return found
        names = organisation.every_name()
        for unit in self.every(PilotUnit, PilotUnit.Designated):
            if unit.organisation_id == str(organisation.id) or (
                unit.organisation_id is None and name_key(unit.name) in names
            ):
                return unit
        return None

    def link_unit(self, uid: UUID, command: LinkUnit, *, actor: str) -> dict[str, Any]:
        unit = self._unit(uid)
        organisation = self.known_organisation(command.organisation_id)
        other = self._unit_of(organisation)
        if other is not None and other.id != unit.id:
            raise OrganisationDoesNotMatch(
                f"{organisation.name_zh} ({organisation.name_en}) is the pilot unit {other.id}",
                organisation_id=str(organisation.id),
                unit_id=str(other.id),
            )
        unit.link(organisation, actor=actor)
        self.save(unit)
        return self.unit(uid)
