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


@pytest.fixture
def store(tmp_path: Path) -> Path:
    settings = settings_from_env("catalogue", {"DATA_DIR": str(tmp_path)})
    app = CatalogueApplication(settings.persistence_env)
    app.ensure_national_negative_list()  # positions 1..8
    cid = UUID(
        app.draft_catalogue(
            DraftCatalogue(title="T", jurisdiction="J", level="county", issuer="I", fiscal_year=2020),
            actor="e",
        )["id"]
    )
    for code in ("A", "B", "C"):
        app.add_node(cid, AddNode(code=code, name=f"Item {code}"), actor="e")  # positions 10..12
    app.close()
    return tmp_path / "catalogue.sqlite3"


def verify(path: Path) -> tuple[str | None, int]:
    finding, count, _ = verify_rows(*read_sqlite(str(path)))
    return (str(finding) if finding else None), count


def tamper(path: Path, sql: str, *params: object) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(sql, params)


def test_an_intact_log_verifies(store: Path) -> None:
    assert verify(store) == (None, 12)


def test_a_changed_event_is_found_at_its_position(store: Path) -> None:
    tamper(store, "UPDATE stored_events SET state = replace(state, 'Item B', 'Item X') WHERE rowid = 11")
    assert verify(store) == ("position 11: the stored event differs from what was recorded (changed)", 10)


def test_a_deleted_event_is_found_at_its_position(store: Path) -> None:
    tamper(store, "DELETE FROM stored_events WHERE rowid = 5")
    assert verify(store)[0] == "position 5: an event recorded in the chain is missing (deleted)"


def test_an_inserted_event_is_found_at_its_position(store: Path) -> None:
    tamper(
        store,
        "INSERT INTO stored_events (originator_id, originator_version, topic, state) "
        "SELECT originator_id, 99, topic, state FROM stored_events WHERE rowid = 12",
    )
    assert verify(store) == ("position 13: an event that is not in the chain was added (inserted)", 12)


def test_reordered_events_are_found_at_the_first_moved_position(store: Path) -> None:
    with sqlite3.connect(store) as conn:
        conn.execute("UPDATE stored_events SET rowid = 1000 WHERE rowid = 10")
        conn.execute("UPDATE stored_events SET rowid = 10 WHERE rowid = 11")
        conn.execute("UPDATE stored_events SET rowid = 11 WHERE rowid = 1000")
    assert verify(store)[0] == "position 10: the event stored here was recorded at position 11 (reordered)"


def test_an_altered_chain_entry_is_found(store: Path) -> None:
    tamper(store, "UPDATE audit_chain SET hash = ? WHERE position = 7", "ab" * 32)
    assert verify(store)[0] == "position 7: the chain does not link here (chain entry altered)"
