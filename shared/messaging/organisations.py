"""What a service that names organisations keeps of the conference's register: the inbox
handlers that record each registered organisation as an ``OrganisationView`` (once) and follow its
renames, its withdrawal when the conference's log is replaced, and the lookup its commands check
the organisation they name against."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from shared.messaging.consumer import Handler
from shared.organisations import OrganisationUnknown, OrganisationView
from shared.persistence.listed import Listed
from shared.persistence.listing import DEFAULT_LIMIT, Page, Query, Row


def _organisation_body(o: OrganisationView) -> dict[str, Any]:
    return {
        "id": str(o.id),
        "name_zh": o.name_zh,
        "name_en": o.name_en,
        "registered_on": o.registered_on,
        "credit_code": o.credit_code,
        "former_names": o.former_names,
    }


def _organisation_row(o: OrganisationView) -> Row:
    return Row.of(
        "known_organisation",
        o,
        _organisation_body(o),
        status="withdrawn" if o.withdrawn else "known",
        owner=o.credit_code,
        day=o.registered_on,
        texts=(o.name_zh, o.name_en, o.credit_code, *(n["name_zh"] for n in o.former_names)),
    )


# The register as a service learnt it, as a list it keeps (withdrawn entries are never shown).
KNOWN_ORGANISATIONS = Listed(
    "known_organisation",
    OrganisationView,
    OrganisationView.Known,
    _organisation_row,
    hidden=frozenset({"withdrawn"}),
)


class KnowsOrganisations:
    """Mixed into a ``ServiceApplication`` whose inbox takes the conference's
    ``OrganisationRegistered`` and ``OrganisationRenamed``."""

    # what the ServiceApplication it is mixed into provides
    name: str
    repository: Any
    list_page: Any
    walk: Any

    def on_organisation_registered(self, envelope: dict[str, Any]) -> list[Aggregate]:
        p = envelope["payload"]
        fields = {
            "name_zh": p["name_zh"],
            "name_en": p["name_en"],
            "registered_on": p["registered_on"],
            "credit_code": p.get("credit_code"),
        }
        oid = UUID(p["organisation_id"])
        if oid in self.repository:
            known: OrganisationView = self.repository.get(oid)
            if not known.withdrawn:
                return []
            known.reinstate(**fields)
            return [known]
        return [OrganisationView(organisation_id=str(oid), **fields)]

    def on_organisation_renamed(self, envelope: dict[str, Any]) -> list[Aggregate]:
        """A rename follows its registration on the conference's feed, which is read in order."""
        p = envelope["payload"]
        known = self.known_organisation(UUID(p["organisation_id"]))
        if (known.name_zh, known.name_en) == (p["name_zh"], p["name_en"]):
            return []  # already so named (learnt again after a resync)
        known.rename(name_zh=p["name_zh"], name_en=p["name_en"], renamed_on=p["renamed_on"])
        return [known]

    def forget_organisations(self, reason: str) -> list[Aggregate]:
        """Withdraw every organisation learnt (an operator's resync of the conference)."""
        listed = self.walk(Query("known_organisation", {"status": "known"}))
        known = [self.repository.get(UUID(row["id"])) for row in listed]
        for organisation in known:
            organisation.withdraw(reason=reason)
        return list(known)

    def known_organisation(self, organisation_id: UUID) -> OrganisationView:
        """The registered organisation with that id, or 409 ``OrganisationUnknown``."""
        try:
            view: object = self.repository.get(organisation_id)
        except AggregateNotFoundError:
            view = None
        if not isinstance(view, OrganisationView) or view.withdrawn:
            raise OrganisationUnknown(
                f"no organisation {organisation_id} of the conference's register has reached {self.name}",
                organisation_id=str(organisation_id),
            )
        return view

    def known_organisations(
        self, query: Query | None = None, cursor: str | None = None, limit: int = DEFAULT_LIMIT
    ) -> Page:
        """A page of the register as learnt (never a withdrawn entry)."""
        page: Page = self.list_page(query or Query("known_organisation"), cursor, limit)
        return page

    def organisation_with_code(self, credit_code: str) -> str | None:
        """The id of the register's entry carrying ``credit_code``, as learnt (None: none)."""
        found = self.known_organisations(Query("known_organisation", {"owner": credit_code}), limit=1)
        return found.items[0]["id"] if found.items else None


def _registered(app: Any, envelope: dict[str, Any]) -> list[Any]:
    handled: list[Any] = app.on_organisation_registered(envelope)
    return handled


def _renamed(app: Any, envelope: dict[str, Any]) -> list[Any]:
    handled: list[Any] = app.on_organisation_renamed(envelope)
    return handled


ORGANISATION_HANDLERS: dict[tuple[str, str], Handler] = {
    ("conference", "OrganisationRegistered"): _registered,
    ("conference", "OrganisationRenamed"): _renamed,
}
