"""What a consumer records of the history it follows of each producer (``Following``, in its own
log), and what it was last told of a producer's log past its position (``Window``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


@dataclass
class Window:
    """What one signed feed page said of the log past a position: its events by position, how far
    it accounts for every position, and where the log ended; trusted for a few seconds."""

    tracking: str
    reach: int
    last_position: int
    events: dict[int, dict[str, Any]]
    read_at: float = field(default_factory=time.monotonic)

    @classmethod
    def of(cls, following: Following, page: dict[str, Any]) -> Window:
        events = {
            e["position"]: e
            for e in page["events"]
            if isinstance(e, dict) and isinstance(e.get("position"), int)
        }
        return cls(following.tracking, int(page["next_after"]), int(page["last_position"]), events)

    def covers(self, following: Following, position: int, fresh_for: float = 5.0) -> bool:
        return (
            self.tracking == following.tracking
            and position <= self.reach
            and time.monotonic() - self.read_at < fresh_for
        )

    def take(self, after: int, before: int, take: Callable[[dict[str, Any]], int]) -> None:
        for position in sorted(p for p in self.events if after < p < before):
            take(self.events[position])


class SourceHeld(Exception):
    """The consumer holds this source: its producer's history changed under what it derived."""


class Following(Aggregate):
    """The history of one producer this consumer follows, and whether it holds it."""

    class Started(Aggregate.Created):
        consumer: str
        source: str
        incarnation: str
        tracking: str
        learned_from: str

    class Held(Aggregate.Event):
        observed: str  # the incarnation the producer has now (the same one when its chain changed)
        reason: str

    class Switched(Aggregate.Event):
        """Follows another history: by an operator's resync, or on its own when nothing was derived."""

        incarnation: str
        tracking: str
        actor: str

    @staticmethod
    def create_id(consumer: str, source: str, **_: Any) -> UUID:
        return uuid5(NAMESPACE_URL, f"reform:following:{consumer}:{source}")

    @event(Started)
    def __init__(
        self, *, consumer: str, source: str, incarnation: str, tracking: str, learned_from: str
    ) -> None:
        self.consumer = consumer
        self.source = source
        self.incarnation = incarnation
        self.tracking = tracking
        self.histories = [{"incarnation": incarnation, "tracking": tracking}]
        self.held: dict[str, str] | None = None

    @event(Held)
    def hold(self, *, observed: str, reason: str) -> None:
        self.held = {"observed": observed, "reason": reason}

    @event(Switched)
    def switch(self, *, incarnation: str, tracking: str, actor: str) -> None:
        self.incarnation = incarnation
        self.tracking = tracking
        self.histories.append({"incarnation": incarnation, "tracking": tracking})
        self.held = None

    def next_tracking(self, incarnation: str) -> str:
        """A tracking name no earlier history of this source used."""
        return f"{self.source}@{incarnation}#{len(self.histories) + 1}"
