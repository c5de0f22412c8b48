"""Signing keys for in-memory producers, and the key ring a consumer of them pins."""

from __future__ import annotations

from pathlib import Path

from shared.messaging.trust import KeyRing
from shared.persistence.audit_digest import DigestSchedule, Notary, Signer, public_pem
from shared.persistence.eventlog import ServiceApplication

NEVER = 10**12  # digests are not what these tests are about


def notarise(app: ServiceApplication, service: str) -> Notary:
    """Give an in-memory producer a key of its own, as the runtime gives a running service."""
    notary = Notary(service, Signer.in_memory(), DigestSchedule(NEVER, NEVER))
    app.notary = notary
    return notary


def key_ring(app: ServiceApplication, **producers: ServiceApplication) -> KeyRing:
    """A consumer's key ring configured with the producers' public keys."""
    configured = {}
    for name, producer in producers.items():
        assert producer.notary is not None, f"{name} has no key: notarise it first"
        configured[name] = producer.notary.public_key_pem.encode()
    keys = KeyRing(app, configured=configured)
    keys.pin_configured()
    return keys


def public_key_env(directory: Path, **producers: ServiceApplication) -> dict[str, str]:
    """``<SOURCE>_PUBLIC_KEY`` settings for a consumer process of in-memory producers."""
    env = {}
    for name, producer in producers.items():
        assert producer.notary is not None, f"{name} has no key: notarise it first"
        path = directory / f"{name}-producer.pub.pem"
        path.write_text(producer.notary.public_key_pem)
        env[f"{name.upper()}_PUBLIC_KEY"] = str(path)
    return env


__all__ = ["key_ring", "notarise", "public_key_env", "public_pem"]
