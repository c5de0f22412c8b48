"""Signed digests of the audit chain: (position, chain hash, time) signed with the service's
Ed25519 key, stored in its own log (so chained too) and published as ``AuditDigest``."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from eventsourcing.domain import Aggregate, event

from shared.contracts.envelope import page_signed_bytes, signed_bytes
from shared.persistence.topics import moved

DIGEST_TOPIC_SUFFIX = "AuditDigest.Signed"


SEALS = ("version", "previous", "tracking_seq", "tracking_hash")  # what a second-version digest adds


def digest_message(digest: dict[str, Any]) -> bytes:
    """What a digest's signature covers. A first-version digest (before digests named the one
    before them) signs four fields; later ones also the previous digest and the tracking chain."""
    fields = ["service", "position", "chain_hash", "signed_at"]
    if digest.get("version", 1) >= 2:
        fields += list(SEALS)
    return json.dumps({k: digest[k] for k in fields}, sort_keys=True, separators=(",", ":")).encode()


class AuditDigest(Aggregate):
    """A signed statement that the chain stood at ``chain_hash`` after ``position``."""

    class Signed(Aggregate.Created):
        service: str
        position: int
        chain_hash: str
        signed_at: str
        signature: str
        key_id: str
        previous: str | None  # the signature of the digest before it (None for the first)
        tracking_seq: int | None  # the head of the chain of recorded positions it seals
        tracking_hash: str | None
        version: int  # 1: signed four fields; 2: also the previous digest and the tracking chain

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Digests signed before they named each other (their signature covers four fields).
            state.update(version=1, previous=None, tracking_seq=None, tracking_hash=None)

    @staticmethod
    def create_id(service: str, position: int, **_: Any) -> UUID:
        return uuid5(NAMESPACE_URL, f"reform:audit-digest:{service}:{position}")

    @event(Signed)
    def __init__(
        self,
        *,
        service: str,
        position: int,
        chain_hash: str,
        signed_at: str,
        signature: str,
        key_id: str,
        previous: str | None,
        tracking_seq: int | None,
        tracking_hash: str | None,
        version: int,
    ) -> None:
        self.service = service
        self.position = position
        self.chain_hash = chain_hash
        self.signed_at = signed_at
        self.signature = signature
        self.key_id = key_id
        self.previous = previous
        self.tracking_seq = tracking_seq
        self.tracking_hash = tracking_hash
        self.version = version


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


class Signer:
    """The service's signing key: read from ``path``, or created there (0600) on first start,
    with the public key written beside it as ``<name>.pub.pem``."""

    @classmethod
    def in_memory(cls) -> Signer:
        """A key that lives only in this process (in-memory producers of tests and drills)."""
        signer = cls.__new__(cls)
        signer._use(Ed25519PrivateKey.generate())
        return signer

    def _use(self, key: Ed25519PrivateKey) -> None:
        self.key = key
        self.public_key = key.public_key()
        self.key_id = key_id(self.public_key)

    def __init__(self, path: Path) -> None:
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError(f"{path} is not an Ed25519 private key")
        else:
            key = Ed25519PrivateKey.generate()
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(
                    key.private_bytes(
                        serialization.Encoding.PEM,
                        serialization.PrivateFormat.PKCS8,
                        serialization.NoEncryption(),
                    )
                )
        self._use(key)
        public_path = path.with_name(path.name.replace(".pem", "") + ".pub.pem")
        if not public_path.exists():
            public_path.write_text(public_pem(self.public_key))

    def sign_bytes(self, data: bytes) -> str:
        """An Ed25519 signature (hex) of ``data``; callers prefix a context of their own."""
        return self.key.sign(data).hex()

    def sign(
        self,
        service: str,
        position: int,
        chain_hash: str,
        previous: str | None = None,
        tracking: tuple[int, str] | None = None,
    ) -> AuditDigest:
        fields: dict[str, Any] = {
            "service": service,
            "position": position,
            "chain_hash": chain_hash,
            "signed_at": datetime.now(UTC).isoformat(),
            "previous": previous,
            "tracking_seq": tracking[0] if tracking else None,
            "tracking_hash": tracking[1] if tracking else None,
            "version": 2,
        }
        signature = self.key.sign(digest_message(fields)).hex()
        return AuditDigest(**fields, signature=signature, key_id=self.key_id)


def signature_valid(public_key: Ed25519PublicKey, digest: dict[str, Any]) -> bool:
    try:
        public_key.verify(bytes.fromhex(digest["signature"]), digest_message(digest))
    except (InvalidSignature, ValueError, KeyError):
        return False
    return True


class Notary:
    """Signs digests of a service's audit chain into its own log when the schedule says so:
    the application's collaborator for tamper evidence, run by the relay's loop."""

    def __init__(self, service: str, signer: Signer, schedule: DigestSchedule) -> None:
        self.service = service
        self.signer = signer
        self.schedule = schedule
        self._previous: str | None = None  # the signature of the last digest in the log
        self._sealed_tracking = 0  # the entry of the recorded positions the last digest sealed
        self._loaded = False
        self._lock = threading.Lock()  # the relay's loop, start and stop may all seal

    @property
    def public_key_pem(self) -> str:
        return public_pem(self.signer.public_key)

    @property
    def key_id(self) -> str:
        return self.signer.key_id

    def sign_envelope(self, envelope: dict[str, Any]) -> dict[str, Any]:
        """The envelope with its producer's signature over its canonical bytes (one service key
        signs both what it publishes and its audit digests: consumers and the witness pin one key)."""
        return {
            **envelope,
            "signature": self.signer.sign_bytes(signed_bytes(envelope)),
            "key_id": self.signer.key_id,
        }

    def sign_page(self, page: dict[str, Any]) -> dict[str, Any]:
        """A feed page with its producer's signature over its own fields (its events are signed
        one by one)."""
        return {
            **page,
            "page_signature": self.signer.sign_bytes(page_signed_bytes(page)),
            "key_id": self.signer.key_id,
        }

    def _load(self, app: Any) -> None:
        """Pick up where the log's last digest left off (after a restart)."""
        if self._loaded:
            return
        ids = app.ids_of(AuditDigest.Signed)
        if ids:
            last: AuditDigest = app.repository.get(ids[-1])
            self._previous = last.signature
            self._sealed_tracking = last.tracking_seq or 0
            self.schedule.done(last.position + 1)
        self._loaded = True

    def record_if_due(self, app: Any, *, now: bool = False) -> AuditDigest | None:
        """Sign and store a digest of ``app``'s chain head when one is due, or ``now`` (start and
        clean stop) whenever the log or the recorded positions moved since the last one.

        Between those, digests follow the events; positions a consumer records without storing
        anything are sealed by the next digest (a clean stop at the latest)."""
        with self._lock:
            head = app.chain_head()
            if head is None:
                return None
            self._load(app)
            tracking = app.tracking_head()
            if now:
                moved = tracking is not None and tracking[0] > self._sealed_tracking
                due = head[0] > self.schedule.last_position or moved
            else:
                due = self.schedule.due(head[0])
            if not due:
                return None
            digest = self.signer.sign(
                self.service, head[0], head[1], previous=self._previous, tracking=tracking
            )
            app.save(digest)
            self._previous = digest.signature
            self._sealed_tracking = tracking[0] if tracking else 0
            self.schedule.done(head[0] + 1)  # the digest itself is the next link
            return digest


class DigestSchedule:
    """Records a digest when enough events or enough time passed since the last one."""

    def __init__(self, every_events: int, every_seconds: float) -> None:
        self.every_events = every_events
        self.every_seconds = every_seconds
        self.last_position = 0
        self.last_time = time.monotonic()

    def due(self, head: int) -> bool:
        if head <= self.last_position:
            return False
        return (
            head - self.last_position >= self.every_events
            or time.monotonic() - self.last_time >= self.every_seconds
        )

    def done(self, head: int) -> None:
        self.last_position = head
        self.last_time = time.monotonic()


moved("shared.audit_digest", AuditDigest)  # stored before the kit was split by concern (issue 9)
