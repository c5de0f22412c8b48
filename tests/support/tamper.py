"""What a forger with write access to a stopped SQLite store does after changing events: recompute
the hash chain so that the walk alone finds nothing (only the signed digests, or the witness, can)."""

from __future__ import annotations

import sqlite3

from shared.persistence.audit import content_digest, link


def rewrite_chain(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM audit_chain")
    previous = "0" * 64
    rows = conn.execute(
        "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events ORDER BY rowid"
    ).fetchall()
    for position, *event in rows:
        previous = link(previous, position, *event)
        conn.execute("INSERT INTO audit_chain VALUES (?, ?, ?)", (position, content_digest(*event), previous))
