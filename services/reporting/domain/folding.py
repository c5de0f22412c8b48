"""What every source's folds share: a fold is a plain function of (state, aggregate id, payload),
registered by event type in that source's table beside the types it deliberately ignores."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

Payload = dict[str, Any]
State = TypeVar("State")


@dataclass(frozen=True)
class FoldTable(Generic[State]):
    """One source's folds (event type -> fold) and the event types it leaves unfolded on purpose."""

    source: str
    folds: Mapping[str, Callable[[State, str, Payload], None]]
    ignored: tuple[str, ...]

    def fold(self, state: State, event_type: str, aggregate_id: str, payload: Payload) -> None:
        """Fold one event into ``state``; an event type the table does not fold changes nothing."""
        fold = self.folds.get(event_type)
        if fold is not None:
            fold(state, aggregate_id, payload)
