"""Matters whose catalogue changed under them: flagged for review when their item was dropped, made
unsuitable or given another nature by a revision (or the catalogue revoked), and the three ways a
review ends, so no matter is left in a dead end (issue 12): relinked to an item of the catalogue
in force, continued by the conference office's recorded decision, or withdrawn (its budget
released)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.pilots.commands import ContinueMatter, RelinkMatter, WithdrawMatter
from services.pilots.domain import ServiceMatter
from services.pilots.unit_catalogues import UnitCatalogues
from shared.acts import upstream_on
from shared.messaging.decisions import KnowsDecisions

SYSTEM_ACTOR = "system"


def why_review(code: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> str | None:
    """What a revision changed about the item a matter is converted under (None: nothing that
    matters): dropped, no longer suitable for social forces, or of another nature."""
    if after is None:
        return f"without item {code}"
    if before is None:
        return None
    if before.get("suitable_for_social_forces") and not after.get("suitable_for_social_forces"):
        return f"with item {code} no longer suitable for social forces"
    if before.get("nature") != after.get("nature"):
        return f"with item {code} of another nature ({before.get('nature')} → {after.get('nature')})"
    return None


class Reviews(UnitCatalogues, KnowsDecisions):
    """Part of PilotsApplication: the inbox handlers that flag matters, and the commands that end
    a review."""

    def on_catalogue_superseded(self, envelope: dict[str, Any]) -> list[Aggregate]:
        p = envelope["payload"]
        old = self._catalogue_view(UUID(p["catalogue_id"]))
        if old is None or old.status != "published":
            return []
        old.supersede(superseded_by=p["superseded_by"])
        successor = self._catalogue_view(UUID(p["superseded_by"]))
        items = successor.items if successor else {}
        flagged: list[Aggregate] = []
        with self.acting_on_fact(upstream_on(envelope)):  # flagged when the catalogue changed
            for matter in self._matters_on(old.id):
                change = why_review(
                    matter.item_code, old.items.get(matter.item_code), items.get(matter.item_code)
                )
                if change and matter.flag_for_review(
                    reason=f"catalogue {old.id} was superseded by {p['superseded_by']} {change}",
                    catalogue_id=str(old.id),
                    actor=SYSTEM_ACTOR,
                ):
                    flagged.append(matter)
        return [old, *flagged]

    def on_catalogue_revoked(self, envelope: dict[str, Any]) -> list[Aggregate]:
        p = envelope["payload"]
        view = self._catalogue_view(UUID(p["catalogue_id"]))
        if view is None or view.status == "revoked":
            return []
        view.revoke(reason=p["reason"])
        with self.acting_on_fact(upstream_on(envelope)):
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

    def on_catalogue_flagged_for_review(self, envelope: dict[str, Any]) -> list[Aggregate]:
        """A unit's catalogue whose parent changed: what is bought under the items that lost their
        place under the parent is flagged, as a revision of the catalogue itself flags it."""
        p = envelope["payload"]
        view = self._catalogue_view(UUID(p["catalogue_id"]))
        if view is None:
            return []
        codes = set(p["codes"])
        view.flag_for_review(codes=sorted(codes))  # no new matter under them (require_item)
        how = f"superseded by {p['superseded_by']}" if p["superseded_by"] else "revoked"
        with self.acting_on_fact(upstream_on(envelope)):
            return [view] + [
                m
                for m in self._matters_on(view.id)
                if m.item_code in codes
                and m.flag_for_review(
                    reason=f"catalogue {view.id} was flagged for review: its parent "
                    f"{p['parent_catalogue_id']} was {how} and item {m.item_code} lost its place under it",
                    catalogue_id=str(view.id),
                    actor=SYSTEM_ACTOR,
                )
            ]

    def on_catalogue_review_lifted(self, envelope: dict[str, Any]) -> list[Aggregate]:
        """The parent's latest version gives the unit's catalogue's items their place again: new
        matters may go under them (those flagged keep their own review)."""
        view = self._catalogue_view(UUID(envelope["payload"]["catalogue_id"]))
        if view is None or not view.__dict__.get("flagged"):
            return []
        view.flag_for_review(codes=[])
        return [view]

    def _matters_on(self, catalogue_id: UUID) -> list[ServiceMatter]:
        """Matters identified under this version or under any earlier version it carried on."""
        lineage: set[str] = set()
        view = self._catalogue_view(catalogue_id)
        while view is not None and str(view.id) not in lineage:
            lineage.add(str(view.id))
            view = self._catalogue_view(UUID(view.supersedes)) if view.supersedes else None
        return [m for m in self.every(ServiceMatter, ServiceMatter.Identified) if m.catalogue_id in lineage]

    # --- the ways a review ends ---------------------------------------------------------------

    def relink_matter(self, mid: UUID, command: RelinkMatter, *, actor: str) -> dict[str, Any]:
        matter = self._matter(mid)
        catalogue = self.published_catalogue(command.catalogue_id)
        self.require_on_units_catalogue(self._unit(UUID(matter.unit_id)), catalogue)
        matter.relink(catalogue=catalogue, item_code=command.item_code, reason=command.reason, actor=actor)
        self.save(matter)
        return self.matter(mid)

    def continue_matter(self, mid: UUID, command: ContinueMatter, *, actor: str) -> dict[str, Any]:
        matter = self._matter(mid)
        decision = self.known_decision(command.decision_id)
        matter.continue_as_is(decision=decision, reason=command.reason, actor=actor)
        self.save(matter)
        return self.matter(mid)

    def withdraw_matter(self, mid: UUID, command: WithdrawMatter, *, actor: str) -> dict[str, Any]:
        matter = self._matter(mid)
        unit = self._ledger(UUID(matter.unit_id), actor)
        matter.withdraw(reason=command.reason, actor=actor)
        unit.release(matter_id=str(mid), reason=command.reason, actor=actor)
        self.save(matter, unit)  # the budget released on the unit's ledger in the same write
        return self.matter(mid)
