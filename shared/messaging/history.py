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
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from shared.contracts.envelope import page_signed_bytes
from shared.messaging.following import Following, SourceHeld, Window
from shared.messaging.trust import FORGED, STALE_INCARNATION, UNKNOWN_POSITION, KeyRing, Untrusted
from shared.messaging.upstream import Upstream, UpstreamUnavailable
from shared.persistence.audit import GENESIS
from shared.persistence.audit_digest import key_id
from shared.persistence.eventlog import ServiceApplication

log = logging.getLogger(__name__)


def page_verifies(page: dict[str, Any], source: str, after: int, key: Ed25519PublicKey) -> bool:
    """Whether ``page`` is ``source``'s signed answer to the question "after ``after``"."""
    try:
        if page.get("source") != source or page.get("after") != after:
            return False
        key.verify(bytes.fromhex(page["page_signature"]), page_signed_bytes(page))
    except Exception:  # noqa: BLE001 - whatever was made of it (a bad signature, bad hex, no field)
        return False
    return True


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
        self._windows: dict[str, Window] = {}  # source -> the last signed page read past a position
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
        if not page_verifies(page, source, after, key):
            log.error(
                "%s: the %s feed answered a page that is not its own signed answer", self.consumer, source
            )
            raise UpstreamUnavailable(
                f"the {source} feed answered a page not signed with its pinned key {key_id(key)}"
            )
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
            following = self.first_contact(source, str(page["incarnation"]))
            try:
                self.save(following)
            except IntegrityError:  # learned concurrently: the first record stands
                return self.followed(source)
            log.info("%s follows %s incarnation %s", self.consumer, source, following.incarnation)
        if not verified:  # a key pinned before (from an earlier log) does not sign this one
            self.hold(following, following.incarnation, self._other_key(source, page))
        legacy = self.app.process_recorder.max_tracking_id(source) or 0
        if following.tracking == source and legacy > page["last_position"]:
            self.hold(
                following,
                following.incarnation,
                f"{self.consumer} passed position {legacy} of {source}'s log before logs were named, "
                f"and the log now ends at {page['last_position']}: replaced or restored meanwhile",
            )
        return following

    def first_contact(self, source: str, incarnation: str) -> Following:
        """The record of following ``source``'s log ``incarnation`` from now on (unsaved). Positions
        recorded before consumers kept them per log are taken as the first log's."""
        legacy = (self.app.process_recorder.max_tracking_id(source) or 0) > 0
        return Following(
            consumer=self.consumer,
            source=source,
            incarnation=incarnation,
            tracking=source if legacy else f"{source}@{incarnation}",
            learned_from=self.upstream.describe(source),
        )

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
        """The sources held now, with both incarnations and why (for ``/health``); a source whose
        feed this consumer cannot ask is held from the start."""
        out = []
        for source in sorted(sources):
            if not self.upstream.reaches(source):
                out.append(
                    {
                        "source": source,
                        "following": "",
                        "observed": "",
                        "reason": f"no feed URL for {source}: its log cannot be learnt, nothing is applied",
                    }
                )
                continue
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

    def place(
        self,
        following: Following,
        envelope: dict[str, Any],
        take: Callable[[dict[str, Any]], int],
        position: Callable[[], int],
    ) -> None:
        """That ``envelope`` is in the producer's log as the log stands, where this consumer is in
        it. Past the consumer's position that is the feed's word (a signed page read from the
        consumer's position, which also shows the log still holds what the consumer recorded there);
        ``take`` applies the feed's events of a hole before it. A signed message alone never says
        so: a log restored from an older copy still has its old messages on the broker."""
        source, p = following.source, envelope["position"]
        if p <= position():
            recorded = self.recorded(following, p)
            if recorded is not None and recorded != envelope["chain_hash"]:
                self.arbitrate(following, p, recorded, envelope)
            return
        window = self._windows.get(source)
        if window is None or not window.covers(following, p):
            window = None
        while window is None:
            window = self._read_window(following, position(), p)
            if p > window.last_position:
                raise Untrusted(
                    UNKNOWN_POSITION,
                    f"{source} position {p} is past the end of its log ({window.last_position})",
                )
            if p > window.reach:  # the page stopped short of p: take it, then read on
                window.take(position(), window.reach + 1, take)
                window = None
        window.take(position(), p, take)  # the hole before p, from the log itself
        theirs = window.events.get(p)
        if theirs is None or theirs.get("chain_hash") != envelope["chain_hash"]:
            raise Untrusted(
                STALE_INCARNATION,
                f"{source} position {p} is not in its log as the log stands: of a history it discarded",
            )

    def _read_window(self, following: Following, after: int, p: int) -> Window:
        page, verified = self.read_page(following.source, after, min(500, max(100, p - after)))
        self.check_page(following, after, page, verified)
        window = Window.of(following, page)
        self._windows[following.source] = window
        return window

    def other_key(self, following: Following, body: dict[str, Any]) -> Untrusted:
        """Why a message signed with another key than the pinned one is not believed."""
        named, claimed = body.get("key_id"), body.get("incarnation")
        pinned = self.keys.pinned_key_id(following.source)
        if claimed == following.incarnation:
            return Untrusted(FORGED, f"signed with key {named!r}, not {following.source}'s pinned {pinned}")
        return Untrusted(
            STALE_INCARNATION,
            f"of log {claimed!r} signed with key {named!r}: neither the log followed "
            f"({following.incarnation}) nor its key ({pinned}); not verified",
        )

    def arbitrate(self, following: Following, at: int, recorded: str, envelope: dict[str, Any]) -> None:
        """A message disagrees with the chain hash recorded at ``at``: the producer's feed decides
        whether the message is of a discarded history (parked) or the log changed (held)."""
        source = following.source
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
