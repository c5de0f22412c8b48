"""The pilots' endpoints of matters' documents (a part of PilotsService): an upload attaches one
(its bytes the body, its media type the Content-Type, what it is in the query), a list, and a
download whose bytes are checked against the recorded SHA-256; the public reads what the
disclosure rule makes public, a token holder every document."""

from __future__ import annotations

from typing import Any

from services.pilots.application import PilotsApplication
from shared.documents import AttachDocument
from shared.dossier import download
from shared.web.auth import Caller
from shared.web.http import PUBLIC, READ, WRITE, endpoint, parse_uuid
from shared.web.schemas import DocumentQuery
from shared.web.server import http

MATTER = "service matter"


def _public(caller: Caller | None) -> bool:
    return caller is None or not caller.can_read_private("pilots")


class DocumentEndpoints:
    app: PilotsApplication

    @http("POST", "/matters/<matter_id>/documents", upload=True)
    @endpoint(
        auth=WRITE,
        query=DocumentQuery,
        status=201,
        upload=True,
        summary="Attach a document to a matter: its bytes the body, its media type the Content-Type",
    )
    def attach_document(self, caller: Caller, data: AttachDocument, matter_id: str) -> dict[str, Any]:
        return self.app.attach_document(parse_uuid(matter_id, MATTER), data, actor=caller.subject)

    @http("GET", "/matters/<matter_id>/documents")
    @endpoint(auth=PUBLIC, summary="A matter's documents (for the public: an announced contract's notices)")
    def matter_documents(self, caller: Caller | None, data: dict[str, Any], matter_id: str) -> dict[str, Any]:
        return {"documents": self.app.documents(parse_uuid(matter_id, MATTER), public=_public(caller))}

    @http("GET", "/matters/<matter_id>/documents/<sha256>")
    @endpoint(auth=PUBLIC, summary="A document's bytes, checked against their SHA-256 before they are sent")
    def download_document(
        self, caller: Caller | None, data: dict[str, Any], matter_id: str, sha256: str
    ) -> Any:
        document, content = self.app.document(parse_uuid(matter_id, MATTER), sha256, public=_public(caller))
        return download(document, content)

    @http("POST", "/units/<unit_id>/plan/documents", upload=True)
    @endpoint(auth=WRITE, query=DocumentQuery, status=201, upload=True, summary="Attach the plan's own file")
    def attach_plan_document(self, caller: Caller, data: AttachDocument, unit_id: str) -> dict[str, Any]:
        return self.app.attach_to_plan(parse_uuid(unit_id, "unit"), data, actor=caller.subject)

    @http("GET", "/units/<unit_id>/plan/documents")
    @endpoint(auth=READ, summary="The files of a unit's implementation plan")
    def plan_documents(self, caller: Caller, data: dict[str, Any], unit_id: str) -> dict[str, Any]:
        return {"documents": self.app.plan_documents(parse_uuid(unit_id, "unit"))}

    @http("GET", "/units/<unit_id>/plan/documents/<sha256>")
    @endpoint(auth=READ, summary="A file of the plan, its bytes checked against their SHA-256")
    def plan_document(self, caller: Caller, data: dict[str, Any], unit_id: str, sha256: str) -> Any:
        return download(*self.app.fetch(self.app.plan_documents(parse_uuid(unit_id, "unit")), sha256))
