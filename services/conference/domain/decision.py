"""Decisions: the numbered matters fixed in a meeting's minutes."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from shared.acts import DatedCreated


def decision_id(meeting_id: UUID, number: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"reform:decision:{meeting_id}:{number}")


class Decision(Aggregate):
    """A numbered decision fixed in minutes; other services act on it by id."""

    class Adopted(DatedCreated):
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
