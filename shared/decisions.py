"""The conference's decisions as another service knows them: a view built from the conference's
``DecisionAdopted`` events (the kit's inbox), which the service checks its own acts against.

Authority is verified where it is used (DESIGN.md, "Trust"): a catalogue is published, a pilot
designated, a plan approved only by an adopted decision of the right kind, about that very
record, and not before the decision was taken. Standard library, ``eventsourcing.domain`` and
``shared.domain`` only, so domains may import it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from shared.domain import DomainRuleViolation, require_in_order


class DecisionUnknown(DomainRuleViolation):
    """No adopted conference decision with that id has reached this service (yet)."""


class DecisionDoesNotApply(DomainRuleViolation):
    """The decision exists but is of another kind, or about another subject."""


class DecisionView(Aggregate):
    """A conference decision as this service knows it (from DecisionAdopted)."""

    class Known(Aggregate.Created):
        decision_id: str
        kind: str
        subject: str | None
        title: str
        adopted_on: str

    @staticmethod
    def create_id(decision_id: str, **_: Any) -> UUID:
        return UUID(decision_id)

    class Withdrawn(Aggregate.Event):
        """The conference's log this view came from was replaced (an operator's resync)."""

        reason: str

    class Reinstated(Aggregate.Event):
        """The conference's new log holds the decision too (as it holds it now)."""

        kind: str
        subject: str | None
        title: str
        adopted_on: str

    @event(Known)
    def __init__(
        self, *, decision_id: str, kind: str, subject: str | None, title: str, adopted_on: str
    ) -> None:
        self.kind = kind
        self.subject = subject
        self.title = title
        self.adopted_on = adopted_on
        self.withdrawn = False

    @event(Withdrawn)
    def withdraw(self, reason: str) -> None:
        self.withdrawn = True

    @event(Reinstated)
    def reinstate(self, kind: str, subject: str | None, title: str, adopted_on: str) -> None:
        self.kind = kind
        self.subject = subject
        self.title = title
        self.adopted_on = adopted_on
        self.withdrawn = False

    def require(self, kind: str, subjects: set[str]) -> None:
        """That this decision is a ``kind`` decision about one of ``subjects``."""
        if self.kind != kind:
            raise DecisionDoesNotApply(
                f"decision {self.id} is a {self.kind} decision, not {kind}", kind=self.kind
            )
        if (self.subject or "").strip() not in subjects:
            raise DecisionDoesNotApply(
                f"decision {self.id} is about {self.subject!r}, not {' / '.join(sorted(subjects))}",
                subject=self.subject,
            )

    def require_taken_by(self, act: str, on: str) -> None:
        """That ``act`` (on ``on``) does not come before the decision it carries out (409 OutOfOrder)."""
        require_in_order(f"decision {self.id} adopted", self.adopted_on, act, on)
