"""Taking other services' events exactly once in effect, in position order, parking what fails."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import requests
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError, Tracking

from shared.contracts import EnvelopeSchema, validate_envelope
from shared.messaging.parking import publish_parked
from shared.messaging.trust import FORGED, UNKNOWN_POSITION, Delivery, KeyRing, Untrusted, check_delivery
from shared.persistence.eventlog import ServiceApplication

log = logging.getLogger(__name__)

# handler(app, envelope) -> aggregates whose pending events are the effect
Handler = Callable[[ServiceApplication, dict[str, Any]], list[Any]]

APPLIED = "applied"
DUPLICATE = "duplicate"
IGNORED = "ignored"
REPLAYED = "replayed"


class ParkedMessage(Aggregate):
    """A delivered event whose processing failed; its position was passed so later
    events could go on, and it is applied once when an operator replays it."""

    class Parked(Aggregate.Created):
        consumer: str
        source: str
        position: int
        event_id: str
        reason: str

    class ParkedAgain(Aggregate.Event):
        reason: str

    class Resolved(Aggregate.Event):
        pass

    @staticmethod
    def create_id(consumer: str, source: str, position: int, **_: Any) -> UUID:
        return uuid5(NAMESPACE_URL, f"reform:parked:{consumer}:{source}:{position}")

    @event(Parked)
    def __init__(self, *, consumer: str, source: str, position: int, event_id: str, reason: str) -> None:
        self.consumer = consumer
        self.source = source
        self.position = position
        self.event_id = event_id
        self.reasons = [reason]
        self.resolved = False

    @event(ParkedAgain)
    def park_again(self, reason: str) -> None:
        self.reasons.append(reason)

    @event(Resolved)
    def resolve(self) -> None:
        self.resolved = True


class HoleNotFilled(Exception):
    """Earlier positions of a source are missing and cannot be fetched now: try again later."""


class ApplyFailed(Exception):
    """A genuine envelope (verified) whose processing failed: parked under its position, so
    later events go on and an operator's replay applies it once."""

    def __init__(self, envelope: Any, cause: Exception) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.envelope = envelope
        self.cause = cause


class EventConsumer:
    """Applies integration events through handlers, recording ``(source, position)``
    in the same transaction as the effect.

    A repeat (position already passed) changes nothing; events of one source are
    applied one at a time in arrival order, and a hole before a position is first
    filled from the producer's feed when its URL is known.
    """

    def __init__(
        self,
        app: ServiceApplication,
        consumer: str,
        handlers: dict[tuple[str, str], Handler],
        feeds: dict[str, str] | None = None,
        amqp_uri: str | None = None,
        feed_token: str | None = None,
        keys: KeyRing | None = None,
        publishers: dict[str, str] | None = None,
    ) -> None:
        self.app = app
        self.consumer = consumer
        self.handlers = handlers
        self.feeds = feeds or {}
        self.amqp_uri = amqp_uri
        self.keys = keys or KeyRing(app, feeds=self.feeds, feed_token=feed_token)
        self.publishers = publishers or {}  # source -> the broker user its messages must carry
        self._locks: dict[str, threading.Lock] = {}
        self._feed_headers = {"Authorization": f"Bearer {feed_token}"} if feed_token else {}
        self._feed_last: dict[str, int] = {}  # the last position each producer's feed holds

    @property
    def sources(self) -> set[str]:
        return {source for source, _ in self.handlers}

    def position(self, source: str) -> int:
        return self.app.process_recorder.max_tracking_id(source) or 0

    def _lock(self, source: str) -> threading.Lock:
        return self._locks.setdefault(source, threading.Lock())

    # --- applying --------------------------------------------------------

    def receive(self, body: Any, delivery: Delivery | None = None) -> str:
        """Verify, validate and apply one delivered envelope.

        Raises ``Untrusted`` (park it; it takes no position), ``ApplyFailed`` (a genuine envelope
        that failed: park it under its position), or ``HoleNotFilled``/``KeyUnavailable`` (retry).
        Without ``delivery`` (an in-process caller) the envelope's own source is checked.
        """
        source = delivery.source if delivery is not None else _claimed_source(body)
        envelope = check_delivery(body, source, delivery, self.keys, self.publishers.get(source))
        with self._lock(source):
            if isinstance(envelope.get("position"), int):
                self._fill_hole(source, envelope["position"])
            try:
                return self._apply(validate_envelope(envelope))
            except Exception as exc:  # noqa: BLE001 - verified: parked under its position
                raise ApplyFailed(envelope, exc) from exc

    def _apply(self, envelope: dict[str, Any]) -> str:
        source, position = envelope["source"], envelope["position"]
        if position <= self.position(source):
            return self._replay_if_parked(envelope)
        aggregates = self._effect(envelope)
        try:
            self.app.record_processed(Tracking(source, position), *aggregates)
        except IntegrityError:
            return DUPLICATE  # a concurrent delivery of the same position won
        return APPLIED if aggregates else IGNORED

    def _effect(self, envelope: dict[str, Any]) -> list[Any]:
        handler = self.handlers.get((envelope["source"], envelope["event_type"]))
        if handler is None:
            return []
        return [a for a in handler(self.app, envelope) if a is not None]

    def _replay_if_parked(self, envelope: dict[str, Any]) -> str:
        parked_id = ParkedMessage.create_id(self.consumer, envelope["source"], envelope["position"])
        try:
            parked: ParkedMessage = self.app.repository.get(parked_id)
        except AggregateNotFoundError:
            return DUPLICATE
        if parked.resolved:
            return DUPLICATE
        aggregates = self._effect(envelope)
        parked.resolve()
        # The resolution and the effect in one save: a second replay finds it resolved.
        self.app.save(parked, *aggregates)
        return REPLAYED

    def _fill_hole(self, source: str, position: int) -> None:
        last = self.position(source)
        url = self.feeds.get(source)
        if url is None or position <= last + 1:
            return
        try:
            self._catch_up(source, url, until=position - 1)
            if position > self._feed_last.get(source, position):
                # Signed, yet the producer's log never held it: never let it take a position.
                raise Untrusted(
                    UNKNOWN_POSITION,
                    f"{source} position {position} is past the end of its feed ({self._feed_last[source]})",
                )
        except requests.RequestException as exc:
            log.error(
                "%s: cannot fill %s positions %d..%d from feed: %s",
                self.consumer,
                source,
                last + 1,
                position - 1,
                exc,
            )
            # Applying this position would pass the hole for good: wait for the feed instead.
            raise HoleNotFilled(
                f"{source} positions {last + 1}..{position - 1} are missing and the feed "
                f"cannot be read: {exc}"
            ) from exc

    def catch_up(self, source: str, until: int | None = None) -> int:
        """Apply what the producer's feed has after our position (up to ``until``); returns
        the number of events applied."""
        url = self.feeds[source]
        with self._lock(source):
            return self._catch_up(source, url, until=until)

    def _catch_up(self, source: str, url: str, until: int | None) -> int:
        applied = 0
        after = self.position(source)
        while until is None or after < until:
            reply = requests.get(
                f"{url.rstrip('/')}/events",
                params={"after": after, "limit": 500},
                headers=self._feed_headers,
                timeout=10,
            )
            reply.raise_for_status()
            page = reply.json()
            self._feed_last[source] = page["last_position"]
            for envelope in page["events"]:
                if until is not None and envelope["position"] > until:
                    return applied
                try:
                    check_delivery(envelope, source, None, self.keys)
                except Untrusted as exc:  # a feed is believed no more than the broker
                    self.park_untrusted(envelope, str(exc), routing=None)
                    continue
                try:
                    if self._apply(validate_envelope(envelope)) in (APPLIED, IGNORED):
                        applied += 1
                except Exception as exc:  # noqa: BLE001 - one bad event must not stop the rest
                    self.park(envelope, f"{type(exc).__name__}: {exc}", routing=None)
            if not page["has_more"] or page["next_after"] <= after:
                return applied
            after = page["next_after"]
        return applied

    # --- parking ---------------------------------------------------------

    def park_untrusted(
        self, body: Any, reason: str, routing: tuple[str, str] | None, inbox: str | None = None
    ) -> None:
        """Put a message that is not what it claims on ``<consumer>.parked`` with the reason.

        Nothing is recorded in the store: it takes no position (the real event at that position
        is still applied once) and a replay verifies it again, so parks it again.
        """
        headers = {
            "x-parked-reason": reason[:2000],
            "x-parked-at": datetime.now(UTC).isoformat(),
            "x-consumer": self.consumer,
            "x-untrusted": True,
        }
        if routing is not None:
            headers["x-original-exchange"], headers["x-original-routing-key"] = routing
        if inbox is not None:  # where a replay puts it back (not where its claims would send it)
            headers["x-original-inbox"] = inbox
        log.warning("%s: parked a message that is not what it claims: %s", self.consumer, reason[:300])
        publish_parked(self.amqp_uri, self.consumer, body, headers)

    def park(self, body: Any, reason: str, routing: tuple[str, str] | None, inbox: str | None = None) -> None:
        """Put a message on ``<consumer>.parked`` with the reason, then pass its position.

        The copy is confirmed by the broker before the position is passed, so a
        crash in between parks it twice (replay applies it once), never zero times.
        """
        headers = {
            "x-parked-reason": reason[:2000],
            "x-parked-at": datetime.now(UTC).isoformat(),
            "x-consumer": self.consumer,
        }
        if routing is not None:
            headers["x-original-exchange"], headers["x-original-routing-key"] = routing
        if inbox is not None:
            headers["x-original-inbox"] = inbox
        publish_parked(self.amqp_uri, self.consumer, body, headers)
        if not _is_valid_envelope(body):
            return
        source, position = body["source"], body["position"]
        parked_id = ParkedMessage.create_id(self.consumer, source, position)
        try:
            parked: ParkedMessage = self.app.repository.get(parked_id)
            if parked.resolved:
                return
            parked.park_again(reason=reason[:2000])
            self.app.save(parked)
        except AggregateNotFoundError:
            parked = ParkedMessage(
                consumer=self.consumer,
                source=source,
                position=position,
                event_id=str(body["event_id"]),
                reason=reason[:2000],
            )
            tracking = Tracking(source, position) if position > self.position(source) else None
            try:
                self.app.record_processed(tracking, parked)
            except IntegrityError:
                pass  # parked concurrently: the first record stands


def _claimed_source(body: Any) -> str:
    source = body.get("source") if isinstance(body, dict) else None
    if not isinstance(source, str):
        raise Untrusted(FORGED, "names no source")
    return source


def _is_valid_envelope(body: Any) -> bool:
    """Only the header matters for parking: a payload that breaks the contract is exactly
    what gets parked, and its (source, position) must be recorded so a replay applies it."""
    return isinstance(body, dict) and not EnvelopeSchema().validate(body)
