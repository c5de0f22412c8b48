"""`reform db provision`: as the database's owner, each service's schema and tables, and a role of
the service's own that may read and append to its log, its audit chains and the chain hashes it
recorded of its producers, move its positions forward, rewrite the list rows it keeps of its records,
and nothing else: it cannot update or delete what its log holds, and cannot see another service's
schema."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from psycopg import sql

from shared.config import settings_from_env
from shared.persistence.eventlog import postgres_connection
from shared.registry import REGISTRY, Registry

# Tables whose rows a service only ever adds: the log, its chains, snapshots. The role needs UPDATE
# on some of them only because eventsourcing locks the table IN EXCLUSIVE MODE while it issues ids
# (PostgreSQL asks UPDATE, DELETE or TRUNCATE for that lock); a trigger refuses every UPDATE.
APPEND_ONLY = (
    "events",
    "events_audit_chain",
    "events_audit_tracking_chain",
    "events_source_chain",
    "snapshots",
)
POSITIONS = "tracking"  # where each source's position moves forward (eventsourcing upserts it)
# The list rows the service keeps of its records (shared.persistence.listing_sql): rewritten as its
# records change and folded again from the log on demand, so the role may change and delete them.
READ_MODELS = ("events_listing", "events_listing_fold")

FORWARD = """
CREATE OR REPLACE FUNCTION {schema}.reform_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.notification_id < OLD.notification_id THEN
    RAISE EXCEPTION 'positions only move forward: % of %.% is refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$
"""

GUARD = """
CREATE OR REPLACE FUNCTION {schema}.reform_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'append-only: % of %.% is refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$
"""


def role_name(service: str, prefix: str = "reform") -> str:
    return f"{prefix}_{service}"


def provision(
    service: str,
    password: str,
    owner_env: Mapping[str, str],
    role: str | None = None,
    registry: Registry = REGISTRY,
) -> str:
    """Create (or bring up to date) ``service``'s schema, tables and role; returns the role's name."""
    env = dict(owner_env, PERSISTENCE_MODULE="eventsourcing.postgres")
    persistence = settings_from_env(service, env, registry=registry).persistence_env
    role = role or role_name(service)
    schema = persistence["POSTGRES_SCHEMA"]
    app_cls = importlib.import_module(registry.get(service).module).Service.app.app_cls
    app_cls(persistence).close()  # as the owner: the schema and every table the service writes
    with postgres_connection(persistence, autocommit=True) as conn:
        _role(conn, role, password)
        _grants(conn, schema, service, role)
    return role


def scram_verifier(password: str, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL keeps for a password (RFC 5802/7677), made here so the
    password itself never travels in a statement a server log could keep."""
    import base64
    import hashlib
    import hmac
    import os

    salt = os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode("ascii")

    stored = b64(hashlib.sha256(client_key).digest())
    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${stored}:{b64(server_key)}"


def _role(conn: Any, role: str, password: str) -> None:
    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
    verb = "ALTER" if exists else "CREATE"
    password = scram_verifier(password)
    conn.execute(
        sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), sql.Literal(password))
    )


def _grants(conn: Any, schema: str, service: str, role: str) -> None:
    s, r = sql.Identifier(schema), sql.Identifier(role)
    conn.execute(sql.SQL("REVOKE ALL ON SCHEMA {} FROM PUBLIC").format(s))
    conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, r))
    conn.execute(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(s, r))
    conn.execute(sql.SQL(GUARD).format(schema=s))
    present = {
        row[0]
        for row in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
        )
    }
    for suffix in APPEND_ONLY:
        if f"{service}_{suffix}" in present:
            _guard(conn, schema, f"{service}_{suffix}", role, "reform_append_only")
    conn.execute(sql.SQL(FORWARD).format(schema=s))
    _guard(conn, schema, f"{service}_{POSITIONS}", role, "reform_forward_only")
    for suffix in READ_MODELS:
        if f"{service}_{suffix}" in present:
            t = sql.Identifier(schema, f"{service}_{suffix}")
            conn.execute(sql.SQL("REVOKE ALL ON {} FROM {}").format(t, r))
            conn.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON {} TO {}").format(t, r))


def _guard(conn: Any, schema: str, table: str, role: str, function: str) -> None:
    """The role's SELECT, INSERT and UPDATE on ``table`` (no DELETE, no TRUNCATE), and a trigger
    of ``function`` judging every UPDATE or DELETE."""
    t, r = sql.Identifier(schema, table), sql.Identifier(role)
    conn.execute(sql.SQL("REVOKE ALL ON {} FROM {}").format(t, r))
    conn.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE ON {} TO {}").format(t, r))
    trigger = sql.Identifier(f"{table}_{function.removeprefix('reform_')}")
    conn.execute(sql.SQL("DROP TRIGGER IF EXISTS {} ON {}").format(trigger, t))
    conn.execute(
        sql.SQL(
            "CREATE TRIGGER {} BEFORE UPDATE OR DELETE ON {} FOR EACH ROW EXECUTE FUNCTION {}.{}()"
        ).format(trigger, t, sql.Identifier(schema), sql.Identifier(function))
    )


def service_env(service: str, role: str, password: str, owner_env: Mapping[str, str]) -> dict[str, str]:
    """What the service runs with once provisioned: its own role, and no table creation."""
    return dict(owner_env, POSTGRES_USER=role, POSTGRES_PASSWORD=password, CREATE_TABLE="false")


def provision_all(services: list[str], environ: Mapping[str, str], registry: Registry = REGISTRY) -> int:
    """`reform db provision`: with the owner's PostgreSQL settings (POSTGRES_*), each service's
    schema, tables and role ``reform_<service>``, its password from ``<SERVICE>_DB_PASSWORD``."""
    missing = [
        f"{registry.get(s).env_prefix}_DB_PASSWORD" for s in services if not _password(s, environ, registry)
    ]
    if missing:
        print(f"reform db provision: set {', '.join(missing)} (each service's own database password)")
        return 1
    for service in services:
        owner = {k: v for k, v in environ.items() if k.startswith("POSTGRES_")}
        owner["POSTGRES_SCHEMA"] = service  # each service in its own schema, as the services expect
        role = provision(service, _password(service, environ, registry), owner, registry=registry)
        print(f"reform db provision: {service}: schema {service}, role {role} (append-only log)")
    return 0


def _password(service: str, environ: Mapping[str, str], registry: Registry) -> str:
    return environ.get(f"{registry.get(service).env_prefix}_DB_PASSWORD", "")
