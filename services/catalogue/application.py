"""Catalogue use cases: one method each; queries return plain data."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.catalogue.commands import (
    AddNegativeListEntry,
    AddNode,
    ChangeNode,
    DraftCatalogue,
    Publish,
    RecordConsultation,
    RemoveNode,
    Revise,
    Revoke,
)
from services.catalogue.domain import (
    NATIONAL_NEGATIVE_LIST,
    Catalogue,
    DecisionMissing,
    DuplicateNegativeListEntry,
    NegativeList,
)
from services.catalogue.domain.departmental import DEPARTMENTAL, check_item, check_under_parent
from services.catalogue.domain.errors import ParentNotARevision, ParentNotInForce
from services.catalogue.domain.versions import lost_items, review_of, revision_of
from shared.acts import When, act_on
from shared.decisions import DecisionUnknown, DecisionView
from shared.domain import NotFound, require_in_order
from shared.messaging.decisions import KNOWN_DECISIONS, KnowsDecisions
from shared.messaging.organisations import KNOWN_ORGANISATIONS, KnowsOrganisations
from shared.persistence.eventlog import EventTooLarge, ServiceApplication, to_plain
from shared.persistence.listed import Listed
from shared.persistence.listing import Page, Query, Row
from shared.persistence.topics import moved
from shared.vocabulary.catalogue import PUBLISHED

# The aggregates lived in the module services.catalogue.domain before it became a package:
# stored events and snapshots name that module.
moved("services.catalogue.domain", Catalogue, NegativeList)

SYSTEM_ACTOR = "system"


# MOF Order No. 102 (2020), whose Art. 10 is the national negative list, took effect on this date.
NATIONAL_RULES_IN_FORCE_ON = "2020-03-01"


class CatalogueNotFound(NotFound):
    pass


def catalogue_row(catalogue: Catalogue) -> Row:
    """A catalogue's list row: filtered by status, jurisdiction (owner), level (type), fiscal
    year, whether it is flagged for review (flag) and a unit's catalogue by its unit (holder);
    found by its title, document number, issuer and jurisdiction."""
    return Row.of(
        "catalogue",
        catalogue,
        CatalogueApplication.describe(catalogue, with_nodes=False),
        status=catalogue.status,
        owner=catalogue.jurisdiction,
        type=catalogue.level,
        year=catalogue.fiscal_year,
        flag=catalogue.status == PUBLISHED and review_of(catalogue) is not None,
        holder=catalogue.__dict__.get("organisation_id"),  # older snapshots lack it
        texts=(catalogue.title, catalogue.document_number, catalogue.issuer, catalogue.jurisdiction),
    )


class CatalogueApplication(KnowsDecisions, KnowsOrganisations, ServiceApplication):
    name = "catalogue"
    lists = (
        Listed("catalogue", Catalogue, Catalogue.Drafted, catalogue_row, version=4),  # 4: its unit, a filter
        KNOWN_DECISIONS,
        KNOWN_ORGANISATIONS,
    )
    # A catalogue grows by one event per node: snapshots keep loading it cheap.
    snapshotting_intervals = {Catalogue: 50}

    # --- negative list ---------------------------------------------------

    def ensure_national_negative_list(self) -> int:
        """Open the negative list with the national entries on first start; returns entries added."""
        negative_list = self._negative_list()
        added = 0
        with self.acting_on_fact(NATIONAL_RULES_IN_FORCE_ON):  # in force since the Order, not since today
            for entry in NATIONAL_NEGATIVE_LIST:
                if entry["code"] not in negative_list.entries:
                    negative_list.add_entry(actor=SYSTEM_ACTOR, **entry)
                    added += 1
        if added:
            self.save(negative_list)
        return added

    def _negative_list(self) -> NegativeList:
        try:
            negative_list: NegativeList = self.repository.get(NegativeList.ID)
        except AggregateNotFoundError:
            return NegativeList(actor=SYSTEM_ACTOR)
        return negative_list

    def negative_list(self) -> list[dict[str, str]]:
        return sorted(self._negative_list().entries.values(), key=lambda e: e["code"])

    def add_negative_list_entry(self, command: AddNegativeListEntry, *, actor: str) -> list[dict[str, str]]:
        negative_list = self._negative_list()
        negative_list.add_entry(
            code=command.code, text=command.text, legal_basis=command.legal_basis, actor=actor
        )
        self.save(negative_list)
        return self.negative_list()

    # --- catalogues ------------------------------------------------------

    def _get(self, catalogue_id: UUID, when: When | None = None) -> Catalogue:
        catalogue: Catalogue = self.get_aggregate(Catalogue, catalogue_id, CatalogueNotFound, when)
        return catalogue

    def _save_and_view_node(self, catalogue: Catalogue, code: str) -> dict[str, Any]:
        """Save, and answer the view of the one node the command changed: a catalogue holds up
        to thousands of nodes, and the view of them all would cost every write its size."""
        self.save(catalogue)
        return dict(catalogue.nodes[code])

    def _save_and_view(self, catalogue: Catalogue, *also: Catalogue | None) -> dict[str, Any]:
        """Save, and answer the plain view of ``catalogue`` (what its query returns)."""
        self.save(catalogue, *also)
        return self.describe(catalogue, with_nodes=True)

    def draft_catalogue(self, command: DraftCatalogue, *, actor: str) -> dict[str, Any]:
        parent_id, unit = command.parent_catalogue_id, command.organisation_id
        if parent_id is not None:
            self._get(parent_id)
        if unit is not None:  # the unit is on the conference's register, as the catalogue learnt it
            self.known_organisation(unit)
        catalogue = Catalogue.draft(
            title=command.title,
            jurisdiction=command.jurisdiction,
            level=command.level,
            issuer=command.issuer,
            fiscal_year=command.fiscal_year,
            actor=actor,
            document_number=command.document_number,
            parent_catalogue_id=str(parent_id) if parent_id is not None else None,
            organisation_id=str(unit) if unit is not None else None,
        )
        return self._save_and_view(catalogue)

    def add_node(self, catalogue_id: UUID, command: AddNode, *, actor: str) -> dict[str, Any]:
        catalogue = self._get(catalogue_id)
        catalogue.add_node(
            code=command.code,
            name=command.name,
            actor=actor,
            negative_list=self._negative_list().entries,
            parent_code=command.parent_code,
            kind=command.kind,
            description=command.description,
            nature=command.nature,
            suitable_for_social_forces=command.suitable_for_social_forces,
            basic_public_service=command.basic_public_service,
            procurement_item_code=command.procurement_item_code,
            response=command.consultation_response,
        )
        self._check_node_under_parent(catalogue, command.code)
        return self._save_and_view_node(catalogue, command.code)

    def _parent(self, catalogue: Catalogue) -> Catalogue | None:
        return self._get(UUID(catalogue.parent_catalogue_id)) if catalogue.parent_catalogue_id else None

    def _check_node_under_parent(self, catalogue: Catalogue, code: str) -> None:
        """A departmental draft's item, as added or changed, against its parent's items (again
        at publication, against the parent as it stands then)."""
        parent = self._parent(catalogue)
        if catalogue.level == DEPARTMENTAL and parent is not None:
            check_item(catalogue.nodes[code], parent.nodes)

    def change_node(
        self, catalogue_id: UUID, code: str, command: ChangeNode, *, actor: str
    ) -> dict[str, Any]:
        catalogue = self._get(catalogue_id)
        catalogue.change_node(
            code,
            actor=actor,
            negative_list=self._negative_list().entries,
            response=command.consultation_response,
            **command.changes(),
        )
        self._check_node_under_parent(catalogue, code)
        return self._save_and_view_node(catalogue, code)

    def remove_node(self, catalogue_id: UUID, command: RemoveNode, *, actor: str) -> dict[str, Any]:
        catalogue = self._get(catalogue_id)
        removed = dict(catalogue.nodes.get(command.code) or {})
        catalogue.remove_node(command.code, actor=actor, response=command.consultation_response)
        self.save(catalogue)
        return removed  # the node as it stood when removed

    def record_consultation(
        self, catalogue_id: UUID, command: RecordConsultation, *, actor: str
    ) -> dict[str, Any]:
        catalogue = self._get(catalogue_id)
        review = asdict(command.expert_review) if command.expert_review is not None else None
        catalogue.record_consultation(
            departments=list(command.departments), expert_review=review, actor=actor
        )
        return self._save_and_view(catalogue)

    def publish(self, catalogue_id: UUID, command: Publish, *, actor: str) -> dict[str, Any]:
        catalogue = self._get(catalogue_id)
        self._require_publishable_size(catalogue)
        previous = self._get(UUID(catalogue.supersedes)) if catalogue.supersedes else None
        catalogue.require_ready()  # what the version lacks is said before what its decision does
        parent = self._parent(catalogue)
        check_under_parent(catalogue, parent)
        catalogue.publish(
            decision=self._adopting_decision(command.decision_ref),
            actor=actor,
            previous=previous,
            negative_list=self._negative_list().entries,
        )
        # One save of both versions (the new one is never in force beside the old), and of the
        # children the old one leaves without their place
        # a unit's catalogue has none under it: only a catalogue above one has children to check
        under = previous is not None and catalogue.level != DEPARTMENTAL
        flagged = self._flag_children(previous, catalogue, actor) if under and previous else []
        if parent is not None and catalogue.level == DEPARTMENTAL:  # written with its parent: no race
            parent.record_child(child_id=str(catalogue.id), actor=actor)
            flagged.append(parent)
        return self._save_and_view(catalogue, previous, *flagged)

    def _adopting_decision(self, decision_ref: str) -> DecisionView:
        """The conference decision a publication names, as the catalogue learnt it from the
        conference's events (so publishing works while the conference is down)."""
        if not decision_ref.strip():
            raise DecisionMissing("publishing needs the id of the conference decision adopting it")
        try:
            decision_id = UUID(decision_ref.strip())
        except ValueError:
            raise DecisionUnknown(
                f"{decision_ref!r} is not the id of a conference decision", decision_ref=decision_ref
            ) from None
        return self.known_decision(decision_id)

    def _require_publishable_size(self, catalogue: Catalogue) -> None:
        """CataloguePublished carries every item: refuse (413) a version whose message would be
        heavier than an event may be, before anything is stored (its consumers keep a copy)."""
        items = [catalogue.nodes[c] for c in sorted(catalogue.nodes)]
        size = len(json.dumps(items, ensure_ascii=False, default=str).encode("utf-8"))
        if size > self.max_event_bytes:
            raise EventTooLarge(
                f"publishing {len(items)} items would make a {size}-byte message, over the "
                f"{self.max_event_bytes} an event may weigh (EVENT_MAX_BYTES): split the catalogue"
            )

    def revise(self, catalogue_id: UUID, command: Revise, *, actor: str) -> dict[str, Any]:
        """A new draft of a published version, under its parent's version in force now (the parent
        may have been revised since), or, for a unit's catalogue, a later version the command names."""
        version = self._get(catalogue_id)
        line: list[Catalogue] = []  # the parent and the versions that revised it, in order
        parent = self._parent(version)
        while parent is not None and str(parent.id) not in {str(p.id) for p in line}:
            line.append(parent)
            parent = self._get(UUID(parent.superseded_by)) if parent.superseded_by else None
        parent = line[-1] if line else None
        if command.parent_catalogue_id is not None:
            named = str(command.parent_catalogue_id)
            if version.level != DEPARTMENTAL or named not in {str(p.id) for p in line}:
                raise ParentNotARevision(
                    f"a unit's catalogue is revised onto a later version of its parent "
                    f"({', '.join(str(p.id) for p in line) or 'none'}), not onto {named}",
                    parent_catalogue_id=named,
                )
            parent = next(p for p in line if str(p.id) == named)
        if parent is not None and version.level == DEPARTMENTAL and parent.status != PUBLISHED:
            raise ParentNotInForce(
                f"the parent catalogue {parent.id} is {parent.status}, not in force",
                parent_catalogue_id=str(parent.id),
                status=parent.status,
            )
        parent_id = str(parent.id) if parent is not None else None
        return self._save_and_view(revision_of(version, actor=actor, parent_catalogue_id=parent_id))

    def revoke(self, catalogue_id: UUID, command: Revoke, *, actor: str) -> dict[str, Any]:
        catalogue = self._get(catalogue_id)
        catalogue.revoke(reason=command.reason, actor=actor)
        return self._save_and_view(catalogue, *self._flag_children(catalogue, None, actor))

    def _flag_children(self, parent: Catalogue, successor: Catalogue | None, actor: str) -> list[Catalogue]:
        """The published versions under ``parent`` (superseded by ``successor``, or revoked) whose
        items lose their place under it, flagged for review in the same write."""
        lineage: set[str] = set()  # a child may sit under an earlier version of its parent
        version: Catalogue | None = parent
        while version is not None and str(version.id) not in lineage:
            lineage.add(str(version.id))
            version = self._get(UUID(version.supersedes)) if version.supersedes else None
        children = self.walk(Query("catalogue", {"status": PUBLISHED, "type": DEPARTMENTAL}))
        flagged = []
        for row in children:
            if row["parent_catalogue_id"] not in lineage:
                continue
            child = self._get(UUID(row["id"]))
            # never dated before a child's publication: the child was published under it in force
            published = getattr(child, "last_act", None)
            require_in_order(
                f"the publication of catalogue {child.id} under it",
                published[1] if published else None,
                "its parent's revision or revocation",
                act_on(),
            )
            if child.flag_for_review(parent=parent, codes=lost_items(child, successor), actor=actor):
                flagged.append(child)
        return flagged

    # --- queries ---------------------------------------------------------

    def catalogue(self, catalogue_id: UUID, when: When | None = None) -> dict[str, Any]:
        return self.describe(self._get(catalogue_id, when), with_nodes=True)

    def catalogues(self, query: Query, cursor: str | None = None, limit: int = 50) -> Page:
        """A page of catalogue versions (kind ``catalogue``), oldest first, from the list rows."""
        page: Page = self.list_page(query, cursor, limit)
        return page

    def status_of(self, catalogue_id: UUID) -> str:
        return self._get(catalogue_id).status

    @staticmethod
    def describe(catalogue: Catalogue, *, with_nodes: bool) -> dict[str, Any]:
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
            "organisation_id": catalogue.__dict__.get("organisation_id"),  # older snapshots lack it
            "supersedes": catalogue.supersedes,
            "superseded_by": catalogue.superseded_by,
            "status": catalogue.status,
            "consultation": catalogue.consultation,
            "consultation_responses": catalogue.__dict__.get("consultation_responses", []),
            "decision_ref": catalogue.decision_ref,
            "revision": catalogue.revision,
            "revoked_reason": catalogue.revoked_reason,
            "review": review_of(catalogue),
            "node_count": len(catalogue.nodes),
            "created_at": catalogue.created_on.isoformat(),
            "modified_at": catalogue.modified_on.isoformat(),
        }
        if with_nodes:
            row["nodes"] = [catalogue.nodes[c] for c in sorted(catalogue.nodes)]
        plain: dict[str, Any] = to_plain(row)
        return plain


__all__ = ["CatalogueApplication", "CatalogueNotFound", "DuplicateNegativeListEntry"]
