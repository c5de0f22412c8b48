"""`reform audit witness`: the auditor's witness, a process of its own with its own store. It takes
every service's signed digests from the broker (the ``audit.<service>.events`` queues), pins each
service's key on first sight, checks each digest's signature and its link to the one before, and
keeps what it accepted. `reform audit verify` then finds a log cut after its last digest, a digest
rewritten, or a store re-signed with another key."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from shared.messaging.broker import connect, inbox_queue
from shared.messaging.permissions import broker_user, vhost_of
from shared.messaging.trust import KeyUnavailable, Untrusted, plain_body, verify_signature
from shared.persistence.audit_digest import key_id, load_public_key, public_pem, signature_valid
from shared.registry import REGISTRY, Registry

log = logging.getLogger(__name__)

# Each log of a service (its incarnation: a store wiped and made again is another log) is a
# history of its own: its own pinned key and its own chain of digests, judged on its own.
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS keys (service TEXT PRIMARY KEY, public_key_pem TEXT NOT NULL, "
    "key_id TEXT NOT NULL, pinned_at TEXT NOT NULL, pinned_from TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS log_keys (service TEXT NOT NULL, incarnation TEXT NOT NULL, "
    "public_key_pem TEXT NOT NULL, key_id TEXT NOT NULL, pinned_at TEXT NOT NULL, pinned_from TEXT NOT NULL, "
    "PRIMARY KEY (service, incarnation))",
    "CREATE TABLE IF NOT EXISTS digests (service TEXT NOT NULL, position INTEGER NOT NULL, "
    "chain_hash TEXT NOT NULL, signature TEXT NOT NULL, digest TEXT NOT NULL, received_at TEXT NOT NULL, "
    "incarnation TEXT NOT NULL DEFAULT '', PRIMARY KEY (service, signature))",
    "CREATE TABLE IF NOT EXISTS rejected (service TEXT, reason TEXT NOT NULL, body TEXT NOT NULL, "
    "received_at TEXT NOT NULL)",
)
UNNAMED = ""  # the log of digests witnessed before logs named their incarnation


class WitnessStore:
    """The witness's own SQLite file: pinned keys, accepted digests, rejected messages."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "witness.sqlite3"
        self._conn = sqlite3.connect(self.path, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._conn:
            for statement in SCHEMA:
                self._conn.execute(statement)
            columns = {row[1] for row in self._conn.execute("PRAGMA table_info(digests)")}
            if "incarnation" not in columns:  # a store from before logs were named
                try:
                    self._conn.execute(
                        f"ALTER TABLE digests ADD COLUMN incarnation TEXT NOT NULL DEFAULT '{UNNAMED}'"
                    )
                except sqlite3.OperationalError as exc:  # another process of the witness's did it first
                    if "duplicate column" not in str(exc):
                        raise
                self._conn.execute(
                    "INSERT OR IGNORE INTO log_keys SELECT service, ?, public_key_pem, key_id, pinned_at, "
                    "pinned_from FROM keys",
                    (UNNAMED,),
                )

    def close(self) -> None:
        self._conn.close()

    def incarnations(self, service: str) -> list[str]:
        """The logs of ``service`` the witness holds a history of, in the order it first saw them."""
        rows = self._conn.execute(
            "SELECT incarnation FROM log_keys WHERE service = ? ORDER BY pinned_at", (service,)
        ).fetchall()
        return [r[0] for r in rows]

    def latest(self, service: str) -> str | None:
        seen = self.incarnations(service)
        return seen[-1] if seen else None

    def pinned(self, service: str, incarnation: str | None = None) -> tuple[str, str] | None:
        """(public key PEM, key id) pinned for one log of ``service`` (by default the latest seen)."""
        incarnation = self.latest(service) if incarnation is None else incarnation
        row = self._conn.execute(
            "SELECT public_key_pem, key_id FROM log_keys WHERE service = ? AND incarnation = ?",
            (service, incarnation),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def pin(self, service: str, incarnation: str, pem: str, origin: str, previous: str | None = None) -> None:
        """Pin the key of one log of ``service``; ``previous`` is the digest before the first one seen
        of it, which makes it the log witnessed before logs were named when that log holds it."""
        with self._lock, self._conn:
            if incarnation not in self.incarnations(service) and self.incarnations(service) == [UNNAMED]:
                # The first named log of a service witnessed before logs were named: the same one
                # when it is signed with the same key and continues its digests (adopted into it).
                row = self._conn.execute(
                    "SELECT key_id FROM log_keys WHERE service = ? AND incarnation = ?", (service, UNNAMED)
                ).fetchone()
                continues = previous is not None and self.holds(service, previous)
                if row is not None and continues and row[0] == key_id(load_public_key(pem.encode())):
                    for table in ("log_keys", "digests"):
                        self._conn.execute(
                            f"UPDATE {table} SET incarnation = ? WHERE service = ? AND incarnation = ?",
                            (incarnation, service, UNNAMED),
                        )
            self._conn.execute(
                "INSERT OR IGNORE INTO log_keys VALUES (?, ?, ?, ?, ?, ?)",
                (service, incarnation, pem, key_id(load_public_key(pem.encode())), _now(), origin),
            )

    def holds(self, service: str, signature: str) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM digests WHERE service = ? AND signature = ?", (service, signature)
        ).fetchone()
        return row is not None

    def other_at(self, service: str, incarnation: str, position: int, signature: str) -> bool:
        """Whether the witness holds another digest sealing the same position of the same log (a fork)."""
        row = self._conn.execute(
            "SELECT 1 FROM digests WHERE service = ? AND incarnation = ? AND position = ? AND signature != ?",
            (service, incarnation, position, signature),
        ).fetchone()
        return row is not None

    def digests(self, service: str, incarnation: str | None = None) -> list[dict[str, Any]]:
        """The digests held of one log of ``service`` (by default the latest seen)."""
        incarnation = self.latest(service) if incarnation is None else incarnation
        rows = self._conn.execute(
            "SELECT digest FROM digests WHERE service = ? AND incarnation = ? ORDER BY position",
            (service, incarnation),
        ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def accept(self, service: str, incarnation: str, digest: dict[str, Any]) -> None:
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT OR IGNORE INTO digests (service, position, chain_hash, signature, digest, "
                "received_at, incarnation) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    service,
                    digest["position"],
                    digest["chain_hash"],
                    digest["signature"],
                    json.dumps(digest),
                    _now(),
                    incarnation,
                ),
            )

    def reject(self, service: str | None, reason: str, body: Any) -> None:
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT INTO rejected VALUES (?, ?, ?, ?)",
                (service, reason, json.dumps(body, default=str), _now()),
            )

    def rejected(self) -> list[tuple[str | None, str]]:
        return [
            (r[0], r[1]) for r in self._conn.execute("SELECT service, reason FROM rejected ORDER BY rowid")
        ]


def _now() -> str:
    return datetime.now(UTC).isoformat()


KeySource = Callable[[str], str]  # service -> PEM of its public key (configured or read once)


def http_key_source(urls: dict[str, str], configured: dict[str, Path]) -> KeySource:
    def fetch(service: str) -> str:
        if service in configured:
            return configured[service].read_text(encoding="utf-8")
        try:
            reply = requests.get(f"{urls[service].rstrip('/')}/audit/public-key", timeout=10)
            reply.raise_for_status()
            return public_pem(load_public_key(reply.content))
        except (requests.RequestException, ValueError, KeyError) as exc:
            raise KeyUnavailable(f"cannot read the key of {service}: {exc}") from exc

    return fetch


class Witness:
    """Checks and keeps one service's digests after another, as they arrive."""

    def __init__(
        self, store: WitnessStore, keys: KeySource, publishers: dict[str, str] | None = None
    ) -> None:
        self.store = store
        self.keys = keys
        self.publishers = publishers or {}  # service -> its broker user, when each has one

    def _key(self, service: str, incarnation: str) -> tuple[Any, bool]:
        """The key pinned for this log, or on first sight of a log the key the service serves now
        (pinned only once a digest of the log verifies with it: ``True`` says it is not yet)."""
        pinned = self.store.pinned(service, incarnation)
        if pinned is None:
            return load_public_key(self.keys(service).encode()), True
        return load_public_key(pinned[0].encode()), False

    def take(self, service: str, envelope: Any, user_id: str | None = None) -> str:
        """``accepted``, ``repeat`` or the reason it was rejected (kept in the store)."""
        reason = self._check(service, envelope, user_id)
        if reason is not None:
            log.error("witness: rejected a digest of %s: %s", service, reason)
            self.store.reject(service, reason, envelope)
            return reason
        digest, incarnation = envelope["payload"], envelope["incarnation"]
        if self.store.holds(service, digest["signature"]):
            return "repeat"
        previous = digest.get("previous")
        if digest.get("version", 1) >= 2 and previous is not None and not self.store.holds(service, previous):
            # Missed (an outage, a purged queue): kept, and the gap noted; it never blocks what follows.
            self.store.reject(
                service,
                f"gap: the digest before position {digest['position']} never reached the witness",
                digest,
            )
        self.store.accept(service, incarnation, digest)
        return "accepted"

    def _check(self, service: str, envelope: Any, user_id: str | None) -> str | None:
        if not isinstance(envelope, dict) or envelope.get("source") != service:
            return f"wrong_source: not an envelope of {service}"
        expected = self.publishers.get(service)
        if expected is not None and user_id != expected:
            return f"wrong_source: published by broker user {user_id!r}, not {expected!r}"
        incarnation = envelope.get("incarnation")
        if not isinstance(incarnation, str) or not incarnation:
            return "forged: a digest that names no log (incarnation)"
        key, first_sight = self._key(service, incarnation)
        try:
            verify_signature(envelope, service, key)
        except Untrusted as exc:
            return str(exc)
        digest = envelope.get("payload")
        if (
            not isinstance(digest, dict)
            or digest.get("service") != service
            or not signature_valid(key, digest)
        ):
            return f"forged: the digest is not signed by {service}'s pinned key {key_id(key)}"
        if not isinstance(digest.get("position"), int):
            return "forged: a digest without a position"
        if first_sight:  # a log seen for the first time, its first digest verified: pin its key
            self.store.pin(service, incarnation, public_pem(key), "first sight", digest.get("previous"))
        if self.store.other_at(service, incarnation, digest["position"], digest["signature"]):
            # Two signed histories for one position: the log was replaced (a restored or rewritten store).
            return f"fork: a second digest sealing position {digest['position']}, unlike the one held"
        return None


def _service_of(message: Any) -> str:
    """Whose digest a delivery is: the exchange it came through, or, for a message an operator's
    step moved through the default exchange (which no service may publish to), the exchange it
    first came through (its ``x-original-exchange``)."""
    exchange = str(message.delivery_info.get("exchange", ""))
    headers = message.headers or {}
    if exchange == "" and headers.get("x-replayed"):
        exchange = str(headers.get("x-original-exchange", ""))
    return exchange.removesuffix(".events")


def run(
    folder: Path, amqp_uri: str, keys: KeySource, stop: threading.Event, registry: Registry = REGISTRY
) -> None:
    """Consume every service's digests until ``stop`` is set (what `reform audit witness` runs)."""
    store = WitnessStore(folder)
    vhost = vhost_of(amqp_uri)
    own_users = os.environ.get("BROKER_USERS", "0") == "1"
    witness = Witness(
        store, keys, {spec.name: broker_user(spec.name, vhost) for spec in registry} if own_users else None
    )

    def on_message(_: Any, message: Any) -> None:
        service = _service_of(message)
        body = plain_body(message.body)  # the signed bytes, not kombu's decoding of them
        try:
            witness.take(service, body, message.properties.get("user_id"))
        except KeyUnavailable as exc:  # the service is not up yet: try again later
            log.warning("witness: cannot read the key of %s now (%s); the digest stays queued", service, exc)
            message.requeue()
            stop.wait(2.0)
            return
        except Exception as exc:  # noqa: BLE001 - a message the witness cannot read is refused, never looped
            store.reject(service, f"unreadable: {type(exc).__name__}: {exc}", body)
        message.ack()

    try:
        with connect(amqp_uri, heartbeat=0) as conn:
            # As its own broker user it may not declare the services' exchanges: the deploy did.
            declare = os.environ.get("BROKER_USERS", "0") != "1"
            queues = [
                inbox_queue("audit", spec.name, ["AuditDigest"], declare_exchange=declare)
                for spec in registry
            ]
            with conn.Consumer(queues, callbacks=[on_message], accept=["json"]):
                log.info("witness: keeping the digests of %s in %s", ", ".join(registry.names()), store.path)
                while not stop.is_set():
                    try:
                        conn.drain_events(timeout=1.0)
                    except TimeoutError:
                        continue
    finally:
        store.close()
