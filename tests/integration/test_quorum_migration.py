"""The durable queues are quorum queues; the deploy step moves classic ones, messages and all."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import amqp
import pytest
import requests
from kombu import Connection, Queue, binding

from shared.messaging.broker import QUORUM, declare_topology, events_exchange, parking_exchange
from shared.messaging.migration import MOVER, durable_queues, migrate_to_quorum
from shared.messaging.permissions import Management
from tests.support.processes import AUTH, MANAGEMENT, amqp_uri_for, create_vhost, delete_vhost


@pytest.fixture
def vhost() -> Iterator[str]:
    name = create_vhost()
    yield name
    delete_vhost(name)


def queue_info(vhost: str, name: str) -> dict[str, Any]:
    reply = requests.get(f"{MANAGEMENT}/api/queues/{vhost}/{name}", auth=AUTH, timeout=10)
    reply.raise_for_status()
    info: dict[str, Any] = reply.json()
    return info


def classic(name: str, exchange: str, key: str) -> Queue:
    """The queue as the previous version declared it: classic, no arguments."""
    from kombu import Exchange

    return Queue(name, bindings=[binding(Exchange(exchange, type="topic"), routing_key=key)], durable=True)


def publish(conn: Connection, exchange: str, key: str, body: dict[str, Any], **properties: Any) -> None:
    channel = conn.channel()
    channel.basic_publish(
        amqp.Message(json.dumps(body).encode(), delivery_mode=2, **properties),
        exchange=exchange,
        routing_key=key,
    )
    channel.close()


def take_all(conn: Connection, queue: str) -> list[amqp.Message]:
    """Every message of the queue, by a consumer (a queue with one active consumer has no basic.get)."""
    channel = conn.connection.channel()
    taken: list[amqp.Message] = []
    channel.basic_qos(0, 100, False)
    channel.basic_consume(queue, callback=taken.append, no_ack=True)
    while True:
        try:
            conn.connection.drain_events(timeout=0.5)
        except TimeoutError:
            break
    channel.close()
    return taken


def test_every_durable_queue_is_declared_a_quorum_queue_and_an_inbox_has_one_active_consumer(vhost) -> None:
    with Connection(amqp_uri_for(vhost)) as conn:
        declare_topology(conn, ["catalogue", "conference", "pilots", "reporting"])
    for queue in durable_queues():
        info = queue_info(vhost, queue.name)
        assert info["type"] == "quorum", queue.name
        single = info["arguments"].get("x-single-active-consumer", False)
        assert single is (not queue.name.endswith(".parked")), queue.name


def test_the_deploy_step_moves_classic_queues_to_quorum_queues_with_every_message(vhost) -> None:
    uri = amqp_uri_for(vhost)
    with Connection(uri) as conn:
        conn.connect()
        channel = conn.default_channel
        events_exchange("catalogue")(channel).declare()
        parking_exchange("pilots")(channel).declare()
        classic("pilots.catalogue.events", "catalogue.events", "#")(channel).declare()
        Queue("pilots.parked", exchange=parking_exchange("pilots"), routing_key="parked", durable=True)(
            channel
        ).declare()
        for position in range(1, 6):  # queued before the upgrade, as the broker vouched for them
            publish(conn, "catalogue.events", "NodeAdded", {"position": position}, user_id="guest")
        publish(
            conn, "pilots.parking", "parked", {"forged": True}, application_headers={"x-parked-reason": "r"}
        )

        moved = migrate_to_quorum(uri, Management(MANAGEMENT, AUTH))

        assert set(moved) == {"pilots.catalogue.events", "pilots.parked"}
        assert queue_info(vhost, "pilots.catalogue.events")["type"] == "quorum"
        assert queue_info(vhost, "pilots.parked")["type"] == "quorum"
        names = [
            q["name"] for q in requests.get(f"{MANAGEMENT}/api/queues/{vhost}", auth=AUTH, timeout=10).json()
        ]
        assert not [n for n in names if n.endswith(".migrating")]
        assert requests.get(f"{MANAGEMENT}/api/users/{MOVER}", auth=AUTH, timeout=10).status_code == 404
        # Still bound: an event published after the move reaches the new queue, after the old ones.
        publish(conn, "catalogue.events", "NodeAdded", {"position": 6}, user_id="guest")
        inbox = take_all(conn, "pilots.catalogue.events")
        assert [json.loads(m.body)["position"] for m in inbox] == [1, 2, 3, 4, 5, 6]
        assert {m.properties.get("user_id") for m in inbox} == {"guest"}  # kept as the broker vouched
        moved = [m.properties["application_headers"] for m in inbox[:5]]
        # moved through the default exchange, which only an operator's step may publish to: a
        # consumer takes them as replays (signature checked), the witness knows their exchange
        assert all(h["x-replayed"] and h["x-original-exchange"] == "catalogue.events" for h in moved)
        assert "x-replayed" not in (inbox[5].properties.get("application_headers") or {})
        parked = take_all(conn, "pilots.parked")
        assert [json.loads(m.body) for m in parked] == [{"forged": True}]
        assert parked[0].properties["application_headers"]["x-parked-reason"] == "r"

        assert migrate_to_quorum(uri, Management(MANAGEMENT, AUTH)) == []  # a second run has nothing to do


def test_a_move_cut_short_is_finished_and_its_mover_never_outlives_it(vhost) -> None:
    uri = amqp_uri_for(vhost)
    management = Management(MANAGEMENT, AUTH)
    management.mover(vhost, MOVER, "left-behind")  # a deploy killed mid-move left its user...
    with Connection(uri) as conn:
        conn.connect()
        channel = conn.connection.channel()
        events_exchange("catalogue")(conn.default_channel).declare()
        # ... and the messages in the temporary queue, the classic one already deleted
        channel.queue_declare(
            "pilots.catalogue.events.migrating", durable=True, auto_delete=False, arguments=QUORUM
        )
        channel.queue_bind("pilots.catalogue.events.migrating", "catalogue.events", "#")
        for position in (1, 2):
            publish(conn, "catalogue.events", "NodeAdded", {"position": position})

        assert "pilots.catalogue.events" in migrate_to_quorum(uri, management)

        assert queue_info(vhost, "pilots.catalogue.events")["type"] == "quorum"
        assert [json.loads(m.body)["position"] for m in take_all(conn, "pilots.catalogue.events")] == [1, 2]
        gone = requests.get(f"{MANAGEMENT}/api/queues/{vhost}/pilots.catalogue.events.migrating", auth=AUTH)
        assert gone.status_code == 404
    assert requests.get(f"{MANAGEMENT}/api/users/{MOVER}", auth=AUTH, timeout=10).status_code == 404
