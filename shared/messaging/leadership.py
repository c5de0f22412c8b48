"""Which instance of a service relays its log: one at a time, whatever number serve it.

Several instances of a service may serve reads and writes against one store; the relay that
publishes the store must run in exactly one of them, or the same positions would be published
by two processes at once. The relay asks its ``Leadership`` before each round:

- on PostgreSQL, a session-level advisory lock keyed by the service's schema. The lock lives as
  long as the session that took it: when the holding process dies (kill -9 included) its
  connection closes and the server frees the lock, so another instance takes it on its next
  round (``RELAY_POLL_SECONDS``). A round first checks that its session still holds the lock;
  a lost connection makes the instance a follower until it takes the lock again.
- on SQLite, an exclusive ``flock`` on a file beside the database (several processes on one
  machine; the kernel frees it when the process dies).

Should two relays ever publish at once (a partition longer than the server's TCP keepalive),
nothing is lost or applied twice: the relay's recorded position is a unique tracking record,
so one of the two fails to record and publishes again, and consumers recognise a re-published
event by its position.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)


class Leadership(Protocol):
    def held(self) -> bool:
        """Whether this instance leads now (taking the lead when it is free)."""
        ...

    def release(self) -> None: ...


class SoleInstance:
    """A store with one process by construction (an in-memory store, a test): always leads."""

    def held(self) -> bool:
        return True

    def release(self) -> None:
        pass


def lock_key(name: str) -> int:
    """A signed 64-bit key for ``pg_advisory_lock`` (stable across processes and versions)."""
    return int.from_bytes(hashlib.sha256(f"reform-relay:{name}".encode()).digest()[:8], "big", signed=True)


KEEPALIVES = "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3"


class AdvisoryLock:
    """A PostgreSQL session-level advisory lock held on a connection of its own."""

    def __init__(self, env: Mapping[str, str], name: str) -> None:
        self.env = dict(env)
        self.key = lock_key(name)
        self._conn: Any = None
        self._holding = False

    def held(self) -> bool:
        from shared.persistence.eventlog import postgres_connection

        try:
            if self._conn is None:
                # The server frees the lock when this session's client is gone: a dead host is
                # noticed within about 25 s (server keepalives), not the system's 2 hours.
                self._conn = postgres_connection(self.env, autocommit=True, options=KEEPALIVES)
                self._holding = False
            if self._holding:
                # Still ours only while this very session lives and holds it.
                row = self._conn.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND pid = pg_backend_pid() AND objsubid = 1 "
                    "AND classid = %s::bigint::oid AND objid = %s::bigint::oid",
                    ((self.key >> 32) & 0xFFFFFFFF, self.key & 0xFFFFFFFF),
                ).fetchone()
                self._holding = bool(row and row[0])
            else:
                row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
                self._holding = bool(row and row[0])
        except Exception as exc:  # noqa: BLE001 - a lost session is a lost lead, never a crash
            log.warning("relay lead: the lock's session failed (%s); following until it is taken again", exc)
            self._close()
        return self._holding

    def _close(self) -> None:
        self._holding = False
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001 - closing a broken connection
                pass
        self._conn = None

    def release(self) -> None:
        if self._conn is not None and self._holding:
            try:
                self._conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
            except Exception:  # noqa: BLE001 - the session's end frees it anyway
                pass
        self._close()


class FileLock:
    """An exclusive ``flock`` on a file beside a SQLite store: one relaying process per machine."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def held(self) -> bool:
        import fcntl

        if self._fd is not None:
            return True
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:  # a folder it cannot write: no lead, said, never a dead relay
            log.warning("relay lead: cannot open %s (%s); not relaying", self.path, exc)
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor frees the lock
            self._fd = None


def leadership_for(persistence_env: Mapping[str, str], service: str) -> Leadership:
    """The lead that fits the service's store."""
    module = persistence_env.get("PERSISTENCE_MODULE", "eventsourcing.sqlite")
    if module == "eventsourcing.postgres":
        return AdvisoryLock(persistence_env, persistence_env.get("POSTGRES_SCHEMA") or service)
    dbname = persistence_env.get("SQLITE_DBNAME", "")
    if dbname and dbname != ":memory:" and "mode=memory" not in dbname:
        return FileLock(Path(f"{dbname}.relay.lock"))
    return SoleInstance()
