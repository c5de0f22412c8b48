"""The audit chain on PostgreSQL: written with every event, each kind of tampering found at its
position, and a digest signed with another key rejected."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import psycopg
import pytest

from services.catalogue.application import CatalogueApplication
from services.catalogue.commands import AddNode, DraftCatalogue
from shared.config import settings_from_env
from shared.persistence.audit_digest import DigestSchedule, Notary, Signer, load_public_key
from shared.persistence.audit_read import read_postgres
from shared.persistence.verify import verify_store

DSN = {"dbname": "test", "host": "127.0.0.1", "port": "5432", "user": "postgres", "password": ""}

# Position 1 of every store is the log's identity (LogIdentity, written when the application first
# opens it): the catalogue's own events follow it, so the positions below are counted after it.
IDENTITY = 1
LISTED = IDENTITY + 8  # the national negative list: positions 2..9
DIGEST = LISTED + 1  # the first signed digest: position 10
NODE_A, NODE_B = DIGEST + 2, DIGEST + 3  # after the catalogue drafted: positions 12, 13


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    schema = f"audit_{uuid.uuid4().hex[:10]}"
    env = settings_from_env(
        "catalogue",
        {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": DSN["dbname"],
            "POSTGRES_HOST": DSN["host"],
            "POSTGRES_USER": DSN["user"],
            "POSTGRES_SCHEMA": schema,
            "DATA_DIR": str(tmp_path),
        },
    ).persistence_env
    app = CatalogueApplication(env)
    notary = Notary(
        "catalogue",
        Signer(tmp_path / "audit-catalogue.pem"),
        DigestSchedule(every_events=3, every_seconds=3600),
    )
    app.ensure_national_negative_list()  # IDENTITY + 1..LISTED
    notary.record_if_due(app)  # DIGEST
    cid = UUID(
        app.draft_catalogue(
            DraftCatalogue(title="T", jurisdiction="J", level="county", issuer="I", fiscal_year=2020),
            actor="e",
        )["id"]
    )
    for code in ("A", "B"):
        app.add_node(cid, AddNode(code=code, name=f"Item {code}"), actor="e")  # drafted, then NODE_A, NODE_B
    app.close()
    yield env
    with psycopg.connect(**DSN, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def tamper(env: dict[str, str], *statements: str) -> None:
    table = f'"{env["POSTGRES_SCHEMA"]}".catalogue_events'
    with psycopg.connect(**DSN, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement.format(t=table))


def verify(env: dict[str, str], key: Path) -> str | None:
    events, chain = read_postgres(env, "catalogue")
    finding, _, _ = verify_store(events, chain, load_public_key(key.read_bytes()))
    return str(finding) if finding else None


def key(tmp_path: Path) -> Path:
    return tmp_path / "audit-catalogue.pub.pem"


def test_an_intact_postgres_log_verifies(env: dict[str, str], tmp_path: Path) -> None:
    assert verify(env, key(tmp_path)) is None


def test_a_changed_event_is_found(env: dict[str, str], tmp_path: Path) -> None:
    tamper(
        env,
        "UPDATE {t} SET state = convert_to(replace(convert_from(state, 'UTF8'), 'Item B', 'Item X'), "
        f"'UTF8') WHERE notification_id = {NODE_B}",
    )
    assert (
        verify(env, key(tmp_path))
        == f"position {NODE_B}: the stored event differs from what was recorded (changed)"
    )


def test_a_deleted_event_is_found(env: dict[str, str], tmp_path: Path) -> None:
    deleted = IDENTITY + 4  # an entry of the negative list
    tamper(env, f"DELETE FROM {{t}} WHERE notification_id = {deleted}")
    assert (
        verify(env, key(tmp_path))
        == f"position {deleted}: an event recorded in the chain is missing (deleted)"
    )


def test_an_inserted_event_is_found(env: dict[str, str], tmp_path: Path) -> None:
    tamper(
        env,
        "INSERT INTO {t} (originator_id, originator_version, topic, state) "
        f"SELECT originator_id, 99, topic, state FROM {{t}} WHERE notification_id = {NODE_B}",
    )
    assert (
        verify(env, key(tmp_path))
        == f"position {NODE_B + 1}: an event that is not in the chain was added (inserted)"
    )


def test_reordered_events_are_found(env: dict[str, str], tmp_path: Path) -> None:
    tamper(
        env,
        f"UPDATE {{t}} SET notification_id = 1000 WHERE notification_id = {NODE_A}",
        f"UPDATE {{t}} SET notification_id = {NODE_A} WHERE notification_id = {NODE_B}",
        f"UPDATE {{t}} SET notification_id = {NODE_B} WHERE notification_id = 1000",
    )
    assert (
        verify(env, key(tmp_path))
        == f"position {NODE_A}: the event stored here was recorded at position {NODE_B} (reordered)"
    )


def test_a_digest_signed_with_another_key_is_rejected(
    env: dict[str, str], tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    other = tmp_path_factory.mktemp("other") / "audit-catalogue.pem"
    Signer(other)
    finding = verify(env, other.with_name("audit-catalogue.pub.pem"))
    assert (
        finding
        == f"position {DIGEST}: digest signature is invalid (forged, altered or signed with another key)"
    )
