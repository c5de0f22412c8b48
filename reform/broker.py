"""The deploy step, run by `reform up` before any service starts: broker users and topology,
the services' keys given to every consumer, nameko's RPC exchange left to the deploy."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from shared.messaging.broker import connect, declare_topology
from shared.messaging.migration import migrate_to_quorum
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
    admin = connect(amqp_uri)
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
    moved = migrate_to_quorum(amqp_uri, management, registry)  # queues an earlier version made
    if moved:
        print(f"reform: {len(moved)} classic queue(s) made quorum queues, with their messages")
    with connect(amqp_uri) as conn:
        declare_topology(conn, registry.names(), registry)
    for name, (_, env) in plan.items():
        env.update(AMQP_URI=uri_for(amqp_uri, *users[name]), BROKER_USERS="1")
    witness_env.update(AMQP_URI=uri_for(amqp_uri, *users[WITNESS_USER]), BROKER_USERS="1")
    print("reform: each service runs as its own broker user (write to its exchange, read its queues)")


def give_public_keys(data_dir: Path, registry: Registry, envs: list[dict[str, str]]) -> None:
    """Every service's key is made before any starts, and each consumer (and the witness) is
    given the producers' public keys: nothing is learnt on first contact over the network."""
    from shared.persistence.audit_digest import Signer

    for spec in registry:
        Signer(data_dir / f"audit-{spec.name}.pem")  # what the service itself reads at start
        for env in envs:
            env.setdefault(f"{spec.env_prefix}_PUBLIC_KEY", str(data_dir / f"audit-{spec.name}.pub.pem"))


def declare_rpc_exchange_passively() -> None:
    """A service running as its own broker user may not configure nameko's RPC exchange (it could
    delete or retype it and so read every call); the deploy declared it. nameko offers no setting
    for this, so its exchange factory is wrapped to mark the exchange as not to be declared."""
    import nameko.rpc

    declared_by_nameko = nameko.rpc.get_rpc_exchange

    def passive(config: Any) -> Any:
        exchange = declared_by_nameko(config)
        exchange.no_declare = True
        return exchange

    nameko.rpc.get_rpc_exchange = passive
