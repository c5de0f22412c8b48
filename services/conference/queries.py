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
from services.conference.views import (
    CONFERENCE_LISTS,
    View,
    body_view,
    decision_view,
    document_view,
    meeting_view,
    task_view,
)
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
    # Lists are answered from the rows these keep (GET /tasks?lead_unit=…&status=…): list_page.
    lists = CONFERENCE_LISTS

    def _get(self, cls: type[A], aggregate_id: UUID, when: When | None = None) -> A:
        return self.get_aggregate(cls, aggregate_id, KINDS[cls], when)

    # --- queries ---------------------------------------------------------

    def body(self, body_id: UUID, when: When | None = None) -> View:
        return body_view(self._get(CoordinationBody, body_id, when))

    def meeting(self, meeting_id: UUID, when: When | None = None) -> View:
        return meeting_view(self._get(Meeting, meeting_id, when))

    def decision(self, decision_uuid: UUID) -> View:
        return decision_view(self._get(Decision, decision_uuid))

    def task(self, task_uuid: UUID, when: When | None = None) -> View:
        return task_view(self._get(Task, task_uuid, when))

    def document(self, document_id: UUID, when: When | None = None) -> View:
        return document_view(self._get(PolicyDocument, document_id, when))

    def history_of(
        self, cls: type[Aggregate], aggregate_id: UUID, after: int = 0, limit: int | None = None
    ) -> list[View]:
        self._get(cls, aggregate_id)
        return self.history(aggregate_id, after, limit)
