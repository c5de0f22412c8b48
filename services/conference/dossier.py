"""The documents of the conference's records (a part of ConferenceApplication): a meeting's
minutes (once it was held) and a policy document's sealed file (once it was issued), attached by
acts (``shared.dossier``). Like everything of the joint conference, they are read with a token."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.conference.domain import Meeting, PolicyDocument
from services.conference.queries import ConferenceQueries
from shared.acts import act_on
from shared.documents import AttachDocument
from shared.domain import require_in_order
from shared.dossier import DocumentDoesNotFit, Dossiers

MEETING, DOCUMENT = "meeting", "document"
MEETING_DOCUMENT_TYPES = ("minutes",)  # what a meeting decided is in its minutes
HELD = ("held", "minutes_issued")
ISSUED = ("issued", "revised")


class Papers(ConferenceQueries, Dossiers):
    def attach_to_meeting(self, meeting_id: UUID, command: AttachDocument, *, actor: str) -> dict[str, Any]:
        meeting = self._get(Meeting, meeting_id)
        if command.type not in MEETING_DOCUMENT_TYPES:
            raise DocumentDoesNotFit(
                f"a meeting takes {', '.join(MEETING_DOCUMENT_TYPES)}, not {command.type}", type=command.type
            )
        if command.type == "minutes":  # the minutes of a meeting held, dated on or after it
            if meeting.status not in HELD:
                raise DocumentDoesNotFit(
                    f"a meeting that is {meeting.status} has no minutes", status=meeting.status
                )
            require_in_order("the meeting", meeting.held_on, "its minutes", command.date)
        return self.attach(MEETING, meeting_id, command, actor=actor)

    def attach_to_document(self, document_id: UUID, command: AttachDocument, *, actor: str) -> dict[str, Any]:
        """The sealed file of a policy document, once issued (its date not before the issue)."""
        document = self._get(PolicyDocument, document_id)
        if command.type != "policyDocument":
            raise DocumentDoesNotFit(f"a policy document's file is a policyDocument, not {command.type}")
        if document.status not in ISSUED:
            raise DocumentDoesNotFit(
                f"a {document.status} document has no sealed file", status=document.status
            )
        require_in_order("the document's issue", document.issued_on, "its sealed file", command.date)
        require_in_order("the document's issue", document.issued_on, "the attachment", act_on())
        return self.attach(DOCUMENT, document_id, command, actor=actor)

    def papers(self, record: str, record_id: UUID) -> list[dict[str, Any]]:
        self._get(Meeting if record == MEETING else PolicyDocument, record_id)  # 404 for an unknown one
        return self.attached(record, record_id)
