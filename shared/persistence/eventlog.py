"""What every service application shares: a process recorder (so the relay and consumers
can keep positions in the same store), a save hook for the relay, as-of and history reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields as dataclass_fields
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.persistence import ProcessRecorder, Recording, Tracking

from shared.clock import Clock, local_date, system_clock
from shared.persistence.topics import topics_of


def to_plain(value: Any) -> Any:
    """JSON-compatible copy of domain values (UUIDs and datetimes as strings)."""
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def event_fields(domain_event: Any) -> dict[str, Any]:
    """The recorded attributes of a domain event, without the envelope ones."""
    skip = {"originator_id", "originator_version", "timestamp", "originator_topic"}
    data = {f.name: getattr(domain_event, f.name) for f in dataclass_fields(domain_event)}
    return {k: to_plain(v) for k, v in data.items() if k not in skip}


def ensure_postgres_schema(env: dict[str, str]) -> None:
    """Create the service's PostgreSQL schema if missing (eventsourcing creates only tables)."""
    if env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres" or not env.get("POSTGRES_SCHEMA"):
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env.get("POSTGRES_PORT", "5432"),
        user=env["POSTGRES_USER"],
        password=env.get("POSTGRES_PASSWORD", ""),
        connect_timeout=int(env.get("POSTGRES_CONNECT_TIMEOUT", "5")),
        autocommit=True,
    ) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(env["POSTGRES_SCHEMA"])))


class ServiceApplication(Application):
    """Base of every service's eventsourcing Application."""

    # One process writes each service's log, so cached aggregates, fast-forwarded
    # from the store on every get, stay exact. Override with the environment.
    env = {"AGGREGATE_CACHE_MAXSIZE": "1000"}

    def __init__(self, env: dict[str, str] | None = None) -> None:
        ensure_postgres_schema(env or {})
        super().__init__(env)
        self._save_listeners: list[Callable[[], None]] = []
        self.relay: Any = None  # set by the runtime when a relay publishes this log
        self.clock: Clock = system_clock  # the runtime injects the configured clock
        self.zone = "Asia/Shanghai"
        self.integration_mapper: Any = None  # the service's integration.to_integration

    def chain_head(self) -> tuple[int, str] | None:
        """The last (position, hash) of the audit chain, when the store keeps one."""
        head = getattr(self.recorder, "chain_head", None)
        return head() if head is not None else None

    def record_digest_if_due(self, service: str) -> Any:
        """Sign and store a digest of the chain head when the schedule says so."""
        signer, schedule = getattr(self, "signer", None), getattr(self, "digest_schedule", None)
        head = self.chain_head()
        if signer is None or schedule is None or head is None or not schedule.due(head[0]):
            return None
        digest = signer.sign(service, head[0], head[1])
        self.save(digest)
        schedule.done(head[0] + 1)  # the digest itself is the next link
        return digest

    def today(self) -> date:
        return local_date(self.clock, self.zone)

    def construct_recorder(self) -> ProcessRecorder:
        # A process recorder also has the tracking table: the relay's published
        # position and consumers' (source, position) live beside the events.
        return self.factory.process_recorder()

    @property
    def process_recorder(self) -> ProcessRecorder:
        assert isinstance(self.recorder, ProcessRecorder)
        return self.recorder

    def on_save(self, listener: Callable[[], None]) -> None:
        self._save_listeners.append(listener)

    def _notify(self, recordings: list[Recording]) -> None:
        if recordings:
            for listener in self._save_listeners:
                listener()

    def record_processed(self, tracking: Tracking | None, *aggregates: Any) -> None:
        """Save aggregates' new events and the consumed position in one transaction."""
        processing_event = ProcessingEvent(tracking)
        processing_event.collect_events(*aggregates)
        recordings = self._record(processing_event)
        self._notify(recordings)

    def last_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def version_as_of(self, aggregate_id: UUID, as_of: datetime) -> int | None:
        """The aggregate's version at ``as_of`` (None if it did not exist yet)."""
        version = None
        for domain_event in self.repository.event_store.get(aggregate_id):
            if domain_event.timestamp > as_of:
                break
            version = domain_event.originator_version
        return version

    def history(self, aggregate_id: UUID) -> list[dict[str, Any]]:
        """Every stored event of one aggregate: type, version, time, actor and fields."""
        rows = []
        for domain_event in self.repository.event_store.get(aggregate_id):
            data = event_fields(domain_event)
            rows.append(
                {
                    "event": type(domain_event).__qualname__,
                    "version": domain_event.originator_version,
                    "recorded_at": domain_event.timestamp.isoformat(),
                    "actor": data.pop("actor", None),
                    "data": data,
                }
            )
        return rows

    def ids_of(self, created_event: type) -> list[UUID]:
        """Ids of every aggregate whose creation event is ``created_event``, in creation order."""
        topics = topics_of(created_event)  # with the topics of the class before it moved
        ids: list[UUID] = []
        start = 1
        while True:
            page = self.recorder.select_notifications(start=start, limit=1000, topics=topics)
            ids.extend(UUID(str(n.originator_id)) for n in page)
            if len(page) < 1000:
                return ids
            start = page[-1].id + 1

    def get_aggregate(
        self, cls: type, aggregate_id: UUID, not_found: type[Exception], as_of: datetime | None = None
    ) -> Any:
        """The ``cls`` aggregate now, or as it stood at ``as_of``; ``not_found`` when there is none."""
        version = None
        if as_of is not None:
            version = self.version_as_of(aggregate_id, as_of)
            if version is None:
                raise not_found(f"{aggregate_id} did not exist at {as_of.isoformat()}")
        try:
            aggregate = self.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            raise not_found(f"no {cls.__name__} {aggregate_id}") from None
        if not isinstance(aggregate, cls):
            raise not_found(f"no {cls.__name__} {aggregate_id}")
        return aggregate

    def select_notifications_after(self, after: int, limit: int) -> list[Any]:
        return list(self.recorder.select_notifications(start=after + 1, limit=limit))
