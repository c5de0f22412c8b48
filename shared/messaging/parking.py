"""The parked messages of a consumer: put aside with their reason, listed, and replayed by an operator."""

from __future__ import annotations

import json
import logging
from typing import Any

import amqp

from shared.messaging.broker import connect, parked_queue, parking_exchange
from shared.messaging.trust import plain_body

log = logging.getLogger(__name__)


def publish_parked(amqp_uri: str | None, consumer: str, body: Any, headers: dict[str, Any]) -> None:
    if amqp_uri is None:
        raise RuntimeError("parking needs the broker's AMQP_URI")
    # default=str: whatever a message held, its parked copy can always be written
    raw = (
        body
        if isinstance(body, bytes | bytearray)
        else json.dumps(body, ensure_ascii=False, default=str).encode()
    )
    with connect(amqp_uri, connect_timeout=5) as conn:
        channel = conn.connection.channel()
        parked_queue(consumer)(conn.default_channel).declare()
        channel.basic_publish_confirm(
            amqp.Message(raw, content_type="application/json", delivery_mode=2, application_headers=headers),
            exchange=parking_exchange(consumer).name,
            routing_key="parked",
            mandatory=True,
        )
        channel.close()


def list_parked(amqp_uri: str, consumer: str) -> list[dict[str, Any]]:
    """Read parked messages without taking them off the queue."""
    rows = []
    with connect(amqp_uri, connect_timeout=5) as conn:
        channel = conn.connection.channel()
        parked_queue(consumer)(conn.default_channel).declare()
        while True:
            message = channel.basic_get(queue=f"{consumer}.parked", no_ack=False)
            if message is None:
                break
            headers = dict(message.properties.get("application_headers") or {})
            rows.append({"headers": headers, "body": plain_body(message.body)})
        channel.close()  # un-acked messages go back to the queue, in order
    return rows


def replay_parked(amqp_uri: str, consumer: str) -> int:
    """Send every parked message back to the consumer's inbox; returns how many."""
    count = 0
    with connect(amqp_uri, connect_timeout=5) as conn:
        channel = conn.connection.channel()
        parked_queue(consumer)(conn.default_channel).declare()
        while True:
            message = channel.basic_get(queue=f"{consumer}.parked", no_ack=False)
            if message is None:
                break
            headers = dict(message.properties.get("application_headers") or {})
            body = plain_body(message.body)
            source = body.get("source") if isinstance(body, dict) else None
            target = headers.get("x-original-inbox") or (f"{consumer}.{source}.events" if source else None)
            if target is None:
                continue  # left un-acked: it stays parked when the channel closes
            headers["x-replayed"] = True
            try:
                channel.basic_publish_confirm(
                    amqp.Message(
                        message.body,
                        content_type="application/json",
                        delivery_mode=2,
                        application_headers=headers,
                    ),
                    exchange="",
                    routing_key=target,
                    mandatory=True,
                )
            except amqp.exceptions.ChannelError as exc:  # no such inbox: it stays parked
                log.warning("%s: cannot replay a parked message to %s: %s", consumer, target, exc)
                continue
            channel.basic_ack(message.delivery_tag)
            count += 1
        channel.close()
    return count
