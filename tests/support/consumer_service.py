"""A small consumer service for the tests: tallies catalogue events through the kit's Inbox.

It fails on purpose for a catalogue titled "POISON", so parking can be proven.
Run it as its own process: ``python -m tests.support.consumer_service`` (env as any service).
"""

from __future__ import annotations

import json
import os
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event
from werkzeug.wrappers import Request, Response

from shared.messaging.trust import Delivery
from shared.persistence.eventlog import ServiceApplication
from shared.runtime import ApplicationProvider, Inbox, Tokens, consume_events
from shared.web.server import http

TALLY_ID = uuid5(NAMESPACE_URL, "reform:test:tally")


class Tally(Aggregate):
    class Opened(Aggregate.Created):
        pass

    class Counted(Aggregate.Event):
        event_type: str
        position: int
        event_id: str

    @staticmethod
    def create_id(**_: Any) -> Any:
        return TALLY_ID

    @event(Opened)
    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    @event(Counted)
    def count(self, event_type: str, position: int, event_id: str) -> None:
        self.seen.append({"event_type": event_type, "position": position, "event_id": event_id})


class TallyApplication(ServiceApplication):
    name = "testconsumer"

    def tally(self) -> Tally:
        try:
            return self.repository.get(TALLY_ID)
        except AggregateNotFoundError:
            return Tally()


def count_event(app: TallyApplication, envelope: dict[str, Any]) -> list[Any]:
    poison = os.environ.get("TESTCONSUMER_POISON", "POISON")
    if poison and envelope["payload"].get("title") == poison:
        raise RuntimeError("this consumer cannot digest a catalogue titled POISON")
    tally = app.tally()
    tally.count(envelope["event_type"], envelope["position"], envelope["event_id"])
    return [tally]


HANDLERS = {
    ("catalogue", name): count_event
    for name in ("CatalogueDrafted", "NodeAdded", "ConsultationRecorded", "CataloguePublished")
}


class TestConsumerService:
    name = "testconsumer"

    app = ApplicationProvider(TallyApplication)
    tokens = Tokens()
    inbox = Inbox("app", HANDLERS)

    @consume_events("catalogue")
    def on_catalogue_event(self, body: Any, delivery: Delivery) -> str:
        return self.inbox.handle(body, delivery)

    @http("GET", "/health")
    def health(self, request: Request) -> Response:
        return Response(
            json.dumps(
                {
                    "status": "ok",
                    "last_position": self.app.last_position(),
                    "published_position": self.app.last_position(),
                }
            ),
            mimetype="application/json",
        )

    @http("GET", "/tally")
    def tally(self, request: Request) -> Response:
        return Response(
            json.dumps(
                {"seen": self.app.tally().seen, "position": self.inbox.consumer.position("catalogue")}
            ),
            mimetype="application/json",
        )


def main() -> None:
    import eventlet

    eventlet.monkey_patch()
    import signal

    from nameko.runners import ServiceRunner

    from shared.config import settings_from_env
    from shared.runtime import SETTINGS_KEY

    settings = settings_from_env("testconsumer")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    runner = ServiceRunner(
        {
            "AMQP_URI": settings.amqp_uri,
            "WEB_SERVER_ADDRESS": f"127.0.0.1:{settings.http_port}",
            SETTINGS_KEY: settings,
        }
    )
    runner.add_service(TestConsumerService)

    def shutdown(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, shutdown)
    runner.start()
    try:
        runner.wait()
    except KeyboardInterrupt:
        runner.stop()


if __name__ == "__main__":
    main()
