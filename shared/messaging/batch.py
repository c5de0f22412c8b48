"""Catching up by pages: a feed page's envelopes applied in one transaction, for a consumer whose
handlers' effects do not depend on one another's (reporting keeps each envelope as its own
record). A rebuild or a long catch-up then costs a transaction per page, not per event.

Each envelope is checked exactly as one delivered alone (route, log incarnation, signature,
contract); the page's effects, the position of its last envelope and the producer's chain hash
at every position of the page are recorded together, so a crash leaves the page wholly applied
or not at all, and a history check finds each position's hash as if it had been taken alone.
Anything that is not plain (an envelope that fails a check or its handler, a position already
passed, a write that conflicts) first records what was gathered before it, then goes the
one-at-a-time way, which parks it with its reason or replays it once.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import IntegrityError

from shared.contracts import validate_envelope
from shared.messaging.trust import check_route, verify_signature
from shared.persistence.audit import ChainedTracking

if TYPE_CHECKING:
    from shared.messaging.consumer import EventConsumer
    from shared.messaging.following import Following


def position_of(envelope: Any) -> Any:
    """A feed entry's claimed position (0 for what is not an envelope), to cut a page at."""
    return envelope.get("position", 0) if isinstance(envelope, dict) else 0


YIELD_EVERY = 50  # envelopes between two pauses that let HTTP and RPC in (green threads)


class PageTaker:
    """Gathers one page's plain envelopes and their effects, and records them at once."""

    def __init__(self, consumer: EventConsumer, following: Following) -> None:
        self.consumer = consumer
        self.following = following
        self.position = consumer.position(following.source)
        self.envelopes: list[dict[str, Any]] = []
        self.effects: list[Any] = []

    def take(self, envelopes: list[Any]) -> int:
        taken = 0
        for index, envelope in enumerate(envelopes):
            if index % YIELD_EVERY == YIELD_EVERY - 1:
                time.sleep(0)
            gathered = self._gather(envelope)
            if gathered is None:  # not plain: what came before is recorded, then it goes alone
                taken += self.flush()
                taken += self.consumer.take_one(self.following, envelope)
            else:
                taken += gathered
        return taken + self.flush()

    def _gather(self, envelope: Any) -> int | None:
        source = self.following.source
        try:
            check_route(envelope, source, None)
            if envelope.get("incarnation") != self.following.incarnation:
                return None
            verify_signature(envelope, source, self.consumer.keys.public_key(source))
            validated = validate_envelope(envelope)
            if validated["position"] <= self.position:
                return None
            effects = self.consumer.effect(validated)
        except Exception:  # noqa: BLE001 - judged again alone, and parked with its reason
            return None
        self.envelopes.append(validated)
        self.effects += effects
        self.position = validated["position"]
        return 0  # counted once recorded

    def flush(self) -> int:
        """Record what was gathered (effects and the last position) in one transaction."""
        if not self.envelopes:
            return 0
        envelopes, effects = self.envelopes, self.effects
        self.envelopes, self.effects = [], []
        last = envelopes[-1]
        tracking = ChainedTracking(
            self.following.tracking,
            last["position"],
            chain_hash=last["chain_hash"],
            # every position's hash, so that a stale message at any of them is still recognised
            passed=tuple((e["position"], e["chain_hash"]) for e in envelopes[:-1]),
        )
        try:
            self.consumer.app.record_processed(tracking, *effects)
        except IntegrityError:  # another delivery took some of them meanwhile: each alone
            taken = sum(self.consumer.take_one(self.following, e) for e in envelopes)
            self.position = self.consumer.position(self.following.source)
            return taken
        return len(envelopes)
