"""What every service application shares: a process recorder (so the relay and consumers
can keep positions in the same store), a save hook for the relay, as-of and history reads."""
# The application itself never publishes, signs or creates schemas: those are collaborators.

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import fields as dataclass_fields
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError, ProcessRecorder, Recording, Tracking

from shared.acts import Act, When, acting, effective_on
from shared.clock import Clock, local_date, system_clock
from shared.persistence.listed import ListsRecords
from shared.persistence.topics import topics_of

# (application, domain event) -> (integration event type, payload), or None for a private event
IntegrationMapper = Callable[[Any, Any], "tuple[str, dict[str, Any]] | None"]


A = TypeVar("A")


def _timestamp(domain_event: Any) -> datetime:
    """When the log recorded an event (every aggregate event carries it)."""
    moment: datetime = domain_event.timestamp
    return moment


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


# What eventsourcing records on every event: the envelope's business, never a payload field.
ENVELOPE_FIELDS = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic"})


def event_fields(domain_event: Any) -> dict[str, Any]:
    """The recorded attributes of a domain event, without the envelope ones."""
    data = {f.name: getattr(domain_event, f.name) for f in dataclass_fields(domain_event)}
    return {k: to_plain(v) for k, v in data.items() if k not in ENVELOPE_FIELDS}


def postgres_connection(env: Mapping[str, str], autocommit: bool = False, **extra: Any) -> Any:
    """A direct connection to the service's PostgreSQL database, from eventsourcing's settings
    (``extra``: more of libpq's connection parameters)."""
    import psycopg

    return psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env.get("POSTGRES_PORT", "5432"),
        user=env["POSTGRES_USER"],
        password=env.get("POSTGRES_PASSWORD", ""),
        connect_timeout=int(env.get("POSTGRES_CONNECT_TIMEOUT", "5")),
        autocommit=autocommit,
        **extra,
    )


def ensure_postgres_schema(env: Mapping[str, str]) -> None:
    """Create the service's PostgreSQL schema if missing (eventsourcing creates only tables)."""
    if env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres" or not env.get("POSTGRES_SCHEMA"):
        return
    from psycopg import sql

    with postgres_connection(env, autocommit=True) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_namespace WHERE nspname = %s", (env["POSTGRES_SCHEMA"],)
        ).fetchone()
        if found is None:  # a service's own role may not create schemas: its owner made it already
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(env["POSTGRES_SCHEMA"])))


class Relaying(Protocol):
    """What the application's readers need of the relay that publishes its log."""

    last_error: str | None
    leading: bool  # of several instances on one store, whether this one publishes it now

    def published_position(self) -> int: ...


class Notarising(Protocol):
    """What signs digests of the log's audit chain (shared.persistence.audit_digest.Notary)."""

    @property
    def public_key_pem(self) -> str: ...

    @property
    def key_id(self) -> str: ...

    def sign_envelope(self, envelope: dict[str, Any]) -> dict[str, Any]: ...

    def sign_page(self, page: dict[str, Any]) -> dict[str, Any]: ...


class LogIdentity(Aggregate):
    """The incarnation of a log: the first fact written into a new store (so the audit chain
    covers it), never changed, named by every envelope and feed page. A store wiped and made
    again has a new one; a store restored from a copy keeps it, which is why consumers also
    compare chain hashes (shared.messaging.history)."""

    class Created(Aggregate.Created):
        service: str
        incarnation: str

    @staticmethod
    def create_id(**_: Any) -> UUID:
        return uuid5(NAMESPACE_URL, "reform:log-identity")

    @event(Created)
    def __init__(self, *, service: str, incarnation: str) -> None:
        self.service = service
        self.incarnation = incarnation


class EventTooLarge(Exception):
    """An event larger than a message the broker takes: refused before anything is stored."""


# What one event may weigh (its fields as JSON): an envelope must stay below the broker's
# max_message_size (RabbitMQ 4: 16 MiB), and a feed page or relay batch holds at least one.
DEFAULT_MAX_EVENT_BYTES = 4 * 1024 * 1024
# How far back an act may be dated without naming its paper record (BACKDATE_DAYS).
DEFAULT_BACKDATE_DAYS = 30


def check_sizes(objs: Any, limit: int) -> None:
    """Refuse (``EventTooLarge``) when a pending event of ``objs`` weighs more than ``limit``."""
    import json

    for obj in objs:
        for pending in getattr(obj, "pending_events", ()):
            size = len(json.dumps(event_fields(pending), ensure_ascii=False, default=str).encode("utf-8"))
            if size > limit:
                raise EventTooLarge(
                    f"{type(pending).__qualname__} would weigh {size} bytes, over the {limit} an event "
                    "may (EVENT_MAX_BYTES): nothing was stored; split what it records"
                )


class ServiceApplication(ListsRecords, Application[UUID]):
    """Base of every service's eventsourcing Application: the log, reads as of a moment and
    history. Its collaborators are given to it by the runtime and declared here.

    Every service's use cases follow one convention: a command is a method taking its typed
    command (a dataclass of the service's ``commands`` module) and ``actor``; it returns the plain
    view of what it created or changed (the aggregate's view, as its query returns it; for a part
    of a large aggregate, a catalogue's node, the view of that part); a query returns plain data.
    """

    # One process writes each service's log, so cached aggregates, fast-forwarded
    # from the store on every get, stay exact. Override with the environment.
    env = {"AGGREGATE_CACHE_MAXSIZE": "1000"}

    clock: Clock  # what "now" is (tests and drills set a fixed moment)
    zone: str  # where "today" is judged (deadlines are calendar dates)
    relay: Relaying | None  # the relay publishing this log, when one runs
    notary: Notarising | None  # signs digests of the audit chain, when the runtime gave one
    integration_mapper: IntegrationMapper | None  # the service's domain → integration event map
    identity: str  # the log's incarnation (LogIdentity)
    max_event_bytes: int  # what one event may weigh (EventTooLarge past it)
    backdate_days: int  # an act dated further back needs its paper record (BACKDATE_DAYS)
    feed_page_bytes: int  # where a feed page stops
    data_dir: Path | None  # the service's own folder, when the runtime gave one

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        clock: Clock = system_clock,
        zone: str = "Asia/Shanghai",
        prepare_store: Callable[[Mapping[str, str]], None] = ensure_postgres_schema,
    ) -> None:
        prepare_store(env or {})
        super().__init__(env)
        self._save_listeners: list[Callable[[], None]] = []
        self.clock = clock
        self.zone = zone
        self.relay = None
        self.notary = None
        self.integration_mapper = None
        self.max_event_bytes = DEFAULT_MAX_EVENT_BYTES  # set from EVENT_MAX_BYTES by the runtime
        self.feed_page_bytes = DEFAULT_MAX_EVENT_BYTES  # a feed page stops at this (FEED_PAGE_BYTES)
        self.backdate_days = DEFAULT_BACKDATE_DAYS  # set from BACKDATE_DAYS by the runtime
        self.data_dir = None
        self.identity = self._establish_identity()

    def _establish_identity(self) -> str:
        """The log's incarnation id, written into the store when the store is new."""
        try:
            found: LogIdentity = self.repository.get(LogIdentity.create_id())
        except AggregateNotFoundError:
            created = LogIdentity(service=self.name, incarnation=str(uuid4()))
            try:
                super().save(created)
            except IntegrityError:  # another process opened the new store first: its id stands
                found = self.repository.get(LogIdentity.create_id())
            else:
                return created.incarnation
        return found.incarnation

    def chain_head(self) -> tuple[int, str] | None:
        """The last (position, hash) of the audit chain, when the store keeps one."""
        head = getattr(self.recorder, "chain_head", None)
        return head() if head is not None else None

    def chain_hashes(self, first: int, last: int) -> dict[int, str]:
        """The audit chain's hash after each position from ``first`` to ``last`` (0 is the genesis)."""
        read = getattr(self.recorder, "chain_hashes", None)
        if read is None:
            raise RuntimeError("this store keeps no audit chain, so it cannot publish")
        hashes: dict[int, str] = read(first, last)
        return hashes

    def source_chain_hash(self, tracking_name: str, position: int) -> str | None:
        """The producer's chain hash this consumer recorded with a position it passed, if any."""
        read = getattr(self.recorder, "source_chain_hash", None)
        return read(tracking_name, position) if read is not None else None

    def tracking_head(self) -> tuple[int, str] | None:
        """The last (entry, hash) of the chain of recorded positions, when the store keeps one."""
        head = getattr(self.recorder, "tracking_head", None)
        return head() if head is not None else None

    def today(self) -> date:
        return local_date(self.clock, self.zone)

    @contextmanager
    def acting(self, on: str | None = None, paper_ref: str | None = None) -> Iterator[Act]:
        """Run a command as one act dated ``on`` (today when None): never in the future, and
        more than ``backdate_days`` back only with its paper record (``PaperRecordRequired``)."""
        with acting(Act.dated(on, paper_ref, self.today(), self.backdate_days)) as act:
            yield act

    @contextmanager
    def acting_on_fact(self, on: str) -> Iterator[Act]:
        """Run what the service does by itself on another fact, as an act of that fact's date."""
        with acting(Act.derived(on, self.today())) as act:
            yield act

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

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        check_sizes(objs, self.max_event_bytes)
        recordings = super().save(*objs, **kwargs)
        self._saved(recordings)
        return recordings

    def _saved(self, recordings: list[Recording[UUID]]) -> None:
        if recordings:
            for listener in self._save_listeners:
                listener()

    def record_processed(self, tracking: Tracking | None, *aggregates: Any) -> None:
        """Save aggregates' new events and the consumed position in one transaction.

        ``save`` cannot carry a tracking record (eventsourcing passes ``tracking`` to the
        recorder itself), so this puts the events through the public event store; with
        fast-forwarding repositories (the default) nothing else of ``save`` applies here.
        """
        # What a consumer keeps of another service's message: up to its producer's limit and a
        # margin for its own fields, so a message the producer could send is never refused here.
        check_sizes(aggregates, self.max_event_bytes * 3 // 2)
        processing_event: ProcessingEvent[UUID] = ProcessingEvent(tracking)
        processing_event.collect_events(*aggregates)
        recordings = self.events.put(
            processing_event.events, tracking=tracking, **self.listing_kwargs(aggregates)
        )
        self._saved(recordings)

    def last_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def version_at(self, aggregate_id: UUID, when: When) -> int | None:
        """The aggregate's version as recorded by ``when.as_of`` (None if it did not exist yet)."""
        version = None
        for domain_event in self.repository.event_store.get(aggregate_id):
            if when.as_of is not None and _timestamp(domain_event) > when.as_of:
                break
            version = domain_event.originator_version
        return version

    def aggregate_at(self, aggregate_id: UUID, when: When) -> Any | None:
        """The aggregate at ``when`` (None if it did not exist then): rebuilt from the events
        recorded by ``when.as_of`` whose acts were in effect on ``when.on``. Acts entered later
        from paper may be dated before acts recorded earlier (a budget line, a met milestone, a
        task started before the timer found it overdue), so every event that belongs is applied,
        in recorded order, not only the first run of them."""
        if when.on is None:
            version = self.version_at(aggregate_id, when)
            return None if version is None else self.repository.get(aggregate_id, version=version)
        aggregate: Any = None
        stored: Any
        for stored in self.repository.event_store.get(aggregate_id):
            domain_event = stored  # an aggregate's event: mutate, apply and timestamp are its own
            if not when.admits(_timestamp(domain_event), effective_on(domain_event)):
                continue
            if aggregate is None:
                if domain_event.originator_version != 1:
                    return None  # its creation was not in effect yet
                aggregate = domain_event.mutate(None)
                continue
            domain_event.apply(aggregate)
            aggregate.version = domain_event.originator_version
            aggregate.modified_on = domain_event.timestamp
        return aggregate

    def history(self, aggregate_id: UUID, after: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
        """The stored events of one aggregate after version ``after`` (``limit`` of them at most):
        type, version, time, actor and fields."""
        rows = []
        for domain_event in self.repository.event_store.get(aggregate_id, gt=after or None, limit=limit):
            data = event_fields(domain_event)
            dating = data.pop("dating", None) or {}
            rows.append(
                {
                    "event": type(domain_event).__qualname__,
                    "version": domain_event.originator_version,
                    "recorded_at": _timestamp(domain_event).isoformat(),
                    # the two times: when it took effect, and (above) when the log recorded it
                    "effective_on": dating.get("on"),
                    "backdated": dating.get("backdated", False),
                    "paper_ref": dating.get("paper_ref"),
                    "effective_date_assumed": dating.get("assumed", False),
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

    def every(self, cls: type[A], created: type[Any]) -> list[A]:
        """Every ``cls`` aggregate (created by a ``created`` event), in creation order."""
        found: list[A] = []
        for aggregate_id in self.ids_of(created):
            aggregate: object = self.repository.get(aggregate_id)
            if isinstance(aggregate, cls):
                found.append(aggregate)
        return found

    def get_aggregate(
        self, cls: type[A], aggregate_id: UUID, not_found: type[Exception], when: When | None = None
    ) -> A:
        """The ``cls`` aggregate now, or as it stood at ``when``; ``not_found`` when there is none."""
        try:
            aggregate: object = (
                self.repository.get(aggregate_id) if when is None else self.aggregate_at(aggregate_id, when)
            )
        except AggregateNotFoundError:
            raise not_found(f"no {cls.__name__} {aggregate_id}") from None
        if aggregate is None:
            raise not_found(f"{aggregate_id} did not exist {when.describe() if when else ''}")
        if not isinstance(aggregate, cls):
            raise not_found(f"no {cls.__name__} {aggregate_id}")
        return aggregate

    def select_notifications_after(self, after: int, limit: int) -> list[Any]:
        return list(self.recorder.select_notifications(start=after + 1, limit=limit))
