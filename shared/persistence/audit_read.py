"""Reading a service's events, audit chain and recorded positions straight from its store,
read-only (what an auditor's verification needs; shared.persistence.verify)."""

from __future__ import annotations

from typing import Any

from psycopg.sql import SQL, Identifier

from shared.persistence.audit import TrackingChainRow, TrackingRow


def read_sqlite(path: str) -> tuple[list[tuple[int, Any, int, str, bytes]], list[tuple[int, str, str]]]:
    """The events and the chain, read straight from a service's SQLite file (read-only)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        events = [
            (row[0], row[1], row[2], row[3], row[4])
            for row in conn.execute(
                "SELECT rowid, originator_id, originator_version, topic, state"
                " FROM stored_events ORDER BY rowid"
            )
        ]
        chain = list(conn.execute("SELECT position, content_digest, hash FROM audit_chain ORDER BY position"))
    finally:
        conn.close()
    return events, chain


def read_sqlite_tracking(path: str) -> tuple[list[TrackingRow], list[TrackingChainRow]]:
    """The recorded positions and their chain, straight from a SQLite store (read-only)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tracking = list(conn.execute("SELECT application_name, notification_id FROM tracking"))
        chain = list(
            conn.execute(
                "SELECT seq, application_name, notification_id, hash FROM audit_tracking_chain ORDER BY seq"
            )
        )
    finally:
        conn.close()
    return tracking, chain


def read_postgres_tracking(
    env: dict[str, str], service: str
) -> tuple[list[TrackingRow], list[TrackingChainRow]]:
    """The recorded positions and their chain, straight from a service's PostgreSQL schema."""
    from shared.persistence.eventlog import postgres_connection

    schema = Identifier(env.get("POSTGRES_SCHEMA") or "public")
    with postgres_connection(env) as conn:
        tracking = [
            (r[0], r[1])
            for r in conn.execute(
                SQL("SELECT application_name, notification_id FROM {s}.{t}").format(
                    s=schema, t=Identifier(f"{service}_tracking")
                )
            )
        ]
        chain = [
            (r[0], r[1], r[2], r[3])
            for r in conn.execute(
                SQL("SELECT seq, application_name, notification_id, hash FROM {s}.{t} ORDER BY seq").format(
                    s=schema, t=Identifier(f"{service}_events_audit_tracking_chain")
                )
            )
        ]
    return tracking, chain


def read_postgres(env: dict[str, str], service: str) -> tuple[list[Any], list[Any]]:
    """The events and the chain, read straight from a service's PostgreSQL schema."""
    from shared.persistence.eventlog import postgres_connection

    schema, events_table = env.get("POSTGRES_SCHEMA") or "public", f"{service}_events"
    with postgres_connection(env) as conn:
        events = [
            (r[0], r[1], r[2], r[3], bytes(r[4]))
            for r in conn.execute(
                SQL(
                    "SELECT notification_id, originator_id, originator_version, topic, state FROM {s}.{t} "
                    "ORDER BY notification_id"
                ).format(s=Identifier(schema), t=Identifier(events_table))
            )
        ]
        chain = list(
            conn.execute(
                SQL("SELECT position, content_digest, hash FROM {s}.{t} ORDER BY position").format(
                    s=Identifier(schema), t=Identifier(f"{events_table}_audit_chain")
                )
            )
        )
    return events, chain
