"""The conference nameko service: thin HTTP and RPC entrypoints over ConferenceApplication."""

from __future__ import annotations

from functools import partial
from typing import Any

from services.conference import integration
from services.conference.application import ConferenceApplication
from services.conference.commands import (
    AddMember,
    CancelMeeting,
    ChaseTask,
    CloseTask,
    DecideExtension,
    DissolveBody,
    EstablishBody,
    ExtendTask,
    HoldMeeting,
    IssueDocument,
    IssueMinutes,
    ProposeBody,
    ProposeMeeting,
    RegisterDocument,
    RegisterOrganisation,
    RemoveMember,
    RenameOrganisation,
    RepealDocument,
    ReportTask,
    ReturnTask,
    ReviseDocument,
    ScheduleMeeting,
)
from services.conference.document_endpoints import PaperEndpoints
from services.conference.domain import CoordinationBody, Meeting, PolicyDocument, Task
from services.conference.domain.organisation import Organisation
from services.conference.schemas import (
    BODY_FILTERS,
    DECISION_FILTERS,
    DOCUMENT_FILTERS,
    MEETING_FILTERS,
    ORGANISATION_FILTERS,
    TASK_FILTERS,
    AddMemberRequest,
    BodyListQuery,
    CancelRequest,
    ChaseTaskRequest,
    CloseTaskRequest,
    DecideExtensionRequest,
    DecisionListQuery,
    DissolveBodyRequest,
    DocumentListQuery,
    EstablishBodyRequest,
    ExtendTaskRequest,
    HoldMeetingRequest,
    IssueDocumentRequest,
    IssueMinutesRequest,
    MeetingListQuery,
    OrganisationListQuery,
    ProposeBodyRequest,
    ProposeMeetingRequest,
    RegisterDocumentRequest,
    RegisterOrganisationRequest,
    RemoveMemberRequest,
    RenameOrganisationRequest,
    RepealDocumentRequest,
    ReportTaskRequest,
    ReturnTaskRequest,
    ReviseDocumentRequest,
    ScheduleMeetingRequest,
    TaskListQuery,
)
from shared.runtime import ApplicationProvider, Tokens, periodic
from shared.web.auth import ADMIN, CHIEF_CONVENER, OFFICE, Caller, Forbidden
from shared.web.http import READ, WRITE, call_use_case, endpoint, parse_uuid
from shared.web.lists import HistoryQuery, history_answer, list_answer, list_query
from shared.web.schemas import ActRequest, AsOfQuery
from shared.web.server import http, rpc
from shared.web.service import EventSourcedService


class ConferenceService(PaperEndpoints, EventSourcedService):
    name = "conference"

    app: ConferenceApplication = ApplicationProvider(ConferenceApplication, mapper=integration.to_integration)
    tokens = Tokens()

    @periodic()
    def detect_overdue_tasks(self) -> list[str]:
        """Tasks whose deadline passed unreported become overdue, once (TaskOverdue)."""
        return self.app.detect_overdue()

    # --- the organisation register ------------------------------------------

    @http("POST", "/organisations")
    @endpoint(
        auth=WRITE,
        body=RegisterOrganisationRequest,
        status=201,
        summary="Register an organisation: its registered Chinese name and English rendering",
    )
    def register_organisation(self, caller: Caller, data: RegisterOrganisation) -> dict[str, Any]:
        return self.app.register_organisation(data, actor=caller.subject)

    @http("GET", "/organisations")
    @endpoint(auth=READ, query=OrganisationListQuery, summary="The register, or who holds a name now")
    def list_organisations(self, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
        if data["name"] is not None:
            return {"organisations": self.app.organisations(data["name"]), "next_cursor": None}
        return list_answer(
            self.app, "organisations", list_query("organisation", data, ORGANISATION_FILTERS), data
        )

    @http("GET", "/organisations/<organisation_id>")
    @endpoint(auth=READ, query=AsOfQuery, summary="One organisation, now or as of a past moment")
    def get_organisation(self, caller: Caller, data: dict[str, Any], organisation_id: str) -> dict[str, Any]:
        return self.app.organisation(parse_uuid(organisation_id, "organisation"), when=data["when"])

    @http("GET", "/organisations/<organisation_id>/history")
    @endpoint(auth=READ, query=HistoryQuery, summary="Every event of an organisation, a page at a time")
    def organisation_history(
        self, caller: Caller, data: dict[str, Any], organisation_id: str
    ) -> dict[str, Any]:
        return history_answer(
            partial(self.app.history_of, Organisation, parse_uuid(organisation_id, "organisation")), data
        )

    @http("POST", "/organisations/<organisation_id>/rename")
    @endpoint(auth=WRITE, body=RenameOrganisationRequest, summary="Rename an organisation, with the reason")
    def rename_organisation(
        self, caller: Caller, data: RenameOrganisation, organisation_id: str
    ) -> dict[str, Any]:
        oid = parse_uuid(organisation_id, "organisation")
        return self.app.rename_organisation(oid, data, actor=caller.subject)

    # --- coordination bodies ---------------------------------------------

    @http("POST", "/bodies")
    @endpoint(
        auth=WRITE,
        body=ProposeBodyRequest,
        status=201,
        summary="Propose a leadership group or joint conference",
    )
    def propose_body(self, caller: Caller, data: ProposeBody) -> dict[str, Any]:
        return {"id": self.app.propose_body(data, actor=caller.subject)["id"]}

    @http("GET", "/bodies")
    @endpoint(auth=READ, query=BodyListQuery, summary="A page of coordination bodies")
    def list_bodies(self, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
        return list_answer(self.app, "bodies", list_query("body", data, BODY_FILTERS), data)

    @http("GET", "/bodies/<body_id>")
    @endpoint(auth=READ, query=AsOfQuery, summary="One body with its members, now or as of a past moment")
    def get_body(self, caller: Caller, data: dict[str, Any], body_id: str) -> dict[str, Any]:
        return self.app.body(parse_uuid(body_id, "body"), when=data["when"])

    @http("GET", "/bodies/<body_id>/history")
    @endpoint(auth=READ, query=HistoryQuery, summary="Every event of a body, a page at a time")
    def body_history(self, caller: Caller, data: dict[str, Any], body_id: str) -> dict[str, Any]:
        return history_answer(
            partial(self.app.history_of, CoordinationBody, parse_uuid(body_id, "body")), data
        )

    @http("POST", "/bodies/<body_id>/establish")
    @endpoint(auth=WRITE, body=EstablishBodyRequest, summary="Establish a proposed body (by its document)")
    def establish_body(self, caller: Caller, data: EstablishBody, body_id: str) -> dict[str, Any]:
        return self.app.establish_body(parse_uuid(body_id, "body"), data, actor=caller.subject)

    @http("POST", "/bodies/<body_id>/members")
    @endpoint(auth=WRITE, body=AddMemberRequest, status=201, summary="Add a member unit")
    def add_member(self, caller: Caller, data: AddMember, body_id: str) -> dict[str, Any]:
        return self.app.add_member(parse_uuid(body_id, "body"), data, actor=caller.subject)

    @http("POST", "/bodies/<body_id>/members/<unit>/remove")
    @endpoint(auth=WRITE, body=RemoveMemberRequest, summary="Remove a member unit")
    def remove_member(self, caller: Caller, data: RemoveMember, body_id: str, unit: str) -> dict[str, Any]:
        return self.app.remove_member(parse_uuid(body_id, "body"), unit, data, actor=caller.subject)

    @http("POST", "/bodies/<body_id>/dissolve")
    @endpoint(auth=WRITE, body=DissolveBodyRequest, summary="Dissolve a body, with the reason")
    def dissolve_body(self, caller: Caller, data: DissolveBody, body_id: str) -> dict[str, Any]:
        return self.app.dissolve_body(parse_uuid(body_id, "body"), data, actor=caller.subject)

    # --- meetings ------------------------------------------------------------

    @http("POST", "/meetings")
    @endpoint(
        auth=WRITE, body=ProposeMeetingRequest, status=201, summary="Propose a meeting of an active body"
    )
    def propose_meeting(self, caller: Caller, data: ProposeMeeting) -> dict[str, Any]:
        return {"id": self.app.propose_meeting(data, actor=caller.subject)["id"]}

    @http("GET", "/meetings")
    @endpoint(auth=READ, query=MeetingListQuery, summary="A page of meetings, by body, status, kind or date")
    def list_meetings(self, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
        return list_answer(self.app, "meetings", list_query("meeting", data, MEETING_FILTERS), data)

    @http("GET", "/meetings/<meeting_id>")
    @endpoint(auth=READ, query=AsOfQuery, summary="One meeting, now or as of a past moment")
    def get_meeting(self, caller: Caller, data: dict[str, Any], meeting_id: str) -> dict[str, Any]:
        return self.app.meeting(parse_uuid(meeting_id, "meeting"), when=data["when"])

    @http("GET", "/meetings/<meeting_id>/history")
    @endpoint(auth=READ, query=HistoryQuery, summary="Every event of a meeting, a page at a time")
    def meeting_history(self, caller: Caller, data: dict[str, Any], meeting_id: str) -> dict[str, Any]:
        return history_answer(partial(self.app.history_of, Meeting, parse_uuid(meeting_id, "meeting")), data)

    @http("POST", "/meetings/<meeting_id>/schedule")
    @endpoint(auth=WRITE, body=ScheduleMeetingRequest, summary="Schedule, approved by a convener")
    def schedule_meeting(self, caller: Caller, data: ScheduleMeeting, meeting_id: str) -> dict[str, Any]:
        return self.app.schedule_meeting(parse_uuid(meeting_id, "meeting"), data, actor=caller.subject)

    @http("POST", "/meetings/<meeting_id>/hold")
    @endpoint(auth=WRITE, body=HoldMeetingRequest, summary="Record that the meeting was held, with attendees")
    def hold_meeting(self, caller: Caller, data: HoldMeeting, meeting_id: str) -> dict[str, Any]:
        return self.app.hold_meeting(parse_uuid(meeting_id, "meeting"), data, actor=caller.subject)

    @http("POST", "/meetings/<meeting_id>/cancel")
    @endpoint(auth=WRITE, body=CancelRequest, summary="Cancel a meeting not yet held")
    def cancel_meeting(self, caller: Caller, data: CancelMeeting, meeting_id: str) -> dict[str, Any]:
        return self.app.cancel_meeting(parse_uuid(meeting_id, "meeting"), data, actor=caller.subject)

    @http("POST", "/meetings/<meeting_id>/minutes")
    @endpoint(
        auth=WRITE, body=IssueMinutesRequest, status=201, summary="Issue minutes with numbered decisions"
    )
    def issue_minutes(self, caller: Caller, data: IssueMinutes, meeting_id: str) -> dict[str, Any]:
        meeting = self.app.issue_minutes(parse_uuid(meeting_id, "meeting"), data, actor=caller.subject)
        return {"meeting": meeting, "decision_ids": meeting["minutes"]["decision_ids"]}

    # --- decisions -----------------------------------------------------------

    @http("GET", "/decisions")
    @endpoint(
        auth=READ, query=DecisionListQuery, summary="A page of adopted decisions, by kind, body or date"
    )
    def list_decisions(self, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
        return list_answer(self.app, "decisions", list_query("decision", data, DECISION_FILTERS), data)

    @http("GET", "/decisions/<decision_id>")
    @endpoint(auth=READ, summary="Resolve a decision by its id")
    def get_decision(self, caller: Caller, data: dict[str, Any], decision_id: str) -> dict[str, Any]:
        return self.app.decision(parse_uuid(decision_id, "decision"))

    @rpc
    def get_decision_rpc(self, token: str, decision_id: str) -> dict[str, Any]:
        return call_use_case(self, "get_decision", token, {}, decision_id=decision_id)

    # --- tasks (督办) ------------------------------------------------------------

    @http("GET", "/tasks")
    @endpoint(
        auth=READ, query=TaskListQuery, summary="A page of tasks, by status, lead unit, overdue or deadline"
    )
    def list_tasks(self, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
        return list_answer(self.app, "tasks", list_query("task", data, TASK_FILTERS), data)

    @http("GET", "/tasks/<task_id>")
    @endpoint(auth=READ, query=AsOfQuery, summary="One task, now or as of a past moment")
    def get_task(self, caller: Caller, data: dict[str, Any], task_id: str) -> dict[str, Any]:
        return self.app.task(parse_uuid(task_id, "task"), when=data["when"])

    @http("GET", "/tasks/<task_id>/history")
    @endpoint(auth=READ, query=HistoryQuery, summary="Every event of a task, a page at a time")
    def task_history(self, caller: Caller, data: dict[str, Any], task_id: str) -> dict[str, Any]:
        return history_answer(partial(self.app.history_of, Task, parse_uuid(task_id, "task")), data)

    @http("POST", "/tasks/<task_id>/start")
    @endpoint(body=ActRequest, auth=WRITE, summary="The lead unit starts the task")
    def start_task(self, caller: Caller, data: dict[str, Any], task_id: str) -> dict[str, Any]:
        return self.app.start_task(parse_uuid(task_id, "task"), actor=caller.subject)

    @http("POST", "/tasks/<task_id>/report")
    @endpoint(auth=WRITE, body=ReportTaskRequest, summary="The lead unit reports in writing")
    def report_task(self, caller: Caller, data: ReportTask, task_id: str) -> dict[str, Any]:
        return self.app.report_task(parse_uuid(task_id, "task"), data, actor=caller.subject)

    @http("POST", "/tasks/<task_id>/return")
    @endpoint(auth=WRITE, body=ReturnTaskRequest, summary="The office returns a substandard report")
    def return_task(self, caller: Caller, data: ReturnTask, task_id: str) -> dict[str, Any]:
        return self.app.return_task(parse_uuid(task_id, "task"), data, actor=caller.subject)

    @http("POST", "/tasks/<task_id>/close")
    @endpoint(auth=WRITE, body=CloseTaskRequest, summary="The office closes a reported task")
    def close_task(self, caller: Caller, data: CloseTask, task_id: str) -> dict[str, Any]:
        return self.app.close_task(parse_uuid(task_id, "task"), data, actor=caller.subject)

    @http("POST", "/tasks/<task_id>/archive")
    @endpoint(body=ActRequest, auth=WRITE, summary="Archive a closed task")
    def archive_task(self, caller: Caller, data: dict[str, Any], task_id: str) -> dict[str, Any]:
        return self.app.archive_task(parse_uuid(task_id, "task"), actor=caller.subject)

    @http("POST", "/tasks/<task_id>/extensions")
    @endpoint(
        auth=WRITE,
        body=ExtendTaskRequest,
        summary="The lead unit requests an extension (before the deadline)",
    )
    def extend_task(self, caller: Caller, data: ExtendTask, task_id: str) -> dict[str, Any]:
        tid = parse_uuid(task_id, "task")
        lead = self.app.task(tid)["lead_unit"]
        if ADMIN not in caller.roles and caller.organisation != lead:
            raise Forbidden(
                f"only the lead unit ({lead}) requests an extension of this task, not "
                f"{caller.organisation or 'a token naming no organisation'}"
            )
        return self.app.extend_task(tid, data, actor=caller.subject)

    @http("POST", "/tasks/<task_id>/extensions/decision")
    @endpoint(
        auth=WRITE, body=DecideExtensionRequest, summary="The office grants or refuses the extension asked"
    )
    def decide_extension(self, caller: Caller, data: DecideExtension, task_id: str) -> dict[str, Any]:
        if caller.has(CHIEF_CONVENER):
            role = "chief_convener"
        elif caller.has(OFFICE):
            role = "office"
        else:
            raise Forbidden(f"{caller.subject} decides no extension: the office or the chief convener does")
        return self.app.decide_extension(parse_uuid(task_id, "task"), data, role=role, actor=caller.subject)

    @http("POST", "/tasks/<task_id>/chases")
    @endpoint(auth=WRITE, body=ChaseTaskRequest, summary="Record a chase notice")
    def chase_task(self, caller: Caller, data: ChaseTask, task_id: str) -> dict[str, Any]:
        return self.app.chase_task(parse_uuid(task_id, "task"), data, actor=caller.subject)

    # --- policy documents ------------------------------------------------------

    @http("POST", "/documents")
    @endpoint(auth=WRITE, body=RegisterDocumentRequest, status=201, summary="Register a policy document")
    def register_document(self, caller: Caller, data: RegisterDocument) -> dict[str, Any]:
        return {"id": self.app.register_document(data, actor=caller.subject)["id"]}

    @http("GET", "/documents")
    @endpoint(auth=READ, query=DocumentListQuery, summary="A page of policy documents")
    def list_documents(self, caller: Caller, data: dict[str, Any]) -> dict[str, Any]:
        return list_answer(self.app, "documents", list_query("document", data, DOCUMENT_FILTERS), data)

    @http("GET", "/documents/<document_id>")
    @endpoint(auth=READ, query=AsOfQuery, summary="One policy document, now or as of a past moment")
    def get_document(self, caller: Caller, data: dict[str, Any], document_id: str) -> dict[str, Any]:
        return self.app.document(parse_uuid(document_id, "document"), when=data["when"])

    @http("GET", "/documents/<document_id>/history")
    @endpoint(auth=READ, query=HistoryQuery, summary="Every event of a policy document, a page at a time")
    def document_history(self, caller: Caller, data: dict[str, Any], document_id: str) -> dict[str, Any]:
        return history_answer(
            partial(self.app.history_of, PolicyDocument, parse_uuid(document_id, "document")), data
        )

    @http("POST", "/documents/<document_id>/issue")
    @endpoint(auth=WRITE, body=IssueDocumentRequest, summary="Issue a registered document")
    def issue_document(self, caller: Caller, data: IssueDocument, document_id: str) -> dict[str, Any]:
        return self.app.issue_document(parse_uuid(document_id, "document"), data, actor=caller.subject)

    @http("POST", "/documents/<document_id>/revise")
    @endpoint(auth=WRITE, body=ReviseDocumentRequest, summary="Revise an issued document")
    def revise_document(self, caller: Caller, data: ReviseDocument, document_id: str) -> dict[str, Any]:
        return self.app.revise_document(parse_uuid(document_id, "document"), data, actor=caller.subject)

    @http("POST", "/documents/<document_id>/repeal")
    @endpoint(auth=WRITE, body=RepealDocumentRequest, summary="Repeal a document")
    def repeal_document(self, caller: Caller, data: RepealDocument, document_id: str) -> dict[str, Any]:
        return self.app.repeal_document(parse_uuid(document_id, "document"), data, actor=caller.subject)


Service = ConferenceService
