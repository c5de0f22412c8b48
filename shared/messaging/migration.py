"""The deploy step's move of durable queues made as classic queues into quorum queues.

A queue's type cannot change in place: a classic queue is emptied into a temporary quorum
queue, deleted, declared again as a quorum queue (an inbox with its single active consumer),
and filled back. Its messages are moved unchanged (body and properties: headers, the producer's
``user_id`` the broker vouched for) by a short-lived user with the ``impersonator`` tag, each
acknowledged at its source only once the broker confirmed its copy: a failure at any point
leaves every message in one queue or the other, never none.

The queue stays bound to its exchanges throughout, through the temporary queue while it is
gone: no event published meanwhile misses it. One published during the move may be queued
twice or out of order; consumers take a repeated position once and fill a hole from the
producer's feed, and the witness keeps one copy of a digest. Parked messages have no other
publisher than their consumer: run the deploy step with the consumers stopped (`reform up`
runs it before it starts them).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

import amqp
from kombu import Queue

from shared.messaging.broker import QUORUM, connect, inbox_queue, parked_queue
from shared.messaging.permissions import Management, uri_for, vhost_of
from shared.registry import REGISTRY, Registry

MOVER = "reform-queue-mover"


def durable_queues(registry: Registry = REGISTRY) -> list[Queue]:
    """Every durable queue of the topology: inboxes (the witness's ``audit.*`` too) and parked."""
    queues = []
    for consumer, subscriptions in registry.subscriptions().items():
        queues += [inbox_queue(consumer, source, keys) for source, keys in subscriptions.items()]
        queues.append(parked_queue(consumer))
    return queues


def migrate_to_quorum(amqp_uri: str, management: Management, registry: Registry = REGISTRY) -> list[str]:
    """Make every durable queue of the topology that exists as a classic queue a quorum queue,
    with its messages; returns the names of the queues moved."""
    vhost = vhost_of(amqp_uri)
    management.delete_user(MOVER)  # left by a move that was cut short: it may impersonate anyone
    queues = durable_queues(registry)
    classic = [q for q in queues if management.queue_type(vhost, q.name) == "classic"]
    # A move cut short after its classic queue was deleted: the messages wait in the temporary one.
    cut_short = [
        q
        for q in queues
        if q not in classic and management.queue_type(vhost, f"{q.name}.migrating") is not None
    ]
    if not classic and not cut_short:
        return []
    password = secrets.token_urlsafe(24)
    management.mover(vhost, MOVER, password)
    try:
        with connect(uri_for(amqp_uri, MOVER, password), connect_timeout=10) as conn:
            conn.connect()
            for queue in classic:
                migrate_queue(conn, queue)
            for queue in cut_short:
                _fill_back(conn, queue)
    finally:
        management.delete_user(MOVER)
    return [q.name for q in classic + cut_short]


def migrate_queue(conn: Any, queue: Queue) -> int:
    """Move one classic queue's messages into ``queue`` declared anew; returns how many moved."""
    temporary, bindings = f"{queue.name}.migrating", _bindings(queue)
    channel = _confirming(conn)
    try:
        consumers = channel.queue_declare(queue.name, passive=True)[2]
        if consumers:  # what a consumer holds unacknowledged would go with the queue
            raise RuntimeError(f"{queue.name} has {consumers} consumer(s): stop them before the move")
        channel.queue_declare(temporary, durable=True, auto_delete=False, arguments=dict(QUORUM))
        _bind(channel, temporary, bindings)  # from here on every new event reaches one of the two
        moved = _move(channel, queue.name, temporary, queue)
        _bind(channel, queue.name, bindings, unbind=True)
        moved += _move(channel, queue.name, temporary, queue)
        channel.queue_delete(queue.name, if_empty=True)
    finally:
        channel.close()
    _fill_back(conn, queue)
    return moved


def _bindings(queue: Queue) -> list[tuple[str, str]]:
    bindings = [(b.exchange.name, b.routing_key) for b in queue.bindings]
    if queue.exchange is not None and queue.exchange.name:
        bindings.append((queue.exchange.name, queue.routing_key))
    return bindings


def _fill_back(conn: Any, queue: Queue) -> None:
    """Declare ``queue`` as a quorum queue and move the temporary queue's messages into it."""
    temporary, bindings = f"{queue.name}.migrating", _bindings(queue)
    queue(conn.default_channel).declare()  # the quorum queue, with its arguments and bindings
    # A new channel: RabbitMQ 3.10 fails a publish on a channel that knew the deleted queue.
    channel = _confirming(conn)
    try:
        _bind(channel, temporary, bindings, unbind=True)
        # Nothing is bound to it any more: empty once moved (quorum queues have no if-empty delete).
        while _move(channel, temporary, queue.name, queue) or _count(channel, temporary):
            pass
        channel.queue_delete(temporary)
    finally:
        channel.close()


def _moved_headers(message: Any, properties: dict[str, Any]) -> dict[str, Any]:
    """An inbox message moved through the default exchange (which only an operator's step may
    publish to) says so, and names the exchange it first came through: a consumer then takes it
    as a replay, its signature checked, and the witness knows whose digest it is."""
    headers = dict(properties.get("application_headers") or {})
    exchange = message.delivery_info.get("exchange") or ""
    if exchange:  # its first move; a second one (back from the temporary queue) keeps the first's
        headers["x-original-exchange"] = exchange
        headers["x-original-routing-key"] = message.delivery_info.get("routing_key", "")
    headers["x-replayed"] = True
    return headers


def _count(channel: Any, queue: str) -> int:
    count: int = channel.queue_declare(queue, passive=True)[1]
    return count


def _confirming(conn: Any) -> Any:
    channel = conn.connection.channel()
    channel.confirm_select()
    return channel


def _bind(channel: Any, queue: str, bindings: Iterable[tuple[str, str]], unbind: bool = False) -> None:
    for exchange, key in bindings:
        if unbind:
            channel.queue_unbind(queue, exchange, key)
        else:
            channel.queue_bind(queue, exchange, key)


def _move(channel: Any, source: str, target: str, queue: Queue) -> int:
    """Each message of ``source`` re-published to ``target`` and confirmed, then acknowledged."""
    moved = 0
    while True:
        message = channel.basic_get(queue=source, no_ack=False)
        if message is None:
            return moved
        properties = {k: v for k, v in message.properties.items() if v is not None}
        if not queue.name.endswith(".parked"):
            properties["application_headers"] = _moved_headers(message, properties)
        channel.basic_publish_confirm(
            amqp.Message(message.body, **properties), exchange="", routing_key=target, mandatory=True
        )
        channel.basic_ack(message.delivery_tag)
        moved += 1
