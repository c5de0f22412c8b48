"""Conference use cases: one method each; queries return plain data."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from services.conference.domain import (
    CoordinationBody,
    Decision,
    DecisionNotFound,
    DuplicateTaskNumber,
    Meeting,
    PolicyDocument,
    Task,
    task_id,
)
from shared.domain import NotFound
from shared.persistence.eventlog import ServiceApplication, to_plain

SYSTEM_ACTOR = "system"


class BodyNotFound(NotFound):
    pass


class MeetingNotFound(NotFound):
    pass


class TaskNotFound(NotFound):
    pass


class DocumentNotFound(NotFound):
    pass


KINDS: dict[type, type[NotFound]] = {
    CoordinationBody: BodyNotFound,
    Meeting: MeetingNotFound,
    Decision: DecisionNotFound,
    Task: TaskNotFound,
    PolicyDocument: DocumentNotFound,
}


class ConferenceApplication(ServiceApplication):
    name = "conference"

    def _get(self, cls: type, aggregate_id: UUID, as_of: datetime | None = None) -> Any:
        return self.get_aggregate(cls, aggregate_id, KINDS[cls], as_of)

    # --- coordination bodies ---------------------------------------------

    def propose_body(self, *, actor: str, **fields: Any) -> UUID:
        body = CoordinationBody(actor=actor, **fields)
        self.save(body)
        return body.id

    def establish_body(self, body_id: UUID, *, actor: str, **fields: Any) -> None:
        body = self._get(CoordinationBody, body_id)
        body.establish(actor=actor, **fields)
        self.save(body)

    def add_member(self, body_id: UUID, *, actor: str, **fields: Any) -> None:
        body = self._get(CoordinationBody, body_id)
        body.add_member(actor=actor, **fields)
        self.save(body)

    def remove_member(self, body_id: UUID, unit: str, *, actor: str, left_on: str) -> None:
        body = self._get(CoordinationBody, body_id)
        body.remove_member(unit=unit, left_on=left_on, actor=actor)
        self.save(body)

    def dissolve_body(self, body_id: UUID, *, actor: str, **fields: Any) -> None:
        body = self._get(CoordinationBody, body_id)
        body.dissolve(actor=actor, **fields)
        self.save(body)

    # --- meetings, minutes, decisions ------------------------------------

    def propose_meeting(
        self, *, actor: str, body_id: UUID, prepared_by: UUID | None = None, **fields: Any
    ) -> UUID:
        body = self._get(CoordinationBody, body_id)
        preparing = self._get(Meeting, prepared_by) if prepared_by else None
        meeting = Meeting.propose(body=body, prepared_by=preparing, actor=actor, **fields)
        self.save(meeting)
        return meeting.id

    def schedule_meeting(self, meeting_id: UUID, *, approved_by: str, actor: str) -> None:
        meeting = self._get(Meeting, meeting_id)
        meeting.schedule(
            body=self._get(CoordinationBody, UUID(meeting.body_id)), approved_by=approved_by, actor=actor
        )
        self.save(meeting)

    def hold_meeting(self, meeting_id: UUID, *, held_on: str, attendees: list[str], actor: str) -> None:
        meeting = self._get(Meeting, meeting_id)
        body = self._get(CoordinationBody, UUID(meeting.body_id))
        meeting.hold(body=body, held_on=held_on, attendees=attendees, today=self.today(), actor=actor)
        self.save(meeting)

    def cancel_meeting(self, meeting_id: UUID, *, reason: str, actor: str) -> None:
        meeting = self._get(Meeting, meeting_id)
        meeting.cancel(reason=reason, actor=actor)
        self.save(meeting)

    def issue_minutes(self, meeting_id: UUID, *, actor: str, **fields: Any) -> list[str]:
        meeting = self._get(Meeting, meeting_id)
        decisions, tasks = meeting.issue_minutes(today=self.today(), actor=actor, **fields)
        taken = [t.number for t in tasks if task_id(t.number) in self.repository]
        if taken:
            raise DuplicateTaskNumber(f"task numbers already registered: {', '.join(taken)}", numbers=taken)
        # The minutes, every decision and every task in one atomic write.
        self.save(meeting, *decisions, *tasks)
        return [str(d.id) for d in decisions]

    # --- tasks -----------------------------------------------------------

    def _task_command(self, task_uuid: UUID, command: str, **kwargs: Any) -> dict[str, Any]:
        task = self._get(Task, task_uuid)
        getattr(task, command)(**kwargs)
        self.save(task)
        return self._describe_task(task)

    def start_task(self, task_uuid: UUID, *, actor: str) -> dict[str, Any]:
        return self._task_command(task_uuid, "start", actor=actor)

    def report_task(
        self, task_uuid: UUID, *, actor: str, summary: str, reported_on: str | None
    ) -> dict[str, Any]:
        return self._task_command(
            task_uuid,
            "report",
            summary=summary,
            reported_on=reported_on or self.today().isoformat(),
            today=self.today(),
            actor=actor,
        )

    def return_task(self, task_uuid: UUID, *, actor: str, reason: str) -> dict[str, Any]:
        return self._task_command(task_uuid, "return_for_rework", reason=reason, actor=actor)

    def close_task(
        self, task_uuid: UUID, *, actor: str, review: str, closed_on: str | None
    ) -> dict[str, Any]:
        return self._task_command(
            task_uuid,
            "close",
            review=review,
            closed_on=closed_on or self.today().isoformat(),
            today=self.today(),
            actor=actor,
        )

    def archive_task(self, task_uuid: UUID, *, actor: str) -> dict[str, Any]:
        return self._task_command(task_uuid, "archive", actor=actor)

    def extend_task(
        self, task_uuid: UUID, *, actor: str, new_deadline: str, reason: str, requested_on: str | None
    ) -> dict[str, Any]:
        return self._task_command(
            task_uuid,
            "request_extension",
            new_deadline=new_deadline,
            reason=reason,
            requested_on=requested_on or self.today().isoformat(),
            today=self.today(),
            actor=actor,
        )

    def chase_task(self, task_uuid: UUID, *, actor: str, note: str, chased_on: str | None) -> dict[str, Any]:
        return self._task_command(
            task_uuid,
            "chase",
            note=note,
            chased_on=chased_on or self.today().isoformat(),
            today=self.today(),
            actor=actor,
        )

    def detect_overdue(self) -> list[str]:
        """Mark every open task whose deadline has passed unreported; each only once."""
        today = self.today()
        marked = []
        for tid in self.ids_of(Task.Assigned):
            task = self._get(Task, tid)
            if task.mark_overdue(today=today, actor=SYSTEM_ACTOR):
                self.save(task)
                marked.append(task.number)
        return marked

    # --- policy documents ------------------------------------------------

    def register_document(self, *, actor: str, decision_id: UUID | None = None, **fields: Any) -> UUID:
        if decision_id is not None:
            self._get(Decision, decision_id)
        document = PolicyDocument(
            actor=actor, decision_id=str(decision_id) if decision_id else None, **fields
        )
        self.save(document)
        return document.id

    def issue_document(self, document_id: UUID, *, actor: str, issued_on: str) -> None:
        document = self._get(PolicyDocument, document_id)
        document.issue(issued_on=issued_on, today=self.today(), actor=actor)
        self.save(document)

    def revise_document(self, document_id: UUID, *, actor: str, **fields: Any) -> None:
        document = self._get(PolicyDocument, document_id)
        document.revise(today=self.today(), actor=actor, **fields)
        self.save(document)

    def repeal_document(self, document_id: UUID, *, actor: str, **fields: Any) -> None:
        document = self._get(PolicyDocument, document_id)
        document.repeal_document(today=self.today(), actor=actor, **fields)
        self.save(document)

    # --- queries ---------------------------------------------------------

    def body(self, body_id: UUID, as_of: datetime | None = None) -> dict[str, Any]:
        return self._describe_body(self._get(CoordinationBody, body_id, as_of))

    def bodies(self) -> list[dict[str, Any]]:
        return [
            self._describe_body(self._get(CoordinationBody, i))
            for i in self.ids_of(CoordinationBody.Proposed)
        ]

    def meeting(self, meeting_id: UUID, as_of: datetime | None = None) -> dict[str, Any]:
        return self._describe_meeting(self._get(Meeting, meeting_id, as_of))

    def meetings(self, body_id: UUID | None = None) -> list[dict[str, Any]]:
        rows = [self._describe_meeting(self._get(Meeting, i)) for i in self.ids_of(Meeting.Proposed)]
        return [r for r in rows if body_id is None or r["body_id"] == str(body_id)]

    def decision(self, decision_uuid: UUID) -> dict[str, Any]:
        return self._describe_decision(self._get(Decision, decision_uuid))

    def decisions(self, kind: str | None = None) -> list[dict[str, Any]]:
        rows = [self._describe_decision(self._get(Decision, i)) for i in self.ids_of(Decision.Adopted)]
        return [r for r in rows if kind is None or r["kind"] == kind]

    def task(self, task_uuid: UUID, as_of: datetime | None = None) -> dict[str, Any]:
        return self._describe_task(self._get(Task, task_uuid, as_of))

    def tasks(
        self, status: str | None = None, lead_unit: str | None = None, overdue: bool | None = None
    ) -> list[dict[str, Any]]:
        rows = [self._describe_task(self._get(Task, i)) for i in self.ids_of(Task.Assigned)]
        return [
            r
            for r in rows
            if (status is None or r["status"] == status)
            and (lead_unit is None or r["lead_unit"] == lead_unit)
            and (overdue is None or r["overdue"] == overdue)
        ]

    def document(self, document_id: UUID, as_of: datetime | None = None) -> dict[str, Any]:
        return self._describe_document(self._get(PolicyDocument, document_id, as_of))

    def documents(self) -> list[dict[str, Any]]:
        return [
            self._describe_document(self._get(PolicyDocument, i))
            for i in self.ids_of(PolicyDocument.Registered)
        ]

    def history_of(self, cls: type, aggregate_id: UUID) -> list[dict[str, Any]]:
        self._get(cls, aggregate_id)
        return self.history(aggregate_id)

    @staticmethod
    def _base(aggregate: Any) -> dict[str, Any]:
        return {
            "id": str(aggregate.id),
            "version": aggregate.version,
            "created_at": aggregate.created_on.isoformat(),
            "modified_at": aggregate.modified_on.isoformat(),
        }

    def _describe_body(self, b: CoordinationBody) -> dict[str, Any]:
        return to_plain(
            {
                **self._base(b),
                "kind": b.kind,
                "name": b.name,
                "status": b.status,
                "chief_convener": b.chief_convener,
                "conveners": b.conveners,
                "lead_unit": b.lead_unit,
                "office": b.office,
                "duties": b.duties,
                "establishing_document": b.establishing_document,
                "established_on": b.established_on,
                "members": sorted(b.members.values(), key=lambda m: m["unit"]),
                "former_members": b.former_members,
                "dissolution": b.dissolution,
            }
        )

    def _describe_meeting(self, m: Meeting) -> dict[str, Any]:
        return to_plain(
            {
                **self._base(m),
                "body_id": m.body_id,
                "number": m.number,
                "kind": m.kind,
                "date": m.date,
                "chair": m.chair,
                "agenda": m.agenda,
                "invitees": m.invitees,
                "prepared_by": m.prepared_by,
                "status": m.status,
                "approved_by": m.approved_by,
                "held_on": m.held_on,
                "attendees": m.attendees,
                "cancel_reason": m.cancel_reason,
                "minutes": m.minutes,
            }
        )

    def _describe_decision(self, d: Decision) -> dict[str, Any]:
        return to_plain(
            {
                **self._base(d),
                "meeting_id": d.meeting_id,
                "body_id": d.body_id,
                "meeting_number": d.meeting_number,
                "minutes_document": d.minutes_document,
                "number": d.number,
                "kind": d.kind,
                "title": d.title,
                "subject": d.subject,
                "task_ids": d.task_ids,
                "adopted_on": d.adopted_on,
            }
        )

    def _describe_task(self, t: Task) -> dict[str, Any]:
        return to_plain(
            {
                **self._base(t),
                "number": t.number,
                "decision_id": t.decision_id,
                "content": t.content,
                "lead_unit": t.lead_unit,
                "co_units": t.co_units,
                "deadline": t.deadline,
                "status": t.status,
                "overdue": t.overdue,
                "on_time": t.on_time,
                "reports": t.reports,
                "returns": t.returns,
                "extensions": t.extensions,
                "chases": t.chases,
                "closed_on": t.closed_on,
                "review": t.review,
            }
        )

    def _describe_document(self, d: PolicyDocument) -> dict[str, Any]:
        return to_plain(
            {
                **self._base(d),
                "title": d.title,
                "document_number": d.document_number,
                "issuer": d.issuer,
                "kind": d.kind,
                "decision_id": d.decision_id,
                "status": d.status,
                "issued_on": d.issued_on,
                "revisions": d.revisions,
                "repeal": d.repeal,
            }
        )
