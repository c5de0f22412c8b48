"""Seals that leave no quiet edit: digests name the one before them, the positions a service
records (its relay's, its consumers') have a chain of their own sealed by the digests, and a
service seals its log when it starts and when it stops cleanly."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from eventsourcing.persistence import Tracking

from services.catalogue.application import CatalogueApplication
from shared.config import settings_from_env
from shared.persistence.audit import tracking_link
from shared.persistence.audit_digest import DigestSchedule, Notary, Signer, load_public_key
from shared.persistence.audit_read import read_sqlite, read_sqlite_tracking
from shared.persistence.verify import verify_store
from tests.support.processes import REPO, reform_service
from tests.support.tamper import rewrite_chain

SCHEDULE = {"every_events": 3, "every_seconds": 3600}


def build(data_dir: Path) -> None:
    """Nine events of the negative list, positions recorded by a 'consumer', three digests."""
    app = CatalogueApplication(settings_from_env("catalogue", {"DATA_DIR": str(data_dir)}).persistence_env)
    notary = Notary("catalogue", Signer(data_dir / "audit-catalogue.pem"), DigestSchedule(**SCHEDULE))
    app.ensure_national_negative_list()
    app.process_recorder.insert_tracking(Tracking("conference", 40))
    notary.record_if_due(app)
    app.process_recorder.insert_tracking(Tracking("conference", 41))
    notary.record_if_due(app, now=True)
    app.process_recorder.insert_tracking(Tracking("conference", 42))
    notary.record_if_due(app, now=True)
    app.close()


def verify(data_dir: Path) -> str:
    path = str(data_dir / "catalogue.sqlite3")
    events, chain = read_sqlite(path)
    tracking, tracking_chain = read_sqlite_tracking(path)
    key = load_public_key((data_dir / "audit-catalogue.pub.pem").read_bytes())
    finding, _, _ = verify_store(events, chain, key, tracking=tracking, tracking_chain=tracking_chain)
    return str(finding) if finding else "intact"


def rewrite_tracking_chain(conn: sqlite3.Connection) -> None:
    previous = "0" * 64
    rows = conn.execute(
        "SELECT seq, application_name, notification_id FROM audit_tracking_chain ORDER BY seq"
    )
    for seq, name, position in rows.fetchall():
        previous = tracking_link(previous, seq, name, position)
        conn.execute("UPDATE audit_tracking_chain SET hash = ? WHERE seq = ?", (previous, seq))


def digest_positions(conn: sqlite3.Connection) -> list[int]:
    return [
        r[0] for r in conn.execute("SELECT rowid FROM stored_events WHERE topic LIKE '%AuditDigest.Signed'")
    ]


def test_an_intact_store_with_named_digests_and_sealed_positions_verifies(tmp_path: Path) -> None:
    build(tmp_path)
    assert verify(tmp_path) == "intact"


def test_a_digest_deleted_from_the_middle_with_the_chain_rewritten_is_found(tmp_path: Path) -> None:
    build(tmp_path)
    with sqlite3.connect(tmp_path / "catalogue.sqlite3") as conn:
        first, second, _ = digest_positions(conn)
        conn.execute("DELETE FROM stored_events WHERE rowid = ?", (second,))
        rewrite_chain(conn)
    # The next digest sealed a log that still held the deleted one: the first bad position is its.
    assert verify(tmp_path).startswith(f"position {second}: the log up to here differs")


def test_a_consumer_position_changed_in_the_store_is_found(tmp_path: Path) -> None:
    build(tmp_path)
    with sqlite3.connect(tmp_path / "catalogue.sqlite3") as conn:
        conn.execute("UPDATE tracking SET notification_id = 99 WHERE application_name = 'conference'")
    assert "the recorded position of 'conference' is 99" in verify(tmp_path)


def test_a_sealed_position_changed_with_its_chain_rewritten_is_found_by_the_digest(tmp_path: Path) -> None:
    build(tmp_path)
    with sqlite3.connect(tmp_path / "catalogue.sqlite3") as conn:
        conn.execute(
            "UPDATE audit_tracking_chain SET notification_id = 30 "
            "WHERE application_name = 'conference' AND notification_id = 41"
        )
        rewrite_tracking_chain(conn)
    assert verify(tmp_path).endswith("the recorded positions differ from what this digest sealed (changed)")


def test_a_service_seals_its_log_when_it_starts_and_when_it_stops_cleanly(
    workdir: Path, vhost: str, tokens: dict[str, str]
) -> None:
    service = reform_service("catalogue", workdir, vhost, AUDIT_DIGEST_EVENTS="100000").start()
    service.stop()  # started on an empty log: the negative list is sealed at start or at stop
    with sqlite3.connect(workdir / "catalogue.sqlite3") as conn:
        last = conn.execute("SELECT topic, state FROM stored_events ORDER BY rowid DESC LIMIT 1").fetchone()
        count = conn.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0]
    assert last[0].endswith("AuditDigest.Signed")
    assert json.loads(last[1])["position"] == count - 1  # it seals everything written before it
    env = dict(os.environ, DATA_DIR=str(workdir), PYTHONWARNINGS="ignore")
    done = subprocess.run(
        [sys.executable, "-m", "reform.cli", "audit", "verify", "catalogue"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_an_edit_of_the_last_events_of_a_cleanly_stopped_store_is_found(
    tmp_path_factory: pytest.TempPathFactory, vhost: str
) -> None:
    workdir = tmp_path_factory.mktemp("edited")
    service = reform_service("catalogue", workdir, vhost, AUDIT_DIGEST_EVENTS="100000").start()
    service.stop()  # the stop seals everything written
    with sqlite3.connect(workdir / "catalogue.sqlite3") as conn:
        last_event = conn.execute(
            "SELECT MAX(rowid) FROM stored_events WHERE topic NOT LIKE '%AuditDigest.Signed'"
        ).fetchone()[0]
        conn.execute(
            "UPDATE stored_events SET state = replace(state, 'Infrastructure', 'Roads') WHERE rowid = ?",
            (last_event,),
        )
        rewrite_chain(conn)
    env = dict(os.environ, DATA_DIR=str(workdir), PYTHONWARNINGS="ignore")
    done = subprocess.run(
        [sys.executable, "-m", "reform.cli", "audit", "verify", "catalogue"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stdout
    assert f"first bad position {last_event}: the log up to here differs" in done.stdout
