"""Conference use cases: one method each, taking its typed command; queries return plain data.

A command that creates answers the plain view of the new aggregate, one that changes answers the
plain view of the changed aggregate: the same dict its query returns."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from uuid import UUID

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
    RemoveMember,
    RepealDocument,
    ReportTask,
    ReturnTask,
    ReviseDocument,
    ScheduleMeeting,
)
from services.conference.domain import (
    CoordinationBody,
    Decision,
    DecisionDoesNotApply,
    DecisionItem,
    DuplicateTaskNumber,
    Meeting,
    PolicyDocument,
    Task,
    TaskItem,
    task_id,
)
from services.conference.dossier import Papers
from services.conference.queries import BodyNotFound as BodyNotFound  # re-exported: the service maps it
from services.conference.queries import DocumentNotFound as DocumentNotFound  # re-exported
from services.conference.queries import MeetingNotFound as MeetingNotFound  # re-exported
from services.conference.queries import TaskNotFound as TaskNotFound  # re-exported
from services.conference.register import OrganisationRegister
from services.conference.views import (
    View,
    body_view,
    document_view,
    meeting_view,
    task_view,
)
from shared.domain import require_in_order
from shared.persistence.listing import Query
from shared.persistence.topics import moved
from shared.vocabulary.conference import ABOUT_A_RECORD, ABOUT_AN_ORGANISATION, OPEN_TASK

# Stored events name the classes of services/conference/domain.py, before it became a package.
moved("services.conference.domain", CoordinationBody, Meeting, Decision, Task, PolicyDocument)

SYSTEM_ACTOR = "system"


def decision_items(command: IssueMinutes) -> list[DecisionItem]:
    """The minutes' decisions as the domain takes them."""
    return [
        DecisionItem(
            number=d.number,
            kind=d.kind,
            title=d.title,
            subject=_canonical(d.kind, d.subject),
            tasks=[
                TaskItem(
                    number=t.number,
                    content=t.content,
                    lead_unit=t.lead_unit,
                    co_units=list(t.co_units),
                    deadline=t.deadline,
                )
                for t in d.tasks
            ],
        )
        for d in command.decisions
    ]


def _canonical(kind: str, subject: str | None) -> str | None:
    """A subject that is a record's id (a catalogue, an organisation) as ids are written, so the
    services acting on the decision compare it with theirs."""
    if subject is None or kind not in (*ABOUT_AN_ORGANISATION, *ABOUT_A_RECORD):
        return subject
    try:
        return str(UUID(subject.strip()))
    except ValueError:
        return subject  # refused by the checks of the minutes, naming the decision


class ConferenceApplication(OrganisationRegister, Papers):
    name = "conference"
    # granted by the office up to this many extensions and days past the first deadline; past them
    # by the chief convener (EXTENSION_MAX_COUNT, EXTENSION_MAX_DAYS; set by the runtime)
    extension_limits: tuple[int, int] = (1, 90)

    def _on_or_today(self, day: str | None) -> str:
        return day or self.today().isoformat()

    # --- coordination bodies ---------------------------------------------

    def propose_body(self, command: ProposeBody, *, actor: str) -> View:
        body = CoordinationBody(
            kind=command.kind,
            name=command.name,
            name_en=command.name_en,
            chief_convener=command.chief_convener,
            conveners=command.conveners,
            lead_unit=command.lead_unit,
            office=command.office,
            duties=command.duties,
            actor=actor,
        )
        self.save(body)
        return body_view(body)

    def establish_body(self, body_id: UUID, command: EstablishBody, *, actor: str) -> View:
        body = self._get(CoordinationBody, body_id)
        body.establish(
            establishing_document=command.establishing_document,
            established_on=command.established_on,
            actor=actor,
        )
        self.save(body)
        return body_view(body)

    def add_member(self, body_id: UUID, command: AddMember, *, actor: str) -> View:
        body = self._get(CoordinationBody, body_id)
        body.add_member(
            unit=command.unit,
            representative=command.representative,
            liaison_officer=command.liaison_officer,
            joined_on=command.joined_on,
            actor=actor,
        )
        self.save(body)
        return body_view(body)

    def remove_member(self, body_id: UUID, unit: str, command: RemoveMember, *, actor: str) -> View:
        body = self._get(CoordinationBody, body_id)
        body.remove_member(unit=unit, left_on=command.left_on, actor=actor)
        self.save(body)
        return body_view(body)

    def dissolve_body(self, body_id: UUID, command: DissolveBody, *, actor: str) -> View:
        body = self._get(CoordinationBody, body_id)
        body.dissolve(reason=command.reason, dissolved_on=command.dissolved_on, actor=actor)
        self.save(body)
        return body_view(body)

    # --- meetings, minutes, decisions ------------------------------------

    def propose_meeting(self, command: ProposeMeeting, *, actor: str) -> View:
        body = self._get(CoordinationBody, command.body_id)
        preparing = self._get(Meeting, command.prepared_by) if command.prepared_by else None
        meeting = Meeting.propose(
            body=body,
            number=command.number,
            kind=command.kind,
            date=command.date,
            chair=command.chair,
            agenda=[asdict(item) for item in command.agenda],
            invitees=command.invitees,
            prepared_by=preparing,
            actor=actor,
        )
        self.save(meeting)
        return meeting_view(meeting)

    def schedule_meeting(self, meeting_id: UUID, command: ScheduleMeeting, *, actor: str) -> View:
        meeting = self._get(Meeting, meeting_id)
        body = self._get(CoordinationBody, UUID(meeting.body_id))
        meeting.schedule(body=body, approved_by=command.approved_by, actor=actor)
        self.save(meeting)
        return meeting_view(meeting)

    def hold_meeting(self, meeting_id: UUID, command: HoldMeeting, *, actor: str) -> View:
        meeting = self._get(Meeting, meeting_id)
        body = self._get(CoordinationBody, UUID(meeting.body_id))
        meeting.hold(
            body=body, held_on=command.held_on, attendees=command.attendees, today=self.today(), actor=actor
        )
        self.save(meeting)
        return meeting_view(meeting)

    def cancel_meeting(self, meeting_id: UUID, command: CancelMeeting, *, actor: str) -> View:
        meeting = self._get(Meeting, meeting_id)
        meeting.cancel(reason=command.reason, actor=actor)
        self.save(meeting)
        return meeting_view(meeting)

    def issue_minutes(self, meeting_id: UUID, command: IssueMinutes, *, actor: str) -> View:
        """The meeting with its minutes; ``minutes.decision_ids`` names the decisions adopted."""
        meeting = self._get(Meeting, meeting_id)
        body: CoordinationBody = self._get(CoordinationBody, UUID(meeting.body_id))
        for decision in command.decisions:
            for task in decision.tasks:  # who carries a decided task out sat on the body then
                body.require_members([task.lead_unit], "lead unit", command.issued_on)
                body.require_members(list(task.co_units), "co-units", command.issued_on)
        decisions, tasks = meeting.issue_minutes(
            document_number=command.document_number,
            issued_on=command.issued_on,
            decisions=decision_items(command),
            today=self.today(),
            actor=actor,
        )
        for adopted in decisions:  # a pilot unit is named by its register id
            if adopted.kind in ABOUT_AN_ORGANISATION:
                named = self.registered(adopted.subject, f"decision {adopted.number} ({adopted.kind})")
                require_in_order(  # no decision names an organisation before its register entry
                    f"the registration of {named.name_zh} ({named.name_en})",
                    named.registered_on,
                    f"decision {adopted.number} of the minutes {command.document_number}",
                    command.issued_on,
                )
        taken = [t.number for t in tasks if task_id(t.number) in self.repository]
        if taken:
            raise DuplicateTaskNumber(f"task numbers already registered: {', '.join(taken)}", numbers=taken)
        # The minutes, every decision and every task in one atomic write.
        self.save(meeting, *decisions, *tasks)
        return meeting_view(meeting)

    # --- tasks -----------------------------------------------------------

    def start_task(self, task_uuid: UUID, *, actor: str) -> View:
        task = self._get(Task, task_uuid)
        task.start(actor=actor)
        self.save(task)
        return task_view(task)

    def report_task(self, task_uuid: UUID, command: ReportTask, *, actor: str) -> View:
        task = self._get(Task, task_uuid)
        task.report(
            summary=command.summary,
            reported_on=self._on_or_today(command.reported_on),
            today=self.today(),
            actor=actor,
        )
        self.save(task)
        return task_view(task)

    def return_task(self, task_uuid: UUID, command: ReturnTask, *, actor: str) -> View:
        task = self._get(Task, task_uuid)
        task.return_for_rework(reason=command.reason, actor=actor)
        self.save(task)
        return task_view(task)

    def close_task(self, task_uuid: UUID, command: CloseTask, *, actor: str) -> View:
        task = self._get(Task, task_uuid)
        task.close(
            review=command.review,
            closed_on=self._on_or_today(command.closed_on),
            today=self.today(),
            actor=actor,
        )
        self.save(task)
        return task_view(task)

    def archive_task(self, task_uuid: UUID, *, actor: str) -> View:
        task = self._get(Task, task_uuid)
        task.archive(actor=actor)
        self.save(task)
        return task_view(task)

    def extend_task(self, task_uuid: UUID, command: ExtendTask, *, actor: str) -> View:
        task = self._get(Task, task_uuid)
        task.request_extension(
            new_deadline=command.new_deadline,
            reason=command.reason,
            requested_on=self._on_or_today(command.requested_on),
            today=self.today(),
            actor=actor,
        )
        self.save(task)
        return task_view(task)

    def decide_extension(self, task_uuid: UUID, command: DecideExtension, *, role: str, actor: str) -> View:
        """``role``: what the caller decides as (office or chief convener), from its token."""
        task = self._get(Task, task_uuid)
        task.decide_extension(
            grant=command.grant,
            reason=command.reason,
            decided_by=actor,
            role=role,
            limits=self.extension_limits,
            actor=actor,
        )
        self.save(task)
        return task_view(task)

    def chase_task(self, task_uuid: UUID, command: ChaseTask, *, actor: str) -> View:
        task = self._get(Task, task_uuid)
        task.chase(
            note=command.note, chased_on=self._on_or_today(command.chased_on), today=self.today(), actor=actor
        )
        self.save(task)
        return task_view(task)

    def detect_overdue(self) -> list[str]:
        """Mark every open task whose deadline has passed unreported; each only once."""
        today = self.today()
        marked = []
        yesterday = (today - timedelta(days=1)).isoformat()
        due = [Query("task", {"status": s, "flag": False}, day_to=yesterday) for s in OPEN_TASK]
        for row in [row for query in due for row in self.walk(query)]:
            task = self._get(Task, UUID(row["id"]))
            if task.mark_overdue(today=today, actor=SYSTEM_ACTOR):
                self.save(task)
                marked.append(task.number)
        return marked

    # --- policy documents ------------------------------------------------

    def register_document(self, command: RegisterDocument, *, actor: str) -> View:
        if command.decision_id is not None:
            decision: Decision = self._get(Decision, command.decision_id)
            if decision.kind != "issue_policy_document":  # a document carries out a decision to issue it
                raise DecisionDoesNotApply(
                    f"decision {decision.id} is a {decision.kind} decision, not issue_policy_document",
                    decision_id=str(decision.id),
                    kind=decision.kind,
                )
        document = PolicyDocument(
            title=command.title,
            title_en=command.title_en,
            document_number=command.document_number,
            issuer=command.issuer,
            kind=command.kind,
            decision_id=str(command.decision_id) if command.decision_id else None,
            actor=actor,
        )
        self.save(document)
        return document_view(document)

    def issue_document(self, document_id: UUID, command: IssueDocument, *, actor: str) -> View:
        document = self._get(PolicyDocument, document_id)
        document.issue(issued_on=command.issued_on, today=self.today(), actor=actor)
        self.save(document)
        return document_view(document)

    def revise_document(self, document_id: UUID, command: ReviseDocument, *, actor: str) -> View:
        document = self._get(PolicyDocument, document_id)
        document.revise(
            revision_note=command.revision_note,
            revised_on=command.revised_on,
            new_document_number=command.new_document_number,
            today=self.today(),
            actor=actor,
        )
        self.save(document)
        return document_view(document)

    def repeal_document(self, document_id: UUID, command: RepealDocument, *, actor: str) -> View:
        document = self._get(PolicyDocument, document_id)
        document.repeal_document(
            reason=command.reason, repealed_on=command.repealed_on, today=self.today(), actor=actor
        )
        self.save(document)
        return document_view(document)
