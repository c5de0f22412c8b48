"""Tamper evidence: a hash chain over every stored event, written in the same transaction.

``hash(n) = sha256(hash(n-1) ‖ canonical JSON of event n)`` where the canonical JSON holds
the event's position, aggregate id, version, topic and stored state (the state carries the
event's timestamp). The chain lives in the table ``audit_chain`` beside the events, so an
auditor needs only read access to the store to recompute it (``shared.persistence.verify``).

Positions recorded by the relay and by consumers (the ``tracking`` table) get a chain of their own,
``audit_tracking_chain``, extended in the transaction of each tracking write: a changed position
breaks it, and signed digests seal its head as they seal the events'.

eventsourcing offers no public hook that runs inside the write transaction, so the recorders
extend its ``_insert_events`` / ``_insert_tracking`` (and PostgreSQL's id fetch).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent, Tracking
from eventsourcing.postgres import PostgresProcessRecorder
from eventsourcing.sqlite import SQLiteCursor, SQLiteProcessRecorder
from psycopg.sql import SQL, Identifier

GENESIS = "0" * 64


def canonical(position: int | None, aggregate_id: Any, version: int, topic: str, state: bytes) -> bytes:
    """The canonical JSON of a stored event (without ``position`` when None)."""
    aggregate = aggregate_id.hex if isinstance(aggregate_id, UUID) else str(aggregate_id).replace("-", "")
    fields = {
        "aggregate_id": aggregate,
        "version": version,
        "topic": topic,
        "state": base64.b64encode(state.encode() if isinstance(state, str) else bytes(state)).decode("ascii"),
    }
    if position is not None:
        fields["position"] = position
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("utf-8")


def link(previous: str, position: int, aggregate_id: Any, version: int, topic: str, state: bytes) -> str:
    """The chain hash after this event: sha256(previous hash ‖ canonical JSON of the event)."""
    return hashlib.sha256(
        bytes.fromhex(previous) + canonical(position, aggregate_id, version, topic, state)
    ).hexdigest()


def content_digest(aggregate_id: Any, version: int, topic: str, state: bytes) -> str:
    """The event without its position: recognises an event moved to another position."""
    return hashlib.sha256(canonical(None, aggregate_id, version, topic, state)).hexdigest()


def tracking_link(previous: str, seq: int, application_name: str, notification_id: int) -> str:
    """The tracking chain's hash after one recorded position."""
    entry = json.dumps(
        {"seq": seq, "application_name": application_name, "notification_id": notification_id},
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")
    return hashlib.sha256(bytes.fromhex(previous) + entry).hexdigest()


TrackingRow = tuple[str, int]  # (application name, position)
TrackingChainRow = tuple[int, str, int, str]  # (seq, application name, position, hash)


class AuditedSQLiteProcessRecorder(SQLiteProcessRecorder):
    """SQLite process recorder that extends the hash chain in the transaction of each write."""

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            "CREATE TABLE IF NOT EXISTS audit_chain ("
            "position INTEGER PRIMARY KEY, content_digest TEXT NOT NULL, hash TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS audit_tracking_chain (seq INTEGER PRIMARY KEY, "
            "application_name TEXT NOT NULL, notification_id INTEGER NOT NULL, hash TEXT NOT NULL)",
        ]

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as c:
            # A store from before the tracking chain: its positions become the chain's first links.
            c.execute("SELECT COUNT(*) FROM audit_tracking_chain")
            if c.fetchone()[0] == 0:
                c.execute("SELECT application_name, notification_id FROM tracking ORDER BY application_name")
                for name, position in c.fetchall():
                    self._link_tracking(c, name, position)

    def tracking_head(self) -> tuple[int, str]:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT seq, hash FROM audit_tracking_chain ORDER BY seq DESC LIMIT 1")
            row = c.fetchone()
        return (row[0], row[1]) if row else (0, GENESIS)

    def _insert_tracking(self, c: SQLiteCursor, tracking: Tracking) -> None:
        super()._insert_tracking(c, tracking)
        self._link_tracking(c, tracking.application_name, tracking.notification_id)

    def _link_tracking(self, c: SQLiteCursor, name: str, position: int) -> None:
        c.execute("SELECT seq, hash FROM audit_tracking_chain ORDER BY seq DESC LIMIT 1")
        row = c.fetchone()
        seq, previous = (row[0] + 1, row[1]) if row else (1, GENESIS)
        c.execute(
            "INSERT INTO audit_tracking_chain (seq, application_name, notification_id, hash) "
            "VALUES (?, ?, ?, ?)",
            (seq, name, position, tracking_link(previous, seq, name, position)),
        )

    def chain_head(self) -> tuple[int, str]:
        with self.datastore.transaction(commit=False) as c:
            c.execute("SELECT position, hash FROM audit_chain ORDER BY position DESC LIMIT 1")
            row = c.fetchone()
        return (row[0], row[1]) if row else (0, GENESIS)

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        if not stored_events:
            return ids
        assert ids is not None
        c.execute("SELECT hash FROM audit_chain ORDER BY position DESC LIMIT 1")
        row = c.fetchone()
        previous = row[0] if row else GENESIS
        for stored, position in zip(stored_events, ids, strict=True):
            event = (stored.originator_id, stored.originator_version, stored.topic, stored.state)
            previous = link(previous, position, *event)
            c.execute(
                "INSERT INTO audit_chain (position, content_digest, hash) VALUES (?, ?, ?)",
                (position, content_digest(*event), previous),
            )
        return ids


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


class AuditedPostgresProcessRecorder(PostgresProcessRecorder):
    """PostgreSQL process recorder extending the hash chain in the transaction of each write
    (the events table is locked while ids are issued, so links are made in commit order)."""

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.chain_table = f"{self.events_table_name}_audit_chain"
        self.tracking_chain_table = f"{self.events_table_name}_audit_tracking_chain"
        schema = Identifier(self.datastore.schema)
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {schema}.{table} (position bigint PRIMARY KEY, "
                "content_digest text NOT NULL, hash text NOT NULL)"
            ).format(schema=schema, table=Identifier(self.chain_table))
        )
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {schema}.{table} (seq bigint PRIMARY KEY, "
                "application_name text NOT NULL, notification_id bigint NOT NULL, hash text NOT NULL)"
            ).format(schema=schema, table=Identifier(self.tracking_chain_table))
        )

    def _table(self, name: str) -> Any:
        return SQL("{s}.{t}").format(s=Identifier(self.datastore.schema), t=Identifier(name))

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as curs:
            # A store from before the tracking chain: its positions become the chain's first links.
            curs.execute(
                SQL("SELECT COUNT(*) AS n FROM {t}").format(t=self._table(self.tracking_chain_table))
            )
            counted = curs.fetchone()
            if counted is not None and counted["n"] == 0:
                curs.execute(
                    SQL("SELECT application_name, notification_id FROM {t} ORDER BY application_name").format(
                        t=self._table(self.tracking_table_name)
                    )
                )
                for row in curs.fetchall():
                    self._link_tracking(curs, row["application_name"], row["notification_id"])

    def tracking_head(self) -> tuple[int, str]:
        with self.datastore.get_connection() as conn:
            row = conn.execute(
                SQL("SELECT seq, hash FROM {t} ORDER BY seq DESC LIMIT 1").format(
                    t=self._table(self.tracking_chain_table)
                )
            ).fetchone()
        return (row["seq"], row["hash"]) if row else (0, GENESIS)

    def _insert_tracking(self, curs: Any, tracking: Tracking) -> None:
        super()._insert_tracking(curs, tracking)
        self._link_tracking(curs, tracking.application_name, tracking.notification_id)

    def _link_tracking(self, curs: Any, name: str, position: int) -> None:
        table = self._table(self.tracking_chain_table)
        # Writers on other connections (relay, consumers) take turns: links are made in commit order.
        curs.execute(SQL("LOCK TABLE {t} IN EXCLUSIVE MODE").format(t=table))
        curs.execute(SQL("SELECT seq, hash FROM {t} ORDER BY seq DESC LIMIT 1").format(t=table))
        row = curs.fetchone()
        seq, previous = (row["seq"] + 1, row["hash"]) if row else (1, GENESIS)
        curs.execute(
            SQL(
                "INSERT INTO {t} (seq, application_name, notification_id, hash) VALUES (%s, %s, %s, %s)"
            ).format(t=table),
            (seq, name, position, tracking_link(previous, seq, name, position)),
        )

    def chain_head(self) -> tuple[int, str]:
        with self.datastore.get_connection() as conn:
            row = conn.execute(
                SQL("SELECT position, hash FROM {s}.{t} ORDER BY position DESC LIMIT 1").format(
                    s=Identifier(self.datastore.schema), t=Identifier(self.chain_table)
                )
            ).fetchone()
        return (row["position"], row["hash"]) if row else (0, GENESIS)

    def _fetch_ids_after_insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if not stored_events or not ids:
            return ids
        table = SQL("{schema}.{table}").format(
            schema=Identifier(self.datastore.schema), table=Identifier(self.chain_table)
        )
        curs.execute(SQL("SELECT hash FROM {t} ORDER BY position DESC LIMIT 1").format(t=table))
        row = curs.fetchone()
        previous = row["hash"] if row else GENESIS
        rows = []
        for stored, position in zip(stored_events, ids, strict=True):
            event = (stored.originator_id, stored.originator_version, stored.topic, bytes(stored.state))
            previous = link(previous, position, *event)
            rows.append((position, content_digest(*event), previous))
        curs.executemany(
            SQL("INSERT INTO {t} (position, content_digest, hash) VALUES (%s, %s, %s)").format(t=table), rows
        )
        return ids


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
