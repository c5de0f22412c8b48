"""The throwaway service's nameko class: what the registry's ``module`` names for it."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate, event

from shared.messaging.trust import Delivery
from shared.persistence.eventlog import ServiceApplication
from shared.runtime import ApplicationProvider, Inbox, Tokens, consume_events
from shared.web.service import EventSourcedService


class Seen(Aggregate):
    """One catalogue event the archive took in."""

    class Recorded(Aggregate.Created):
        event_type: str

    @event(Recorded)
    def __init__(self, *, event_type: str) -> None:
        self.event_type = event_type


class ArchiveApplication(ServiceApplication):
    name = "archive"

    def record(self, envelope: dict[str, Any]) -> list[Any]:
        return [Seen(event_type=envelope["event_type"])]


HANDLERS = {
    ("catalogue", event_type): lambda app, envelope: app.record(envelope)
    for event_type in ("NegativeListEntryAdded", "CatalogueDrafted", "NodeAdded", "AuditDigest")
}


class ArchiveService(EventSourcedService):
    name = "archive"
    app: ArchiveApplication = ApplicationProvider(ArchiveApplication)
    tokens = Tokens()
    inbox = Inbox("app", HANDLERS)

    @consume_events("catalogue")
    def on_catalogue_event(self, body: Any, delivery: Delivery) -> str:
        return self.inbox.handle(body, delivery)


Service = ArchiveService
