"""Follow-up tasks (督办事项): decided matters a lead unit carries out and reports on."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from services.conference.domain.errors import (
    ConvenerRequired,
    ExtensionNotLater,
    ExtensionPending,
    ExtensionTooLate,
    NoExtensionRequested,
)
from shared.acts import Act, ActsInOrder, DatedCreated, DatedEvent, acting, day_after
from shared.domain import require_not_future, require_transition
from shared.vocabulary.conference import OPEN_TASK


def task_id(number: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"reform:task:{number}")


# The roles that decide an extension: the office, within the limits; the chief convener, past them.
OFFICE, CHIEF_CONVENER = "office", "chief_convener"


class Task(ActsInOrder):
    """A decided matter under follow-up (督办): ``assigned → in_progress → reported → closed →
    archived``, returned back to in_progress, overdue once when the deadline passes unreported."""

    class Assigned(DatedCreated):
        number: str
        decision_id: str
        content: str
        lead_unit: str
        co_units: list[str]
        deadline: str
        actor: str

    class Started(DatedEvent):
        actor: str

    class Reported(DatedEvent):
        summary: str
        reported_on: str
        actor: str

    class Returned(DatedEvent):
        reason: str
        actor: str

    class Closed(DatedEvent):
        review: str
        closed_on: str
        actor: str

    class Archived(DatedEvent):
        actor: str

    class ExtensionRequested(DatedEvent):
        """The lead unit asks for a later deadline; nothing changes until the office decides."""

        new_deadline: str
        reason: str
        requested_on: str
        requested_by: str
        actor: str

    class ExtensionGranted(DatedEvent):
        previous_deadline: str
        new_deadline: str
        reason: str
        requested_on: str
        decided_by: str | None  # who granted it, and as what (office, chief convener)
        role: str | None
        after_overdue: bool  # granted once the task had been marked overdue: visible as such
        actor: str

        class_version = 3

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            """Granted before requests and grants were separate acts: granted as asked, by no one named."""
            state.update(decided_by=None, role=None, after_overdue=False)

    class ExtensionRefused(DatedEvent):
        new_deadline: str
        reason: str
        decided_by: str
        role: str
        actor: str

    class Overdue(DatedEvent):
        deadline: str
        detected_on: str
        actor: str

    class Chased(DatedEvent):
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
        self.extensions: list[dict[str, Any]] = []
        self.pending_extension: dict[str, str] | None = None
        self.refused_extensions: list[dict[str, str]] = []
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
        """The lead unit asks for a later deadline, no later than the deadline day (judged by the
        date it was asked, so a request made on paper in time and recorded later still counts)."""
        require_transition(self.status, OPEN_TASK, "extend", "task")
        require_not_future(requested_on, today, "requested_on")
        if self.pending_extension is not None:
            raise ExtensionPending(
                "an extension is already requested and not yet decided", **self.pending_extension
            )
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
        self._request(
            new_deadline=new_deadline,
            reason=reason,
            requested_on=requested_on,
            requested_by=self.lead_unit,
            actor=actor,
        )

    @event(ExtensionRequested)
    def _request(
        self, new_deadline: str, reason: str, requested_on: str, requested_by: str, actor: str
    ) -> None:
        self.pending_extension = {
            "new_deadline": new_deadline,
            "reason": reason,
            "requested_on": requested_on,
        }

    def decide_extension(
        self, *, grant: bool, reason: str, decided_by: str, role: str, limits: tuple[int, int], actor: str
    ) -> None:
        """The office grants or refuses the request, as its own act naming who decided. Past
        ``limits`` (extensions already granted, total days beyond the first deadline) only the
        chief convener may grant."""
        request = self.pending_extension
        if request is None:
            raise NoExtensionRequested("no extension of this task awaits a decision")
        if not grant:
            self._refuse(
                new_deadline=request["new_deadline"],
                reason=reason,
                decided_by=decided_by,
                role=role,
                actor=actor,
            )
            return
        first = self.extensions[0]["previous_deadline"] if self.extensions else self.deadline
        days = (date.fromisoformat(request["new_deadline"]) - date.fromisoformat(first)).days
        count, total = limits
        if role != CHIEF_CONVENER and (len(self.extensions) >= count or days > total):
            raise ConvenerRequired(
                f"a {len(self.extensions) + 1}th extension, or one reaching {days} days past the first "
                f"deadline {first}, is granted by the chief convener (limits: {count}, {total} days)",
                extensions=len(self.extensions),
                days=days,
                limits={"extensions": count, "days": total},
            )
        self._extend(
            previous_deadline=self.deadline,
            new_deadline=request["new_deadline"],
            reason=request["reason"],
            requested_on=request["requested_on"],
            decided_by=decided_by,
            role=role,
            after_overdue=self.overdue,
            actor=actor,
        )

    @event(ExtensionGranted)
    def _extend(
        self,
        previous_deadline: str,
        new_deadline: str,
        reason: str,
        requested_on: str,
        decided_by: str | None,
        role: str | None,
        after_overdue: bool,
        actor: str,
    ) -> None:
        self.extensions.append(
            {
                "previous_deadline": previous_deadline,
                "new_deadline": new_deadline,
                "reason": reason,
                "requested_on": requested_on,
                "decided_by": decided_by,
                "role": role,
                "after_overdue": after_overdue,
            }
        )
        self.deadline = new_deadline
        self.overdue = False  # a new deadline is watched afresh
        self.pending_extension = None

    @event(ExtensionRefused)
    def _refuse(self, new_deadline: str, reason: str, decided_by: str, role: str, actor: str) -> None:
        self.refused_extensions.append(
            {"new_deadline": new_deadline, "reason": reason, "decided_by": decided_by}
        )
        self.pending_extension = None

    def is_due_for_overdue(self, today: date) -> bool:
        return self.status in OPEN_TASK and not self.overdue and today.isoformat() > self.deadline

    def mark_overdue(self, *, today: date, actor: str) -> bool:
        """Record once that the deadline passed unreported; False when there is nothing to record."""
        if not self.is_due_for_overdue(today):
            return False
        # Overdue from the day after its deadline, whenever the timer finds it.
        with acting(Act.derived(day_after(self.deadline), today)):
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
