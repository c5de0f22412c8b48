"""Meetings of a coordination body, and the minutes that fix their decisions and tasks."""

from __future__ import annotations

from datetime import date
from typing import Any, NotRequired, TypedDict
from uuid import UUID

from eventsourcing.domain import event

from services.conference.domain.body import CoordinationBody
from services.conference.domain.decision import Decision, decision_id
from services.conference.domain.errors import (
    ApproverNotConvener,
    AttendeeNotMember,
    ChairNotConvener,
    DeadlineBeforeDecision,
    DecisionNumbering,
    DuplicateTaskNumber,
    NotBinding,
    PreparatoryMeetingInvalid,
    SubjectMissing,
)
from services.conference.domain.task import Task
from shared.acts import ActsInOrder, DatedCreated, DatedEvent
from shared.domain import require_in_order, require_not_future, require_transition


class TaskItem(TypedDict):
    """A task the minutes assign under one decision."""

    number: str
    content: str
    lead_unit: str
    deadline: str
    co_units: NotRequired[list[str]]


class DecisionItem(TypedDict):
    """One numbered decision of the minutes, with the tasks it assigns."""

    number: int
    kind: str
    title: str
    subject: NotRequired[str | None]
    tasks: NotRequired[list[TaskItem]]


class Meeting(ActsInOrder):
    """``proposed → scheduled → held → minutes_issued | cancelled``."""

    class Proposed(DatedCreated):
        body_id: str
        number: str
        kind: str
        date: str
        chair: str
        agenda: list[dict[str, Any]]
        invitees: list[str]
        prepared_by: str | None
        actor: str

    class Scheduled(DatedEvent):
        approved_by: str
        actor: str

    class Held(DatedEvent):
        held_on: str
        attendees: list[str]
        actor: str

    class Cancelled(DatedEvent):
        reason: str
        actor: str

    class MinutesIssued(DatedEvent):
        document_number: str
        issued_on: str
        decision_ids: list[str]
        actor: str

    @event(Proposed)
    def __init__(
        self,
        *,
        body_id: str,
        number: str,
        kind: str,
        date: str,
        chair: str,
        agenda: list[dict[str, Any]],
        invitees: list[str],
        prepared_by: str | None,
        actor: str,
    ) -> None:
        self.body_id = body_id
        self.number = number
        self.kind = kind
        self.date = date
        self.chair = chair
        self.agenda = [dict(a) for a in agenda]
        self.invitees = list(invitees)
        self.prepared_by = prepared_by
        self.status = "proposed"
        self.approved_by: str | None = None
        self.held_on: str | None = None
        self.attendees: list[str] = []
        self.cancel_reason: str | None = None
        self.minutes: dict[str, Any] | None = None

    @classmethod
    def propose(
        cls,
        *,
        body: CoordinationBody,
        number: str,
        kind: str,
        date: str,
        chair: str,
        agenda: list[dict[str, Any]],
        invitees: list[str],
        actor: str,
        prepared_by: Meeting | None = None,
    ) -> Meeting:
        body.require_active()
        if kind != "liaison_preparatory" and chair not in body.all_conveners:
            raise ChairNotConvener(
                f"a {kind.replace('_', ' ')} meeting is chaired by a convener, not {chair}",
                chair=chair,
                conveners=sorted(body.all_conveners),
            )
        if prepared_by is not None:
            _require_preparing(prepared_by, body, kind)
        return cls(
            body_id=str(body.id),
            number=number,
            kind=kind,
            date=date,
            chair=chair,
            agenda=agenda,
            invitees=invitees,
            prepared_by=str(prepared_by.id) if prepared_by else None,
            actor=actor,
        )

    def schedule(self, *, body: CoordinationBody, approved_by: str, actor: str) -> None:
        require_transition(self.status, ("proposed",), "schedule", "meeting")
        body.require_active()
        if approved_by not in body.all_conveners:
            raise ApproverNotConvener(
                f"meetings are approved by a convener, not {approved_by}", approved_by=approved_by
            )
        self._schedule(approved_by=approved_by, actor=actor)

    @event(Scheduled)
    def _schedule(self, approved_by: str, actor: str) -> None:
        self.approved_by = approved_by
        self.status = "scheduled"

    def hold(
        self, *, body: CoordinationBody, held_on: str, attendees: list[str], today: date, actor: str
    ) -> None:
        require_transition(self.status, ("scheduled",), "hold", "meeting")
        body.require_active()
        require_not_future(held_on, today, "held_on")
        require_in_order(f"the establishment of body {body.id}", body.established_on, "the meeting", held_on)
        # members on the day it was held (a meeting entered later from paper keeps its own day)
        strangers = sorted(a for a in set(attendees) - set(self.invitees) if not body.member_on(a, held_on))
        if strangers:
            raise AttendeeNotMember(
                f"attendees must be member units or named invitees: {', '.join(strangers)}",
                attendees=strangers,
            )
        self._hold(held_on=held_on, attendees=list(attendees), actor=actor)

    @event(Held)
    def _hold(self, held_on: str, attendees: list[str], actor: str) -> None:
        self.held_on = held_on
        self.attendees = attendees
        self.status = "held"

    def cancel(self, *, reason: str, actor: str) -> None:
        require_transition(self.status, ("proposed", "scheduled"), "cancel", "meeting")
        self._cancel(reason=reason, actor=actor)

    @event(Cancelled)
    def _cancel(self, reason: str, actor: str) -> None:
        self.cancel_reason = reason
        self.status = "cancelled"

    def issue_minutes(
        self,
        *,
        document_number: str,
        issued_on: str,
        decisions: list[DecisionItem],
        today: date,
        actor: str,
    ) -> tuple[list[Decision], list[Task]]:
        """Fix the agreed matters in minutes (纪要): one Decision per numbered item, and its tasks."""
        require_transition(self.status, ("held",), "issue the minutes of", "meeting")
        require_not_future(issued_on, today, "issued_on")
        require_in_order(
            f"the meeting {self.number}", self.held_on, f"the minutes {document_number}", issued_on
        )
        binding = [d for d in decisions if d["kind"] != "general"]
        if self.kind == "liaison_preparatory" and binding:
            first = binding[0]
            raise NotBinding(
                f"decision {first['number']} ({first['kind']}) binds: a liaison-preparatory meeting records "
                "recommendations only; a plenary or special-topic meeting chaired by a convener adopts it",
                number=first["number"],
                kind=first["kind"],
            )
        numbers = [d["number"] for d in decisions]
        if not decisions or numbers != list(range(1, len(decisions) + 1)):
            raise DecisionNumbering("decisions are numbered 1, 2, 3… in order, at least one", numbers=numbers)
        adopted: list[Decision] = []
        tasks: list[Task] = []
        for item in decisions:
            _require_subject(item)
            did = decision_id(self.id, item["number"])
            item_tasks = [_assign(spec, did, issued_on, actor) for spec in item.get("tasks", [])]
            adopted.append(self._decision(item, item_tasks, document_number, issued_on, actor))
            tasks.extend(item_tasks)
        all_numbers = [t.number for t in tasks]
        if len(set(all_numbers)) != len(all_numbers):
            raise DuplicateTaskNumber("task numbers repeat within these minutes", numbers=all_numbers)
        self._issue_minutes(
            document_number=document_number,
            issued_on=issued_on,
            decision_ids=[str(d.id) for d in adopted],
            actor=actor,
        )
        return adopted, tasks

    def _decision(
        self, item: DecisionItem, tasks: list[Task], document_number: str, issued_on: str, actor: str
    ) -> Decision:
        """The Decision these minutes adopt for ``item`` (not an event: nothing changes here)."""
        return Decision(
            meeting_id=str(self.id),
            body_id=self.body_id,
            meeting_number=self.number,
            minutes_document=document_number,
            number=item["number"],
            kind=item["kind"],
            title=item["title"],
            subject=item.get("subject"),
            task_ids=[str(t.id) for t in tasks],
            adopted_on=issued_on,
            actor=actor,
        )

    @event(MinutesIssued)
    def _issue_minutes(
        self, document_number: str, issued_on: str, decision_ids: list[str], actor: str
    ) -> None:
        self.minutes = {
            "document_number": document_number,
            "issued_on": issued_on,
            "decision_ids": decision_ids,
        }
        self.status = "minutes_issued"


def _require_preparing(prepared_by: Meeting, body: CoordinationBody, kind: str) -> None:
    """Only a plenary names the held liaison-preparatory meeting of its body that prepared it."""
    if kind != "plenary":
        raise PreparatoryMeetingInvalid("only a plenary names the meeting that prepared it")
    if (
        prepared_by.kind != "liaison_preparatory"
        or prepared_by.body_id != str(body.id)
        or prepared_by.status not in ("held", "minutes_issued")
    ):
        raise PreparatoryMeetingInvalid(
            "the preparing meeting must be a held liaison-preparatory meeting of the same body",
            prepared_by=str(prepared_by.id),
        )


# what the subject of a decision about another service's record is (an id that service checks)
RECORD_SUBJECTS = {"adopt_catalogue": "the catalogue's id", "continue_matter": "the service matter's id"}


def _require_subject(item: DecisionItem) -> None:
    """Every decision but a general one names its subject; a catalogue's is the catalogue's id."""
    if item["kind"] != "general" and not str(item.get("subject") or "").strip():
        raise SubjectMissing(
            f"decision {item['number']} ({item['kind']}) must name its subject", number=item["number"]
        )
    if item["kind"] in RECORD_SUBJECTS:
        try:
            UUID(str(item.get("subject")).strip())
        except ValueError:
            raise SubjectMissing(
                f"decision {item['number']} ({item['kind']}): its subject is {RECORD_SUBJECTS[item['kind']]}",
                number=item["number"],
            ) from None


def _assign(spec: TaskItem, decision: UUID, issued_on: str, actor: str) -> Task:
    if spec["deadline"] < issued_on:
        raise DeadlineBeforeDecision(
            f"task {spec['number']} is due before the minutes were issued", number=spec["number"]
        )
    return Task(
        number=spec["number"],
        decision_id=str(decision),
        content=spec["content"],
        lead_unit=spec["lead_unit"],
        co_units=list(spec.get("co_units", [])),
        deadline=spec["deadline"],
        actor=actor,
    )
