"""Policy documents the conference issues, revises and repeals."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.domain import event

from shared.acts import ActsInOrder, DatedCreated, DatedEvent
from shared.domain import require_not_future, require_transition


class PolicyDocument(ActsInOrder):
    """``draft → issued → revised | repealed``."""

    class Registered(DatedCreated):
        title: str
        document_number: str
        issuer: str
        kind: str
        decision_id: str | None
        actor: str
        title_en: str | None = None  # its English rendering (absent from documents registered before)

    class Issued(DatedEvent):
        issued_on: str
        actor: str

    class Revised(DatedEvent):
        revision_note: str
        revised_on: str
        new_document_number: str | None
        actor: str

    class Repealed(DatedEvent):
        reason: str
        repealed_on: str
        actor: str

    @event(Registered)
    def __init__(
        self,
        title: str,
        document_number: str,
        issuer: str,
        kind: str,
        decision_id: str | None,
        actor: str,
        title_en: str | None = None,
    ) -> None:
        self.title = title
        self.title_en = title_en
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
