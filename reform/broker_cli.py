"""`reform broker definitions`: what a RabbitMQ deployed by docker-compose loads at boot (users,
grants, topology), and each process's broker credentials, written once by the operator.
`reform broker migrate`: durable queues made as classic queues by an earlier version become
quorum queues, with their messages (run with the admin's AMQP_URI, the consumers stopped)."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from shared.messaging.permissions import WITNESS, broker_user, definitions, uri_for
from shared.registry import REGISTRY


def _write_secret(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


def write_definitions(out: Path, host: str) -> int:
    """``rabbitmq-definitions.json`` and ``broker-<name>.env`` (AMQP_URI) per process, 0600."""
    out.mkdir(parents=True, exist_ok=True)
    names = [*REGISTRY.names(), WITNESS]
    passwords = {name: secrets.token_urlsafe(24) for name in names}
    admin = ("reform-admin", secrets.token_urlsafe(24))
    _write_secret(out / "rabbitmq-definitions.json", json.dumps(definitions(passwords, admin), indent=2))
    base = f"amqp://{host}:5672/"
    for name in names:
        _write_secret(
            out / f"broker-{name}.env", f"AMQP_URI={uri_for(base, broker_user(name, '/'), passwords[name])}\n"
        )
    _write_secret(out / "broker-admin.env", f"AMQP_URI={uri_for(base, *admin)}\n")
    print(f"reform broker: wrote the broker's definitions and {len(names) + 1} credentials files to {out}")
    return 0


def migrate_queues() -> int:
    """Move the topology's classic durable queues to quorum queues, with the admin of AMQP_URI."""
    from shared.config import settings_from_env
    from shared.messaging.broker import connect
    from shared.messaging.migration import migrate_to_quorum
    from shared.messaging.permissions import Management

    amqp_uri = settings_from_env("reform").amqp_uri
    admin = connect(amqp_uri)
    management = Management(
        os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://127.0.0.1:15672"),
        (str(admin.userid), str(admin.password)),
    )
    if not management.available():
        print("reform broker: the management API does not answer (RABBITMQ_MANAGEMENT_URL)")
        return 1
    moved = migrate_to_quorum(amqp_uri, management)
    print(f"reform broker: {len(moved)} classic queue(s) made quorum queues: {', '.join(moved) or 'none'}")
    return 0
