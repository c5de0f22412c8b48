"""Reporting's own log: every integration event it received, appended once and never changed."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


def received_id(source: str, position: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"reform:received:{source}:{position}")


class Received(Aggregate):
    """One integration event as reporting received it: append-only, never changed."""

    class Recorded(Aggregate.Created):
        envelope: dict[str, Any]

    @staticmethod
    def create_id(envelope: dict[str, Any], **_: Any) -> UUID:
        return received_id(envelope["source"], envelope["position"])

    @event(Recorded)
    def __init__(self, *, envelope: dict[str, Any]) -> None:
        self.envelope = envelope
