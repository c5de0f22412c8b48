"""Who may do what on the broker: one user per service (and one for the auditor's witness), each
allowed to write only to its own exchange, read only its own queues, and bind to the RPC exchange
only for its own requests. The deploy step (`reform up`, or the definitions file) creates them
through RabbitMQ's management API with the broker's admin credentials; services then run as
their own user, and every message they publish carries ``user_id``, which RabbitMQ validates."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import requests

from shared.registry import REGISTRY, Registry

RPC_EXCHANGE = "nameko-rpc"  # nameko's own RPC exchange
WITNESS = "witness"
# nameko answers an RPC on its exchange under the caller's reply id (a uuid4): the only routing
# key a service may publish there, so it can answer calls but never make one as itself.
REPLY_KEY = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def vhost_of(amqp_uri: str) -> str:
    path = urlsplit(amqp_uri).path
    return unquote(path[1:]) if len(path) > 1 else "/"


def broker_user(name: str, vhost: str) -> str:
    """The broker user of a service (or the witness) on a vhost: users are broker-wide, so a
    vhost other than the default has users of its own."""
    return f"reform-{name}" if vhost == "/" else f"reform-{name}@{vhost}"


def uri_for(amqp_uri: str, user: str, password: str) -> str:
    parts = urlsplit(amqp_uri)
    host = parts.hostname or "127.0.0.1"
    port = f":{parts.port}" if parts.port else ""
    return (
        f"{parts.scheme}://{quote(user, safe='')}:{quote(password, safe='')}@{host}{port}{parts.path or '/'}"
    )


@dataclass(frozen=True)
class Grant:
    configure: str
    write: str
    read: str
    topic: dict[str, tuple[str, str]]  # exchange -> (write pattern, read pattern) on routing keys


def _any_of(names: list[str]) -> str:
    return "^(" + "|".join(re.escape(n) for n in names) + ")$"


def service_grant(name: str, registry: Registry = REGISTRY) -> Grant:
    """A service's own: its exchange, its queues (``<name>.*``), its RPC queue; it reads the
    exchanges of the sources it consumes, to bind its queues to them. The RPC exchange it may
    read (to bind its own requests) and write (to answer) but never configure: the deploy
    declares it, so no service can delete or retype it."""
    own = f"^({re.escape(name)}\\..*|rpc-{re.escape(name)})$"
    with_rpc = f"^({re.escape(name)}\\..*|rpc-{re.escape(name)}|{RPC_EXCHANGE})$"
    sources = [f"{s}.events" for s in registry.get(name).consumes]
    read = with_rpc if not sources else f"{with_rpc}|{_any_of(sources)}"
    return Grant(
        configure=own,
        write=with_rpc,
        read=read,
        topic={RPC_EXCHANGE: (REPLY_KEY, f"^{re.escape(name)}\\.")},
    )


def witness_grant(registry: Registry = REGISTRY) -> Grant:
    """The witness's own queues (``audit.*``), bound to every service's exchange; nothing to write."""
    exchanges = [f"{spec.name}.events" for spec in registry]
    return Grant(
        configure=r"^audit\..*$",
        write=r"^audit\..*$",  # binding its queues needs write on them
        read=f"^audit\\..*$|{_any_of(exchanges)}",
        topic={},
    )


class Management:
    """RabbitMQ's management API, with the broker's admin credentials."""

    def __init__(self, url: str, admin: tuple[str, str]) -> None:
        self.url = url.rstrip("/")
        self.auth = admin

    def available(self) -> bool:
        try:
            return requests.get(f"{self.url}/api/whoami", auth=self.auth, timeout=3).ok
        except requests.RequestException:
            return False

    def _put(self, path: str, body: dict[str, Any]) -> None:
        reply = requests.put(f"{self.url}/api/{path}", json=body, auth=self.auth, timeout=10)
        reply.raise_for_status()

    def grant(self, vhost: str, user: str, password: str, grant: Grant) -> None:
        v, u = quote(vhost, safe=""), quote(user, safe="")
        self._put(f"users/{u}", {"password": password, "tags": ""})
        self._put(
            f"permissions/{v}/{u}", {"configure": grant.configure, "write": grant.write, "read": grant.read}
        )
        for exchange, (write, read) in grant.topic.items():
            self._put(f"topic-permissions/{v}/{u}", {"exchange": exchange, "write": write, "read": read})

    def queue_type(self, vhost: str, queue: str) -> str | None:
        """``classic``, ``quorum`` or ``stream``; None when there is no such queue."""
        v, q = quote(vhost, safe=""), quote(queue, safe="")
        reply = requests.get(f"{self.url}/api/queues/{v}/{q}", auth=self.auth, timeout=10)
        if reply.status_code == 404:
            return None
        reply.raise_for_status()
        kind: str = reply.json().get("type", "classic")
        return kind

    def mover(self, vhost: str, user: str, password: str) -> None:
        """A short-lived user that may re-publish messages under the user ids they carry
        (RabbitMQ's ``impersonator`` tag), to move queued messages unchanged."""
        v, u = quote(vhost, safe=""), quote(user, safe="")
        self._put(f"users/{u}", {"password": password, "tags": "impersonator"})
        self._put(f"permissions/{v}/{u}", {"configure": ".*", "write": ".*", "read": ".*"})

    def delete_user(self, user: str) -> None:
        requests.delete(f"{self.url}/api/users/{quote(user, safe='')}", auth=self.auth, timeout=10)


def provision(
    management: Management, vhost: str, registry: Registry = REGISTRY
) -> dict[str, tuple[str, str]]:
    """Create (or re-key) every service's user and the witness's; returns name -> (user, password)."""
    made = {}
    for name, grant in [(spec.name, service_grant(spec.name, registry)) for spec in registry] + [
        (WITNESS, witness_grant(registry))
    ]:
        user, password = broker_user(name, vhost), secrets.token_urlsafe(24)
        management.grant(vhost, user, password, grant)
        made[name] = (user, password)
    return made


def password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's ``rabbit_password_hashing_sha256``: base64(salt ‖ sha256(salt ‖ password))."""
    import base64
    import hashlib

    salt = salt if salt is not None else secrets.token_bytes(4)
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode("utf-8")).digest()).decode("ascii")


def definitions(
    passwords: dict[str, str], admin: tuple[str, str], vhost: str = "/", registry: Registry = REGISTRY
) -> dict[str, Any]:
    """A RabbitMQ definitions document (what the broker loads at boot): the admin, a user per
    service and the witness with their grants, and the whole topology, declared before any
    service runs. ``passwords`` maps service (and ``witness``) to its password."""
    grants = {spec.name: service_grant(spec.name, registry) for spec in registry}
    grants[WITNESS] = witness_grant(registry)
    users: list[dict[str, Any]] = [
        {"name": admin[0], "password_hash": password_hash(admin[1]), "tags": ["administrator"]}
    ]
    permissions = [{"user": admin[0], "vhost": vhost, "configure": ".*", "write": ".*", "read": ".*"}]
    topic_permissions = []
    for name, grant in grants.items():
        user = broker_user(name, vhost)
        users.append({"name": user, "password_hash": password_hash(passwords[name]), "tags": []})
        permissions.append(
            {
                "user": user,
                "vhost": vhost,
                "configure": grant.configure,
                "write": grant.write,
                "read": grant.read,
            }
        )
        topic_permissions += [
            {"user": user, "vhost": vhost, "exchange": exchange, "write": write, "read": read}
            for exchange, (write, read) in grant.topic.items()
        ]
    for entry in users:
        entry["hashing_algorithm"] = "rabbit_password_hashing_sha256"
    return {
        "users": users,
        "vhosts": [{"name": vhost}],
        "permissions": permissions,
        "topic_permissions": topic_permissions,
        **_topology(vhost, registry),
    }


def _topology(vhost: str, registry: Registry) -> dict[str, list[dict[str, Any]]]:
    """Exchanges, queues and bindings of the registry, as definitions list them."""
    from shared.messaging.broker import (
        events_exchange,
        inbox_queue,
        parked_queue,
        parking_exchange,
        rpc_exchange,
    )

    exchanges = [*(events_exchange(spec.name) for spec in registry), rpc_exchange()]
    queues: list[Any] = []
    bindings: list[tuple[str, str, str]] = []
    for consumer, subscriptions in registry.subscriptions().items():
        for source, keys in subscriptions.items():
            queue = inbox_queue(consumer, source, keys)
            queues.append(queue)
            bindings += [(f"{source}.events", queue.name, key) for key in keys]
        exchanges.append(parking_exchange(consumer))
        queues.append(parked_queue(consumer))
        bindings.append((f"{consumer}.parking", f"{consumer}.parked", "parked"))
    common = {"vhost": vhost, "arguments": {}}
    return {
        "exchanges": [
            {
                "name": e.name,
                "type": e.type,
                "durable": True,
                "auto_delete": False,
                "internal": False,
                **common,
            }
            for e in exchanges
        ],
        "queues": [
            {"name": q.name, "durable": True, "auto_delete": False, "vhost": vhost, "arguments": args}
            for q in queues
            for args in [dict(q.queue_arguments or {})]
        ],
        "bindings": [
            {"source": src, "destination": dst, "destination_type": "queue", "routing_key": key, **common}
            for src, dst, key in bindings
        ],
    }
