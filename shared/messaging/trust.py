"""Trust at a consumer's door: an envelope is believed only when it came through its producer's
exchange and queue and carries its producer's signature, checked with a key pinned in the
consumer's own log. What fails is parked with the reason and never applied nor given a position."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError

from shared.contracts.envelope import signed_bytes
from shared.messaging.upstream import NoUpstream, Upstream, UpstreamUnavailable
from shared.persistence.audit_digest import key_id, load_public_key, public_pem
from shared.persistence.eventlog import ServiceApplication

log = logging.getLogger(__name__)

# Why a delivery is not believed; when several apply, the reason is the first of these.
WRONG_SOURCE = "wrong_source"  # not its producer's exchange or queue, or another source named
FORGED = "forged"  # unsigned, badly signed, or signed with another key than the pinned one
STALE_INCARNATION = "stale_incarnation"  # signed by the producer, but by a log it has replaced
UNKNOWN_POSITION = "unknown_position"  # a position the producer's feed does not hold
REASONS = (WRONG_SOURCE, FORGED, STALE_INCARNATION, UNKNOWN_POSITION)


class Untrusted(Exception):
    """A delivery that is not what it claims to be."""

    def __init__(self, code: str, message: str) -> None:
        assert code in REASONS
        super().__init__(f"{code}: {message}")
        self.code = code


class KeyUnavailable(Exception):
    """The producer's key is neither pinned, configured nor reachable now: try again later."""


class KeyMismatch(Exception):
    """The configured key of a producer differs from the one pinned: the consumer refuses to go on."""


@dataclass(frozen=True)
class Delivery:
    """What the broker says about how a message arrived (the envelope's own claims aside)."""

    source: str  # the producer whose queue it was delivered from
    exchange: str
    routing_key: str
    replayed: bool = False  # put back by `reform parked replay`, through the default exchange
    user_id: str | None = None


class PinnedKey(Aggregate):
    """A producer's public key as first seen by this consumer; every later envelope must verify
    with it. Kept in the consumer's own (audited) log."""

    class Pinned(Aggregate.Created):
        source: str
        public_key_pem: str
        key_id: str
        pinned_from: str

    class Repinned(Aggregate.Event):
        """An operator's act (``reform resync``): the producer's log was replaced, with its key."""

        public_key_pem: str
        key_id: str
        pinned_from: str

    @staticmethod
    def create_id(source: str, **_: Any) -> UUID:
        return uuid5(NAMESPACE_URL, f"reform:pinned-key:{source}")

    @event(Pinned)
    def __init__(self, *, source: str, public_key_pem: str, key_id: str, pinned_from: str) -> None:
        self.source = source
        self.public_key_pem = public_key_pem
        self.key_id = key_id
        self.pinned_from = pinned_from

    @event(Repinned)
    def repin(self, *, public_key_pem: str, key_id: str, pinned_from: str) -> None:
        self.public_key_pem = public_key_pem
        self.key_id = key_id
        self.pinned_from = pinned_from


class KeyRing:
    """Producers' public keys: pinned in the consumer's log on first contact, from configuration
    (``<SOURCE>_PUBLIC_KEY``) or else from the producer's ``/audit/public-key`` (its upstream)."""

    def __init__(
        self,
        app: ServiceApplication,
        configured: dict[str, bytes] | None = None,
        upstream: Upstream | None = None,
    ) -> None:
        self.app = app
        self.configured = {s: load_public_key(pem) for s, pem in (configured or {}).items()}
        self.upstream: Upstream = upstream or NoUpstream()
        self._keys: dict[str, Ed25519PublicKey] = {}

    def pinned_key_id(self, source: str) -> str | None:
        pinned = self._pinned(source)
        return pinned.key_id if pinned is not None else None

    def repinned(self, source: str, key: Ed25519PublicKey, origin: str) -> PinnedKey:
        """``source``'s pin for ``key``, unsaved: only an operator's resync pins a key anew, saving
        it with what else it decides (then ``adopt``)."""
        pinned = self._pinned(source)
        if pinned is None:
            return PinnedKey(
                source=source, public_key_pem=public_pem(key), key_id=key_id(key), pinned_from=origin
            )
        if pinned.key_id != key_id(key):
            pinned.repin(public_key_pem=public_pem(key), key_id=key_id(key), pinned_from=origin)
        return pinned

    def adopt(self, source: str, key: Ed25519PublicKey) -> None:
        """Use ``key`` for ``source`` from now on (its pin was saved)."""
        log.warning("%s's key is now %s", source, key_id(key))
        self._keys[source] = key

    def _pinned(self, source: str) -> PinnedKey | None:
        try:
            pinned: PinnedKey = self.app.repository.get(PinnedKey.create_id(source))
        except AggregateNotFoundError:
            return None
        return pinned

    def pin_configured(self) -> None:
        """At start: pin the configured keys not pinned yet, and refuse to go on when a
        configured key is not the one pinned before."""
        for source, key in self.configured.items():
            pinned = self._pinned(source)
            if pinned is None:
                self._keys[source] = self._pin(source, key, "configuration")
            elif pinned.key_id != key_id(key):
                raise KeyMismatch(
                    f"the configured key of {source} ({key_id(key)}) is not the one pinned "
                    f"({pinned.key_id}, from {pinned.pinned_from}); refusing to go on"
                )

    def public_key(self, source: str) -> Ed25519PublicKey:
        key = self._keys.get(source)
        if key is None:
            key = self._load(source)
            self._keys[source] = key
        return key

    def _load(self, source: str) -> Ed25519PublicKey:
        pinned = self._pinned(source)
        if pinned is not None:
            return load_public_key(pinned.public_key_pem.encode())
        if source in self.configured:
            return self._pin(source, self.configured[source], "configuration")
        if not self.upstream.reaches(source):
            raise KeyUnavailable(f"no key for {source}: none pinned, none configured, no feed URL")
        try:
            key = load_public_key(self.upstream.public_key_pem(source))
        except (UpstreamUnavailable, ValueError) as exc:
            raise KeyUnavailable(f"cannot read the key of {source}: {exc}") from exc
        return self._pin(source, key, self.upstream.describe(source))

    def _pin(self, source: str, key: Ed25519PublicKey, origin: str) -> Ed25519PublicKey:
        pinned = PinnedKey(
            source=source, public_key_pem=public_pem(key), key_id=key_id(key), pinned_from=origin
        )
        try:
            self.app.save(pinned)
        except IntegrityError:  # pinned concurrently: the first pin stands
            first = self._pinned(source)
            assert first is not None
            return load_public_key(first.public_key_pem.encode())
        log.info("pinned the key %s of %s (from %s)", pinned.key_id, source, origin)
        return key


def check_route(body: Any, source: str, delivery: Delivery | None, publisher: str | None = None) -> None:
    """That a delivery came the way ``source``'s messages come; raises ``Untrusted``."""
    if not isinstance(body, dict):
        raise Untrusted(FORGED, "not a JSON object, so not a signed envelope")
    if not isinstance(body.get("source"), str) or body.get("source") != source:
        raise Untrusted(WRONG_SOURCE, f"claims source {body.get('source')!r} on the {source} queue")
    if delivery is not None and not delivery.replayed and delivery.exchange != f"{source}.events":
        raise Untrusted(WRONG_SOURCE, f"came through exchange {delivery.exchange!r}, not {source}.events")
    if (
        publisher is not None
        and delivery is not None
        and not delivery.replayed
        and delivery.user_id != publisher
    ):
        raise Untrusted(WRONG_SOURCE, f"published by broker user {delivery.user_id!r}, not {publisher!r}")


def plain_body(raw: Any) -> Any:
    """The message body as plain JSON: kombu's decoder turns ``{"__type__": ...}`` objects into
    Decimals, UUIDs and dates, which a sender could use to make verification or parking fail;
    a consumer judges the bytes the producer signed, read with nothing but ``json.loads``."""
    if isinstance(raw, bytes | bytearray | str):
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode("utf-8", "replace") if isinstance(raw, bytes | bytearray) else raw
    return raw


def verify_signature(body: dict[str, Any], source: str, key: Ed25519PublicKey) -> None:
    signature = body.get("signature")
    if not isinstance(signature, str):
        raise Untrusted(FORGED, "unsigned")
    if body.get("key_id") != key_id(key):
        raise Untrusted(
            FORGED, f"signed with key {body.get('key_id')!r}, not {source}'s pinned {key_id(key)}"
        )
    try:
        key.verify(bytes.fromhex(signature), signed_bytes(body))
    except Exception:  # noqa: BLE001 - whatever a sender made of it (InvalidSignature, bad hex, odd values)
        raise Untrusted(FORGED, f"the signature does not verify with {source}'s key {key_id(key)}") from None
