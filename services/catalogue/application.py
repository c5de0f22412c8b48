"""Catalogue use cases: one method each; queries return plain data."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.catalogue.domain import (
    NATIONAL_NEGATIVE_LIST,
    Catalogue,
    DuplicateNegativeListEntry,
    NegativeList,
    NotFound,
)
from shared.persistence.eventlog import ServiceApplication, to_plain

SYSTEM_ACTOR = "system"


class CatalogueNotFound(NotFound):
    pass


class CatalogueApplication(ServiceApplication):
    name = "catalogue"
    # A catalogue grows by one event per node: snapshots keep loading it cheap.
    snapshotting_intervals = {Catalogue: 50}

    # --- negative list ---------------------------------------------------

    def ensure_national_negative_list(self) -> int:
        """Open the negative list with the national entries on first start; returns entries added."""
        try:
            negative_list = self.repository.get(NegativeList.ID)
        except AggregateNotFoundError:
            negative_list = NegativeList(actor=SYSTEM_ACTOR)
        added = 0
        for entry in NATIONAL_NEGATIVE_LIST:
            if entry["code"] not in negative_list.entries:
                negative_list.add_entry(actor=SYSTEM_ACTOR, **entry)
                added += 1
        if added:
            self.save(negative_list)
        return added

    def _negative_list(self) -> NegativeList:
        try:
            return self.repository.get(NegativeList.ID)
        except AggregateNotFoundError:
            return NegativeList(actor=SYSTEM_ACTOR)

    def negative_list(self) -> list[dict[str, str]]:
        return sorted(self._negative_list().entries.values(), key=lambda e: e["code"])

    def add_negative_list_entry(self, *, code: str, text: str, legal_basis: str, actor: str) -> None:
        negative_list = self._negative_list()
        negative_list.add_entry(code=code, text=text, legal_basis=legal_basis, actor=actor)
        self.save(negative_list)

    # --- catalogues ------------------------------------------------------

    def _get(self, catalogue_id: UUID, as_of: datetime | None = None) -> Catalogue:
        return self.get_aggregate(Catalogue, catalogue_id, CatalogueNotFound, as_of)

    def draft_catalogue(self, *, actor: str, **fields: Any) -> UUID:
        if fields.get("parent_catalogue_id") is not None:
            self._get(UUID(str(fields["parent_catalogue_id"])))
            fields["parent_catalogue_id"] = str(fields["parent_catalogue_id"])
        catalogue = Catalogue.draft(actor=actor, **fields)
        self.save(catalogue)
        return catalogue.id

    def add_node(self, catalogue_id: UUID, *, actor: str, **node: Any) -> dict[str, Any]:
        catalogue = self._get(catalogue_id)
        catalogue.add_node(actor=actor, negative_list=self._negative_list().entries, **node)
        self.save(catalogue)
        return dict(catalogue.nodes[node["code"]])

    def change_node(self, catalogue_id: UUID, code: str, *, actor: str, **changes: Any) -> dict[str, Any]:
        catalogue = self._get(catalogue_id)
        catalogue.change_node(code, actor=actor, negative_list=self._negative_list().entries, **changes)
        self.save(catalogue)
        return dict(catalogue.nodes[code])

    def remove_node(self, catalogue_id: UUID, code: str, *, actor: str) -> None:
        catalogue = self._get(catalogue_id)
        catalogue.remove_node(code, actor=actor)
        self.save(catalogue)

    def record_consultation(
        self, catalogue_id: UUID, *, departments: list[str], expert_review: bool, actor: str
    ) -> None:
        catalogue = self._get(catalogue_id)
        catalogue.record_consultation(departments=departments, expert_review=expert_review, actor=actor)
        self.save(catalogue)

    def publish(self, catalogue_id: UUID, *, decision_ref: str, actor: str) -> dict[str, Any]:
        catalogue = self._get(catalogue_id)
        previous = self._get(UUID(catalogue.supersedes)) if catalogue.supersedes else None
        catalogue.publish(
            decision_ref=decision_ref,
            actor=actor,
            previous=previous,
            negative_list=self._negative_list().entries,
        )
        # One save of both versions: the new one is never in force beside the old.
        self.save(catalogue, previous)
        return self.catalogue(catalogue_id)

    def revise(self, catalogue_id: UUID, *, actor: str) -> UUID:
        draft = self._get(catalogue_id).revise(actor=actor)
        self.save(draft)
        return draft.id

    def revoke(self, catalogue_id: UUID, *, reason: str, actor: str) -> None:
        catalogue = self._get(catalogue_id)
        catalogue.revoke(reason=reason, actor=actor)
        self.save(catalogue)

    # --- queries ---------------------------------------------------------

    def catalogue(self, catalogue_id: UUID, as_of: datetime | None = None) -> dict[str, Any]:
        return self._describe(self._get(catalogue_id, as_of), with_nodes=True)

    def catalogues(self, statuses: set[str] | None = None) -> list[dict[str, Any]]:
        rows = []
        for catalogue_id in self.ids_of(Catalogue.Drafted):
            catalogue = self._get(catalogue_id)
            if statuses is None or catalogue.status in statuses:
                rows.append(self._describe(catalogue, with_nodes=False))
        return sorted(rows, key=lambda r: r["created_at"])

    def status_of(self, catalogue_id: UUID) -> str:
        return self._get(catalogue_id).status

    @staticmethod
    def _describe(catalogue: Catalogue, *, with_nodes: bool) -> dict[str, Any]:
        row = {
            "id": str(catalogue.id),
            "version": catalogue.version,
            "title": catalogue.title,
            "jurisdiction": catalogue.jurisdiction,
            "level": catalogue.level,
            "issuer": catalogue.issuer,
            "fiscal_year": catalogue.fiscal_year,
            "document_number": catalogue.document_number,
            "parent_catalogue_id": catalogue.parent_catalogue_id,
            "supersedes": catalogue.supersedes,
            "superseded_by": catalogue.superseded_by,
            "status": catalogue.status,
            "consultation": catalogue.consultation,
            "decision_ref": catalogue.decision_ref,
            "revision": catalogue.revision,
            "revoked_reason": catalogue.revoked_reason,
            "node_count": len(catalogue.nodes),
            "created_at": catalogue.created_on.isoformat(),
            "modified_at": catalogue.modified_on.isoformat(),
        }
        if with_nodes:
            row["nodes"] = [catalogue.nodes[c] for c in sorted(catalogue.nodes)]
        return to_plain(row)


__all__ = ["CatalogueApplication", "CatalogueNotFound", "DuplicateNegativeListEntry"]
