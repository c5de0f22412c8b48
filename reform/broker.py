"""The deploy step on the broker, run by `reform up` before any service starts."""

from __future__ import annotations

import os
import sys

from kombu import Connection

from shared.messaging.broker import declare_topology
from shared.messaging.permissions import WITNESS as WITNESS_USER
from shared.messaging.permissions import Management, provision, uri_for, vhost_of
from shared.registry import Registry


def deploy_broker(
    amqp_uri: str,
    registry: Registry,
    plan: dict[str, tuple[list[str], dict[str, str]]],
    witness_env: dict[str, str],
) -> None:
    """The deploy step on the broker: with the admin credentials of ``AMQP_URI``, a user per
    service and for the witness (re-keyed on each start) and the whole topology; each process
    then runs as its own user. Without the management API every process shares ``AMQP_URI``."""
    admin = Connection(amqp_uri)
    management = Management(
        os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672"),
        (str(admin.userid), str(admin.password)),
    )
    if not management.available():
        print(
            "reform: RabbitMQ's management API is not reachable: every service shares the broker "
            "user of AMQP_URI, so the broker cannot tell them apart (signatures still can)",
            file=sys.stderr,
        )
        return
    users = provision(management, vhost_of(amqp_uri), registry)
    with Connection(amqp_uri) as conn:
        declare_topology(conn, registry.names(), registry)
    for name, (_, env) in plan.items():
        env.update(AMQP_URI=uri_for(amqp_uri, *users[name]), BROKER_USERS="1")
    witness_env.update(AMQP_URI=uri_for(amqp_uri, *users[WITNESS_USER]), BROKER_USERS="1")
    print("reform: each service runs as its own broker user (write to its exchange, read its queues)")
