"""The organisation register's use cases (a part of ConferenceApplication): register, rename,
look up by id or by a name held in either language, and the check every act naming an
organisation makes."""

from __future__ import annotations

from uuid import UUID

from services.conference.commands import RegisterOrganisation, RenameOrganisation
from services.conference.domain.organisation import Organisation, OrganisationName, name_id
from services.conference.queries import ConferenceQueries, OrganisationNotFound
from services.conference.views import View, organisation_view
from shared.acts import When
from shared.organisations import OrganisationUnknown

LANGUAGES = ("zh", "en")


class OrganisationRegister(ConferenceQueries):
    def register_organisation(self, command: RegisterOrganisation, *, actor: str) -> View:
        organisation = Organisation.register(
            name_zh=command.name_zh, name_en=command.name_en, credit_code=command.credit_code, actor=actor
        )
        claims = self._claims(organisation)
        self.save(organisation, *claims)  # the entry and its names in one write
        return organisation_view(organisation)

    def rename_organisation(self, oid: UUID, command: RenameOrganisation, *, actor: str) -> View:
        organisation: Organisation = self._get(Organisation, oid)
        held = {"zh": organisation.name_zh, "en": organisation.name_en}
        organisation.rename(
            name_zh=command.name_zh, name_en=command.name_en, reason=command.reason, actor=actor
        )
        released = []
        for language, name in held.items():
            now = organisation.name_zh if language == "zh" else organisation.name_en
            if name_id(language, name) != name_id(language, now):
                claim: OrganisationName = self.repository.get(name_id(language, name))
                claim.release()
                released.append(claim)
        self.save(organisation, *released, *self._claims(organisation))
        return organisation_view(organisation)

    def _claims(self, organisation: Organisation) -> list[OrganisationName]:
        """The organisation's names claimed for it (409 ``NameTaken`` if another holds one)."""
        claims = []
        names = [("zh", organisation.name_zh), ("en", organisation.name_en)]
        if organisation.credit_code:  # one entry per code, too
            names.append(("code", organisation.credit_code))
        for language, name in names:
            nid = name_id(language, name)
            if nid in self.repository:
                claim: OrganisationName = self.repository.get(nid)
                claim.claim(name=name, organisation_id=str(organisation.id))
                claims.append(claim)
            else:
                claims.append(
                    OrganisationName(language=language, name=name, organisation_id=str(organisation.id))
                )
        return claims

    # --- queries ------------------------------------------------------------

    def organisation(self, oid: UUID, when: When | None = None) -> View:
        return organisation_view(self._get(Organisation, oid, when))

    def organisations(self, name: str) -> list[View]:
        """Who holds ``name`` now, in either language (at most one organisation a language)."""
        ids = [h for h in (self._holder(language, name) for language in LANGUAGES) if h is not None]
        return [organisation_view(self._get(Organisation, i)) for i in dict.fromkeys(ids)]

    def _holder(self, language: str, name: str) -> UUID | None:
        nid = name_id(language, name)
        if nid not in self.repository:
            return None
        holder: str | None = self.repository.get(nid).holder
        return UUID(holder) if holder else None

    def registered(self, organisation_id: str | None, what: str) -> Organisation:
        """The organisation ``what`` names by its register id, or 409 ``OrganisationUnknown``."""
        try:
            return self._get(Organisation, UUID(str(organisation_id).strip()))
        except (ValueError, OrganisationNotFound):
            raise OrganisationUnknown(
                f"{what} names {organisation_id!r}, which is no organisation on the register: "
                "name an organisation by its register id (GET /organisations?name=…)",
                organisation_id=organisation_id,
            ) from None
