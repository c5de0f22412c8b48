"""The register of parties to purchases (a part of PilotsApplication): purchasers and undertakers
under their unified social credit codes, linked to the conference register's entry that carries
the same code, their types over time; and the check every contract makes of the parties it names."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.pilots.commands import ChangePartyType, RegisterParty
from services.pilots.domain import DuplicateParty, Party, PartyUnknown, party_id
from services.pilots.listing import party_body
from services.pilots.queries import PilotsQueries
from shared.acts import When
from shared.credit import code_fits_type
from shared.domain import NotFound
from shared.persistence.listing import DEFAULT_LIMIT, Page, Query


class PartyNotFound(NotFound):
    pass


class Parties(PilotsQueries):
    def register_party(self, command: RegisterParty, *, actor: str) -> dict[str, Any]:
        if party_id(command.credit_code) in self.repository:
            raise DuplicateParty(
                f"credit code {command.credit_code} is already registered",
                party_id=str(party_id(command.credit_code)),
            )
        party = Party.register(
            credit_code=command.credit_code,
            party_type=command.party_type,
            name_zh=command.name_zh,
            name_en=command.name_en,
            organisation_id=self._organisation_with_code(command.credit_code),
            actor=actor,
        )
        self.save(party)
        return self.party(party.id)

    def _organisation_with_code(self, credit_code: str) -> str | None:
        """The conference register's entry carrying the same credit code, as pilots knows it."""
        found: str | None = self.organisation_with_code(credit_code)  # type: ignore[attr-defined]
        return found

    def change_party_type(self, pid: UUID, command: ChangePartyType, *, actor: str) -> dict[str, Any]:
        party = self._party(pid)
        fits = code_fits_type(party.credit_code, command.party_type)
        party.change_type(party_type=command.party_type, reason=command.reason, fits=fits, actor=actor)
        self.save(party)
        return self.party(pid)

    def _party(self, pid: UUID, when: When | None = None) -> Party:
        party: Party = self.get_aggregate(Party, pid, PartyNotFound, when)
        return party

    def named_party(self, pid: UUID, role: str) -> Party:
        """The party a contract names as ``role``, or 409 ``PartyUnknown``."""
        try:
            return self._party(pid)
        except PartyNotFound:
            raise PartyUnknown(
                f"the {role} {pid} is not on the register of parties (POST /parties)", party_id=str(pid)
            ) from None

    def party(self, pid: UUID, when: When | None = None) -> dict[str, Any]:
        return party_body(self._party(pid, when))

    def parties(self, query: Query, cursor: str | None = None, limit: int = DEFAULT_LIMIT) -> Page:
        page: Page = self.list_page(query, cursor, limit)
        return page
