"""Taking other services' events exactly once in effect, in position order, parking what fails."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError
from marshmallow import ValidationError

from shared.contracts import validate_envelope
from shared.contracts.envelope import envelope_errors
from shared.messaging.batch import PageTaker, position_of
from shared.messaging.following import Following, SourceHeld
from shared.messaging.history import Histories, page_verifies
from shared.messaging.parking import publish_parked
from shared.messaging.trust import (
    FORGED,
    STALE_INCARNATION,
    Delivery,
    KeyRing,
    Untrusted,
    check_route,
    verify_signature,
)
from shared.messaging.upstream import NoUpstream, Upstream, UpstreamUnavailable
from shared.persistence.audit import ChainedTracking
from shared.persistence.audit_digest import key_id, load_public_key
from shared.persistence.eventlog import ServiceApplication

log = logging.getLogger(__name__)

# handler(app, envelope) -> aggregates whose pending events are the effect
Handler = Callable[[ServiceApplication, dict[str, Any]], list[Any]]
# forget(app, reason) -> aggregates withdrawing what was derived from one source's replaced log
Forget = Callable[[ServiceApplication, str], list[Any]]

APPLIED = "applied"
DUPLICATE = "duplicate"
IGNORED = "ignored"
REPLAYED = "replayed"


class ParkedMessage(Aggregate):
    """A delivered event whose processing failed; its position was passed so later
    events could go on, and it is applied once when an operator replays it."""

    class Parked(Aggregate.Created):
        consumer: str
        source: str  # the tracking name of the history it is of (the source's name for the first)
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


class ApplyFailed(Exception):
    """A genuine envelope (verified) whose processing failed: parked under its position, so
    later events go on and an operator's replay applies it once."""

    def __init__(self, envelope: Any, cause: Exception) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.envelope = envelope
        self.cause = cause


class EventConsumer:
    """Applies integration events through handlers, recording the position (with the producer's
    chain hash there) in the same transaction as the effect, per history of each producer.

    A repeat (position already passed) changes nothing; events of one source are applied one at
    a time in arrival order; a hole before a position is first filled from the producer's feed;
    a message of another history is parked, and a changed history holds the source.
    """

    def __init__(
        self,
        app: ServiceApplication,
        consumer: str,
        handlers: dict[tuple[str, str], Handler],
        upstream: Upstream | None = None,
        amqp_uri: str | None = None,
        keys: KeyRing | None = None,
        publishers: dict[str, str] | None = None,
        independent: bool = False,
    ) -> None:
        self.app = app
        # Handlers whose effects do not depend on one another's: catch-up takes a page at once.
        self.independent = independent
        self.consumer = consumer
        self.handlers = handlers
        self.upstream: Upstream = upstream or NoUpstream()
        self.amqp_uri = amqp_uri
        self.keys = keys or KeyRing(app, upstream=self.upstream)
        self.histories = Histories(app, consumer, self.upstream, self.keys)
        self.publishers = publishers or {}  # source -> the broker user its messages must carry
        self._locks: dict[str, threading.Lock] = {}

    @property
    def sources(self) -> set[str]:
        """The producers it takes events of (never itself: a service does not consume its own log)."""
        return {source for source, _ in self.handlers} - {self.consumer}

    def position(self, source: str) -> int:
        """How far this consumer went in the history of ``source`` it follows."""
        return self.histories.position(source)

    def held(self) -> list[dict[str, str]]:
        return self.histories.held(self.sources)

    def _lock(self, source: str) -> threading.Lock:
        return self._locks.setdefault(source, threading.Lock())

    # --- applying --------------------------------------------------------

    def receive(self, body: Any, delivery: Delivery | None = None) -> str:
        """Verify, validate and apply one delivered envelope.

        Raises ``Untrusted`` or ``SourceHeld`` (park it; it takes no position), ``ApplyFailed``
        (a genuine envelope that failed: park it under its position), or ``UpstreamUnavailable``
        / ``KeyUnavailable`` (retry). Without ``delivery`` (an in-process caller) the envelope's
        own source is checked.
        """
        source = delivery.source if delivery is not None else _claimed_source(body)
        check_route(body, source, delivery, self.publishers.get(source))
        with self._lock(source):
            if not self.upstream.reaches(source):  # never believed on its own word: kept for the feed
                raise SourceHeld(f"no feed URL for {source}: its log cannot be learnt, nothing is applied")
            following = self.histories.followed(source)
            if following.held is not None:
                raise SourceHeld(f"{source} is held: {following.held['reason']}")
            key = self.keys.public_key(source)
            if isinstance(body.get("signature"), str) and body.get("key_id") != key_id(key):
                # Signed with another key than the pinned one: never applied, whatever it claims
                # (only an operator's resync pins another key), so judged without asking anyone.
                raise self.histories.other_key(following, body)
            verify_signature(body, source, key)
            self.histories.admit(following, body)
            if not _is_valid_envelope(body):
                raise ApplyFailed(body, ValidationError(envelope_errors(body)))
            self.histories.place(
                following,
                body,
                take=lambda envelope: self.take_one(following, envelope),
                position=lambda: self.position(source),
            )
            try:
                return self._apply(following, validate_envelope(body))
            except Exception as exc:  # noqa: BLE001 - verified: parked under its position
                raise ApplyFailed(body, exc) from exc

    def _apply(self, following: Following, envelope: dict[str, Any]) -> str:
        position = envelope["position"]
        if position <= self.position(following.source):
            return self._replay_if_parked(following, envelope)
        aggregates = self.effect(envelope)
        tracking = ChainedTracking(following.tracking, position, chain_hash=envelope["chain_hash"])
        try:
            self.app.record_processed(tracking, *aggregates)
        except IntegrityError:
            if self.position(following.source) >= position:
                return DUPLICATE  # a concurrent delivery of the same position won
            raise  # another write to the same aggregates won: parked under its position, replayed once
        return APPLIED if aggregates else IGNORED

    def effect(self, envelope: dict[str, Any]) -> list[Any]:
        handler = self.handlers.get((envelope["source"], envelope["event_type"]))
        if handler is None:
            return []
        return [a for a in handler(self.app, envelope) if a is not None]

    def _replay_if_parked(self, following: Following, envelope: dict[str, Any]) -> str:
        parked_id = ParkedMessage.create_id(self.consumer, following.tracking, envelope["position"])
        try:
            parked: ParkedMessage = self.app.repository.get(parked_id)
        except AggregateNotFoundError:
            return DUPLICATE
        if parked.resolved:
            return DUPLICATE
        aggregates = self.effect(envelope)
        parked.resolve()
        # The resolution and the effect in one save: a second replay finds it resolved.
        self.app.save(parked, *aggregates)
        return REPLAYED

    def check(self, source: str) -> None:
        """Ask the producer's feed whether its log still holds what this consumer recorded where
        it stands (run now and then): a log replaced or restored meanwhile holds the source
        (``SourceHeld``) even when nothing new arrives."""
        with self._lock(source):
            following = self.histories.current(source)
            if following is None or following.held is not None or not self.upstream.reaches(source):
                return
            after = self.position(source)
            page, verified = self.histories.read_page(source, after, 1)
            self.histories.check_page(following, after, page, verified)

    def catch_up(self, source: str, until: int | None = None) -> int:
        """Apply what the producer's feed has after our position (up to ``until``); returns
        the number of events applied."""
        with self._lock(source):
            return self._catch_up(source, until=until)

    def _catch_up(self, source: str, until: int | None) -> int:
        following = self.histories.followed(source)
        if following.held is not None:
            raise SourceHeld(f"{source} is held: {following.held['reason']}")
        applied = 0
        after = self.position(source)
        while until is None or after < until:
            page, verified = self.histories.read_page(source, after, 500)
            self.histories.check_page(following, after, page, verified)
            cut = until if until is not None else float("inf")
            envelopes = [e for e in page["events"] if not (position_of(e) > cut)]
            if self.independent:
                applied += PageTaker(self, following).take(envelopes)
            else:
                for envelope in envelopes:
                    applied += self.take_one(following, envelope)
                    time.sleep(0)  # a long catch-up lets /health, HTTP and RPC in between (green threads)
            if len(envelopes) < len(page["events"]):
                return applied
            if not page["has_more"] or page["next_after"] <= after:
                return applied
            after = page["next_after"]
        return applied

    def take_one(self, following: Following, envelope: Any) -> int:
        """One envelope of a feed page: checked as a delivery is (a feed is believed no more than
        the broker), applied or parked; 1 when it was applied."""
        source = following.source
        try:
            check_route(envelope, source, None)
            if envelope.get("incarnation") != following.incarnation:
                raise Untrusted(
                    STALE_INCARNATION, f"a {source} feed entry of log {envelope.get('incarnation')!r}"
                )
            verify_signature(envelope, source, self.keys.public_key(source))
        except Untrusted as exc:
            self.park_untrusted(envelope, str(exc), routing=None)
            return 0
        try:
            return 1 if self._apply(following, validate_envelope(envelope)) in (APPLIED, IGNORED) else 0
        except Exception as exc:  # noqa: BLE001 - one bad event must not stop the rest
            self.park(envelope, f"{type(exc).__name__}: {exc}", routing=None)
            return 0

    def resync(self, source: str, forget: Forget | None, actor: str) -> dict[str, Any]:
        """An operator's act: follow the log ``source`` has now, pinning its key, after withdrawing
        what was derived from the log followed before (kept in the log for audit); then apply the
        new log from its start."""
        with self._lock(source):
            following = self.histories.current(source)
            key = load_public_key(self.upstream.public_key_pem(source))
            page = self.upstream.page(source, 0, 1)
            if not page_verifies(page, source, 0, key):  # the key served does not sign the feed
                raise UpstreamUnavailable(f"the {source} feed is not signed with the key it serves")
            incarnation = str(page["incarnation"])
            pin = self.keys.repinned(source, key, f"{actor}: {self.upstream.describe(source)}")
            before = None
            withdrawn: list[Any] = []
            if following is None:
                following = self.histories.first_contact(source, incarnation)
            else:
                before = {"incarnation": following.incarnation, "tracking": following.tracking}
                reason = (
                    f"resync of {source} by {actor}: log {following.incarnation} is replaced by {incarnation}"
                )
                withdrawn = forget(self.app, reason) if forget is not None else []
                following.switch(
                    incarnation=incarnation, tracking=following.next_tracking(incarnation), actor=actor
                )
            # The key, the withdrawals and the log followed: decided together, saved together.
            self.histories.save(following, pin, *withdrawn)
            self.keys.adopt(source, key)
            applied = self._catch_up(source, until=None)
        return {
            "source": source,
            "before": before,
            "incarnation": incarnation,
            "tracking": following.tracking,
            "key_id": pin.key_id,
            "applied": applied,
        }

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
        following = self.histories.current(source)
        tracking_name = following.tracking if following is not None else source
        parked_id = ParkedMessage.create_id(self.consumer, tracking_name, position)
        try:
            parked: ParkedMessage = self.app.repository.get(parked_id)
            if parked.resolved:
                return
            parked.park_again(reason=reason[:2000])
            self.app.save(parked)
        except AggregateNotFoundError:
            parked = ParkedMessage(
                consumer=self.consumer,
                source=tracking_name,
                position=position,
                event_id=str(body["event_id"]),
                reason=reason[:2000],
            )
            tracking = (
                ChainedTracking(tracking_name, position, chain_hash=body["chain_hash"])
                if position > self.position(source)
                else None
            )
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
    return not envelope_errors(body)
