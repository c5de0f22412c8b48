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
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent, Tracking
from eventsourcing.postgres import PostgresProcessRecorder
from eventsourcing.sqlite import SQLiteCursor, SQLiteProcessRecorder
from psycopg.sql import SQL, Identifier

from shared.persistence.listing_sql import ListingRecorder, ListingTables, postgres_text_index

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


@dataclass(frozen=True)
class ChainedTracking(Tracking):
    """A consumed position with the producer's audit-chain hash at it, which the recorder keeps
    beside the position (``audit_source_chain``): a consumer can tell a changed history later."""

    chain_hash: str | None = None
    # Positions passed in the same transaction before this one (a page taken at once), each
    # with the producer's chain hash there: kept as if each had been recorded alone.
    passed: tuple[tuple[int, str], ...] = ()


def _source_hashes(tracking: Tracking) -> list[tuple[int, str]]:
    """The (position, producer's chain hash) pairs a tracking record carries, in order."""
    chain_hash = getattr(tracking, "chain_hash", None)
    last = [(tracking.notification_id, chain_hash)] if chain_hash is not None else []
    return [*getattr(tracking, "passed", ()), *last]


def _carried(first: int, last: int, before: str | None, rows: Any) -> dict[int, str]:
    """The chain hash after each position from ``first`` to ``last``: where a position holds no
    event (PostgreSQL's ids skip a rolled-back insert) the hash of the last event before it."""
    found = {int(position): str(value) for position, value in rows}
    hashes: dict[int, str] = {}
    current = before or GENESIS
    for position in range(max(first, 0), last + 1):
        current = found.get(position, current)
        hashes[position] = current
    return hashes


TrackingRow = tuple[str, int]  # (application name, position)
TrackingChainRow = tuple[int, str, int, str]  # (seq, application name, position, hash)


def _quoted(*names: str) -> str:
    return ".".join('"' + name.replace('"', '""') + '"' for name in names)


class AuditedSQLiteProcessRecorder(ListingRecorder, SQLiteProcessRecorder):
    """SQLite process recorder that extends the hash chain, and writes the list rows
    (``listing_sql``), in the transaction of each write."""

    @property
    def listing(self) -> ListingTables:
        return ListingTables("sqlite", "listing", "listing_fold", self.events_table_name, "")

    def _listing_rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(sql, tuple(params))
            return [tuple(r) for r in c.fetchall()]

    def _listing_cursor(self) -> Any:
        return self.datastore.transaction(commit=True)

    def construct_create_table_statements(self) -> list[str]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"PRAGMA table_info({self.listing.table})")  # none: no table yet
            present = {row[1] for row in c.fetchall()}
        return [
            *super().construct_create_table_statements(),
            *self.listing.create_statements(present),
            "CREATE TABLE IF NOT EXISTS audit_chain ("
            "position INTEGER PRIMARY KEY, content_digest TEXT NOT NULL, hash TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS audit_tracking_chain (seq INTEGER PRIMARY KEY, "
            "application_name TEXT NOT NULL, notification_id INTEGER NOT NULL, hash TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS audit_source_chain (application_name TEXT NOT NULL, "
            "notification_id INTEGER NOT NULL, chain_hash TEXT NOT NULL, "
            "PRIMARY KEY (application_name, notification_id))",
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
        for position, chain_hash in _source_hashes(tracking):
            c.execute(
                "INSERT INTO audit_source_chain (application_name, notification_id, chain_hash) "
                "VALUES (?, ?, ?)",
                (tracking.application_name, position, chain_hash),
            )

    def source_chain_hash(self, name: str, position: int) -> str | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                "SELECT chain_hash FROM audit_source_chain"
                " WHERE application_name = ? AND notification_id = ?",
                (name, position),
            )
            row = c.fetchone()
        return str(row[0]) if row else None

    def chain_hashes(self, first: int, last: int) -> dict[int, str]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                "SELECT hash FROM audit_chain WHERE position < ? ORDER BY position DESC LIMIT 1", (first,)
            )
            row = c.fetchone()
            c.execute("SELECT position, hash FROM audit_chain WHERE position BETWEEN ? AND ?", (first, last))
            return _carried(first, last, row[0] if row else None, c.fetchall())

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
        if kwargs.get("listing"):
            self.listing.write(c, kwargs["listing"], stored_events, ids)
        return ids


class AuditedPostgresProcessRecorder(ListingRecorder, PostgresProcessRecorder):
    """PostgreSQL process recorder extending the hash chain, and writing the list rows, in the
    transaction of each write (the events table is locked while ids are issued, so links are
    made in commit order)."""

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        events, schema_name = self.events_table_name, self.datastore.schema
        self._listing = ListingTables(
            "postgres",
            _quoted(schema_name, f"{events}_listing"),
            _quoted(schema_name, f"{events}_listing_fold"),
            _quoted(schema_name, events),
            f"{events}_",
        )
        self.sql_create_statements.extend(SQL(s).format() for s in self._listing.create_statements())
        self.chain_table = f"{self.events_table_name}_audit_chain"
        self.tracking_chain_table = f"{self.events_table_name}_audit_tracking_chain"
        self.source_chain_table = f"{self.events_table_name}_source_chain"
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
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {schema}.{table} (application_name text NOT NULL, "
                "notification_id bigint NOT NULL, chain_hash text NOT NULL, "
                "PRIMARY KEY (application_name, notification_id))"
            ).format(schema=schema, table=Identifier(self.source_chain_table))
        )

    @property
    def listing(self) -> ListingTables:
        return self._listing

    def _listing_rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self.datastore.get_connection() as conn:
            return [tuple(r.values()) for r in conn.execute(sql, tuple(params)).fetchall()]

    def _listing_cursor(self) -> Any:
        return self.datastore.transaction(commit=True)

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
        postgres_text_index(self.datastore, self.listing)

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
        for position, chain_hash in _source_hashes(tracking):
            curs.execute(
                SQL(
                    "INSERT INTO {t} (application_name, notification_id, chain_hash) VALUES (%s, %s, %s)"
                ).format(t=self._table(self.source_chain_table)),
                (tracking.application_name, position, chain_hash),
            )

    def source_chain_hash(self, name: str, position: int) -> str | None:
        with self.datastore.get_connection() as conn:
            row = conn.execute(
                SQL("SELECT chain_hash FROM {t} WHERE application_name = %s AND notification_id = %s").format(
                    t=self._table(self.source_chain_table)
                ),
                (name, position),
            ).fetchone()
        return str(row["chain_hash"]) if row else None

    def chain_hashes(self, first: int, last: int) -> dict[int, str]:
        table = self._table(self.chain_table)
        with self.datastore.get_connection() as conn:
            before = conn.execute(
                SQL("SELECT hash FROM {t} WHERE position < %s ORDER BY position DESC LIMIT 1").format(
                    t=table
                ),
                (first,),
            ).fetchone()
            rows = conn.execute(
                SQL("SELECT position, hash FROM {t} WHERE position BETWEEN %s AND %s").format(t=table),
                (first, last),
            ).fetchall()
        previous = before["hash"] if before else None
        return _carried(first, last, previous, [(r["position"], r["hash"]) for r in rows])

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
        if kwargs.get("listing"):
            self.listing.write(curs, kwargs["listing"], stored_events, ids)
        return ids
