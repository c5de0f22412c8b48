"""Conference queries: lookups of aggregates (now, as recorded by a moment, or on a date) and the
plain views the HTTP/RPC answers are made of."""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.conference.domain import (
    CoordinationBody,
    Decision,
    DecisionNotFound,
    Meeting,
    PolicyDocument,
    Task,
)
from services.conference.domain.organisation import Organisation
from services.conference.views import View, body_view, decision_view, document_view, meeting_view, task_view
from shared.acts import When
from shared.domain import NotFound
from shared.persistence.eventlog import ServiceApplication

A = TypeVar("A", bound=Aggregate)


class BodyNotFound(NotFound):
    pass


class MeetingNotFound(NotFound):
    pass


class TaskNotFound(NotFound):
    pass


class DocumentNotFound(NotFound):
    pass


class OrganisationNotFound(NotFound):
    pass


KINDS: dict[type[Aggregate], type[NotFound]] = {
    CoordinationBody: BodyNotFound,
    Meeting: MeetingNotFound,
    Decision: DecisionNotFound,
    Task: TaskNotFound,
    PolicyDocument: DocumentNotFound,
    Organisation: OrganisationNotFound,
}


class ConferenceQueries(ServiceApplication):
    def _get(self, cls: type[A], aggregate_id: UUID, when: When | None = None) -> A:
        return self.get_aggregate(cls, aggregate_id, KINDS[cls], when)

    # --- queries ---------------------------------------------------------

    def body(self, body_id: UUID, when: When | None = None) -> View:
        return body_view(self._get(CoordinationBody, body_id, when))

    def bodies(self) -> list[View]:
        return [body_view(self._get(CoordinationBody, i)) for i in self.ids_of(CoordinationBody.Proposed)]

    def meeting(self, meeting_id: UUID, when: When | None = None) -> View:
        return meeting_view(self._get(Meeting, meeting_id, when))

    def meetings(self, body_id: UUID | None = None) -> list[View]:
        rows = [meeting_view(self._get(Meeting, i)) for i in self.ids_of(Meeting.Proposed)]
        return [r for r in rows if body_id is None or r["body_id"] == str(body_id)]

    def decision(self, decision_uuid: UUID) -> View:
        return decision_view(self._get(Decision, decision_uuid))

    def decisions(self, kind: str | None = None) -> list[View]:
        rows = [decision_view(self._get(Decision, i)) for i in self.ids_of(Decision.Adopted)]
        return [r for r in rows if kind is None or r["kind"] == kind]

    def task(self, task_uuid: UUID, when: When | None = None) -> View:
        return task_view(self._get(Task, task_uuid, when))

    def tasks(
        self, status: str | None = None, lead_unit: str | None = None, overdue: bool | None = None
    ) -> list[View]:
        rows = [task_view(self._get(Task, i)) for i in self.ids_of(Task.Assigned)]
        return [
            r
            for r in rows
            if (status is None or r["status"] == status)
            and (lead_unit is None or r["lead_unit"] == lead_unit)
            and (overdue is None or r["overdue"] == overdue)
        ]

    def document(self, document_id: UUID, when: When | None = None) -> View:
        return document_view(self._get(PolicyDocument, document_id, when))

    def documents(self) -> list[View]:
        return [document_view(self._get(PolicyDocument, i)) for i in self.ids_of(PolicyDocument.Registered)]

    def history_of(self, cls: type[Aggregate], aggregate_id: UUID) -> list[View]:
        self._get(cls, aggregate_id)
        return self.history(aggregate_id)
