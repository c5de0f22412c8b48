"""The one place mapping the conference's stored domain events to published integration events."""

from __future__ import annotations

from services.conference.domain import CoordinationBody, Decision, Meeting, PolicyDocument, Task
from services.conference.domain.organisation import Organisation
from shared.dossier import Dossier
from shared.messaging.mapping import IntegrationMap

m = IntegrationMap()
# domain event class, integration event type, the payload's name for the aggregate id
m.publish(Organisation.Registered, "OrganisationRegistered", id_field="organisation_id")
m.publish(Organisation.Renamed, "OrganisationRenamed", id_field="organisation_id")
m.publish(CoordinationBody.Proposed, "BodyProposed", id_field="body_id")
m.publish(CoordinationBody.Established, "BodyEstablished", id_field="body_id")
m.publish(CoordinationBody.MemberAdded, "MemberAdded", id_field="body_id")
m.publish(CoordinationBody.MemberRemoved, "MemberRemoved", id_field="body_id")
m.publish(CoordinationBody.Dissolved, "BodyDissolved", id_field="body_id")
m.publish(Meeting.Proposed, "MeetingProposed", id_field="meeting_id")
m.publish(Meeting.Scheduled, "MeetingScheduled", id_field="meeting_id")
m.publish(Meeting.Held, "MeetingHeld", id_field="meeting_id")
m.publish(Meeting.Cancelled, "MeetingCancelled", id_field="meeting_id")
m.publish(Meeting.MinutesIssued, "MinutesIssued", id_field="meeting_id")
m.publish(Decision.Adopted, "DecisionAdopted", id_field="decision_id")
m.publish(Task.Assigned, "TaskAssigned", id_field="task_id")
m.publish(Task.Started, "TaskStarted", id_field="task_id")
m.publish(Task.Reported, "TaskReported", id_field="task_id")
m.publish(Task.Returned, "TaskReturned", id_field="task_id")
m.publish(Task.Closed, "TaskClosed", id_field="task_id")
m.publish(Task.Archived, "TaskArchived", id_field="task_id")
m.publish(Task.ExtensionRequested, "TaskExtensionRequested", id_field="task_id")
m.publish(Task.ExtensionGranted, "TaskExtended", id_field="task_id")
m.publish(Task.ExtensionRefused, "TaskExtensionRefused", id_field="task_id")
m.publish(Task.Overdue, "TaskOverdue", id_field="task_id")
m.publish(Task.Chased, "TaskChased", id_field="task_id")
m.publish(PolicyDocument.Registered, "PolicyDocumentRegistered", id_field="document_id")
m.publish(PolicyDocument.Issued, "PolicyDocumentIssued", id_field="document_id")
m.publish(PolicyDocument.Revised, "PolicyDocumentRevised", id_field="document_id")
m.publish(PolicyDocument.Repealed, "PolicyDocumentRepealed", id_field="document_id")
m.publish(Dossier.Attached, "DocumentAttached")  # names its record (a meeting or a document) and its id

to_integration = m
