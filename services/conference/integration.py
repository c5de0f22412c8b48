"""The one place mapping the conference's stored domain events to published integration events."""

from __future__ import annotations

from typing import Any

from services.conference.application import ConferenceApplication
from services.conference.domain import CoordinationBody, Decision, Meeting, PolicyDocument, Task
from shared.persistence.eventlog import event_fields

# domain event class -> (integration event type, the payload's name for the aggregate id)
MAPPING: dict[type, tuple[str, str]] = {
    CoordinationBody.Proposed: ("BodyProposed", "body_id"),
    CoordinationBody.Established: ("BodyEstablished", "body_id"),
    CoordinationBody.MemberAdded: ("MemberAdded", "body_id"),
    CoordinationBody.MemberRemoved: ("MemberRemoved", "body_id"),
    CoordinationBody.Dissolved: ("BodyDissolved", "body_id"),
    Meeting.Proposed: ("MeetingProposed", "meeting_id"),
    Meeting.Scheduled: ("MeetingScheduled", "meeting_id"),
    Meeting.Held: ("MeetingHeld", "meeting_id"),
    Meeting.Cancelled: ("MeetingCancelled", "meeting_id"),
    Meeting.MinutesIssued: ("MinutesIssued", "meeting_id"),
    Decision.Adopted: ("DecisionAdopted", "decision_id"),
    Task.Assigned: ("TaskAssigned", "task_id"),
    Task.Started: ("TaskStarted", "task_id"),
    Task.Reported: ("TaskReported", "task_id"),
    Task.Returned: ("TaskReturned", "task_id"),
    Task.Closed: ("TaskClosed", "task_id"),
    Task.Archived: ("TaskArchived", "task_id"),
    Task.ExtensionGranted: ("TaskExtended", "task_id"),
    Task.Overdue: ("TaskOverdue", "task_id"),
    Task.Chased: ("TaskChased", "task_id"),
    PolicyDocument.Registered: ("PolicyDocumentRegistered", "document_id"),
    PolicyDocument.Issued: ("PolicyDocumentIssued", "document_id"),
    PolicyDocument.Revised: ("PolicyDocumentRevised", "document_id"),
    PolicyDocument.Repealed: ("PolicyDocumentRepealed", "document_id"),
}


def to_integration(app: ConferenceApplication, event: Any) -> tuple[str, dict[str, Any]] | None:
    mapped = MAPPING.get(type(event))
    if mapped is None:
        return None
    event_type, id_field = mapped
    return event_type, {id_field: str(event.originator_id), **event_fields(event)}
