"""Conference aggregates: coordination bodies, meetings and their minutes, decisions,
follow-up tasks (督办事项) and policy documents."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from shared.domain import DateInFuture as DateInFuture  # re-exported: a rule this domain raises
from shared.domain import DomainRuleViolation, NotFound, require_not_future, require_transition
from shared.domain import InvalidTransition as InvalidTransition  # re-exported: a rule this domain raises

BODY_KINDS = ("leadership_group", "joint_conference")
MEETING_KINDS = ("plenary", "special_topic", "liaison_preparatory")
DECISION_KINDS = ("adopt_catalogue", "designate_pilot", "approve_plan", "issue_policy_document", "general")
DOCUMENT_KINDS = ("opinion", "plan", "notice", "catalogue")


class BodyNotActive(DomainRuleViolation):
    pass


class AlreadyMember(DomainRuleViolation):
    pass


class NotAMember(DomainRuleViolation):
    pass


class ChairNotConvener(DomainRuleViolation):
    pass


class ApproverNotConvener(DomainRuleViolation):
    pass


class AttendeeNotMember(DomainRuleViolation):
    pass


class PreparatoryMeetingInvalid(DomainRuleViolation):
    pass


class DecisionNumbering(DomainRuleViolation):
    pass


class SubjectMissing(DomainRuleViolation):
    pass


class DuplicateTaskNumber(DomainRuleViolation):
    pass


class DeadlineBeforeDecision(DomainRuleViolation):
    pass


class ExtensionTooLate(DomainRuleViolation):
    pass


class ExtensionNotLater(DomainRuleViolation):
    pass


class DecisionNotFound(NotFound):
    pass


class CoordinationBody(Aggregate):
    """A leadership group or joint conference: a working mechanism, not an organ.
    ``proposed → active → dissolved``."""

    class Proposed(Aggregate.Created):
        kind: str
        name: str
        chief_convener: str
        conveners: list[str]
        lead_unit: str
        office: str
        duties: list[str]
        actor: str

    class Established(Aggregate.Event):
        establishing_document: str
        established_on: str
        actor: str

    class MemberAdded(Aggregate.Event):
        unit: str
        representative: str
        liaison_officer: str
        joined_on: str
        actor: str

    class MemberRemoved(Aggregate.Event):
        unit: str
        left_on: str
        actor: str

    class Dissolved(Aggregate.Event):
        reason: str
        dissolved_on: str
        actor: str

    @event(Proposed)
    def __init__(
        self,
        *,
        kind: str,
        name: str,
        chief_convener: str,
        conveners: list[str],
        lead_unit: str,
        office: str,
        duties: list[str],
        actor: str,
    ) -> None:
        self.kind = kind
        self.name = name
        self.chief_convener = chief_convener
        self.conveners = list(conveners)
        self.lead_unit = lead_unit
        self.office = office
        self.duties = list(duties)
        self.status = "proposed"
        self.establishing_document: str | None = None
        self.established_on: str | None = None
        self.members: dict[str, dict[str, Any]] = {}
        self.former_members: list[dict[str, Any]] = []
        self.dissolution: dict[str, str] | None = None

    @property
    def all_conveners(self) -> set[str]:
        return {self.chief_convener, *self.conveners}

    def require_active(self) -> None:
        if self.status != "active":
            raise BodyNotActive(f"the {self.kind.replace('_', ' ')} is {self.status}", status=self.status)

    def establish(self, *, establishing_document: str, established_on: str, actor: str) -> None:
        require_transition(self.status, ("proposed",), "establish", "body")
        self._establish(
            establishing_document=establishing_document, established_on=established_on, actor=actor
        )

    @event(Established)
    def _establish(self, establishing_document: str, established_on: str, actor: str) -> None:
        self.establishing_document = establishing_document
        self.established_on = established_on
        self.status = "active"

    def add_member(
        self, *, unit: str, representative: str, liaison_officer: str, joined_on: str, actor: str
    ) -> None:
        require_transition(self.status, ("proposed", "active"), "add a member to", "body")
        if unit in self.members:
            raise AlreadyMember(f"{unit} is already a member unit", unit=unit)
        self._add_member(
            unit=unit,
            representative=representative,
            liaison_officer=liaison_officer,
            joined_on=joined_on,
            actor=actor,
        )

    @event(MemberAdded)
    def _add_member(
        self, unit: str, representative: str, liaison_officer: str, joined_on: str, actor: str
    ) -> None:
        self.members[unit] = {
            "unit": unit,
            "representative": representative,
            "liaison_officer": liaison_officer,
            "joined_on": joined_on,
        }

    def remove_member(self, *, unit: str, left_on: str, actor: str) -> None:
        require_transition(self.status, ("proposed", "active"), "remove a member from", "body")
        if unit not in self.members:
            raise NotAMember(f"{unit} is not a member unit", unit=unit)
        self._remove_member(unit=unit, left_on=left_on, actor=actor)

    @event(MemberRemoved)
    def _remove_member(self, unit: str, left_on: str, actor: str) -> None:
        member = self.members.pop(unit)
        self.former_members.append({**member, "left_on": left_on})

    def dissolve(self, *, reason: str, dissolved_on: str, actor: str) -> None:
        require_transition(self.status, ("proposed", "active"), "dissolve", "body")
        self._dissolve(reason=reason, dissolved_on=dissolved_on, actor=actor)

    @event(Dissolved)
    def _dissolve(self, reason: str, dissolved_on: str, actor: str) -> None:
        self.dissolution = {"reason": reason, "dissolved_on": dissolved_on}
        self.status = "dissolved"


def decision_id(meeting_id: UUID, number: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"reform:decision:{meeting_id}:{number}")


def task_id(number: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"reform:task:{number}")


class Meeting(Aggregate):
    """``proposed → scheduled → held → minutes_issued | cancelled``."""

    class Proposed(Aggregate.Created):
        body_id: str
        number: str
        kind: str
        date: str
        chair: str
        agenda: list[dict[str, Any]]
        invitees: list[str]
        prepared_by: str | None
        actor: str

    class Scheduled(Aggregate.Event):
        approved_by: str
        actor: str

    class Held(Aggregate.Event):
        held_on: str
        attendees: list[str]
        actor: str

    class Cancelled(Aggregate.Event):
        reason: str
        actor: str

    class MinutesIssued(Aggregate.Event):
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
        strangers = sorted(set(attendees) - set(body.members) - set(self.invitees))
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
        decisions: list[dict[str, Any]],
        today: date,
        actor: str,
    ) -> tuple[list[Decision], list[Task]]:
        """Fix the agreed matters in minutes (纪要): one Decision per numbered item, and its tasks."""
        require_transition(self.status, ("held",), "issue the minutes of", "meeting")
        require_not_future(issued_on, today, "issued_on")
        numbers = [d["number"] for d in decisions]
        if not decisions or numbers != list(range(1, len(decisions) + 1)):
            raise DecisionNumbering("decisions are numbered 1, 2, 3… in order, at least one", numbers=numbers)
        adopted: list[Decision] = []
        tasks: list[Task] = []
        for item in decisions:
            if item["kind"] != "general" and not str(item.get("subject") or "").strip():
                raise SubjectMissing(
                    f"decision {item['number']} ({item['kind']}) must name its subject", number=item["number"]
                )
            if item["kind"] == "adopt_catalogue":
                try:
                    UUID(str(item["subject"]))
                except ValueError:
                    raise SubjectMissing(
                        f"decision {item['number']} adopts a catalogue: its subject is the catalogue's id",
                        number=item["number"],
                    ) from None
            did = decision_id(self.id, item["number"])
            item_tasks = []
            for spec in item.get("tasks", []):
                if spec["deadline"] < issued_on:
                    raise DeadlineBeforeDecision(
                        f"task {spec['number']} is due before the minutes were issued", number=spec["number"]
                    )
                item_tasks.append(
                    Task(
                        number=spec["number"],
                        decision_id=str(did),
                        content=spec["content"],
                        lead_unit=spec["lead_unit"],
                        co_units=list(spec.get("co_units", [])),
                        deadline=spec["deadline"],
                        actor=actor,
                    )
                )
            adopted.append(
                Decision(
                    meeting_id=str(self.id),
                    body_id=self.body_id,
                    meeting_number=self.number,
                    minutes_document=document_number,
                    number=item["number"],
                    kind=item["kind"],
                    title=item["title"],
                    subject=item.get("subject"),
                    task_ids=[str(t.id) for t in item_tasks],
                    adopted_on=issued_on,
                    actor=actor,
                )
            )
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


class Decision(Aggregate):
    """A numbered decision fixed in minutes; other services act on it by id."""

    class Adopted(Aggregate.Created):
        meeting_id: str
        body_id: str
        meeting_number: str
        minutes_document: str
        number: int
        kind: str
        title: str
        subject: str | None
        task_ids: list[str]
        adopted_on: str
        actor: str

    @staticmethod
    def create_id(meeting_id: str, number: int, **_: Any) -> UUID:
        return decision_id(UUID(meeting_id), number)

    @event(Adopted)
    def __init__(
        self,
        *,
        meeting_id: str,
        body_id: str,
        meeting_number: str,
        minutes_document: str,
        number: int,
        kind: str,
        title: str,
        subject: str | None,
        task_ids: list[str],
        adopted_on: str,
        actor: str,
    ) -> None:
        self.meeting_id = meeting_id
        self.body_id = body_id
        self.meeting_number = meeting_number
        self.minutes_document = minutes_document
        self.number = number
        self.kind = kind
        self.title = title
        self.subject = subject
        self.task_ids = list(task_ids)
        self.adopted_on = adopted_on


OPEN_TASK = ("assigned", "in_progress")


class Task(Aggregate):
    """A decided matter under follow-up (督办): ``assigned → in_progress → reported → closed →
    archived``, returned back to in_progress, overdue once when the deadline passes unreported."""

    class Assigned(Aggregate.Created):
        number: str
        decision_id: str
        content: str
        lead_unit: str
        co_units: list[str]
        deadline: str
        actor: str

    class Started(Aggregate.Event):
        actor: str

    class Reported(Aggregate.Event):
        summary: str
        reported_on: str
        actor: str

    class Returned(Aggregate.Event):
        reason: str
        actor: str

    class Closed(Aggregate.Event):
        review: str
        closed_on: str
        actor: str

    class Archived(Aggregate.Event):
        actor: str

    class ExtensionGranted(Aggregate.Event):
        previous_deadline: str
        new_deadline: str
        reason: str
        requested_on: str
        actor: str

    class Overdue(Aggregate.Event):
        deadline: str
        detected_on: str
        actor: str

    class Chased(Aggregate.Event):
        note: str
        chased_on: str
        actor: str

    @staticmethod
    def create_id(number: str, **_: Any) -> UUID:
        return task_id(number)

    @event(Assigned)
    def __init__(
        self,
        *,
        number: str,
        decision_id: str,
        content: str,
        lead_unit: str,
        co_units: list[str],
        deadline: str,
        actor: str,
    ) -> None:
        self.number = number
        self.decision_id = decision_id
        self.content = content
        self.lead_unit = lead_unit
        self.co_units = list(co_units)
        self.deadline = deadline
        self.status = "assigned"
        self.overdue = False
        self.reports: list[dict[str, str]] = []
        self.returns: list[str] = []
        self.extensions: list[dict[str, str]] = []
        self.chases: list[dict[str, str]] = []
        self.closed_on: str | None = None
        self.review: str | None = None

    def start(self, *, actor: str) -> None:
        require_transition(self.status, ("assigned",), "start", "task")
        self._start(actor=actor)

    @event(Started)
    def _start(self, actor: str) -> None:
        self.status = "in_progress"

    def report(self, *, summary: str, reported_on: str, today: date, actor: str) -> None:
        require_transition(self.status, OPEN_TASK, "report on", "task")
        require_not_future(reported_on, today, "reported_on")
        self._report(summary=summary, reported_on=reported_on, actor=actor)

    @event(Reported)
    def _report(self, summary: str, reported_on: str, actor: str) -> None:
        self.reports.append({"summary": summary, "reported_on": reported_on})
        self.status = "reported"

    def return_for_rework(self, *, reason: str, actor: str) -> None:
        require_transition(self.status, ("reported",), "return", "task")
        self._return(reason=reason, actor=actor)

    @event(Returned)
    def _return(self, reason: str, actor: str) -> None:
        self.returns.append(reason)
        self.status = "in_progress"

    def close(self, *, review: str, closed_on: str, today: date, actor: str) -> None:
        require_transition(self.status, ("reported",), "close", "task")
        require_not_future(closed_on, today, "closed_on")
        self._close(review=review, closed_on=closed_on, actor=actor)

    @event(Closed)
    def _close(self, review: str, closed_on: str, actor: str) -> None:
        self.review = review
        self.closed_on = closed_on
        self.status = "closed"

    @property
    def on_time(self) -> bool | None:
        """Closed with its last report on or before the (extended) deadline."""
        if self.status not in ("closed", "archived") or not self.reports:
            return None
        return self.reports[-1]["reported_on"] <= self.deadline

    def archive(self, *, actor: str) -> None:
        require_transition(self.status, ("closed",), "archive", "task")
        self._archive(actor=actor)

    @event(Archived)
    def _archive(self, actor: str) -> None:
        self.status = "archived"

    def request_extension(
        self, *, new_deadline: str, reason: str, requested_on: str, today: date, actor: str
    ) -> None:
        """Granted only when asked no later than the deadline day (judged by the date it was asked,
        so a request made on paper in time and recorded later still counts)."""
        require_transition(self.status, OPEN_TASK, "extend", "task")
        require_not_future(requested_on, today, "requested_on")
        if requested_on > self.deadline:
            raise ExtensionTooLate(
                f"an extension must be requested before the deadline {self.deadline}",
                deadline=self.deadline,
                requested_on=requested_on,
            )
        if new_deadline <= self.deadline:
            raise ExtensionNotLater(
                f"the new deadline {new_deadline} must be after {self.deadline}", deadline=self.deadline
            )
        self._extend(
            previous_deadline=self.deadline,
            new_deadline=new_deadline,
            reason=reason,
            requested_on=requested_on,
            actor=actor,
        )

    @event(ExtensionGranted)
    def _extend(
        self, previous_deadline: str, new_deadline: str, reason: str, requested_on: str, actor: str
    ) -> None:
        self.extensions.append(
            {
                "previous_deadline": previous_deadline,
                "new_deadline": new_deadline,
                "reason": reason,
                "requested_on": requested_on,
            }
        )
        self.deadline = new_deadline
        self.overdue = False  # a new deadline is watched afresh

    def is_due_for_overdue(self, today: date) -> bool:
        return self.status in OPEN_TASK and not self.overdue and today.isoformat() > self.deadline

    def mark_overdue(self, *, today: date, actor: str) -> bool:
        """Record once that the deadline passed unreported; False when there is nothing to record."""
        if not self.is_due_for_overdue(today):
            return False
        self._overdue(deadline=self.deadline, detected_on=today.isoformat(), actor=actor)
        return True

    @event(Overdue)
    def _overdue(self, deadline: str, detected_on: str, actor: str) -> None:
        self.overdue = True

    def chase(self, *, note: str, chased_on: str, today: date, actor: str) -> None:
        require_transition(self.status, (*OPEN_TASK, "reported"), "chase", "task")
        require_not_future(chased_on, today, "chased_on")
        self._chase(note=note, chased_on=chased_on, actor=actor)

    @event(Chased)
    def _chase(self, note: str, chased_on: str, actor: str) -> None:
        self.chases.append({"note": note, "chased_on": chased_on})


class PolicyDocument(Aggregate):
    """``draft → issued → revised | repealed``."""

    class Registered(Aggregate.Created):
        title: str
        document_number: str
        issuer: str
        kind: str
        decision_id: str | None
        actor: str

    class Issued(Aggregate.Event):
        issued_on: str
        actor: str

    class Revised(Aggregate.Event):
        revision_note: str
        revised_on: str
        new_document_number: str | None
        actor: str

    class Repealed(Aggregate.Event):
        reason: str
        repealed_on: str
        actor: str

    @event(Registered)
    def __init__(
        self, *, title: str, document_number: str, issuer: str, kind: str, decision_id: str | None, actor: str
    ) -> None:
        self.title = title
        self.document_number = document_number
        self.issuer = issuer
        self.kind = kind
        self.decision_id = decision_id
        self.status = "draft"
        self.issued_on: str | None = None
        self.revisions: list[dict[str, Any]] = []
        self.repeal: dict[str, str] | None = None

    def issue(self, *, issued_on: str, today: date, actor: str) -> None:
        require_transition(self.status, ("draft",), "issue", "policy document")
        require_not_future(issued_on, today, "issued_on")
        self._issue(issued_on=issued_on, actor=actor)

    @event(Issued)
    def _issue(self, issued_on: str, actor: str) -> None:
        self.issued_on = issued_on
        self.status = "issued"

    def revise(
        self, *, revision_note: str, revised_on: str, new_document_number: str | None, today: date, actor: str
    ) -> None:
        require_transition(self.status, ("issued", "revised"), "revise", "policy document")
        require_not_future(revised_on, today, "revised_on")
        self._revise(
            revision_note=revision_note,
            revised_on=revised_on,
            new_document_number=new_document_number,
            actor=actor,
        )

    @event(Revised)
    def _revise(
        self, revision_note: str, revised_on: str, new_document_number: str | None, actor: str
    ) -> None:
        self.revisions.append(
            {
                "revision_note": revision_note,
                "revised_on": revised_on,
                "new_document_number": new_document_number,
            }
        )
        if new_document_number:
            self.document_number = new_document_number
        self.status = "revised"

    def repeal_document(self, *, reason: str, repealed_on: str, today: date, actor: str) -> None:
        require_transition(self.status, ("issued", "revised"), "repeal", "policy document")
        require_not_future(repealed_on, today, "repealed_on")
        self._repeal(reason=reason, repealed_on=repealed_on, actor=actor)

    @event(Repealed)
    def _repeal(self, reason: str, repealed_on: str, actor: str) -> None:
        self.repeal = {"reason": reason, "repealed_on": repealed_on}
        self.status = "repealed"
