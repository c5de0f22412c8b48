"""Producers in this process as a consumer's upstream: their real feed pages and keys, read
through ``read_feed`` as the HTTP feed serves them (no network between)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from shared.messaging.feed import IntegrationMapper, read_feed
from shared.messaging.upstream import UpstreamUnavailable
from shared.persistence.eventlog import ServiceApplication


def memory_store() -> dict[str, str]:
    """A private in-memory SQLite store with the audit chain a producer publishes from."""
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": f"file:{uuid4().hex}?mode=memory&cache=shared",
        "PROCESS_RECORDER_TOPIC": "shared.persistence.audit:AuditedSQLiteProcessRecorder",
    }


class InProcessUpstream:
    def __init__(self, **producers: tuple[ServiceApplication, IntegrationMapper]) -> None:
        self.producers = dict(producers)
        self.down: set[str] = set()  # sources whose feed a test makes unreachable

    def reaches(self, source: str) -> bool:
        return source in self.producers

    def describe(self, source: str) -> str:
        return f"in-process {source}"

    def _producer(self, source: str) -> tuple[ServiceApplication, IntegrationMapper]:
        if source not in self.producers or source in self.down:
            raise UpstreamUnavailable(f"{source} is not reachable")
        return self.producers[source]

    def page(self, source: str, after: int, limit: int) -> dict[str, Any]:
        app, mapper = self._producer(source)
        return read_feed(app, source, mapper, after, limit)

    def public_key_pem(self, source: str) -> bytes:
        app, _ = self._producer(source)
        assert app.notary is not None
        return app.notary.public_key_pem.encode()
