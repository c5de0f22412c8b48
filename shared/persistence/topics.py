"""Old topics of moved classes: a stored event names the class that wrote it (and the audit chain
hashes that name), so a class that moves keeps answering to the topics it was stored under."""

from __future__ import annotations

from eventsourcing.domain import DomainEvent
from eventsourcing.utils import get_topic, register_topic

_OLD_TOPICS: dict[str, list[str]] = {}  # current topic -> topics the same class was stored under


def moved(old_module: str, *aggregates: type) -> None:
    """Register ``<old_module>:<qualname>`` for each aggregate class and its nested event classes."""
    for aggregate in aggregates:
        nested = [v for v in vars(aggregate).values() if isinstance(v, type) and issubclass(v, DomainEvent)]
        for cls in (aggregate, *nested):
            old, new = f"{old_module}:{cls.__qualname__}", get_topic(cls)
            if old != new:
                register_topic(old, cls)
                known = _OLD_TOPICS.setdefault(new, [])
                if old not in known:
                    known.append(old)


def topics_of(cls: type) -> list[str]:
    """Every topic a class's events may be stored under: its own first, then the old ones."""
    topic = get_topic(cls)
    return [topic, *_OLD_TOPICS.get(topic, [])]
