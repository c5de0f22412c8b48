"""The views pilots keeps of other services' facts, built from their integration events (the
conference's decisions: the kit's ``shared.decisions``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.pilots.domain.errors import (
    CatalogueNotInForce,
    ItemNotSuitable,
    ItemUnderReview,
    NotOnCatalogue,
)
from shared.acts import act_on
from shared.decisions import DecisionView as DecisionView  # re-exported: the kit's view of decisions
from shared.domain import require_in_order


class CatalogueView(Aggregate):
    """A published catalogue version and its items (from catalogue events)."""

    class Published(Aggregate.Created):
        catalogue_id: str
        title: str
        fiscal_year: int
        items: list[dict[str, Any]]
        supersedes: str | None
        published_on: str | None  # the publication's effective date (None: learnt before dates)
        # its level, parent and unit (None: learnt before the catalogue told them)
        level: str | None
        parent_catalogue_id: str | None
        organisation_id: str | None

        class_version = 3

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["published_on"] = None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state.update(level=None, parent_catalogue_id=None, organisation_id=None)

    class Superseded(Aggregate.Event):
        superseded_by: str

    class Revoked(Aggregate.Event):
        reason: str

    class FlaggedForReview(Aggregate.Event):
        """A unit's catalogue whose parent changed: these items lost their place under it."""

        codes: list[str]

    class Withdrawn(Aggregate.Event):
        """The catalogue's log this view came from was replaced (an operator's resync)."""

        reason: str

    class Reinstated(Aggregate.Event):
        """The catalogue's new log published it too (as it holds it now)."""

        title: str
        fiscal_year: int
        items: list[dict[str, Any]]
        supersedes: str | None
        level: str | None
        parent_catalogue_id: str | None
        organisation_id: str | None

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.update(level=None, parent_catalogue_id=None, organisation_id=None)

    @staticmethod
    def create_id(catalogue_id: str, **_: Any) -> UUID:
        return UUID(catalogue_id)

    @event(Published)
    def __init__(  # by name, never by place; no bare * (eventsourcing would require every one)
        self,
        catalogue_id: str,
        title: str,
        fiscal_year: int,
        items: list[dict[str, Any]],
        supersedes: str | None,
        published_on: str | None,
        level: str | None = None,
        parent_catalogue_id: str | None = None,
        organisation_id: str | None = None,
    ) -> None:
        self._place(level, parent_catalogue_id, organisation_id)
        self.title = title
        self.fiscal_year = fiscal_year
        self.items = {i["code"]: dict(i) for i in items}
        self.supersedes = supersedes
        self.published_on = published_on
        self.status = "published"
        self.superseded_by: str | None = None
        self.flagged: list[str] = []  # items that lost their place under the parent

    @event(Superseded)
    def supersede(self, superseded_by: str) -> None:
        self.superseded_by = superseded_by
        self.status = "superseded"

    @event(Revoked)
    def revoke(self, reason: str) -> None:
        self.status = "revoked"

    @event(FlaggedForReview)
    def flag_for_review(self, codes: list[str]) -> None:
        self.flagged = sorted(codes)  # none: its parent's latest version gives them their place again

    @event(Withdrawn)
    def withdraw(self, reason: str) -> None:
        self.status = "withdrawn"

    @event(Reinstated)
    def reinstate(
        self,
        title: str,
        fiscal_year: int,
        items: list[dict[str, Any]],
        supersedes: str | None,
        level: str | None,
        parent_catalogue_id: str | None,
        organisation_id: str | None,
    ) -> None:
        self._place(level, parent_catalogue_id, organisation_id)
        self.title = title
        self.fiscal_year = fiscal_year
        self.items = {i["code"]: dict(i) for i in items}
        self.supersedes = supersedes
        self.status = "published"
        self.superseded_by = None
        self.flagged = []  # the new log flags it again if it does

    def _place(self, level: str | None, parent_catalogue_id: str | None, organisation_id: str | None) -> None:
        self.level = level
        self.parent_catalogue_id = parent_catalogue_id
        self.organisation_id = organisation_id  # a departmental one's unit, by the register's id

    def in_force_on(self, day: str) -> bool:
        """Published (and not since superseded, revoked or withdrawn), and already on ``day``."""
        return self.status == "published" and (self.published_on or "") <= day

    def require_item(self, code: str) -> dict[str, Any]:
        """The item a service matter may be converted under: in force (and already on the act's
        date), present, suitable."""
        require_in_order(f"the publication of catalogue {self.id}", self.published_on, "this act", act_on())
        if self.status != "published":
            raise CatalogueNotInForce(f"catalogue {self.id} is {self.status}", status=self.status)
        item = self.items.get(code)
        if item is None:
            raise NotOnCatalogue(f"catalogue {self.id} has no item {code!r}", code=code)
        if not item["suitable_for_social_forces"]:
            raise ItemNotSuitable(f"item {code} is not suitable for social forces", code=code)
        if code in self.__dict__.get("flagged", ()):  # views learnt before flags have none
            raise ItemUnderReview(
                f"item {code} of catalogue {self.id} lost its place under the parent catalogue: "
                "nothing is bought under it until the catalogue is revised",
                code=code,
            )
        return item
