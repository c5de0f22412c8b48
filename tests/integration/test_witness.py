"""The auditor's witness on the real broker: it keeps every digest a service publishes, refuses
forged or unlinked ones, and `reform audit verify` then finds a log cut after its last digest or
re-signed with another key, naming the service and the position."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import amqp
import pytest

from reform.witness import WitnessStore, http_key_source, run
from shared.persistence.audit_digest import Notary, Signer, digest_message
from tests.support.api import CatalogueClient
from tests.support.processes import REPO, ServiceProcess, reform_service, wait_for
from tests.support.tamper import rewrite_chain


@pytest.fixture(scope="module")
def catalogue(workdir: Path, vhost: str) -> Iterator[ServiceProcess]:
    service = reform_service(
        "catalogue", workdir, vhost, AUDIT_DIGEST_EVENTS="5", AUDIT_DIGEST_SECONDS="1"
    ).start()
    yield service
    service.stop()


@pytest.fixture(scope="module")
def witness(workdir: Path, amqp_uri: str, catalogue: ServiceProcess) -> Iterator[WitnessStore]:
    stop = threading.Event()
    folder = workdir / "witness"
    thread = threading.Thread(
        target=run,
        args=(folder, amqp_uri, http_key_source({"catalogue": catalogue.url}, {}), stop),
        daemon=True,
    )
    thread.start()
    yield WitnessStore(folder)
    stop.set()
    thread.join(timeout=10)


def witnessed(store: WitnessStore, at_least: int) -> list[dict[str, Any]]:
    return wait_for(lambda: len(d := store.digests("catalogue")) >= at_least and d, timeout=20)


def raw_publish(vhost: str, body: Any) -> None:
    conn = amqp.Connection(host="127.0.0.1:5672", userid="guest", password="guest", virtual_host=vhost)
    conn.connect()
    conn.channel().basic_publish(
        amqp.Message(json.dumps(body).encode(), content_type="application/json"),
        exchange="catalogue.events",
        routing_key="AuditDigest",
    )
    conn.close()


def verify(workdir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATA_DIR=str(workdir), PYTHONWARNINGS="ignore")
    env.pop("PERSISTENCE_MODULE", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "reform.cli",
            "audit",
            "verify",
            "catalogue",
            "--witness",
            str(workdir / "witness"),
            *extra,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_witness_keeps_each_digest_the_service_publishes(
    catalogue: ServiceProcess, witness: WitnessStore, tokens: dict[str, str]
) -> None:
    api = CatalogueClient(catalogue.url, tokens["editor"])
    for i in range(3):
        api.draft(title=f"Witnessed {i}")
    digests = witnessed(witness, 2)
    assert [d["service"] for d in digests] == ["catalogue"] * len(digests)
    assert all(
        later["previous"] == earlier["signature"]
        for earlier, later in zip(digests, digests[1:], strict=False)
    )
    assert witness.pinned("catalogue") is not None


def test_a_forged_digest_is_refused_by_the_witness(
    catalogue: ServiceProcess, witness: WitnessStore, vhost: str
) -> None:
    before = len(witnessed(witness, 1))
    real = witness.digests("catalogue")[-1]
    forged = {
        "source": "catalogue",
        "event_type": "AuditDigest",
        "signature": "ab" * 64,
        "key_id": "0" * 16,
        "event_id": str(uuid.uuid4()),
        "payload": {**real, "position": real["position"] + 1000},
    }
    raw_publish(vhost, forged)
    wait_for(lambda: any(r[1].startswith("forged") for r in witness.rejected()))
    assert len(witness.digests("catalogue")) == before


def test_a_second_digest_for_a_position_already_witnessed_is_refused_as_a_fork(
    workdir: Path, catalogue: ServiceProcess, witness: WitnessStore, vhost: str
) -> None:
    held = witnessed(witness, 1)[-1]
    held_log = witness.latest("catalogue")  # the same log: a second history for one of its positions
    signer = Signer(workdir / "audit-catalogue.pem")  # even with the service's own key
    fork = signer.sign("catalogue", held["position"], "0" * 64, previous=held["previous"], tracking=None)
    fields = ("service", "position", "chain_hash", "signed_at", "signature", "key_id", "version", "previous")
    payload = {k: getattr(fork, k) for k in (*fields, "tracking_seq", "tracking_hash")}
    envelope = Notary("catalogue", signer, None).sign_envelope(  # type: ignore[arg-type]
        {
            "source": "catalogue",
            "event_type": "AuditDigest",
            "event_id": str(uuid.uuid4()),
            "schema_version": 2,
            "position": 10**6,
            "incarnation": held_log,
            "payload": payload,
        }
    )
    raw_publish(vhost, envelope)
    wait_for(lambda: any(r[1].startswith("fork") for r in witness.rejected()))
    assert all(d["signature"] != payload["signature"] for d in witness.digests("catalogue"))


def test_a_message_the_witness_cannot_read_is_refused_and_the_witness_goes_on(
    catalogue: ServiceProcess, witness: WitnessStore, vhost: str, tokens: dict[str, str]
) -> None:
    before = len(witnessed(witness, 1))
    poison = {
        "source": "catalogue",
        "signature": "ab" * 64,
        "payload": {"x": {"__type__": "decimal", "__value__": "1"}},
    }
    raw_publish(vhost, poison)
    wait_for(lambda: any("__type__" in str(r) or r[1].startswith("forged") for r in witness.rejected()))
    api = CatalogueClient(catalogue.url, tokens["editor"])
    for i in range(6):
        api.draft(title=f"After the poison {i}")
    witnessed(witness, before + 1)


def test_verify_against_the_witness_finds_every_digest_deleted_after_an_early_edit(
    workdir: Path, catalogue: ServiceProcess, witness: WitnessStore, tmp_path: Path
) -> None:
    witnessed(witness, 2)
    copy = tmp_path / "copy"
    copy.mkdir()
    with (
        sqlite3.connect(workdir / "catalogue.sqlite3") as live,
        sqlite3.connect(copy / "catalogue.sqlite3") as dst,
    ):
        live.backup(dst)  # a consistent copy of the running service's store
    shutil.copy(workdir / "audit-catalogue.pub.pem", copy / "audit-catalogue.pub.pem")
    shutil.copytree(workdir / "witness", copy / "witness")
    assert verify(copy).returncode == 0
    with sqlite3.connect(copy / "catalogue.sqlite3") as conn:
        conn.execute("UPDATE stored_events SET state = replace(state, 'Financing', 'Loans') WHERE rowid = 5")
        conn.execute("DELETE FROM stored_events WHERE topic LIKE '%AuditDigest.Signed'")
        rewrite_chain(conn)
    result = verify(copy)
    assert result.returncode == 1 and "the log lacks the digest the witness holds" in result.stdout


def test_verify_against_the_witness_finds_a_log_cut_with_its_last_digests(
    workdir: Path, catalogue: ServiceProcess, witness: WitnessStore, tokens: dict[str, str]
) -> None:
    CatalogueClient(catalogue.url, tokens["editor"]).draft(title="The last one before the cut")
    digests = witnessed(witness, 3)
    catalogue.stop()  # seals at stop: the witness gets that digest too when it is published
    intact = verify(workdir)
    assert intact.returncode == 0 and "witnessed" in intact.stdout, intact.stdout + intact.stderr
    cut_from = digests[-1]["position"]  # the events the last witnessed digest sealed, and after
    with sqlite3.connect(workdir / "catalogue.sqlite3") as conn:
        conn.execute("DELETE FROM stored_events WHERE rowid > ?", (cut_from - 2,))
        rewrite_chain(conn)
    cut = verify(workdir)
    assert cut.returncode == 1, cut.stdout
    assert "catalogue: TAMPERED" in cut.stdout and "the log lacks the digest the witness holds" in cut.stdout


def test_verify_against_the_witness_finds_a_store_re_signed_with_another_key(
    workdir: Path, tmp_path: Path
) -> None:
    other = Signer(tmp_path / "other.pem")
    with sqlite3.connect(workdir / "catalogue.sqlite3") as conn:  # every digest re-signed
        rows = conn.execute("SELECT rowid, state FROM stored_events WHERE topic LIKE '%AuditDigest.Signed'")
        for rowid, state in rows.fetchall():
            digest = json.loads(state)
            digest.update(signature=other.sign_bytes(digest_message(digest)), key_id=other.key_id)
            conn.execute(
                "UPDATE stored_events SET state = ? WHERE rowid = ?", (json.dumps(digest).encode(), rowid)
            )
        rewrite_chain(conn)
    (workdir / "audit-catalogue.pub.pem").write_text((tmp_path / "other.pub.pem").read_text())
    result = verify(workdir)
    assert result.returncode == 1
    assert f"signing key {other.key_id} is not the one the witness pinned" in result.stdout
