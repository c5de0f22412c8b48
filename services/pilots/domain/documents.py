"""The documents of a service matter (its contract, announcement, acceptance records, evaluation
reports...): each attached by an act recording the document's SHA-256, size and media type beside
what it is. The bytes live in the service's document store (``shared.documents``)."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from shared.acts import DatedEvent, act_on
from shared.domain import DomainRuleViolation, require_in_order


class DuplicateDocument(DomainRuleViolation):
    """The same bytes are already attached to the matter as that type of document."""


def dossier_id(matter_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"reform:pilots:matter-documents:{matter_id}")


class MatterDocuments(Aggregate):
    """The documents attached to one service matter, in the order they were attached."""

    class Opened(Aggregate.Created):
        matter_id: str

    class Attached(DatedEvent):
        matter_id: str
        document: dict[str, Any]
        actor: str

    @staticmethod
    def create_id(matter_id: str, **_: Any) -> UUID:
        return dossier_id(UUID(matter_id))

    @event(Opened)
    def __init__(self, matter_id: str) -> None:
        self.matter_id = matter_id
        self.documents: list[dict[str, Any]] = []

    def attach(self, document: dict[str, Any], *, actor: str) -> None:
        """Attach a document: dated no later than the act attaching it."""
        require_in_order(f"the document ({document['type']})", document["date"], "its attachment", act_on())
        for held in self.documents:
            if (held["sha256"], held["type"]) == (document["sha256"], document["type"]):
                raise DuplicateDocument(
                    f"these bytes are already attached as {document['type']}", sha256=document["sha256"]
                )
        self._attached(matter_id=self.matter_id, document=document, actor=actor)

    @event(Attached)
    def _attached(self, matter_id: str, document: dict[str, Any], actor: str) -> None:
        self.documents.append(document)
