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
    def __init__(self, incarnation: str | None = None) -> None:
        self.signer = Signer.in_memory()
        self.notary = Notary("catalogue", self.signer, DigestSchedule(1, 1))
        self.previous: str | None = None
        self.incarnation = incarnation or str(uuid.uuid4())

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
                "incarnation": self.incarnation,
                "payload": payload,
            }
        )


def witness_of(service: Service, tmp_path: Path, serves: list[Service] | None = None) -> Witness:
    """A witness reading the key the service serves now (the last of ``serves``)."""
    from shared.persistence.audit_digest import public_pem

    serving = serves if serves is not None else [service]
    return Witness(WitnessStore(tmp_path / "w"), lambda _: public_pem(serving[-1].signer.public_key))


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


def test_a_new_log_of_the_service_opens_a_history_of_its_own_beside_the_old_one(tmp_path: Path) -> None:
    old = Service()
    serves = [old]
    witness = witness_of(old, tmp_path, serves)
    assert [witness.take("catalogue", old.digest(p)) for p in (10, 20)] == ["accepted"] * 2
    new = Service()  # the store wiped and made again: a new log, a new key, positions from 1 again
    serves.append(new)  # the service serves its new key now
    assert [witness.take("catalogue", new.digest(p)) for p in (10, 20)] == ["accepted"] * 2
    assert witness.store.incarnations("catalogue") == [old.incarnation, new.incarnation]
    assert len(witness.store.digests("catalogue", old.incarnation)) == 2
    assert len(witness.store.digests("catalogue", new.incarnation)) == 2
    assert witness.store.pinned("catalogue", old.incarnation) != witness.store.pinned(
        "catalogue", new.incarnation
    )
    # the old log's digests still queued are still its own, verified with its own key
    assert witness.take("catalogue", old.digest(30)) == "accepted"


def test_a_digest_naming_no_log_is_refused(tmp_path: Path) -> None:
    service = Service()
    witness = witness_of(service, tmp_path)
    envelope = service.digest(10)
    del envelope["incarnation"]
    assert witness.take("catalogue", envelope).startswith("forged: a digest that names no log")


def test_a_witness_store_from_before_logs_were_named_adopts_the_first_named_log_with_its_key(
    tmp_path: Path,
) -> None:
    import json
    import sqlite3

    from shared.persistence.audit_digest import key_id, public_pem

    service = Service()
    folder = tmp_path / "w"
    folder.mkdir()
    with sqlite3.connect(folder / "witness.sqlite3") as db:  # the layout of that day
        db.execute(
            "CREATE TABLE keys (service TEXT PRIMARY KEY, public_key_pem TEXT NOT NULL, "
            "key_id TEXT NOT NULL, pinned_at TEXT NOT NULL, pinned_from TEXT NOT NULL)"
        )
        db.execute(
            "CREATE TABLE digests (service TEXT NOT NULL, position INTEGER NOT NULL, "
            "chain_hash TEXT NOT NULL, signature TEXT NOT NULL, digest TEXT NOT NULL, "
            "received_at TEXT NOT NULL, PRIMARY KEY (service, signature))"
        )
        pem = public_pem(service.signer.public_key)
        db.execute(
            "INSERT INTO keys VALUES ('catalogue', ?, ?, 't', 'first sight')",
            (pem, key_id(service.signer.public_key)),
        )
        old = service.digest(10)["payload"]
        db.execute(
            "INSERT INTO digests VALUES ('catalogue', 10, ?, ?, ?, 't')",
            (old["chain_hash"], old["signature"], json.dumps(old)),
        )
    witness = witness_of(service, tmp_path)
    assert witness.take("catalogue", service.digest(20)) == "accepted"
    assert witness.store.incarnations("catalogue") == [service.incarnation]
    assert [d["position"] for d in witness.store.digests("catalogue", service.incarnation)] == [10, 20]


def test_a_forged_digest_of_an_invented_log_pins_nothing(tmp_path: Path) -> None:
    service, impostor = Service(), Service()
    witness = witness_of(service, tmp_path)
    assert witness.take("catalogue", impostor.digest(10)).startswith("forged")
    assert witness.store.pinned("catalogue", impostor.incarnation) is None
    assert witness.store.incarnations("catalogue") == []


def test_verify_judges_a_store_by_the_witnessed_history_of_the_log_it_holds(tmp_path: Path) -> None:
    import json

    from reform.audit import against_witness

    service = Service()
    witness = witness_of(service, tmp_path)
    assert witness.take("catalogue", service.digest(10)) == "accepted"

    def store_of(incarnation: str) -> list[Any]:
        state = json.dumps({"service": "catalogue", "incarnation": incarnation}).encode()
        return [(1, uuid.uuid4(), 1, "shared.persistence.eventlog:LogIdentity.Created", state)]

    key = service.signer.public_key
    invented = against_witness(witness.store, "catalogue", store_of(str(uuid.uuid4())), key)
    assert invented is not None and "holds no digest of this store's log" in invented.problem
    cut = against_witness(witness.store, "catalogue", store_of(service.incarnation), key)
    assert cut is not None and "lacks the digest" in cut.problem


class _Delivered:
    def __init__(self, exchange: str, headers: dict[str, Any] | None = None) -> None:
        self.delivery_info = {"exchange": exchange, "routing_key": "AuditDigest"}
        self.headers = headers


def test_whose_digest_a_delivery_is_comes_from_its_exchange_or_the_move_that_carried_it() -> None:
    from reform.witness import _service_of

    assert _service_of(_Delivered("pilots.events")) == "pilots"
    # moved into a quorum queue by the deploy step, through the default exchange
    moved = {"x-replayed": True, "x-original-exchange": "pilots.events"}
    assert _service_of(_Delivered("", moved)) == "pilots"
    # on its own exchange a service cannot pass for another by a header
    assert _service_of(_Delivered("catalogue.events", moved)) == "catalogue"
    assert _service_of(_Delivered("", {"x-original-exchange": "pilots.events"})) == ""  # not a move
