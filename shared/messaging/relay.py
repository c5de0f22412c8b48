"""The relay: the service's own log is its outbox; publish what is stored, then remember how far."""

from __future__ import annotations

import logging
import threading
from typing import Any

from eventsourcing.persistence import Tracking

from shared.messaging.broker import ConfirmingPublisher
from shared.messaging.feed import IntegrationMapper, envelopes_from, within_bytes
from shared.messaging.leadership import Leadership, SoleInstance
from shared.persistence.eventlog import ServiceApplication

log = logging.getLogger(__name__)


def relay_tracking_name(source: str) -> str:
    return f"relay:{source}.events"


class Relay:
    """Publishes stored events after the last confirmed position, in order.

    The position is written (in the service's own store) only after the broker
    confirmed the whole batch: a crash at any point re-publishes, never loses.
    Consumers recognise re-published events by their stable ``event_id`` and position.
    """

    def __init__(
        self,
        app: ServiceApplication,
        source: str,
        mapper: IntegrationMapper,
        publisher: ConfirmingPublisher,
        batch: int = 500,
        batch_bytes: int = 8 * 1024 * 1024,
        leadership: Leadership | None = None,
    ) -> None:
        self.app = app
        self.source = source
        self.mapper = mapper
        self.publisher = publisher
        self.batch = batch
        self.batch_bytes = batch_bytes
        self.exchange = f"{source}.events"
        self.tracking_name = relay_tracking_name(source)
        self.wake_event = threading.Event()
        self.stopping = threading.Event()
        self.last_error: str | None = None
        self.after_drain: Any = None  # e.g. signing an audit digest when one is due
        # Of several instances serving one store, the one holding the lead relays (leadership).
        self.leadership: Leadership = leadership or SoleInstance()
        self.leading = False

    def published_position(self) -> int:
        return self.app.process_recorder.max_tracking_id(self.tracking_name) or 0

    def wake(self) -> None:
        self.wake_event.set()

    def run_once(self) -> int:
        """Publish one batch; returns the number of envelopes published."""
        after = self.published_position()
        notifications = self.app.select_notifications_after(after, self.batch)
        if not notifications:
            return 0
        built = envelopes_from(self.app, self.source, self.mapper, notifications)
        envelopes = within_bytes(built, self.batch_bytes)
        # A batch full in bytes ends at its last envelope; the rest goes in the next one.
        published_to = envelopes[-1]["position"] if len(envelopes) < len(built) else notifications[-1].id
        self.publisher.publish_batch(self.exchange, [(e["event_type"], e) for e in envelopes])
        self.app.process_recorder.insert_tracking(Tracking(self.tracking_name, published_to))
        return len(envelopes)

    def drain(self) -> int:
        total = 0
        while True:
            if not self.leadership.held():  # lost between two batches: another instance goes on
                self.leading = False
                return total
            before = self.published_position()
            total += self.run_once()
            if self.published_position() == before:
                return total

    def run_forever(self, poll_seconds: float, sleep: Any = None) -> None:
        """Loop until stopped: woken by each save, and polling so it recovers on its own. The
        lead is given up when the loop ends, in the loop's own thread."""
        try:
            self._loop(poll_seconds)
        finally:
            self.leading = False
            self.leadership.release()

    def _loop(self, poll_seconds: float) -> None:
        backoff = poll_seconds
        declared = False
        while not self.stopping.is_set():
            self.wake_event.clear()
            self.leading = self.leadership.held()
            if not self.leading:  # another instance relays; this one asks again next round
                if declared:
                    self.publisher.close()
                    declared = False
                self.stopping.wait(poll_seconds)
                continue
            try:
                if not declared:
                    self.publisher.declare([self.source])
                    declared = True
                self.drain()
                if self.after_drain is not None and self.after_drain() is not None:
                    self.drain()  # publish the digest just stored
                self.last_error = None
                backoff = poll_seconds
            except Exception as exc:  # noqa: BLE001 - broker outages must not kill the relay
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.warning("relay %s: %s; retrying in %.1fs", self.exchange, self.last_error, backoff)
                self.publisher.close()
                declared = False
                self.stopping.wait(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            self.wake_event.wait(poll_seconds)
