"""The conference's endpoints of documents (a part of ConferenceService): a meeting's minutes and a
policy document's sealed file, uploaded (the bytes the body, the media type the Content-Type, what
it is in the query), listed and downloaded (checked against the recorded SHA-256), with a token."""

from __future__ import annotations

from typing import Any

from services.conference.application import ConferenceApplication
from services.conference.dossier import DOCUMENT, MEETING
from shared.documents import AttachDocument
from shared.dossier import download
from shared.web.auth import Caller
from shared.web.http import READ, WRITE, endpoint, parse_uuid
from shared.web.schemas import DocumentQuery
from shared.web.server import http


class PaperEndpoints:
    app: ConferenceApplication

    @http("POST", "/meetings/<meeting_id>/documents", upload=True)
    @endpoint(auth=WRITE, query=DocumentQuery, status=201, upload=True, summary="Attach a meeting's minutes")
    def attach_meeting_document(
        self, caller: Caller, data: AttachDocument, meeting_id: str
    ) -> dict[str, Any]:
        return self.app.attach_to_meeting(parse_uuid(meeting_id, "meeting"), data, actor=caller.subject)

    @http("GET", "/meetings/<meeting_id>/documents")
    @endpoint(auth=READ, summary="A meeting's documents")
    def meeting_documents(self, caller: Caller, data: dict[str, Any], meeting_id: str) -> dict[str, Any]:
        return {"documents": self.app.papers(MEETING, parse_uuid(meeting_id, "meeting"))}

    @http("GET", "/meetings/<meeting_id>/documents/<sha256>")
    @endpoint(auth=READ, summary="A meeting's document, its bytes checked against their SHA-256")
    def meeting_document(self, caller: Caller, data: dict[str, Any], meeting_id: str, sha256: str) -> Any:
        documents = self.app.papers(MEETING, parse_uuid(meeting_id, "meeting"))
        return download(*self.app.fetch(documents, sha256))

    @http("POST", "/documents/<document_id>/files", upload=True)
    @endpoint(
        auth=WRITE,
        query=DocumentQuery,
        status=201,
        upload=True,
        summary="Attach an issued document's sealed file",
    )
    def attach_document_file(self, caller: Caller, data: AttachDocument, document_id: str) -> dict[str, Any]:
        return self.app.attach_to_document(parse_uuid(document_id, "document"), data, actor=caller.subject)

    @http("GET", "/documents/<document_id>/files")
    @endpoint(auth=READ, summary="A policy document's files")
    def document_files(self, caller: Caller, data: dict[str, Any], document_id: str) -> dict[str, Any]:
        return {"documents": self.app.papers(DOCUMENT, parse_uuid(document_id, "document"))}

    @http("GET", "/documents/<document_id>/files/<sha256>")
    @endpoint(auth=READ, summary="A policy document's file, its bytes checked against their SHA-256")
    def document_file(self, caller: Caller, data: dict[str, Any], document_id: str, sha256: str) -> Any:
        documents = self.app.papers(DOCUMENT, parse_uuid(document_id, "document"))
        return download(*self.app.fetch(documents, sha256))
