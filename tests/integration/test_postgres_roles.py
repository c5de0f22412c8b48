"""Each service's own PostgreSQL role, as `reform db provision` makes it, on the real PostgreSQL:
the service runs on it (writes, positions, digests), and with it nobody can update or delete an
event, a chain entry or a recorded chain hash, truncate a table, or touch another service's schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import psycopg
import pytest
from eventsourcing.persistence import Tracking

from reform.database import provision, service_env
from services.catalogue.application import CatalogueApplication
from services.catalogue.commands import AddNode, DraftCatalogue
from shared.config import settings_from_env
from tests.support.keys import notarise

OWNER = {
    "PERSISTENCE_MODULE": "eventsourcing.postgres",
    "POSTGRES_DBNAME": "test",
    "POSTGRES_HOST": "127.0.0.1",
    "POSTGRES_PORT": "5432",
    "POSTGRES_USER": "postgres",
    "POSTGRES_PASSWORD": "",
}


@pytest.fixture
def provisioned() -> Iterator[dict[str, Any]]:
    tag = uuid.uuid4().hex[:8]
    made: dict[str, Any] = {}
    for service in ("catalogue", "conference"):
        schema, role = f"t{tag}_{service}", f"t{tag}_{service}"
        owner = dict(OWNER, POSTGRES_SCHEMA=schema)
        provision(service, "s3cret", owner, role=role)
        made[service] = {"schema": schema, "role": role, "env": service_env(service, role, "s3cret", owner)}
    yield made
    with psycopg.connect(dbname="test", host="127.0.0.1", user="postgres", autocommit=True) as conn:
        for entry in made.values():
            conn.execute(f'DROP SCHEMA IF EXISTS "{entry["schema"]}" CASCADE')
            conn.execute(f'DROP ROLE IF EXISTS "{entry["role"]}"')


def as_role(entry: dict[str, Any]) -> psycopg.Connection[Any]:
    return psycopg.connect(
        dbname="test", host="127.0.0.1", user=entry["role"], password="s3cret", autocommit=True
    )


def refused(entry: dict[str, Any], statement: str) -> str:
    with as_role(entry) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege) as caught:
        conn.execute(statement)
    return str(caught.value)


def test_a_service_runs_on_its_own_role(provisioned: dict[str, Any]) -> None:
    env = settings_from_env("catalogue", provisioned["catalogue"]["env"]).persistence_env
    app = CatalogueApplication(env)
    notarise(app, "catalogue")
    app.ensure_national_negative_list()
    command = DraftCatalogue(title="T", jurisdiction="J", level="county", issuer="I", fiscal_year=2020)
    cid = UUID(app.draft_catalogue(command, actor="e")["id"])
    app.add_node(cid, AddNode(code="A", name="Public services"), actor="e")
    app.process_recorder.insert_tracking(Tracking("relay:catalogue.events", 3))  # positions move on
    app.process_recorder.insert_tracking(Tracking("relay:catalogue.events", app.last_position()))
    assert app.notary is not None and app.notary.record_if_due(app, now=True) is not None  # a digest sealed
    assert app.catalogue(cid)["nodes"][0]["code"] == "A"
    app.close()


def test_its_role_can_neither_rewrite_nor_remove_its_log_nor_reach_another_service(
    provisioned: dict[str, Any],
) -> None:
    catalogue, conference = provisioned["catalogue"], provisioned["conference"]
    app = CatalogueApplication(settings_from_env("catalogue", catalogue["env"]).persistence_env)
    app.ensure_national_negative_list()
    app.close()
    s = f'"{catalogue["schema"]}"'
    for table in (
        "catalogue_events",
        "catalogue_events_audit_chain",
        "catalogue_events_audit_tracking_chain",
    ):
        assert "append-only" in refused(
            catalogue, f"UPDATE {s}.{table} SET {first_column(table)} = {first_column(table)}"
        )
        assert refused(catalogue, f"DELETE FROM {s}.{table}")
        assert refused(catalogue, f"TRUNCATE {s}.{table}")
    assert refused(catalogue, f"DROP TRIGGER catalogue_events_append_only ON {s}.catalogue_events")
    assert refused(catalogue, f"ALTER TABLE {s}.catalogue_events DISABLE TRIGGER ALL")
    other = f'"{conference["schema"]}"'
    assert refused(catalogue, f"SELECT * FROM {other}.conference_events")
    assert refused(catalogue, f"INSERT INTO {other}.conference_tracking VALUES ('x', 1)")
    assert refused(catalogue, f"CREATE TABLE {s}.extra (id int)")
    assert "forward" in refused(catalogue, f"UPDATE {s}.catalogue_tracking SET notification_id = 0")
    assert refused(catalogue, f"DELETE FROM {s}.catalogue_tracking")
    with as_role(catalogue) as conn:  # what it may do: read its own log
        assert conn.execute(f"SELECT count(*) FROM {s}.catalogue_events").fetchone()[0] > 1


def first_column(table: str) -> str:
    return "hash" if "chain" in table else "topic"


def test_the_password_is_kept_as_a_scram_verifier_never_sent_in_clear(provisioned: dict[str, Any]) -> None:
    with psycopg.connect(dbname="test", host="127.0.0.1", user="postgres") as conn:
        row = conn.execute(
            "SELECT rolpassword FROM pg_authid WHERE rolname = %s", (provisioned["catalogue"]["role"],)
        ).fetchone()
    assert row is not None and row[0].startswith("SCRAM-SHA-256$4096:") and "s3cret" not in row[0]
