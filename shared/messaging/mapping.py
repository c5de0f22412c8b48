"""One way, for every service, to map stored domain events to published integration events.

A service lists the domain event classes it publishes, each in one line: the integration event
type and, where the payload is more than the event's own fields, a function that builds it.
Events not listed are private and never leave the service.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from shared.persistence.eventlog import ENVELOPE_FIELDS, event_fields

Payload = dict[str, Any]
# (application, domain event) -> payload
PayloadBuilder = Callable[[Any, Any], Payload]


class IntegrationMap:
    """Domain event class -> (integration event type, payload builder)."""

    def __init__(self) -> None:
        self._entries: dict[type, tuple[str, PayloadBuilder]] = {}
        self._id_fields: dict[type, str | None] = {}  # events published as their own fields

    def publish(
        self,
        domain_event: type,
        event_type: str,
        *,
        id_field: str | None = None,
        build: PayloadBuilder | None = None,
    ) -> None:
        """Publish ``domain_event`` as ``event_type``: by default its own fields, with the
        aggregate's id under ``id_field``; ``build`` replaces that default."""
        if domain_event in self._entries:
            raise ValueError(f"{domain_event.__qualname__} is already published")
        if build is None:
            build = _fields_with_id(id_field)
            self._id_fields[domain_event] = id_field
        self._entries[domain_event] = (event_type, build)

    def event_types(self) -> set[str]:
        return {event_type for event_type, _ in self._entries.values()}

    def payload_fields(self, domain_event: type) -> set[str] | None:
        """The payload's field names when the event is published as its own fields (None when a
        builder makes the payload): what a test compares with the published contract."""
        if domain_event not in self._id_fields:
            return None
        id_field = self._id_fields[domain_event]
        names = {f.name for f in dataclasses.fields(domain_event)} - ENVELOPE_FIELDS
        return names | {id_field} if id_field else names

    def published(self) -> dict[type, str]:
        return {cls: event_type for cls, (event_type, _) in self._entries.items()}

    def __call__(self, app: Any, domain_event: Any) -> tuple[str, Payload] | None:
        entry = self._entries.get(type(domain_event))
        if entry is None:
            return None
        event_type, build = entry
        return event_type, build(app, domain_event)


def _fields_with_id(id_field: str | None) -> PayloadBuilder:
    def build(app: Any, domain_event: Any) -> Payload:
        data = event_fields(domain_event)
        return {id_field: str(domain_event.originator_id), **data} if id_field else data

    return build
