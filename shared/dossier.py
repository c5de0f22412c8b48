"""Documents any act may carry: each record that has some (a service matter, a meeting, a policy
document) has a dossier, an aggregate of its own whose acts attach documents. An attachment
records the document's SHA-256, size and media type beside what it is (its type, title, number,
date and language); the bytes are kept content-addressed in the service's document store
(``shared.documents``) and every download is checked against the hash.

``Dossiers`` is the part of a service's application that keeps them; ``download`` the answer
that sends one."""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event
from werkzeug.wrappers import Response

from shared import metrics
from shared.acts import DatedEvent, act_on
from shared.documents import (
    AttachDocument,
    DocumentCorrupted,
    DocumentNotFound,
    DocumentStore,
    check_content,
    file_name,
)
from shared.domain import DomainRuleViolation, require_in_order

log = logging.getLogger(__name__)


class DuplicateDocument(DomainRuleViolation):
    """The same bytes are already attached to the record as that type of document."""


class DocumentDoesNotFit(DomainRuleViolation):
    """A document of a kind the record does not take, or of a fact the record does not hold yet
    (minutes of a meeting not held, a completion certificate of a delivery never accepted)."""


def dossier_id(record: str, record_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"reform:dossier:{record}:{record_id}")


class Dossier(Aggregate):
    """The documents attached to one record (its kind and id), in the order they were attached."""

    class Opened(Aggregate.Created):
        record: str
        record_id: str

    class Attached(DatedEvent):
        record: str
        record_id: str
        document: dict[str, Any]
        actor: str

    @staticmethod
    def create_id(record: str, record_id: str, **_: Any) -> UUID:
        return dossier_id(record, record_id)

    @event(Opened)
    def __init__(self, record: str, record_id: str) -> None:
        self.record = record
        self.record_id = record_id
        self.documents: list[dict[str, Any]] = []

    def attach(self, document: dict[str, Any], *, actor: str) -> None:
        """Attach a document: dated no later than the act attaching it, and once as its type."""
        require_in_order(f"the document ({document['type']})", document["date"], "its attachment", act_on())
        for held in self.documents:
            if (held["sha256"], held["type"]) == (document["sha256"], document["type"]):
                raise DuplicateDocument(
                    f"these bytes are already attached as {document['type']}", sha256=document["sha256"]
                )
        self._attached(record=self.record, record_id=self.record_id, document=document, actor=actor)

    @event(Attached)
    def _attached(self, record: str, record_id: str, document: dict[str, Any], actor: str) -> None:
        self.documents.append(document)


class Dossiers:
    """The documents of a service's records (a part of its application)."""

    name: str
    data_dir: Path | None
    repository: Any
    save: Callable[..., Any]  # the application's own

    @property
    def documents_store(self) -> DocumentStore:
        if self.data_dir is None:
            raise RuntimeError("the document store needs the service's data folder (DATA_DIR)")
        return DocumentStore(self.data_dir / f"{self.name}-documents")

    def attach(self, record: str, record_id: UUID, command: AttachDocument, *, actor: str) -> dict[str, Any]:
        """Attach an uploaded document to a record the caller checked exists (and may take it)."""
        check_content(command.media_type, command.content)
        dossier = self._dossier(record, record_id) or Dossier(record=record, record_id=str(record_id))
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

    def attached(self, record: str, record_id: UUID) -> list[dict[str, Any]]:
        dossier = self._dossier(record, record_id)
        return list(dossier.documents) if dossier is not None else []

    def fetch(self, documents: list[dict[str, Any]], sha256: str) -> tuple[dict[str, Any], bytes]:
        """One of ``documents`` (those the reader may see) and its bytes, checked against its hash."""
        for held in documents:
            if held["sha256"] == sha256:
                try:
                    return held, self.documents_store.read(sha256)
                except DocumentCorrupted as changed:  # the reader gets 500; operators must hear of it
                    log.error("%s: %s (%r): run `reform audit verify`", self.name, changed, held["title"])
                    metrics.DOCUMENTS_CORRUPTED.labels(self.name).inc()
                    raise
        raise DocumentNotFound(f"no document {sha256[:64]!r} here")

    def _dossier(self, record: str, record_id: UUID) -> Dossier | None:
        try:
            dossier: Dossier = self.repository.get(dossier_id(record, str(record_id)))
        except AggregateNotFoundError:
            return None
        return dossier


def download(document: dict[str, Any], content: bytes) -> Response:
    """A document's bytes, with their digest (RFC 9530) for the reader to check, never rendered
    as a page of ours (sandboxed, not sniffed)."""
    digest = base64.b64encode(bytes.fromhex(document["sha256"])).decode("ascii")
    name = file_name(document["title"], document["media_type"])
    return Response(
        content,
        mimetype=document["media_type"],
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}",
            "Repr-Digest": f"sha-256=:{digest}:",
            "ETag": f'"{document["sha256"]}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
        },
    )
