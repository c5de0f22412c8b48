"""RabbitMQ plumbing: reachability, the declared topology, and publishing with confirms."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import Any

import amqp
from kombu import Connection, Exchange, Queue

from shared.registry import REGISTRY, Registry


class BrokerUnavailable(Exception):
    pass


class Unroutable(Exception):
    """The broker had no queue for a mandatory message: nothing was delivered."""


class Nacked(Exception):
    pass


def events_exchange(source: str) -> Exchange:
    # Same arguments as nameko's own event exchanges, so both can declare it.
    return Exchange(f"{source}.events", type="topic", durable=True, auto_delete=False)


# The durable queues (consumers' inboxes, the witness's, the parked ones) are quorum queues:
# replicated over a RabbitMQ cluster, they survive the loss of a node. An inbox also has a
# single active consumer, so that of several instances of a consumer one takes its events, in
# order, and another takes over when it goes. (nameko's RPC and reply queues stay as they are.)
QUORUM = {"x-queue-type": "quorum"}
INBOX_ARGUMENTS = {**QUORUM, "x-single-active-consumer": True}


def inbox_queue(
    consumer: str, source: str, routing_keys: Iterable[str] = ("#",), declare_exchange: bool = True
) -> Queue:
    """``<consumer>.<source>.events``; with ``declare_exchange`` off the binding leaves the
    producer's exchange alone (a service's own broker user may not declare another's)."""
    from kombu import binding

    exchange = events_exchange(source)
    exchange.no_declare = not declare_exchange
    return Queue(
        f"{consumer}.{source}.events",
        bindings=[binding(exchange, routing_key=key) for key in routing_keys],
        durable=True,
        auto_delete=False,
        queue_arguments=dict(INBOX_ARGUMENTS),
    )


def rpc_exchange() -> Exchange:
    """nameko's RPC exchange, as nameko declares it."""
    return Exchange("nameko-rpc", type="topic", durable=True)


def parking_exchange(consumer: str) -> Exchange:
    """Where a consumer parks what it cannot apply: its own exchange, so it needs no right to
    the default exchange (which reaches every queue)."""
    return Exchange(f"{consumer}.parking", type="direct", durable=True, auto_delete=False)


def parked_queue(consumer: str) -> Queue:
    return Queue(
        f"{consumer}.parked",
        exchange=parking_exchange(consumer),
        routing_key="parked",
        durable=True,
        auto_delete=False,
        queue_arguments=dict(QUORUM),
    )


def tls_options(amqp_uri: str) -> dict[str, Any] | None:
    """What an ``amqps://`` connection checks of the broker: its certificate, against the CA in
    ``AMQP_CA_FILE`` (else the system's), and its host name (py-amqp turns the name check off
    unless it is asked for). None for plain ``amqp://``."""
    if not amqp_uri.startswith("amqps://"):
        return None
    from urllib.parse import urlparse

    ca_file = os.environ.get("AMQP_CA_FILE")
    context: dict[str, Any] = {"check_hostname": True}
    if ca_file:
        context["cafile"] = ca_file
    return {"context": context, "server_hostname": urlparse(amqp_uri).hostname}


def connect(amqp_uri: str, **options: Any) -> Connection:
    """A kombu connection to the broker, over TLS when the URI says ``amqps://``."""
    return Connection(amqp_uri, ssl=tls_options(amqp_uri) or False, **options)


def check_broker(amqp_uri: str, timeout: float = 4.0) -> None:
    """Raise BrokerUnavailable with a clear message unless the broker answers in time."""
    try:
        with connect(amqp_uri, connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
    except (TimeoutError, OSError, amqp.exceptions.AMQPError) as exc:
        raise BrokerUnavailable(f"RabbitMQ does not answer at {_redact(amqp_uri)}: {exc}") from exc
    except Exception as exc:  # kombu wraps transport errors in its own types
        raise BrokerUnavailable(f"RabbitMQ does not answer at {_redact(amqp_uri)}: {exc}") from exc


def _redact(uri: str) -> str:
    if "@" in uri and "://" in uri:
        scheme, rest = uri.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return uri


def declare_topology(
    conn: Connection, sources: Iterable[str], registry: Registry = REGISTRY, own_only: str | None = None
) -> None:
    """Declare the event exchanges of ``sources`` and every consumer queue of the registry.

    The deploy step declares the whole topology before any service runs, so a consumer's queue
    holds events published before that consumer first ran: start order never loses an event.
    With ``own_only`` (a service running as its own broker user) only that service's exchange,
    inbox queues and parked queue are declared. Without per-service users (a development broker
    with one shared user) every service declares the whole topology itself.
    """
    channel = conn.default_channel
    if own_only is not None:
        events_exchange(own_only)(channel).declare()
        for source, keys in registry.subscriptions().get(own_only, {}).items():
            inbox_queue(own_only, source, keys, declare_exchange=False)(channel).declare()
        parked_queue(own_only)(channel).declare()
        return
    for source in sources:
        events_exchange(source)(channel).declare()
    rpc_exchange()(channel).declare()  # nameko's, declared here so that no service needs to
    for consumer, subscriptions in registry.subscriptions().items():
        for source, keys in subscriptions.items():
            events_exchange(source)(channel).declare()
            inbox_queue(consumer, source, keys)(channel).declare()
        parked_queue(consumer)(channel).declare()


class ConfirmingPublisher:
    """Publishes batches persistently, mandatory, and waits for the broker's confirms.

    One batch is confirmed as a whole: the caller records progress only after
    ``publish_batch`` returned, so a failure anywhere means re-publishing, never loss.
    """

    def __init__(self, amqp_uri: str, confirm_timeout: float = 30.0, own_only: str | None = None) -> None:
        self.amqp_uri = amqp_uri
        self.confirm_timeout = confirm_timeout
        self.own_only = own_only  # declare only this service's own exchange and queues
        self.user_id = Connection(amqp_uri).userid  # stamped on each message; RabbitMQ checks it
        self._conn: Connection | None = None
        self._channel: Any = None
        self._tag = 0

    def _ensure(self) -> Any:
        if self._channel is None:
            conn = connect(self.amqp_uri, connect_timeout=5, heartbeat=0)
            conn.connect()
            channel = conn.connection.channel()
            channel.confirm_select()
            self._conn, self._channel, self._tag = conn, channel, 0
        return self._channel

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.release()
            except Exception:  # noqa: BLE001 - closing a broken connection
                pass
        self._conn, self._channel = None, None

    def declare(self, sources: Iterable[str]) -> None:
        self._ensure()
        assert self._conn is not None
        declare_topology(self._conn, sources, own_only=self.own_only)

    def publish_batch(self, exchange: str, messages: list[tuple[str, dict[str, Any]]]) -> None:
        """Publish (routing key, body) pairs; returns once every one is confirmed."""
        if not messages:
            return
        try:
            self._publish_batch(exchange, messages)
        except Exception:
            self.close()  # a channel in an unknown state is never reused
            raise

    def _publish_batch(self, exchange: str, messages: list[tuple[str, dict[str, Any]]]) -> None:
        channel = self._ensure()
        first = self._tag + 1
        last = self._tag + len(messages)
        acked: set[int] = set()
        acked_upto = [first - 1]
        nacked: list[int] = []
        returned: list[str] = []

        def on_ack(tag: int, multiple: bool) -> None:
            if multiple:
                acked_upto[0] = max(acked_upto[0], tag)
            else:
                acked.add(tag)

        def on_nack(tag: int, multiple: bool) -> None:
            nacked.append(tag)

        def on_return(exc: Exception, exch: str, routing_key: str, message: Any) -> None:
            returned.append(f"{exch}/{routing_key}: {exc}")

        channel.events["basic_ack"].add(on_ack)
        channel.events["basic_nack"].add(on_nack)
        channel.events["basic_return"].add(on_return)
        try:
            for routing_key, body in messages:
                channel.basic_publish(
                    amqp.Message(
                        json.dumps(body, ensure_ascii=False).encode("utf-8"),
                        content_type="application/json",
                        content_encoding="utf-8",
                        delivery_mode=2,
                        message_id=str(body.get("event_id", "")),
                        user_id=self.user_id,
                    ),
                    exchange=exchange,
                    routing_key=routing_key,
                    mandatory=True,
                )
                self._tag += 1

            def all_confirmed() -> bool:
                return all(t <= acked_upto[0] or t in acked for t in range(first, last + 1))

            while not all_confirmed() and not nacked:
                assert self._conn is not None
                self._conn.connection.drain_events(timeout=self.confirm_timeout)
        finally:
            channel.events["basic_ack"].discard(on_ack)
            channel.events["basic_nack"].discard(on_nack)
            channel.events["basic_return"].discard(on_return)
        if nacked:
            raise Nacked(f"broker refused {len(nacked)} message(s) on {exchange}")
        if returned:
            raise Unroutable(f"no queue is bound for {len(returned)} message(s): {returned[0]}")
