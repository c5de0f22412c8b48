"""Tamper evidence: a hash chain over every stored event, written in the same transaction.

``hash(n) = sha256(hash(n-1) ‖ canonical JSON of event n)`` where the canonical JSON holds
the event's position, aggregate id, version, topic and stored state (the state carries the
event's timestamp). The chain lives in the table ``audit_chain`` beside the events, so an
auditor needs only read access to the store to recompute it (see ``verify_rows``).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
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


class AuditedSQLiteProcessRecorder(SQLiteProcessRecorder):
    """SQLite process recorder that extends the hash chain in the transaction of each write."""

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            "CREATE TABLE IF NOT EXISTS audit_chain ("
            "position INTEGER PRIMARY KEY, content_digest TEXT NOT NULL, hash TEXT NOT NULL)",
        ]

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


@dataclass(frozen=True)
class Finding:
    position: int
    problem: str

    def __str__(self) -> str:
        return f"position {self.position}: {self.problem}"


def verify_rows(
    events: Iterable[tuple[int, Any, int, str, bytes]],
    chain: Iterable[tuple[int, str, str]],
    progress: Callable[[int], None] | None = None,
) -> tuple[Finding | None, int, str]:
    """Walk the stored events ``(position, aggregate id, version, topic, state)`` and the chain
    ``(position, content digest, hash)`` together, in position order.

    Returns the first finding (None when intact), how many events verified, and the chain head.
    """
    by_position = {row[0]: row for row in events}
    chain_rows = {position: (digest, hash_) for position, digest, hash_ in chain}
    recorded_at = {digest: position for position, (digest, _) in chain_rows.items()}
    previous = GENESIS
    verified = 0
    for position in sorted(by_position.keys() | chain_rows.keys()):
        if position not in by_position:
            return (
                Finding(position, "an event recorded in the chain is missing (deleted)"),
                verified,
                previous,
            )
        if position not in chain_rows:
            return (
                Finding(position, "an event that is not in the chain was added (inserted)"),
                verified,
                previous,
            )
        _, *event = by_position[position]
        expected_digest, expected_hash = chain_rows[position]
        digest = content_digest(*event)
        if digest != expected_digest:
            moved_from = recorded_at.get(digest)
            problem = (
                f"the event stored here was recorded at position {moved_from} (reordered)"
                if moved_from is not None
                else "the stored event differs from what was recorded (changed)"
            )
            return Finding(position, problem), verified, previous
        if link(previous, position, *event) != expected_hash:
            return Finding(position, "the chain does not link here (chain entry altered)"), verified, previous
        previous = expected_hash
        verified += 1
        if progress is not None:
            progress(1)
    return None, verified, previous


def recompute(events: Iterable[tuple[int, Any, int, str, bytes]]) -> dict[int, str]:
    """The chain as it should be, from the events alone: position -> hash after it."""
    hashes = {0: GENESIS}
    previous = GENESIS
    for position, *event in sorted(events, key=lambda row: row[0]):
        previous = link(previous, position, *event)
        hashes[position] = previous
    return hashes


def verify_digests(
    events: list[tuple[int, Any, int, str, bytes]], public_key: Any
) -> tuple[Finding | None, int]:
    """Check every stored digest: signed by ``public_key``, and naming the hash that the events
    themselves give at its position (so a chain rewritten to match altered events is caught)."""
    from shared.persistence.audit_digest import DIGEST_TOPIC_SUFFIX, signature_valid

    hashes = recompute(events)
    checked = 0
    for position, _, _, topic, state in events:
        if not topic.endswith(DIGEST_TOPIC_SUFFIX):
            continue
        digest = json.loads(state)
        if not signature_valid(public_key, digest):
            return Finding(
                position, "digest signature is invalid (forged, altered or signed with another key)"
            ), checked
        if hashes.get(digest["position"]) != digest["chain_hash"]:
            return Finding(
                digest["position"],
                f"the log up to here differs from what the digest stored at position {position} signed",
            ), checked
        checked += 1
    return None, checked


def verify_store(
    events: list[tuple[int, Any, int, str, bytes]],
    chain: list[tuple[int, str, str]],
    public_key: Any,
    progress: Callable[[int], None] | None = None,
) -> tuple[Finding | None, int, int]:
    """The chain walk and the digest checks; the first finding by position wins."""
    chain_finding, verified, _ = verify_rows(events, chain, progress)
    digest_finding, digests = verify_digests(events, public_key)
    findings = [f for f in (chain_finding, digest_finding) if f is not None]
    return (min(findings, key=lambda f: f.position) if findings else None), verified, digests


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


class AuditedPostgresProcessRecorder(PostgresProcessRecorder):
    """PostgreSQL process recorder extending the hash chain in the transaction of each write
    (the events table is locked while ids are issued, so links are made in commit order)."""

    def __init__(self, datastore: Any, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)
        self.chain_table = f"{self.events_table_name}_audit_chain"
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {schema}.{table} (position bigint PRIMARY KEY, "
                "content_digest text NOT NULL, hash text NOT NULL)"
            ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.chain_table))
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


def read_postgres(env: dict[str, str], service: str) -> tuple[list[Any], list[Any]]:
    """The events and the chain, read straight from a service's PostgreSQL schema."""
    import psycopg

    schema, events_table = env.get("POSTGRES_SCHEMA") or "public", f"{service}_events"
    with psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env.get("POSTGRES_PORT", "5432"),
        user=env["POSTGRES_USER"],
        password=env.get("POSTGRES_PASSWORD", ""),
    ) as conn:
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
