"""A service answers /health only once it consumes its queues: a client that publishes (or calls
over RPC) as soon as it answers loses nothing, even on a broker slow to take connections."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from kombu import Connection

from tests.support.feed_server import serving
from tests.support.keys import public_key_env
from tests.support.processes import reform_service
from tests.support.slow_broker import SlowBroker
from tests.support.world import World


@pytest.fixture
def slow_broker() -> Iterator[SlowBroker]:
    broker = SlowBroker(("127.0.0.1", 5672), delay=2.0).start()
    yield broker
    broker.stop()


def consumers(amqp_uri: str, queue: str) -> int:
    with Connection(amqp_uri) as conn:
        return int(conn.default_channel.queue_declare(queue, passive=True).consumer_count)


def test_health_answers_only_once_every_inbox_and_rpc_queue_is_consumed(
    tmp_path: Path, vhost: str, amqp_uri: str, slow_broker: SlowBroker
) -> None:
    world = World()
    keys = public_key_env(tmp_path, catalogue=world.catalogue, conference=world.conference)
    with serving(world.upstream, "catalogue", "conference") as feeds:
        pilots = reform_service(
            "pilots",
            tmp_path,
            vhost,
            AMQP_URI=f"amqp://guest:guest@127.0.0.1:{slow_broker.port}/{vhost}",
            **keys,
            **feeds,
        )
        pilots.start(timeout=60)
        try:
            # at the first answer of /health, and not a moment later
            assert slow_broker.accepted >= 2  # the proxy held the service's connections
            assert consumers(amqp_uri, "pilots.catalogue.events") == 1
            assert consumers(amqp_uri, "pilots.conference.events") == 1
            assert consumers(amqp_uri, "rpc-pilots") >= 1
        finally:
            pilots.stop()
