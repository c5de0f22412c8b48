"""Which history of each producer a consumer follows, kept in the consumer's own log.

A consumer learns a producer's log incarnation from the producer's feed on first contact (never
from a message in its queue) and keeps its positions per history, under a tracking name of that
history. When the producer's log is replaced (a new incarnation) or changed (a restored copy whose
chain disagrees with what the consumer recorded), the consumer holds that source: it applies
nothing more from it until an operator resyncs it (``reform resync``)."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError

from shared.contracts.envelope import page_signed_bytes
from shared.messaging.trust import STALE_INCARNATION, UNKNOWN_POSITION, KeyRing, Untrusted
from shared.messaging.upstream import Upstream, UpstreamUnavailable
from shared.persistence.audit import GENESIS
from shared.persistence.audit_digest import key_id
from shared.persistence.eventlog import ServiceApplication

log = logging.getLogger(__name__)


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


class Histories:
    """The ``Following`` records of one consumer, read and written through its application."""

    def __init__(self, app: ServiceApplication, consumer: str, upstream: Upstream, keys: KeyRing) -> None:
        self.app = app
        self.consumer = consumer
        self.upstream = upstream
        self.keys = keys
        self._lock = threading.Lock()
        # What this process follows, kept as read or as it changed it: it is the only writer of
        # these records while it runs (`reform resync` runs with the consumer stopped).
        self._following: dict[str, Following] = {}
        self._incarnations: dict[str, tuple[float, str, bool]] = {}  # source -> (asked at, answer, signed)

    def read_page(self, source: str, after: int, limit: int) -> tuple[dict[str, Any], bool]:
        """A page of ``source``'s feed, and whether it is signed with the key pinned for it. A page
        signed with another key is a new log of the producer's (or a stranger's: either way only
        an operator's resync follows it); one that does not verify with the pinned key it names,
        or answers another question than the one asked, is refused (``UpstreamUnavailable``)."""
        page = self.upstream.page(source, after, limit)
        key = self.keys.public_key(source)
        named = page.get("key_id")
        if isinstance(named, str) and named != key_id(key):
            return page, False
        try:
            if page.get("source") != source or page.get("after") != after:
                raise ValueError("another page")
            key.verify(bytes.fromhex(page["page_signature"]), page_signed_bytes(page))
        except Exception:  # noqa: BLE001 - whatever was made of it (a bad signature, bad hex, no field)
            log.error(
                "%s: the %s feed answered a page that is not its own signed answer", self.consumer, source
            )
            raise UpstreamUnavailable(
                f"the {source} feed answered a page not signed with its pinned key {key_id(key)}"
            ) from None
        return page, True

    def producer_incarnation(self, source: str, fresh_for: float = 2.0) -> tuple[str, bool]:
        """The incarnation ``source``'s feed names now and whether its answer is signed with the
        pinned key (asked again after ``fresh_for`` seconds: a queue of old messages costs one
        request per stretch, not one each)."""
        asked = self._incarnations.get(source)
        if asked is not None and time.monotonic() - asked[0] < fresh_for:
            return asked[1], asked[2]
        page, verified = self.read_page(source, 0, 1)
        current = str(page["incarnation"])
        self._incarnations[source] = (time.monotonic(), current, verified)
        return current, verified

    def current(self, source: str) -> Following | None:
        """What this consumer follows of ``source``, without contacting it."""
        cached = self._following.get(source)
        if cached is not None:
            return cached
        try:
            following: Following = self.app.repository.get(Following.create_id(self.consumer, source))
        except AggregateNotFoundError:
            return None
        self._following[source] = following
        return following

    def save(self, following: Following, *aggregates: Any) -> None:
        """Save a change of what is followed (with what goes with it); on failure, forget the
        unsaved change so the record is read again from the log."""
        try:
            self.app.save(following, *aggregates)
        except Exception:
            self._following.pop(following.source, None)
            raise
        self._following[following.source] = following

    def followed(self, source: str) -> Following:
        """What this consumer follows of ``source``; on first contact, the incarnation the
        producer's feed names now. Raises ``UpstreamUnavailable`` when it cannot be asked."""
        following = self.current(source)
        if following is not None:
            return following
        with self._lock:
            following = self.current(source)
            if following is not None:
                return following
            page, verified = self.read_page(source, 0, 1)
            incarnation = str(page["incarnation"])
            # Positions recorded before consumers kept them per history belong to the first one.
            legacy = (self.app.process_recorder.max_tracking_id(source) or 0) > 0
            following = Following(
                consumer=self.consumer,
                source=source,
                incarnation=incarnation,
                tracking=source if legacy else f"{source}@{incarnation}",
                learned_from=self.upstream.describe(source),
            )
            try:
                self.save(following)
            except IntegrityError:  # learned concurrently: the first record stands
                return self.followed(source)
            log.info("%s follows %s incarnation %s", self.consumer, source, incarnation)
        if not verified:  # a key pinned before (from an earlier log) does not sign this one
            self.hold(following, incarnation, self._other_key(source, page))
        return following

    def _other_key(self, source: str, page: dict[str, Any]) -> str:
        return (
            f"{source}'s feed is signed with key {page.get('key_id')!r}, not the pinned "
            f"{self.keys.pinned_key_id(source)}: a new log of {source}'s, or not {source} at all"
        )

    def position(self, source: str) -> int:
        following = self.current(source)
        # Before first contact, positions recorded before histories were kept (the first one's).
        tracking = following.tracking if following is not None else source
        return self.app.process_recorder.max_tracking_id(tracking) or 0

    def recorded(self, following: Following, position: int) -> str | None:
        """The producer's chain hash this consumer recorded at ``position`` (genesis at 0)."""
        if position == 0:
            return GENESIS
        return self.app.source_chain_hash(following.tracking, position)

    def hold(self, following: Following, observed: str, reason: str) -> None:
        if following.held is None:
            following.hold(observed=observed, reason=reason)
            self.save(following)
            log.error(
                "%s holds %s: %s; run `reform resync %s --source %s` once the operator has decided",
                self.consumer,
                following.source,
                reason,
                self.consumer,
                following.source,
            )
        raise SourceHeld(
            f"{following.source} is held: {following.held['reason'] if following.held else reason}"
        )

    def held(self, sources: set[str]) -> list[dict[str, str]]:
        """The sources held now, with both incarnations and why (for ``/health``)."""
        out = []
        for source in sorted(sources):
            following = self.current(source)
            if following is not None and following.held is not None:
                out.append(
                    {
                        "source": source,
                        "following": following.incarnation,
                        "observed": following.held["observed"],
                        "reason": following.held["reason"],
                    }
                )
        return out

    # --- judging a message or a feed page against the history followed ---------------------

    def admit(self, following: Following, body: dict[str, Any]) -> None:
        """That ``body`` is of the history followed, or else why not: ``Untrusted`` (stale) or
        ``SourceHeld`` (the producer's log was replaced under what this consumer derived)."""
        source = following.source
        if following.held is not None:
            raise SourceHeld(f"{source} is held: {following.held['reason']}")
        claimed = body.get("incarnation")
        if claimed == following.incarnation:
            return
        if not self.upstream.reaches(source):
            raise Untrusted(STALE_INCARNATION, f"from log {claimed!r}, not {following.incarnation} followed")
        current, verified = self.producer_incarnation(source)
        if claimed != current:
            raise Untrusted(
                STALE_INCARNATION,
                f"from log {claimed!r} of {source}; its log is {current} (followed: {following.incarnation})",
            )
        self.changed_incarnation(following, current, verified)

    def changed_incarnation(self, following: Following, current: str, verified: bool) -> None:
        """The producer's log is another one now: follow it when nothing was derived from the old
        one and its feed is signed with the pinned key; otherwise hold the source (raises
        ``SourceHeld``)."""
        source = following.source
        derived = (self.app.process_recorder.max_tracking_id(following.tracking) or 0) > 0
        if not derived and verified:
            following.switch(
                incarnation=current,
                tracking=following.next_tracking(current),
                actor="automatic: nothing was derived from the log it replaced",
            )
            self.save(following)
            log.warning(
                "%s follows %s's new log %s (nothing derived from the old one)",
                self.consumer,
                source,
                current,
            )
            return
        reason = f"{source}'s log is now {current}"
        if derived:
            reason += f"; {self.consumer} derived state from {following.incarnation}"
        if not verified:
            reason += f", signed with another key than the pinned {self.keys.pinned_key_id(source)}"
        self.hold(following, current, reason)

    def place(self, following: Following, envelope: dict[str, Any], fill: Any, position_now: int) -> None:
        """That ``envelope`` continues the history followed where this consumer stands. ``fill``
        applies the producer's feed up to a position (a hole before it)."""
        source, p = following.source, envelope["position"]
        if p <= position_now:
            recorded = self.recorded(following, p)
            if recorded is not None and recorded != envelope["chain_hash"]:
                self.arbitrate(following, p, recorded, envelope)
            return
        if p > position_now + 1 and self.upstream.reaches(source):
            position_now = fill(p - 1)
        if position_now == p - 1:
            recorded = self.recorded(following, p - 1)
            if recorded is not None and recorded != envelope["prior_hash"]:
                self.arbitrate(following, p - 1, recorded, envelope)
            return
        if not self.upstream.reaches(source):
            return  # nothing to ask: a gap of private positions is taken on the signature
        page, verified = self.read_page(source, p - 1, 1)
        self.check_page(following, p - 1, page, verified)
        if page["after_chain_hash"] is None or p > page["last_position"]:
            raise Untrusted(
                UNKNOWN_POSITION,
                f"{source} position {p} is past the end of its feed ({page['last_position']})",
            )
        if page["after_chain_hash"] != envelope["prior_hash"]:
            raise Untrusted(
                STALE_INCARNATION, f"{source} position {p} does not continue its log's chain at {p - 1}"
            )

    def arbitrate(self, following: Following, at: int, recorded: str, envelope: dict[str, Any]) -> None:
        """A message disagrees with the chain hash recorded at ``at``: the producer's feed decides
        whether the message is of a discarded history (parked) or the log changed (held)."""
        source = following.source
        if not self.upstream.reaches(source):
            raise Untrusted(
                STALE_INCARNATION, f"{source} position {envelope['position']} disagrees with the chain"
            )
        page, verified = self.read_page(source, at, 1)
        self.check_page(following, at, page, verified, recorded_here=recorded)
        raise Untrusted(
            STALE_INCARNATION,
            f"{source} position {envelope['position']} is of a discarded history: its chain disagrees "
            f"with the one recorded at {at}, which {source}'s log still holds",
        )

    def check_page(
        self,
        following: Following,
        after: int,
        page: dict[str, Any],
        verified: bool,
        recorded_here: str | None = None,
    ) -> None:
        """That a feed page is of the history followed, signed with the pinned key and agrees with
        the chain hash recorded at ``after``; otherwise the source is held (or followed anew when
        nothing was derived from it)."""
        if page.get("incarnation") != following.incarnation:
            self.changed_incarnation(following, str(page.get("incarnation")), verified)
            return
        if not verified:
            self.hold(following, following.incarnation, self._other_key(following.source, page))
        recorded = recorded_here or self.recorded(following, after)
        theirs = page.get("after_chain_hash")
        if recorded is not None and theirs != recorded:
            self.hold(
                following,
                following.incarnation,
                f"{following.source}'s log changed at position {after}: {self.consumer} recorded chain "
                f"{recorded[:16]}, the log has {theirs[:16] if theirs else 'no such position'} now "
                "(restored from an older copy?)",
            )
