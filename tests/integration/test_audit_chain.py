"""The audit hash chain: written with every event, and each kind of tampering found at the
right position by reading the store alone."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from uuid import UUID

import pytest

from services.catalogue.application import CatalogueApplication
from services.catalogue.commands import AddNode, DraftCatalogue
from shared.config import settings_from_env
from shared.persistence.audit_read import read_sqlite
from shared.persistence.verify import verify_rows

# Position 1 of every store is the log's identity (LogIdentity, written when the application first
# opens it): the catalogue's own events follow it, so the positions below are counted after it.
IDENTITY = 1
LISTED = IDENTITY + 8  # the national negative list: positions 2..9
DRAFTED = LISTED + 1  # the catalogue drafted: position 10
NODE_A, NODE_B, NODE_C = DRAFTED + 1, DRAFTED + 2, DRAFTED + 3  # its nodes added: positions 11..13


@pytest.fixture
def store(tmp_path: Path) -> Path:
    settings = settings_from_env("catalogue", {"DATA_DIR": str(tmp_path)})
    app = CatalogueApplication(settings.persistence_env)
    app.ensure_national_negative_list()  # positions IDENTITY + 1..LISTED
    cid = UUID(
        app.draft_catalogue(
            DraftCatalogue(title="T", jurisdiction="J", level="county", issuer="I", fiscal_year=2020),
            actor="e",
        )["id"]
    )
    for code in ("A", "B", "C"):
        app.add_node(cid, AddNode(code=code, name=f"Item {code}"), actor="e")  # positions NODE_A..NODE_C
    app.close()
    return tmp_path / "catalogue.sqlite3"


def verify(path: Path) -> tuple[str | None, int]:
    finding, count, _ = verify_rows(*read_sqlite(str(path)))
    return (str(finding) if finding else None), count


def tamper(path: Path, sql: str, *params: object) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(sql, params)


def test_an_intact_log_verifies(store: Path) -> None:
    assert verify(store) == (None, NODE_C)


def test_a_changed_event_is_found_at_its_position(store: Path) -> None:
    tamper(
        store, "UPDATE stored_events SET state = replace(state, 'Item B', 'Item X') WHERE rowid = ?", NODE_B
    )
    assert verify(store) == (
        f"position {NODE_B}: the stored event differs from what was recorded (changed)",
        NODE_B - 1,
    )


def test_a_deleted_event_is_found_at_its_position(store: Path) -> None:
    deleted = IDENTITY + 5  # an entry of the negative list
    tamper(store, "DELETE FROM stored_events WHERE rowid = ?", deleted)
    assert verify(store)[0] == f"position {deleted}: an event recorded in the chain is missing (deleted)"


def test_an_inserted_event_is_found_at_its_position(store: Path) -> None:
    tamper(
        store,
        "INSERT INTO stored_events (originator_id, originator_version, topic, state) "
        "SELECT originator_id, 99, topic, state FROM stored_events WHERE rowid = ?",
        NODE_C,
    )
    assert verify(store) == (
        f"position {NODE_C + 1}: an event that is not in the chain was added (inserted)",
        NODE_C,
    )


def test_reordered_events_are_found_at_the_first_moved_position(store: Path) -> None:
    with sqlite3.connect(store) as conn:
        conn.execute("UPDATE stored_events SET rowid = 1000 WHERE rowid = ?", (NODE_A,))
        conn.execute("UPDATE stored_events SET rowid = ? WHERE rowid = ?", (NODE_A, NODE_B))
        conn.execute("UPDATE stored_events SET rowid = ? WHERE rowid = 1000", (NODE_B,))
    assert (
        verify(store)[0]
        == f"position {NODE_A}: the event stored here was recorded at position {NODE_B} (reordered)"
    )


def test_an_altered_chain_entry_is_found(store: Path) -> None:
    altered = IDENTITY + 7  # the chain entry of an entry of the negative list
    tamper(store, "UPDATE audit_chain SET hash = ? WHERE position = ?", "ab" * 32, altered)
    assert verify(store)[0] == f"position {altered}: the chain does not link here (chain entry altered)"
