"""The witness's rules on digests it is handed: signed by the pinned key, one history per position
(a second digest for a position is a fork), and a missed digest is a gap it notes, never a block."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from reform.witness import Witness, WitnessStore
from shared.persistence.audit_digest import DigestSchedule, Notary, Signer

FIELDS = (
    "service",
    "position",
    "chain_hash",
    "signed_at",
    "signature",
    "key_id",
    "version",
    "previous",
    "tracking_seq",
    "tracking_hash",
)


class Service:
    def __init__(self) -> None:
        self.signer = Signer.in_memory()
        self.notary = Notary("catalogue", self.signer, DigestSchedule(1, 1))
        self.previous: str | None = None

    def digest(
        self, position: int, previous: str | None = "chain", chain_hash: str = "0" * 64
    ) -> dict[str, Any]:
        link = self.previous if previous == "chain" else previous
        signed = self.signer.sign("catalogue", position, chain_hash, previous=link, tracking=None)
        self.previous = signed.signature
        payload = {k: getattr(signed, k) for k in FIELDS}
        return self.notary.sign_envelope(
            {
                "source": "catalogue",
                "event_type": "AuditDigest",
                "event_id": str(uuid.uuid4()),
                "payload": payload,
            }
        )


def witness_of(service: Service, tmp_path: Path) -> Witness:
    from shared.persistence.audit_digest import public_pem

    return Witness(WitnessStore(tmp_path / "w"), lambda _: public_pem(service.signer.public_key))


def test_linked_digests_are_kept_in_order(tmp_path: Path) -> None:
    service = Service()
    witness = witness_of(service, tmp_path)
    assert [witness.take("catalogue", service.digest(p)) for p in (10, 20, 30)] == ["accepted"] * 3
    assert [d["position"] for d in witness.store.digests("catalogue")] == [10, 20, 30]


def test_a_missed_digest_is_a_gap_noted_and_later_digests_are_still_kept(tmp_path: Path) -> None:
    service = Service()
    witness = witness_of(service, tmp_path)
    witness.take("catalogue", service.digest(10))
    service.digest(20)  # never reaches the witness
    assert witness.take("catalogue", service.digest(30)) == "accepted"
    assert witness.take("catalogue", service.digest(40)) == "accepted"
    assert [d["position"] for d in witness.store.digests("catalogue")] == [10, 30, 40]
    assert any(
        reason.startswith("gap: the digest before position 30") for _, reason in witness.store.rejected()
    )


def test_a_second_digest_for_a_position_held_is_a_fork(tmp_path: Path) -> None:
    service = Service()
    witness = witness_of(service, tmp_path)
    witness.take("catalogue", service.digest(10))
    assert witness.take("catalogue", service.digest(10, chain_hash="1" * 64)).startswith("fork")
    assert len(witness.store.digests("catalogue")) == 1


def test_a_digest_signed_by_another_key_is_refused(tmp_path: Path) -> None:
    service, impostor = Service(), Service()
    witness = witness_of(service, tmp_path)
    assert witness.take("catalogue", impostor.digest(10)).startswith("forged")
    assert witness.store.digests("catalogue") == []


def test_a_digest_from_another_broker_user_is_refused(tmp_path: Path) -> None:
    service = Service()
    witness = witness_of(service, tmp_path)
    witness.publishers = {"catalogue": "reform-catalogue"}
    assert witness.take("catalogue", service.digest(10), user_id="guest").startswith("wrong_source")
