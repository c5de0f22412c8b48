"""The naive peer of the benchmark (issue 14), in the style of nameko-examples: an HTTP entrypoint
that commits a row to SQLite and then dispatches the event with nameko's ``EventDispatcher``, and
a consumer of it. A crash between the commit and the dispatch loses the event: the design the
project's outbox exists to avoid, measured beside it for speed only.

Run by ``bench/compare.py`` as ``nameko run bench.peer_service --config <yaml>`` with
``PEER_DB`` naming its SQLite file."""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from typing import Any

from nameko.events import EventDispatcher, event_handler
from nameko.web.handlers import http
from werkzeug.wrappers import Request

DB = os.environ.get("PEER_DB", "peer.sqlite3")


def _create_tables() -> None:
    with sqlite3.connect(DB) as conn:  # once, at import: the peer pays no schema check per request
        conn.execute("CREATE TABLE IF NOT EXISTS items (id TEXT PRIMARY KEY, name TEXT NOT NULL)")
        conn.execute("CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY)")


def _connect() -> sqlite3.Connection:
    """A connection per request, as nameko-examples' database session dependency gives one."""
    return sqlite3.connect(DB, timeout=30)


_create_tables()


class PeerService:
    name = "peer"
    dispatch = EventDispatcher()

    @http("GET", "/health")
    def health(self, request: Request) -> str:
        return json.dumps({"status": "ok"})

    @http("POST", "/items")
    def create(self, request: Request) -> tuple[int, str]:
        body: dict[str, Any] = json.loads(request.get_data(as_text=True))
        item = {"id": str(uuid.uuid4()), "name": str(body["name"])}
        with _connect() as conn:  # committed here ...
            conn.execute("INSERT INTO items (id, name) VALUES (?, ?)", (item["id"], item["name"]))
        self.dispatch("item_created", item)  # ... and published after: lost if the process dies between
        return 201, json.dumps(item)


class PeerConsumer:
    name = "peer_consumer"

    @event_handler("peer", "item_created")
    def on_created(self, payload: dict[str, Any]) -> None:
        with _connect() as conn:
            conn.execute("INSERT OR IGNORE INTO seen (id) VALUES (?)", (payload["id"],))
