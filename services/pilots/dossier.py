"""The documents of service matters (a part of PilotsApplication): attached by an act that keeps
the bytes content-addressed in the service's document store and records their SHA-256, size and
media type; listed and downloaded (the bytes checked against the hash) under the disclosure rule:
the public reads the notices, the contract, the acceptance and the evaluation of an announced
contract; everything else needs a token."""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from services.pilots.domain.documents import MatterDocuments, dossier_id
from services.pilots.queries import PilotsQueries
from shared.acts import act_on
from shared.disclosure import announced
from shared.documents import AttachDocument, DocumentNotFound, DocumentStore, check_content
from shared.domain import DomainRuleViolation, require_in_order
from shared.vocabulary.documents import PUBLIC_DOCUMENT_TYPES

# documents of a contract: attached once it is signed, by an act dated on or after its signing
CONTRACT_DOCUMENT_TYPES = frozenset(PUBLIC_DOCUMENT_TYPES) - {"awardNotice"} | {
    "contractAnnexe",
    "contractSchedule",
    "contractArrangements",
    "contractGuarantees",
    "physicalProgressReport",
    "financialProgressReport",
    "finalAudit",
    "cancellationDetails",
}


class NoContract(DomainRuleViolation):
    """A contract's document for a matter that has no contract."""


class Dossier(PilotsQueries):
    @property
    def documents_store(self) -> DocumentStore:
        if self.data_dir is None:
            raise RuntimeError("the document store needs the service's data folder (DATA_DIR)")
        return DocumentStore(self.data_dir / f"{self.name}-documents")

    def attach_document(self, mid: UUID, command: AttachDocument, *, actor: str) -> dict[str, Any]:
        matter = self._matter(mid)
        check_content(command.media_type, command.content)
        if command.type in CONTRACT_DOCUMENT_TYPES:
            if matter.contract is None:
                raise NoContract(f"a {command.type} needs the matter's contract: it has none")
            signed_on = matter.contract["signed_on"]
            require_in_order("the contract's signing", signed_on, "the attachment", act_on())
        try:
            dossier: MatterDocuments = self.repository.get(dossier_id(mid))
        except AggregateNotFoundError:
            dossier = MatterDocuments(matter_id=str(mid))
        document = {
            "sha256": hashlib.sha256(command.content).hexdigest(),
            "size": len(command.content),
            "media_type": command.media_type,
            "type": command.type,
            "title": command.title,
            "number": command.number,
            "date": command.date,
            "language": command.language,
        }
        dossier.attach(document, actor=actor)  # the rules first: a refused act keeps no bytes
        self.documents_store.put(command.content)  # kept before the act that records it is saved
        self.save(dossier)
        return document

    def documents(self, mid: UUID, public: bool) -> list[dict[str, Any]]:
        """The documents of a matter (for the public: those the disclosure rule makes public)."""
        matter = self._matter(mid)
        try:
            dossier: MatterDocuments = self.repository.get(dossier_id(mid))
        except AggregateNotFoundError:
            return []
        if public and not announced(matter.contract):
            return []
        return [d for d in dossier.documents if not public or d["type"] in PUBLIC_DOCUMENT_TYPES]

    def document(self, mid: UUID, sha256: str, public: bool) -> tuple[dict[str, Any], bytes]:
        """A document and its bytes, checked against its hash (DocumentCorrupted if they changed)."""
        for held in self.documents(mid, public):
            if held["sha256"] == sha256:
                return held, self.documents_store.read(sha256)
        raise DocumentNotFound(f"no document {sha256[:64]!r} of matter {mid}")
