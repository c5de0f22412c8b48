"""Signed digests and the auditor's `reform audit` commands, against real SQLite stores."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from uuid import UUID

import pytest

from services.catalogue.application import CatalogueApplication
from services.catalogue.commands import AddNode, ChangeNode, DraftCatalogue
from shared.config import settings_from_env
from shared.persistence.audit_digest import DigestSchedule, Notary, Signer, load_public_key
from shared.persistence.audit_read import read_sqlite
from shared.persistence.verify import verify_store
from tests.support.processes import REPO
from tests.support.tamper import rewrite_chain

# Position 1 of every store is the log's identity (LogIdentity, written when the application first
# opens it): the catalogue's own events follow it, so the positions below are counted after it.
IDENTITY = 1
LISTED = IDENTITY + 8  # the national negative list: positions 2..9
FIRST_DIGEST = LISTED + 1  # signed over positions 1..9
NODE_ADDED = FIRST_DIGEST + 2  # after the catalogue drafted
LAST = NODE_ADDED + 2  # the node changed, then the second digest: the last position


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path


def build(data_dir: Path, key: Path | None = None) -> UUID:
    settings = settings_from_env("catalogue", {"DATA_DIR": str(data_dir)})
    app = CatalogueApplication(settings.persistence_env)
    notary = Notary(
        "catalogue",
        Signer(key or data_dir / "audit-catalogue.pem"),
        DigestSchedule(every_events=3, every_seconds=3600),
    )
    app.ensure_national_negative_list()
    notary.record_if_due(app)  # a digest after position LISTED, at FIRST_DIGEST
    cid = UUID(
        app.draft_catalogue(
            DraftCatalogue(title="T", jurisdiction="J", level="county", issuer="I", fiscal_year=2020),
            actor="alice",
        )["id"]
    )
    app.add_node(cid, AddNode(code="A", name="Public services"), actor="bob")
    app.change_node(cid, "A", ChangeNode(name="Public services (2020)"), actor="bob")
    notary.record_if_due(app)
    app.close()
    return cid


def public_key(data_dir: Path) -> object:
    return load_public_key((data_dir / "audit-catalogue.pub.pem").read_bytes())


def test_an_intact_store_with_its_digests_verifies(data_dir: Path) -> None:
    build(data_dir)
    events, chain = read_sqlite(str(data_dir / "catalogue.sqlite3"))
    finding, verified, digests = verify_store(events, chain, public_key(data_dir))
    assert (finding, verified, digests) == (None, len(events), 2)


def test_a_digest_signed_with_another_key_is_rejected(
    data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    other = tmp_path_factory.mktemp("other") / "audit-catalogue.pem"
    build(data_dir, key=other)  # the service signed with a key that is not the published one
    Signer(data_dir / "audit-catalogue.pem")  # the key the auditor trusts
    events, chain = read_sqlite(str(data_dir / "catalogue.sqlite3"))
    finding, _, _ = verify_store(events, chain, public_key(data_dir))
    assert (
        finding is not None and finding.position == FIRST_DIGEST and "signature is invalid" in finding.problem
    )


def test_a_forged_digest_is_rejected(data_dir: Path) -> None:
    build(data_dir)
    with sqlite3.connect(data_dir / "catalogue.sqlite3") as conn:
        query = "SELECT state FROM stored_events WHERE rowid = ?"
        state = json.loads(conn.execute(query, (FIRST_DIGEST,)).fetchone()[0])
        state["chain_hash"] = "0" * 64
        conn.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = ?", (json.dumps(state).encode(), FIRST_DIGEST)
        )
        # The forger also rewrites the chain so that the walk alone finds nothing.
        rewrite_chain(conn)
    events, chain = read_sqlite(str(data_dir / "catalogue.sqlite3"))
    finding, _, _ = verify_store(events, chain, public_key(data_dir))
    assert (
        str(finding) == f"position {FIRST_DIGEST}: digest signature is invalid "
        "(forged, altered or signed with another key)"
    )


def test_an_altered_event_hidden_by_a_rewritten_chain_is_caught_by_the_digest(data_dir: Path) -> None:
    build(data_dir)
    with sqlite3.connect(data_dir / "catalogue.sqlite3") as conn:
        altered = IDENTITY + 5  # the negative list's entry for financing
        conn.execute(
            "UPDATE stored_events SET state = replace(state, 'Financing', 'Loans') WHERE rowid = ?",
            (altered,),
        )
        rewrite_chain(conn)
    events, chain = read_sqlite(str(data_dir / "catalogue.sqlite3"))
    finding, _, _ = verify_store(events, chain, public_key(data_dir))
    assert (
        str(finding)
        == f"position {LISTED}: the log up to here differs from what the digest stored at position "
        f"{FIRST_DIGEST} signed"
    )


def reform(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATA_DIR=str(data_dir), PYTHONWARNINGS="ignore")
    return subprocess.run(
        [sys.executable, "-m", "reform.cli", "audit", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_reform_audit_verify_exits_0_when_intact_and_1_naming_the_first_bad_position(data_dir: Path) -> None:
    build(data_dir)
    intact = reform(data_dir, "verify", "catalogue")
    assert (
        intact.returncode == 0 and f"catalogue: intact — {LAST} events, 2 signed digest(s)" in intact.stdout
    )
    assert "events/s" in intact.stdout
    with sqlite3.connect(data_dir / "catalogue.sqlite3") as conn:
        conn.execute("DELETE FROM stored_events WHERE rowid = ?", (NODE_ADDED,))
    tampered = reform(data_dir, "verify", "catalogue")
    assert tampered.returncode == 1
    assert (
        f"first bad position {NODE_ADDED}: an event recorded in the chain is missing (deleted)"
        in tampered.stdout
    )


def test_reform_audit_history_shows_each_event_with_time_subject_and_change(data_dir: Path) -> None:
    cid = build(data_dir)
    lines = reform(data_dir, "history", "catalogue", str(cid)).stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["v1", "v2", "v3"]
    assert "alice" in lines[0] and "Catalogue.Drafted" in lines[0]
    assert "bob" in lines[2] and "Catalogue.NodeChanged" in lines[2] and "Public services (2020)" in lines[2]


def test_reform_audit_replay_gives_the_state_as_of_a_moment(data_dir: Path) -> None:
    cid = build(data_dir)
    events, _ = read_sqlite(str(data_dir / "catalogue.sqlite3"))
    added = json.loads(next(e for e in events if e[3].endswith("Catalogue.NodeAdded"))[4])["timestamp"][
        "_data_"
    ]
    then = json.loads(
        reform(data_dir, "replay", "catalogue", "--as-of", added, "--aggregate", str(cid)).stdout
    )
    assert then[str(cid)]["state"]["nodes"]["A"]["name"] == "Public services"
    now = json.loads(
        reform(
            data_dir, "replay", "catalogue", "--as-of", "2999-01-01T00:00:00+00:00", "--aggregate", str(cid)
        ).stdout
    )
    assert now[str(cid)]["state"]["nodes"]["A"]["name"] == "Public services (2020)"
    before = json.loads(
        reform(data_dir, "replay", "catalogue", "--as-of", "2001-01-01T00:00:00+00:00").stdout
    )
    assert before == {}
